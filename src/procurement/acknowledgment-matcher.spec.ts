import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../canonical/decimal.js';
import {
  daysBetween,
  matchAcknowledgment,
  type OrderedLine,
  type Tolerances,
} from './acknowledgment-matcher.js';

const d = (value: string) => value as DecimalString;
const ordered: OrderedLine[] = [
  {
    lineNumber: '10',
    material: 'CMP-BOLT-M8',
    quantity: d('4800'),
    unit: 'H87',
    unitPrice: d('0.042'),
    deliveryDate: '2026-12-04',
    cancelled: false,
  },
  {
    lineNumber: '20',
    material: 'CMP-HOUSING-C1',
    quantity: d('140'),
    unit: 'H87',
    unitPrice: null,
    deliveryDate: '2026-12-10',
    cancelled: false,
  },
  {
    lineNumber: '30',
    material: 'RAW-STEEL-S235',
    quantity: d('1'),
    unit: 'TNE',
    unitPrice: d('900'),
    deliveryDate: '2026-12-10',
    cancelled: true,
  },
];
const CURRENCY = 'EUR';
const tolerances: Tolerances = { quantityPercent: 2, pricePercent: 0, dateDaysEarly: 2, dateDaysLate: 0 };
const q = (value: string, unit = 'H87') => ({ value, unit }) as never;

