import {
  compare,
  decimalFromConfigNumber,
  multiply,
  round,
  scaleByRatio,
  withinTolerance,
  type DecimalString,
  type Rounding,
} from '../canonical/decimal.js';
import { isUnitCode, unitDefinition } from '../canonical/units.js';
import type { EventOf } from '../canonical/events/catalogue.js';
import type { Differences } from '../exceptions/exception.types.js';
import { scheduleDates } from './schedule-dates.js';

/** What the supplier may change without a buyer looking at it (the partner profile's `tolerances`). */
export interface Tolerances {
  readonly quantityPercent: number;
  readonly pricePercent: number;
  readonly dateDaysEarly: number;
  readonly dateDaysLate: number;
}

/** An order line as the gateway holds it. */
export interface OrderedLine {
  readonly lineNumber: string;
  readonly material: string;
  readonly quantity: DecimalString;
  readonly unit: string;
  /** Price of one line unit, in the order currency; null when the order carries no price. */
  readonly unitPrice: DecimalString | null;
  readonly deliveryDate: string;
  readonly cancelled: boolean;
}

/**
 * Quantities and prices are compared exactly, then posted at the ERP contract's scale
 * (`src/erp/port/erp-documents.ts`: at most 15 integer and 6 fraction digits), rounded half-even so
 * that many roundings do not drift one way: 0.0421875 per piece is posted as 0.042188, 4790 EA
 * against a dozen-unit line as 399.166667 DZN.
 */
const ERP_ROUNDING: Rounding = { scale: 6, mode: 'half-even' };
const ERP_MAXIMUM = '999999999999999.999999' as DecimalString;

type AcknowledgedLine = EventOf<'purchase-order.acknowledged.v1'>['payload']['lines'][number];

export type LineProblem =
  | 'acknowledgment.rejected'
  | 'acknowledgment.backordered'
  | 'acknowledgment.quantity-changed'
  | 'acknowledgment.date-changed'
  | 'acknowledgment.price-changed'
  | 'acknowledgment.unknown-line';

/** How one answered line stands against the order and the partner's tolerances. */
export interface LineVerdict {
  readonly lineNumber: string;
  /** `accept`: within tolerance, confirmed to the ERP at once; `hold`: a buyer decides first. */
  readonly decision: 'accept' | 'hold';
  readonly problems: readonly LineProblem[];
  readonly differences: Differences;
  /** What the supplier confirmed, in the order line's unit. */
  readonly confirmed: {
    readonly quantity: DecimalString;
    readonly deliveryDate: string | null;
    readonly unitPrice: DecimalString | null;
  };
  /** Ordered quantity × unit price, where there is a price: what the buyer risks on the line. */
  readonly valueAtRisk: DecimalString | null;
  /** Days the confirmed date is after the ordered one (0 when on time or early). */
  readonly daysLate: number;
}

/**
 * Compares a supplier's answer line by line with the order, in exact decimals and in the order
 * line's unit: quantity and price within ± their percentage, the delivery date within the early and
 * late day allowances. A line answered without a quantity or date confirms the ordered one. Lines
 * the order does not have, rejected and backordered lines are always held for a buyer.
 */
export function matchAcknowledgment(
  ordered: readonly OrderedLine[],
  answer: readonly AcknowledgedLine[],
  tolerances: Tolerances,
  /** The order's currency: a price in another one is a price change, whatever its amount. */
  currency: string,
): LineVerdict[] {
  const byNumber = new Map(ordered.map((line) => [line.lineNumber, line]));
  return answer.map((line) => {
    const order = byNumber.get(line.lineNumber);
    if (!order || order.cancelled) {
      return {
        lineNumber: line.lineNumber,
        decision: 'hold',
        problems: ['acknowledgment.unknown-line'],
        differences: { line: { expected: order ? 'an open line' : null, actual: line.lineNumber } },
        confirmed: { quantity: '0' as DecimalString, deliveryDate: null, unitPrice: null },
        valueAtRisk: null,
        daysLate: 0,
      };
    }
    const problems: LineProblem[] = [];
    const differences: Differences = {};
    const quantity = confirmedQuantityOf(line, order);
    const confirmedDay = confirmedDateOf(line);
    const confirmedDate = confirmedDay?.date ?? order.deliveryDate;
    const price = confirmedPriceOf(line, order);

    if (line.status === 'rejected') problems.push('acknowledgment.rejected');
    if (line.status === 'backordered') problems.push('acknowledgment.backordered');
    if (line.status !== 'rejected') {
      const quantityPercent = decimalFromConfigNumber(tolerances.quantityPercent);
      if (
        quantity.posted === null ||
        !withinTolerance(quantity.compared, quantity.reference, quantityPercent)
      ) {
        problems.push('acknowledgment.quantity-changed');
        differences.quantity = { expected: order.quantity, actual: quantity.posted ?? quantity.shown };
      }
      // A ship date is never early: without a transit time in the master data, goods shipped before
      // the delivery date may well arrive on it. Shipped after it, they cannot arrive in time.
      const shift = daysBetween(order.deliveryDate, confirmedDate);
      const early = confirmedDay?.shipOnly ? 0 : -shift;
      if (shift > tolerances.dateDaysLate || early > tolerances.dateDaysEarly) {
        problems.push('acknowledgment.date-changed');
        if (confirmedDay?.shipOnly)
          differences.shipDate = { expected: order.deliveryDate, actual: confirmedDate };
        else differences.deliveryDate = { expected: order.deliveryDate, actual: confirmedDate };
      }
      if (price !== null) {
        const pricePercent = decimalFromConfigNumber(tolerances.pricePercent);
        if (
          price.posted === null ||
          price.currency !== currency ||
          (order.unitPrice !== null && !withinTolerance(price.compared, price.reference, pricePercent))
        ) {
          problems.push('acknowledgment.price-changed');
          differences.unitPrice = { expected: order.unitPrice, actual: price.posted ?? price.shown };
          if (price.currency !== currency)
            differences.currency = { expected: currency, actual: price.currency };
        }
      }
    }
    if (line.status === 'rejected') differences.status = { expected: 'accepted', actual: 'rejected' };
    if (line.status === 'backordered') differences.status = { expected: 'accepted', actual: 'backordered' };
    const daysLate = Math.max(0, daysBetween(order.deliveryDate, confirmedDate));
    return {
      lineNumber: line.lineNumber,
      decision: problems.length === 0 ? 'accept' : 'hold',
      problems,
      differences,
      confirmed: {
        quantity: line.status === 'rejected' ? ('0' as DecimalString) : (quantity.posted ?? order.quantity),
        deliveryDate: line.status === 'rejected' ? null : confirmedDate,
        unitPrice: price === null ? order.unitPrice : price.posted,
      },
      valueAtRisk: order.unitPrice === null ? null : multiply(order.quantity, order.unitPrice),
      daysLate,
    };
  });
}

