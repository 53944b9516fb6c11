import {
  compare,
  decimal,
  isNegative,
  multiply,
  subtract,
  type DecimalString,
} from '../../canonical/decimal.js';
import type { ExceptionCase, JsonValue } from '../../exceptions/exception.types.js';
import type { PurchaseOrderLine } from '../../procurement/purchase-order.types.js';
import { openQuantity, type ProjectedDay } from '../../replenishment/balances/projection.js';
import {
  projectWithLine,
  scenarioDays,
  type LineSupply,
  type ScenarioDay,
} from '../../replenishment/balances/what-if.js';
import { assess } from '../../replenishment/recommendations/recommend.js';

/** One field of the line: as ordered, as the supplier asked, and whether they differ. */
export interface AskedField {
  readonly field: 'quantity' | 'deliveryDate' | 'unitPrice';
  readonly label: string;
  readonly ordered: string | null;
  readonly asked: string | null;
  readonly differs: boolean;
}

export interface AskedChange {
  readonly fields: readonly AskedField[];
  /** The supplier rejected the line: nothing will come. */
  readonly rejected: boolean;
  readonly quantity: { readonly ordered: DecimalString; readonly asked: DecimalString };
  readonly due: { readonly ordered: string; readonly asked: string };
}

const LABELS = { quantity: 'Quantity', deliveryDate: 'Delivery date', unitPrice: 'Unit price' } as const;
const SHIP_DATE_LABEL = 'Delivery date (the supplier gave a ship date)';

/**
 * What the supplier asked for against the PO line: the case's own differences first (what this
 * answer said), the line's confirmed values otherwise (a later answer may have moved them).
 */
export function askedChange(found: ExceptionCase, line: PurchaseOrderLine): AskedChange {
  const actual = (field: string): string | null => {
    const value: JsonValue | undefined = found.differences[field]?.actual;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  };
  const rejected = actual('status') === 'rejected';
  const askedQuantity = rejected ? '0' : (actual('quantity') ?? line.confirmedQuantity ?? line.quantity);
  // A supplier that gave only a ship date (too late to arrive in time) asked for that day.
  const shipDate = actual('shipDate');
  const askedDate = actual('deliveryDate') ?? shipDate ?? line.confirmedDate ?? line.deliveryDate;
  const askedPrice = actual('unitPrice') ?? line.confirmedPrice ?? line.unitPrice;
  const field = (name: keyof typeof LABELS, ordered: string | null, asked: string | null): AskedField => ({
    field: name,
    label: name === 'deliveryDate' && shipDate !== null ? SHIP_DATE_LABEL : LABELS[name],
    ordered,
    asked,
    differs: ordered !== null && asked !== null && !sameValue(ordered, asked),
  });
  return {
    fields: [
      field('quantity', line.quantity, askedQuantity),
      field('deliveryDate', line.deliveryDate, askedDate),
      field('unitPrice', line.unitPrice, askedPrice),
    ],
    rejected,
    quantity: { ordered: decimal(line.quantity), asked: decimal(askedQuantity) },
    due: { ordered: line.deliveryDate, asked: askedDate },
  };
}

/** '140' and '140.000' are the same quantity; dates and other text compare as they are. */
function sameValue(a: string, b: string): boolean {
  const number = /^\d+(\.\d+)?$/;
  return number.test(a) && number.test(b) ? compare(decimal(a), decimal(b)) === 0 : a === b;
}

export interface BalanceFacts {
  readonly onHand: DecimalString;
  readonly allocated: DecimalString;
  readonly inTransit: DecimalString;
  readonly today: string;
  readonly supplies: readonly LineSupply[];
}

export interface ChangeImpact {
  readonly days: readonly ScenarioDay[];
  /** First day stock less usage falls below zero, without the change (as ordered) and with it. */
  readonly shortageWithout: string | null;
  readonly shortageWith: string | null;
  /** The day stock is back above zero for good after a shortage (null: never short, or not within the horizon). */
  readonly coveredWithout: string | null;
  readonly coveredWith: string | null;
  readonly dailyUsage: DecimalString;
  readonly horizonDays: number;
  readonly chart: Chart;
}

