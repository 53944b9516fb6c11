import { describe, expect, it } from 'vitest';
import { latencyLines, niceCeiling, percentBars, scorecardView } from './scorecard-view.js';
import { ratio, type Figures, type Scorecard } from './scorecard.js';

const figures = (ack: [number, number], median: number | null, p90: number | null): Figures => ({
  acknowledgmentOnTime: ratio(...ack),
  acknowledgmentLatency: { count: median === null ? 0 : 2, medianHours: median, p90Hours: p90 },
  asnAccuracy: ratio(0, 0),
  onTimeInFull: ratio(1, 4),
});
const card: Scorecard = {
  months: [
    { month: '2026-09', ...figures([1, 2], 47, 72) },
    { month: '2026-10', ...figures([0, 0], null, null) },
    { month: '2026-11', ...figures([3, 3], 6, 12) },
  ],
  total: figures([4, 5], 12, 72),
};

describe('percentBars', () => {
  it('draws bars proportional to the percentage on a 160-unit plot, none for a month without data', () => {
    const chart = percentBars('ack', 'Acknowledgments on time', card, (f) => f.acknowledgmentOnTime);
    // plot height 200 − 12 − 28 = 160: 50 % is 80 high, 100 % is 160 high from the baseline at 172
    expect(chart.bars.map((b) => [b.height, b.y])).toEqual([
      [80, 92],
      [160, 12],
    ]);
    expect(chart.bars[0]!.label).toBe('Sep 26: 50 % (1 of 2)');
    expect(chart.description).toBe(
      'Acknowledgments on time by month: Sep 26 50 %, Oct 26 no data, Nov 26 100 %.',
    );
    expect(chart.columns.map((c) => c.month)).toEqual(['Sep 26', 'Oct 26', 'Nov 26']);
  });
});

describe('latencyLines', () => {
  it('scales to a round ceiling above the largest p90 and skips months without answers', () => {
    const chart = latencyLines(card);
    expect(chart.ticks.at(-1)!.label).toBe('100 h');
    const [median, p90] = chart.series;
    expect(median!.dots).toHaveLength(2);
    // 47 h of 100 on a 160 plot from y 12: 12 + 160 × 0.53 = 96.8
    expect(median!.dots[0]!.y).toBe(96.8);
    expect(p90!.points.split(' ')).toHaveLength(2);
  });

  it('round ceilings', () => {
    expect([0.4, 1, 3, 7, 72, 101].map(niceCeiling)).toEqual([0.5, 1, 5, 10, 100, 200]);
  });
});

describe('scorecardView', () => {
  it('writes the table with dashes for figures that have no data', () => {
    const view = scorecardView(card);
    expect(view.rows[1]).toMatchObject({ label: 'Oct 26', ackOnTime: '–', ackCounted: '0 / 0', median: '–' });
    expect(view.total).toMatchObject({ ackOnTime: '80 %', otif: '25 %', otifCounted: '1 / 4', p90: '72 h' });
  });
});