/**
 * A confirmed value against the ordered one, both scaled into one common measure so the tolerance
 * is decided exactly (no division: 4790 EA against 400 DZN is 4790 against 4800), and the value in
 * the order's terms at the ERP contract's scale — null when it has none there (a unit the line's
 * cannot be converted to, or too large a number): such a line is held for a buyer, never posted.
 */
interface Confirmed {
  readonly compared: DecimalString;
  readonly reference: DecimalString;
  readonly posted: DecimalString | null;
  /** What the supplier said, for the case (`4790 EA`). */
  readonly shown: string;
}

function confirmedQuantityOf(line: AcknowledgedLine, order: OrderedLine): Confirmed {
  const same = {
    compared: order.quantity,
    reference: order.quantity,
    posted: order.quantity,
    shown: order.quantity,
  };
  if (line.status === 'rejected' || !line.quantity) return same;
  const { value, unit } = line.quantity;
  if (unit === order.unit) return fitted(value, order.quantity, value, value);
  const factors = factorsBetween(unit, order.unit);
  const shown = `${value} ${unit}`;
  if (factors === null) return { compared: value, reference: order.quantity, posted: null, shown };
  return fitted(
    multiply(value, factors.from),
    multiply(order.quantity, factors.to),
    scaleByRatio(value, [factors.from], [factors.to], ERP_ROUNDING),
    shown,
  );
}

/**
 * The last confirmed delivery (or ship) date: when the whole line will be there. `shipOnly` when that
 * last date is a ship date (its entry gave no delivery date); on one day, the delivery date is judged.
 */
function confirmedDateOf(line: AcknowledgedLine): { date: string; shipOnly: boolean } | null {
  const { delivered, shipped } = scheduleDates(line.schedule);
  if (shipped !== undefined && (delivered === undefined || shipped > delivered))
    return { date: shipped, shipOnly: true };
  return delivered === undefined ? null : { date: delivered, shipOnly: false };
}

/**
 * The confirmed price of one order-line unit, in the order's terms (prices per 100 are common),
 * compared by cross-multiplying: amount × (one line unit) against ordered price × `per`.
 */
function confirmedPriceOf(
  line: AcknowledgedLine,
  order: OrderedLine,
): (Confirmed & { readonly currency: string }) | null {
  const price = line.unitPrice;
  if (!price) return null;
  const amount = price.amount as DecimalString;
  const shown = price.per ? `${amount} ${price.currency} per ${price.per.value} ${price.per.unit}` : amount;
  const per = price.per ?? { value: '1' as DecimalString, unit: order.unit };
  const factors =
    per.unit === order.unit
      ? { from: '1' as DecimalString, to: '1' as DecimalString }
      : factorsBetween(per.unit, order.unit);
  if (factors === null)
    return { compared: amount, reference: amount, posted: null, shown, currency: price.currency };
  const perInLineUnits = multiply(per.value as DecimalString, factors.from);
  return {
    ...fitted(
      multiply(amount, factors.to),
      multiply(order.unitPrice ?? amount, perInLineUnits),
      scaleByRatio(amount, [factors.to], [perInLineUnits], ERP_ROUNDING),
      shown,
    ),
    currency: price.currency,
  };
}

/**
 * The exact factors of two units of one dimension (1 DZN = 12 EA: from 12, to 1), or null when the
 * unit table has no fixed size for one of them (a box, whose content is the material's master data).
 */
function factorsBetween(from: string, to: string): { from: DecimalString; to: DecimalString } | null {
  if (!isUnitCode(from) || !isUnitCode(to)) return null;
  const source = unitDefinition(from);
  const target = unitDefinition(to);
  if (source.factor === undefined || target.factor === undefined || source.dimension !== target.dimension)
    return null;
  return { from: source.factor as DecimalString, to: target.factor as DecimalString };
}

function fitted(
  compared: DecimalString,
  reference: DecimalString,
  value: DecimalString,
  shown: string,
): Confirmed {
  const posted = round(value, ERP_ROUNDING);
  const fits =
    compare(posted, ERP_MAXIMUM) <= 0 && compare(posted, ('-' + ERP_MAXIMUM) as DecimalString) >= 0;
  return { compared, reference, posted: fits ? posted : null, shown };
}

/** Whole days from `from` to `to` (calendar dates), positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
