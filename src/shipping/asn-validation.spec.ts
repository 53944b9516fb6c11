import { describe, expect, it } from 'vitest';
import { decimal, type DecimalString } from '../canonical/decimal.js';
import type { PurchaseOrder, PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import { draftBodySchema, type DraftBody } from './asn-draft.js';
import { validateDraft, type ValidationContext } from './asn-validation.js';
import { makeSscc } from './sscc.js';

const sscc = (n: number) => makeSscc(0, '0614141', BigInt(n));

const order = (poNumber: string, state: PurchaseOrder['state'] = 'acknowledged', shipTo = '1000') =>
  ({ id: poNumber, partnerId: 'acme', poNumber, state, shipTo }) as PurchaseOrder;
const line = (lineNumber: string, over: Partial<PurchaseOrderLine> = {}): PurchaseOrderLine =>
  ({
    lineNumber,
    material: 'CMP-BOLT-M8',
    supplierPart: null,
    quantity: decimal('100'),
    unit: 'H87',
    cancelled: false,
    ackStatus: 'accepted',
    confirmedQuantity: null,
    shippedQuantity: decimal('0'),
    receivedQuantity: decimal('0'),
    ...over,
  }) as PurchaseOrderLine;

const context = (over: Partial<ValidationContext> = {}): ValidationContext => ({
  orders: new Map([
    ['PO1', { order: order('PO1'), lines: [line('10'), line('20', { material: 'CMP-LOTTED' })] }],
    ['PO2', { order: order('PO2'), lines: [line('10')] }],
  ]),
  tolerancePercent: decimal('2'),
  shippedByThisNotice: new Map(),
  ssccsInUse: new Set(),
  lotManaged: new Set(['CMP-LOTTED']),
  assignsSsccs: true,
  ...over,
});

const body = (input: unknown): DraftBody => draftBodySchema.parse(input);
const item = (poNumber: string, lineNumber: string, value: string, unit = 'H87') => ({
  poNumber,
  lineNumber,
  quantity: { value, unit },
});
const codes = (draft: DraftBody, ctx = context()) =>
  validateDraft(draft, ctx).map((p) => `${p.path} ${p.code}`);

describe('ASN builder validation', () => {
  const good = {
    shippedAt: '2026-12-03T14:00:00Z',
    pallets: [{ sscc: sscc(1), cartons: [{ sscc: sscc(2), items: [item('PO1', '10', '60')] }] }],
    cartons: [{ sscc: sscc(3), items: [item('PO2', '10', '40')] }],
  };

  it('passes a complete notice', () => {
    expect(validateDraft(body(good), context())).toEqual([]);
  });

  it('wants a ship date, cartons, cartons on pallets and items in cartons', () => {
    expect(codes(body({}))).toEqual(['shippedAt missing', ' empty']);
    expect(
      codes(
        body({ ...good, pallets: [{ sscc: sscc(1), cartons: [] }], cartons: [{ sscc: sscc(3), items: [] }] }),
      ),
    ).toEqual(['pallets.0 empty', 'cartons.0.items empty']);
  });

  it('wants an SSCC on every pack, with a valid check digit, once, and on no other notice', () => {
    const packs = body({
      ...good,
      pallets: [{ cartons: [{ sscc: '061414100000000019', items: [item('PO1', '10', '1')] }] }],
      cartons: [
        { sscc: sscc(3), items: [item('PO2', '10', '1')] },
        { sscc: sscc(3), items: [item('PO2', '10', '1')] },
        { sscc: sscc(9), items: [item('PO2', '10', '1')] },
      ],
    });
    expect(codes(packs, context({ ssccsInUse: new Set([sscc(9)]) }))).toEqual([
      'pallets.0.sscc sscc',
      'pallets.0.cartons.0.sscc sscc',
      'cartons.1.sscc sscc-duplicate',
      'cartons.2.sscc sscc-used',
    ]);
  });

  it('keeps each carton to one order', () => {
    const mixed = body({
      ...good,
      cartons: [{ sscc: sscc(3), items: [item('PO1', '10', '1'), item('PO2', '10', '1')] }],
    });
    expect(codes(mixed)).toEqual(['cartons.0.items mixed-carton']);
  });

  it('ships only open, acknowledged lines of the partner’s own orders', () => {
    const ctx = context({
      orders: new Map([
        ['PO1', { order: order('PO1', 'issued'), lines: [line('10')] }],
        ['PO2', { order: order('PO2', 'cancelled'), lines: [line('10')] }],
        [
          'PO3',
          {
            order: order('PO3'),
            lines: [line('10', { cancelled: true }), line('20', { ackStatus: 'rejected' })],
          },
        ],
        ['PO4', { order: order('PO4', 'changed'), lines: [line('10')] }],
      ]),
    });
    const draft = body({
      shippedAt: '2026-12-03T14:00:00Z',
      cartons: [
        { sscc: sscc(1), items: [item('PO1', '10', '1')] },
        { sscc: sscc(2), items: [item('PO2', '10', '1')] },
        { sscc: sscc(3), items: [item('PO3', '10', '1'), item('PO3', '20', '1'), item('PO3', '99', '1')] },
        { sscc: sscc(4), items: [item('PO4', '10', '1')] },
        { sscc: sscc(5), items: [item('PO9', '10', '1')] },
      ],
    });
    expect(codes(draft, ctx)).toEqual([
      'cartons.0.items.0.poNumber not-acknowledged',
      'cartons.1.items.0.poNumber order-not-shippable',
      'cartons.2.items.0.lineNumber unknown-line',
      'cartons.2.items.1.lineNumber line-rejected',
      'cartons.2.items.2.lineNumber unknown-line',
      'cartons.3.items.0.poNumber not-acknowledged',
      'cartons.4.items.0.poNumber unknown-order',
    ]);
  });

  it('wants units that convert, positive quantities and the lots of lot-managed materials', () => {
    const draft = body({
      shippedAt: '2026-12-03T14:00:00Z',
      cartons: [
        { sscc: sscc(1), items: [item('PO1', '10', '1', 'KGM'), item('PO1', '10', '0')] },
        { sscc: sscc(2), items: [item('PO1', '20', '5')] },
        { sscc: sscc(3), items: [{ ...item('PO1', '20', '5'), lots: [{ lot: 'L-1' }] }] },
      ],
    });
    expect(codes(draft)).toEqual([
      'cartons.0.items.0.quantity.unit unit',
      'cartons.0.items.1.quantity.value quantity',
      'cartons.1.items.0.lots lot-required',
    ]);
    // A dozen (DZN) converts to pieces (H87): 10 DZN are 120 pieces, over 100 + 2 %.
    const dozens = body({
      shippedAt: '2026-12-03T14:00:00Z',
      cartons: [{ sscc: sscc(1), items: [item('PO2', '10', '10', 'DZN')] }],
    });
    expect(validateDraft(dozens, context())[0]).toMatchObject({ code: 'over-shipment' });
  });

  it('counts every carton of a line, other notices and the tolerance against the confirmed quantity', () => {
    const shipped = (value: string, over: Partial<PurchaseOrderLine> = {}, mine?: DecimalString) =>
      codes(
        body({
          shippedAt: '2026-12-03T14:00:00Z',
          cartons: [
            { sscc: sscc(1), items: [item('PO1', '10', value)] },
            { sscc: sscc(2), items: [item('PO1', '10', value)] },
          ],
        }),
        context({
          orders: new Map([['PO1', { order: order('PO1'), lines: [line('10', over)] }]]),
          shippedByThisNotice: new Map(mine ? [['PO1/10', mine]] : []),
        }),
      );
    expect(shipped('51')).toEqual([]); // 102 of 100 + 2 %
    expect(shipped('52')).toEqual(['cartons.1.items.0.quantity.value over-shipment']);
    expect(shipped('40', { confirmedQuantity: decimal('70') })).toEqual([
      'cartons.1.items.0.quantity.value over-shipment',
    ]);
    expect(shipped('30', { shippedQuantity: decimal('50') })).toEqual([
      'cartons.1.items.0.quantity.value over-shipment',
    ]);
    // A replacement: what this notice shipped before is not counted twice.
    expect(shipped('30', { shippedQuantity: decimal('50') }, decimal('50'))).toEqual([]);
  });

  it('asks where to ship when the orders go to different places', () => {
    const ctx = context({
      orders: new Map([
        ['PO1', { order: order('PO1', 'acknowledged', '1000'), lines: [line('10')] }],
        ['PO2', { order: order('PO2', 'acknowledged', '2000'), lines: [line('10')] }],
      ]),
    });
    expect(codes(body(good), ctx)).toEqual(['shipTo ship-to']);
    expect(codes(body({ ...good, shipTo: '1000' }), ctx)).toEqual([]);
  });
});
