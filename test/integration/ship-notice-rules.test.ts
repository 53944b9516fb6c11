import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpPostingService } from '../../src/erp/posting/erp-posting.service.js';
import { BuyerDecisionService } from '../../src/procurement/buyer-decision.service.js';
import { OrderIntakeService } from '../../src/procurement/order-intake.service.js';
import { ShipNoticeService } from '../../src/procurement/ship-notice.service.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { BOLT_LINE, issueSimulatorOrder, simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { HOUSING_LINE, lineCancellations, shipNotice } from '../support/procurement.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const STEEL = 'RAW-STEEL-S235';
const BOLTS = 'CMP-BOLT-M8';

/** Ship-notice rules found by the audit: each case here crashed a translation or held a clean notice. */
describe('ship notice rules', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let dataSource: DataSource;
  let asns: ShipNoticeService;

  const apply = (notice: ReturnType<typeof shipNotice>) =>
    dataSource.transaction((tx) => asns.apply(tx, notice));
  const postings = (shipment: string) =>
    queryOnce<{ operation: string; revision: number; body: { items?: { quantity: string }[] } }>(
      db.url,
      `SELECT operation, revision, body FROM erp_posting WHERE business_key = $1 ORDER BY id`,
      [`acme-fasteners/${shipment}`],
    );
  const cases = (type: string, shipment: string) =>
    queryOnce<{ id: string; po_line: string | null; differences: unknown }>(
      db.url,
      `SELECT id::text AS id, po_line, differences FROM exception_case WHERE type = $1 AND dedupe_key LIKE $2 ORDER BY id`,
      [type, `${shipment}:%`],
    );

  beforeAll(async () => {
    db = await createTestDatabase('ship_notice_rules');
    gateway = await startTestGateway(simulatorGatewayEnv(db.url));
    dataSource = gateway.app.get(DataSource);
    asns = gateway.app.get(ShipNoticeService);
    for (const poNumber of ['4500000401', '4500000402', '4500000405'])
      await issueSimulatorOrder(gateway.app, {
        poNumber,
        supplier: 'acme-fasteners',
        lines: [BOLT_LINE, HOUSING_LINE],
      });
    // Steel ordered by the kilogram on line 10 and by the pound on line 20.
    await issueSimulatorOrder(gateway.app, {
      poNumber: '4500000403',
      supplier: 'acme-fasteners',
      lines: [
        { ...BOLT_LINE, material: STEEL, quantity: '1000', unit: 'KGM' },
        { ...BOLT_LINE, lineNumber: '20', material: STEEL, quantity: '1000', unit: 'LBR' },
      ],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('posts a new inbound delivery when a notice is sent again after its cancellation', async () => {
    const items = (quantity: string) => [
      { po: '4500000401', items: [{ line: '10', material: BOLTS, quantity }] },
    ];
    expect(await apply(shipNotice('SHP-R1', 'original', '1', items('100')))).toEqual({
      outcome: 'posted',
      problems: [],
    });
    expect((await apply(shipNotice('SHP-R1', 'cancellation', '2', items('100')))).outcome).toBe('reversed');
    // Through the event store, as a translation applies it: nothing may escape and roll it back.
    await dataSource.transaction((tx) =>
      gateway.app.get(CanonicalEventStore).append(tx, shipNotice('SHP-R1', 'original', '3', items('120'))),
    );
    expect(await apply(shipNotice('SHP-R1', 'replacement', '4', items('130')))).toEqual({
      outcome: 'amended',
      problems: [],
    });
    expect((await postings('SHP-R1')).map((p) => [p.operation, p.revision])).toEqual([
      ['post', 0],
      ['reverse', 1],
      ['post', 2],
      ['amend', 3],
    ]);
    await waitForPostings(db.url, 15_000);
    const documents = await queryOnce<{ status: string; revision: number }>(
      db.url,
      `SELECT status, revision FROM erp_sim_document WHERE kind = 'inbound-delivery' AND external_reference LIKE 'SG-ID-acme-fasteners/SHP-R1-%'
        ORDER BY created_at`,
    );
    expect(documents).toEqual([
      { status: 'reversed', revision: 0 },
      { status: 'active', revision: 3 },
    ]);
    const [line] = await queryOnce<{ shipped: string }>(
      db.url,
      `SELECT shipped_quantity::text AS shipped FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
        WHERE o.po_number = '4500000401' AND l.line_number = '10'`,
    );
    expect(line!.shipped).toBe('130');
  });

  it('holds a notice the ERP posting refuses, with a case, instead of failing its translation', async () => {
    // The key the notice's delivery would take already names another request.
    await dataSource.transaction((tx) =>
      gateway.app.get(ErpPostingService).post(tx, {
        kind: 'inbound-delivery',
        businessKey: 'acme-fasteners/SHP-R2',
        revision: 0,
        poNumber: '4500000401',
        body: {
          shipmentNumber: 'SHP-R2',
          supplier: 'acme-fasteners',
          shippedAt: '2026-11-28T06:30:00Z',
          items: [
            {
              poNumber: '4500000401',
              lineNumber: '20',
              material: 'CMP-HOUSING-C1',
              quantity: '1',
              unit: 'H87',
            },
          ],
        },
      }),
    );
    const result = await apply(
      shipNotice('SHP-R2', 'original', '1', [
        { po: '4500000401', items: [{ line: '20', material: 'CMP-HOUSING-C1', quantity: '5' }] },
      ]),
    );
    expect(result).toEqual({ outcome: 'held', problems: ['ship-notice.not-postable'] });
    expect(await cases('ship-notice.not-postable', 'SHP-R2')).toHaveLength(1);
    const [notice] = await queryOnce<{ status: string; posted: boolean }>(
      db.url,
      `SELECT status, posted FROM ship_notice WHERE shipment_number = 'SHP-R2'`,
    );
    expect(notice).toEqual({ status: 'held', posted: false });
  });

  it('rounds an inexact unit conversion to the ERP scale and holds a value the ERP cannot carry', async () => {
    const converted = await apply(
      shipNotice('SHP-U1', 'original', '1', [
        {
          po: '4500000403',
          items: [
            // 3 lb = 1.36077711 kg (eight decimals); 1 kg = 2.2046226218… lb (never terminates).
            { line: '10', material: STEEL, quantity: '3', unit: 'LBR' },
            { line: '20', material: STEEL, quantity: '1', unit: 'KGM' },
          ],
        },
      ]),
    );
    expect(converted).toEqual({ outcome: 'posted', problems: [] });
    const [posting] = await postings('SHP-U1');
    expect(posting!.body.items!.map((i) => i.quantity)).toEqual(['1.360777', '2.204623']);

    // Seven decimals of the line's own unit: the ERP contract carries six, and the supplier's value is not ours to round.
    const tooFine = await apply(
      shipNotice('SHP-U2', 'original', '1', [
        { po: '4500000403', items: [{ line: '10', material: STEEL, quantity: '0.0000001', unit: 'KGM' }] },
      ]),
    );
    expect(tooFine).toEqual({ outcome: 'held', problems: ['ship-notice.not-postable'] });
    expect(await postings('SHP-U2')).toEqual([]);
    expect(await cases('ship-notice.not-postable', 'SHP-U2')).toEqual([
      expect.objectContaining({ po_line: '10' }),
    ]);

    // A unit that does not convert at all is still an item mismatch.
    const boxes = await apply(
      shipNotice('SHP-U3', 'original', '1', [
        { po: '4500000403', items: [{ line: '10', material: STEEL, quantity: '1', unit: 'XBX' }] },
      ]),
    );
    expect(boxes).toEqual({ outcome: 'held', problems: ['ship-notice.item-mismatch'] });
  });

  it('holds a notice for a cancelled order: its lines are cancelled with it, nothing reaches the ERP', async () => {
    const intake = gateway.app.get(OrderIntakeService);
    const cancelled = await dataSource.transaction((tx) =>
      intake.receive(tx, {
        poNumber: '4500000405',
        revision: 1,
        partnerId: 'acme-fasteners',
        plant: '1000',
        currency: 'EUR',
        orderDate: '2026-11-27',
        status: 'cancelled',
        lines: [BOLT_LINE, HOUSING_LINE].map((l) => ({ ...l, status: 'open' as const })),
      }),
    );
    expect(cancelled.outcome).toBe('cancelled');
    expect(await lineCancellations(db.url, '4500000405')).toEqual([
      { line_number: '10', cancelled: true },
      { line_number: '20', cancelled: true },
    ]);
    const result = await apply(
      shipNotice('SHP-C1', 'original', '1', [
        { po: '4500000405', items: [{ line: '10', material: BOLTS, quantity: '100' }] },
      ]),
    );
    expect(result).toEqual({ outcome: 'held', problems: ['ship-notice.order-closed'] });
    expect(await postings('SHP-C1')).toEqual([]);
    expect(await cases('ship-notice.order-closed', 'SHP-C1')).toEqual([
      expect.objectContaining({ differences: { orderState: { expected: 'open', actual: 'cancelled' } } }),
    ]);
  });

  it('checks only the lines a notice ships for over-shipment, and not again once a buyer accepted it', async () => {
    const line = (lineNumber: string, material: string, quantity: string) => [
      { po: '4500000402', items: [{ line: lineNumber, material, quantity }] },
    ];
    // Stored as a translation stores it: a buyer's acceptance releases the notice's latest stored revision.
    await dataSource.transaction((tx) =>
      gateway.app
        .get(CanonicalEventStore)
        .append(tx, shipNotice('SHP-O1', 'original', '1', line('10', BOLTS, '9999'))),
    );
    const [over] = await cases('ship-notice.over-shipment', 'SHP-O1');
    await gateway.app
      .get(BuyerDecisionService)
      .accept(over!.id, { kind: 'cli', name: 'buyer-test' }, 'we take the extra bolts');
    expect((await postings('SHP-O1')).map((p) => p.operation)).toEqual(['post']);
    // Another line, shipped clean: line 10's accepted over-shipment is not this notice's business.
    expect(await apply(shipNotice('SHP-O2', 'original', '1', line('20', 'CMP-HOUSING-C1', '140')))).toEqual({
      outcome: 'posted',
      problems: [],
    });
    // The accepted shipment sent again unchanged: nothing new to decide.
    expect(await apply(shipNotice('SHP-O1', 'replacement', '2', line('10', BOLTS, '9999')))).toEqual({
      outcome: 'amended',
      problems: [],
    });
    expect(await cases('ship-notice.over-shipment', 'SHP-O2')).toEqual([]);
    expect(await cases('ship-notice.over-shipment', 'SHP-O1')).toHaveLength(1);
    // More than the buyer accepted is a new over-shipment.
    expect(await apply(shipNotice('SHP-O3', 'original', '1', line('10', BOLTS, '1')))).toEqual({
      outcome: 'held',
      problems: ['ship-notice.over-shipment'],
    });
  });
});
