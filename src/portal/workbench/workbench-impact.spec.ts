import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../../canonical/decimal.js';
import type { ExceptionCase } from '../../exceptions/exception.types.js';
import type { PurchaseOrderLine } from '../../procurement/purchase-order.types.js';
import { askedChange, chartOf, impactOfChange } from './workbench-impact.js';

const d = (value: string) => value as DecimalString;

const line: PurchaseOrderLine = {
  lineNumber: '20',
  material: 'CMP-HOUSING-C1',
  supplierPart: null,
  quantity: d('140'),
  unit: 'H87',
  unitPrice: d('38.5'),
  deliveryDate: '2026-12-10',
  cancelled: false,
  ackStatus: 'changed',
  confirmedQuantity: d('140'),
  confirmedDate: '2026-12-15',
  confirmedPrice: d('38.5'),
  decision: 'held',
  shippedQuantity: d('0'),
  receivedQuantity: d('0'),
};

const dateCase = {
  type: 'acknowledgment.date-changed',
  differences: { deliveryDate: { expected: '2026-12-10', actual: '2026-12-15' } },
} as unknown as ExceptionCase;

describe('askedChange', () => {
  it('sets what the supplier asked against the line and marks what differs', () => {
    const asked = askedChange(dateCase, line);
    expect(asked.fields).toEqual([
      { field: 'quantity', label: 'Quantity', ordered: '140', asked: '140', differs: false },
      {
        field: 'deliveryDate',
        label: 'Delivery date',
        ordered: '2026-12-10',
        asked: '2026-12-15',
        differs: true,
      },
      { field: 'unitPrice', label: 'Unit price', ordered: '38.5', asked: '38.5', differs: false },
    ]);
    expect(asked.due).toEqual({ ordered: '2026-12-10', asked: '2026-12-15' });
  });

  it('takes the case’s own differences over the line’s later confirmation, and a rejection as nothing coming', () => {
    const quantityCase = {
      differences: { quantity: { expected: '140', actual: '100.000' } },
    } as unknown as ExceptionCase;
    expect(askedChange(quantityCase, { ...line, confirmedQuantity: d('120') }).quantity).toEqual({
      ordered: '140',
      asked: '100',
    });
    const rejected = askedChange(
      { differences: { status: { expected: 'accepted', actual: 'rejected' } } } as unknown as ExceptionCase,
      line,
    );
    expect(rejected.rejected).toBe(true);
    expect(rejected.quantity.asked).toBe('0');
    expect(askedChange(quantityCase, line).fields[0]!.differs).toBe(true);
  });

  it('takes a ship date the supplier gave instead of a delivery date as the day asked, and says so', () => {
    const shipCase = {
      differences: { shipDate: { expected: '2026-12-10', actual: '2026-12-18' } },
    } as unknown as ExceptionCase;
    const asked = askedChange(shipCase, { ...line, confirmedDate: null });
    expect(asked.fields[1]).toEqual({
      field: 'deliveryDate',
      label: 'Delivery date (the supplier gave a ship date)',
      ordered: '2026-12-10',
      asked: '2026-12-18',
      differs: true,
    });
    expect(asked.due).toEqual({ ordered: '2026-12-10', asked: '2026-12-18' });
  });
});

describe('impactOfChange', () => {
  const balance = {
    onHand: d('100'),
    allocated: d('0'),
    inTransit: d('0'),
    today: '2026-12-01',
    supplies: [
      { poNumber: '4500000001', lineNumber: '20', due: '2026-12-15', quantity: d('140') },
      { poNumber: '4500000002', lineNumber: '10', due: '2026-12-20', quantity: d('50') },
    ],
  };

  it('projects the line as ordered and as asked; with 10 a day, five days later moves the shortage from none to Dec 11', () => {
    const impact = impactOfChange(balance, '4500000001', line, askedChange(dateCase, line), d('10'));
    // Without: 100 on hand, 10 a day, 140 on Dec 10 (day 10, left 0 before it): never below zero
    // within the horizon up to Dec 22 (100 + 140 + 50 − 220 = 70). With: the 140 come on Dec 15,
    // so Dec 11 is the first day below zero (100 − 110).
    expect(impact.shortageWithout).toBeNull();
    expect(impact.shortageWith).toBe('2026-12-11');
    expect(impact.coveredWithout).toBeNull();
    expect(impact.coveredWith).toBe('2026-12-15');
    expect(impact.horizonDays).toBe(28);
    const row = (date: string) => impact.days.find((day) => day.date === date)!;
    expect(row('2026-12-10')).toEqual({
      date: '2026-12-10',
      asOrdered: '140',
      asChanged: '0',
      receiptsAsOrdered: '140',
      receiptsAsChanged: '0',
    });
    expect(row('2026-12-11')).toMatchObject({ asOrdered: '130', asChanged: '-10' });
    expect(row('2026-12-15')).toMatchObject({ asOrdered: '90', asChanged: '90' });
  });

  it('counts only what is still open on the line (shipped or received is already in stock or in transit)', () => {
    const partly = { ...line, shippedQuantity: d('40'), receivedQuantity: d('40') };
    const impact = impactOfChange(balance, '4500000001', partly, askedChange(dateCase, partly), d('0'));
    expect(impact.days.find((day) => day.date === '2026-12-10')!.receiptsAsOrdered).toBe('100');
  });

  it('says until when the plant is short: from today until the line lands, as ordered and as asked', () => {
    const short = { ...balance, allocated: d('150'), supplies: [balance.supplies[0]!] };
    const impact = impactOfChange(short, '4500000001', line, askedChange(dateCase, line), d('0'));
    expect([impact.shortageWithout, impact.coveredWithout]).toEqual(['2026-12-01', '2026-12-10']);
    expect([impact.shortageWith, impact.coveredWith]).toEqual(['2026-12-01', '2026-12-15']);
  });
});

describe('chartOf', () => {
  it('draws one step per day on a shared scale that includes zero, with the zero line when stock goes below it', () => {
    const chart = chartOf([-50, -50, 90, 90], [-50, -50, -50, 90], '2026-12-01', '2026-12-04');
    expect(chart.asOrdered.split(' ')).toHaveLength(8);
    expect(chart.asOrdered.startsWith('6,174 ')).toBe(true); // the lowest value at the bottom
    expect(chart.asOrdered.endsWith('634,6')).toBe(true); // the highest at the top, the last day at the right
    expect(chart.zeroY).toBe(114); // 6 + 168 × 90 / 140: 90 of the 140 range above zero
    expect([chart.min, chart.max]).toEqual(['-50', '90']);
    expect(chartOf([5, 10], [5, 10], 'a', 'b').zeroY).toBeNull();
  });
});