/** Two step lines in SVG coordinates, drawn by the page without script (an inline <svg>). */
export interface Chart {
  readonly width: number;
  readonly height: number;
  readonly asOrdered: string;
  readonly asChanged: string;
  /** The y of zero stock, or null when the range does not cross it. */
  readonly zeroY: number | null;
  readonly from: string;
  readonly to: string;
  readonly min: string;
  readonly max: string;
}

/**
 * The material's projection with the line as ordered and as the supplier asked, over a horizon that
 * reaches a week past the later of the two dates; the shortage date by the replenishment loop's own
 * rule (`assess`), with the average daily usage of its latest reorder-point decision.
 */
export function impactOfChange(
  balance: BalanceFacts,
  poNumber: string,
  line: PurchaseOrderLine,
  change: AskedChange,
  dailyUsage: DecimalString,
): ChangeImpact {
  const latest = change.due.asked > change.due.ordered ? change.due.asked : change.due.ordered;
  const horizonDays = Math.min(180, Math.max(28, daysBetween(balance.today, latest) + 8));
  const base = { ...balance, horizonDays };
  const supply = (quantity: DecimalString, due: string): LineSupply => ({
    poNumber,
    lineNumber: line.lineNumber,
    due,
    quantity: openQuantity(quantity, line.shippedQuantity, line.receivedQuantity).open,
  });
  const without = projectWithLine(
    base,
    balance.supplies,
    supply(change.quantity.ordered, change.due.ordered),
  );
  const withChange = projectWithLine(base, balance.supplies, supply(change.quantity.asked, change.due.asked));
  const shortage = (projected: ProjectedDay[]) =>
    assess({
      today: balance.today,
      reorderPoint: decimal('0'),
      safetyStock: decimal('0'),
      averageDailyUsage: dailyUsage,
      leadTimeDays: 0,
      projected,
    }).shortageDate;
  const shortageWithout = shortage(without);
  const shortageWith = shortage(withChange);
  const net = (projected: readonly ProjectedDay[]) =>
    projected.map((day, i) => Number(subtract(day.available, multiply(dailyUsage, decimal(String(i + 1))))));
  const coveredWithout = coveredFrom(without, dailyUsage, shortageWithout);
  const coveredWith = coveredFrom(withChange, dailyUsage, shortageWith);
  return {
    days: scenarioDays(without, withChange, dailyUsage, [shortageWithout, shortageWith]),
    shortageWithout,
    shortageWith,
    coveredWithout,
    coveredWith,
    dailyUsage,
    horizonDays,
    chart: chartOf(
      net(without),
      net(withChange),
      without[0]?.date ?? balance.today,
      without.at(-1)?.date ?? '',
    ),
  };
}

const CHART = { width: 640, height: 180, pad: 6 } as const;

/**
 * Both series on one scale (floats are fine for a picture; the table holds the exact figures): one
 * step per day, zero included in the range so a shortage always shows below the zero line.
 */
export function chartOf(
  asOrdered: readonly number[],
  asChanged: readonly number[],
  from: string,
  to: string,
): Chart {
  const all = [...asOrdered, ...asChanged, 0];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const span = max - min || 1;
  const days = Math.max(asOrdered.length, asChanged.length, 1);
  const x = (i: number) => round(CHART.pad + ((CHART.width - 2 * CHART.pad) * i) / days);
  const y = (v: number) => round(CHART.pad + ((CHART.height - 2 * CHART.pad) * (max - v)) / span);
  const steps = (series: readonly number[]) =>
    series.map((v, i) => `${x(i)},${y(v)} ${x(i + 1)},${y(v)}`).join(' ');
  return {
    width: CHART.width,
    height: CHART.height,
    asOrdered: steps(asOrdered),
    asChanged: steps(asChanged),
    zeroY: min < 0 && max > 0 ? y(0) : null,
    from,
    to,
    min: String(min),
    max: String(max),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The first day after which stock less usage never falls below zero again within the horizon. */
function coveredFrom(
  projected: readonly ProjectedDay[],
  dailyUsage: DecimalString,
  shortage: string | null,
): string | null {
  if (shortage === null) return null;
  let covered: string | null = null;
  projected.forEach((day, i) => {
    const left = subtract(day.available, multiply(dailyUsage, decimal(String(i + 1))));
    if (isNegative(left)) covered = null;
    else covered ??= day.date;
  });
  return covered;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
