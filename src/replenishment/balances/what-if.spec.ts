import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../../canonical/decimal.js';
import { projectAvailable } from './projection.js';
import { projectWithLine, scenarioDays, type LineSupply } from './what-if.js';

const d = (value: string) => value as DecimalString;
const base = {
  onHand: d('100'),
  allocated: d('150'),
  inTransit: d('0'),
  today: '2026-12-01',
  horizonDays: 12,
};
const supplies: LineSupply[] = [
  { poNumber: '4500000001', lineNumber: '10', due: '2026-12-03', quantity: d('20') },
  { poNumber: '4500000001', lineNumber: '20', due: '2026-12-05', quantity: d('140') },
];

describe('projectWithLine', () => {
  it('moves one line to its new date and quantity and leaves every other supply alone', () => {
    const moved = projectWithLine(base, supplies, {
      poNumber: '4500000001',
      lineNumber: '20',
      due: '2026-12-10',
      quantity: d('100'),
    });
    const at = (date: string) => moved.find((day) => day.date === date)!.available;
    expect(at('2026-12-01')).toBe('-50');
    expect(at('2026-12-03')).toBe('-30');
    expect(at('2026-12-05')).toBe('-30');
    expect(at('2026-12-10')).toBe('70');
  });

  it('with the line as it is, equals the plain projection', () => {
    expect(projectWithLine(base, supplies, supplies[1]!)).toEqual(projectAvailable({ ...base, supplies }));
  });

  it('a zero quantity (a rejected line) removes the line from the supplies', () => {
    const rejected = projectWithLine(base, supplies, { ...supplies[1]!, quantity: d('0') });
    expect(rejected.at(-1)!.available).toBe('-30');
  });
});

describe('scenarioDays', () => {
  it('keeps the first and last day and every day a receipt lands in either projection', () => {
    const without = projectAvailable({ ...base, supplies });
    const withChange = projectWithLine(base, supplies, { ...supplies[1]!, due: '2026-12-10' });
    const days = scenarioDays(without, withChange);
    expect(days.map((day) => day.date)).toEqual([
      '2026-12-01',
      '2026-12-03',
      '2026-12-05',
      '2026-12-10',
      '2026-12-12',
    ]);
    expect(days[2]).toEqual({
      date: '2026-12-05',
      asOrdered: '110',
      asChanged: '-30',
      receiptsAsOrdered: '140',
      receiptsAsChanged: '0',
    });
  });

  it('nets out the daily usage as the replenishment loop does, and shows the days asked for', () => {
    const without = projectAvailable({ ...base, allocated: d('0'), supplies });
    const days = scenarioDays(without, without, d('10'), ['2026-12-08']);
    expect(days.map((day) => [day.date, day.asOrdered])).toEqual([
      ['2026-12-01', '90'],
      ['2026-12-03', '90'],
      ['2026-12-05', '210'],
      ['2026-12-08', '180'],
      ['2026-12-12', '140'],
    ]);
  });
});
