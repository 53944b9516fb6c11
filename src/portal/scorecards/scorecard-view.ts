import type { Figures, Ratio, Scorecard } from './scorecard.js';

/**
 * The scorecard as the pages draw it: server-rendered SVG (no script; the template only places
 * shapes computed here) and the same figures as a table, for screen readers and for copying.
 */

const WIDTH = 520;
const HEIGHT = 200;
const LEFT = 40;
const RIGHT = 10;
const TOP = 12;
const BOTTOM = 28;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

export interface ChartTick {
  readonly y: number;
  readonly label: string;
}

export interface ChartColumn {
  readonly month: string;
  readonly labelX: number;
}

export interface BarChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly ticks: readonly ChartTick[];
  readonly columns: readonly ChartColumn[];
  readonly bars: readonly { x: number; y: number; width: number; height: number; label: string }[];
  readonly baseline: number;
  readonly plotLeft: number;
  readonly plotRight: number;
}

export interface LineChart extends Omit<BarChart, 'bars'> {
  readonly series: readonly {
    readonly name: string;
    readonly className: string;
    readonly points: string;
    readonly dots: readonly { x: number; y: number; label: string }[];
  }[];
}

const monthLabel = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleString('en', {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });

function columns(months: readonly string[]): { slot: number; columns: ChartColumn[] } {
  const slot = PLOT_W / Math.max(1, months.length);
  return {
    slot,
    columns: months.map((month, i) => ({ month: monthLabel(month), labelX: round(LEFT + slot * (i + 0.5)) })),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

function frame(id: string, title: string, description: string, max: number, unit: string) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({
    y: round(TOP + PLOT_H * (1 - f)),
    label: `${round(max * f)}${unit}`,
  }));
  return {
    id,
    title,
    description,
    width: WIDTH,
    height: HEIGHT,
    ticks,
    baseline: TOP + PLOT_H,
    plotLeft: LEFT,
    plotRight: WIDTH - RIGHT,
  };
}

/** Monthly bars of a percentage (0–100 %); a month with nothing counted has no bar. */
export function percentBars(
  id: string,
  title: string,
  card: Scorecard,
  pick: (f: Figures) => Ratio,
): BarChart {
  const { slot, columns: cols } = columns(card.months.map((m) => m.month));
  const described = card.months
    .map((m) => `${monthLabel(m.month)} ${pick(m).percent === null ? 'no data' : `${pick(m).percent} %`}`)
    .join(', ');
  return {
    ...frame(id, title, `${title} by month: ${described}.`, 100, ' %'),
    columns: cols,
    bars: card.months.flatMap((m, i) => {
      const percent = pick(m).percent;
      if (percent === null) return [];
      const height = round((PLOT_H * percent) / 100);
      return [
        {
          x: round(LEFT + slot * i + slot * 0.2),
          y: round(TOP + PLOT_H - height),
          width: round(slot * 0.6),
          height,
          label: `${monthLabel(m.month)}: ${percent} % (${pick(m).hits} of ${pick(m).total})`,
        },
      ];
    }),
  };
}

/** Median and p90 acknowledgment latency by month, in hours; months without answers break no line. */
export function latencyLines(card: Scorecard): LineChart {
  const { slot, columns: cols } = columns(card.months.map((m) => m.month));
  const values = card.months.flatMap((m) => [m.acknowledgmentLatency.p90Hours ?? 0]);
  const top = niceCeiling(Math.max(1, ...values));
  const seriesOf = (name: string, className: string, pick: (f: Figures) => number | null) => {
    const dots = card.months.flatMap((m, i) => {
      const value = pick(m);
      if (value === null) return [];
      return [
        {
          x: round(LEFT + slot * (i + 0.5)),
          y: round(TOP + PLOT_H * (1 - value / top)),
          label: `${monthLabel(m.month)} ${name}: ${value} h`,
        },
      ];
    });
    return { name, className, points: dots.map((d) => `${d.x},${d.y}`).join(' '), dots };
  };
  const described = card.months
    .map((m) =>
      m.acknowledgmentLatency.count === 0
        ? `${monthLabel(m.month)} no answers`
        : `${monthLabel(m.month)} median ${m.acknowledgmentLatency.medianHours} h, p90 ${m.acknowledgmentLatency.p90Hours} h`,
    )
    .join('; ');
  return {
    ...frame(
      'latency',
      'Acknowledgment latency',
      `Acknowledgment latency by month: ${described}.`,
      top,
      ' h',
    ),
    columns: cols,
    series: [
      seriesOf('median', 'chart-line-median', (f) => f.acknowledgmentLatency.medianHours),
      seriesOf('p90', 'chart-line-p90', (f) => f.acknowledgmentLatency.p90Hours),
    ],
  };
}

/** 1, 2, 5 × 10ⁿ at or above `n`, so the axis reads in round hours. */
export function niceCeiling(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= n)!;
}

const percentText = (r: Ratio) => (r.percent === null ? '–' : `${r.percent} %`);
const hoursText = (h: number | null) => (h === null ? '–' : `${h} h`);

export interface ScorecardRow {
  readonly label: string;
  readonly ackOnTime: string;
  readonly ackCounted: string;
  readonly median: string;
  readonly p90: string;
  readonly answered: number;
  readonly asnAccuracy: string;
  readonly asnCounted: string;
  readonly otif: string;
  readonly otifCounted: string;
}

function row(label: string, f: Figures): ScorecardRow {
  return {
    label,
    ackOnTime: percentText(f.acknowledgmentOnTime),
    ackCounted: `${f.acknowledgmentOnTime.hits} / ${f.acknowledgmentOnTime.total}`,
    median: hoursText(f.acknowledgmentLatency.medianHours),
    p90: hoursText(f.acknowledgmentLatency.p90Hours),
    answered: f.acknowledgmentLatency.count,
    asnAccuracy: percentText(f.asnAccuracy),
    asnCounted: `${f.asnAccuracy.hits} / ${f.asnAccuracy.total}`,
    otif: percentText(f.onTimeInFull),
    otifCounted: `${f.onTimeInFull.hits} / ${f.onTimeInFull.total}`,
  };
}

/** Everything the scorecard partial renders. */
export function scorecardView(card: Scorecard) {
  return {
    total: row('Period', card.total),
    rows: card.months.map((m) => row(monthLabel(m.month), m)),
    charts: [
      percentBars('ack-on-time', 'Acknowledgments on time', card, (f) => f.acknowledgmentOnTime),
      percentBars('asn-accuracy', 'ASN accuracy', card, (f) => f.asnAccuracy),
      percentBars('otif', 'On time in full', card, (f) => f.onTimeInFull),
    ],
    latency: latencyLines(card),
  };
}

export const PERIODS = [3, 6, 12] as const;
