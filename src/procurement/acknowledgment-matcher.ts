import {
  decimalFromConfigNumber,
  divide,
  multiply,
  withinTolerance,
  type DecimalString,
  type Rounding,
} from '../canonical/decimal.js';
import { convertQuantity } from '../canonical/units.js';
import type { EventOf } from '../canonical/events/catalogue.js';
import type { Differences } from '../exceptions/exception.types.js';

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

/** Unit prices are compared at six decimals (a price per 1,000 pieces divides finely). */
const PRICE_ROUNDING: Rounding = { scale: 6, mode: 'half-even' };

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
    const confirmedQuantity = confirmedQuantityOf(line, order);
    const confirmedDate = confirmedDateOf(line) ?? order.deliveryDate;
    const confirmedPrice = confirmedPriceOf(line, order);

    if (line.status === 'rejected') problems.push('acknowledgment.rejected');
    if (line.status === 'backordered') problems.push('acknowledgment.backordered');
    if (line.status !== 'rejected') {
      const quantityPercent = decimalFromConfigNumber(tolerances.quantityPercent);
      if (!withinTolerance(confirmedQuantity, order.quantity, quantityPercent)) {
        problems.push('acknowledgment.quantity-changed');
        differences.quantity = { expected: order.quantity, actual: confirmedQuantity };
      }
      const shift = daysBetween(order.deliveryDate, confirmedDate);
      if (shift > tolerances.dateDaysLate || -shift > tolerances.dateDaysEarly) {
        problems.push('acknowledgment.date-changed');
        differences.deliveryDate = { expected: order.deliveryDate, actual: confirmedDate };
      }
      if (order.unitPrice !== null && confirmedPrice !== null) {
        const pricePercent = decimalFromConfigNumber(tolerances.pricePercent);
        if (!withinTolerance(confirmedPrice, order.unitPrice, pricePercent)) {
          problems.push('acknowledgment.price-changed');
          differences.unitPrice = { expected: order.unitPrice, actual: confirmedPrice };
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
        quantity: line.status === 'rejected' ? ('0' as DecimalString) : confirmedQuantity,
        deliveryDate: line.status === 'rejected' ? null : confirmedDate,
        unitPrice: confirmedPrice,
      },
      valueAtRisk: order.unitPrice === null ? null : multiply(order.quantity, order.unitPrice),
      daysLate,
    };
  });
}

function confirmedQuantityOf(line: AcknowledgedLine, order: OrderedLine): DecimalString {
  if (line.status === 'rejected') return '0' as DecimalString;
  if (!line.quantity) return order.quantity;
  return convertQuantity(line.quantity.value, line.quantity.unit, order.unit);
}

/** The last confirmed delivery (or ship) date: when the whole line will be there. */
function confirmedDateOf(line: AcknowledgedLine): string | null {
  const dates = (line.schedule ?? [])
    .map((s) => s.deliveryDate ?? s.shipDate)
    .filter((d): d is string => d !== undefined)
    .sort();
  return dates.length > 0 ? dates[dates.length - 1]! : null;
}

/** The confirmed price of one order-line unit, in the order's terms (prices per 100 are common). */
function confirmedPriceOf(line: AcknowledgedLine, order: OrderedLine): DecimalString | null {
  const price = line.unitPrice;
  if (!price) return order.unitPrice;
  if (!price.per) return price.amount as DecimalString;
  const perInLineUnit = convertQuantity(price.per.value, price.per.unit, order.unit);
  return divide(price.amount as DecimalString, perInLineUnit, PRICE_ROUNDING);
}

/** Whole days from `from` to `to` (calendar dates), positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
