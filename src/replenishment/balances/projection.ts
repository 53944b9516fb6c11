import { add, compare, subtract, type DecimalString } from '../../canonical/decimal.js';

/** An expected receipt: an open purchase-order line, due on its confirmed (else requested) date. */
export interface Supply {
  readonly due: string;
  readonly quantity: DecimalString;
}

export interface ProjectionInput {
  readonly onHand: DecimalString;
  readonly allocated: DecimalString;
  /** Shipped by suppliers (ship notices), not yet received: available on arrival, counted from today. */
  readonly inTransit: DecimalString;
  readonly supplies: readonly Supply[];
  /** The first day of the horizon (the plant's today), YYYY-MM-DD. */
  readonly today: string;
  readonly horizonDays: number;
}

export interface ProjectedDay {
  readonly date: string;
  /** Open order quantity due that day (overdue lines count on the first day). */
  readonly receipts: DecimalString;
  /** On-hand − allocated + in transit + every receipt due up to and including that day. */
  readonly available: DecimalString;
}

const ZERO = '0' as DecimalString;

/**
 * Projected available per day over a horizon. Pure and exact: the figures the balances API returns
 * and the ones the tests compute by hand come from the same rule. Consumption forecasts are not
 * projected here; the replenishment policy (#17) applies its own usage to these figures.
 */
export function projectAvailable(input: ProjectionInput): ProjectedDay[] {
  const days: ProjectedDay[] = [];
  let available = add(subtract(input.onHand, input.allocated), input.inTransit);
  for (let i = 0; i < input.horizonDays; i++) {
    const date = addDays(input.today, i);
    const due = input.supplies.filter((s) => (i === 0 ? s.due <= date : s.due === date));
    const receipts = due.reduce((sum, s) => add(sum, s.quantity), ZERO);
    available = add(available, receipts);
    days.push({ date, receipts, available });
  }
  return days;
}

/** The open quantity of an order line: ordered (or confirmed) less what was shipped or received. */
export function openQuantity(
  ordered: DecimalString,
  shipped: DecimalString,
  received: DecimalString,
): { open: DecimalString; inTransit: DecimalString } {
  const delivered = compare(shipped, received) >= 0 ? shipped : received;
  const open = compare(ordered, delivered) > 0 ? subtract(ordered, delivered) : ZERO;
  const inTransit = compare(shipped, received) > 0 ? subtract(shipped, received) : ZERO;
  return { open, inTransit };
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
