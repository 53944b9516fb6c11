import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ACTOR } from '../../src/audit/actor.js';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import { ALL_PARTNERS } from '../../src/exceptions/exception.types.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { FunctionalAckTimers } from '../../src/outbound/functional-ack-timers.js';
import { OutboundDeliveryService } from '../../src/outbound/outbound-delivery.service.js';
import { OrderIntakeService } from '../../src/procurement/order-intake.service.js';
import type { ErpOrderSnapshot } from '../../src/procurement/purchase-order.types.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { EdifactIntakeJob } from '../../src/translation/edifact-intake.job.js';
import { X12IntakeJob } from '../../src/translation/x12-intake.job.js';
import { OutboxService } from '../../src/platform/jobs/outbox.service.js';
import { BOLT_LINE, issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, json, ScriptedHttpPeer, webhookPartnerYaml } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-outbound-test-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.from('outbound-delivery-test-secret-32b').toString('base64')}`;
const PLATFORM_SECRET = 'platform-client-secret-for-the-test';

interface DocumentRow {
  id: string;
  status: string;
  attempts: number;
  standard: string;
  message_type: string;
  channel: string;
  control_reference: string | null;
  group_reference: string | null;
  set_references: string[];
  fa_status: string | null;
  platform_ref: string | null;
}

describe('outbound delivery: POs rendered per partner, delivered per channel, acknowledgments watched', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let webhookUrl: string;
  let platformUrl: string;
  let deadHookUrl: string;
  let heldHookUrl: string;
  const secrets = mkdtempSync(join(tmpdir(), 'sg-outbound-secrets-'));

  // The partner's webhook receiver: fails twice, then accepts.
  const webhook = new ScriptedHttpPeer((req, res) => {
    const tries = webhook.requests.length;
    if (tries <= 2) return json(res, 500, { error: 'not yet' });
    json(res, 200, { ok: true });
  });

  // A partner's webhook receiver that is down: every delivery to it fails.
  const deadHook = new ScriptedHttpPeer((req, res) => json(res, 503, { error: 'down for maintenance' }));

  // A webhook receiver that has each request and answers only when the test says so.
  const heldAnswers: ServerResponse[] = [];
  const heldHook = new ScriptedHttpPeer((_req, res) => {
    heldAnswers.push(res);
  });

  // An X12 partner's webhook receiver (latin-parts, which reads X12 as ISO 8859-1): takes everything.
  const ediHook = new ScriptedHttpPeer((_req, res) => json(res, 200, { ok: true }));

  // A supplier platform: OAuth2 client credentials; answers 429 twice before taking the document; the
  // acknowledgment only shows on the second status poll.
  let platformPosts = 0;
  let statusPolls = 0;
  let poForPlatform = '';
  const platform = new ScriptedHttpPeer((req, res) => {
    if (req.path === '/oauth/token') {
      const basic = Buffer.from(`platform-parts-client:${PLATFORM_SECRET}`).toString('base64');
      if (req.headers.authorization !== `Basic ${basic}`) return json(res, 401, { error: 'invalid_client' });
      return json(res, 200, { access_token: 'platform-token-1', token_type: 'Bearer', expires_in: 3600 });
    }
    if (req.headers.authorization !== 'Bearer platform-token-1')
      return json(res, 401, { error: 'unauthorized' });
    if (req.method === 'POST' && req.path === '/api/documents') {
      platformPosts += 1;
      if (platformPosts <= 2) return json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      return json(res, 201, { id: 'PLT-7001' });
    }
    if (req.method === 'GET' && req.path === '/api/documents/PLT-7001/status') {
      statusPolls += 1;
      if (statusPolls < 2) return json(res, 200, { status: 'pending' });
      return json(res, 200, {
        status: 'acknowledged',
        acknowledgment: { contentType: 'application/edi-x12', content: platform855(poForPlatform) },
      });
    }
    json(res, 404, { error: 'no such route' });
  });

  beforeAll(async () => {
    webhookUrl = await webhook.start();
    platformUrl = await platform.start();
    deadHookUrl = await deadHook.start();
    heldHookUrl = await heldHook.start();
    const ediHookUrl = await ediHook.start();
    writeFileSync(join(secrets, 'webhook'), WEBHOOK_SECRET);
    writeFileSync(join(secrets, 'platform'), PLATFORM_SECRET);
    db = await createTestDatabase('outbound');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partnersDir(webhookUrl, platformUrl, secrets, deadHookUrl, ediHookUrl),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await webhook.stop();
    await platform.stop();
    await deadHook.stop();
    for (const res of heldAnswers) if (!res.writableEnded) res.destroy();
    await heldHook.stop();
    await ediHook.stop();
  });

  const issue = async (poNumber: string, supplier: string) => {
    await issueSimulatorOrder(gateway.app, { poNumber, supplier });
  };
  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<DocumentRow>(
        db.url,
        `SELECT id::text AS id, status, attempts, standard, message_type, channel, control_reference, group_reference,
                set_references, fa_status, platform_ref
           FROM outbound_document WHERE po_number = $1 ORDER BY id`,
        [poNumber],
      )
    )[0];
  const settled = (poNumber: string, statuses: string[], timeoutMs = 30_000) =>
    eventually(
      async () => statuses.includes((await documentOf(poNumber))?.status ?? ''),
      `the document of PO ${poNumber} ${statuses.join(' or ')}`,
      timeoutMs,
    );
  const cases = (type: string, poNumber: string) =>
    queryOnce<{ type: string; summary: string }>(
      db.url,
      `SELECT type, summary FROM exception_case WHERE type = $1 AND po_number = $2`,
      [type, poNumber],
    );

  it('renders a PO for an X12 partner as an 850 with its control numbers, offers it for pickup, and raises the missing 997', async () => {
    await issue('4500070001', 'acme-fasteners');
    await settled('4500070001', ['awaiting-pickup']);
    const doc = (await documentOf('4500070001'))!;
    expect(doc).toMatchObject({ standard: 'x12', message_type: '850', channel: 'api', fa_status: 'waiting' });

    const key = (
      await gateway.app
        .get(IdentityService)
        .issuePartnerToken('acme-fasteners', ['orders:read'], { kind: 'cli', name: 'test' })
    ).token;
    const listed = await request(gateway.url)
      .get('/partner/v1/outbound-documents?status=awaiting-pickup')
      .set('authorization', `Bearer ${key}`)
      .expect(200);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(doc.id);
    const content = await request(gateway.url)
      .get(`/partner/v1/outbound-documents/${doc.id}/content`)
      .set('authorization', `Bearer ${key}`)
      .expect(200)
      .expect('content-type', /application\/edi-x12/);
    const text = content.text;
    const isa = text.slice(0, 106).split('*');
    expect(isa[6]!.trim()).toBe('SUPPLIERGW');
    expect(isa[8]!.trim()).toBe('ACMEFAST');
    expect(isa[13]).toBe(doc.control_reference);
    expect(text).toMatch(
      new RegExp(`GS\\*PO\\*SUPPLIERGW\\*ACMEFAST\\*\\d{8}\\*\\d{4}\\*${doc.group_reference}\\*X\\*004010~`),
    );
    expect(text).toContain(`ST*850*${doc.set_references[0]}~`);
    expect(text).toMatch(/BEG\*00\*[A-Z]{2}\*4500070001\*/);
    expect(text).toContain(`IEA*1*${doc.control_reference}~`);
    // Another partner does not see it.
    const nordicKey = (
      await gateway.app
        .get(IdentityService)
        .issuePartnerToken('nordic-castings', ['orders:read'], { kind: 'cli', name: 'test' })
    ).token;
    await request(gateway.url)
      .get(`/partner/v1/outbound-documents/${doc.id}`)
      .set('authorization', `Bearer ${nordicKey}`)
      .expect(404);

    await request(gateway.url)
      .post(`/partner/v1/outbound-documents/${doc.id}/received`)
      .set('authorization', `Bearer ${key}`)
      .expect(200);
    expect((await documentOf('4500070001'))!.status).toBe('picked-up');

    // No 997 within the partner's 24 hours: one case, however often the sweep runs.
    const timers = gateway.app.get(FunctionalAckTimers);
    expect(await timers.sweep(new Date(Date.now() + 23 * 3_600_000))).toBe(0);
    expect(await timers.sweep(new Date(Date.now() + 25 * 3_600_000))).toBe(1);
    expect(await timers.sweep(new Date(Date.now() + 26 * 3_600_000))).toBe(0);
    expect((await documentOf('4500070001'))!.fa_status).toBe('overdue');
    expect(await cases('interchange.unacknowledged', '4500070001')).toEqual([
      {
        type: 'interchange.unacknowledged',
        summary: expect.stringContaining('no 997/999 from acme-fasteners'),
      },
    ]);

    // Late is not missing: the 997 that comes after all settles the case.
    await receiveX12(partner997('000000503', doc.group_reference!, doc.set_references[0]!, 'A'));
    await eventually(
      async () => (await documentOf('4500070001'))!.fa_status === 'accepted',
      'late 997 applied',
    );
    const [late] = await queryOnce<{ state: string; note: string }>(
      db.url,
      `SELECT c.state, h.note FROM exception_case c JOIN exception_event h ON h.case_id = c.id
        WHERE c.type = 'interchange.unacknowledged' AND c.po_number = $1 ORDER BY h.id DESC LIMIT 1`,
      ['4500070001'],
    );
    expect(late).toEqual({ state: 'resolved', note: 'the 997 arrived (accepted), late' });
  });

  it("joins the partner's 997 to the document it answers; a rejecting 997 raises the rejection", async () => {
    await issue('4500070002', 'acme-fasteners');
    await issue('4500070003', 'acme-fasteners');
    await settled('4500070002', ['awaiting-pickup']);
    await settled('4500070003', ['awaiting-pickup']);
    const accepted = (await documentOf('4500070002'))!;
    const rejected = (await documentOf('4500070003'))!;
    await receiveX12(partner997('000000501', accepted.group_reference!, accepted.set_references[0]!, 'A'));
    await receiveX12(partner997('000000502', rejected.group_reference!, rejected.set_references[0]!, 'R'));
    await eventually(async () => (await documentOf('4500070002'))!.fa_status === 'accepted', '997 A applied');
    await eventually(async () => (await documentOf('4500070003'))!.fa_status === 'rejected', '997 R applied');
    expect(await cases('interchange.ack-rejected', '4500070002')).toEqual([]);
    expect(await cases('interchange.ack-rejected', '4500070003')).toEqual([
      {
        type: 'interchange.ack-rejected',
        summary: expect.stringContaining('rejected our 850 for PO 4500070003'),
      },
    ]);
    // The timer of an answered document never fires.
    expect(await gateway.app.get(FunctionalAckTimers).sweep(new Date(Date.now() + 48 * 3_600_000))).toBe(0);
  });

  it('renders a PO for an EDIFACT partner as ORDERS with its interchange and message references', async () => {
    await issue('4500070004', 'nordic-castings');
    await settled('4500070004', ['awaiting-pickup']);
    const doc = (await documentOf('4500070004'))!;
    expect(doc).toMatchObject({ standard: 'edifact', message_type: 'ORDERS', fa_status: 'waiting' });
    const text = (await gateway.app.get(InterchangeArchive).payload(await interchangeOf(doc.id))).toString(
      'utf8',
    );
    expect(text.startsWith("UNA:+.? '")).toBe(true);
    // UNB 0031 = 1 (nordic answers with CONTRL), and 0035 = 1 while the partner is not live.
    expect(text).toMatch(
      new RegExp(
        `UNB\\+UNOC:3\\+SUPPLIERGW:ZZZ\\+7350000123457:14\\+\\d{6}:\\d{4}\\+${doc.control_reference}\\+{4}1(\\+{2}1)?'`,
      ),
    );
    expect(text).toContain(`UNH+${doc.set_references[0]}+ORDERS:D:96A:UN`);
    expect(text).toMatch(/BGM\+220\+4500070004\+9'/);
    expect(text).toContain(`UNZ+1+${doc.control_reference}'`);
  });

  it("joins an EDIFACT partner's CONTRL to our ORDERS by our UNB reference; a rejecting CONTRL raises the rejection", async () => {
    await issue('4500070008', 'nordic-castings');
    await settled('4500070008', ['awaiting-pickup']);
    const doc = (await documentOf('4500070008'))!;
    await receive(
      'nordic-castings',
      [
        "UNA:+.? '",
        "UNB+UNOC:3+7350000123457:14+SUPPLIERGW:ZZZ+261127:1200+N77'",
        "UNH+1+CONTRL:D:3:UN'",
        `UCI+${doc.control_reference}+SUPPLIERGW:ZZZ+7350000123457:14+4'`,
        "UNT+3+1'",
        "UNZ+1+N77'",
      ].join('\n'),
      'contrl-n77.edi',
      EdifactIntakeJob,
    );
    await eventually(
      async () => (await documentOf('4500070008'))!.fa_status === 'rejected',
      'CONTRL applied',
    );
    expect(await cases('interchange.ack-rejected', '4500070008')).toEqual([
      {
        type: 'interchange.ack-rejected',
        summary: expect.stringContaining('rejected our ORDERS for PO 4500070008'),
      },
    ]);
  });

  it('sends the 997 for a receipt back the way it came, named after the file it answers', async () => {
    await receive(
      'acme-fasteners',
      envelope('000000777', 'ACMEFAST', 'PR', '777', [
        'ST*855*0001',
        'BAK*00*AD*4500070002*20261127',
        'PO1*10*4800*PC*0.042**BP*CMP-BOLT-M8',
        'ACK*IA*4800*PC*068*20261204',
        'CTT*1',
        'SE*6*0001',
      ]),
      '855-from-acme.edi',
      X12IntakeJob,
    );
    await eventually(
      async () =>
        (
          await queryOnce<{ n: number }>(
            db.url,
            `SELECT count(*)::int AS n FROM outbound_document
              WHERE kind = 'functional-ack' AND filename = '855-from-acme.edi.997' AND status = 'awaiting-pickup'`,
          )
        )[0]!.n === 1,
      'the 997 offered for pickup',
    );
    const [ack] = await queryOnce<{ message_type: string; channel: string; interchange_id: string }>(
      db.url,
      `SELECT message_type, channel, interchange_id::text AS interchange_id FROM outbound_document WHERE filename = '855-from-acme.edi.997'`,
    );
    expect(ack).toMatchObject({ message_type: '997', channel: 'api' });
    const text = (await gateway.app.get(InterchangeArchive).payload(ack!.interchange_id)).toString('latin1');
    expect(text).toContain('AK1*PR*777');
  });

  it('delivers to an allowed loopback webhook once, signed, after two failures', async () => {
    await issue('4500070005', 'hook-supplies');
    await settled('4500070005', ['delivered'], 60_000);
    const doc = (await documentOf('4500070005'))!;
    expect(doc).toMatchObject({ standard: 'json', message_type: 'purchase-order', attempts: 3 });
    expect(webhook.requests).toHaveLength(3);
    const ids = new Set(webhook.requests.map((r) => r.headers['webhook-id']));
    expect(ids).toEqual(new Set([`outbound-document-${doc.id}`]));
    const last = webhook.requests[2]!;
    const verified = new Webhook(WEBHOOK_SECRET).verify(last.body.toString('utf8'), {
      'webhook-id': String(last.headers['webhook-id']),
      'webhook-timestamp': String(last.headers['webhook-timestamp']),
      'webhook-signature': String(last.headers['webhook-signature']),
    }) as { type: string; document: { number: string }; payload: unknown };
    expect(verified).toMatchObject({
      type: 'purchase-order',
      version: 'v1',
      document: { number: '4500070005' },
    });
    expect(() =>
      new Webhook(WEBHOOK_SECRET).verify(last.body.toString('utf8').replace('4800', '9800'), {
        'webhook-id': String(last.headers['webhook-id']),
        'webhook-timestamp': String(last.headers['webhook-timestamp']),
        'webhook-signature': String(last.headers['webhook-signature']),
      }),
    ).toThrow();
  });

  it('posts to a supplier platform with OAuth2, honours its 429s, and turns its later acknowledgment into exactly one 855', async () => {
    poForPlatform = '4500070006';
    await issue('4500070006', 'platform-parts');
    await settled('4500070006', ['delivered'], 30_000);
    const doc = (await documentOf('4500070006'))!;
    expect(doc.platform_ref).toBe('PLT-7001');
    expect(platformPosts).toBe(3);
    expect(doc.attempts).toBe(1); // the two 429s were waits, not failed tries
    const posts = platform.requests.filter((r) => r.path === '/api/documents');
    expect(new Set(posts.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set([`outbound-document-${doc.id}`]),
    );
    // Labelled with the charset the 850 was archived in, so the platform need not guess.
    expect(posts[2]!.headers['content-type']).toBe('application/edi-x12; charset=UTF-8');

    await eventually(
      async () =>
        (
          await queryOnce<{ state: string }>(
            db.url,
            `SELECT state FROM purchase_order WHERE po_number = '4500070006'`,
          )
        )[0]?.state === 'acknowledged',
      'the platform acknowledgment applied to the order',
      40_000,
    );
    expect(statusPolls).toBeGreaterThanOrEqual(2);
    // Polling goes on for other documents, but this answer is never taken twice.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const answers = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM interchange WHERE channel = 'platform' AND direction = 'inbound' AND duplicate_of IS NULL`,
    );
    expect(answers).toEqual([{ n: 1 }]);
    const acks = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM canonical_event WHERE type = 'purchase-order.acknowledged' AND document_number = '4500070006'`,
    );
    expect(acks).toEqual([{ n: 1 }]);
  });

  it('lets an operator see, resend and cancel documents; a document without a renderable format is an exception', async () => {
    await issue('4500070007', 'no-format-co');
    await eventually(
      async () => (await cases('outbound.delivery-failed', '4500070007')).length === 1,
      'a case for the unrenderable PO',
    );
    const auth = { authorization: `Bearer ${ADMIN}` };
    const list = await request(gateway.url)
      .get('/admin/outbound-documents?partnerId=acme-fasteners&limit=2')
      .set(auth)
      .expect(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.nextCursor).toBe(list.body.items[1].id);
    const nordic = (await documentOf('4500070004'))!;
    await request(gateway.url)
      .post(`/admin/outbound-documents/${nordic.id}/cancel`)
      .set(auth)
      .send({ note: 'sent by mail' })
      .expect(200);
    await request(gateway.url)
      .post(`/admin/outbound-documents/${nordic.id}/cancel`)
      .set(auth)
      .send({})
      .expect(409);
    const resent = await request(gateway.url)
      .post(`/admin/outbound-documents/${nordic.id}/resend`)
      .set(auth)
      .expect(200);
    expect(resent.body.status).toBe('pending');
    await settled('4500070004', ['awaiting-pickup']);
  });

  it('stops the acknowledgment clock of a document an operator cancels while it is offered for pickup', async () => {
    await issue('4500070010', 'acme-fasteners');
    await settled('4500070010', ['awaiting-pickup']);
    const offered = (await documentOf('4500070010'))!;
    expect(offered.fa_status).toBe('waiting');
    await request(gateway.url)
      .post(`/admin/outbound-documents/${offered.id}/cancel`)
      .set({ authorization: `Bearer ${ADMIN}` })
      .send({ note: 'the order goes by mail' })
      .expect(200);
    const [clock] = await queryOnce<{ fa_status: string | null; fa_due_at: string | null }>(
      db.url,
      `SELECT fa_status, fa_due_at::text AS fa_due_at FROM outbound_document WHERE id = $1`,
      [offered.id],
    );
    expect(clock).toEqual({ fa_status: null, fa_due_at: null });
    // Past the partner's 24 hours nothing is due for it: no case about a 997 for a document taken back.
    await gateway.app.get(FunctionalAckTimers).sweep(new Date(Date.now() + 25 * 3_600_000));
    expect(await cases('interchange.unacknowledged', '4500070010')).toEqual([]);
  });

  it('reopens the case of a failed delivery someone resolved when the document fails again after a resend', async () => {
    await issue('4500070009', 'dead-hook');
    await settled('4500070009', ['failed'], 30_000);
    const exceptions = gateway.app.get(ExceptionService);
    const [failed] = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM exception_case WHERE type = 'outbound.delivery-failed' AND po_number = $1`,
      ['4500070009'],
    );
    await exceptions.transition(
      failed!.id,
      'resolve',
      GATEWAY_ACTOR,
      'the partner says its endpoint is back',
    );
    const document = (await documentOf('4500070009'))!;
    await request(gateway.url)
      .post(`/admin/outbound-documents/${document.id}/resend`)
      .set({ authorization: `Bearer ${ADMIN}` })
      .expect(200);
    await eventually(
      async () => {
        const now = await documentOf('4500070009');
        return now?.status === 'failed' && now.attempts === 2;
      },
      'the resent document failed again',
      30_000,
    );
    // The same case, open again, saying why; not a second case, and not left resolved.
    const cases = await queryOnce<{ id: string; state: string }>(
      db.url,
      `SELECT id::text AS id, state FROM exception_case WHERE type = 'outbound.delivery-failed' AND po_number = $1`,
      ['4500070009'],
    );
    expect(cases).toEqual([{ id: failed!.id, state: 'open' }]);
    const history = await exceptions.history(failed!.id, ALL_PARTNERS);
    expect(history.map((e) => e.action)).toEqual(['raised', 'resolved', 'reopened']);
    expect(history[2]!.note).toMatch(
      /^the problem came back \(job outbound\.deliver:\d+:resend-\d+ run 1\) after the case was resolved$/,
    );
  });

  describe('an order the ERP ends sends nothing more', () => {
    const ORDER = {
      partnerId: 'acme-fasteners',
      plant: '1000',
      currency: 'EUR',
      orderDate: '2026-11-27',
    } as const;
    const snapshot = (
      poNumber: string,
      revision: number,
      status: ErpOrderSnapshot['status'],
      quantity: string,
    ) => ({
      ...ORDER,
      poNumber,
      revision,
      status,
      lines: [{ ...BOLT_LINE, quantity, status: 'open' as const }],
    });
    const documentsOf = (poNumber: string) =>
      queryOnce<{
        id: string;
        kind: string;
        po_revision: number;
        status: string;
        status_detail: string | null;
      }>(
        db.url,
        `SELECT id::text AS id, kind, po_revision, status, status_detail FROM outbound_document
          WHERE po_number = $1 ORDER BY id`,
        [poNumber],
      );
    const historyOf = (poNumber: string, what: string) =>
      queryOnce<{ summary: string }>(
        db.url,
        `SELECT h.summary FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
          WHERE o.po_number = $1 AND h.what = $2`,
        [poNumber, what],
      );

    it('withdraws a change offered and not fetched and one not rendered yet; what the supplier fetched stays', async () => {
      const po = '4500070011';
      await issue(po, 'acme-fasteners');
      await settled(po, ['awaiting-pickup']);
      const [order] = await documentsOf(po);
      await gateway.app.get(OutboundDeliveryService).confirmPickup('acme-fasteners', order!.id);
      const intake = gateway.app.get(OrderIntakeService);
      const dataSource = gateway.app.get(DataSource);
      await dataSource.transaction((tx) => intake.receive(tx, snapshot(po, 1, 'open', '4000')));
      await eventually(
        async () =>
          (await documentsOf(po)).some((d) => d.po_revision === 1 && d.status === 'awaiting-pickup'),
        'the change of revision 1 offered for pickup',
      );
      // Revision 2 changes the order again and revision 3 closes it, in one transaction: the change's
      // rendering job only runs once the order is closed.
      const closed = await dataSource.transaction(async (tx) => {
        await intake.receive(tx, snapshot(po, 2, 'open', '3000'));
        return intake.receive(tx, snapshot(po, 3, 'closed', '3000'));
      });
      expect(closed.outcome).toBe('closed');
      await eventually(async () => {
        const [render] = await queryOnce<{ status: string }>(
          db.url,
          `SELECT o.status FROM outbox o JOIN outbound_intent i ON o.payload->>'intentId' = i.id::text
             JOIN purchase_order p ON p.id = i.po_id
            WHERE o.job_name = 'outbound.render' AND p.po_number = $1 AND i.revision = 2`,
          [po],
        );
        return render?.status === 'done';
      }, 'the rendering job of revision 2 done');

      const why = `withdrawn: PO ${po} was closed by the ERP (revision 3) before this reached acme-fasteners`;
      expect(await documentsOf(po)).toEqual([
        {
          id: order!.id,
          kind: 'purchase-order',
          po_revision: 0,
          status: 'picked-up',
          status_detail: 'fetched by the partner',
        },
        {
          id: expect.any(String),
          kind: 'po-change',
          po_revision: 1,
          status: 'cancelled',
          status_detail: why,
        },
      ]);
      const [intent] = await queryOnce<{ status: string }>(
        db.url,
        `SELECT i.status FROM outbound_intent i JOIN purchase_order p ON p.id = i.po_id
          WHERE p.po_number = $1 AND i.revision = 2`,
        [po],
      );
      // Withdrawn, not failed: nothing went wrong with it, its order ended.
      expect(intent).toEqual({ status: 'withdrawn' });
      expect(await historyOf(po, 'purchase-order.closed')).toEqual([
        {
          summary:
            'closed by the ERP; nothing more is sent to the supplier; withdrawn before it reached the supplier: ' +
            'the change of revision 1, the change of revision 2',
        },
      ]);
      const change = (await documentsOf(po))[1]!;
      const audited = await queryOnce<{ actor_kind: string; before: unknown; note: string }>(
        db.url,
        `SELECT actor_kind, before, note FROM audit_log WHERE action = 'outbound-document.withdrawn' AND target_id = $1`,
        [change.id],
      );
      expect(audited).toEqual([{ actor_kind: 'gateway', before: { status: 'awaiting-pickup' }, note: why }]);
      // Its acknowledgment clock stopped with it: nothing is due for a document taken back.
      const [clock] = await queryOnce<{ fa_status: string | null; fa_due_at: string | null }>(
        db.url,
        `SELECT fa_status, fa_due_at::text AS fa_due_at FROM outbound_document WHERE id = $1`,
        [change.id],
      );
      expect(clock).toEqual({ fa_status: null, fa_due_at: null });
      // An operator cannot send it after all.
      const resend = await request(gateway.url)
        .post(`/admin/outbound-documents/${change.id}/resend`)
        .set({ authorization: `Bearer ${ADMIN}` })
        .expect(409);
      expect(resend.body.detail).toBe(
        `document ${change.id} is not sent again: PO ${po} is closed, and nothing more goes to acme-fasteners for it`,
      );
    });

    it('sends the cancellation of a cancelled order, and withdraws the order offered and not fetched', async () => {
      const po = '4500070012';
      await issue(po, 'acme-fasteners');
      await settled(po, ['awaiting-pickup']);
      const [order] = await documentsOf(po);
      await gateway.app.get(ErpConnections).embeddedSimulator()!.purchaseOrders.change(po, { cancel: true });
      await gateway.app.get(SimulatorOutputRelay).relay();
      await eventually(
        async () =>
          (await documentsOf(po)).some((d) => d.kind === 'po-cancellation' && d.status === 'awaiting-pickup'),
        'the cancellation offered for pickup',
      );
      expect(await documentsOf(po)).toEqual([
        {
          id: order!.id,
          kind: 'purchase-order',
          po_revision: 0,
          status: 'cancelled',
          status_detail: `withdrawn: PO ${po} was cancelled by the ERP (revision 1) before this reached acme-fasteners`,
        },
        {
          id: expect.any(String),
          kind: 'po-cancellation',
          po_revision: 1,
          status: 'awaiting-pickup',
          status_detail: 'waiting for the partner to fetch it through the API',
        },
      ]);
      expect(await historyOf(po, 'purchase-order.cancelled')).toEqual([
        {
          summary: 'cancelled by the ERP; withdrawn before it reached the supplier: the order of revision 0',
        },
      ]);
    });

    it('resolves the case of a failed document that an order closing withdraws', async () => {
      const po = '4500070013';
      await issue(po, 'dead-hook');
      await settled(po, ['failed'], 30_000);
      const [failed] = await documentsOf(po);
      await gateway.app
        .get(DataSource)
        .transaction((tx) =>
          gateway.app
            .get(OrderIntakeService)
            .receive(tx, { ...snapshot(po, 1, 'closed', '4800'), partnerId: 'dead-hook' }),
        );
      const why = `withdrawn: PO ${po} was closed by the ERP (revision 1) before this reached dead-hook`;
      expect(await documentsOf(po)).toEqual([
        { id: failed!.id, kind: 'purchase-order', po_revision: 0, status: 'cancelled', status_detail: why },
      ]);
      const [withdrawnCase] = await queryOnce<{ id: string; state: string }>(
        db.url,
        `SELECT id::text AS id, state FROM exception_case WHERE type = 'outbound.delivery-failed' AND dedupe_key = $1`,
        [`outbound-document:${failed!.id}`],
      );
      expect(withdrawnCase!.state).toBe('resolved');
      const history = await gateway.app.get(ExceptionService).history(withdrawnCase!.id, ALL_PARTNERS);
      expect(history.at(-1)).toMatchObject({ action: 'resolved', note: why });
    });

    describe('the webhook-subscription messages of what it withdraws', () => {
      const auth = { authorization: `Bearer ${ADMIN}` };
      const subscribe = async (url: string): Promise<string> =>
        (
          await request(gateway.url)
            .post('/admin/partners/acme-fasteners/webhooks')
            .set(auth)
            .send({ url, eventTypes: ['purchase-order.issued'] })
            .expect(201)
        ).body.id as string;
      const unsubscribe = (id: string) =>
        request(gateway.url).delete(`/admin/webhooks/${id}`).set(auth).expect(200);
      const messageOf = async (documentId: string) =>
        (
          await queryOnce<{ id: string; status: string; attempts: number; last_error: string | null }>(
            db.url,
            `SELECT id::text AS id, status, attempts, last_error FROM webhook_delivery WHERE outbound_document_id = $1`,
            [documentId],
          )
        )[0];
      const close = (po: string) =>
        gateway.app
          .get(DataSource)
          .transaction((tx) =>
            gateway.app.get(OrderIntakeService).receive(tx, snapshot(po, 1, 'closed', '4800')),
          );

      it('withdraws a message still retried: its next try sends nothing, and it is not redelivered', async () => {
        const po = '4500070014';
        const subscription = await subscribe(`${deadHookUrl}/subscriber`);
        try {
          await issue(po, 'acme-fasteners');
          await settled(po, ['awaiting-pickup']);
          const [offered] = await documentsOf(po);
          // The subscriber is down: the message failed its first try and waits for the next one.
          await eventually(
            async () => (await messageOf(offered!.id))?.attempts === 1,
            'the first try of the message failed',
          );
          await close(po);

          const why = `withdrawn: PO ${po} was closed by the ERP (revision 1) before this reached acme-fasteners`;
          const message = (await messageOf(offered!.id))!;
          expect(message).toEqual({ id: message.id, status: 'withdrawn', attempts: 1, last_error: why });
          // Its next try, brought forward, finds it withdrawn: nothing more reaches the subscriber.
          const job = `job_name = 'webhook.deliver' AND payload->>'deliveryId' = $1`;
          await queryOnce(
            db.url,
            `UPDATE outbox SET available_at = now() WHERE ${job} AND status = 'pending'`,
            [message.id],
          );
          const secondTry = async () =>
            (
              await queryOnce<{ status: string; attempts: number }>(
                db.url,
                `SELECT status, attempts FROM outbox WHERE ${job}`,
                [message.id],
              )
            )[0]!;
          await eventually(async () => {
            const { status, attempts } = await secondTry();
            return attempts === 2 && status !== 'running';
          }, 'the second try of the message concluded');
          expect((await secondTry()).status).toBe('done');
          expect(deadHook.requests.filter((r) => r.path === '/subscriber')).toHaveLength(1);
          // Operators (and the partner) see it withdrawn, and why; the partner cannot send it again.
          const listed = await request(gateway.url)
            .get(`/admin/webhooks/${subscription}/deliveries?status=withdrawn`)
            .set(auth)
            .expect(200);
          expect(listed.body.items).toEqual([
            expect.objectContaining({ id: message.id, status: 'withdrawn', lastError: why }),
          ]);
          const partnerKey = (
            await gateway.app
              .get(IdentityService)
              .issuePartnerToken('acme-fasteners', ['webhooks:write'], { kind: 'cli', name: 'test' })
          ).token;
          const redelivery = await request(gateway.url)
            .post(`/partner/v1/webhooks/${subscription}/deliveries/${message.id}/redeliver`)
            .set('authorization', `Bearer ${partnerKey}`)
            .expect(409);
          expect(redelivery.body.detail).toBe(`message ${message.id} is not sent again: ${why}`);
        } finally {
          await unsubscribe(subscription);
        }
      });

      it('records a message a try under way delivered after all as delivered', async () => {
        const po = '4500070015';
        const subscription = await subscribe(`${heldHookUrl}/subscriber`);
        try {
          await issue(po, 'acme-fasteners');
          await settled(po, ['awaiting-pickup']);
          const [offered] = await documentsOf(po);
          await eventually(async () => heldAnswers.length === 1, 'the message at the subscriber');
          await close(po);
          expect((await messageOf(offered!.id))!.status).toBe('withdrawn');

          // The subscriber has it: what reached it cannot be taken back.
          json(heldAnswers[0]!, 200, { ok: true });
          await eventually(
            async () => (await messageOf(offered!.id))?.status === 'delivered',
            'the message recorded delivered',
          );
          expect((await messageOf(offered!.id))!.last_error).toBe(
            `delivered by a try under way (withdrawn: PO ${po} was closed by the ERP (revision 1) ` +
              'before this reached acme-fasteners)',
          );
        } finally {
          await unsubscribe(subscription);
        }
      });
    });
  });

  it('serves each document’s content with the charset its bytes were written in', async () => {
    const line = { ...BOLT_LINE, material: 'SCHRAUBE-MÜ8' };
    await issueSimulatorOrder(gateway.app, {
      poNumber: '4500070030',
      supplier: 'acme-fasteners',
      lines: [line],
    });
    await issueSimulatorOrder(gateway.app, {
      poNumber: '4500070031',
      supplier: 'nordic-castings',
      lines: [line],
    });
    await settled('4500070030', ['awaiting-pickup']);
    await settled('4500070031', ['awaiting-pickup']);
    const x12 = (await documentOf('4500070030'))!;
    const edifact = (await documentOf('4500070031'))!;
    const json = (await documentOf('4500070005'))!; // the webhook partner's PO, above
    const [ack] = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM outbound_document WHERE filename = '855-from-acme.edi.997'`,
    );
    const admin = (id: string) =>
      contentOf(request(gateway.url).get(`/admin/outbound-documents/${id}/content`), ADMIN);
    const partner = async (partnerId: string, id: string) =>
      contentOf(
        request(gateway.url).get(`/partner/v1/outbound-documents/${id}/content`),
        (
          await gateway.app
            .get(IdentityService)
            .issuePartnerToken(partnerId, ['orders:read'], { kind: 'cli', name: 'test' })
        ).token,
      );

    // The X12 generator writes UTF-8: Ü is C3 9C.
    for (const res of [await admin(x12.id), await partner('acme-fasteners', x12.id)]) {
      expect(res.headers['content-type']).toBe('application/edi-x12; charset=UTF-8');
      expect(res.body.includes(Buffer.from('*SCHRAUBE-M\u00dc8', 'utf8'))).toBe(true);
    }
    // EDIFACT in the set its UNB declares: UNOC is ISO 8859-1, Ü one byte (DC).
    for (const res of [await admin(edifact.id), await partner('nordic-castings', edifact.id)]) {
      expect(res.headers['content-type']).toBe('application/edifact; charset=ISO-8859-1');
      expect(res.body.includes(Buffer.from('SCHRAUBE-M\u00dc8', 'latin1'))).toBe(true);
    }
    expect((await admin(json.id)).headers['content-type']).toBe('application/json; charset=UTF-8');
    // Our 997 to acme's Latin-1 file: in the encoding of the interchange it answers.
    expect((await admin(ack!.id)).headers['content-type']).toBe('application/edi-x12; charset=ISO-8859-1');
  });

  it('writes X12 as ISO 8859-1 for a partner whose profile says latin1, says so, and refuses what Latin-1 cannot carry before taking a number', async () => {
    const order = (poNumber: string, material: string) =>
      issueSimulatorOrder(gateway.app, {
        poNumber,
        supplier: 'latin-parts',
        lines: [{ ...BOLT_LINE, material }],
      });
    await order('4500070040', 'SCHRAUBE-MÜ8');
    await settled('4500070040', ['delivered', 'failed']);
    const first = (await documentOf('4500070040'))!;
    expect(first).toMatchObject({ status: 'delivered', standard: 'x12', channel: 'webhook' });

    // What the partner's webhook receiver got: the 850's exact bytes, Ü as the one byte DC, and the
    // Content-Type with the charset that says how to read them.
    const [sent] = ediHook.requests;
    const data = (
      JSON.parse(sent!.body.toString('utf8')) as {
        data: { contentType: string; content: string; contentBase64: string };
      }
    ).data;
    expect(data.contentType).toBe('application/edi-x12; charset=ISO-8859-1');
    const bytes = Buffer.from(data.contentBase64, 'base64');
    expect(bytes.includes(Buffer.from([...Buffer.from('*SCHRAUBE-M'), 0xdc, ...Buffer.from('8')]))).toBe(
      true,
    );
    expect(bytes.includes(Buffer.from([0xc3, 0x9c]))).toBe(false);
    expect(data.content).toContain('*SCHRAUBE-MÜ8');
    const content = await contentOf(
      request(gateway.url).get(`/admin/outbound-documents/${first.id}/content`),
      ADMIN,
    );
    expect(content.headers['content-type']).toBe('application/edi-x12; charset=ISO-8859-1');
    expect(content.body.equals(bytes)).toBe(true);

    // Ł has no Latin-1 byte: the order is refused with the element and the character, no document made.
    await order('4500070041', 'ŁOŻYSKO-6204');
    await eventually(
      async () => (await cases('outbound.delivery-failed', '4500070041')).length === 1,
      'the refusal of PO 4500070041',
    );
    const [refusal] = await cases('outbound.delivery-failed', '4500070041');
    expect(refusal!.summary).toContain(
      '"ŁOŻYSKO-6204" contains Ł (U+0141), which has no byte in ISO 8859-1, the encoding the partner\'s X12 is written in',
    );
    expect(await documentOf('4500070041')).toBeUndefined();
    // It took no control number: the next 850 has the one after the first.
    await order('4500070042', 'SCHRAUBE-MÜ10');
    await settled('4500070042', ['delivered', 'failed']);
    const next = (await documentOf('4500070042'))!;
    expect(Number(next.control_reference)).toBe(Number(first.control_reference) + 1);
    expect(Number(next.group_reference)).toBe(Number(first.group_reference) + 1);
  });

  /** The response to GET …/content with its body as the bytes sent, whatever the content type. */
  async function contentOf(
    get: request.Test,
    token: string,
  ): Promise<{ headers: Record<string, string>; body: Buffer }> {
    const res = await get
      .set('authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (chunk: Buffer) => chunks.push(chunk));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    return { headers: res.headers as Record<string, string>, body: res.body as Buffer };
  }

  async function interchangeOf(documentId: string): Promise<string> {
    const [row] = await queryOnce<{ interchange_id: string }>(
      db.url,
      `SELECT interchange_id::text AS interchange_id FROM outbound_document WHERE id = $1`,
      [documentId],
    );
    return row!.interchange_id;
  }

  async function receiveX12(text: string): Promise<void> {
    await receive('acme-fasteners', text, undefined, X12IntakeJob);
  }

  async function receive(
    partnerId: string,
    text: string,
    filename: string | undefined,
    job: typeof X12IntakeJob | typeof EdifactIntakeJob,
  ): Promise<void> {
    const outbox = gateway.app.get(OutboxService);
    await gateway.app
      .get(InterchangeArchive)
      .receive({ partnerId, channel: 'sftp', payload: Buffer.from(text, 'latin1'), filename }, (tx, stored) =>
        outbox.enqueue(tx, job, { interchangeId: stored.id }, { key: stored.id }).then(() => undefined),
      );
  }
});

/** The test's partners: the repository's two, delivering over the API, and four of its own. */
function partnersDir(
  webhookUrl: string,
  platformUrl: string,
  secrets: string,
  deadHookUrl: string,
  ediHookUrl: string,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-outbound-partners-'));
  for (const file of readdirSync('partners').filter((f) => f.endsWith('.yaml'))) {
    copyFileSync(join('partners', file), join(dir, file));
    writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}\ndelivery: { channel: api }\n`);
  }
  const secretFile = join(secrets, 'webhook');
  writeFileSync(
    join(dir, 'hook-supplies.yaml'),
    webhookPartnerYaml(
      { id: 'hook-supplies', name: 'Hook Supplies' },
      { url: `${webhookUrl}/hooks/orders`, secretFile },
    ),
  );
  writeFileSync(
    join(dir, 'platform-parts.yaml'),
    `id: platform-parts
name: Platform Parts
status: test
identities:
  x12: [{ qualifier: ZZ, id: PLATPARTS }]
  gs: [PLATPARTS]
documents:
  inbound: [{ standard: x12, version: '004010', type: '855' }, { standard: x12, version: '004010', type: '997' }]
  outbound: [{ standard: x12, version: '004010', type: '850' }]
acknowledgments: { functional: '997' }
delivery:
  channel: platform
  maxAttempts: 3
  platform:
    name: Test Platform
    documentsUrl: '${platformUrl}/api/documents'
    statusUrl: '${platformUrl}/api/documents/{id}/status'
    pollSeconds: 5
    auth: { kind: oauth2, tokenUrl: '${platformUrl}/oauth/token', clientId: platform-parts-client, clientSecretFile: '${join(secrets, 'platform')}' }
`,
  );
  writeFileSync(
    join(dir, 'dead-hook.yaml'),
    webhookPartnerYaml(
      { id: 'dead-hook', name: 'Dead Hook' },
      { url: `${deadHookUrl}/hooks/orders`, secretFile },
      { maxAttempts: 1 },
    ),
  );
  // Its translator reads X12 as ISO 8859-1; it takes its 850s at a webhook.
  writeFileSync(
    join(dir, 'latin-parts.yaml'),
    `id: latin-parts
name: Latin Parts
status: test
identities:
  x12: [{ qualifier: ZZ, id: LATINPARTS }]
  gs: [LATINPARTS]
documents:
  inbound: [{ standard: x12, version: '004010', type: '855' }]
  outbound: [{ standard: x12, version: '004010', type: '850' }]
acknowledgments: { functional: none }
x12: { encoding: latin1 }
delivery:
  channel: webhook
  maxAttempts: 2
  webhook: { url: '${ediHookUrl}/hooks/edi', secretFile: '${secretFile}' }
`,
  );
  writeFileSync(
    join(dir, 'no-format-co.yaml'),
    `id: no-format-co
name: No Format Co
status: test
identities: { x12: [{ qualifier: ZZ, id: NOFORMAT }] }
documents:
  inbound: [{ standard: x12, version: '004010', type: '855' }]
acknowledgments: { functional: '997' }
`,
  );
  return dir;
}

