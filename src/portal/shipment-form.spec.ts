import { describe, expect, it } from 'vitest';
import { draftBodySchema, type DraftBody } from '../shipping/asn-draft.js';
import {
  anchorId,
  applyEdit,
  describePath,
  fromDateTimeInput,
  lineKey,
  lotsText,
  problemsByAnchor,
  toDateTimeInput,
} from './shipment-form.js';

const item = (poNumber: string, lineNumber: string, value: string) => ({
  poNumber,
  lineNumber,
  quantity: { value, unit: 'H87' },
});
const start = (): DraftBody =>
  draftBodySchema.parse({
    pallets: [
      {
        sscc: '106141410000000013',
        cartons: [{ sscc: '106141410000000020', items: [item('PO1', '10', '5')] }],
      },
    ],
    cartons: [{ sscc: '106141410000000037', items: [item('PO2', '10', '7'), item('PO2', '20', '1')] }],
  });
const apply = (form: Record<string, unknown>, body = start()) => {
  const result = applyEdit(body, form, (po, line) => (po === 'PO2' && line === '20' ? 'KGM' : undefined));
  if ('problems' in result) throw new Error(result.problems.join('; '));
  return result.body;
};

describe('applyEdit: one small form changes one thing of the draft', () => {
  it('saves the header, empty fields left out, the SCAC in capitals and times in UTC', () => {
    const body = apply({
      op: 'header',
      shippedAt: '2026-12-03T14:00',
      expectedDeliveryAt: '',
      carrierScac: 'abcd',
      carrierName: 'Road Freight AB',
      carrierMode: 'road',
      trackingNumbers: 'T1, T2\nT3',
      billOfLading: ' BOL-9 ',
    });
    expect(body).toMatchObject({
      shippedAt: '2026-12-03T14:00:00Z',
      carrier: { scac: 'ABCD', name: 'Road Freight AB', mode: 'road' },
      trackingNumbers: ['T1', 'T2', 'T3'],
      billOfLading: 'BOL-9',
    });
    expect(body.expectedDeliveryAt).toBeUndefined();
    // The packs are untouched.
    expect(body.pallets).toEqual(start().pallets);
  });

  it('refuses what the draft schema refuses, in words', () => {
    const result = applyEdit(start(), { op: 'header', carrierScac: 'TOO-LONG' });
    expect(result).toEqual({
      problems: ['Carrier, SCAC: expected a SCAC of 2-4 capital letters'],
    });
  });

  it('adds pallets and cartons, on a pallet or loose', () => {
    let body = apply({ op: 'add-pallet' });
    expect(body.pallets).toHaveLength(2);
    body = apply({ op: 'add-carton', into: 'pallets.1' }, body);
    body = apply({ op: 'add-carton', into: 'loose' }, body);
    expect(body.pallets[1]!.cartons).toEqual([{ items: [] }]);
    expect(body.cartons).toHaveLength(2);
    expect(applyEdit(start(), { op: 'add-carton', into: 'pallets.7' })).toHaveProperty('problems');
  });

  it('puts an order line into a carton, in the line unit when none is typed, with lots', () => {
    const body = apply({
      op: 'put',
      carton: 'pallets.0.cartons.0',
      line: lineKey('PO2', '20'),
      quantity: '3',
      lots: 'L-1:2, L-2',
    });
    expect(body.pallets[0]!.cartons[0]!.items[1]).toEqual({
      poNumber: 'PO2',
      lineNumber: '20',
      quantity: { value: '3', unit: 'KGM' },
      lots: [{ lot: 'L-1', quantity: { value: '2', unit: 'KGM' } }, { lot: 'L-2' }],
    });
    expect(lotsText(body.pallets[0]!.cartons[0]!.items[1]!)).toBe('L-1:2, L-2');
    expect(applyEdit(start(), { op: 'put', carton: 'cartons.0', line: 'PO1/10' })).toEqual({
      problems: ['Say how many (and in which unit) go into the carton.'],
    });
    expect(
      applyEdit(start(), { op: 'put', carton: 'cartons.0', line: 'PO1/10', quantity: '1,5' }),
    ).toHaveProperty('problems');
  });

  it('changes an item in place and takes items, cartons and pallets out', () => {
    let body = apply({
      op: 'item',
      path: 'cartons.0.items.1',
      quantity: '2',
      unit: 'h87',
      serialNumbers: 'S1 S2',
    });
    expect(body.cartons[0]!.items[1]).toEqual({ ...item('PO2', '20', '2'), serialNumbers: ['S1', 'S2'] });
    body = apply({ op: 'remove', path: 'cartons.0.items.0' }, body);
    expect(body.cartons[0]!.items.map((i) => i.lineNumber)).toEqual(['20']);
    // A pallet taken out leaves its cartons loose, with their SSCCs.
    body = apply({ op: 'remove', path: 'pallets.0' }, body);
    expect(body.pallets).toEqual([]);
    expect(body.cartons.map((c) => c.sscc)).toEqual(['106141410000000037', '106141410000000020']);
    body = apply({ op: 'remove', path: 'cartons.0' }, body);
    expect(body.cartons.map((c) => c.sscc)).toEqual(['106141410000000020']);
    expect(applyEdit(start(), { op: 'remove', path: 'cartons.5' })).toHaveProperty('problems');
    expect(applyEdit(start(), { op: 'remove', path: '__proto__' })).toHaveProperty('problems');
  });

  it('moves a carton onto a pallet and back off it', () => {
    let body = apply({ op: 'move', carton: 'cartons.0', to: 'pallets.0' });
    expect(body.pallets[0]!.cartons.map((c) => c.sscc)).toEqual(['106141410000000020', '106141410000000037']);
    expect(body.cartons).toEqual([]);
    body = apply({ op: 'move', carton: 'pallets.0.cartons.0', to: 'loose' }, body);
    expect(body.cartons.map((c) => c.sscc)).toEqual(['106141410000000020']);
  });

  it('refuses a form without a known op', () => {
    expect(applyEdit(start(), {})).toEqual({ problems: ['The form is incomplete; reload the page.'] });
  });
});

