import { Decimal } from 'decimal.js';
import { CanonicalError, CanonicalErrorCode } from '../../canonical/canonical.exception.js';
import { decimal, divide, multiply, type DecimalString } from '../../canonical/decimal.js';
import { addDays, type ProjectedDay } from '../balances/projection.js';
import { roundUp } from '../policy/reorder-point.js';

/** An open purchase-order line that could cover the need. */
export interface CandidateLine {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly supplier: string;
  readonly due: string;
  /** Still to come (ordered or confirmed, less shipped or received), in the material's base unit. */
  readonly open: DecimalString;
  /** The line's ordered quantity in its own unit; a change of quantity names the new one. */
  readonly quantity: DecimalString;
  /** Price per the line's unit. */
  readonly netPrice: DecimalString | null;
  readonly currency: string | null;
  /** The line's unit when it is not the base unit (DZN, EA against H87). */
  readonly unit?: string;
  /** Base units one of the line's unit holds (12 for a DZN line against H87); 1 when absent. */
  readonly baseQuantityPerUnit?: DecimalString;
}

export interface RecommendInput {
  readonly today: string;
  readonly reorderPoint: DecimalString;
  readonly safetyStock: DecimalString;
  readonly averageDailyUsage: DecimalString;
  readonly leadTimeDays: number;
  /** Projected available per day from today (balances), without usage. */
  readonly projected: readonly ProjectedDay[];
  /** Open lines of the material at the plant; the preferred supplier's first. */
  readonly lines: readonly CandidateLine[];
  readonly preferredSupplier: string | null;
  /** The cycle quantity on top of the shortfall: the policy's standard quantity, else D × coverage days. */
  readonly cycleQuantity: DecimalString;
  readonly roundingQuantity: DecimalString;
}

export type Action = 'expedite' | 'increase-quantity' | 'order';

export interface Assessment {
  /** Projected available at the end of the lead time: what is there plus what arrives within it. */
  readonly position: DecimalString;
  readonly below: boolean;
  /** First day projected stock less usage falls below zero (within the horizon), else null. */
  readonly shortageDate: string | null;
  /** First day it falls below the safety stock, else null. */
  readonly belowSafetyStockDate: string | null;
}

export interface Recommendation {
  readonly action: Action;
  readonly neededBy: string;
  readonly supplier: string | null;
  readonly line: CandidateLine | null;
  /** For `expedite`: the line's new date. */
  readonly newDeliveryDate: string | null;
  /** The line's new ordered quantity (increase, or expedite with more), or the quantity to order. */
  readonly newQuantity: DecimalString | null;
  /** The unit of `newQuantity` and `addedQuantity`: the line's for a line change, else null (base). */
  readonly unit: string | null;
  /** How much more is ordered (0 for a pure expedite), in `unit`. */
  readonly addedQuantity: DecimalString;
  /** The added quantity in the base unit, or for a pure expedite the open quantity pulled in. */
  readonly movedBaseQuantity: DecimalString;
  /** Value the change moves: added quantity (or, for a pure expedite, the quantity pulled in) × price. */
  readonly value: DecimalString | null;
  readonly currency: string | null;
  readonly explanation: string;
}

const P = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/**
 * Whether the material needs replenishing: the position (projected available at the end of the lead
 * time, i.e. on-hand − allocated + in transit + receipts due within it) against the reorder point,
 * and when stock less the average usage per day runs out.
 */
export function assess(
  input: Omit<RecommendInput, 'lines' | 'preferredSupplier' | 'cycleQuantity' | 'roundingQuantity'>,
): Assessment {
  const days = input.projected;
  const atLead = days[Math.min(input.leadTimeDays, days.length - 1)];
  const position = atLead ? atLead.available : decimal('0');
  const usage = new P(input.averageDailyUsage);
  let shortageDate: string | null = null;
  let belowSafetyStockDate: string | null = null;
  days.forEach((day, i) => {
    const left = new P(day.available).minus(usage.times(i + 1));
    if (belowSafetyStockDate === null && left.lt(new P(input.safetyStock))) belowSafetyStockDate = day.date;
    if (shortageDate === null && left.lt(0)) shortageDate = day.date;
  });
  return {
    position,
    below: new P(position).lt(new P(input.reorderPoint)),
    shortageDate,
    belowSafetyStockDate,
  };
}

/**
 * What to do about a crossing: pull in an open line due after the stock is needed (and raise it if
 * that is still not enough), raise the quantity of a line due in time, or — with no open line — ask
 * the ERP for a new order. Quantities are in the base unit, rounded up to the rounding quantity.
 */
