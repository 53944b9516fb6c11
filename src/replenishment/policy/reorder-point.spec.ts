import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../../canonical/decimal.js';
import { projectAvailable } from '../balances/projection.js';
import { assess, recommend, type CandidateLine } from '../recommendations/recommend.js';
import { computeReorderPoint, normalQuantile, type ReorderPointInput } from './reorder-point.js';

const d = (value: string) => value as DecimalString;
const series = (...values: number[]) => values.map((v) => d(String(v)));

const base: ReorderPointInput = {
  method: 'dynamic',
  dailyUsage: [],
  daysOfHistory: 28,
  minHistoryDays: 3,
  smoothing: d('0.5'),
  serviceLevel: d('0.95'),
  leadTime: { days: 5, source: 'source-list', deviationDays: d('0') },
  roundingQuantity: d('1'),
  standardReorderPoint: null,
  standardSafetyStock: null,
};

describe('the dynamic reorder point, against hand-computed figures', () => {
  it('series 100, 100, 100, 100, 180 pieces a day, α 0.5, 95 %, lead time 5 days', () => {
    // By hand: m = 100 for four days and v = 0; day 5: u − m = 80, v = 0.5·(0 + 0.5·80²) = 1600,
    // m = 100 + 0.5·80 = 140. D = 140, σ = 40. z(95 %) = 1.6449.
    // SS = 1.6449·√(5·1600) = 1.6449·89.4427191 = 147.1243… → 148 (rounded up to 1 piece).
    // ROP = 140·5 + 147.1243… = 847.1243… → 848.
    const result = computeReorderPoint({ ...base, dailyUsage: series(100, 100, 100, 100, 180) });
    expect(result).toMatchObject({
      basis: 'dynamic',
      averageDailyUsage: '140',
      usageDeviation: '40',
      z: '1.6449',
      leadTimeDays: 5,
      safetyStock: '148',
      reorderPoint: '848',
    });
  });

  it('series 0, 80, 40, 120, α 0.25, 99 %, lead time 4 ± 1 days, rounded to 10', () => {
    // By hand: m₁ = 0, v₁ = 0.
    // day 2: u − m = 80, v = 0.75·(0 + 0.25·6400) = 1200, m = 20.
    // day 3: u − m = 20, v = 0.75·(1200 + 0.25·400) = 975, m = 25.
    // day 4: u − m = 95, v = 0.75·(975 + 0.25·9025) = 2423.4375, m = 48.75.
    // D = 48.75, σ = √2423.4375 = 49.2284. z(99 %) = 2.3263.
    // SS = 2.3263·√(4·2423.4375 + 48.75²·1²) = 2.3263·√12070.3125 = 2.3263·109.8650 = 255.5789 → 260.
    // ROP = 48.75·4 + 255.5789 = 450.5789 → 460.
    const result = computeReorderPoint({
      ...base,
      dailyUsage: series(0, 80, 40, 120),
      smoothing: d('0.25'),
      serviceLevel: d('0.99'),
      leadTime: { days: 4, source: 'measured', deviationDays: d('1'), samples: 6 },
      roundingQuantity: d('10'),
    });
    expect(result).toMatchObject({
      basis: 'dynamic',
      averageDailyUsage: '48.75',
      usageDeviation: '49.2284',
      z: '2.3263',
      safetyStock: '260',
      reorderPoint: '460',
    });
  });

  it('falls back to the standard reorder point with too little history, or none without one', () => {
    const short = { ...base, dailyUsage: series(50, 70), daysOfHistory: 2 };
    expect(
      computeReorderPoint({ ...short, standardReorderPoint: d('500'), standardSafetyStock: d('100') }),
    ).toMatchObject({
      basis: 'standard',
      reorderPoint: '500',
      safetyStock: '100',
      averageDailyUsage: '60',
    });
    const none = computeReorderPoint(short);
    expect(none.basis).toBe('none');
    expect(none.reorderPoint).toBeNull();
    expect(none.reason).toMatch(/2 day\(s\) of consumption history, fewer than the 3/);
    expect(
      computeReorderPoint({
        ...base,
        method: 'standard',
        dailyUsage: series(1),
        standardReorderPoint: d('7'),
      }).reorderPoint,
    ).toBe('7');
    expect(computeReorderPoint({ ...base, dailyUsage: series(1, 2, 3), leadTime: null }).basis).toBe('none');
  });

  it('uses the quantiles of the printed table', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9).toFixed(4)).toBe('1.2816');
    expect(normalQuantile(0.975).toFixed(4)).toBe('1.9600');
    expect(normalQuantile(0.995).toFixed(4)).toBe('2.5758');
    expect(normalQuantile(0.001).toFixed(4)).toBe('-3.0902');
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('recommendations from the projection', () => {
  const line = (due: string, open: string, quantity = open): CandidateLine => ({
    poNumber: '4500000001',
    lineNumber: '10',
    supplier: 'acme-fasteners',
    due,
    open: d(open),
    quantity: d(quantity),
    netPrice: d('0.042'),
    currency: 'EUR',
  });
  const policy = {
    today: '2026-11-27',
    reorderPoint: d('848'),
    safetyStock: d('148'),
    averageDailyUsage: d('140'),
    leadTimeDays: 5,
    preferredSupplier: 'acme-fasteners',
    cycleQuantity: d('700'),
    roundingQuantity: d('1'),
  };
  const projection = (onHand: string, lines: CandidateLine[]) =>
    projectAvailable({
      onHand: d(onHand),
      allocated: d('0'),
      inTransit: d('0'),
      supplies: lines.map((l) => ({ due: l.due, quantity: l.open })),
      today: '2026-11-27',
      horizonDays: 10,
    });

  it('pulls in a line due after the stock runs low', () => {
    // On-hand 800, 2000 due on 12-06 (after the lead time): position 800 < 848. Stock less 140 a day:
    // 660, 520, 380, 240, 100 (< 148 on 12-01), −40 (< 0 on 12-02). Needed by 12-01.
    const lines = [line('2026-12-06', '2000')];
    const projected = projection('800', lines);
    const a = assess({ ...policy, projected });
    expect(a).toEqual({
      position: '800',
      below: true,
      shortageDate: '2026-12-02',
      belowSafetyStockDate: '2026-12-01',
    });
    const r = recommend({ ...policy, projected, lines }, a);
    expect(r).toMatchObject({
      action: 'expedite',
      neededBy: '2026-12-01',
      newDeliveryDate: '2026-12-01',
      newQuantity: null,
      addedQuantity: '0',
      value: '84', // 2000 pulled in × 0.042
    });
  });

  it('raises a line due in time, and orders when there is none', () => {
    // On-hand 700 and 100 due on 11-30: position 800. Shortfall 848 − 800 + 700 cycle = 748.
    const lines = [line('2026-11-30', '100')];
    const projected = projection('700', lines);
    const a = assess({ ...policy, projected });
    expect(a.below).toBe(true);
    expect(recommend({ ...policy, projected, lines }, a)).toMatchObject({
      action: 'increase-quantity',
      newQuantity: '848',
      addedQuantity: '748',
      value: '31.416',
    });
    const none = projection('700', []);
    expect(
      recommend({ ...policy, projected: none, lines: [] }, assess({ ...policy, projected: none })),
    ).toMatchObject({
      action: 'order',
      supplier: 'acme-fasteners',
      newQuantity: '848', // 848 − 700 + 700
      value: null,
    });
  });

  it('does nothing above the reorder point', () => {
    const projected = projection('900', []);
    expect(assess({ ...policy, projected }).below).toBe(false);
  });
});
