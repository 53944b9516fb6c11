import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { makeSscc } from '../../src/shipping/sscc.js';
import {
  ALPHA,
  partnersDir,
  x12Acknowledgment,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { issueSimulatorOrder, simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-tracking-test-0123456789';
const PO = '4540000001';
const SSCC = makeSscc(0, '4012345', 777n);
const MESSAGE_ID = '<tracking-test-1@acme.example>';

interface Hit {
  kind: string;
  id: string;
  matched: string;
  correlationId: string;
}
interface Step {
  kind: string;
  id: string;
  summary: string;
  status: string | null;
}

describe('message tracking: any document by what a person has in hand, and its chain', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let alpha: string;
  let ackInterchange: string;
  let edi855: string;

  const admin = (path: string) => request(gateway.url).get(path).set('authorization', `Bearer ${ADMIN}`);
  const search = async (q: string) =>
    (await admin(`/admin/tracking?q=${encodeURIComponent(q)}`).expect(200)).body as {
      hits: Hit[];
      correlationIds: string[];
    };

  beforeAll(async () => {
    db = await createTestDatabase('tracking');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partnersDir(),
    });
    alpha = (
      await gateway.app
        .get(IdentityService)
        .issuePartnerToken(ALPHA.id, ['documents:write', 'acknowledgments:write', 'ship-notices:write'], {
          kind: 'cli',
          name: 'tracking-test',
        })
    ).token;
    // The ERP issues an order; the 850 waits for pickup; the supplier acknowledges it with an 855.
    await issueSimulatorOrder(gateway.app, { poNumber: PO, supplier: ALPHA.id });
    edi855 = x12Acknowledgment({
      isaSender: ALPHA.isa,
      gsSender: ALPHA.gs,
      poNumber: PO,
      control: 5151,
      lines: [{ lineNumber: '10', quantity: '4800' }],
    });
    const sent = await request(gateway.url)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${alpha}`)
      .set('content-type', 'application/edi-x12')
      .send(edi855);
    expect(sent.status, sent.text).toBe(202);
    ackInterchange = sent.body.interchangeId;
    await eventually(
      async () =>
        (
          await queryOnce<{ n: number }>(
            db.url,
            `SELECT count(*)::int AS n FROM outbound_document WHERE kind = 'functional-ack'`,
          )
        )[0]!.n === 1,
      'the 997 of the 855',
    );
    // A ship notice with an SSCC, as JSON.
    const notice = await request(gateway.url)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${alpha}`)
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({
          type: 'ship-notice',
          version: 'v1',
          sender: { id: ALPHA.id },
          document: { number: 'SHP-TRACK-1', revision: '0' },
          payload: {
            shipmentNumber: 'SHP-TRACK-1',
            shippedAt: '2026-12-03T14:00:00Z',
            shipTo: '1000',
            orders: [
              {
                purchaseOrder: { number: PO },
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
    // An AS2 receipt, as the AS2 intake archives it (its Message-ID in the metadata).
    await gateway.app.get(InterchangeArchive).receive(
      {
        partnerId: ALPHA.id,
        channel: 'as2',
        payload: Buffer.from('ISA*…'),
        contentType: 'application/edi-x12',
        metadata: { messageId: MESSAGE_ID, as2From: 'ALPHA', as2To: 'GATEWAY' },
        correlationId: 'as2:tracking-test',
      },
      async () => {},
    );
    await waitForPostings(db.url, 15_000);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('finds an order by its number: the order, the document sent for it and its business documents', async () => {
    const { hits } = await search(PO);
    const kinds = new Set(hits.map((h) => `${h.kind}:${h.matched}`));
    expect(kinds).toContain('purchase-order:purchase-order-number');
    expect(kinds).toContain('outbound-document:purchase-order-number');
    expect(kinds).toContain('business-document:purchase-order-number');
  });

  it('finds interchanges by ISA13 with or without leading zeros, and the 850 by its control number', async () => {
    for (const q of ['5151', '000005151'])
      expect((await search(q)).hits).toContainEqual(
        expect.objectContaining({ kind: 'interchange', id: ackInterchange, matched: 'isa13' }),
      );
    const [ours] = await queryOnce<{ id: string; control_reference: string }>(
      db.url,
      `SELECT id::text AS id, control_reference FROM outbound_document WHERE po_number = $1 AND message_type = '850'`,
      [PO],
    );
    expect((await search(ours!.control_reference)).hits).toContainEqual(
      expect.objectContaining({ kind: 'outbound-document', id: ours!.id, matched: 'control-number' }),
    );
  });

  it('finds a ship notice by an SSCC inside it, and an AS2 receipt by its Message-ID with or without brackets', async () => {
    expect((await search(SSCC)).hits).toContainEqual(
      expect.objectContaining({ kind: 'business-document', matched: 'sscc' }),
    );
    for (const q of [MESSAGE_ID, MESSAGE_ID.slice(1, -1)])
      expect((await search(q)).hits).toContainEqual(
        expect.objectContaining({
          kind: 'interchange',
          matched: 'as2-message-id',
          correlationId: 'as2:tracking-test',
        }),
      );
    expect((await search('nothing-like-this')).hits).toEqual([]);
  });

  it("lays out the 855's chain: the wire bytes, the acknowledgment, the 997 sent back and the ERP posting", async () => {
    const { correlationIds } = await search('5151');
    const query = correlationIds.map((c) => `correlationId=${encodeURIComponent(c)}`).join('&');
    const chain = (await admin(`/admin/tracking/chain?${query}`).expect(200)).body as { steps: Step[] };
    const steps = chain.steps.map((s) => `${s.kind} ${s.summary}`);
    expect(chain.steps).toContainEqual(
      expect.objectContaining({ kind: 'interchange', id: ackInterchange, status: 'processed' }),
    );
    expect(steps.some((s) => s.startsWith(`business-document purchase-order.acknowledged SO-${PO}`))).toBe(
      true,
    );
    expect(steps.some((s) => s.startsWith('outbound-document 997'))).toBe(true);
    // The order's own steps are on the same chain: the 850 sent for it and the order itself.
    expect(steps.some((s) => s.startsWith(`outbound-document 850 purchase-order-${PO}`))).toBe(true);
    expect(steps).toContain(`business-document purchase-order.issued ${PO} rev 0`);
    expect(steps.some((s) => s.startsWith(`erp-posting po-confirmation post ${PO}`))).toBe(true);
    // In time order: the receipt before what it caused.
    const at = (kind: string) => chain.steps.findIndex((s) => s.kind === kind);
    expect(at('interchange')).toBeLessThan(at('erp-posting'));

    const content = await admin(`/admin/interchanges/${ackInterchange}/content`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(content.headers['content-type']).toContain('application/edi-x12');
    expect((content.body as Buffer).toString('utf8')).toBe(edi855);
    const row = (await admin(`/admin/interchanges/${ackInterchange}`).expect(200)).body;
    expect(row).toMatchObject({
      id: ackInterchange,
      direction: 'inbound',
      channel: 'api',
      partnerId: ALPHA.id,
    });
    await admin('/admin/interchanges/999999999').expect(404);
  });

  it('is for buyers and operators only', async () => {
    await request(gateway.url)
      .get(`/admin/tracking?q=${PO}`)
      .set('authorization', `Bearer ${alpha}`)
      .expect(403);
    await request(gateway.url).get(`/admin/tracking?q=${PO}`).expect(401);
  });
});