export function recommend(input: RecommendInput, assessment: Assessment): Recommendation {
  const tomorrow = addDays(input.today, 1);
  const wanted =
    assessment.belowSafetyStockDate ?? assessment.shortageDate ?? addDays(input.today, input.leadTimeDays);
  const neededBy = wanted < tomorrow ? tomorrow : wanted;
  const leadEnd = addDays(input.today, input.leadTimeDays);
  const shortfall = (position: DecimalString) => {
    const gap = new P(input.reorderPoint).minus(new P(position));
    return gap.gt(0) ? roundUp(gap.plus(new P(input.cycleQuantity)), input.roundingQuantity) : decimal('0');
  };
  const candidates = [...input.lines]
    .filter((l) => new P(l.open).gt(0))
    .sort(
      (a, b) =>
        rank(a, input.preferredSupplier) - rank(b, input.preferredSupplier) ||
        (a.due < b.due ? -1 : a.due > b.due ? 1 : 0),
    );
  const line = candidates[0];
  const why = `position ${assessment.position} at the end of the ${input.leadTimeDays}-day lead time is below the reorder point ${input.reorderPoint}${assessment.shortageDate ? `; stock runs out on ${assessment.shortageDate} at ${input.averageDailyUsage} a day` : ''}`;
  if (!line) {
    const quantity = shortfall(assessment.position);
    return {
      action: 'order',
      neededBy,
      supplier: input.preferredSupplier,
      line: null,
      newDeliveryDate: null,
      newQuantity: quantity,
      unit: null,
      addedQuantity: quantity,
      movedBaseQuantity: quantity,
      value: null,
      currency: null,
      explanation: `${why}; no open order line: a new order of ${quantity} is requested from the ERP`,
    };
  }
  // The need is in the base unit, a line's change in the line's unit (and its price per that unit):
  // exact where the base quantity is a whole number of line units, else rounded up to the next one,
  // so the change never asks for less than needed (100 pieces against a DZN line are 9 DZN).
  const per = line.baseQuantityPerUnit ?? decimal('1');
  const inLineUnit = (base: DecimalString) => {
    try {
      return divide(base, per);
    } catch (error) {
      if (!(error instanceof CanonicalError) || error.code !== CanonicalErrorCode.DecimalInexact) throw error;
      return divide(base, per, { scale: 0, mode: 'ceiling' });
    }
  };
  const unit = line.unit ?? null;
  const named = (q: DecimalString) => (unit === null ? q : `${q} ${unit}`);
  const value = (q: DecimalString) =>
    line.netPrice === null ? null : decimal(new P(q).times(new P(line.netPrice)).toFixed());
  if (line.due > neededBy) {
    // Pulled in, the line counts within the lead time if it did not already.
    const gained = line.due > leadEnd ? line.open : decimal('0');
    const after = decimal(new P(assessment.position).plus(new P(gained)).toFixed());
    const more = new P(shortfall(after)).gt(0);
    const added = more ? inLineUnit(shortfall(after)) : decimal('0');
    const newQuantity = more ? decimal(new P(line.quantity).plus(new P(added)).toFixed()) : null;
    return {
      action: 'expedite',
      neededBy,
      supplier: line.supplier,
      line,
      newDeliveryDate: neededBy,
      newQuantity,
      unit,
      addedQuantity: added,
      movedBaseQuantity: more ? multiply(added, per) : line.open,
      value: value(more ? added : inLineUnit(line.open)),
      currency: line.currency,
      explanation: `${why}; PO ${line.poNumber} line ${line.lineNumber} due ${line.due} is pulled in to ${neededBy}${more ? ` and raised by ${named(added)} to ${named(newQuantity!)}` : ''}`,
    };
  }
  const added = inLineUnit(shortfall(assessment.position));
  const newQuantity = decimal(new P(line.quantity).plus(new P(added)).toFixed());
  return {
    action: 'increase-quantity',
    neededBy,
    supplier: line.supplier,
    line,
    newDeliveryDate: null,
    newQuantity,
    unit,
    addedQuantity: added,
    movedBaseQuantity: multiply(added, per),
    value: value(added),
    currency: line.currency,
    explanation: `${why}; PO ${line.poNumber} line ${line.lineNumber} due ${line.due} is raised by ${named(added)} to ${named(newQuantity)}`,
  };
}

function rank(line: CandidateLine, preferred: string | null): number {
  return preferred !== null && line.supplier === preferred ? 0 : 1;
}
