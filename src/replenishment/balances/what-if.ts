import { multiply, subtract, type DecimalString } from '../../canonical/decimal.js';
import { projectAvailable, type ProjectedDay, type ProjectionInput, type Supply } from './projection.js';

/** An expected receipt that knows its order line, so one line can be swapped for another version of it. */
export interface LineSupply extends Supply {
  readonly poNumber: string;
  readonly lineNumber: string;
}

/** One day of the two projections side by side. */
export interface ScenarioDay {
  readonly date: string;
  /** Available (less usage) with the line as ordered. */
  readonly asOrdered: DecimalString;
  /** Available (less usage) with the line as the scenario has it. */
  readonly asChanged: DecimalString;
  readonly receiptsAsOrdered: DecimalString;
  readonly receiptsAsChanged: DecimalString;
}

/**
 * The projection with one order line as a scenario has it (a supplier's changed quantity or date):
 * every other supply as it is, this line's open quantity due on the scenario's date. The same rule as
 * projectAvailable, so "with" and "without" differ by that line only. A scenario quantity of zero
 * (a rejected line) removes the line.
 */
export function projectWithLine(
  input: Omit<ProjectionInput, 'supplies'>,
  supplies: readonly LineSupply[],
  line: LineSupply,
): ProjectedDay[] {
  const others = supplies.filter((s) => s.poNumber !== line.poNumber || s.lineNumber !== line.lineNumber);
  return projectAvailable({ ...input, supplies: [...others, line] });
}

/**
 * The two projections day by day, net of a daily usage the way the replenishment loop counts it
 * (recommend.ts `assess`: available less usage × days elapsed, today being day 1), keeping only the
 * days a buyer needs to read the difference: the first and the last, every day a receipt lands in
 * either, and the days named in `alsoShow` (the shortage dates).
 */
export function scenarioDays(
  without: readonly ProjectedDay[],
  withChange: readonly ProjectedDay[],
  dailyUsage: DecimalString = '0' as DecimalString,
  alsoShow: readonly (string | null)[] = [],
): ScenarioDay[] {
  const last = Math.min(without.length, withChange.length) - 1;
  const days: ScenarioDay[] = [];
  for (let i = 0; i <= last; i++) {
    const a = without[i]!;
    const b = withChange[i]!;
    const used = multiply(dailyUsage, String(i + 1) as DecimalString);
    const receipt = a.receipts !== '0' || b.receipts !== '0';
    if (i === 0 || i === last || receipt || alsoShow.includes(a.date))
      days.push({
        date: a.date,
        asOrdered: subtract(a.available, used),
        asChanged: subtract(b.available, used),
        receiptsAsOrdered: a.receipts,
        receiptsAsChanged: b.receipts,
      });
  }
  return days;
}
