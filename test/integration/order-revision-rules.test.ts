import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpOrderSnapshot } from '../../src/procurement/erp-orders.controller.js';
import { GoodsReceiptService, type GoodsReceiptInput } from '../../src/procurement/goods-receipt.service.js';
import { OrderIntakeService } from '../../src/procurement/order-intake.service.js';
import type { ErpOrderSnapshot } from '../../src/procurement/purchase-order.types.js';
import { ShipNoticeService } from '../../src/procurement/ship-notice.service.js';
import { BalanceRepository } from '../../src/replenishment/balances/balance.repository.js';
import { BOLT_LINE, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { HOUSING_LINE, lineCancellations, shipNotice } from '../support/procurement.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const STEEL = 'RAW-STEEL-S235';

function snapshot(
  poNumber: string,
  revision: number,
  changes: Partial<ErpOrderSnapshot> = {},
): ErpOrderSnapshot {
  return {
    poNumber,
    revision,
    partnerId: 'acme-fasteners',
    plant: '1000',
    currency: 'EUR',
    orderDate: '2026-11-27',
    status: 'open',
    lines: [BOLT_LINE, HOUSING_LINE].map((l) => ({ ...l, status: 'open' as const })),
    ...changes,
  };
}

/** Order revisions from the ERP and goods receipts from the WMS, as the audit found them mishandled. */
describe('order revisions and goods receipts', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let dataSource: DataSource;

  const receive = (order: ErpOrderSnapshot) =>
    dataSource.transaction((tx) => gateway.app.get(OrderIntakeService).receive(tx, order));
  const receipt = (input: GoodsReceiptInput) =>
    dataSource.transaction((tx) => gateway.app.get(GoodsReceiptService).receive(tx, input));
  const order = async (poNumber: string) =>
    (
      await queryOnce<{ currency: string; ship_to: string; revision: number }>(
        db.url,
        `SELECT currency, ship_to, revision FROM purchase_order WHERE po_number = $1`,
        [poNumber],
      )
    )[0]!;
  const intents = (poNumber: string) =>
    queryOnce<{
      revision: number;
      event: { payload: { header?: unknown; lines: { changedFields?: string[] }[] } };
    }>(
      db.url,
      `SELECT i.revision, i.event FROM outbound_intent i JOIN purchase_order o ON o.id = i.po_id
        WHERE o.po_number = $1 ORDER BY i.revision`,
      [poNumber],
    );

  beforeAll(async () => {
    db = await createTestDatabase('order_revision_rules');
    gateway = await startTestGateway(simulatorGatewayEnv(db.url));
    dataSource = gateway.app.get(DataSource);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('cancels a line the ERP leaves out of a revision, so it no longer counts as supply', async () => {
    await receive(snapshot('4500000501', 0));
    const changed = await receive(snapshot('4500000501', 1, { lines: [{ ...BOLT_LINE, status: 'open' }] }));
    expect(changed.outcome).toBe('changed');
    expect(await lineCancellations(db.url, '4500000501')).toEqual([
      { line_number: '10', cancelled: false },
      { line_number: '20', cancelled: true },
    ]);
    // The replenishment's open supply (read only, as its balances read it).
    const supply = await new BalanceRepository().openLines(dataSource, '1000', 'CMP-HOUSING-C1');
    expect(supply.filter((l) => l.poNumber === '4500000501')).toEqual([]);
  });

  it('sends a ship-to change alone as a change with its header, and stores it', async () => {
    await receive(snapshot('4500000502', 0, { shipTo: 'DOCK-1' }));
    const changed = await receive(snapshot('4500000502', 1, { shipTo: 'DOCK-7' }));
    expect(changed.outcome).toBe('changed');
    expect(await order('4500000502')).toMatchObject({ ship_to: 'DOCK-7', revision: 1 });
    const [, intent] = await intents('4500000502');
    expect(intent).toMatchObject({
      revision: 1,
      event: { payload: { header: { shipTo: 'DOCK-7' }, lines: [] } },
    });
  });

  it('treats a currency change as a price change on every line', async () => {
    await receive(snapshot('4500000503', 0));
    const changed = await receive(snapshot('4500000503', 1, { currency: 'USD' }));
    expect(changed.outcome).toBe('changed');
    expect(await order('4500000503')).toMatchObject({ currency: 'USD' });
    const [, intent] = await intents('4500000503');
    expect(intent!.event.payload.header).toEqual({ currency: 'USD' });
    expect(intent!.event.payload.lines.map((l) => l.changedFields)).toEqual([['price'], ['price']]);
  });

  it('tells the supplier what is left to receive on a changed line (X12 POC04), never a copy of the quantity', async () => {
    await receive(snapshot('4500000509', 0));
    await dataSource.transaction((tx) =>
      gateway.app
        .get(ShipNoticeService)
        .apply(
          tx,
          shipNotice('SHP-L1', 'original', '1', [
            { po: '4500000509', items: [{ line: '10', material: 'CMP-BOLT-M8', quantity: '1500' }] },
          ]),
        ),
    );
    expect(
      await receipt({
        receiptNumber: 'GR-LEFT',
        plant: '1000',
        receivedAt: '2026-11-29T10:00:00Z',
        shipmentNumber: 'SHP-L1',
        lines: [
          {
            poNumber: '4500000509',
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: { value: '1500', unit: 'H87' },
          },
        ],
      }),
    ).toMatchObject({ outcome: 'received', problems: [] });
    const lines = [
      { ...BOLT_LINE, quantity: '6000', status: 'open' as const },
      { ...HOUSING_LINE, quantity: '50', unit: 'DZN', status: 'open' as const },
    ];
    expect((await receive(snapshot('4500000509', 1, { lines }))).outcome).toBe('changed');
    const [, intent] = await intents('4500000509');
    // 6000 ordered, 1500 received: 4500 to come. The housing line changed its unit, so its receipts
    // (none here, but counted in the old unit) cannot be subtracted: the field is left out.
    expect(intent!.event.payload.lines).toEqual([
      expect.objectContaining({ lineNumber: '10', quantityLeftToReceive: { value: '4500', unit: 'H87' } }),
      expect.not.objectContaining({ quantityLeftToReceive: expect.anything() }),
    ]);
  });

  it('compares a receipt split over lots with the notice per line, once', async () => {
    await receive(snapshot('4500000504', 0));
    await dataSource.transaction((tx) =>
      gateway.app
        .get(ShipNoticeService)
        .apply(
          tx,
          shipNotice('SHP-G1', 'original', '1', [
            { po: '4500000504', items: [{ line: '10', material: 'CMP-BOLT-M8', quantity: '4600' }] },
          ]),
        ),
    );
    const lots = (receiptNumber: string, quantities: string[]): GoodsReceiptInput => ({
      receiptNumber,
      plant: '1000',
      receivedAt: '2026-11-29T10:00:00Z',
      shipmentNumber: 'SHP-G1',
      lines: quantities.map((value, i) => ({
        poNumber: '4500000504',
        lineNumber: '10',
        material: 'CMP-BOLT-M8',
        quantity: { value, unit: 'H87' },
        lot: `LOT-${i + 1}`,
      })),
    });
    expect(await receipt(lots('GR-L1', ['2300', '2300']))).toMatchObject({
      outcome: 'received',
      problems: [],
    });
    expect(await receipt(lots('GR-L2', ['2300', '2000']))).toMatchObject({
      problems: ['goods-receipt.short'],
    });
    const short = await queryOnce<{ dedupe_key: string; differences: unknown }>(
      db.url,
      `SELECT dedupe_key, differences FROM exception_case WHERE type = 'goods-receipt.short' ORDER BY id`,
    );
    expect(short).toEqual([
      {
        dedupe_key: '1000/GR-L2:4500000504:10',
        differences: { quantity: { expected: '4600', actual: '4300' } },
      },
    ]);
  });

  it('rounds a receipt converted into the line unit to the ERP scale, and holds one the ERP cannot carry', async () => {
    await receive(
      snapshot('4500000505', 0, {
        lines: [{ ...BOLT_LINE, material: STEEL, quantity: '1000', unit: 'KGM', status: 'open' }],
      }),
    );
    const line = (value: string, unit: string) => ({
      receiptNumber: `GR-${unit}`,
      plant: '1000',
      receivedAt: '2026-11-29T10:00:00Z',
      lines: [{ poNumber: '4500000505', lineNumber: '10', material: STEEL, quantity: { value, unit } }],
    });
    const postings = (receiptNumber: string) =>
      queryOnce<{ body: { items: { quantity: string }[] } }>(
        db.url,
        `SELECT body FROM erp_posting WHERE kind = 'goods-receipt' AND business_key = $1`,
        [`1000/${receiptNumber}`],
      );
    // 3 lb = 1.36077711 kg: eight decimals, rounded half-up to the six the ERP takes.
    expect(await receipt(line('3', 'LBR'))).toMatchObject({ outcome: 'received', problems: [] });
    expect((await postings('GR-LBR')).map((p) => p.body.items[0]!.quantity)).toEqual(['1.360777']);
    // 10^15 t is 10^18 kg: more integer digits than the ERP contract carries.
    expect(await receipt(line('999999999999999', 'TNE'))).toMatchObject({
      outcome: 'held',
      problems: ['goods-receipt.not-postable'],
    });
    expect(await postings('GR-TNE')).toEqual([]);
    const [held] = await queryOnce<{ po_line: string }>(
      db.url,
      `SELECT po_line FROM exception_case WHERE type = 'goods-receipt.not-postable' AND dedupe_key LIKE '1000/GR-TNE:%'`,
    );
    expect(held).toEqual({ po_line: '10' });
  });

  it('closes an order the ERP completed: nothing more is sent, no line is cancelled, notices are held', async () => {
    await receive(snapshot('4500000510', 0));
    // The ERP's closed order may leave out lines it considers done: they are not cancelled.
    const closed = await receive(
      snapshot('4500000510', 1, { status: 'closed', lines: [{ ...BOLT_LINE, status: 'delivered' }] }),
    );
    expect(closed).toMatchObject({ outcome: 'closed', eventId: null, order: { state: 'closed' } });
    expect(await lineCancellations(db.url, '4500000510')).toEqual([
      { line_number: '10', cancelled: false },
      { line_number: '20', cancelled: false },
    ]);
    // A later revision of a closed order is recorded, and sends nothing.
    const later = await receive(
      snapshot('4500000510', 2, { lines: [{ ...BOLT_LINE, quantity: '9000', status: 'open' }] }),
    );
    expect(later).toMatchObject({ outcome: 'unchanged', eventId: null, order: { state: 'closed' } });
    expect((await intents('4500000510')).map((i) => i.revision)).toEqual([0]);
    expect((await order('4500000510')).revision).toBe(2);

    const notice = await dataSource.transaction((tx) =>
      gateway.app
        .get(ShipNoticeService)
        .apply(
          tx,
          shipNotice('SHP-CL1', 'original', '1', [
            { po: '4500000510', items: [{ line: '10', material: BOLT_LINE.material, quantity: '10' }] },
          ]),
        ),
    );
    expect(notice).toEqual({ outcome: 'held', problems: ['ship-notice.order-closed'] });
    const [history] = await queryOnce<{ what: string; to_state: string }>(
      db.url,
      `SELECT h.what, h.to_state FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
        WHERE o.po_number = '4500000510' AND h.what = 'purchase-order.closed'`,
    );
    expect(history).toEqual({ what: 'purchase-order.closed', to_state: 'closed' });
    // `completed`, as some ERPs name it, is read as closed at the ERP's endpoint.
    expect(erpOrderSnapshot.parse({ ...snapshot('4500000511', 0), status: 'completed' }).status).toBe(
      'closed',
    );
  });
});
