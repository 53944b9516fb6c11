import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { AcknowledgmentService } from '../../src/procurement/acknowledgment.service.js';
import { ShipNoticeService } from '../../src/procurement/ship-notice.service.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { addDays } from '../../src/replenishment/balances/projection.js';
import { todayIn } from '../../src/replenishment/balances/balances.service.js';
import { GoodsReceiptFollower } from '../../src/replenishment/ingestion/goods-receipt-follower.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { consumed, minutesFromNow, ndjson } from './plant-events.support.js';

const ADMIN_TOKEN = 'plant-events-projection-admin-token-012345';
const MATERIAL = 'CMP-HOUSING-C1';

/**
 * A written series for pump housings at plant 1000 (Europe/Berlin), day 0 = the plant's today:
 *
 *   WMS snapshot            on-hand 140, allocated 20
 *   PO A 10   100 due day 3        ship notice 40 → in transit 40, open 60 (due day 3)
 *   PO B 10    50 requested day 4, confirmed day 8 → open 50 due day 8 (the confirmed date counts)
 *   PO C 10    30 requested day −2 (overdue)       goods receipt 10 → on-hand +10, open 20 due day 0
 *   MES consumption 25                                              → on-hand −25
 *
 *   on-hand 140 + 10 − 25 = 125; on order 60 + 50 + 20 = 130; in transit 40
 *   projected available: day 0 = 125 − 20 + 40 + 20 = 165; day 3 = 165 + 60 = 225; day 4 = 225
 *                        (not 275: B's requested date is replaced by its confirmed one); day 8 = 275.
 */
const EXPECTED_AVAILABLE = ['165', '165', '165', '225', '225', '225', '225', '225', '275', '275'];
const EXPECTED_RECEIPTS = ['20', '0', '0', '60', '0', '0', '0', '0', '50', '0'];