describe('matchAcknowledgment', () => {
  it('accepts a quantity within the percentage, exactly at the edge, and holds one beyond it', () => {
    const [atEdge] = matchAcknowledgment(
      ordered,
      [{ lineNumber: '10', status: 'changed', changes: ['quantity'], quantity: q('4704') }],
      tolerances,
      CURRENCY,
    );
    expect(atEdge).toMatchObject({ decision: 'accept', problems: [] });
    const [beyond] = matchAcknowledgment(
      ordered,
      [{ lineNumber: '10', status: 'changed', changes: ['quantity'], quantity: q('4703') }],
      tolerances,
      CURRENCY,
    );
    expect(beyond).toMatchObject({
      decision: 'hold',
      problems: ['acknowledgment.quantity-changed'],
      differences: { quantity: { expected: '4800', actual: '4703' } },
      valueAtRisk: '201.6',
    });
  });

  it('compares in the order line unit (a dozen is twelve pieces)', () => {
    const [line] = matchAcknowledgment(
      ordered,
      [{ lineNumber: '20', status: 'accepted', quantity: q('11.6666', 'DZN') }],
      { ...tolerances, quantityPercent: 0.1 },
      CURRENCY,
    );
    expect(line!.confirmed.quantity).toBe('139.9992');
    expect(line!.decision).toBe('accept');
  });

  it('allows early delivery within the early days and no lateness; reports days late', () => {
    const early = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'changed',
          changes: ['date'],
          schedule: [{ quantity: q('4800'), deliveryDate: '2026-12-02' }],
        },
      ],
      tolerances,
      CURRENCY,
    );
    expect(early[0]!.decision).toBe('accept');
    const late = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'changed',
          changes: ['date'],
          schedule: [{ quantity: q('4800'), deliveryDate: '2026-12-05' }],
        },
      ],
      tolerances,
      CURRENCY,
    );
    expect(late[0]).toMatchObject({
      decision: 'hold',
      problems: ['acknowledgment.date-changed'],
      daysLate: 1,
    });
    const tooEarly = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'changed',
          changes: ['date'],
          schedule: [{ quantity: q('4800'), deliveryDate: '2026-12-01' }],
        },
      ],
      tolerances,
      CURRENCY,
    );
    expect(tooEarly[0]).toMatchObject({ decision: 'hold', daysLate: 0 });
  });

  it('never judges a ship date early (no transit time), and holds one after the delivery date', () => {
    const answer = (schedule: object[]) =>
      matchAcknowledgment(
        ordered,
        [{ lineNumber: '10', status: 'changed', changes: ['date'], schedule: schedule as never }],
        tolerances,
        CURRENCY,
      )[0]!;
    // Ships ten days before the delivery date, two are allowed early: it may well arrive on time.
    const shipsEarly = answer([{ quantity: q('4800'), shipDate: '2026-11-24' }]);
    expect(shipsEarly).toMatchObject({ decision: 'accept', problems: [], daysLate: 0 });
    expect(shipsEarly.confirmed.deliveryDate).toBe('2026-11-24');
    // Ships after it: it cannot arrive in time; the case says it is a ship date.
    const shipsLate = answer([{ quantity: q('4800'), shipDate: '2026-12-06' }]);
    expect(shipsLate).toMatchObject({
      decision: 'hold',
      problems: ['acknowledgment.date-changed'],
      differences: { shipDate: { expected: '2026-12-04', actual: '2026-12-06' } },
      daysLate: 2,
    });
    // A delivery date ten days early is still early, also beside an earlier ship-only line.
    const deliveredEarly = answer([
      { quantity: q('2400'), shipDate: '2026-11-20' },
      { quantity: q('2400'), deliveryDate: '2026-11-24' },
    ]);
    expect(deliveredEarly).toMatchObject({
      decision: 'hold',
      differences: { deliveryDate: { expected: '2026-12-04', actual: '2026-11-24' } },
    });
    // On one day, the delivery date is the one judged.
    const sameDay = answer([
      { quantity: q('2400'), deliveryDate: '2026-11-24' },
      { quantity: q('2400'), shipDate: '2026-11-24' },
    ]);
    expect(sameDay.decision).toBe('hold');
  });

  it('converts a price per 1,000 pieces to the line unit before comparing', () => {
    const [same] = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'accepted',
          unitPrice: { amount: '42', currency: 'EUR', per: q('1000') } as never,
        },
      ],
      tolerances,
      CURRENCY,
    );
    expect(same).toMatchObject({ decision: 'accept', confirmed: { unitPrice: '0.042' } });
    const [dearer] = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'changed',
          changes: ['price'],
          unitPrice: { amount: '43', currency: 'EUR', per: q('1000') } as never,
        },
      ],
      tolerances,
      CURRENCY,
    );
    expect(dearer).toMatchObject({ decision: 'hold', problems: ['acknowledgment.price-changed'] });
  });

  it('holds rejected and backordered lines and lines the order does not have (or cancelled)', () => {
    const verdicts = matchAcknowledgment(
      ordered,
      [
        { lineNumber: '10', status: 'rejected' },
        { lineNumber: '20', status: 'backordered' },
        { lineNumber: '30', status: 'accepted' },
        { lineNumber: '99', status: 'accepted' },
      ],
      tolerances,
      CURRENCY,
    );
    expect(verdicts.map((v) => [v.lineNumber, v.decision, v.problems])).toEqual([
      ['10', 'hold', ['acknowledgment.rejected']],
      ['20', 'hold', ['acknowledgment.backordered']],
      ['30', 'hold', ['acknowledgment.unknown-line']],
      ['99', 'hold', ['acknowledgment.unknown-line']],
    ]);
    expect(verdicts[0]!.confirmed.quantity).toBe('0');
  });

  it('confirms the ordered quantity and date when a line is accepted without them', () => {
    const [line] = matchAcknowledgment(
      ordered,
      [{ lineNumber: '10', status: 'accepted' }],
      tolerances,
      CURRENCY,
    );
    expect(line).toMatchObject({
      decision: 'accept',
      confirmed: { quantity: '4800', deliveryDate: '2026-12-04' },
    });
  });

  it('compares a price of more than six decimals exactly and confirms it at the ERP scale', () => {
    const [line] = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'accepted',
          unitPrice: { amount: '0.0421875', currency: 'EUR' } as never,
        },
      ],
      { ...tolerances, pricePercent: 1 },
      CURRENCY,
    );
    // Half-even at six decimals: 0.0421875 is a tie, the even neighbour is 0.042188.
    expect(line).toMatchObject({ decision: 'accept', confirmed: { unitPrice: '0.042188' } });
  });

  it('holds, never throws, a price the ERP contract cannot carry', () => {
    const [line] = matchAcknowledgment(
      ordered,
      [
        {
          lineNumber: '10',
          status: 'accepted',
          unitPrice: { amount: '1234567890123456', currency: 'EUR' } as never,
        },
      ],
      { ...tolerances, pricePercent: 100 },
      CURRENCY,
    );
    expect(line).toMatchObject({ decision: 'hold', problems: ['acknowledgment.price-changed'] });
  });

  it('compares a quantity in another unit without dividing (4790 EA against 400 DZN)', () => {
    const dozens: OrderedLine = { ...ordered[0]!, quantity: d('400'), unit: 'DZN', unitPrice: d('0.5') };
    const [line] = matchAcknowledgment(
      [dozens],
      [
        {
          lineNumber: '10',
          status: 'changed',
          changes: ['quantity'],
          quantity: q('4790', 'EA'),
          unitPrice: { amount: '4.2', currency: 'EUR', per: q('100', 'EA') } as never,
        },
      ],
      { ...tolerances, pricePercent: 1 },
      CURRENCY,
    );
    // 4.20 per 100 each is 0.504 per dozen: within 1 % of 0.50.
    expect(line).toMatchObject({
      decision: 'accept',
      confirmed: { quantity: '399.166667', unitPrice: '0.504' },
    });
    const pounds: OrderedLine = { ...ordered[0]!, quantity: d('220'), unit: 'LBR', unitPrice: null };
    const [weighed] = matchAcknowledgment(
      [pounds],
      [{ lineNumber: '10', status: 'changed', changes: ['quantity'], quantity: q('100', 'KGM') }],
      tolerances,
      CURRENCY,
    );
    expect(weighed).toMatchObject({ decision: 'accept', confirmed: { quantity: '220.462262' } });
  });

  it('holds a price in another currency, however close its amount', () => {
    const [line] = matchAcknowledgment(
      ordered,
      [{ lineNumber: '10', status: 'accepted', unitPrice: { amount: '0.042', currency: 'USD' } as never }],
      tolerances,
      CURRENCY,
    );
    expect(line).toMatchObject({
      decision: 'hold',
      problems: ['acknowledgment.price-changed'],
      differences: { currency: { expected: 'EUR', actual: 'USD' } },
    });
  });

  it('counts calendar days across a month end', () => {
    expect(daysBetween('2026-11-29', '2026-12-02')).toBe(3);
    expect(daysBetween('2026-12-02', '2026-11-29')).toBe(-3);
  });
});
