import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { isValidSscc } from '../../src/shipping/sscc.js';
import { DocumentSubmissionService } from '../../src/transports/api/document-submission.service.js';
import {
  ALPHA,
  BRAVO,
  jsonAcknowledgment,
  orderSnapshot,
  partnersDir,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { issueSimulatorOrder, simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/browser.js';

const ADMIN = 'bootstrap-admin-token-for-the-asn-builder-test-0123456';
const PO_1 = '4530000001';
const PO_2 = '4530000002';
const PO_B = '4630000001';
const PREFIX = '0614141';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

const item = (poNumber: string, lineNumber: string, value: string, unit = 'H87') => ({
  poNumber,
  lineNumber,
  quantity: { value, unit },
});

/** One pallet of two cartons (one per order) and a loose carton, as the issue's evidence ships them. */
const SHIPMENT = {
  shipmentNumber: 'PS-88001',
  shippedAt: '2026-12-03T14:00:00Z',
  carrier: { scac: 'ABCD', name: 'Road Freight AB', mode: 'road' },
  trackingNumbers: ['TRK-0001'],
  pallets: [{ cartons: [{ items: [item(PO_1, '10', '2400')] }, { items: [item(PO_2, '10', '4800')] }] }],
  cartons: [{ items: [item(PO_1, '20', '140')] }],
};

describe('ASN builder: ship notices with SSCCs and GS1-128 labels, submitted, replaced and cancelled', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let alpha: string;
  let bravo: string;
  let draftId: string;
  let browser: Browser | undefined;

  const api = (token: string) => ({
    get: (path: string) => request(gateway.url).get(path).set('authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(gateway.url)
        .post(path)
        .set('authorization', `Bearer ${token}`)
        .send(body ?? {}),
    put: (path: string, body: object) =>
      request(gateway.url).put(path).set('authorization', `Bearer ${token}`).send(body),
  });
  const deliveries = () =>
    queryOnce<{ kind: string; operation: string; n: number }>(
      db.url,
      `SELECT kind, operation, count(*)::int AS n FROM erp_sim_entry WHERE kind = 'inbound-delivery'
        GROUP BY kind, operation ORDER BY operation`,
    );

  /** The ERP simulator's inbound-delivery operations for one shipment, in order. */
  const deliveriesOf = (shipmentNumber: string) =>
    queryOnce<{ operation: string }>(
      db.url,
      `SELECT operation FROM erp_sim_entry
        WHERE kind = 'inbound-delivery' AND idempotency_key LIKE '%/' || $1 || ':%' ORDER BY id`,
      [shipmentNumber],
    ).then((rows) => rows.map((r) => r.operation));
  /** The archive's receipts of a draft's submissions (any revision), in order. */
  const receiptsOf = (id: string) =>
    queryOnce<{ status: string }>(
      db.url,
      `SELECT status FROM interchange WHERE caller_key LIKE $1 ORDER BY id`,
      [`idempotency:asn-builder-${id}-r%`],
    ).then((rows) => rows.map((r) => r.status));
  /** A ready draft of one carton of 100 of the order's line 10. */
  const oneCartonDraft = async (shipmentNumber: string, poNumber: string) => {
    const created = await api(alpha).post('/partner/v1/ship-notice-drafts', {
      shipmentNumber,
      shippedAt: '2026-12-05T08:00:00Z',
      cartons: [{ items: [item(poNumber, '10', '100')] }],
    });
    expect(created.status, created.text).toBe(201);
    return created.body as { id: string; body: Record<string, unknown> };
  };
  const submitThrough = DocumentSubmissionService.prototype.submit;
  // A held submission's gate: opened by its test once it has acted meanwhile, and after it in any
  // case, so a failed assertion never leaves a request open for the teardown to wait on.
  let openGate: (() => void) | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('asn_builder');
    const partners = partnersDir();
    appendFileSync(
      join(partners, `${ALPHA.id}.yaml`),
      `shipping:\n  gs1CompanyPrefix: '${PREFIX}'\n  extensionDigit: 1\n`,
    );
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partners,
    });
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'asn-builder-test' } as const;
    const scopes = ['documents:write', 'acknowledgments:write', 'ship-notices:write'] as const;
    alpha = (await identity.issuePartnerToken(ALPHA.id, [...scopes], setup)).token;
    bravo = (await identity.issuePartnerToken(BRAVO.id, [...scopes], setup)).token;
    // The orders come from the embedded ERP simulator, which then takes the confirmations and deliveries.
    for (const [po, partner] of [
      [PO_1, ALPHA.id],
      [PO_2, ALPHA.id],
      [PO_B, BRAVO.id],
    ] as const)
      await issueSimulatorOrder(gateway.app, {
        poNumber: po,
        supplier: partner,
        lines: orderSnapshot(po, partner).lines.map(
          ({ lineNumber, material, quantity, unit, netPrice, deliveryDate }) => ({
            lineNumber,
            material,
            quantity,
            unit,
            netPrice,
            deliveryDate,
          }),
        ),
      });
  });
  afterEach(() => {
    openGate?.();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await db?.drop();
  });

  it('saves a draft as it is and labels every pallet and carton with an SSCC from the partner prefix', async () => {
    const created = await api(alpha).post('/partner/v1/ship-notice-drafts', SHIPMENT);
    expect(created.status, created.text).toBe(201);
    draftId = created.body.id;
    expect(created.body).toMatchObject({ shipmentNumber: 'PS-88001', status: 'draft', revision: null });
    const ssccs = [
      created.body.body.pallets[0].sscc,
      ...created.body.body.pallets[0].cartons.map((c: { sscc: string }) => c.sscc),
      created.body.body.cartons[0].sscc,
    ] as string[];
    expect(ssccs).toHaveLength(4);
    expect(new Set(ssccs).size).toBe(4);
    for (const sscc of ssccs) {
      expect(isValidSscc(sscc), sscc).toBe(true);
      expect(sscc.slice(0, 8)).toBe(`1${PREFIX}`);
    }
    // Another partner neither sees nor changes it.
    expect((await api(bravo).get(`/partner/v1/ship-notice-drafts/${draftId}`)).status).toBe(404);
    expect((await api(bravo).post(`/partner/v1/ship-notice-drafts/${draftId}/submit`)).status).toBe(404);
    expect((await api(bravo).get('/partner/v1/ship-notice-drafts').expect(200)).body.items).toEqual([]);
  });

  it('refuses to submit before the orders are acknowledged, saying which', async () => {
    const check = await api(alpha).post(`/partner/v1/ship-notice-drafts/${draftId}/validate`).expect(200);
    expect(check.body.ready).toBe(false);
    expect(new Set(check.body.problems.map((p: { code: string }) => p.code))).toEqual(
      new Set(['not-acknowledged']),
    );
    const refused = await api(alpha).post(`/partner/v1/ship-notice-drafts/${draftId}/submit`);
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.errors).toContain(
      `pallets.0.cartons.0.items.0.poNumber: acknowledge purchase order ${PO_1} before shipping it`,
    );
    expect(await deliveries()).toEqual([]);
  });

  it('submits once the orders are acknowledged: one inbound delivery in the ERP', async () => {
    for (const po of [PO_1, PO_2]) {
      const ack = await request(gateway.url)
        .post('/partner/v1/documents')
        .set('authorization', `Bearer ${alpha}`)
        .set('content-type', 'application/json')
        .send(JSON.stringify(jsonAcknowledgment(po, { id: ALPHA.id }, `ACK-${po}`)));
      expect(ack.status, ack.text).toBe(201);
    }
    const check = await api(alpha).post(`/partner/v1/ship-notice-drafts/${draftId}/validate`).expect(200);
    expect(check.body).toEqual({ ready: true, problems: [] });
    const submitted = await api(alpha).post(`/partner/v1/ship-notice-drafts/${draftId}/submit`);
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.draft).toMatchObject({ status: 'submitted', revision: 0 });
    expect(submitted.body.submission).toMatchObject({ format: 'json', documentType: 'ship-notice' });
    await waitForPostings(db.url, 15_000);
    expect(await deliveries()).toEqual([{ kind: 'inbound-delivery', operation: 'post', n: 1 }]);
    const [notice] = await queryOnce<{ status: string; revisions: number }>(
      db.url,
      `SELECT status, revisions FROM ship_notice WHERE partner_id = $1 AND shipment_number = 'PS-88001'`,
      [ALPHA.id],
    );
    expect(notice).toEqual({ status: 'active', revisions: 1 });
    // The archive holds the JSON ship notice as the partner's document, with the pallet as parent.
    const archived = await gateway.app.get(InterchangeArchive).payload(submitted.body.draft.interchangeId);
    const document = JSON.parse(archived.toString('utf8'));
    expect(document.type).toBe('ship-notice');
    const packs = document.payload.orders.flatMap((o: { packs: unknown[] }) => o.packs);
    expect(packs.filter((p: { packaging: string }) => p.packaging === 'XPX')).toHaveLength(1);
    expect(packs.filter((p: { parentSscc?: string }) => p.parentSscc !== undefined)).toHaveLength(2);
  });

  it('finds every other problem before submitting: over-shipment, units, SSCCs, mixed cartons, foreign orders', async () => {
    const other = await api(alpha).post('/partner/v1/ship-notice-drafts', {
      shippedAt: '2026-12-04T08:00:00Z',
      cartons: [
        { sscc: '106141410000009998', items: [item(PO_1, '10', '5000')] },
        { items: [item(PO_1, '20', '1', 'KGM'), item(PO_2, '20', '1')] },
        { items: [item(PO_B, '10', '1')] },
        { items: [item(PO_1, '30', '1')] },
      ],
    });
    expect(other.status, other.text).toBe(201);
    const check = await api(alpha)
      .post(`/partner/v1/ship-notice-drafts/${other.body.id}/validate`)
      .expect(200);
    const codes = check.body.problems.map((p: { path: string; code: string }) => `${p.path} ${p.code}`);
    expect(codes).toHaveLength(6);
    // Over-shipment counts what the submitted notice already ships on the line (2400 of 4800 + 2 %).
    expect(check.body.problems.find((p: { code: string }) => p.code === 'over-shipment').message).toContain(
      '7400 H87 shipped in all (2400 before this notice) against 4800',
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'cartons.0.sscc sscc',
        'cartons.0.items.0.quantity.value over-shipment',
        'cartons.1.items mixed-carton',
        'cartons.1.items.0.quantity.unit unit',
        'cartons.2.items.0.poNumber unknown-order',
        'cartons.3.items.0.lineNumber unknown-line',
      ]),
    );
  });

  it('tells a partner without a GS1 Company Prefix how its packs get SSCCs', async () => {
    const draft = await api(bravo).post('/partner/v1/ship-notice-drafts', {
      shippedAt: '2026-12-04T08:00:00Z',
      cartons: [{ items: [item(PO_B, '10', '1')] }],
    });
    expect(draft.status, draft.text).toBe(201);
    expect(draft.body.body.cartons[0].sscc).toBeUndefined();
    const check = await api(bravo)
      .post(`/partner/v1/ship-notice-drafts/${draft.body.id}/validate`)
      .expect(200);
    expect(check.body.problems).toContainEqual({
      path: 'cartons.0.sscc',
      code: 'sscc',
      message:
        'the pack has no SSCC: type the SSCCs yourself, or ask the buyer to set shipping.gs1CompanyPrefix in your partner profile so the gateway assigns them',
    });
  });

  it('prints labels whose barcodes, screenshotted in Chromium, decode with zbar to the SSCCs', async () => {
    const sheet = await api(alpha).get(`/partner/v1/ship-notice-drafts/${draftId}/labels`).expect(200);
    expect(sheet.headers['content-type']).toContain('text/html');
    const draft = (await api(alpha).get(`/partner/v1/ship-notice-drafts/${draftId}`).expect(200)).body;
    const expected = [
      draft.body.pallets[0].sscc,
      ...draft.body.pallets[0].cartons.map((c: { sscc: string }) => c.sscc),
      draft.body.cartons[0].sscc,
    ];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_FLAGS,
    });
    const page = await browser.newPage({ viewport: { width: 800, height: 1200 }, deviceScaleFactor: 2 });
    await page.setContent(sheet.text);
    const labels = page.locator('section.label');
    expect(await labels.count()).toBe(4);
    const work = mkdtempSync(join(tmpdir(), 'sg-labels-'));
    const decoded: string[] = [];
    for (let i = 0; i < 4; i++) {
      const png = join(work, `label-${i}.png`);
      await labels.nth(i).locator('.barcode svg').screenshot({ path: png });
      if (i === 1) {
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(join(ARTIFACTS, 'asn-carton-label.png'), await labels.nth(i).screenshot());
      }
      const out = execFileSync('zbarimg', ['--quiet', '--raw', png], { encoding: 'utf8' }).trim();
      decoded.push(out);
    }
    rmSync(work, { recursive: true, force: true });
    // GS1-128 carries AI 00 then the SSCC; zbar prints the data without the FNC1.
    expect(decoded).toEqual(expected.map((s: string) => `00${s}`));
    for (const code of decoded) expect(isValidSscc(code.slice(2))).toBe(true);
  });

  it('replaces the notice with a new revision, which amends the ERP delivery; cancelling reverses it', async () => {
    const draft = (await api(alpha).get(`/partner/v1/ship-notice-drafts/${draftId}`).expect(200)).body;
    draft.body.pallets[0].cartons[0].items[0].quantity.value = '2000';
    await api(alpha).put(`/partner/v1/ship-notice-drafts/${draftId}`, draft.body).expect(200);
    const replaced = await api(alpha).post(`/partner/v1/ship-notice-drafts/${draftId}/submit`);
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.draft).toMatchObject({ status: 'submitted', revision: 1 });
    await waitForPostings(db.url, 15_000);
    expect(await deliveries()).toEqual([
      { kind: 'inbound-delivery', operation: 'amend', n: 1 },
      { kind: 'inbound-delivery', operation: 'post', n: 1 },
    ]);
    const [line] = await queryOnce<{ shipped: string }>(
      db.url,
      `SELECT l.shipped_quantity::text AS shipped FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
        WHERE o.po_number = $1 AND l.line_number = '10'`,
      [PO_1],
    );
    expect(line!.shipped).toBe('2000');

    const cancelled = await api(alpha).post(`/partner/v1/ship-notice-drafts/${draftId}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', revision: 2 });
    await waitForPostings(db.url, 15_000);
    expect((await deliveries()).map((d) => d.operation)).toEqual(['amend', 'post', 'reverse']);
    const audit = await queryOnce<{ action: string }>(
      db.url,
      `SELECT action FROM audit_log WHERE target_type = 'ship-notice-draft' AND target_id = $1 ORDER BY id`,
      [draftId],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'ship-notice-draft.created',
      'ship-notice-draft.submitted',
      'ship-notice-draft.updated',
      'ship-notice-draft.submitted',
      'ship-notice-draft.cancelled',
    ]);
  });

  // A supplier acts on a notice while the builder is still sending it: the archive has the document,
  // or is about to, and the draft does not say so yet.
  it('refuses a cancel and a change while a notice is being sent; it ends submitted with its ERP delivery, and can be cancelled after', async () => {
    const created = await oneCartonDraft('PS-RACE-1', PO_1);
    const id = created.id;
    const submissions = gateway.app.get(DocumentSubmissionService);
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const held = vi.spyOn(submissions, 'submit').mockImplementationOnce(async (submission) => {
      await gate;
      return submitThrough.call(submissions, submission);
    });
    const submitting = api(alpha)
      .post(`/partner/v1/ship-notice-drafts/${id}/submit`)
      .then((r) => r);
    await eventually(async () => held.mock.calls.length === 1, 'the submit to reach the archive');

    const cancel = await api(alpha).post(`/partner/v1/ship-notice-drafts/${id}/cancel`);
    expect(cancel.status, cancel.text).toBe(409);
    expect(cancel.headers['content-type']).toContain('application/problem+json');
    expect(cancel.body.detail).toBe(
      'revision 0 of ship notice PS-RACE-1 is being sent; try again once it is sent, or, if sending it was interrupted, submit again to finish it',
    );
    const change = await api(alpha).put(`/partner/v1/ship-notice-drafts/${id}`, {
      ...created.body,
      billOfLading: 'BOL-NEVER-SENT',
    });
    expect(change.status, change.text).toBe(409);

    openGate!();
    const submitted = await submitting;
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.draft).toMatchObject({ status: 'submitted', revision: 0 });
    expect(submitted.body.draft.body.billOfLading).toBeUndefined();
    await waitForPostings(db.url, 15_000);
    expect(await deliveriesOf('PS-RACE-1')).toEqual(['post']);
    const now = await api(alpha).get(`/partner/v1/ship-notice-drafts/${id}`).expect(200);
    expect(now.body).toMatchObject({ status: 'submitted', revision: 0 });

    // Once the submit has answered, the cancel the supplier wanted goes out and reverses the delivery.
    const cancelled = await api(alpha).post(`/partner/v1/ship-notice-drafts/${id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', revision: 1 });
    await waitForPostings(db.url, 15_000);
    expect(await deliveriesOf('PS-RACE-1')).toEqual(['post', 'reverse']);
  });

  it('finishes a submit interrupted after the archive took it by submitting again: the same bytes, one delivery', async () => {
    const created = await oneCartonDraft('PS-RACE-2', PO_2);
    const id = created.id;
    const submissions = gateway.app.get(DocumentSubmissionService);
    // The archive stores the document and queues its effects; the request then dies before the draft says so.
    vi.spyOn(submissions, 'submit').mockImplementationOnce(async (submission) => {
      await submitThrough.call(submissions, submission);
      throw new Error('the connection was lost after the archive committed');
    });
    const interrupted = await api(alpha).post(`/partner/v1/ship-notice-drafts/${id}/submit`);
    expect(interrupted.status, interrupted.text).toBe(500);
    expect(await receiptsOf(id)).toEqual(['processed']);
    const cancel = await api(alpha).post(`/partner/v1/ship-notice-drafts/${id}/cancel`);
    expect(cancel.status, cancel.text).toBe(409);

    const again = await api(alpha).post(`/partner/v1/ship-notice-drafts/${id}/submit`);
    expect(again.status, again.text).toBe(200);
    expect(again.body.draft).toMatchObject({ status: 'submitted', revision: 0 });
    // The same key and body again: answered as a duplicate of the original, never quarantined.
    expect(await receiptsOf(id)).toEqual(['processed', 'duplicate']);
    await waitForPostings(db.url, 15_000);
    expect(await deliveriesOf('PS-RACE-2')).toEqual(['post']);
    const audit = await queryOnce<{ action: string }>(
      db.url,
      `SELECT action FROM audit_log WHERE target_type = 'ship-notice-draft' AND target_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual(['ship-notice-draft.created', 'ship-notice-draft.submitted']);
  });
});