describe('projected balances against a hand-computed series', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  const today = todayIn('Europe/Berlin');
  const day = (n: number) => addDays(today, n);
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    db = await createTestDatabase('plantprojection');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      STOCK_RECONCILE_EVERY_MINUTES: '0',
    });
    const simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    const orders = [
      { poNumber: '4500000901', quantity: '100', deliveryDate: day(3) },
      { poNumber: '4500000902', quantity: '50', deliveryDate: day(4) },
      { poNumber: '4500000903', quantity: '30', deliveryDate: day(-2) },
    ];
    for (const o of orders)
      await simulator.purchaseOrders.issue({
        poNumber: o.poNumber,
        supplier: 'acme-fasteners',
        plant: '1000',
        currency: 'EUR',
        orderDate: day(-10),
        lines: [
          {
            lineNumber: '10',
            material: MATERIAL,
            quantity: o.quantity,
            unit: 'H87',
            deliveryDate: o.deliveryDate,
            netPrice: '38.5',
          },
        ],
      });
    await gateway.app.get(SimulatorOutputRelay).relay();
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('gives on-hand, on order, in transit and projected available per day as computed by hand', async () => {
    const dataSource = gateway.app.get(DataSource);
    await request(gateway.url)
      .post('/plant-events/v1/opening-balances')
      .set(auth)
      .send({
        asOf: minutesFromNow(-60),
        items: [
          {
            plant: '1000',
            material: MATERIAL,
            quantity: { value: '140', unit: 'H87' },
            allocated: { value: '20', unit: 'H87' },
          },
        ],
      })
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ source: 'wms', applied: 1, unchanged: 0 }));
    // PO B: the supplier confirms four days later than requested.
    await dataSource.transaction((tx) =>
      gateway.app.get(AcknowledgmentService).apply(
        tx,
        parseEventOf('purchase-order.acknowledged.v1', {
          id: randomUUID(),
          type: 'purchase-order.acknowledged',
          schemaVersion: 'v1',
          partnerId: 'acme-fasteners',
          occurredAt: minutesFromNow(-30),
          receivedAt: minutesFromNow(-30),
          correlationId: 'po:4500000902',
          causationId: null,
          document: { kind: 'original', number: 'SO-902', revision: '1' },
          payload: {
            purchaseOrder: { number: '4500000902' },
            status: 'accepted-with-changes',
            lines: [
              {
                lineNumber: '10',
                status: 'changed',
                changes: ['date'],
                schedule: [{ quantity: { value: '50', unit: 'H87' }, deliveryDate: day(8) }],
              },
            ],
          },
        }),
      ),
    );
    // PO A: 40 of 100 shipped.
    await dataSource.transaction((tx) =>
      gateway.app.get(ShipNoticeService).apply(
        tx,
        parseEventOf('ship-notice.received.v1', {
          id: randomUUID(),
          type: 'ship-notice.received',
          schemaVersion: 'v1',
          partnerId: 'acme-fasteners',
          occurredAt: minutesFromNow(-20),
          receivedAt: minutesFromNow(-20),
          correlationId: 'po:4500000901',
          causationId: null,
          document: { kind: 'original', number: 'SHP-901', revision: '1' },
          payload: {
            shipmentNumber: 'SHP-901',
            shippedAt: minutesFromNow(-25),
            shipTo: '1000',
            orders: [
              {
                purchaseOrder: { number: '4500000901' },
                packs: [
                  {
                    items: [{ lineNumber: '10', material: MATERIAL, quantity: { value: '40', unit: 'H87' } }],
                  },
                ],
              },
            ],
          },
        }),
      ),
    );
    // PO C: 10 of 30 received (the WMS reports it to the PO lifecycle; the follower adds it to on-hand).
    await request(gateway.url)
      .post('/wms/v1/goods-receipts')
      .set(auth)
      .send({
        receiptNumber: 'GR-903',
        plant: '1000',
        receivedAt: minutesFromNow(-10),
        lines: [
          {
            poNumber: '4500000903',
            lineNumber: '10',
            material: MATERIAL,
            quantity: { value: '10', unit: 'H87' },
          },
        ],
      })
      .expect(200);
    await gateway.app.get(GoodsReceiptFollower).followOnce();
    await request(gateway.url)
      .post('/plant-events/v1/events')
      .set(auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([consumed({ number: 'MES-P-1' }, MATERIAL, '25')]))
      .expect(200);

    const res = await request(gateway.url)
      .get(`/plant-events/v1/balances/1000/${MATERIAL}?horizonDays=10`)
      .set(auth)
      .expect(200);
    expect(res.body).toMatchObject({
      onHand: '125',
      allocated: '20',
      onOrder: '130',
      inTransit: '40',
      horizon: { from: today, days: 10 },
      warnings: [],
    });
    expect(res.body.orders).toEqual([
      expect.objectContaining({ poNumber: '4500000903', due: day(-2), open: '20', inTransit: '0' }),
      expect.objectContaining({ poNumber: '4500000901', due: day(3), open: '60', inTransit: '40' }),
      expect.objectContaining({ poNumber: '4500000902', due: day(8), open: '50', inTransit: '0' }),
    ]);
    expect(res.body.projected).toEqual(
      EXPECTED_AVAILABLE.map((available, i) => ({ date: day(i), receipts: EXPECTED_RECEIPTS[i], available })),
    );
    // The receipt is applied once, however often the follower runs.
    expect(await gateway.app.get(GoodsReceiptFollower).followOnce()).toBe(0);
    const history = await request(gateway.url)
      .get(`/plant-events/v1/balances/1000/${MATERIAL}/history`)
      .set(auth)
      .expect(200);
    expect(history.body.map((h: { kind: string; quantity: string }) => [h.kind, h.quantity])).toEqual([
      ['opening', '140'],
      ['received', '10'],
      ['consumed', '-25'],
    ]);
    expect(history.body.at(-1).balance).toBe('125');
  });
});
