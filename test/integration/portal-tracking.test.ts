import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { OutboundWithdrawalService } from '../../src/outbound/outbound-withdrawal.service.js';
import { makeSscc } from '../../src/shipping/sscc.js';
import { ALPHA, x12Acknowledgment } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  csrfOf,
  FormClient,
  issueThroughErp,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/**
 * Message tracking in the portal, without JavaScript: a buyer finds documents by every kind of key,
 * opens a chain, downloads the wire bytes and replays a dead-lettered ERP posting once, with a note
 * that lands in the audit log; suppliers are refused every tracking page.
 */
describe('portal message tracking and replay (no JavaScript)', () => {
  let world: PortalWorld;
  let buyer: FormClient;
  let supplier: FormClient;
  const PO = '4630000101';
  const PO_855 = '4630000102';
  /** Confirmed while the ERP records every post and loses every answer. */
  const PO_LOST = '4630000103';
  const SSCC = makeSscc(0, '4012345', 4242n);
  const MESSAGE_ID = '<portal-tracking-1@alpha.example>';
  const AS2_CORRELATION = 'as2:portal-tracking-1';
  const FILE = 'tracking-855.edi';
  /** A file as the SFTP mailbox archives it (portal uploads keep their name in the metadata only). */
  const SFTP_FILE = '/inbound/alpha/orders-4630000102.x12';
  const answerFields = { l0_line: '10', l0_action: 'accept', l1_line: '20', l1_action: 'accept' };

  const ledger = async (reference: string) =>
    (
      await queryOnce<{ n: number }>(
        world.db.url,
        `SELECT count(*)::int AS n FROM erp_sim_entry WHERE external_reference = $1`,
        [reference],
      )
    )[0]!.n;
  const deadLetterOf = async (poNumber: string) =>
    (
      await queryOnce<{ id: string; replayed_at: string | null }>(
        world.db.url,
        `SELECT d.id::text AS id, d.replayed_at::text FROM dead_letter d
           JOIN erp_posting p ON d.payload ->> 'postingId' = p.id::text
          WHERE p.kind = 'po-confirmation' AND p.business_key = $1`,
        [poNumber],
      )
    )[0];

  beforeAll(async () => {
    world = await startPortalWorld('portal_tracking');
    await seedPortalUser(world, { email: 'buyer@mfg.example.com', role: 'buyer' });
    await seedPortalUser(world, {
      email: 'clerk@alpha.example.com',
      role: 'supplier-user',
      partnerId: ALPHA.id,
    });
    buyer = new FormClient(world.gateway.url);
    expect((await buyer.login('buyer@mfg.example.com')).status).toBe(303);
    supplier = new FormClient(world.gateway.url);
    expect((await supplier.login('clerk@alpha.example.com')).status).toBe(303);
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id });
    await issueThroughErp(world, { poNumber: PO_855, partnerId: ALPHA.id });
    await issueThroughErp(world, { poNumber: PO_LOST, partnerId: ALPHA.id });

    // The ERP refuses every post: the supplier's confirmation of PO runs out of attempts.
    const simulator = world.gateway.app.get(ErpConnections).embeddedSimulator()!;
    await simulator.faults.set({ operation: 'post', mode: 'fail', rate: 1 });
    const answered = await supplier.submit(
      `/portal/orders/${PO}`,
      { ...answerFields, formKey: 'a'.repeat(24) },
      `/portal/orders/${PO}/acknowledgment`,
    );
    expect(answered.status).toBe(303);
    await waitForPostings(world.db.url, 20_000);
    expect(await deadLetterOf(PO)).toMatchObject({ replayed_at: null });
    await simulator.faults.clear();

    // An X12 855 uploaded by file (ISA13 4711, file name), a ship notice with an SSCC, an AS2 receipt.
    const uploads = await supplier.get('/portal/uploads');
    const upload = await supplier.agent
      .post('/portal/uploads')
      .field('_csrf', csrfOf(uploads.text))
      .attach(
        'file',
        Buffer.from(
          x12Acknowledgment({
            isaSender: ALPHA.isa,
            gsSender: ALPHA.gs,
            poNumber: PO_855,
            control: 4711,
            lines: [{ lineNumber: '10', quantity: '4800' }],
          }),
        ),
        FILE,
      );
    expect(upload.status).toBe(303);
    const token = (
      await world.gateway.app
        .get(IdentityService)
        .issuePartnerToken(ALPHA.id, ['documents:write', 'ship-notices:write'], {
          kind: 'cli',
          name: 'portal-tracking',
        })
    ).token;
    const notice = await request(world.gateway.url)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({
          type: 'ship-notice',
          version: 'v1',
          sender: { id: ALPHA.id },
          document: { number: 'SHP-PT-1', revision: '0' },
          payload: {
            shipmentNumber: 'SHP-PT-1',
            shippedAt: '2026-12-03T14:00:00Z',
            shipTo: '1000',
            orders: [
              {
                purchaseOrder: { number: PO_855 },
                packs: [
                  {
                    sscc: SSCC,
                    items: [
                      { lineNumber: '10', material: 'CMP-BOLT-M8', quantity: { value: '4800', unit: 'H87' } },
                    ],
                  },
                ],
              },
            ],
          },
        }),
      );
    expect(notice.status, notice.text).toBe(201);
    await world.gateway.app.get(InterchangeArchive).receive(
      {
        partnerId: ALPHA.id,
        channel: 'as2',
        payload: Buffer.from('ISA*00*<script>alert(1)</script>~'),
        contentType: 'application/edi-x12',
        metadata: { messageId: MESSAGE_ID, as2From: 'ALPHA', as2To: 'GATEWAY' },
        correlationId: AS2_CORRELATION,
      },
      async () => {},
    );
    await world.gateway.app.get(InterchangeArchive).receive(
      {
        partnerId: ALPHA.id,
        channel: 'sftp-mailbox',
        payload: Buffer.from('ISA*00*sftp~'),
        contentType: 'application/edi-x12',
        filename: SFTP_FILE,
        correlationId: 'sftp:portal-tracking-1',
      },
      async () => {},
    );
    await waitForPostings(world.db.url, 20_000);
  }, 180_000);
  afterAll(async () => {
    await world?.stop();
  });

  const search = async (q: string) => {
    const res = await buyer.get(`/portal/tracking?q=${encodeURIComponent(q)}`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    return res.text;
  };
  /** An href as the browser reads it (handlebars escapes `=` and `&`). */
  const unescape = (href: string) => href.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
  const captions = (html: string) =>
    [...html.matchAll(/<caption>Matched by ([^<]+)<\/caption>/g)].map((m) => m[1]);
  const chainLinks = (html: string) =>
    [...html.matchAll(/href="(\/portal\/tracking\/chain\?[^"]+)"/g)].map((m) => unescape(m[1]!));

  it('finds documents by PO, ship notice, SSCC, control number, Message-ID, correlation id and file name', async () => {
    const byPo = await search(PO);
    expect(captions(byPo)).toContain('Purchase order');
    expect(byPo).toContain(`PO ${PO} rev 0`);
    expect(byPo).toContain(`${ALPHA.id} (partner API tests)`);
    expect(captions(await search('SHP-PT-1'))).toContain('Ship notice (ASN)');
    expect(captions(await search(SSCC))).toContain('SSCC');
    // ISA13 as the person may type it: with or without the leading zeros.
    for (const q of ['4711', '000004711']) expect(captions(await search(q))).toContain('Control number');
    for (const q of [MESSAGE_ID, MESSAGE_ID.slice(1, -1)]) {
      const html = await search(q);
      expect(captions(html)).toContain('AS2 Message-ID');
      expect(html).toContain('from the partner');
    }
    expect(captions(await search(AS2_CORRELATION))).toContain('Correlation id');
    expect(captions(await search(SFTP_FILE))).toContain('File name');
    expect(await search('nothing-like-this')).toContain('Nothing matches');
  });

  it('shows the chain of an order: wire bytes to download, the acknowledgment and the dead-lettered posting', async () => {
    const byPo = await search(PO);
    const whole = unescape(/<a href="([^"]+)">Open the whole chain<\/a>/.exec(byPo)![1]!);
    const chain = await buyer.get(whole);
    expect(chain.status).toBe(200);
    expect(chain.text).toContain(`purchase-order.issued ${PO} rev 0`);
    expect(chain.text).toContain('purchase-order.acknowledged');
    expect(chain.text).toMatch(/ERP posting \d+<\/span> <span class="badge dead">dead-lettered<\/span>/);
    expect(chain.text).toContain(`Replay dead letter ${(await deadLetterOf(PO))!.id}`);
    // The bytes as received, as a download that is never rendered.
    const raw = /href="(\/portal\/tracking\/interchanges\/\d+\/raw)"/.exec(chain.text)![1]!;
    const download = await buyer.get(raw);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="interchange-\d+\.edi"$/);
    expect((await buyer.get('/portal/tracking/interchanges/999999/raw')).status).toBe(404);
    // Every hit links to its own chain.
    expect(chainLinks(byPo).length).toBeGreaterThan(1);
  });

  it('replays the dead letter once with a note (audited); the ERP gets the posting exactly once; a second replay is refused', async () => {
    const letter = (await deadLetterOf(PO))!;
    const path = `/portal/tracking/dead-letters/${letter.id}/replay`;
    const chainPage = chainLinks(await search(PO))[0]!;
    expect(await ledger(`SG-CF-${PO}-0`)).toBe(0);

    // Without a note: refused, nothing replayed.
    const noNote = await buyer.submit(chainPage, { note: '  ' }, path);
    expect(noNote.status).toBe(303);
    expect((await buyer.get(noNote.headers.location!)).text).toContain('the note is required');
    expect((await deadLetterOf(PO))!.replayed_at).toBeNull();

    const first = await buyer.submit(chainPage, { note: 'ERP back after maintenance' }, path);
    expect(first.status).toBe(303);
    expect((await buyer.get(first.headers.location!)).text).toContain(
      `Dead letter ${letter.id} (erp.post) was put back in the queue`,
    );
    await waitForPostings(world.db.url, 20_000);
    const postings = await queryOnce<{ status: string; idempotency_key: string }>(
      world.db.url,
      `SELECT status, idempotency_key FROM erp_posting WHERE kind = 'po-confirmation' AND business_key = $1`,
      [PO],
    );
    expect(postings.map((p) => p.status)).toEqual(['posted']);
    // One ERP entry, under the posting's own deterministic key.
    const entries = await queryOnce<{ idempotency_key: string }>(
      world.db.url,
      `SELECT idempotency_key FROM erp_sim_entry WHERE external_reference = $1`,
      [`SG-CF-${PO}-0`],
    );
    expect(entries).toEqual([{ idempotency_key: postings[0]!.idempotency_key }]);

    const second = await buyer.submit(chainPage, { note: 'once more' }, path);
    expect(second.status).toBe(303);
    const refused = await buyer.get(second.headers.location!);
    expect(refused.text).toContain(`Dead letter ${letter.id} was already replayed`);
    expect(refused.text).toContain('never replayed twice');
    expect(refused.text).not.toContain(`Replay dead letter ${letter.id}`);
    await waitForPostings(world.db.url, 20_000);
    expect(await ledger(`SG-CF-${PO}-0`)).toBe(1);

    const audit = await queryOnce<{ actor_kind: string; actor_display: string; note: string }>(
      world.db.url,
      `SELECT actor_kind, actor_display, note FROM audit_log WHERE action = 'dead-letter.replayed' AND target_id = $1`,
      [letter.id],
    );
    expect(audit).toEqual([
      { actor_kind: 'user', actor_display: 'user buyer@mfg.example.com', note: 'ERP back after maintenance' },
    ]);
    const unknown = await buyer.submit(
      chainPage,
      { note: 'x' },
      '/portal/tracking/dead-letters/999999/replay',
    );
    expect(unknown.status).toBe(404);
  });

  it('replays a dead letter whose posting did reach the ERP (every answer lost) without posting it again', async () => {
    const simulator = world.gateway.app.get(ErpConnections).embeddedSimulator()!;
    await simulator.faults.set({ operation: 'post', mode: 'drop-answer', rate: 1 });
    try {
      const answered = await supplier.submit(
        `/portal/orders/${PO_LOST}`,
        { ...answerFields, formKey: 'e'.repeat(24) },
        `/portal/orders/${PO_LOST}/acknowledgment`,
      );
      expect(answered.status).toBe(303);
      await waitForPostings(world.db.url, 20_000);
    } finally {
      await simulator.faults.clear();
    }
    // Dead to the gateway, yet recorded by the ERP: exactly the case a second posting would double.
    const letter = (await deadLetterOf(PO_LOST))!;
    expect(letter.replayed_at).toBeNull();
    expect(await ledger(`SG-CF-${PO_LOST}-0`)).toBe(1);
    const chainPage = chainLinks(await search(PO_LOST))[0]!;
    const replayed = await buyer.submit(
      chainPage,
      { note: 'ERP answers again' },
      `/portal/tracking/dead-letters/${letter.id}/replay`,
    );
    expect(replayed.status).toBe(303);
    await waitForPostings(world.db.url, 20_000);
    const [posting] = await queryOnce<{ status: string }>(
      world.db.url,
      `SELECT status FROM erp_posting WHERE kind = 'po-confirmation' AND business_key = $1`,
      [PO_LOST],
    );
    expect(posting!.status).toBe('posted');
    expect(await ledger(`SG-CF-${PO_LOST}-0`)).toBe(1);
  });

  it('sends a cancelled order document to the partner again once, with a note; one on its way is not sent twice', async () => {
    const documentOf = async () => {
      const [row] = await queryOnce<{ id: string; status: string }>(
        world.db.url,
        `SELECT id::text AS id, status FROM outbound_document WHERE po_number = $1 AND kind = 'purchase-order'`,
        [PO_855],
      );
      return row;
    };
    await eventually(
      'the 850 offered for pickup',
      async () => (await documentOf())?.status === 'awaiting-pickup',
    );
    const { id } = (await documentOf())!;
    const chainPage = chainLinks(await search(PO_855))[0]!;
    const path = `/portal/tracking/outbound-documents/${id}/resend`;
    expect((await buyer.get(chainPage)).text).not.toContain(`Send document ${id} again`);
    const early = await buyer.submit(chainPage, { note: 'too early' }, path);
    expect((await buyer.get(early.headers.location!)).text).toContain(
      `Document ${id} is awaiting-pickup; only a failed or cancelled document is sent again.`,
    );

    await world.gateway.app
      .get(OutboundWithdrawalService)
      .cancel(id, { kind: 'cli', name: 'portal-tracking-test' }, 'sent by mail instead');
    expect((await buyer.get(chainPage)).text).toContain(`Send document ${id} again`);
    const noNote = await buyer.submit(chainPage, { note: ' ' }, path);
    expect((await buyer.get(noNote.headers.location!)).text).toContain('the note is required');
    expect((await documentOf())!.status).toBe('cancelled');

    // A delivery job of the document still queued (a retry of the cancelled round, a replayed dead
    // letter) would run next to a resend: refused, and the page says why and until when.
    const queuedKey = `outbound.deliver:${id}:queued-retry`;
    await queryOnce(
      world.db.url,
      `INSERT INTO outbox (job_key, job_name, payload, correlation_id, max_attempts, available_at)
       VALUES ($1, 'outbound.deliver', jsonb_build_object('documentId', $2::text), 'portal-tracking-test', 1,
               now() + interval '1 hour')`,
      [queuedKey, id],
    );
    const busy = await buyer.submit(chainPage, { note: 'while a try is queued' }, path);
    expect((await buyer.get(busy.headers.location!)).text).toMatch(
      new RegExp(
        `document ${id} is not sent again now: a delivery job of it \\(outbox row \\d+\\) is still queued \\(due \\d{4}-`,
      ),
    );
    expect((await documentOf())!.status).toBe('cancelled');
    await queryOnce(world.db.url, `UPDATE outbox SET status = 'done' WHERE job_key = $1`, [queuedKey]);

    const sent = await buyer.submit(chainPage, { note: 'the supplier lost the mail' }, path);
    expect(sent.status).toBe(303);
    expect((await buyer.get(sent.headers.location!)).text).toContain(
      `Document ${id} is queued to be delivered again.`,
    );
    await eventually('the 850 offered again', async () => (await documentOf())?.status === 'awaiting-pickup');
    const again = await buyer.submit(chainPage, { note: 'twice' }, path);
    expect((await buyer.get(again.headers.location!)).text).toContain('only a failed or cancelled document');

    const audit = await queryOnce<{ actor_display: string; note: string }>(
      world.db.url,
      `SELECT actor_display, note FROM audit_log WHERE action = 'outbound-document.resent' AND target_id = $1`,
      [id],
    );
    expect(audit).toEqual([
      { actor_display: 'user buyer@mfg.example.com', note: 'the supplier lost the mail' },
    ]);
    const csrf = csrfOf((await supplier.get('/portal/account')).text);
    const bySupplier = await supplier.agent
      .post(path)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrf, note: 'x' });
    expect(bySupplier.status).toBe(403);
  });

  it('refuses every tracking page to a supplier user (403), and a replay without the form token', async () => {
    const letter = (await deadLetterOf(PO))!;
    for (const path of [
      `/portal/tracking?q=${PO}`,
      `/portal/tracking/chain?c=${encodeURIComponent(AS2_CORRELATION)}`,
      '/portal/tracking/interchanges/1/raw',
    ])
      expect((await supplier.get(path)).status, path).toBe(403);
    const csrf = csrfOf((await supplier.get('/portal/account')).text);
    const replay = await supplier.agent
      .post(`/portal/tracking/dead-letters/${letter.id}/replay`)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrf, note: 'not mine' });
    expect(replay.status).toBe(403);
    const forged = await buyer.agent
      .post(`/portal/tracking/dead-letters/${letter.id}/replay`)
      .redirects(0)
      .type('form')
      .send({ note: 'no token' });
    expect(forged.status).toBe(403);
  });
});
