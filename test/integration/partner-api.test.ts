import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import type { PartnerScope } from '../../src/gateway/principal.js';
import {
  ALPHA,
  BRAVO,
  edifactInterchange,
  jsonAcknowledgment,
  orderSnapshot,
  partnersDir,
  x12Acknowledgment,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN_TOKEN = 'partner-api-admin-token-0123456789abcdef';
const ALL_SCOPES: PartnerScope[] = [
  'documents:read',
  'documents:write',
  'orders:read',
  'acknowledgments:write',
  'ship-notices:write',
];

describe('the partner REST API', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let alpha: string;
  let alphaNoShipNotices: string;
  let alphaUser: string;
  let bravo: string;

  const erpOrder = async (poNumber: string, partnerId: string, orderDate?: string) => {
    const res = await request(gateway.url)
      .post('/erp/v1/purchase-orders')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(orderSnapshot(poNumber, partnerId, orderDate));
    expect(res.status).toBe(200);
  };
  const submit = (token: string, contentType: string, body: string | Buffer, key?: string) => {
    const req = request(gateway.url)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', contentType);
    return (key ? req.set('idempotency-key', key) : req).send(body);
  };
  const get = (token: string, path: string) =>
    request(gateway.url).get(path).set('authorization', `Bearer ${token}`);
  /** The body as the bytes sent, whatever the content type. */
  const getBytes = (token: string, path: string) =>
    get(token, path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const row = async (id: string) =>
    (
      await queryOnce<{ status: string; channel: string; partner_id: string; caller_key: string | null }>(
        db.url,
        `SELECT status, channel, partner_id, caller_key FROM interchange WHERE id = $1`,
        [id],
      )
    )[0];
  const orderState = async (poNumber: string) =>
    (
      await queryOnce<{ state: string }>(db.url, `SELECT state FROM purchase_order WHERE po_number = $1`, [
        poNumber,
      ])
    )[0]?.state;

  beforeAll(async () => {
    db = await createTestDatabase('partner_api');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      PARTNERS_DIR: partnersDir(),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'partner-api-test' } as const;
    alpha = (await identity.issuePartnerToken(ALPHA.id, ALL_SCOPES, setup)).token;
    bravo = (await identity.issuePartnerToken(BRAVO.id, ALL_SCOPES, setup)).token;
    alphaNoShipNotices = (
      await identity.issuePartnerToken(ALPHA.id, ['documents:write', 'acknowledgments:write'], setup)
    ).token;
    const user = await identity.addUser(
      {
        email: 'alpha-user@example.com',
        displayName: 'Alpha user',
        role: 'supplier-user',
        partnerId: ALPHA.id,
      },
      setup,
    );
    alphaUser = (await identity.issueUserToken(user.id, setup)).token;
    await erpOrder('4510000001', ALPHA.id, '2026-11-20');
    await erpOrder('4510000002', ALPHA.id, '2026-11-25');
    await erpOrder('4510000003', ALPHA.id, '2026-11-27');
    await erpOrder('4520000001', BRAVO.id);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('takes a JSON acknowledgment: archived first, the canonical event stored and applied to the order', async () => {
    const body = JSON.stringify(jsonAcknowledgment('4510000001', { id: ALPHA.id }, 'SO-1'));
    const res = await submit(alpha, 'application/json', body, 'ack-4510000001');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'processed',
      format: 'json',
      documentType: 'purchase-order-acknowledgment',
    });
    expect(res.body.events).toEqual([
      expect.objectContaining({ type: 'purchase-order.acknowledged', stored: true }),
    ]);
    expect(res.headers.location).toBe(`/partner/v1/documents/${res.body.interchangeId}`);
    expect(await row(res.body.interchangeId)).toMatchObject({
      status: 'processed',
      channel: 'api',
      partner_id: ALPHA.id,
      caller_key: 'idempotency:ack-4510000001',
    });
    expect(await orderState('4510000001')).toBe('acknowledged');
    const [event] = await queryOnce<{ payload: { source: unknown; correlationId: string } }>(
      db.url,
      `SELECT payload FROM canonical_event WHERE interchange_id = $1`,
      [res.body.interchangeId],
    );
    expect(event!.payload.correlationId).toBe('po:4510000001');
    expect(event!.payload.source).toMatchObject({ channel: 'api', standard: 'json' });

    const status = await get(alphaUser, `/partner/v1/documents/${res.body.interchangeId}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'processed',
      events: [{ type: 'purchase-order.acknowledged' }],
    });
    // Another partner asking for it is told it does not exist.
    expect((await get(bravo, `/partner/v1/documents/${res.body.interchangeId}`)).status).toBe(404);
  });

  it('honours Idempotency-Key: same key and body → the original answer; same key, other body → 422', async () => {
    const body = JSON.stringify(jsonAcknowledgment('4510000002', { id: ALPHA.id }, 'SO-2'));
    const first = await submit(alpha, 'application/json', body, 'key-2');
    const again = await submit(alpha, 'application/json', body, 'key-2');
    expect(first.status).toBe(201);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const other = JSON.stringify(jsonAcknowledgment('4510000002', { id: ALPHA.id }, 'SO-2-bis'));
    const reused = await submit(alpha, 'application/json', other, 'key-2');
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(reused.body.type).toBe('urn:supplier-gateway:problem:partner-api.idempotency-key-reused');
    const receipts = await queryOnce<{ status: string }>(
      db.url,
      `SELECT status FROM interchange WHERE caller_key = 'idempotency:key-2' ORDER BY id`,
    );
    expect(receipts.map((r) => r.status)).toEqual(['processed', 'duplicate', 'quarantined']);
    const events = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM canonical_event WHERE document_number LIKE 'SO-2%'`,
    );
    expect(events[0]!.n).toBe(1);
  });

  it('answers an invalid JSON document with every problem and its field path, and keeps it as rejected', async () => {
    const doc = jsonAcknowledgment('4510000003', { id: ALPHA.id }, 'SO-3') as any;
    doc.payload.lines[0].quantity = { value: '48,00', unit: 'PIECES' };
    doc.payload.status = 'maybe';
    const res = await submit(alpha, 'application/json', JSON.stringify(doc));
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:supplier-gateway:problem:partner-api.invalid-document');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^payload\.status: /),
        expect.stringMatching(/^payload\.lines\.0\.quantity\.value: /),
        expect.stringMatching(/^payload\.lines\.0\.quantity\.unit: /),
      ]),
    );
    const id = /interchange (\d+)/.exec(res.body.detail)![1]!;
    expect((await row(id))!.status).toBe('rejected');

    const malformed = await submit(alpha, 'application/json', '{"type": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('urn:supplier-gateway:problem:partner-api.malformed-document');
    const unsupported = await submit(alpha, 'text/plain', 'hello');
    expect(unsupported.status).toBe(415);
    expect(await orderState('4510000003')).toBe('issued');
  });

  it('requires the scope of the document type', async () => {
    const notice = {
      type: 'ship-notice',
      version: 'v1',
      sender: { id: ALPHA.id },
      document: { number: 'ASN-1', revision: '1' },
      payload: {
        shipmentNumber: 'ASN-1',
        shippedAt: '2026-12-03T14:00:00Z',
        shipTo: '1000',
        orders: [
          {
            purchaseOrder: { number: '4510000003' },
            packs: [
              {
                items: [
                  { lineNumber: '10', material: 'CMP-BOLT-M8', quantity: { value: '10', unit: 'H87' } },
                ],
              },
            ],
          },
        ],
      },
    };
    const res = await submit(alphaNoShipNotices, 'application/json', JSON.stringify(notice));
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:supplier-gateway:problem:partner-api.scope-missing');
  });

  it('rejects JSON, X12 and EDIFACT sent in another partner’s name: 422, an exception, the payload kept', async () => {
    const json = await submit(
      alpha,
      'application/json',
      JSON.stringify(jsonAcknowledgment('4520000001', { id: BRAVO.id }, 'X-1')),
    );
    const viaIsa = await submit(
      alpha,
      'application/edi-x12',
      x12Acknowledgment({
        isaSender: BRAVO.isa,
        gsSender: BRAVO.gs,
        poNumber: '4520000001',
        control: 901,
        lines: [{ lineNumber: '10', quantity: '4800' }],
      }),
    );
    const viaGs = await submit(
      alpha,
      'application/edi-x12',
      x12Acknowledgment({
        isaSender: ALPHA.isa,
        gsSender: BRAVO.gs,
        poNumber: '4520000001',
        control: 902,
        lines: [{ lineNumber: '10', quantity: '4800' }],
      }),
    );
    const viaUnb = await submit(alpha, 'application/edifact', edifactInterchange(BRAVO.unb, 'R903'));
    const nobody = await submit(
      alpha,
      'application/json',
      JSON.stringify(
        jsonAcknowledgment('4520000001', { scheme: 'x12', qualifier: 'ZZ', id: 'NOBODY' }, 'X-2'),
      ),
    );
    for (const res of [json, viaIsa, viaGs, viaUnb, nobody]) {
      expect(res.status).toBe(422);
      expect(res.body.type).toBe('urn:supplier-gateway:problem:partner-api.sender-not-bound');
      const id = /interchange (\d+)/.exec(res.body.detail)![1]!;
      expect(await row(id)).toMatchObject({ status: 'rejected', partner_id: ALPHA.id });
      const cases = await queryOnce<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM exception_case WHERE type = 'interchange.rejected' AND interchange_id = $1`,
        [id],
      );
      expect(cases[0]!.n).toBe(1);
    }
    expect(await orderState('4520000001')).toBe('issued');
  });

  it('queues raw X12 for the intake (202), then shows it processed with its 997', async () => {
    const x12 = x12Acknowledgment({
      isaSender: ALPHA.isa,
      gsSender: ALPHA.gs,
      poNumber: '4510000003',
      control: 311,
      lines: [
        { lineNumber: '10', quantity: '4800' },
        { lineNumber: '20', quantity: '140' },
      ],
    });
    const res = await submit(alpha, 'application/edi-x12', x12, 'x12-311');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'received', format: 'x12' });
    const id = res.body.interchangeId as string;
    const done = await eventually('the X12 receipt processed', async () => {
      const s = await get(alpha, `/partner/v1/documents/${id}`);
      return s.body.status === 'processed' || s.body.status === 'rejected' ? s : undefined;
    });
    expect(done.body).toMatchObject({
      status: 'processed',
      acknowledgment: { available: true, kinds: ['997'] },
    });
    const ack = await get(alpha, `/partner/v1/documents/${id}/acknowledgment`);
    expect(ack.status).toBe(200);
    expect(ack.headers['content-type']).toMatch(/application\/edi-x12/);
    expect(ack.text).toMatch(/^ISA\*/);
    expect(ack.text).toContain('AK1*PR*311');
    expect(await orderState('4510000003')).toBe('acknowledged');
    // The same interchange again with the same key: the original answer, nothing processed twice.
    const again = await submit(alpha, 'application/edi-x12', x12, 'x12-311');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(res.body);
  });

  it('queues raw EDIFACT for its intake and serves the CONTRL it built', async () => {
    const res = await submit(alpha, 'application/edifact', edifactInterchange(ALPHA.unb, 'A2001'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'received', format: 'edifact' });
    const id = res.body.interchangeId as string;
    await eventually('the EDIFACT intake', async () => {
      const s = await get(alpha, `/partner/v1/documents/${id}`);
      return s.body.acknowledgment?.available === true ? s : undefined;
    });
    const contrl = await get(alphaUser, `/partner/v1/documents/${id}/acknowledgment`);
    expect(contrl.status).toBe(200);
    expect(contrl.headers['content-type']).toMatch(/application\/edifact/);
    expect(contrl.text).toMatch(/^UNB\+/);
    expect(contrl.text).toContain('CONTRL');
    // A JSON document has no functional acknowledgment: its HTTP answer is one.
    const json = await submit(
      alpha,
      'application/json',
      JSON.stringify(jsonAcknowledgment('4510000009', { id: ALPHA.id }, 'SO-9')),
    );
    const none = await get(alpha, `/partner/v1/documents/${json.body.interchangeId}/acknowledgment`);
    expect(none.status).toBe(404);
    expect(none.body.type).toBe('urn:supplier-gateway:problem:partner-api.no-acknowledgment');
  });

  it('serves the acknowledgment as the bytes the other channels send, in the encoding of the interchange', async () => {
    // Latin-1 bytes ending every segment with § (A7): the 997 ends its own with the same byte, not C2 A7.
    const latin1 = x12Acknowledgment({
      isaSender: ALPHA.isa,
      gsSender: ALPHA.gs,
      poNumber: '4510000071',
      control: 371,
      lines: [{ lineNumber: '10', quantity: '1' }],
    }).replace(/~/g, '\u00a7');
    const res = await submit(alpha, 'application/edi-x12', Buffer.from(latin1, 'latin1'));
    expect(res.status).toBe(202);
    const id = res.body.interchangeId as string;
    await eventually('the 997', async () => {
      const s = await get(alpha, `/partner/v1/documents/${id}`);
      return s.body.acknowledgment?.available === true ? s : undefined;
    });
    const ack = await getBytes(alpha, `/partner/v1/documents/${id}/acknowledgment`);
    expect(ack.status).toBe(200);
    expect(ack.headers['content-type']).toBe('application/edi-x12; charset=ISO-8859-1');
    const bytes = ack.body as Buffer;
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('ISA*');
    expect(bytes[105]).toBe(0xa7); // the ISA's terminator, as the partner wrote it
    expect(bytes.toString('latin1')).toContain('AK1*PR*371\u00a7');
    expect(bytes.includes(Buffer.from('\u00a7', 'utf8'))).toBe(false);
    // The same bytes the partner picks up as the functional-ack document (its delivery channel is the API).
    const sent = await eventually('the 997 offered for pickup', async () => {
      const [doc] = await queryOnce<{ id: string }>(
        db.url,
        `SELECT id::text AS id FROM outbound_document WHERE source_key = $1`,
        [`ack:${id}:0`],
      );
      return doc;
    });
    const pickup = await getBytes(alpha, `/partner/v1/outbound-documents/${sent.id}/content`);
    expect(pickup.status).toBe(200);
    expect(pickup.headers['content-type']).toBe('application/edi-x12; charset=ISO-8859-1');
    expect((pickup.body as Buffer).equals(bytes)).toBe(true);
  });

  it('lists and fetches only the caller’s orders, with filters and cursor pages', async () => {
    const page1 = await get(alpha, '/partner/v1/orders?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((o: { poNumber: string }) => o.poNumber)).toEqual([
      '4510000003',
      '4510000002',
    ]);
    const page2 = await get(alpha, `/partner/v1/orders?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((o: { poNumber: string }) => o.poNumber)).toEqual(['4510000001']);
    expect(page2.body.nextCursor).toBeNull();
    const filtered = await get(
      alphaUser,
      '/partner/v1/orders?state=issued,acknowledged&orderDateFrom=2026-11-21',
    );
    expect(filtered.body.items.map((o: { poNumber: string }) => o.poNumber)).toEqual([
      '4510000003',
      '4510000002',
    ]);
    const bad = await get(alpha, '/partner/v1/orders?state=lost');
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('urn:supplier-gateway:problem:partner-api.invalid-query');

    const one = await get(alpha, '/partner/v1/orders/4510000001');
    expect(one.status).toBe(200);
    expect(one.body.order).toMatchObject({ poNumber: '4510000001', state: 'acknowledged' });
    expect(one.body.lines).toHaveLength(2);
    expect(one.body.document).toMatchObject({
      type: 'purchase-order',
      version: 'v1',
      document: { number: '4510000001' },
    });
    const theirs = await get(alpha, '/partner/v1/orders/4520000001');
    expect(theirs.status).toBe(404);
    expect(theirs.body.type).toBe('urn:supplier-gateway:problem:partner-api.order-not-found');
  });

  it('acknowledges an order and answers its change line by line through the order routes', async () => {
    await erpOrder('4510000004', ALPHA.id);
    const ack = await request(gateway.url)
      .post('/partner/v1/orders/4510000004/acknowledgment')
      .set('authorization', `Bearer ${alpha}`)
      .send({
        document: { number: 'SO-4', revision: '1' },
        status: 'accepted-with-changes',
        lines: [
          { lineNumber: '10', status: 'accepted', quantity: { value: '4800', unit: 'H87' } },
          { lineNumber: '20', status: 'rejected' },
        ],
      });
    expect(ack.status).toBe(201);
    expect(ack.body.events).toEqual([expect.objectContaining({ type: 'purchase-order.acknowledged' })]);
    expect(await orderState('4510000004')).toBe('acknowledged-with-changes');

    // The same answer body for another order is another receipt (the path names the order), and
    // the same key and body on another order's path is a reused key, not a repeat.
    await erpOrder('4510000005', ALPHA.id);
    const sameBody = {
      document: { number: 'SO-SAME', revision: '1' },
      status: 'accepted',
      lines: [{ lineNumber: '10', status: 'accepted', quantity: { value: '4800', unit: 'H87' } }],
    };
    const post = (po: string, key: string) =>
      request(gateway.url)
        .post(`/partner/v1/orders/${po}/acknowledgment`)
        .set('authorization', `Bearer ${alpha}`)
        .set('idempotency-key', key)
        .send(sameBody);
    const first = await post('4510000004', 'same-body');
    const second = await post('4510000005', 'same-body-2');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.interchangeId).not.toBe(first.body.interchangeId);
    expect((await post('4510000005', 'same-body')).status).toBe(422);
    expect((await post('4510000004', 'same-body')).body).toEqual(first.body);

    // The ERP changes the order (revision 1); the supplier cannot meet it.
    const changed = orderSnapshot('4510000004', ALPHA.id, '2026-11-27', 1);
    changed.lines[0]!.quantity = '5200';
    await request(gateway.url)
      .post('/erp/v1/purchase-orders')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(changed)
      .expect(200);
    const changes = await get(alpha, '/partner/v1/orders/4510000004/changes');
    expect(changes.body.items).toEqual([
      expect.objectContaining({
        type: 'purchase-order-change',
        document: expect.objectContaining({ revision: '1' }),
      }),
    ]);
    const all = await get(alphaUser, '/partner/v1/order-changes');
    expect(all.body.items.length).toBeGreaterThanOrEqual(1);
    const answer = await request(gateway.url)
      .post('/partner/v1/orders/4510000004/change-answer')
      .set('authorization', `Bearer ${alpha}`)
      .send({
        document: { number: 'SO-4-C1', revision: '1' },
        status: 'rejected',
        reason: { text: 'cannot meet the new quantity' },
        lines: [{ lineNumber: '10', status: 'rejected' }],
      });
    expect(answer.status).toBe(201);
    const cases = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM exception_case WHERE type = 'po-change.rejected' AND po_number = '4510000004'`,
    );
    expect(cases[0]!.n).toBe(1);

    const invalid = await request(gateway.url)
      .post('/partner/v1/orders/4510000004/acknowledgment')
      .set('authorization', `Bearer ${alpha}`)
      .send({
        document: { number: 'SO-4b', revision: '1' },
        status: 'accepted',
        lines: [{ lineNumber: '10' }],
      });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^lines\.0\.status: /)]),
    );
  });

  // Last: the accepted ship notice moves order 4510000003 on, which the tests above do not expect.
  it("refuses a repeat of another credential's submission to a credential without the scope", async () => {
    const notice = JSON.stringify({
      type: 'ship-notice',
      version: 'v1',
      sender: { id: ALPHA.id },
      document: { number: 'ASN-2', revision: '1' },
      payload: {
        shipmentNumber: 'ASN-2',
        shippedAt: '2026-12-03T14:00:00Z',
        shipTo: '1000',
        orders: [
          {
            purchaseOrder: { number: '4510000003' },
            packs: [
              {
                items: [
                  { lineNumber: '10', material: 'CMP-BOLT-M8', quantity: { value: '10', unit: 'H87' } },
                ],
              },
            ],
          },
        ],
      },
    });
    const first = await submit(alpha, 'application/json', notice);
    expect(first.status).toBe(201);
    // The same bytes: the scope is checked first, not the earlier answer given.
    const repeat = await submit(alphaNoShipNotices, 'application/json', notice);
    expect(repeat.status).toBe(403);
    expect(repeat.body).toMatchObject({
      type: 'urn:supplier-gateway:problem:partner-api.scope-missing',
      detail: 'ship-notice documents need the scope ship-notices:write',
    });
  });
  // After the one above: this ship notice also moves order 4510000003 on.
  it('processes bytes a credential without the scope sent first when a credential with it sends them', async () => {
    const notice = JSON.stringify({
      type: 'ship-notice',
      version: 'v1',
      sender: { id: ALPHA.id },
      document: { number: 'ASN-3', revision: '1' },
      payload: {
        shipmentNumber: 'ASN-3',
        shippedAt: '2026-12-04T09:00:00Z',
        shipTo: '1000',
        orders: [
          {
            purchaseOrder: { number: '4510000003' },
            packs: [
              {
                items: [{ lineNumber: '10', material: 'CMP-BOLT-M8', quantity: { value: '5', unit: 'H87' } }],
              },
            ],
          },
        ],
      },
    });
    const refused = await submit(alphaNoShipNotices, 'application/json', notice);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:supplier-gateway:problem:partner-api.scope-missing');
    // The refusal answered that credential, not the bytes: a credential that may send them is processed.
    const taken = await submit(alpha, 'application/json', notice);
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ status: 'processed', documentType: 'ship-notice' });
    expect(taken.body.events).toEqual([
      expect.objectContaining({ type: 'ship-notice.received', stored: true }),
    ]);
    expect(await row(taken.body.interchangeId)).toMatchObject({ status: 'processed', caller_key: null });

    // The same under one Idempotency-Key: the key's refusal is not the answer for the scoped credential.
    const keyed = notice.replace(/ASN-3/g, 'ASN-4');
    const keyRefused = await submit(alphaNoShipNotices, 'application/json', keyed, 'asn-4');
    expect(keyRefused.status).toBe(403);
    expect(keyRefused.body.type).toBe('urn:supplier-gateway:problem:partner-api.scope-missing');
    const keyTaken = await submit(alpha, 'application/json', keyed, 'asn-4');
    expect(keyTaken.status).toBe(201);
    expect(keyTaken.body).toMatchObject({ status: 'processed', documentType: 'ship-notice' });
    expect(await row(keyTaken.body.interchangeId)).toMatchObject({
      status: 'processed',
      caller_key: 'idempotency:asn-4',
    });
  });
});
