import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/audit/actor.js';
import { AuditError, AuditErrorCode } from '../../src/audit/audit.exception.js';
import { AuditService } from '../../src/audit/audit.service.js';
import type { AuditEntry } from '../../src/audit/audit.types.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const admin: Actor = {
  kind: 'user',
  userId: '6f1c2b1e-1111-4a4a-9b9b-000000000001',
  email: 'admin@example.com',
};
const ops: Actor = { kind: 'cli', name: 'ops' };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('the audit log on PostgreSQL', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let audit: AuditService;
  let dataSource: DataSource;
  const record = (entry: AuditEntry) => dataSource.transaction((tx) => audit.record(tx, entry));

  beforeAll(async () => {
    db = await createTestDatabase('audit');
    gateway = await startTestGateway({ DATABASE_URL: db.url });
    audit = gateway.app.get(AuditService);
    dataSource = gateway.app.get(DataSource);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('records who did what to what, with before, after and the correlation id', async () => {
    const written = await record({
      actor: admin,
      action: 'dead-letter.replayed',
      target: { type: 'dead-letter', id: '42' },
      partnerId: 'acme-fasteners',
      before: { replayedAt: null },
      after: { replayedAt: '2026-01-01T00:00:00.000Z', quantity: '12.500' },
      correlationId: 'po-4711.chain',
      note: 'ERP was down',
    });
    const [row] = await queryOnce<Record<string, unknown>>(
      db.url,
      `SELECT actor_kind, actor_id, actor_display, action, target_type, target_id, partner_id, before, after,
              correlation_id, note FROM audit_log WHERE id = $1`,
      [written.id],
    );
    expect(row).toEqual({
      actor_kind: 'user',
      actor_id: admin.kind === 'user' ? admin.userId : null,
      actor_display: 'user admin@example.com',
      action: 'dead-letter.replayed',
      target_type: 'dead-letter',
      target_id: '42',
      partner_id: 'acme-fasteners',
      before: { replayedAt: null },
      after: { replayedAt: '2026-01-01T00:00:00.000Z', quantity: '12.500' },
      correlation_id: 'po-4711.chain',
      note: 'ERP was down',
    });
    expect(written.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('refuses to write outside a transaction', async () => {
    const error = await rejection(
      audit.record(dataSource.manager, {
        actor: ops,
        action: 'user.added',
        target: { type: 'user', id: 'x' },
      }),
    );
    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).code).toBe(AuditErrorCode.OutsideTransaction);
  });

  it('refuses malformed entries', async () => {
    for (const entry of [
      { actor: ops, action: 'Replayed', target: { type: 'dead-letter' } },
      { actor: ops, action: 'dead-letter.replayed', target: { type: 'Dead Letter' } },
      { actor: { kind: 'user', userId: '', email: '' } as Actor, action: 'a.b', target: { type: 't' } },
    ]) {
      const error = await rejection(record(entry));
      expect((error as AuditError).code, JSON.stringify(entry)).toBe(AuditErrorCode.InvalidEntry);
    }
  });

  it('rolls back with the action it records', async () => {
    const error = await rejection(
      dataSource.transaction(async (tx) => {
        await audit.record(tx, {
          actor: ops,
          action: 'partner.disabled',
          target: { type: 'partner', id: 'rb-1' },
        });
        throw new Error('the action failed');
      }),
    );
    expect(error.message).toBe('the action failed');
    const page = await audit.query({ target: { type: 'partner', id: 'rb-1' } });
    expect(page.items).toEqual([]);
    const [{ n }] = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM audit_log WHERE target_id = 'rb-1'`,
    );
    expect(n).toBe('0');
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database, even under replica mode', async () => {
    await record({ actor: ops, action: 'user.added', target: { type: 'user', id: 'append-only' } });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      for (const sql of [
        `UPDATE audit_log SET note = 'rewritten' WHERE target_id = 'append-only'`,
        `DELETE FROM audit_log WHERE target_id = 'append-only'`,
        `DELETE FROM audit_log WHERE false`,
        `TRUNCATE audit_log`,
      ]) {
        await expect(client.query(sql), sql).rejects.toThrow(/audit_log is append-only/);
      }
      await client.query(`SET session_replication_role = replica`);
      await expect(client.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    // And through the application's own connection.
    await expect(dataSource.query(`UPDATE audit_log SET note = 'x'`)).rejects.toThrow(/append-only/);
    const [{ n }] = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM audit_log WHERE target_id = 'append-only' AND note IS NULL`,
    );
    expect(n).toBe('1');
  });

  describe('queries', () => {
    const buyer: Actor = {
      kind: 'user',
      userId: '6f1c2b1e-1111-4a4a-9b9b-000000000002',
      email: 'b@example.com',
    };
    const erp: Actor = { kind: 'system', clientId: 'c0ffee00-0000-4000-8000-000000000001', name: 'erp' };
    const ids: string[] = [];
    let before: Date;
    let between: Date;

    beforeAll(async () => {
      const dbNow = async () => new Date((await queryOnce<{ now: Date }>(db.url, 'SELECT now()'))[0]!.now);
      // Transaction times are the database's; wait past them so entries of earlier tests stay out.
      await new Promise((resolve) => setTimeout(resolve, 20));
      before = await dbNow();
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const [actor, action, partnerId] of [
        [buyer, 'exception.accepted', 'q-acme'],
        [buyer, 'exception.routing-rule.added', null],
        [erp, 'exceptions-legacy.imported', 'q-acme'],
        [buyer, 'exception.resolved', 'q-nordic'],
      ] as const) {
        ids.push(
          (
            await record({
              actor,
              action,
              target: { type: 'exception-case', id: `q-${ids.length}` },
              partnerId,
            })
          ).id,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      between = await dbNow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      ids.push(
        (
          await record({
            actor: erp,
            action: 'exception.accepted',
            target: { type: 'exception-case', id: 'q-4' },
            partnerId: 'q-acme',
          })
        ).id,
      );
    });

    const idsOf = (page: { items: { id: string }[] }) => page.items.map((r) => r.id);

    it('filters by actor kind and id', async () => {
      const mine = await audit.query({
        actor: { kind: 'user', id: buyer.kind === 'user' ? buyer.userId : '' },
      });
      expect(idsOf(mine)).toEqual([ids[3], ids[1], ids[0]]);
      const systems = await audit.query({ actor: { kind: 'system' }, from: before });
      expect(idsOf(systems)).toEqual([ids[4], ids[2]]);
    });

    it('filters by whole leading segments of the action', async () => {
      const page = await audit.query({ action: 'exception', from: before });
      expect(idsOf(page)).toEqual([ids[4], ids[3], ids[1], ids[0]]);
      expect(idsOf(await audit.query({ action: 'exception.accepted', from: before }))).toEqual([
        ids[4],
        ids[0],
      ]);
      expect(idsOf(await audit.query({ action: 'exception.rout', from: before }))).toEqual([]);
    });

    it('filters by target, partner and time', async () => {
      expect(idsOf(await audit.query({ target: { type: 'exception-case', id: 'q-2' } }))).toEqual([ids[2]]);
      expect(idsOf(await audit.query({ partnerId: 'q-acme' }))).toEqual([ids[4], ids[2], ids[0]]);
      expect(idsOf(await audit.query({ from: between }))).toEqual([ids[4]]);
      expect(idsOf(await audit.query({ from: before, to: between }))).toEqual([
        ids[3],
        ids[2],
        ids[1],
        ids[0],
      ]);
    });

    it('pages newest first with a cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await audit.query({ from: before, limit: 2, cursor });
        seen.push(...idsOf(page));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
    });

    it('refuses a cursor it did not give out and malformed filters', async () => {
      for (const filters of [
        { cursor: 'bm9wZQ' },
        { action: 'exception.%' },
        { limit: 0 },
        { limit: 501 },
        { actor: { kind: 'robot' as never } },
        { from: new Date('nope') },
      ]) {
        const error = await rejection(audit.query(filters));
        expect((error as AuditError).code, JSON.stringify(filters)).toBe(AuditErrorCode.InvalidQuery);
      }
    });
  });

  it('lists newest first by the number of the id, not its text (100 after 99)', async () => {
    // Ids are bigints read as text: ordering on the text would put 99 before 104.
    await queryOnce(db.url, 'ALTER TABLE audit_log ALTER COLUMN id RESTART WITH 95');
    const written: string[] = [];
    for (let i = 0; i < 10; i++) {
      written.push(
        (
          await record({
            actor: ops,
            action: 'order.checked',
            target: { type: 'order-check', id: String(i) },
          })
        ).id,
      );
    }
    expect(written).toEqual(['95', '96', '97', '98', '99', '100', '101', '102', '103', '104']);
    const page = await audit.query({ target: { type: 'order-check' } });
    expect(page.items.map((r) => r.id)).toEqual([...written].reverse());
    const first = await audit.query({ target: { type: 'order-check' }, limit: 4 });
    expect(first.items.map((r) => r.id)).toEqual(['104', '103', '102', '101']);
  });
});

describe('the audit log on the embedded database', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('runs the migrations on PGlite and refuses changes there too', async () => {
    expect(gateway.endpoint.embedded).toBe(true);
    const audit = gateway.app.get(AuditService);
    const dataSource = gateway.app.get(DataSource);
    const written = await dataSource.transaction((tx) =>
      audit.record(tx, {
        actor: { kind: 'gateway' },
        action: 'exception.raised',
        target: { type: 'exception-case' },
      }),
    );
    for (const sql of [
      `UPDATE audit_log SET note = 'rewritten'`,
      `DELETE FROM audit_log`,
      `DELETE FROM audit_log WHERE false`,
      `TRUNCATE audit_log`,
    ]) {
      await expect(dataSource.query(sql), sql).rejects.toThrow(/audit_log is append-only/);
    }
    const page = await audit.query({});
    expect(page.items.map((r) => [r.id, r.actor.display, r.note])).toEqual([[written.id, 'gateway', null]]);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM exception_case`);
    expect(n).toBe(0);
  });
});
