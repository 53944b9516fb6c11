/**
 * The vocabulary of partner webhook subscriptions (docs/outbound.md "Webhook subscriptions"): what can
 * be subscribed, in which format, the limits, the subscription and message records the API returns,
 * and the error it answers with. The behaviour is in webhook-subscriptions.service.ts and
 * webhook-messages.service.ts.
 */
import type { OutboundDocument, OutboundKind } from '../outbound.types.js';

/** What a partner can subscribe to: one type per kind of document the gateway sends it. */
export const WEBHOOK_EVENT_TYPES = [
  'purchase-order.issued',
  'purchase-order.changed',
  'purchase-order.cancelled',
  'functional-acknowledgment.sent',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The ping `POST …/test` sends; not subscribable, always delivered to the subscription tested. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const EVENT_TYPE_OF_KIND: Readonly<Record<OutboundKind, WebhookEventType>> = {
  'purchase-order': 'purchase-order.issued',
  'po-change': 'purchase-order.changed',
  'po-cancellation': 'purchase-order.cancelled',
  'functional-ack': 'functional-acknowledgment.sent',
};

/**
 * `json`: `data` is the partner JSON document (schema v1, docs/partner-api.md) whatever the partner's
 * EDI format; `native`: `data` carries the document exactly as the partner's channel gets it (the X12 or
 * EDIFACT text, and its exact bytes in base64). Functional acknowledgments have no JSON schema and always go native.
 */
export const WEBHOOK_FORMATS = ['json', 'native'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Subscriptions a partner may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_PARTNER = 10;
/** How long a rotated secret keeps signing next to the new one. */
export const SECRET_OVERLAP_HOURS = 24;

export interface WebhookSubscription {
  readonly id: string;
  readonly partnerId: string;
  readonly url: string;
  readonly description: string | null;
  readonly eventTypes: WebhookEventType[];
  readonly format: WebhookFormat;
  readonly enabled: boolean;
  /** Until when the previous secret still signs (after a rotation), else null. */
  readonly previousSecretUntil: string | null;
  /** Since when its messages fail (the first message that failed every try), null while healthy. */
  readonly failingSince: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * `withdrawn`: the document the message announces was withdrawn (its order ended) before the message
 * reached the subscriber; `lastError` says why. It is not tried or redelivered any more.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'withdrawn'] as const;
export type WebhookDeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly partnerId: string;
  readonly eventType: string;
  /** `webhook-id` of the message: the same on every try and redelivery. */
  readonly messageId: string;
  readonly outboundDocumentId: string | null;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly lastResponseStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export interface SubscriptionInput {
  readonly url: string;
  readonly eventTypes: readonly WebhookEventType[];
  readonly format?: WebhookFormat;
  readonly description?: string;
}

export interface SubscriptionPatch {
  readonly url?: string;
  readonly eventTypes?: readonly WebhookEventType[];
  readonly format?: WebhookFormat;
  readonly description?: string | null;
  readonly enabled?: boolean;
}

/** A document being sent to a partner, as subscriptions see it (see fanOut). */
export interface FannedOutDocument {
  readonly document: Pick<
    OutboundDocument,
    'id' | 'partnerId' | 'kind' | 'standard' | 'messageType' | 'filename'
  >;
  readonly payload: Buffer;
  /** The Content-Type `payload` is archived with, naming its charset (`application/edifact; charset=ISO-8859-1`). */
  readonly contentType: string;
  /** The partner JSON document (schema v1) of a PO document; absent for functional acknowledgments. */
  readonly partnerJson?: Record<string, unknown>;
  readonly correlationId: string;
}

/** A refused request about subscriptions, answered as problem+json with its status. */
export class WebhookSubscriptionError extends Error {
  readonly problemCode: string;
  constructor(
    message: string,
    readonly httpStatus: 400 | 404 | 409,
  ) {
    super(message);
    this.name = 'WebhookSubscriptionError';
    this.problemCode = { 400: 'bad-request', 404: 'not-found', 409: 'conflict' }[httpStatus];
  }
}