function envelope(
  control: string,
  sender: string,
  functional: string,
  group: string,
  body: string[],
): string {
  const segments = [
    `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*SUPPLIERGW     *261127*1200*U*00401*${control}*0*T*>`,
    `GS*${functional}*${sender}*SUPPLIERGW*20261127*1200*${group}*X*004010`,
    ...body,
    `GE*1*${group}`,
    `IEA*1*${control}`,
  ];
  return segments.map((s) => `${s}~`).join('\n') + '\n';
}

/** acme's 997 for one of our 850s: AK5 and AK9 say A (accepted) or R (rejected). */
function partner997(control: string, ourGroup: string, ourSet: string, verdict: 'A' | 'R'): string {
  const group = String(Number(control));
  return envelope(control, 'ACMEFAST', 'FA', group, [
    'ST*997*0001',
    `AK1*PO*${ourGroup}`,
    `AK2*850*${ourSet}`,
    verdict === 'A' ? 'AK5*A' : 'AK5*R*5',
    `AK9*${verdict}*1*1*${verdict === 'A' ? 1 : 0}`,
    'SE*6*0001',
  ]);
}

/** The 855 the platform relays from platform-parts: every line accepted as ordered. */
function platform855(poNumber: string): string {
  return envelope('000000900', 'PLATPARTS', 'PR', '900', [
    'ST*855*0001',
    `BAK*00*AD*${poNumber}*20261127`,
    'PO1*10*4800*PC*0.042**BP*CMP-BOLT-M8',
    'ACK*IA*4800*PC*068*20261204',
    'CTT*1',
    'SE*6*0001',
  ]);
}
