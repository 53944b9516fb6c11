import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, holdCoPartnersDir, json, ScriptedHttpPeer } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-job-subject-guard-test-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.from('job-subject-guard-test-secret').toString('base64')}`;

/**
 * A dead letter replayed while the workers are busy stays queued; an operator's resend of the same
 * document, or a partner's redelivery of the same webhook message, must not start a second round next
 * to it (the round settling first would decide the subject, and the other's outcome would be lost).
 * Both are refused (409 problem+json, saying the job is still queued) and go through once it has run.
 * The gateway runs one job at a time, and a try held by the receiver keeps the worker busy.
 */
describe('one round at a time per job subject: resend and redeliver wait for a replayed job', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let partnerToken: string;
  let receiver: string;
  const secrets = mkdtempSync(join(tmpdir(), 'sg-subject-guard-secrets-'));

  // The receiver (hold-co's delivery webhook and its subscription) holds every request until answered.
  const held: { path: string; response: ServerResponse }[] = [];
  const peer = new ScriptedHttpPeer((req, response) => {
    held.push({ path: req.path, response });
  });

  beforeAll(async () => {
    receiver = await peer.start();
    writeFileSync(join(secrets, 'webhook'), WEBHOOK_SECRET);
    db = await createTestDatabase('subject_guard');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: holdCoPartnersDir(`${receiver}/orders`, join(secrets, 'webhook')),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
      JOBS_CONCURRENCY: '1',
    });
    partnerToken = (
      await gateway.app
        .get(IdentityService)
        .issuePartnerToken('hold-co', ['webhooks:write'], { kind: 'cli', name: 'subject-guard-test' })
    ).token;
  });
  afterAll(async () => {
    for (const { response } of held) if (!response.writableEnded) response.destroy();
    await gateway?.stop();
    await db?.drop();
    await peer.stop();
  });

  const admin = (path: string) =>
    request(gateway.url)
      .post(path)
      .set({ authorization: `Bearer ${ADMIN}` });
  const partner = (path: string) =>
    request(gateway.url)
      .post(path)
      .set({ authorization: `Bearer ${partnerToken}` });

  /** Waits for the next request the receiver holds at `path` after the first `seen` ones. */
  const heldAt = async (path: string, seen: number): Promise<ServerResponse> => {
    await eventually(
      async () => held.filter((h) => h.path === path).length > seen,
      `a request at ${path} held by the receiver`,
    );
    return held.filter((h) => h.path === path)[seen]!.response;
  };
  const heldCount = (path: string) => held.filter((h) => h.path === path).length;

  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<{ id: string; status: string }>(
        db.url,
        `SELECT id::text AS id, status FROM outbound_document WHERE po_number = $1`,
        [poNumber],
      )
    )[0]!;
  /** The statuses of the subject's jobs, oldest first. */
  const jobsOf = async (jobName: string, field: string, id: string) =>
    (
      await queryOnce<{ status: string }>(
        db.url,
        `SELECT status FROM outbox WHERE job_name = $1 AND payload->>$2 = $3 ORDER BY id`,
        [jobName, field, id],
      )
    ).map((j) => j.status);
  /** Waits until every job of the subject has finished, done or dead, and returns their statuses. */
  const finished = async (jobName: string, field: string, id: string) => {
    await eventually(
      async () => (await jobsOf(jobName, field, id)).every((s) => s === 'done' || s === 'dead'),
      `the ${jobName} jobs of ${id} finished`,
    );
    return jobsOf(jobName, field, id);
  };
  const deadLetterOf = async (jobName: string, field: string, id: string) => {
    const letter = async () =>
      (
        await queryOnce<{ id: string }>(
          db.url,
          `SELECT id::text AS id FROM dead_letter
            WHERE job_name = $1 AND payload->>$2 = $3 AND replayed_at IS NULL`,
          [jobName, field, id],
        )
      )[0]?.id;
    await eventually(async () => (await letter()) !== undefined, `a dead letter of ${jobName} ${id}`);
    return (await letter())!;
  };

  /** Issues a PO to hold-co and answers its delivery try's request. */
  const issue = async (poNumber: string) => {
    const seen = heldCount('/orders');
    await issueSimulatorOrder(gateway.app, { poNumber, supplier: 'hold-co' });
    return heldAt('/orders', seen);
  };

  it('refuses a resend while a replayed delivery of the same document is queued, and resends once it has run', async () => {
    // The only try fails: the document is failed and its delivery job a dead letter.
    json(await issue('4500092001'), 500, { error: 'receiver broke' });
    const doc = await documentOf('4500092001');
    const letter = await deadLetterOf('outbound.deliver', 'documentId', doc.id);
    expect((await documentOf('4500092001')).status).toBe('failed');

    // Another document's try keeps the one worker busy, so the replayed job stays queued.
    const busy = await issue('4500092002');
    try {
      await admin(`/admin/dead-letters/${letter}/replay`).expect(200);
      const refused = await admin(`/admin/outbound-documents/${doc.id}/resend`).expect(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:supplier-gateway:problem:outbound-busy',
        status: 409,
        detail: expect.stringMatching(
          new RegExp(`^document ${doc.id} is not sent again now: a delivery job of it .* is still queued`),
        ),
      });
      expect((await documentOf('4500092001')).status).toBe('failed');
      expect(await jobsOf('outbound.deliver', 'documentId', doc.id)).toEqual(['pending']);
    } finally {
      // The worker is freed whatever happened, so the next test does not wait behind this try.
      json(busy, 200, { ok: true });
    }

    // The replayed job runs once the worker is free (it finds the document failed: nothing to send).
    expect(await finished('outbound.deliver', 'documentId', doc.id)).toEqual(['done']);
    const seen = heldCount('/orders');
    await admin(`/admin/outbound-documents/${doc.id}/resend`).expect(200);
    json(await heldAt('/orders', seen), 200, { ok: true });
    expect(await finished('outbound.deliver', 'documentId', doc.id)).toEqual(['done', 'done']);
    expect((await documentOf('4500092001')).status).toBe('delivered');
  });

  it('refuses a webhook redelivery while a replayed delivery of the same message is queued, and redelivers once it has run', async () => {
    const created = await partner('/partner/v1/webhooks')
      .send({ url: `${receiver}/subscription`, eventTypes: ['purchase-order.issued'] })
      .expect(201);
    const subscription = created.body.id as string;
    // The document is delivered; its message to the subscription is refused for good (410).
    const seen = heldCount('/subscription');
    json(await issue('4500092003'), 200, { ok: true });
    json(await heldAt('/subscription', seen), 410, { error: 'gone' });
    const [message] = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM webhook_delivery WHERE subscription_id = $1 AND event_type = 'purchase-order.issued'`,
      [subscription],
    );
    const letter = await deadLetterOf('webhook.deliver', 'deliveryId', message!.id);

    // A test message to the subscription keeps the one worker busy, so the replayed job stays queued.
    await partner(`/partner/v1/webhooks/${subscription}/test`).expect(202);
    const busy = await heldAt('/subscription', seen + 1);
    const redeliver = `/partner/v1/webhooks/${subscription}/deliveries/${message!.id}/redeliver`;
    try {
      await admin(`/admin/dead-letters/${letter}/replay`).expect(200);
      const refused = await partner(redeliver).expect(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:supplier-gateway:problem:conflict',
        detail: expect.stringMatching(
          new RegExp(
            `^message ${message!.id} is not sent again now: a delivery job of it .* is still queued`,
          ),
        ),
      });
      expect(await jobsOf('webhook.deliver', 'deliveryId', message!.id)).toEqual(['pending']);
    } finally {
      json(busy, 200, { ok: true });
    }

    expect(await finished('webhook.deliver', 'deliveryId', message!.id)).toEqual(['done']);
    await partner(redeliver).expect(202);
    json(await heldAt('/subscription', seen + 2), 200, { ok: true });
    expect(await finished('webhook.deliver', 'deliveryId', message!.id)).toEqual(['done', 'done']);
    const [settled] = await queryOnce<{ status: string }>(
      db.url,
      `SELECT status FROM webhook_delivery WHERE id = $1`,
      [message!.id],
    );
    expect(settled!.status).toBe('delivered');
  });
});
