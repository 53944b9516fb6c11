import { z } from 'zod';
import { described, named } from '../schema-registry.js';
import { identifier, interchangeIdString, locationCode, partnerId, text, timestamp } from './values.js';

/**
 * The envelope every canonical event carries, whatever its type: identity, time, tenancy, tracing
 * and the revision of the business document it came from. See docs/events/README.md for the rules.
 */

/**
 * How the business document stands to earlier ones of the same number: the first issue, a
 * replacement (a corrected or updated issue: X12 BSN01/BCH01 05, EDIFACT BGM 1225 = 5), or a
 * cancellation of what was sent before (X12 01, EDIFACT 1). A corrected document is a new revision,
 * never a duplicate: duplicates are the same bytes or control numbers, caught by the interchange
 * archive before any event exists.
 */
export const DOCUMENT_KINDS = ['original', 'replacement', 'cancellation'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

function documentRevision(kinds: readonly [DocumentKind, ...DocumentKind[]]) {
  return z.strictObject({
    kind: z.enum(kinds, { error: `expected document kind ${kinds.join(', ')}` }),
    /** The document's own number: PO number, ASN shipment number, receipt number, MES message id. */
    number: identifier,
    /**
     * Which issue of that number: the document's own revision or change sequence (X12 BCH05, EDIFACT
     * ORDCHG BGM + RFF), or, for documents without one (an 856), the issue date-time they carry.
     * Effects are keyed by number + revision, so a replacement is posted and a resend is not.
     */
    revision: identifier,
    /** When the sender issued this revision, as the document says. */
    issuedAt: timestamp.optional(),
  });
}

/**
 * Correlation and causation ids are tokens, not necessarily UUIDs: the same form the HTTP layer
 * accepts in X-Correlation-Id (src/platform/logging), so a caller's id can follow its document.
 */
export const traceId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, {
  error: 'expected an id of 1-128 letters, digits, ".", "_", ":" or "-"',
});
named(traceId, 'TraceId');

/** Where the event entered the gateway, for tracking, explanation and replay. */
export const eventSource = z.strictObject({
  channel: z.enum(['sftp', 'as2', 'api', 'portal', 'erp', 'mes', 'wms', 'gateway']),
  /** The interchange archive row of the inbound or outbound payload. */
  interchangeId: interchangeIdString.optional(),
  standard: z.enum(['x12', 'edifact', 'json']).optional(),
  /** 855, ORDRSP, purchase-order-acknowledgment. */
  messageType: text(35).optional(),
  /** ST02 / UNH 0062 of the transaction set or message, where there is one. */
  controlNumber: text(35).optional(),
});
named(eventSource, 'EventSource');

export const SCHEMA_VERSIONS = ['v1'] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

interface EventSpec<P extends z.ZodType, R extends boolean, Q extends boolean> {
  readonly description: string;
  /** Partner documents name their partner; internal events (MES, replenishment) may not. */
  readonly partnerRequired: R;
  /** Events bound to a plant (receipts, consumption, production) always name it. */
  readonly plantRequired: Q;
  /** Restrict `document.kind` where other kinds make no sense (a cancelled PO is a cancellation). */
  readonly documentKinds?: readonly [DocumentKind, ...DocumentKind[]];
  readonly payload: P;
}

type Presence<B extends boolean, S extends z.ZodType> = B extends true ? S : z.ZodOptional<S>;

/**
 * One event type in one schema version: the envelope plus its payload, as a strict zod object whose
 * `type` and `schemaVersion` are literals (so a union of events discriminates on them).
 */
export function defineEvent<
  const T extends string,
  const V extends SchemaVersion,
  P extends z.ZodType,
  R extends boolean,
  Q extends boolean,
>(type: T, schemaVersion: V, spec: EventSpec<P, R, Q>) {
  const schema = z.strictObject({
    /** Unique id of this event (UUID); also the causation id of the events it causes. */
    id: z.uuid({ error: 'expected the event id as a UUID' }),
    type: z.literal(type),
    schemaVersion: z.literal(schemaVersion),
    partnerId: (spec.partnerRequired ? partnerId : partnerId.optional()) as Presence<R, typeof partnerId>,
    plant: (spec.plantRequired ? locationCode : locationCode.optional()) as Presence<Q, typeof locationCode>,
    /** When it happened in the world: the document's or the shop floor's time. */
    occurredAt: timestamp,
    /** When the gateway received it (for outbound and internal events: when it was recorded). */
    receivedAt: timestamp,
    /** The chain it belongs to: one purchase order's chain, or the chain an internal event starts. */
    correlationId: traceId,
    /** The event, or the archived interchange, that caused this one; null when nothing recorded did. */
    causationId: traceId.nullable(),
    document: documentRevision(spec.documentKinds ?? DOCUMENT_KINDS),
    source: eventSource.optional(),
    payload: spec.payload,
  });
  return described(schema, `${type}.${schemaVersion}`, spec.description);
}
