import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/audit/actor.js';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import type { RaiseExceptionInput } from '../../src/exceptions/exception.types.js';
import { NotificationDigestSweep } from '../../src/notifications/notification-digest.sweep.js';
import { verifyWebhookSignature } from '../../src/notifications/webhook-signature.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, LocalSmtpServer, LocalWebhook } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const gatewayActor: Actor = { kind: 'gateway' };
const WEBHOOK_SECRET = 'notification-test-webhook-key-0123456789';
const WORKBENCH = 'https://gw.example.com/workbench';

describe('exception notifications', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let exceptions: ExceptionService;
  let dataSource: DataSource;
  const smtp = new LocalSmtpServer();
  const hook = new LocalWebhook();

  const rows = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryOnce<T>(db.url, sql, params);
  const raise = (input: RaiseExceptionInput) =>
    dataSource.transaction((tx) => exceptions.raise(tx, input, gatewayActor));
  const notificationJobsSettled = () =>
    eventually('notification jobs to finish', async () => {
      const [r] = await rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE job_name LIKE 'notifications.%' AND status <> 'done'`,
      );
      return r!.n === 0;
    });
  const raisedEventOf = async (caseId: string) =>
    (
      await rows<{ id: string }>(
        `SELECT id::text AS id FROM exception_event WHERE case_id = $1 AND action = 'raised'`,
        [caseId],
      )
    )[0]!.id;

  /** A buyer who owns every case of `partner`. */
  async function owner(name: string, partner: string): Promise<{ id: string; email: string }> {
    const id = randomUUID();
    const email = `${name}@buyers.example.com`;
    await rows(`INSERT INTO app_user (id, email, display_name, role) VALUES ($1, $2, $3, 'buyer')`, [
      id,
      email,
      `Buyer ${name}`,
    ]);
    await exceptions.addRoutingRule({ partnerId: partner, ownerUserId: id }, gatewayActor);
    return { id, email };
  }

  const ackCase = (
    partner: string,
    key: string,
    extra: Partial<RaiseExceptionInput> = {},
  ): RaiseExceptionInput => ({
    type: 'acknowledgment.quantity-changed',
    dedupeKey: key,
    summary: `Supplier confirmed 80 of 100 (${key})`,
    references: { partnerId: partner, poNumber: '4500012345', poLine: '10', material: 'M-100', plant: 'P1' },
    differences: { quantity: { expected: '100', actual: '80' } },
    impact: { valueAtRisk: '1250.00', currency: 'EUR', daysLate: 3 },
    ...extra,
  });

  beforeAll(async () => {
    await smtp.start();
    await hook.start();
    const dir = mkdtempSync(join(tmpdir(), 'sg-notify-'));
    writeFileSync(join(dir, 'webhook.key'), `${WEBHOOK_SECRET}\n`, { mode: 0o600 });
    db = await createTestDatabase('notifications');
    gateway = await startTestGateway({
      DATABASE_URL: db.url,
      JOBS_POLL_MS: '50',
      ERP_RECONCILE_EVERY_MINUTES: '0',
      LOG_LEVEL: 'error',
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      NOTIFY_SMTP_STARTTLS: 'off',
      NOTIFY_FROM: 'Supplier Gateway <gateway@gw.example.com>',
      NOTIFY_WORKBENCH_URL: WORKBENCH,
      NOTIFY_WEBHOOK_URL: hook.url,
      NOTIFY_WEBHOOK_SECRET_FILE: join(dir, 'webhook.key'),
      NOTIFY_DIGEST_AFTER: '5',
      NOTIFY_DIGEST_WINDOW_MINUTES: '10',
    });
    exceptions = gateway.app.get(ExceptionService);
    dataSource = gateway.app.get(DataSource);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await smtp.stop();
    await hook.stop();
  });
  // The webhook is one recipient for all tests: each test starts with fresh windows.
  beforeEach(async () => {
    await notificationJobsSettled();
    await rows(`DELETE FROM notification_window`);
  });

  it('mails a raised case to its owner once, with every fact and a stable Message-ID', async () => {
    const alice = await owner('alice', 'acme');
    const { case: c } = await raise(ackCase('acme', 'PO-4500012345:10:ack-rev-1'));
    expect(c.ownerUserId).toBe(alice.id);
    const eventId = await raisedEventOf(c.id);
    const [mail] = await eventually(
      'the mail',
      () => smtp.to(alice.email).length > 0 && smtp.to(alice.email),
    );
    await notificationJobsSettled();
    expect(smtp.to(alice.email)).toHaveLength(1);
    expect(mail!.to).toEqual([alice.email]);
    expect(mail!.from).toBe('gateway@gw.example.com');
    expect(mail!.headers['to']).toBe(`Buyer alice <${alice.email}>`);
    expect(mail!.headers['subject']).toBe(
      'New: high acknowledgment.quantity-changed — PO 4500012345 line 10',
    );
    expect(mail!.headers['message-id']).toBe(`<exception.${c.id}.${eventId}@gw.example.com>`);
    expect(mail!.headers['references']).toBe(`<exception.${c.id}@gw.example.com>`);
    expect(mail!.headers['auto-submitted']).toBe('auto-generated');
    for (const line of [
      'Type:           acknowledgment.quantity-changed',
      'Severity:       high',
      'Summary:        Supplier confirmed 80 of 100 (PO-4500012345:10:ack-rev-1)',
      'Partner:        acme',
      'PO:             4500012345',
      'Line:           10',
      'Material:       M-100',
      'Plant:          P1',
      'Value at risk:  1250.00 EUR',
      'Days late:      3',
      '  quantity: expected 100, actual 80',
      `Open in the workbench: ${WORKBENCH}/exceptions/${c.id}`,
    ]) {
      expect(mail!.text).toContain(line);
    }
    expect(mail!.html).toContain(`<a href="${WORKBENCH}/exceptions/${c.id}">`);
    const [n] = await rows<{ status: string; recipient: string }>(
      `SELECT status, recipient FROM notification WHERE case_id = $1 AND channel = 'email'`,
      [c.id],
    );
    expect(n).toEqual({ status: 'sent', recipient: alice.email });

    // A job delivered again (a lapsed lock, a replay) finds the notification sent and mails nothing.
    await rows(`UPDATE outbox SET status = 'pending', available_at = now() WHERE job_key = $1`, [
      `notifications.email:${c.id}:${eventId}`,
    ]);
    await notificationJobsSettled();
    expect(smtp.to(alice.email)).toHaveLength(1);

    // A crash after the server's 250 and before the commit of `sent`: the next try mails again, under
    // the same Message-ID, by which the mail client recognises the copy.
    await rows(
      `UPDATE notification SET status = 'sending', sent_at = NULL WHERE case_id = $1 AND channel = 'email'`,
      [c.id],
    );
    await rows(`UPDATE outbox SET status = 'pending', available_at = now() WHERE job_key = $1`, [
      `notifications.email:${c.id}:${eventId}`,
    ]);
    await eventually('the repeated mail', () => smtp.to(alice.email).length === 2);
    const ids = smtp.to(alice.email).map((m) => m.headers['message-id']);
    expect(ids[1]).toBe(ids[0]);
  });

  it('posts a correctly signed body to the webhook', async () => {
    await owner('bob', 'nordic');
    const before = hook.calls.length;
    const { case: c } = await raise(ackCase('nordic', 'PO-9:20:ack-rev-1', { severity: 'critical' }));
    const call = await eventually('the webhook call', () =>
      hook.calls.slice(before).find((h) => JSON.parse(h.body).case?.id === c.id),
    );
    const signature = call.headers['x-gateway-signature'] as string;
    const timestamp = call.headers['x-gateway-timestamp'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, { signature, timestamp }, call.body)).toBe(true);
    expect(verifyWebhookSignature('another-key-another-key', { signature, timestamp }, call.body)).toBe(
      false,
    );
    expect(call.headers['content-type']).toBe('application/json');
    const body = JSON.parse(call.body);
    const eventId = await raisedEventOf(c.id);
    expect(call.headers['x-gateway-delivery']).toBe(`exception.${c.id}.${eventId}`);
    expect(body).toMatchObject({
      event: 'exception.notification.v1',
      reason: 'raised',
      case: { id: c.id, severity: 'critical', references: { partnerId: 'nordic', poNumber: '4500012345' } },
    });
    expect(body.text).toBe(
      `New exception: [critical] acknowledgment.quantity-changed — PO 4500012345 line 10 — ` +
        `Supplier confirmed 80 of 100 (PO-9:20:ack-rev-1) — 1250.00 EUR at risk, 3 days late ${WORKBENCH}/exceptions/${c.id}`,
    );
  });

  it('notifies an escalation and a raised severity; an accept notifies nobody', async () => {
    const carol = await owner('carol', 'bolts');
    const { case: c } = await raise(ackCase('bolts', 'PO-7:10:ack-rev-1', { severity: 'medium' }));
    await eventually('the first mail', () => smtp.to(carol.email).length === 1);
    await raise(ackCase('bolts', 'PO-7:10:ack-rev-1', { severity: 'critical' }));
    await eventually('the severity mail', () => smtp.to(carol.email).length === 2);
    await exceptions.transition(c.id, 'escalate', gatewayActor, 'supplier does not answer');
    await eventually('the escalation mail', () => smtp.to(carol.email).length === 3);
    await exceptions.transition(c.id, 'accept', gatewayActor);
    await notificationJobsSettled();
    expect(smtp.to(carol.email).map((m) => m.headers['subject'])).toEqual([
      'New: medium acknowledgment.quantity-changed — PO 4500012345 line 10',
      'Severity raised: critical acknowledgment.quantity-changed — PO 4500012345 line 10',
      'Escalated: critical acknowledgment.quantity-changed — PO 4500012345 line 10',
    ]);
  });

  it('turns a flood of 50 cases for one owner into 5 mails and one digest of the other 45', async () => {
    const dave = await owner('dave', 'flood');
    const cases: string[] = [];
    for (let i = 0; i < 50; i++) {
      cases.push((await raise(ackCase('flood', `PO-F:${i}:ack-rev-1`))).case.id);
    }
    await notificationJobsSettled();
    expect(smtp.to(dave.email)).toHaveLength(5);
    const held = await rows<{ case_id: string; hold_until: Date }>(
      `SELECT case_id::text AS case_id, hold_until FROM notification WHERE recipient = $1 AND status = 'held'`,
      [dave.email],
    );
    expect(held).toHaveLength(45);
    // Held until the end of the window that the first mail opened: about ten minutes from now.
    for (const h of held) {
      expect(h.hold_until.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    }
    // Nothing goes out before the window ends.
    expect(await gateway.app.get(NotificationDigestSweep).sweep()).toBe(0);

    // The window ends (moved, not waited for); the sweep gathers the 45 into one digest.
    await rows(
      `UPDATE notification SET hold_until = now() - interval '1 second' WHERE recipient = $1 AND status = 'held'`,
      [dave.email],
    );
    await gateway.app.get(NotificationDigestSweep).sweep();
    await eventually('the digest', () => smtp.to(dave.email).length === 6);
    await notificationJobsSettled();
    expect(await gateway.app.get(NotificationDigestSweep).sweep()).toBe(0);
    const mails = smtp.to(dave.email);
    expect(mails).toHaveLength(6);
    const digest = mails[5]!;
    expect(digest.headers['subject']).toBe('45 exception notifications held back (digest)');
    expect(digest.headers['message-id']).toMatch(/^<exception-digest\.[0-9a-f-]{36}@gw\.example\.com>$/);
    const singles = new Set(mails.slice(0, 5).map((m) => /\/exceptions\/([0-9a-f-]{36})/.exec(m.text)![1]));
    for (const id of cases) {
      const inDigest = digest.text.includes(`${WORKBENCH}/exceptions/${id}`);
      expect(inDigest !== singles.has(id), `case ${id} in exactly one message`).toBe(true);
    }
    const [counts] = await rows<{ digested: number; digests: number }>(
      `SELECT count(*) FILTER (WHERE status = 'digested')::int AS digested,
              count(DISTINCT digest_id)::int AS digests
         FROM notification WHERE recipient = $1`,
      [dave.email],
    );
    expect(counts).toEqual({ digested: 45, digests: 1 });
    // The webhook is throttled the same way: at most five single posts for the flood.
    const floodPosts = hook.calls.filter((h) => JSON.parse(h.body).case?.references?.partnerId === 'flood');
    expect(floodPosts).toHaveLength(5);
  });

  it('retries through an SMTP outage and then delivers once', async () => {
    const erin = await owner('erin', 'outage');
    await smtp.stop();
    const { case: c } = await raise(ackCase('outage', 'PO-O:10:ack-rev-1'));
    const eventId = await raisedEventOf(c.id);
    const jobKey = `notifications.email:${c.id}:${eventId}`;
    const failed = await eventually('a failed try', async () => {
      const [job] = await rows<{ attempts: number; status: string; last_error: string | null }>(
        `SELECT attempts, status, last_error FROM outbox WHERE job_key = $1`,
        [jobKey],
      );
      return job && job.attempts >= 1 && job.status === 'pending' ? job : undefined;
    });
    expect(failed.last_error).toMatch(/SMTP ECONNECTION|ECONNREFUSED/);
    expect(smtp.to(erin.email)).toHaveLength(0);

    await smtp.start();
    // The backoff's next try, brought forward.
    await rows(`UPDATE outbox SET available_at = now() WHERE job_key = $1`, [jobKey]);
    await eventually('the mail after the outage', () => smtp.to(erin.email).length === 1);
    await notificationJobsSettled();
    expect(smtp.to(erin.email)).toHaveLength(1);
    const [job] = await rows<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM outbox WHERE job_key = $1`,
      [jobKey],
    );
    expect(job).toEqual({ status: 'done', attempts: failed.attempts + 1 });
  });
});

describe('exception notifications, unconfigured', () => {
  it('queue nothing when neither SMTP nor a webhook is configured', async () => {
    const db = await createTestDatabase('notifications_off');
    const gateway = await startTestGateway({ DATABASE_URL: db.url, ERP_RECONCILE_EVERY_MINUTES: '0' });
    try {
      const exceptions = gateway.app.get(ExceptionService);
      const id = randomUUID();
      await queryOnce(
        db.url,
        `INSERT INTO app_user (id, email, display_name, role) VALUES ($1, 'o@example.com', 'O', 'buyer')`,
        [id],
      );
      await exceptions.addRoutingRule({ ownerUserId: id }, gatewayActor);
      const { case: c } = await gateway.app
        .get(DataSource)
        .transaction((tx) =>
          exceptions.raise(
            tx,
            { type: 'interchange.rejected', dedupeKey: 'ic-1', references: { partnerId: 'acme' } },
            gatewayActor,
          ),
        );
      expect(c.ownerUserId).toBe(id);
      const [r] = await queryOnce<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM outbox WHERE job_name LIKE 'notifications.%'`,
      );
      expect(r!.n).toBe(0);
    } finally {
      await gateway.stop();
      await db.drop();
    }
  });
});