describe('problems in place', () => {
  it('puts each problem on the deepest thing its path names, the rest on the shipment', () => {
    const anchors = [
      '',
      'shippedAt',
      'pallets.0',
      'pallets.0.cartons.0',
      'pallets.0.cartons.0.items.0',
      'cartons.0',
    ];
    const placed = problemsByAnchor(
      [
        { path: 'shippedAt', code: 'missing', message: 'a' },
        { path: 'pallets.0.cartons.0.items.0.quantity.value', code: 'over-shipment', message: 'b' },
        { path: 'pallets.0.cartons.0.sscc', code: 'sscc', message: 'c' },
        { path: 'cartons.0.items', code: 'empty', message: 'd' },
        { path: '', code: 'empty', message: 'e' },
        { path: 'pallets.10', code: 'empty', message: 'f' },
      ],
      anchors,
    );
    expect(Object.fromEntries([...placed].map(([k, v]) => [k, v.map((p) => p.message)]))).toEqual({
      shippedAt: ['a'],
      'pallets.0.cartons.0.items.0': ['b'],
      'pallets.0.cartons.0': ['c'],
      'cartons.0': ['d'],
      '': ['e', 'f'],
    });
    expect(anchorId('pallets.0.cartons.1')).toBe('pack-pallets-0-cartons-1');
  });

  it('names paths as people read them', () => {
    expect(describePath('pallets.0.cartons.1.items.0.quantity.value')).toBe(
      'Pallet 1, carton 2, item 1, quantity',
    );
    expect(describePath('cartons.2.sscc')).toBe('Loose carton 3, sscc');
    expect(describePath('shippedAt')).toBe('Ship date');
    expect(describePath('')).toBe('The shipment');
  });

  it('reads and shows datetime-local values as UTC', () => {
    expect(fromDateTimeInput('2026-12-03T14:00')).toBe('2026-12-03T14:00:00Z');
    expect(fromDateTimeInput(undefined)).toBeUndefined();
    expect(toDateTimeInput('2026-12-03T15:00:00+01:00')).toBe('2026-12-03T14:00');
    expect(toDateTimeInput(undefined)).toBe('');
  });
});
