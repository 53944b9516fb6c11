import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import { ALL_PARTNERS } from '../../src/exceptions/exception.types.js';
import { FunctionalAckTimers } from '../../src/outbound/functional-ack-timers.js';
import { ScorecardRepository } from '../../src/portal/scorecards/scorecard.repository.js';
import { AcknowledgmentSla } from '../../src/procurement/acknowledgment-sla.js';
import { OrderIntakeService } from '../../src/procurement/order-intake.service.js';
import { BOLT_LINE, issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, json, ScriptedHttpPeer, webhookPartnerYaml } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-take-back-test-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.from('outbound-take-back-test-secret-32').toString('base64')}`;
const HOUR = 3_600_000;

interface DocumentRow {
  id: string;
  status: string;
  status_detail: string | null;
  delivered_at: Date | null;
  fa_status: string | null;
  fa_due_at: Date | null;
}

/**
 * Documents taken back before they reached their partner — by an operator's cancel, or because the
 * ERP ended their order — and the clocks of what was sent: one rule for what a take-back settles
 * (its cases, its webhook-subscription messages, its intent), a cancelled document asks the supplier
 * for nothing, and a resend starts the acknowledgment clocks again.
 */
describe('outbound documents taken back, and the acknowledgment clocks', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let deadUrl: string;
  const secrets = mkdtempSync(join(tmpdir(), 'sg-take-back-secrets-'));
  const auth = { authorization: `Bearer ${ADMIN}` };

  // Down for good: dead-hook's documents fail at their one try, and subscribers here are retried.
  const dead = new ScriptedHttpPeer((_req, res) => json(res, 503, { error: 'down for maintenance' }));
  // Down until the test says it is back: flaky-hook's documents fail, then a resend reaches it.
  let flakyUp = false;
  const flaky = new ScriptedHttpPeer((_req, res) =>
    flakyUp ? json(res, 200, { ok: true }) : json(res, 503, { error: 'down for maintenance' }),
  );

  beforeAll(async () => {
    deadUrl = await dead.start();
    const flakyUrl = await flaky.start();
    writeFileSync(join(secrets, 'webhook'), WEBHOOK_SECRET);
    db = await createTestDatabase('take_back');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partnersDir(
        `${deadUrl}/hooks/orders`,
        `${flakyUrl}/hooks/orders`,
        join(secrets, 'webhook'),
      ),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await dead.stop();
    await flaky.stop();
  });

  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<DocumentRow>(
        db.url,
        `SELECT id::text AS id, status, status_detail, delivered_at, fa_status, fa_due_at
           FROM outbound_document WHERE po_number = $1 AND kind <> 'functional-ack' ORDER BY id`,
        [poNumber],
      )
    )[0];
  const settled = (poNumber: string, status: string) =>
    eventually(async () => (await documentOf(poNumber))?.status === status, `PO ${poNumber} ${status}`);
  const caseOf = async (type: string, documentId: string) =>
    (
      await queryOnce<{ id: string; state: string }>(
        db.url,
        `SELECT id::text AS id, state FROM exception_case WHERE type = $1 AND dedupe_key = $2`,
        [type, `outbound-document:${documentId}`],
      )
    )[0];
  const cancel = (id: string, note: string) =>
    request(gateway.url)
      .post(`/admin/outbound-documents/${id}/cancel`)
      .set(auth)
      .send({ note })
      .expect((r) => expect(r.body).toMatchObject({ status: 'cancelled' }));
  const lateCases = async (poNumber: string) =>
    queryOnce<{ type: string }>(
      db.url,
      `SELECT type FROM exception_case WHERE type = 'acknowledgment.late' AND po_number = $1`,
      [poNumber],
    );

  it("an operator's cancel of a failed document resolves its case and withdraws its subscription messages, a resend restores them", async () => {
    const po = '4500080001';
    await request(gateway.url)
      .post('/admin/partners/dead-hook/webhooks')
      .set(auth)
      .send({ url: `${deadUrl}/subscriber`, eventTypes: ['purchase-order.issued'] })
      .expect(201);
    await issueSimulatorOrder(gateway.app, { poNumber: po, supplier: 'dead-hook' });
    await settled(po, 'failed');
    const failed = (await documentOf(po))!;
    const message = async () =>
      (
        await queryOnce<{ status: string; attempts: number; last_error: string | null }>(
          db.url,
          `SELECT status, attempts, last_error FROM webhook_delivery WHERE outbound_document_id = $1`,
          [failed.id],
        )
      )[0];
    // The subscriber is down too: the message failed its first try and waits for its next.
    await eventually(async () => (await message())?.attempts === 1, 'the first try of the message failed');
    expect((await caseOf('outbound.delivery-failed', failed.id))!.state).toBe('open');

    await cancel(failed.id, 'sent by mail');

    const why = 'cancelled by user admin@localhost: sent by mail';
    expect(await documentOf(po)).toMatchObject({ status: 'cancelled', status_detail: 'sent by mail' });
    const settledCase = (await caseOf('outbound.delivery-failed', failed.id))!;
    expect(settledCase.state).toBe('resolved');
    const history = await gateway.app.get(ExceptionService).history(settledCase.id, ALL_PARTNERS);
    expect(history.at(-1)).toMatchObject({
      action: 'resolved',
      actor: expect.objectContaining({ kind: 'gateway' }),
      note: why,
    });
    expect(await message()).toEqual({ status: 'withdrawn', attempts: 1, last_error: why });
    const audited = await queryOnce<{ action: string; before: unknown; after: unknown; note: string }>(
      db.url,
      `SELECT action, before, after, note FROM audit_log WHERE target_type = 'outbound-document' AND target_id = $1`,
      [failed.id],
    );
    expect(audited).toEqual([
      {
        action: 'outbound-document.cancelled',
        before: { status: 'failed' },
        after: { status: 'cancelled' },
        note: why,
      },
    ]);

    // Sent after all: a resend announces it again, or its subscriber would never learn of it.
    await request(gateway.url).post(`/admin/outbound-documents/${failed.id}/resend`).set(auth).expect(200);
    expect(await message()).toMatchObject({ status: 'pending', last_error: null });
    const [jobs] = await queryOnce<{ unfinished: number }>(
      db.url,
      `SELECT count(*)::int AS unfinished FROM outbox o JOIN webhook_delivery w ON o.payload->>'deliveryId' = w.id::text
        WHERE o.job_name = 'webhook.deliver' AND w.outbound_document_id = $1 AND o.status NOT IN ('done', 'dead')`,
      [failed.id],
    );
    expect(jobs!.unfinished).toBe(1);
  });

  it('a cancelled offer asks the supplier nothing: no late answer, no scorecard request, no 997 counted', async () => {
    const po = '4500080002';
    await issueSimulatorOrder(gateway.app, { poNumber: po, supplier: 'acme-fasteners' });
    await settled(po, 'awaiting-pickup');
    const offered = (await documentOf(po))!;
    expect(offered.delivered_at).not.toBeNull();
    // Its 997 is overdue (acme allows 24 h) before an operator takes it back.
    await gateway.app.get(FunctionalAckTimers).sweep(new Date(Date.now() + 25 * HOUR));
    expect((await caseOf('interchange.unacknowledged', offered.id))!.state).toBe('open');
    await cancel(offered.id, 'the order goes by mail');
    expect((await caseOf('interchange.unacknowledged', offered.id))!.state).toBe('resolved');

    // Past acme's 48 hours for an answer: nothing was asked by a document taken back.
    await gateway.app.get(AcknowledgmentSla).sweep(new Date(Date.now() + 49 * HOUR));
    expect(await lateCases(po)).toEqual([]);
    const scorecards = gateway.app.get(ScorecardRepository);
    const log = await scorecards.acknowledgmentLog(['acme-fasteners'], new Date(Date.now() - 24 * HOUR));
    expect(log.filter((r) => r.event.poNumber === po)).toEqual([]);
    const health = await scorecards.healthCounts(
      ['acme-fasteners'],
      new Date(Date.now() + 26 * HOUR),
      new Date(Date.now() - 24 * HOUR),
      new Date(Date.now() - 24 * HOUR),
    );
    expect(health.get('acme-fasteners')!.functionalAcks).toEqual({ due: 0, onTime: 0, late: 0, missing: 0 });
  });

  it('an order that ends withdraws the intent of the document it withdraws, as of one not rendered', async () => {
    const po = '4500080003';
    await issueSimulatorOrder(gateway.app, { poNumber: po, supplier: 'acme-fasteners' });
    await settled(po, 'awaiting-pickup');
    const intake = gateway.app.get(OrderIntakeService);
    await gateway.app.get(DataSource).transaction((tx) =>
      intake.receive(tx, {
        partnerId: 'acme-fasteners',
        plant: '1000',
        currency: 'EUR',
        orderDate: '2026-11-27',
        poNumber: po,
        revision: 1,
        status: 'closed',
        lines: [{ ...BOLT_LINE, status: 'open' as const }],
      }),
    );
    expect((await documentOf(po))!.status).toBe('cancelled');
    const intents = await queryOnce<{ revision: number; status: string }>(
      db.url,
      `SELECT i.revision, i.status FROM outbound_intent i JOIN purchase_order p ON p.id = i.po_id
        WHERE p.po_number = $1 ORDER BY i.revision`,
      [po],
    );
    expect(intents).toEqual([{ revision: 0, status: 'withdrawn' }]);
  });

  it('a failed delivery that a resend then delivers settles its case', async () => {
    const po = '4500080005';
    await issueSimulatorOrder(gateway.app, { poNumber: po, supplier: 'flaky-hook' });
    await settled(po, 'failed');
    const failed = (await documentOf(po))!;
    expect((await caseOf('outbound.delivery-failed', failed.id))!.state).toBe('open');

    flakyUp = true;
    await request(gateway.url).post(`/admin/outbound-documents/${failed.id}/resend`).set(auth).expect(200);
    await settled(po, 'delivered');
    const deliveredCase = (await caseOf('outbound.delivery-failed', failed.id))!;
    expect(deliveredCase.state).toBe('resolved');
    const history = await gateway.app.get(ExceptionService).history(deliveredCase.id, ALL_PARTNERS);
    expect(history.at(-1)).toMatchObject({
      action: 'resolved',
      actor: expect.objectContaining({ kind: 'gateway' }),
      note: 'delivered after all',
    });
  });

  it('a resend of an offered document starts its acknowledgment clocks again, and the figures use them', async () => {
    const po = '4500080004';
    await issueSimulatorOrder(gateway.app, { poNumber: po, supplier: 'acme-fasteners' });
    await settled(po, 'awaiting-pickup');
    const offered = (await documentOf(po))!;
    // Offered three days ago and never fetched: its 997 is overdue, and so is the answer.
    await queryOnce(
      db.url,
      `UPDATE outbound_document SET delivered_at = now() - interval '72 hours', fa_due_at = now() - interval '48 hours'
        WHERE id = $1`,
      [offered.id],
    );
    await gateway.app.get(FunctionalAckTimers).sweep(new Date());
    expect((await documentOf(po))!.fa_status).toBe('overdue');
    expect((await caseOf('interchange.unacknowledged', offered.id))!.state).toBe('open');

    const resentAt = Date.now();
    await request(gateway.url).post(`/admin/outbound-documents/${offered.id}/resend`).set(auth).expect(200);
    // The clock it counted from is gone; a new one starts at the resend's offer.
    const unanswered = (await caseOf('interchange.unacknowledged', offered.id))!;
    expect(unanswered.state).toBe('resolved');
    const settledBy = await gateway.app.get(ExceptionService).history(unanswered.id, ALL_PARTNERS);
    expect(settledBy.at(-1)!.note).toBe(
      'resent by user admin@localhost: a new acknowledgment clock starts at its delivery',
    );
    await settled(po, 'awaiting-pickup');
    const again = (await documentOf(po))!;
    expect(again.fa_status).toBe('waiting');
    expect(again.delivered_at!.getTime()).toBeGreaterThanOrEqual(resentAt - 1000);
    // acme allows 24 h for its 997, from the resend's offer.
    expect(again.fa_due_at!.getTime() - again.delivered_at!.getTime()).toBe(24 * HOUR);

    // 30 hours on, the answer is within acme's 48 hours of the resend; the 997 is late from the new due time.
    await gateway.app.get(AcknowledgmentSla).sweep(new Date(Date.now() + 30 * HOUR));
    expect(await lateCases(po)).toEqual([]);
    const scorecards = gateway.app.get(ScorecardRepository);
    const log = await scorecards.acknowledgmentLog(['acme-fasteners'], new Date(Date.now() - 24 * HOUR));
    const requests = log.filter((r) => r.event.poNumber === po);
    expect(requests.map((r) => r.event.kind)).toEqual(['request']);
    expect(Date.parse(requests[0]!.event.at)).toBe(again.delivered_at!.getTime());
    const now = new Date();
    const missing = await scorecards.functionalAckMisses(
      'acme-fasteners',
      now,
      new Date(now.getTime() - 96 * HOUR),
    );
    expect(missing.filter((m) => m.documentId === offered.id)).toEqual([]);
    const later = new Date(now.getTime() + 25 * HOUR);
    const overdue = await scorecards.functionalAckMisses(
      'acme-fasteners',
      later,
      new Date(now.getTime() - 96 * HOUR),
    );
    const misses = overdue.filter((m) => m.documentId === offered.id);
    expect(misses.map((m) => [Date.parse(m.dueAt), m.answeredAt])).toEqual([
      [again.fa_due_at!.getTime(), null],
    ]);
  });
});

/** The repository's partners, delivering over the API, and dead-hook, whose webhook is down. */
function partnersDir(webhookUrl: string, flakyUrl: string, secretFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-take-back-partners-'));
  for (const file of readdirSync('partners').filter((f) => f.endsWith('.yaml'))) {
    copyFileSync(join('partners', file), join(dir, file));
    writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}\ndelivery: { channel: api }\n`);
  }
  writeFileSync(
    join(dir, 'dead-hook.yaml'),
    webhookPartnerYaml(
      { id: 'dead-hook', name: 'Dead Hook' },
      { url: webhookUrl, secretFile },
      { maxAttempts: 1 },
    ),
  );
  writeFileSync(
    join(dir, 'flaky-hook.yaml'),
    webhookPartnerYaml(
      { id: 'flaky-hook', name: 'Flaky Hook' },
      { url: flakyUrl, secretFile },
      { maxAttempts: 1 },
    ),
  );
  return dir;
}
