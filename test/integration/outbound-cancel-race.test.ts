import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, holdCoPartnersDir, json, ScriptedHttpPeer } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-cancel-race-test-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.from('outbound-cancel-race-test-secret').toString('base64')}`;

interface DocumentRow {
  id: string;
  status: string;
  status_detail: string | null;
  attempts: number;
  interchange_id: string;
}

/**
 * An operator cancels a document while a delivery try is under way (the partner's receiver has the
 * request and has not answered). Whatever the try then learns must not undo the cancel behind the
 * operator's back: a failure leaves the document cancelled with the operator's note, and raises
 * nothing; a success (the partner has the document, which cannot be taken back) is recorded as
 * delivered, saying so, and audited; a resend waits until that try has finished.
 */
describe('outbound delivery: a cancel while a try is under way', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  const secrets = mkdtempSync(join(tmpdir(), 'sg-cancel-race-secrets-'));

  // The partner's webhook receiver holds every request until the test answers it.
  const held: ServerResponse[] = [];
  const webhook = new ScriptedHttpPeer((_req, res) => {
    held.push(res);
  });

  beforeAll(async () => {
    const url = await webhook.start();
    writeFileSync(join(secrets, 'webhook'), WEBHOOK_SECRET);
    db = await createTestDatabase('cancel_race');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: holdCoPartnersDir(`${url}/hooks/orders`, join(secrets, 'webhook')),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
  });
  afterAll(async () => {
    for (const res of held) if (!res.writableEnded) res.destroy();
    await gateway?.stop();
    await db?.drop();
    await webhook.stop();
  });

  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<DocumentRow>(
        db.url,
        `SELECT id::text AS id, status, status_detail, attempts, interchange_id::text AS interchange_id
           FROM outbound_document WHERE po_number = $1`,
        [poNumber],
      )
    )[0];
  /** The statuses of the document's delivery jobs, oldest first. */
  const jobsOf = async (documentId: string) =>
    (
      await queryOnce<{ status: string }>(
        db.url,
        `SELECT status FROM outbox WHERE job_name = 'outbound.deliver' AND payload->>'documentId' = $1 ORDER BY id`,
        [documentId],
      )
    ).map((j) => j.status);
  /** Waits until every delivery job of the document has finished, done or dead, and returns them. */
  const finished = async (documentId: string) => {
    await eventually(
      async () => (await jobsOf(documentId)).every((s) => s === 'done' || s === 'dead'),
      'the delivery jobs finished',
    );
    return jobsOf(documentId);
  };
  const count = async (sql: string, params: unknown[]) =>
    (await queryOnce<{ n: number }>(db.url, sql, params))[0]!.n;

  /** Issues a PO and waits until its first delivery try is held by the receiver. */
  const tryUnderWay = async (poNumber: string): Promise<{ doc: DocumentRow; answer: ServerResponse }> => {
    const before = held.length;
    await issueSimulatorOrder(gateway.app, { poNumber, supplier: 'hold-co' });
    await eventually(async () => held.length > before, `the try for PO ${poNumber} at the receiver`);
    return { doc: (await documentOf(poNumber))!, answer: held[before]! };
  };
  const cancel = (id: string, note: string) =>
    request(gateway.url)
      .post(`/admin/outbound-documents/${id}/cancel`)
      .set({ authorization: `Bearer ${ADMIN}` })
      .send({ note })
      .expect(200);

  it('a try that fails after the cancel leaves the document cancelled, with the note, and raises nothing', async () => {
    const { doc, answer } = await tryUnderWay('4500090001');
    expect(doc.status).toBe('pending');
    expect((await cancel(doc.id, 'sent by mail')).body.status).toBe('cancelled');

    json(answer, 500, { error: 'receiver broke' });
    expect(await finished(doc.id)).toEqual(['done']);

    const after = (await documentOf('4500090001'))!;
    expect(after).toMatchObject({ status: 'cancelled', status_detail: 'sent by mail', attempts: 1 });
    // The partner allows one try: the failed try was the last, yet nothing is raised or dead-lettered.
    expect(
      await count(
        `SELECT count(*)::int AS n FROM exception_case WHERE type = 'outbound.delivery-failed' AND po_number = $1`,
        ['4500090001'],
      ),
    ).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM dead_letter WHERE job_name = 'outbound.deliver'`, []),
    ).toBe(0);
    expect(held).toHaveLength(1);
  });

  it('a try that succeeds after the cancel is recorded as delivered, saying so, and audited', async () => {
    const { doc, answer } = await tryUnderWay('4500090002');
    await cancel(doc.id, 'changed our mind');

    json(answer, 200, { ok: true });
    expect(await finished(doc.id)).toEqual(['done']);

    const after = (await documentOf('4500090002'))!;
    expect(after.status).toBe('delivered');
    expect(after.status_detail).toMatch(/\(by a try under way when the document was cancelled\)$/);
    const [archived] = await queryOnce<{ status: string }>(
      db.url,
      `SELECT status FROM interchange WHERE id = $1`,
      [after.interchange_id],
    );
    expect(archived!.status).toBe('sent');
    const audit = await queryOnce<{ action: string; actor_kind: string }>(
      db.url,
      `SELECT action, actor_kind FROM audit_log WHERE target_type = 'outbound-document' AND target_id = $1 ORDER BY id`,
      [doc.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'outbound-document.cancelled',
      'outbound-document.delivered-after-cancel',
    ]);
    expect(audit[1]!.actor_kind).toBe('gateway');
  });

  it('a resend waits until the cancelled try has finished, so that its outcome is not taken for the resend', async () => {
    const { doc, answer } = await tryUnderWay('4500090003');
    await cancel(doc.id, 'hold it');
    const refused = await request(gateway.url)
      .post(`/admin/outbound-documents/${doc.id}/resend`)
      .set({ authorization: `Bearer ${ADMIN}` })
      .expect(409);
    expect(JSON.stringify(refused.body)).toMatch(/still under way/);

    json(answer, 500, { error: 'receiver broke' });
    expect(await finished(doc.id)).toEqual(['done']);
    expect((await documentOf('4500090003'))!.status).toBe('cancelled');

    const before = held.length;
    await request(gateway.url)
      .post(`/admin/outbound-documents/${doc.id}/resend`)
      .set({ authorization: `Bearer ${ADMIN}` })
      .expect(200);
    await eventually(async () => held.length > before, 'the resent try at the receiver');
    json(held[before]!, 200, { ok: true });
    expect(await finished(doc.id)).toEqual(['done', 'done']);
    const after = (await documentOf('4500090003'))!;
    expect(after.status).toBe('delivered');
    expect(after.status_detail).not.toMatch(/cancelled/);
  });
});
