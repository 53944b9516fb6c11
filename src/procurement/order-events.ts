import { randomUUID } from 'node:crypto';
import { decimal, equals, isNegative, subtract, type DecimalString } from '../canonical/decimal.js';
import { parseEventOf, type EventOf } from '../canonical/events/catalogue.js';
import type { ErpPurchaseOrder } from '../erp/port/erp-port.js';
import type {
  ErpOrderLine,
  ErpOrderSnapshot,
  PurchaseOrder,
  PurchaseOrderLine,
} from './purchase-order.types.js';

/**
 * The canonical events an ERP order snapshot means, given what the gateway held before: the first
 * revision is `purchase-order.issued`, a cancelled order `purchase-order.cancelled`, anything else
 * `purchase-order.changed` with each line's full new state and what changed on it. Every event is
 * validated against the catalogue before it is stored or sent.
 */

interface Envelope {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly supplierPart: (material: string) => string | undefined;
}

const open = (line: ErpOrderLine) => line.status !== 'cancelled';

function orderLine(snapshot: ErpOrderSnapshot, line: ErpOrderLine, envelope: Envelope) {
  const supplierPartNumber = envelope.supplierPart(line.material);
  return {
    lineNumber: line.lineNumber,
    material: line.material,
    ...(supplierPartNumber ? { supplierPartNumber } : {}),
    quantity: { value: decimal(line.quantity), unit: line.unit },
    ...(line.netPrice ? { unitPrice: { amount: decimal(line.netPrice), currency: snapshot.currency } } : {}),
    schedule: [
      { quantity: { value: decimal(line.quantity), unit: line.unit }, deliveryDate: line.deliveryDate },
    ],
  };
}

function base(snapshot: ErpOrderSnapshot, envelope: Envelope) {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    schemaVersion: 'v1' as const,
    partnerId: snapshot.partnerId,
    ...(snapshot.plant ? { plant: snapshot.plant } : {}),
    occurredAt: now,
    receivedAt: now,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    source: { channel: 'erp' as const },
  };
}

export function issuedEvent(
  snapshot: ErpOrderSnapshot,
  envelope: Envelope,
): EventOf<'purchase-order.issued.v1'> {
  return parseEventOf('purchase-order.issued.v1', {
    ...base(snapshot, envelope),
    type: 'purchase-order.issued',
    document: { kind: 'original', number: snapshot.poNumber, revision: String(snapshot.revision) },
    payload: {
      orderType: 'standard',
      orderDate: snapshot.orderDate,
      currency: snapshot.currency,
      ...(snapshot.buyer ? { buyer: snapshot.buyer } : {}),
      shipTo: shipToOf(snapshot),
      lines: snapshot.lines.filter(open).map((line) => orderLine(snapshot, line, envelope)),
    },
  });
}

export function cancelledEvent(
  snapshot: ErpOrderSnapshot,
  envelope: Envelope,
): EventOf<'purchase-order.cancelled.v1'> {
  return parseEventOf('purchase-order.cancelled.v1', {
    ...base(snapshot, envelope),
    type: 'purchase-order.cancelled',
    document: { kind: 'cancellation', number: snapshot.poNumber, revision: String(snapshot.revision) },
    payload: snapshot.reason ? { reason: { text: snapshot.reason } } : {},
  });
}

/**
 * The changed event, or null when the new revision changes nothing the supplier sees. The header
 * carries the currency and ship-to when they changed; a new currency is a price change on every
 * open line.
 */
export function changedEvent(
  snapshot: ErpOrderSnapshot,
  before: PurchaseOrder,
  beforeLines: readonly PurchaseOrderLine[],
  envelope: Envelope,
): EventOf<'purchase-order.changed.v1'> | null {
  const previous = new Map(beforeLines.map((line) => [line.lineNumber, line]));
  // A price is an amount in the order currency: a new currency changes every line's price.
  const currencyChanged = before.currency !== snapshot.currency;
  const lines: unknown[] = [];
  for (const line of snapshot.lines) {
    const old = previous.get(line.lineNumber);
    if (!old || old.cancelled) {
      if (open(line)) lines.push({ change: 'added', ...orderLine(snapshot, line, envelope) });
      continue;
    }
    if (!open(line)) {
      lines.push({ change: 'cancelled', lineNumber: line.lineNumber });
      continue;
    }
    const changedFields = [
      ...(equals(old.quantity, line.quantity as DecimalString) && old.unit === line.unit ? [] : ['quantity']),
      ...(samePrice(old.unitPrice, line.netPrice ?? null) && !currencyChanged ? [] : ['price']),
      ...(old.deliveryDate === line.deliveryDate ? [] : ['date']),
      ...(old.material === line.material ? [] : ['material']),
    ];
    if (changedFields.length > 0) {
      lines.push({
        change: 'changed',
        ...orderLine(snapshot, line, envelope),
        changedFields,
        previousQuantity: { value: old.quantity, unit: old.unit },
        ...leftToReceive(old, line),
      });
    }
  }
  for (const old of beforeLines) {
    if (!old.cancelled && !snapshot.lines.some((l) => l.lineNumber === old.lineNumber)) {
      lines.push({ change: 'cancelled', lineNumber: old.lineNumber });
    }
  }
  const header = {
    ...(currencyChanged ? { currency: snapshot.currency } : {}),
    ...(before.shipTo === shipToOf(snapshot) ? {} : { shipTo: shipToOf(snapshot) }),
  };
  // A header change alone (a new ship-to) is a change the supplier must see, with no line changed.
  if (lines.length === 0 && Object.keys(header).length === 0) return null;
  return parseEventOf('purchase-order.changed.v1', {
    ...base(snapshot, envelope),
    type: 'purchase-order.changed',
    document: { kind: 'replacement', number: snapshot.poNumber, revision: String(snapshot.revision) },
    payload: {
      ...(Object.keys(header).length > 0 ? { header } : {}),
      orderDate: snapshot.orderDate,
      ...(snapshot.reason ? { reason: { text: snapshot.reason } } : {}),
      lines,
    },
  });
}

/**
 * What is still to come on a changed line (X12 POC04): its new quantity less what the plant has
 * received, never below zero. Only in the line's unit: after a change of unit the receipts are
 * counted in the old one, and the field is left out.
 */
function leftToReceive(old: PurchaseOrderLine, line: ErpOrderLine) {
  if (old.unit !== line.unit) return {};
  const left = subtract(decimal(line.quantity), old.receivedQuantity);
  return { quantityLeftToReceive: { value: isNegative(left) ? decimal('0') : left, unit: line.unit } };
}

export function shipToOf(snapshot: ErpOrderSnapshot): string {
  return snapshot.shipTo ?? snapshot.plant ?? 'MAIN';
}

function samePrice(before: DecimalString | null, after: string | null): boolean {
  if (before === null || after === null) return before === after;
  return equals(before, after as DecimalString);
}

/** An order read from the ERP through the port, as the order intake takes it. */
export function snapshotOf(po: ErpPurchaseOrder): ErpOrderSnapshot {
  return {
    poNumber: po.poNumber,
    revision: po.revision,
    partnerId: po.supplier,
    plant: po.plant,
    currency: po.currency,
    orderDate: po.orderDate,
    status: po.status,
    lines: po.lines.map((line) => ({
      lineNumber: line.lineNumber,
      material: line.material,
      quantity: line.quantity,
      unit: line.unit,
      netPrice: line.netPrice,
      deliveryDate: line.deliveryDate,
      status: line.status,
    })),
  };
}
