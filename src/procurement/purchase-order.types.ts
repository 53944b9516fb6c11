import type { DecimalString } from '../canonical/decimal.js';

export const ORDER_STATES = [
  'issued',
  'acknowledged',
  'acknowledged-with-changes',
  'rejected',
  'changed',
  'partially-shipped',
  'shipped',
  'partially-received',
  'received',
  'closed',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States a supplier's answer may move an order out of: before anything was shipped. */
export const ANSWERABLE_STATES: readonly OrderState[] = [
  'issued',
  'acknowledged',
  'acknowledged-with-changes',
  'rejected',
  'changed',
];

/**
 * A purchase order as the ERP sends it: the whole order at one revision. The gateway derives what
 * happened (issued, changed, cancelled) by comparing it with the revision it holds, so an ERP or
 * its middleware never has to compute deltas, and a repeat or an older revision changes nothing.
 */
export interface ErpOrderSnapshot {
  readonly poNumber: string;
  readonly revision: number;
  /** The supplier, as a partner id. */
  readonly partnerId: string;
  readonly plant?: string | null;
  readonly currency: string;
  readonly orderDate: string;
  /** Defaults to the plant. */
  readonly shipTo?: string | null;
  readonly status: 'open' | 'cancelled' | 'closed';
  readonly buyer?: { readonly name?: string; readonly email?: string } | null;
  readonly reason?: string | null;
  readonly lines: readonly ErpOrderLine[];
}

export interface ErpOrderLine {
  readonly lineNumber: string;
  readonly material: string;
  readonly quantity: string;
  readonly unit: string;
  /** Price of one unit in the order currency. */
  readonly netPrice?: string | null;
  readonly deliveryDate: string;
  readonly status: 'open' | 'cancelled' | 'delivered';
}

export interface PurchaseOrder {
  readonly id: string;
  readonly partnerId: string;
  readonly poNumber: string;
  readonly revision: number;
  readonly state: OrderState;
  readonly plant: string | null;
  readonly currency: string;
  readonly orderDate: string;
  readonly shipTo: string;
  readonly confirmations: number;
  readonly correlationId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PurchaseOrderLine {
  readonly lineNumber: string;
  readonly material: string;
  readonly supplierPart: string | null;
  readonly quantity: DecimalString;
  readonly unit: string;
  readonly unitPrice: DecimalString | null;
  readonly deliveryDate: string;
  readonly cancelled: boolean;
  readonly ackStatus: string | null;
  readonly confirmedQuantity: DecimalString | null;
  readonly confirmedDate: string | null;
  readonly confirmedPrice: DecimalString | null;
  readonly decision: 'accepted' | 'held' | 'buyer-accepted' | 'countered' | null;
  readonly shippedQuantity: DecimalString;
  readonly receivedQuantity: DecimalString;
}

export interface HistoryEntry {
  readonly what: string;
  readonly documentNumber: string | null;
  readonly documentRevision: string | null;
  readonly fromState: OrderState | null;
  readonly toState: OrderState;
  readonly summary: string;
  readonly eventId: string | null;
  readonly at: string;
}
