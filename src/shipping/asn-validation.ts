import {
  add,
  compare,
  decimal,
  subtract,
  withinTolerance,
  type DecimalString,
} from '../canonical/decimal.js';
import { convertQuantity } from '../canonical/units.js';
import type { OrderState, PurchaseOrder, PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import { cartonsOf, type DraftBody } from './asn-draft.js';
import { isValidSscc } from './sscc.js';

/** One thing that must change before a draft can be submitted, with where it is. */
export interface DraftProblem {
  /** Dotted path into the draft body (`pallets.0.cartons.1.items.0.quantity`), or '' for the whole. */
  readonly path: string;
  readonly code: DraftProblemCode;
  readonly message: string;
}

export type DraftProblemCode =
  | 'missing'
  | 'empty'
  | 'unknown-order'
  | 'order-not-shippable'
  | 'not-acknowledged'
  | 'unknown-line'
  | 'line-rejected'
  | 'unit'
  | 'quantity'
  | 'over-shipment'
  | 'lot-required'
  | 'sscc'
  | 'sscc-duplicate'
  | 'sscc-used'
  | 'mixed-carton'
  | 'ship-to';

/** What validation needs to know about the partner's orders and the rest of its shipments. */
export interface ValidationContext {
  /** The partner's orders the draft names, by PO number (absent: not the partner's, or unknown). */
  readonly orders: ReadonlyMap<string, { order: PurchaseOrder; lines: readonly PurchaseOrderLine[] }>;
  /** The partner's over-shipment tolerance in percent (profile `tolerances.quantityPercent`). */
  readonly tolerancePercent: DecimalString;
  /** What this draft's last submitted revision shipped per `po/line`, in the line unit (already in `shippedQuantity`). */
  readonly shippedByThisNotice: ReadonlyMap<string, DecimalString>;
  /** SSCCs on the partner's other active ship notices. */
  readonly ssccsInUse: ReadonlySet<string>;
  /** Materials that must ship with lots (master data `lotManaged`). */
  readonly lotManaged: ReadonlySet<string>;
  /** Whether the gateway labels packs itself: the partner profile has `shipping.gs1CompanyPrefix`. */
  readonly assignsSsccs: boolean;
}

/** Orders a supplier can no longer ship against. */
const CLOSED: readonly OrderState[] = ['rejected', 'received', 'closed', 'cancelled'];

/**
 * Every rule a ship notice must pass before it is submitted, so that the PO lifecycle takes it without
 * holding it: the shipment has a date and a destination; every pallet holds cartons and every carton
 * items of one order; every pack has a valid SSCC used nowhere else; every item is an open,
 * acknowledged (and not rejected) line of the partner's order, in a unit that converts, with lots
 * where the material needs them; no line ships more than its confirmed (else ordered) quantity and
 * the partner's tolerance, counting what other ship notices shipped. Returns every problem, not the
 * first.
 */
export function validateDraft(body: DraftBody, context: ValidationContext): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const problem = (path: string, code: DraftProblemCode, message: string) =>
    problems.push({ path, code, message });

  if (!body.shippedAt) problem('shippedAt', 'missing', 'say when the shipment leaves (shippedAt)');
  const cartons = cartonsOf(body);
  if (cartons.length === 0) problem('', 'empty', 'the shipment has no cartons');
  body.pallets.forEach((pallet, p) => {
    if (pallet.cartons.length === 0) problem(`pallets.${p}`, 'empty', 'the pallet holds no cartons');
  });

  // SSCCs: present, valid, once in the shipment, on no other active ship notice.
  const seen = new Map<string, string>();
  const packs = [
    ...body.pallets.map((pallet, p) => ({ sscc: pallet.sscc, path: `pallets.${p}` })),
    ...cartons.map(({ carton, path }) => ({ sscc: carton.sscc, path })),
  ];
  // Packs are labelled on save from the profile's GS1 Company Prefix; without one only the supplier can.
  const noSscc = context.assignsSsccs
    ? 'the pack has no SSCC yet: save the draft again to label it'
    : 'the pack has no SSCC: type the SSCCs yourself, or ask the buyer to set shipping.gs1CompanyPrefix in your partner profile so the gateway assigns them';
  for (const { sscc, path } of packs) {
    if (sscc === undefined) problem(`${path}.sscc`, 'sscc', noSscc);
    else if (!isValidSscc(sscc)) problem(`${path}.sscc`, 'sscc', `SSCC ${sscc} has a wrong check digit`);
    else if (seen.has(sscc))
      problem(
        `${path}.sscc`,
        'sscc-duplicate',
        `SSCC ${sscc} is also on ${seen.get(sscc)}; every pack needs its own`,
      );
    else if (context.ssccsInUse.has(sscc))
      problem(
        `${path}.sscc`,
        'sscc-used',
        `SSCC ${sscc} is on another of your ship notices; an SSCC labels one pack`,
      );
    if (sscc !== undefined && !seen.has(sscc)) seen.set(sscc, path);
  }

  // Items against order lines; totals per line in the line's unit.
  const totals = new Map<
    string,
    { total: DecimalString; path: string; line: PurchaseOrderLine; poNumber: string }
  >();
  const shipTos = new Set<string>();
  for (const { carton, path } of cartons) {
    if (carton.items.length === 0) problem(`${path}.items`, 'empty', 'the carton holds no items');
    const pos = new Set(carton.items.map((i) => i.poNumber));
    if (pos.size > 1)
      problem(
        `${path}.items`,
        'mixed-carton',
        `the carton holds items of ${[...pos].join(' and ')}; pack each purchase order in its own cartons`,
      );
    carton.items.forEach((item, i) => {
      const at = `${path}.items.${i}`;
      const known = context.orders.get(item.poNumber);
      if (!known) {
        problem(
          `${at}.poNumber`,
          'unknown-order',
          `purchase order ${item.poNumber} is not one of your orders`,
        );
        return;
      }
      const { order, lines } = known;
      shipTos.add(order.shipTo);
      if (CLOSED.includes(order.state)) {
        problem(`${at}.poNumber`, 'order-not-shippable', `purchase order ${item.poNumber} is ${order.state}`);
        return;
      }
      if (order.state === 'issued' || order.state === 'changed') {
        problem(
          `${at}.poNumber`,
          'not-acknowledged',
          `acknowledge purchase order ${item.poNumber}${order.state === 'changed' ? ' (its latest change)' : ''} before shipping it`,
        );
        return;
      }
      const line = lines.find((l) => l.lineNumber === item.lineNumber);
      if (!line || line.cancelled) {
        problem(
          `${at}.lineNumber`,
          'unknown-line',
          `purchase order ${item.poNumber} has no open line ${item.lineNumber}`,
        );
        return;
      }
      if (line.ackStatus === 'rejected') {
        problem(
          `${at}.lineNumber`,
          'line-rejected',
          `line ${item.lineNumber} of ${item.poNumber} was rejected`,
        );
        return;
      }
      if (context.lotManaged.has(line.material) && !(item.lots && item.lots.length > 0))
        problem(`${at}.lots`, 'lot-required', `${line.material} ships with its lot numbers`);
      let quantity: DecimalString;
      try {
        quantity = convertQuantity(decimal(item.quantity.value), item.quantity.unit, line.unit);
      } catch {
        problem(
          `${at}.quantity.unit`,
          'unit',
          `line ${item.lineNumber} of ${item.poNumber} is ordered in ${line.unit}; ${item.quantity.unit} does not convert`,
        );
        return;
      }
      if (compare(quantity, decimal('0')) <= 0) {
        problem(`${at}.quantity.value`, 'quantity', 'the quantity must be more than 0');
        return;
      }
      const key = `${item.poNumber}/${item.lineNumber}`;
      const sum = totals.get(key);
      totals.set(key, {
        total: sum ? add(sum.total, quantity) : quantity,
        path: at,
        line,
        poNumber: item.poNumber,
      });
    });
  }
  for (const [key, { total, path, line, poNumber }] of totals) {
    const reference = line.confirmedQuantity ?? line.quantity;
    const elsewhere = subtract(line.shippedQuantity, context.shippedByThisNotice.get(key) ?? decimal('0'));
    const shipped = add(elsewhere, total);
    if (compare(shipped, reference) > 0 && !withinTolerance(shipped, reference, context.tolerancePercent))
      problem(
        `${path}.quantity.value`,
        'over-shipment',
        `line ${line.lineNumber} of ${poNumber}: ${shipped} ${line.unit} shipped in all (${elsewhere} before this notice) against ${reference} ${line.confirmedQuantity ? 'confirmed' : 'ordered'}`,
      );
  }
  if (!body.shipTo && shipTos.size > 1)
    problem(
      'shipTo',
      'ship-to',
      `the orders go to ${[...shipTos].join(' and ')}; say where this shipment goes`,
    );
  return problems;
}
