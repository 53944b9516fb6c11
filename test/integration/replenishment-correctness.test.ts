import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../src/canonical/events/catalogue.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { todayIn } from '../../src/replenishment/balances/balances.service.js';
import { addDays } from '../../src/replenishment/balances/projection.js';
import { MasterDataService } from '../../src/replenishment/master-data/master-data.service.js';
import { ReplenishmentEvaluator } from '../../src/replenishment/recommendations/replenishment-evaluator.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { consumed } from './plant-events.support.js';

const ADMIN_TOKEN = 'replenishment-correctness-admin-token-0123';
const SUPPLIER = 'acme-fasteners';

/**
 * Replenishment rules on real PostgreSQL with the embedded ERP simulator, one material per rule,
 * each with figures computed by hand. The sweep is off: every evaluation is the test's own.
 *
 * The usual set-up (`steady`): 100 pieces a day for 14 days, the policy's lead time 5 days, so
 * D = 100, σ = 0, safety stock 0 and the reorder point 500; 1500 pieces opening stock leave 100
 * on hand. Stock less usage falls below the safety stock tomorrow: the needed-by date is day 1.
 */
describe('replenishment correctness', () => {
  const today = todayIn('Europe/Berlin');
  const day = (n: number) => addDays(today, n);
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  const api = () => request(gateway.url);

  const MATERIALS = ['T-NEW', 'T-LEAD', 'T-EA', 'T-DZN', 'T-CROSS', 'T-QTY', 'T-DATE', 'T-SHIP', 'T-REV'];

  beforeAll(async () => {
    db = await createTestDatabase('replenishment_correctness');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      REPLENISHMENT_EVALUATE_EVERY_SECONDS: '0',
    });
    const masterData = gateway.app.get(MasterDataService);
    const dataSource = gateway.app.get(DataSource);
    await eventually('master data from the ERP', async () => (await masterData.view()) !== undefined);
    const current = await masterData.repository.current(dataSource);
    await masterData.importSet(
      {
        ...current,
        materials: [
          ...current.materials,
          ...MATERIALS.map((material) => ({
            material,
            description: `test material ${material}`,
            baseUnit: 'H87',
            kind: 'component',
          })),
        ],
        sourceList: [
          ...current.sourceList,
          ...MATERIALS.map((material) => ({
            plant: '1000',
            material,
            supplier: SUPPLIER,
            leadTimeDays: 5,
            validFrom: '2026-01-01',
            validTo: null,
          })),
        ],
      },
      'replenishment-correctness test',
      'test',
    );
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  async function policy(material: string, settings: Record<string, unknown>): Promise<void> {
    await api()
      .put(`/replenishment/v1/policies/1000/${material}`)
      .set(auth)
      .send({
        method: 'dynamic',
        serviceLevel: '0.95',
        smoothing: '0.3',
        historyDays: 14,
        minHistoryDays: 7,
        leadTimeSource: 'policy',
        leadTimeDays: 5,
        roundingQuantity: '1',
        ...settings,
      })
      .expect(200);
  }

  async function opening(material: string, quantity: string): Promise<void> {
    await api()
      .post('/plant-events/v1/opening-balances')
      .set(auth)
      .send({
        asOf: new Date(Date.now() - 40 * 86_400_000).toISOString(),
        items: [{ plant: '1000', material, quantity: { value: quantity, unit: 'H87' } }],
      })
      .expect(200);
  }

  /** `perDay` pieces on each of the days `from`…0 (today's a minute ago). */
  async function consume(material: string, perDay: string, from: number): Promise<void> {
    const events = [];
    for (let n = from; n <= 0; n++)
      events.push(
        consumed(
          {
            number: `USE-${material}-${n}`,
            occurredAt: n === 0 ? new Date(Date.now() - 60_000).toISOString() : `${day(n)}T10:00:00+01:00`,
          },
          material,
          perDay,
        ),
      );
    await api()
      .post('/plant-events/v1/events')
      .set(auth)
      .send({ events })
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ accepted: events.length, rejected: [] }));
  }

  async function steady(material: string, settings: Record<string, unknown> = {}): Promise<void> {
    await policy(material, { standardQuantity: '600', ...settings });
    await opening(material, '1500');
    await consume(material, '100', -13);
  }

  /** Issues an order in the ERP simulator and waits until the gateway has it. */
  async function issue(
    poNumber: string,
    material: string,
    line: { quantity: string; unit: string; due: number },
    orderDate = day(-3),
  ): Promise<void> {
    await gateway.app
      .get(ErpConnections)
      .embeddedSimulator()!
      .purchaseOrders.issue({
        poNumber,
        supplier: SUPPLIER,
        plant: '1000',
        currency: 'EUR',
        orderDate,
        lines: [
          {
            lineNumber: '10',
            material,
            quantity: line.quantity,
            unit: line.unit,
            deliveryDate: day(line.due),
            netPrice: '0.5',
          },
        ],
      });
    await recorded(poNumber, 0, 'issued');
  }

  async function recorded(poNumber: string, revision: number, state?: string): Promise<void> {
    const relay = gateway.app.get(SimulatorOutputRelay);
    await eventually(`PO ${poNumber} at revision ${revision} in the gateway`, async () => {
      await relay.relay();
      const [row] = await queryOnce<{ revision: number; state: string }>(
        db.url,
        `SELECT revision, state FROM purchase_order WHERE po_number = $1`,
        [poNumber],
      );
      return row !== undefined && row.revision >= revision && (state === undefined || row.state === state);
    });
  }

  async function evaluate(material: string) {
    const res = await api().post(`/replenishment/v1/evaluations/1000/${material}`).set(auth).expect(200);
    return res.body as { decision: Record<string, any>; recommendation: Record<string, any> | null };
  }

  it('starts the usage series at the first consumption, not at the window start with zeros', async () => {
    // 100 a day for the last 8 days of a 28-day window: D = 100. Padded with 20 zeros before the
    // first consumption, D would be 100 × (1 − 0.7⁸) = 94.2352.
    await policy('T-NEW', { historyDays: 28 });
    await opening('T-NEW', '100000');
    await consume('T-NEW', '100', -7);
    const { decision } = await evaluate('T-NEW');
    expect(decision.inputs.usage).toEqual({
      from: day(-7),
      to: today,
      daily: Array(8).fill('100'),
      daysOfHistory: 8,
    });
    expect(decision).toMatchObject({ basis: 'dynamic', averageDailyUsage: '100', reorderPoint: '500' });
  });

  it('measures lead time from the order date to the day the plant received the goods', async () => {
    // Three orders of day −40, received (business time) on day −28: 12 days each. The receipts
    // reach the gateway today; from their insert time the lead time would read 40 days.
    await policy('T-LEAD', { leadTimeSource: 'measured' });
    for (const n of [1, 2, 3]) {
      const po = `45000094${n}0`;
      await issue(po, 'T-LEAD', { quantity: '100', unit: 'H87', due: -30 }, day(-40));
      await api()
        .post('/wms/v1/goods-receipts')
        .set(auth)
        .send({
          receiptNumber: `GR-LEAD-${n}`,
          plant: '1000',
          receivedAt: `${day(-28)}T09:00:00+01:00`,
          lines: [
            { poNumber: po, lineNumber: '10', material: 'T-LEAD', quantity: { value: '100', unit: 'H87' } },
          ],
        })
        .expect(200);
    }
    const { decision } = await evaluate('T-LEAD');
    expect(decision.inputs.leadTime).toEqual({
      days: 12,
      source: 'measured',
      deviationDays: '0',
      samples: 3,
    });
  });

  it('counts an open line in EA against an H87 base unit as supply: it is expedited, not reordered', async () => {
    // Position at day 5: 100 on hand (the EA line is due day 10) < 500. Pulled in to day 1, its
    // 600 count within the lead time (700 ≥ 500): a pure expedite of the EA line.
    await steady('T-EA');
    await issue('4500009501', 'T-EA', { quantity: '600', unit: 'EA', due: 10 });
    const { decision, recommendation } = await evaluate('T-EA');
    expect(decision).toMatchObject({ reorderPoint: '500', position: '100', below: true });
    expect(recommendation).toMatchObject({
      action: 'expedite',
      poNumber: '4500009501',
      lineNumber: '10',
      newDeliveryDate: day(1),
      newQuantity: null,
      value: '300',
    });
    expect(decision.inputs.balance.orders).toEqual([
      expect.objectContaining({ poNumber: '4500009501', open: '600', unit: 'EA', baseQuantityPerUnit: '1' }),
    ]);
  });

  it('raises a DZN line by whole dozens for a shortfall counted in pieces', async () => {
    // 20 DZN = 240 pieces due day 3: position 100 + 240 = 340 < 500. Due after the needed-by day 1:
    // pulled in, and raised by (500 − 340) + 600 = 760 pieces = 63⅓ DZN → 64 DZN, to 84 DZN.
    await steady('T-DZN');
    await issue('4500009502', 'T-DZN', { quantity: '20', unit: 'DZN', due: 3 });
    const { decision, recommendation } = await evaluate('T-DZN');
    expect(decision).toMatchObject({ position: '340', below: true });
    expect(recommendation).toMatchObject({
      action: 'expedite',
      poNumber: '4500009502',
      unit: 'DZN',
      newDeliveryDate: day(1),
      newQuantity: '84',
      addedQuantity: '64',
      value: '32',
    });
    expect(recommendation!.explanation).toContain('raised by 64 DZN to 84 DZN');
  });

  it('raises a second crossing on the same last movement, and a retried evaluation only one', async () => {
    const evaluator = gateway.app.get(ReplenishmentEvaluator);
    const dataSource = gateway.app.get(DataSource);
    await steady('T-CROSS');
    const first = await evaluate('T-CROSS');
    expect(first.recommendation).toMatchObject({ action: 'order', state: 'proposed' });
    expect((await evaluate('T-CROSS')).recommendation).toBeNull();

    // Back above without a stock movement (a new order within the lead time) …
    await issue('4500009503', 'T-CROSS', { quantity: '1000', unit: 'H87', due: 2 });
    expect((await evaluate('T-CROSS')).decision).toMatchObject({ below: false, position: '1100' });
    // … and below again when the ERP cancels it: the same last movement, a new crossing.
    await gateway.app.get(ErpConnections).embeddedSimulator()!.purchaseOrders.change('4500009503', {
      cancel: true,
    });
    await recorded('4500009503', 0, 'cancelled');

    // The first try of the evaluation dies before it commits: nothing of it stays.
    await expect(
      dataSource.transaction(async (tx) => {
        await evaluator.evaluateIn(tx, '1000', 'T-CROSS');
        throw new Error('worker lost');
      }),
    ).rejects.toThrow('worker lost');
    const second = await evaluate('T-CROSS');
    expect(second.decision).toMatchObject({ below: true, position: '100' });
    expect(second.recommendation).toMatchObject({ action: 'order', state: 'proposed' });
    expect(second.recommendation!.crossingKey).not.toBe(first.recommendation!.crossingKey);
    expect(second.decision.triggerProducerKey).toBe(first.decision.triggerProducerKey);
    // Retried after it committed: still the same crossing.
    expect((await evaluate('T-CROSS')).recommendation).toBeNull();
    const listed = await api()
      .get('/replenishment/v1/recommendations?material=T-CROSS')
      .set(auth)
      .expect(200);
    expect(listed.body.map((r: { id: string }) => r.id).sort()).toEqual(
      [first.recommendation!.id, second.recommendation!.id].sort(),
    );
  });

  /** A crossing applied automatically: the H87 line of 200 due day 3 pulled in to day 1 and raised to 1000. */
  async function appliedChange(material: string, poNumber: string) {
    await steady(material, { autoApply: true });
    await issue(poNumber, material, { quantity: '200', unit: 'H87', due: 3 });
    const { recommendation } = await evaluate(material);
    expect(recommendation).toMatchObject({
      action: 'expedite',
      state: 'applied',
      newDeliveryDate: day(1),
      newQuantity: '1000',
    });
    await waitForPostings(db.url, 30_000);
    await recorded(poNumber, 1);
    return recommendation!;
  }

  async function answer(
    poNumber: string,
    line: Record<string, unknown>,
    revision = '1',
    answerRevision = '1',
  ): Promise<void> {
    const dataSource = gateway.app.get(DataSource);
    const now = new Date().toISOString();
    await dataSource.transaction((tx) =>
      gateway.app.get(CanonicalEventStore).append(tx, {
        id: randomUUID(),
        type: 'purchase-order.change-answered',
        schemaVersion: 'v1',
        partnerId: SUPPLIER,
        occurredAt: now,
        receivedAt: now,
        correlationId: `answer:${poNumber}`,
        causationId: null,
        document: { kind: 'original', number: `SO-${poNumber}`, revision: answerRevision },
        source: { channel: 'api' },
        payload: {
          purchaseOrder: { number: poNumber, revision },
          status: 'accepted-with-changes',
          lines: [{ lineNumber: '10', status: 'changed', ...line }],
        },
      } as unknown as CanonicalEvent),
    );
  }

  async function stateOf(id: string) {
    return (await api().get(`/replenishment/v1/recommendations/${id}`).set(auth).expect(200)).body;
  }

  it('takes no answer naming a revision that is not one (1e3, eleven digits) as an answer to the change', async () => {
    const rec = await appliedChange('T-REV', '4500009609');
    const full = {
      changes: ['quantity', 'date'],
      quantity: { value: '1000', unit: 'H87' },
      schedule: [{ quantity: { value: '1000', unit: 'H87' }, deliveryDate: day(1) }],
    };
    // Number('1e3') is 1000, and twelve billion overflows the revision column: neither is a revision.
    await answer('4500009609', full, '1e3', '1');
    await answer('4500009609', full, '12345678901', '2');
    expect(await stateOf(rec.id)).toMatchObject({ state: 'applied', changeRevision: null });
    await answer('4500009609', full, '1', '3');
    expect(await stateOf(rec.id)).toMatchObject({ state: 'confirmed', changeRevision: 1 });
  });

  it('takes a partial quantity answer for what it is: not a confirmation', async () => {
    const rec = await appliedChange('T-QTY', '4500009601');
    await answer('4500009601', {
      changes: ['quantity'],
      quantity: { value: '600', unit: 'H87' },
      schedule: [{ quantity: { value: '600', unit: 'H87' }, deliveryDate: day(1) }],
    });
    expect(await stateOf(rec.id)).toMatchObject({
      state: 'refused',
      changeRevision: 1,
      answer: 'the supplier confirmed 600 H87 of the 1000 asked',
    });
  });

  it('checks the latest confirmed delivery date of the schedule, not its last entry', async () => {
    const rec = await appliedChange('T-DATE', '4500009602');
    await answer('4500009602', {
      changes: ['date'],
      quantity: { value: '1000', unit: 'H87' },
      schedule: [
        { quantity: { value: '500', unit: 'H87' }, deliveryDate: day(4) },
        { quantity: { value: '500', unit: 'H87' }, deliveryDate: day(1) },
      ],
    });
    expect(await stateOf(rec.id)).toMatchObject({
      state: 'refused',
      answer: `the supplier confirmed ${day(4)} instead of ${day(1)}`,
    });
  });

  it('checks a schedule entry that confirms only a ship date against the delivery date asked', async () => {
    // 865 DTM*068 / ORDRSP DTM+10 without a delivery date: shipped on day 3, it cannot be there by day 1.
    const rec = await appliedChange('T-SHIP', '4500009603');
    await answer('4500009603', {
      changes: ['date'],
      quantity: { value: '1000', unit: 'H87' },
      schedule: [{ quantity: { value: '1000', unit: 'H87' }, shipDate: day(3) }],
    });
    expect(await stateOf(rec.id)).toMatchObject({
      state: 'refused',
      changeRevision: 1,
      answer: `the supplier confirmed shipping on ${day(3)}, after the ${day(1)} asked for delivery`,
    });
  });
});
