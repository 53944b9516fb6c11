import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../../canonical/decimal.js';
import { addDays, openQuantity, projectAvailable } from './projection.js';

const d = (value: string) => value as DecimalString;

describe('projectAvailable', () => {
  it('adds overdue receipts on the first day and later ones on their due day, exactly', () => {
    const days = projectAvailable({
      onHand: d('10.5'),
      allocated: d('0.25'),
      inTransit: d('2'),
      supplies: [
        { due: '2026-11-20', quantity: d('1.1') },
        { due: '2026-11-29', quantity: d('0.2') },
        { due: '2026-12-05', quantity: d('100') },
      ],
      today: '2026-11-27',
      horizonDays: 4,
    });
    expect(days).toEqual([
      { date: '2026-11-27', receipts: '1.1', available: '13.35' },
      { date: '2026-11-28', receipts: '0', available: '13.35' },
      { date: '2026-11-29', receipts: '0.2', available: '13.55' },
      { date: '2026-11-30', receipts: '0', available: '13.55' },
    ]);
  });
});

describe('openQuantity', () => {
  it('takes shipped or received, whichever is more, off the order and keeps the difference in transit', () => {
    expect(openQuantity(d('100'), d('40'), d('10'))).toEqual({ open: '60', inTransit: '30' });
    expect(openQuantity(d('100'), d('0'), d('30'))).toEqual({ open: '70', inTransit: '0' });
    expect(openQuantity(d('100'), d('120'), d('0'))).toEqual({ open: '0', inTransit: '120' });
  });
});

describe('addDays', () => {
  it('crosses months and years in the calendar', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
