import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { AcknowledgmentService } from '../../src/procurement/acknowledgment.service.js';
import { BuyerDecisionService } from '../../src/procurement/buyer-decision.service.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { ShipNoticeService } from '../../src/procurement/ship-notice.service.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { shipNotice } from '../support/procurement.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN_TOKEN = 'shipments-admin-token-0123456789abcdefgh';

describe('ship notices and goods receipts against purchase orders', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let dataSource: DataSource;
  let asns: ShipNoticeService;

  const apply = (notice: ReturnType<typeof shipNotice>) =>
    dataSource.transaction((tx) => asns.apply(tx, notice));
  const state = async (po: string) =>
    (
      await queryOnce<{ state: string }>(db.url, `SELECT state FROM purchase_order WHERE po_number = $1`, [
        po,
      ])
    )[0]!.state;
  const cases = (type: string) =>
    queryOnce<{ po_number: string; po_line: string; differences: unknown }>(
      db.url,
      `SELECT po_number, po_line, differences FROM exception_case WHERE type = $1 ORDER BY created_at, po_number, po_line`,
      [type],
    );

  beforeAll(async () => {
    db = await createTestDatabase('shipments');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    dataSource = gateway.app.get(DataSource);
    asns = gateway.app.get(ShipNoticeService);
    const simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    for (const poNumber of ['4500000301', '4500000302']) {
      await simulator.purchaseOrders.issue({
        poNumber,
        supplier: 'acme-fasteners',
        plant: '1000',
        currency: 'EUR',
        orderDate: '2026-11-27',
        lines: [
          {
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: '4800',
            unit: 'H87',
            deliveryDate: '2026-12-04',
            netPrice: '0.042',
          },
          {
            lineNumber: '20',
            material: 'CMP-HOUSING-C1',
            quantity: '140',
            unit: 'H87',
            deliveryDate: '2026-12-04',
            netPrice: '38.5',
          },
        ],
      });
    }
    await gateway.app.get(SimulatorOutputRelay).relay();
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('posts a notice that arrives before the acknowledgment, then amends it with the replacement', async () => {
    const first = await apply(
      shipNotice('SHP-1', 'original', '1', [
        { po: '4500000301', items: [{ line: '10', material: 'CMP-BOLT-M8', quantity: '4800' }] },
      ]),
    );
    expect(first).toEqual({ outcome: 'posted', problems: [] });
    expect(await state('4500000301')).toBe('partially-shipped');
    // The acknowledgment comes afterwards; it is applied, and the order keeps its shipping progress.
    const ack = parseEventOf('purchase-order.acknowledged.v1', {
      id: randomUUID(),
      type: 'purchase-order.acknowledged',
      schemaVersion: 'v1',
      partnerId: 'acme-fasteners',
      occurredAt: '2026-11-28T08:00:00Z',
      receivedAt: '2026-11-28T08:00:01Z',
      correlationId: 'x',
      causationId: null,
      document: { kind: 'original', number: 'SO-301', revision: '1' },
      payload: { purchaseOrder: { number: '4500000301' }, status: 'accepted', lines: [] },
    });
    await expect(
      dataSource.transaction((tx) => gateway.app.get(AcknowledgmentService).apply(tx, ack)),
    ).resolves.toMatchObject({
      outcome: 'applied',
      state: 'partially-shipped',
    });
    const replaced = await apply(
      shipNotice('SHP-1', 'replacement', '2', [
        {
          po: '4500000301',
          items: [
            { line: '10', material: 'CMP-BOLT-M8', quantity: '4700' },
            { line: '20', material: 'CMP-HOUSING-C1', quantity: '140' },
          ],
        },
      ]),
    );
    expect(replaced.outcome).toBe('amended');
    // The same revision again changes nothing.
    expect(
      (
        await apply(
          shipNotice('SHP-1', 'replacement', '2', [
            { po: '4500000301', items: [{ line: '10', material: 'CMP-BOLT-M8', quantity: '1' }] },
          ]),
        )
      ).outcome,
    ).toBe('duplicate');
    const [line] = await queryOnce<{ shipped: string }>(
      db.url,
      `SELECT shipped_quantity::text AS shipped FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
        WHERE o.po_number = '4500000301' AND l.line_number = '10'`,
    );
    expect(line!.shipped).toBe('4700');
  });

  it('takes a short goods receipt against the notice, raises it, and posts the receipt after the delivery', async () => {
    const res = await request(gateway.url)
      .post('/wms/v1/goods-receipts')
      .set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
      .send({
        receiptNumber: 'GR-1',
        plant: '1000',
        receivedAt: '2026-11-29T10:00:00Z',
        shipmentNumber: 'SHP-1',
        lines: [
          {
            poNumber: '4500000301',
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: { value: '4600', unit: 'H87' },
          },
          {
            poNumber: '4500000301',
            lineNumber: '20',
            material: 'CMP-HOUSING-C1',
            quantity: { value: '140', unit: 'H87' },
          },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({ outcome: 'received', problems: ['goods-receipt.short'] });
    expect(await cases('goods-receipt.short')).toEqual([
      {
        po_number: '4500000301',
        po_line: '10',
        differences: { quantity: { expected: '4700', actual: '4600' } },
      },
    ]);
    expect(await state('4500000301')).toBe('partially-received');
    await request(gateway.url)
      .post('/wms/v1/goods-receipts')
      .set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
      .send({
        receiptNumber: 'GR-1',
        plant: '1000',
        receivedAt: '2026-11-29T10:00:00Z',
        lines: [
          {
            poNumber: '4500000301',
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: { value: '1', unit: 'H87' },
          },
        ],
      })
      .expect(200)
      .expect(({ body }) => expect(body.outcome).toBe('duplicate'));

    await waitForPostings(db.url, 15_000);
    const ledger = await queryOnce<{ kind: string; operation: string; n: number }>(
      db.url,
      `SELECT kind, operation, count(*)::int AS n FROM erp_sim_entry GROUP BY kind, operation ORDER BY kind, operation`,
    );
    expect(ledger).toEqual([
      { kind: 'goods-receipt', operation: 'post', n: 1 },
      { kind: 'inbound-delivery', operation: 'amend', n: 1 },
      { kind: 'inbound-delivery', operation: 'post', n: 1 },
      { kind: 'po-confirmation', operation: 'post', n: 1 },
    ]);
    // The receipt was posted after the delivery it receives, and the delivery holds the replacement.
    const order = await queryOnce<{ kind: string }>(
      db.url,
      `SELECT kind FROM erp_sim_entry WHERE kind IN ('inbound-delivery', 'goods-receipt') ORDER BY id`,
    );
    expect(order.map((o) => o.kind)).toEqual(['inbound-delivery', 'inbound-delivery', 'goods-receipt']);
    const [delivery] = await queryOnce<{ revision: number; body: { items: { quantity: string }[] } }>(
      db.url,
      `SELECT revision, body FROM erp_sim_document WHERE kind = 'inbound-delivery'`,
    );
    expect(delivery!.body.items.map((i) => i.quantity)).toEqual(['4700', '140']);
  });

  it('reverses a posted delivery when the notice is cancelled, and the shipped quantity falls back', async () => {
    await apply(
      shipNotice('SHP-2', 'original', '1', [
        { po: '4500000302', items: [{ line: '20', material: 'CMP-HOUSING-C1', quantity: '10' }] },
      ]),
    );
    expect(await state('4500000302')).toBe('partially-shipped');
    const cancelled = await apply(
      shipNotice('SHP-2', 'cancellation', '2', [
        { po: '4500000302', items: [{ line: '20', material: 'CMP-HOUSING-C1', quantity: '10' }] },
      ]),
    );
    expect(cancelled.outcome).toBe('reversed');
    await waitForPostings(db.url, 15_000);
    const [document] = await queryOnce<{ status: string }>(
      db.url,
      `SELECT status FROM erp_sim_document WHERE external_reference = 'SG-ID-acme-fasteners/SHP-2-0'`,
    );
    expect(document!.status).toBe('reversed');
    const [line] = await queryOnce<{ shipped: string }>(
      db.url,
      `SELECT shipped_quantity::text AS shipped FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
        WHERE o.po_number = '4500000302' AND l.line_number = '20'`,
    );
    expect(line!.shipped).toBe('0');
  });

  it('holds a notice that over-ships, ships another material or names an unknown order, and posts nothing', async () => {
    const before = (await queryOnce<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM erp_posting`))[0]!
      .n;
    const over = await apply(
      shipNotice('SHP-3', 'original', '1', [
        { po: '4500000302', items: [{ line: '10', material: 'CMP-BOLT-M8', quantity: '9999' }] },
      ]),
    );
    expect(over).toEqual({ outcome: 'held', problems: ['ship-notice.over-shipment'] });
    const wrong = await apply(
      shipNotice('SHP-4', 'original', '1', [
        { po: '4500000302', items: [{ line: '20', material: 'CMP-BOLT-M8', quantity: '1' }] },
      ]),
    );
    expect(wrong.problems).toEqual(['ship-notice.item-mismatch']);
    const unknown = await apply(
      shipNotice('SHP-5', 'original', '1', [
        { po: '4599999999', items: [{ line: '10', material: 'CMP-BOLT-M8', quantity: '1' }] },
      ]),
    );
    expect(unknown).toEqual({ outcome: 'held', problems: ['ship-notice.unknown-order'] });
    expect((await queryOnce<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM erp_posting`))[0]!.n).toBe(
      before,
    );
    expect(await cases('ship-notice.over-shipment')).toEqual([
      expect.objectContaining({
        po_number: '4500000302',
        po_line: '10',
        differences: { shippedQuantity: { expected: '4800', actual: '9999' } },
      }),
    ]);
  });

  it('posts a held notice once when a buyer accepts its problem, as the supplier sent it', async () => {
    const store = gateway.app.get(CanonicalEventStore);
    await dataSource.transaction((tx) =>
      store.append(
        tx,
        shipNotice('SHP-6', 'original', '1', [
          { po: '4500000301', items: [{ line: '20', material: 'CMP-HOUSING-C1', quantity: '400' }] },
        ]),
      ),
    );
    const postings = () =>
      queryOnce<{ business_key: string; operation: string }>(
        db.url,
        `SELECT business_key, operation FROM erp_posting WHERE business_key = 'acme-fasteners/SHP-6' ORDER BY id`,
      );
    expect(await postings()).toEqual([]);
    const [held] = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM exception_case WHERE type = 'ship-notice.over-shipment' AND dedupe_key LIKE 'SHP-6:%'`,
    );
    const buyer = { kind: 'cli', name: 'buyer-test' } as const;
    await gateway.app.get(BuyerDecisionService).accept(held!.id, buyer, 'the extra housings are welcome');
    expect(await postings()).toEqual([{ business_key: 'acme-fasteners/SHP-6', operation: 'post' }]);
    const [notice] = await queryOnce<{ status: string; posted: boolean }>(
      db.url,
      `SELECT status, posted FROM ship_notice WHERE shipment_number = 'SHP-6'`,
    );
    expect(notice).toEqual({ status: 'active', posted: true });
    // Released once: releasing again (another case of the same notice) posts nothing more.
    expect(await dataSource.transaction((tx) => asns.release(tx, 'acme-fasteners', 'SHP-6'))).toBe(
      'not-held',
    );
    expect(await postings()).toHaveLength(1);
  });
});
