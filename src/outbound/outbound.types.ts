import type { DeliveryChannel } from '../partners/delivery.schema.js';

export const OUTBOUND_KINDS = ['purchase-order', 'po-change', 'po-cancellation', 'functional-ack'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/**
 * pending: waiting for (another) delivery try. delivered: the channel took it (uploaded, placed,
 * POSTed with 2xx). awaiting-pickup / picked-up: the partner pulls it through the API.
 * waiting-transport: its channel cannot send yet (an AS2 partner without a URL). failed: every try
 * failed (resend or cancel). cancelled: an operator withdrew it, or its order ended (closed, or
 * cancelled for all but its cancellation) before it reached the partner.
 */
export const OUTBOUND_STATUSES = [
  'pending',
  'delivered',
  'awaiting-pickup',
  'picked-up',
  'waiting-transport',
  'failed',
  'cancelled',
] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

/** What has not reached the partner, and so can still be taken back (cancelled, withdrawn). */
export const UNSENT_STATUSES: readonly OutboundStatus[] = [
  'pending',
  'waiting-transport',
  'failed',
  'awaiting-pickup',
];

export type FunctionalAckStatus =
  'waiting' | 'accepted' | 'accepted-with-errors' | 'partially-accepted' | 'rejected' | 'overdue';

export interface OutboundDocument {
  readonly id: string;
  readonly partnerId: string;
  readonly kind: OutboundKind;
  readonly poNumber: string | null;
  readonly poRevision: number | null;
  readonly standard: 'x12' | 'edifact' | 'json';
  /** 850, ORDERS, purchase-order, 997, CONTRL. */
  readonly messageType: string;
  readonly channel: DeliveryChannel;
  /** The archived outbound interchange holding the exact bytes sent. */
  readonly interchangeId: string;
  readonly filename: string;
  /** ISA13 / UNB 0020. */
  readonly controlReference: string | null;
  /** GS06 (X12). */
  readonly groupReference: string | null;
  readonly setReferences: string[];
  readonly status: OutboundStatus;
  readonly statusDetail: string | null;
  readonly attempts: number;
  readonly deliveredAt: string | null;
  readonly functionalAck: {
    readonly expected: boolean;
    readonly status: FunctionalAckStatus | null;
    readonly dueAt: string | null;
    readonly interchangeId: string | null;
  };
  readonly correlationId: string;
  readonly createdAt: string;
}

/** What a transport did with a document. */
export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly detail?: string; readonly platformRef?: string }
  | { readonly outcome: 'awaiting-pickup'; readonly detail?: string }
  | { readonly outcome: 'waiting-transport'; readonly detail: string };

/** A transport's failure that retrying will not fix (a refused target, a 4xx that is not 408/429). */
export class PermanentDeliveryError extends Error {
  /** The receiver's HTTP status, when it answered. */
  readonly status: number | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
    this.status = options?.status;
  }
}

/** The receiver asked us to wait (429 / 503 with Retry-After): not a failed try. */
export class DeliveryThrottledError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'DeliveryThrottledError';
  }
}
