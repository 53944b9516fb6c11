import { describe, expect, it } from 'vitest';
import { decimal } from '../canonical/decimal.js';
import type { PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import { draftBodySchema, type ShipNoticeDraft } from '../shipping/asn-draft.js';
import { editorView, hasUnsentChanges, listRow, statusLabel } from './shipment-view.js';

const line = (lineNumber: string, quantity: string): PurchaseOrderLine => ({
  lineNumber,
  material: `MAT-${lineNumber}`,
  supplierPart: null,
  quantity: decimal(quantity),
  unit: 'H87',
  unitPrice: null,
  deliveryDate: '2026-12-04',
  cancelled: false,
  ackStatus: 'accepted',
  confirmedQuantity: null,
  confirmedDate: null,
  confirmedPrice: null,
  decision: null,
  shippedQuantity: decimal('0'),
  receivedQuantity: decimal('0'),
});
const item = (poNumber: string, lineNumber: string, value: string, unit = 'H87') => ({
  poNumber,
  lineNumber,
  quantity: { value, unit },
});
const draft = (changes: Partial<ShipNoticeDraft> = {}): ShipNoticeDraft => ({
  id: '7',
  partnerId: 'alpha',
  shipmentNumber: 'PS-1',
  status: 'draft',
  revision: null,
  body: draftBodySchema.parse({
    shippedAt: '2026-12-03T14:00:00Z',
    carrier: { scac: 'ABCD', name: 'Road Freight AB' },
    pallets: [
      {
        sscc: '106141410000000013',
        cartons: [
          { sscc: '106141410000000020', items: [item('PO1', '10', '0.1'), item('PO1', '10', '0.2')] },
        ],
      },
    ],
    cartons: [{ items: [item('PO2', '10', '3'), item('PO2', '10', '1', 'KGM')] }],
  }),
  interchangeId: null,
  createdBy: 'user:1',
  createdAt: '2026-11-27T09:00:00.000000Z',
  updatedAt: '2026-11-27T09:00:00.000000Z',
  submittedAt: null,
  ...changes,
});

describe('the editor view of a draft', () => {
  const view = editorView({
    draft: draft(),
    problems: [
      { path: 'shippedAt', code: 'missing', message: 'when?' },
      { path: 'pallets.0.cartons.0.items.1.quantity.value', code: 'over-shipment', message: 'too many' },
      { path: 'cartons.0.sscc', code: 'sscc', message: 'no SSCC' },
      { path: 'cartons.0.items', code: 'mixed-carton', message: 'mixed' },
    ],
    orders: new Map([
      ['PO1', { lines: [line('10', '4800'), line('20', '140')] }],
      ['PO2', { lines: [line('10', '70')] }],
    ]),
    openOrders: [
      {
        poNumber: 'PO3',
        state: 'acknowledged',
        orderDate: '2026-11-27',
        shipTo: '1000',
        lines: [
          {
            poNumber: 'PO3',
            lineNumber: '10',
            material: 'MAT-X',
            unit: 'H87',
            quantity: '5',
            shipped: '0',
            open: '5',
            deliveryDate: '2026-12-01',
          },
        ],
      },
    ],
    prefixLength: 7,
  });

  it('shows each pack with its SSCC as GS1 prints it, and where each carton sits', () => {
    expect(view.pallets[0]).toMatchObject({
      label: 'Pallet 1',
      id: 'pack-pallets-0',
      sscc: { digits: '106141410000000013', text: '(00) 1 0614141 000000001 3' },
    });
    expect(view.pallets[0]!.cartons[0]).toMatchObject({
      label: 'Carton 1 on pallet 1',
      location: 'pallets.0',
    });
    expect(view.loose[0]).toMatchObject({
      label: 'Loose carton 1',
      location: 'loose',
      sscc: { digits: null },
    });
    expect(view.cartonCount).toBe(2);
  });

  it('puts every problem next to its field, carton or item, and links the summary to it', () => {
    expect(view.header.problems.shippedAt).toEqual(['when?']);
    expect(view.pallets[0]!.cartons[0]!.items[1]!.problems).toEqual(['too many']);
    expect(view.loose[0]!.problems).toEqual(['no SSCC', 'mixed']);
    expect(view.problemList.map((p) => p.href)).toEqual([
      '#pack-shippedAt',
      '#pack-pallets-0-cartons-0-items-1',
      '#pack-cartons-0',
      '#pack-cartons-0',
    ]);
  });

  it('sums what the notice packs of each line in decimals, in the line unit', () => {
    expect(view.lines.map((l) => [l.key, l.packed])).toEqual([
      ['PO1/10', '0.3'],
      ['PO1/20', '0'],
      ['PO2/10', '3'],
    ]);
    // The notice's lines first, then other open orders' lines.
    expect(view.lineOptions.map((o) => o.value)).toEqual(['PO1/10', 'PO1/20', 'PO2/10', 'PO3/10']);
  });
});

describe('the state of a notice', () => {
  it('says draft, submitted, replaced or cancelled, and whether a replacement waits to be sent', () => {
    expect(statusLabel(draft()).key).toBe('draft');
    const sent = draft({
      status: 'submitted',
      revision: 0,
      submittedAt: '2026-11-27T10:00:00.000000Z',
      updatedAt: '2026-11-27T10:00:00.000000Z',
    });
    expect(statusLabel(sent).key).toBe('submitted');
    expect(hasUnsentChanges(sent)).toBe(false);
    expect(hasUnsentChanges({ ...sent, updatedAt: '2026-11-27T10:05:00.000000Z' })).toBe(true);
    expect(statusLabel({ ...sent, revision: 2 })).toEqual({
      key: 'replaced',
      label: 'replaced (revision 2)',
    });
    expect(statusLabel({ ...sent, status: 'cancelled' }).key).toBe('cancelled');
    expect(listRow(sent)).toMatchObject({
      purchaseOrders: 'PO1, PO2',
      pallets: 1,
      cartons: 2,
      carrier: 'Road Freight AB · ABCD',
    });
  });
});
