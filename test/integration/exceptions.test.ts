import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/audit/actor.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { ExceptionCaseError, ExceptionCaseErrorCode } from '../../src/exceptions/exception-case.exception.js';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import {
  ALL_PARTNERS,
  partnerScope,
  type ExceptionCase,
  type RaiseExceptionInput,
} from '../../src/exceptions/exception.types.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const gatewayActor: Actor = { kind: 'gateway' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExceptionCaseError) return error.code;
    throw error;
  }
  throw new Error('expected an ExceptionCaseError');
}

describe('the exception store', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let exceptions: ExceptionService;
  let audit: AuditService;
  let dataSource: DataSource;
  const users: Record<string, { id: string; actor: Actor }> = {};

  const raise = (input: RaiseExceptionInput, actor: Actor = gatewayActor) =>
    dataSource.transaction((tx) => exceptions.raise(tx, input, actor));
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await queryOnce<{ n: string }>(db.url, sql, params))[0]!.n);
  const ack = (
    partner: string,
    key: string,
    extra: Partial<RaiseExceptionInput> = {},
  ): RaiseExceptionInput => ({
    type: 'acknowledgment.quantity-changed',
    dedupeKey: key,
    references: { partnerId: partner, poNumber: '4500012345', poLine: '10', material: 'M-100', plant: 'P1' },
    differences: { quantity: { expected: '100', actual: '80' } },
    impact: { valueAtRisk: '1250.00', currency: 'EUR', daysLate: 0 },
    ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase('exceptions');
    gateway = await startTestGateway({ DATABASE_URL: db.url });
    exceptions = gateway.app.get(ExceptionService);
    audit = gateway.app.get(AuditService);
    dataSource = gateway.app.get(DataSource);
    for (const [name, role, partner, active] of [
      ['admin', 'admin', null, true],
      ['buyer-a', 'buyer', null, true],
      ['buyer-b', 'buyer', null, true],
      ['planner', 'buyer', null, true],
      ['left', 'buyer', null, false],
      ['leaving', 'buyer', null, true],
      ['acme-user', 'supplier-user', 'acme', true],
      ['nordic-user', 'supplier-admin', 'nordic', true],
    ] as const) {
      const id = randomUUID();
      const email = `${name}@example.com`;
      await queryOnce(
        db.url,
        `INSERT INTO app_user (id, email, display_name, role, partner_id, active) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, email, name, role, partner, active],
      );
      users[name] = { id, actor: { kind: 'user', userId: id, email } };
    }
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  describe('raising', () => {
    it('creates a case with the type defaults, history and an audit entry in one transaction', async () => {
      const { case: c, created } = await raise(ack('acme', 'raise-1'));
      expect(created).toBe(true);
      expect(c).toMatchObject({
        type: 'acknowledgment.quantity-changed',
        severity: 'high',
        state: 'open',
        ownerUserId: null,
        stateChangedBy: 'gateway',
        references: {
          partnerId: 'acme',
          poNumber: '4500012345',
          poLine: '10',
          plant: 'P1',
          interchangeId: null,
        },
        differences: { quantity: { expected: '100', actual: '80' } },
        impact: { valueAtRisk: '1250.00', currency: 'EUR', daysLate: 0 },
      });
      const history = await exceptions.history(c.id, ALL_PARTNERS);
      expect(history.map((e) => [e.action, e.fromState, e.toState, e.actor.display])).toEqual([
        ['raised', null, 'open', 'gateway'],
      ]);
      const entries = await audit.query({ target: { type: 'exception-case', id: c.id } });
      expect(entries.items.map((e) => [e.action, e.partnerId, e.actor.kind])).toEqual([
        ['exception.raised', 'acme', 'gateway'],
      ]);
    });

    it('keeps one case for the same type and dedupe key, updating its facts', async () => {
      const first = await raise(ack('acme', 'dedupe-1'));
      const again = await raise(ack('acme', 'dedupe-1'));
      expect(again).toMatchObject({ created: false, case: { id: first.case.id } });
      // An identical raise (a retried job) changes nothing and writes nothing.
      expect(
        await count(`SELECT count(*) AS n FROM exception_event WHERE case_id = $1`, [first.case.id]),
      ).toBe(1);

      const worse = await raise(
        ack('acme', 'dedupe-1', { impact: { valueAtRisk: '2500.00', currency: 'EUR', daysLate: 4 } }),
      );
      expect(worse.created).toBe(false);
      expect(worse.case.impact).toEqual({ valueAtRisk: '2500.00', currency: 'EUR', daysLate: 4 });
      expect(await count(`SELECT count(*) AS n FROM exception_case WHERE dedupe_key = 'dedupe-1'`)).toBe(1);
      const history = await exceptions.history(first.case.id, ALL_PARTNERS);
      expect(history.map((e) => e.action)).toEqual(['raised', 'updated']);
      expect(history[1]!.changes).toEqual({
        valueAtRisk: { from: '1250.00', to: '2500.00' },
        daysLate: { from: 0, to: 4 },
      });
      const entries = await audit.query({ target: { type: 'exception-case', id: first.case.id } });
      expect(entries.items[0]).toMatchObject({
        action: 'exception.updated',
        before: { valueAtRisk: '1250.00', daysLate: 0 },
        after: { valueAtRisk: '2500.00', daysLate: 4 },
      });
      // The same key under another type is another problem.
      const late = await raise({ ...ack('acme', 'dedupe-1'), type: 'acknowledgment.late' });
      expect(late.created).toBe(true);
    });

    it('makes one case of simultaneous raises', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => raise(ack('acme', 'race-1'))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.case.id)).size).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM exception_case WHERE dedupe_key = 'race-1'`)).toBe(1);
    });

    it('leaves a resolved case as it was decided', async () => {
      const { case: c } = await raise(ack('acme', 'resolved-1'));
      await exceptions.transition(c.id, 'resolve', users['buyer-a']!.actor, 'supplier corrected it');
      const again = await raise(ack('acme', 'resolved-1', { impact: { daysLate: 9 } }));
      expect(again.case).toMatchObject({ id: c.id, state: 'resolved', impact: { daysLate: 0 } });
      expect((await exceptions.history(c.id, ALL_PARTNERS)).map((e) => e.action)).toEqual([
        'raised',
        'resolved',
      ]);
    });

    it('reopens a decided case when its problem comes back as another occurrence, never for the same one', async () => {
      const first = await raise(ack('acme', 'recur-1', { occurrence: 'job deliver-7 run 1' }));
      await exceptions.transition(first.case.id, 'resolve', users['buyer-a']!.actor, 'resent by hand');
      // A retried job raising the same occurrence again: the case stays as the buyer left it.
      const retried = await raise(
        ack('acme', 'recur-1', { occurrence: 'job deliver-7 run 1', impact: { daysLate: 3 } }),
      );
      expect(retried).toMatchObject({ created: false, reopened: false, case: { state: 'resolved' } });

      // The resend fails too: the same case is open again, with what came back and why.
      const again = await raise(
        ack('acme', 'recur-1', { occurrence: 'job deliver-7:resend run 1', impact: { daysLate: 3 } }),
      );
      expect(again).toMatchObject({
        created: false,
        reopened: true,
        case: { id: first.case.id, state: 'open', occurrence: 'job deliver-7:resend run 1' },
      });
      expect(again.case.impact.daysLate).toBe(3);
      const history = await exceptions.history(first.case.id, ALL_PARTNERS);
      expect(history.map((e) => [e.action, e.fromState, e.toState, e.actor.display])).toEqual([
        ['raised', null, 'open', 'gateway'],
        ['resolved', 'open', 'resolved', 'user buyer-a@example.com'],
        ['reopened', 'resolved', 'open', 'gateway'],
      ]);
      expect(history[2]!.note).toBe(
        'the problem came back (job deliver-7:resend run 1) after the case was resolved',
      );
      expect(history[2]!.changes).toMatchObject({
        state: { from: 'resolved', to: 'open' },
        occurrence: { from: 'job deliver-7 run 1', to: 'job deliver-7:resend run 1' },
      });
      const entries = await audit.query({
        target: { type: 'exception-case', id: first.case.id },
        action: 'exception.reopened',
      });
      expect(entries.items).toHaveLength(1);
      expect(entries.items[0]).toMatchObject({
        before: { state: 'resolved' },
        after: { state: 'open' },
      });
      // Repeating the reopening raise (its job retried) writes nothing more.
      expect(
        await raise(
          ack('acme', 'recur-1', { occurrence: 'job deliver-7:resend run 1', impact: { daysLate: 3 } }),
        ),
      ).toMatchObject({ reopened: false, case: { state: 'open' } });
      expect(await exceptions.history(first.case.id, ALL_PARTNERS)).toHaveLength(3);
    });

    it('reopens an accepted case on another occurrence; a case in play only records it', async () => {
      const accepted = await raise(ack('acme', 'recur-2', { occurrence: 'answer A' }));
      await exceptions.transition(accepted.case.id, 'accept', users['buyer-a']!.actor);
      expect(await raise(ack('acme', 'recur-2', { occurrence: 'answer B' }))).toMatchObject({
        reopened: true,
        case: { state: 'open' },
      });

      const escalated = await raise(ack('acme', 'recur-3', { occurrence: 'answer A' }));
      await exceptions.transition(escalated.case.id, 'escalate', users['buyer-a']!.actor, 'call them');
      const recorded = await raise(ack('acme', 'recur-3', { occurrence: 'answer B' }));
      expect(recorded).toMatchObject({
        reopened: false,
        case: { state: 'escalated', occurrence: 'answer B' },
      });
      const history = await exceptions.history(escalated.case.id, ALL_PARTNERS);
      expect(history.map((e) => e.action)).toEqual(['raised', 'escalated', 'updated']);
      expect(history[2]!.changes).toEqual({ occurrence: { from: 'answer A', to: 'answer B' } });
      // A raise that names no occurrence keeps the case's own.
      await raise(ack('acme', 'recur-3'));
      expect((await exceptions.get(escalated.case.id, ALL_PARTNERS)).occurrence).toBe('answer B');
    });

    it('keeps a history in the order it happened however many events it has', async () => {
      // The events' ids cross a power of ten (…98, 99, 100, …), where text order and number order part.
      const [{ max }] = (await queryOnce<{ max: string | null }>(
        db.url,
        `SELECT max(id)::text AS max FROM exception_event`,
      )) as [{ max: string | null }];
      const power = 10 ** String(Number(max ?? 0) + 10).length;
      await queryOnce(db.url, `SELECT setval(pg_get_serial_sequence('exception_event', 'id'), $1)`, [
        power - 6,
      ]);
      const { case: c } = await raise(ack('acme', 'long-history-1'));
      for (let n = 1; n <= 11; n++) await raise(ack('acme', 'long-history-1', { impact: { daysLate: n } }));
      const history = await exceptions.history(c.id, ALL_PARTNERS);
      expect(history.map((e) => (e.changes.daysLate as { to?: number } | undefined)?.to ?? 0)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
      ]);
    });

    it("refuses a dedupe key that names another partner's case", async () => {
      await raise(ack('acme', 'conflict-1'));
      expect(await codeOf(raise(ack('nordic', 'conflict-1')))).toBe(ExceptionCaseErrorCode.DedupeConflict);
    });

    it('rolls back with the transaction that raised it, audit entry included', async () => {
      await expect(
        dataSource.transaction(async (tx) => {
          await exceptions.raise(tx, ack('acme', 'rollback-1'), gatewayActor);
          throw new Error('the translation failed');
        }),
      ).rejects.toThrow('the translation failed');
      expect(await count(`SELECT count(*) AS n FROM exception_case WHERE dedupe_key = 'rollback-1'`)).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'exception.raised'`)).toBe(
        await count(`SELECT count(*) AS n FROM exception_case`),
      );
    });

    it('refuses unknown types, bad input and calls outside a transaction', async () => {
      expect(await codeOf(raise({ ...ack('acme', 'bad-1'), type: 'acknowledgment.wrong' }))).toBe(
        ExceptionCaseErrorCode.UnknownType,
      );
      expect(
        await codeOf(raise(ack('acme', 'bad-2', { impact: { valueAtRisk: '1e3', currency: 'EUR' } }))),
      ).toBe(ExceptionCaseErrorCode.InvalidInput);
      expect(await codeOf(exceptions.raise(dataSource.manager, ack('acme', 'bad-3'), gatewayActor))).toBe(
        ExceptionCaseErrorCode.OutsideTransaction,
      );
      const partnerActor: Actor = { kind: 'partner', partnerId: 'nordic', credentialId: 'k-1' };
      expect(await codeOf(raise(ack('acme', 'bad-4'), partnerActor))).toBe(
        ExceptionCaseErrorCode.InvalidInput,
      );
    });

    it('stores quoted text with NUL and control characters as U+FFFD, and a repeated raise changes nothing', async () => {
      // PostgreSQL text refuses U+0000 (22021) and jsonb "\u0000" (22P05): the store makes them storable.
      const input = ack('acme', 'storable-text', {
        summary: 'ISA06 ACME\u0000FAST\u0001 refused,\tsee\nbelow \ud800',
        references: { partnerId: 'acme', poNumber: 'PO\u0000\u007f1', plant: 'P1' },
        differences: { isaSender: { expected: ['ZZ/ACMEFAST'], actual: 'ZZ/ACME\u0000FAST\u0001' } },
      });
      const first = await raise(input);
      expect(first.created).toBe(true);
      const stored = await exceptions.get(first.case.id, ALL_PARTNERS);
      expect(stored.summary).toBe('ISA06 ACME\ufffdFAST\ufffd refused,\tsee\nbelow \ufffd');
      expect(stored.references.poNumber).toBe('PO\ufffd\ufffd1');
      expect(stored.differences).toEqual({
        isaSender: { expected: ['ZZ/ACMEFAST'], actual: 'ZZ/ACME\ufffdFAST\u0001' },
      });
      const again = await raise(input);
      expect(again).toMatchObject({ created: false, reopened: false });
      expect((await exceptions.history(first.case.id, ALL_PARTNERS)).map((e) => e.action)).toEqual([
        'raised',
      ]);
      // New facts with such text update the case, history and audit included.
      const updated = await raise({ ...input, summary: 'still \u0000 refused' });
      expect(updated.case.summary).toBe('still \ufffd refused');
      const history = await exceptions.history(first.case.id, ALL_PARTNERS);
      expect(history.map((e) => e.action)).toEqual(['raised', 'updated']);
      expect(history[1]!.changes).toMatchObject({ summary: { to: 'still \ufffd refused' } });
    });

    it('round-trips a value at risk exactly, digits and trailing zeros included', async () => {
      for (const [key, value] of [
        ['decimal-1', '12345678901234.5678'],
        ['decimal-2', '0.0001'],
        ['decimal-3', '99999999999999999999.1000'],
      ] as const) {
        const { case: c } = await raise(
          ack('acme', key, { impact: { valueAtRisk: value, currency: 'USD' } }),
        );
        expect(c.impact.valueAtRisk).toBe(value);
        expect((await exceptions.get(c.id, ALL_PARTNERS)).impact.valueAtRisk).toBe(value);
        const [row] = await queryOnce<{ v: string }>(
          db.url,
          `SELECT value_at_risk::text AS v FROM exception_case WHERE id = $1`,
          [c.id],
        );
        expect(row!.v).toBe(value);
      }
    });
  });

  describe('routing', () => {
    it('gives a new case to the most specific rule, skipping owners who left', async () => {
      const add = (rule: Parameters<ExceptionService['addRoutingRule']>[0]) =>
        exceptions.addRoutingRule(rule, users['admin']!.actor);
      const fallback = await add({ ownerUserId: users['admin']!.id });
      await add({ partnerId: 'routeco', ownerUserId: users['buyer-a']!.id });
      await add({
        partnerId: 'routeco',
        plant: 'P1',
        typePrefix: 'acknowledgment',
        ownerUserId: users['planner']!.id,
      });
      await add({ plant: 'P9', ownerUserId: users['buyer-b']!.id, priority: 5 });
      await add({ partnerId: 'routeco', plant: 'P7', ownerUserId: users['leaving']!.id });
      await queryOnce(db.url, `UPDATE app_user SET active = false WHERE id = $1`, [users['leaving']!.id]);

      const owner = async (key: string, plant: string, partner = 'routeco', type = 'acknowledgment.late') =>
        (
          await raise({
            ...ack(partner, key),
            type,
            references: { partnerId: partner, plant },
          })
        ).case.ownerUserId;
      expect(await owner('route-1', 'P1')).toBe(users['planner']!.id);
      expect(await owner('route-2', 'P2')).toBe(users['buyer-a']!.id);
      expect(await owner('route-3', 'P1', 'routeco', 'interchange.rejected')).toBe(users['buyer-a']!.id);
      // Plant P9 (priority 5) against partner routeco (priority 0): both name one field, priority decides.
      expect(await owner('route-4', 'P9')).toBe(users['buyer-b']!.id);
      // The rule for P7 points at a user who left: the partner rule takes over.
      expect(await owner('route-5', 'P7')).toBe(users['buyer-a']!.id);
      expect(await owner('route-6', 'P2', 'otherco')).toBe(users['admin']!.id);

      const removed = await exceptions.removeRoutingRule(fallback.id, users['admin']!.actor);
      expect(removed.id).toBe(fallback.id);
      expect(await owner('route-7', 'P2', 'otherco')).toBeNull();
      const raisedEvent = (
        await exceptions.history(
          (await exceptions.list({ scope: partnerScope('routeco'), plant: 'P1', type: 'acknowledgment' }))
            .items[0]!.id,
          ALL_PARTNERS,
        )
      )[0]!;
      expect(raisedEvent.note).toMatch(/^routed by rule /);

      const ruleAudit = await audit.query({ action: 'exception-routing-rule' });
      expect(ruleAudit.items.map((e) => e.action)).toEqual([
        'exception-routing-rule.removed',
        ...Array<string>(5).fill('exception-routing-rule.added'),
      ]);
      // Leave no rule behind to route the cases of later tests.
      for (const rule of await exceptions.routingRules())
        await exceptions.removeRoutingRule(rule.id, users['admin']!.actor);
      expect(ruleAudit.items[0]).toMatchObject({
        before: { id: fallback.id },
        actor: { display: 'user admin@example.com' },
      });
    });

    it('refuses duplicate scopes, unknown owners and supplier users outside their partner', async () => {
      await exceptions.addRoutingRule(
        { partnerId: 'dupco', ownerUserId: users['buyer-a']!.id },
        users['admin']!.actor,
      );
      expect(
        await codeOf(
          exceptions.addRoutingRule(
            { partnerId: 'dupco', ownerUserId: users['buyer-b']!.id, priority: 3 },
            users['admin']!.actor,
          ),
        ),
      ).toBe(ExceptionCaseErrorCode.RoutingRuleExists);
      expect(
        await codeOf(exceptions.addRoutingRule({ ownerUserId: users['left']!.id }, users['admin']!.actor)),
      ).toBe(ExceptionCaseErrorCode.UnknownOwner);
      expect(
        await codeOf(exceptions.addRoutingRule({ ownerUserId: randomUUID() }, users['admin']!.actor)),
      ).toBe(ExceptionCaseErrorCode.UnknownOwner);
      expect(
        await codeOf(
          exceptions.addRoutingRule(
            { partnerId: 'nordic', ownerUserId: users['acme-user']!.id },
            users['admin']!.actor,
          ),
        ),
      ).toBe(ExceptionCaseErrorCode.OwnerOutsidePartner);
      expect(
        await codeOf(
          exceptions.addRoutingRule(
            { typePrefix: 'acknowledgement', ownerUserId: users['admin']!.id },
            users['admin']!.actor,
          ),
        ),
      ).toBe(ExceptionCaseErrorCode.UnknownType);
      expect(await codeOf(exceptions.removeRoutingRule(randomUUID(), users['admin']!.actor))).toBe(
        ExceptionCaseErrorCode.RoutingRuleNotFound,
      );
      for (const rule of await exceptions.routingRules())
        await exceptions.removeRoutingRule(rule.id, users['admin']!.actor);
    });
  });

  describe('deciding', () => {
    it('walks the state machine, recording history and audit for each step', async () => {
      const { case: c } = await raise(ack('acme', 'walk-1'));
      const buyer = users['buyer-a']!.actor;
      await exceptions.transition(c.id, 'escalate', buyer, 'line 4 stops on Friday');
      await exceptions.transition(c.id, 'counter', buyer, 'we take 90 now and 10 next week');
      await exceptions.transition(c.id, 'accept', buyer);
      const resolved = await exceptions.transition(c.id, 'resolve', buyer, 'ERP updated');
      expect(resolved).toMatchObject({ state: 'resolved', stateChangedBy: 'user buyer-a@example.com' });
      await exceptions.transition(c.id, 'reopen', users['admin']!.actor, 'supplier sent another change');

      const history = await exceptions.history(c.id, ALL_PARTNERS);
      expect(history.map((e) => [e.action, e.fromState, e.toState, e.note])).toEqual([
        ['raised', null, 'open', null],
        ['escalated', 'open', 'escalated', 'line 4 stops on Friday'],
        ['countered', 'escalated', 'countered', 'we take 90 now and 10 next week'],
        ['accepted', 'countered', 'accepted', null],
        ['resolved', 'accepted', 'resolved', 'ERP updated'],
        ['reopened', 'resolved', 'open', 'supplier sent another change'],
      ]);
      const entries = await audit.query({ target: { type: 'exception-case', id: c.id } });
      expect(entries.items.map((e) => [e.action, e.before, e.after]).reverse()).toEqual([
        ['exception.raised', null, expect.objectContaining({ state: 'open' })],
        ['exception.escalated', { state: 'open' }, { state: 'escalated' }],
        ['exception.countered', { state: 'escalated' }, { state: 'countered' }],
        ['exception.accepted', { state: 'countered' }, { state: 'accepted' }],
        ['exception.resolved', { state: 'accepted' }, { state: 'resolved' }],
        ['exception.reopened', { state: 'resolved' }, { state: 'open' }],
      ]);
      expect(entries.items[0]!.actor).toEqual({
        kind: 'user',
        id: users['admin']!.id,
        display: 'user admin@example.com',
      });
    });

    it('refuses invalid transitions with a code and writes nothing', async () => {
      const { case: c } = await raise(ack('acme', 'invalid-1'));
      const buyer = users['buyer-a']!.actor;
      await exceptions.transition(c.id, 'resolve', buyer);
      const events = await count(`SELECT count(*) AS n FROM exception_event WHERE case_id = $1`, [c.id]);
      const entries = await count(`SELECT count(*) AS n FROM audit_log WHERE target_id = $1`, [c.id]);
      expect(await codeOf(exceptions.transition(c.id, 'accept', buyer))).toBe(
        ExceptionCaseErrorCode.InvalidTransition,
      );
      expect(await codeOf(exceptions.transition(c.id, 'resolve', buyer))).toBe(
        ExceptionCaseErrorCode.InvalidTransition,
      );
      expect(await codeOf(exceptions.transition(c.id, 'reopen', buyer))).toBe(
        ExceptionCaseErrorCode.NoteRequired,
      );
      expect(await codeOf(exceptions.transition(c.id, 'approve' as never, buyer))).toBe(
        ExceptionCaseErrorCode.InvalidTransition,
      );
      expect(await codeOf(exceptions.transition(randomUUID(), 'accept', buyer))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      expect(await codeOf(exceptions.transition('not-a-uuid', 'accept', buyer))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      expect((await exceptions.get(c.id, ALL_PARTNERS)).state).toBe('resolved');
      expect(await count(`SELECT count(*) AS n FROM exception_event WHERE case_id = $1`, [c.id])).toBe(
        events,
      );
      expect(await count(`SELECT count(*) AS n FROM audit_log WHERE target_id = $1`, [c.id])).toBe(entries);
    });

    it('assigns owners from the directory, never across partners', async () => {
      const { case: c } = await raise(ack('acme', 'assign-1'));
      const admin = users['admin']!.actor;
      const assigned = await exceptions.assign(c.id, users['buyer-b']!.id, admin, 'Anna is back');
      expect(assigned.ownerUserId).toBe(users['buyer-b']!.id);
      // The same owner again is no change.
      await exceptions.assign(c.id, users['buyer-b']!.id, admin);
      await exceptions.assign(c.id, users['acme-user']!.id, admin);
      expect(await codeOf(exceptions.assign(c.id, users['nordic-user']!.id, admin))).toBe(
        ExceptionCaseErrorCode.OwnerOutsidePartner,
      );
      expect(await codeOf(exceptions.assign(c.id, users['left']!.id, admin))).toBe(
        ExceptionCaseErrorCode.UnknownOwner,
      );
      const unassigned = await exceptions.assign(c.id, null, admin);
      expect(unassigned.ownerUserId).toBeNull();
      const history = await exceptions.history(c.id, ALL_PARTNERS);
      expect(history.filter((e) => e.action === 'assigned').map((e) => e.changes)).toEqual([
        { ownerUserId: { from: null, to: users['buyer-b']!.id } },
        { ownerUserId: { from: users['buyer-b']!.id, to: users['acme-user']!.id } },
        { ownerUserId: { from: users['acme-user']!.id, to: null } },
      ]);
      const entries = await audit.query({
        action: 'exception.assigned',
        target: { type: 'exception-case', id: c.id },
      });
      expect(entries.items).toHaveLength(3);
      expect(entries.items[2]).toMatchObject({
        note: 'Anna is back',
        after: { ownerUserId: users['buyer-b']!.id },
      });
    });
  });

  describe('partner scoping', () => {
    let acmeCase: ExceptionCase;
    let nordicCase: ExceptionCase;

    beforeAll(async () => {
      acmeCase = (await raise(ack('acme', 'scope-1'))).case;
      nordicCase = (await raise(ack('nordic', 'scope-2'))).case;
    });

    it("never lists or reads another partner's cases", async () => {
      const acme = await exceptions.list({ scope: partnerScope('acme'), limit: 500 });
      expect(acme.items.length).toBeGreaterThan(0);
      expect(new Set(acme.items.map((c) => c.references.partnerId))).toEqual(new Set(['acme']));
      expect(acme.items.map((c) => c.id)).toContain(acmeCase.id);
      const nordic = await exceptions.list({ scope: partnerScope('nordic') });
      expect(nordic.items.map((c) => c.id)).toEqual([nordicCase.id]);
      expect(await codeOf(exceptions.get(nordicCase.id, partnerScope('acme')))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      expect(await codeOf(exceptions.history(nordicCase.id, partnerScope('acme')))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      expect((await exceptions.get(nordicCase.id, ALL_PARTNERS)).id).toBe(nordicCase.id);
    });

    it("lets partner credentials and supplier users act only on their partner's cases", async () => {
      const acmeKey: Actor = { kind: 'partner', partnerId: 'acme', credentialId: 'k-acme' };
      expect(await codeOf(exceptions.transition(nordicCase.id, 'accept', acmeKey))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      expect(await codeOf(exceptions.transition(nordicCase.id, 'accept', users['acme-user']!.actor))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      expect(await codeOf(exceptions.assign(nordicCase.id, null, users['acme-user']!.actor))).toBe(
        ExceptionCaseErrorCode.NotFound,
      );
      const accepted = await exceptions.transition(acmeCase.id, 'accept', users['acme-user']!.actor);
      expect(accepted.state).toBe('accepted');
      expect((await exceptions.get(nordicCase.id, ALL_PARTNERS)).state).toBe('open');
    });
  });

  describe('the workbench list', () => {
    it('sorts by value at risk, then days late, then age, and pages without gaps', async () => {
      const sortRaise = (key: string, valueAtRisk: string | null, daysLate: number | null) =>
        raise(
          ack('sortco', key, {
            impact: { valueAtRisk, currency: valueAtRisk === null ? null : 'EUR', daysLate },
          }),
        );
      const nothing = await sortRaise('s-none', null, null);
      const older = await sortRaise('s-100-5-old', '100', 5);
      const small = await sortRaise('s-9.99', '9.99', 30);
      const big = await sortRaise('s-big', '12345678901234.5678', 0);
      const newer = await sortRaise('s-100-5-new', '100.00', 5);
      const lateOnly = await sortRaise('s-late', null, 10);
      const fewerDays = await sortRaise('s-100-3', '100', 3);
      const expected = [big, older, newer, fewerDays, small, lateOnly, nothing].map((r) => r.case.id);

      const all = await exceptions.list({ scope: partnerScope('sortco') });
      expect(all.items.map((c) => c.id)).toEqual(expected);
      expect(all.nextCursor).toBeNull();

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await exceptions.list({ scope: partnerScope('sortco'), limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it('filters by state, type, owner, plant and PO', async () => {
      const { case: open } = await raise(ack('filterco', 'f-1'));
      const { case: late } = await raise({
        ...ack('filterco', 'f-2'),
        type: 'acknowledgment.late',
        references: { partnerId: 'filterco', plant: 'P2', poNumber: '4500099999' },
      });
      await exceptions.transition(late.id, 'resolve', users['admin']!.actor);
      await exceptions.assign(open.id, users['buyer-a']!.id, users['admin']!.actor);
      const ids = async (filters: Omit<Parameters<ExceptionService['list']>[0], 'scope'>) =>
        (await exceptions.list({ scope: partnerScope('filterco'), ...filters })).items.map((c) => c.id);
      expect(await ids({ state: 'open' })).toEqual([open.id]);
      expect(await ids({ state: ['resolved', 'accepted'] })).toEqual([late.id]);
      expect(await ids({ type: 'acknowledgment' })).toEqual([open.id, late.id]);
      expect(await ids({ type: 'acknowledgment.late' })).toEqual([late.id]);
      expect(await ids({ type: 'acknowledgment.la' })).toEqual([]);
      expect(await ids({ ownerUserId: users['buyer-a']!.id })).toEqual([open.id]);
      expect(await ids({ ownerUserId: null })).toEqual([late.id]);
      expect(await ids({ plant: 'P2' })).toEqual([late.id]);
      expect(await ids({ poNumber: '4500012345', material: 'M-100' })).toEqual([open.id]);
      expect(await codeOf(exceptions.list({ scope: ALL_PARTNERS, cursor: 'garbage' }))).toBe(
        ExceptionCaseErrorCode.InvalidInput,
      );
      expect(await codeOf(exceptions.list({ scope: ALL_PARTNERS, state: 'closed' as never }))).toBe(
        ExceptionCaseErrorCode.InvalidInput,
      );
      expect(await codeOf(exceptions.list({} as never))).toBe(ExceptionCaseErrorCode.InvalidInput);
    });
  });
});
