import type { z } from 'zod';
import { CanonicalError, CanonicalErrorCode } from '../canonical.exception.js';
import { exceptionChangedV1, exceptionRaisedV1 } from './exception-events.js';
import {
  functionalAcknowledgmentReceivedV1,
  functionalAcknowledgmentSentV1,
} from './functional-acknowledgment-events.js';
import { goodsReceivedV1, shipNoticeReceivedV1 } from './logistics-events.js';
import { inventoryAdjustedV1, materialConsumedV1, productionCompletedV1 } from './plant-events.js';
import {
  purchaseOrderAcknowledgedV1,
  purchaseOrderCancelledV1,
  purchaseOrderChangeAnsweredV1,
  purchaseOrderChangedV1,
  purchaseOrderIssuedV1,
} from './purchase-order-events.js';
import { replenishmentDecidedV1, replenishmentRecommendedV1 } from './replenishment-events.js';

/**
 * Canonical event catalogue v1: every event type and schema version the gateway writes, keyed by
 * `<type>.<version>` (`purchase-order.acknowledged.v1`). A new version of a type is a new entry; the
 * old one stays as long as stored events of it exist (docs/events/README.md, versioning).
 */
export const EVENT_CATALOGUE = {
  'purchase-order.issued.v1': purchaseOrderIssuedV1,
  'purchase-order.changed.v1': purchaseOrderChangedV1,
  'purchase-order.cancelled.v1': purchaseOrderCancelledV1,
  'purchase-order.acknowledged.v1': purchaseOrderAcknowledgedV1,
  'purchase-order.change-answered.v1': purchaseOrderChangeAnsweredV1,
  'ship-notice.received.v1': shipNoticeReceivedV1,
  'goods.received.v1': goodsReceivedV1,
  'material.consumed.v1': materialConsumedV1,
  'production.completed.v1': productionCompletedV1,
  'inventory.adjusted.v1': inventoryAdjustedV1,
  'replenishment.recommended.v1': replenishmentRecommendedV1,
  'replenishment.decided.v1': replenishmentDecidedV1,
  'functional-acknowledgment.received.v1': functionalAcknowledgmentReceivedV1,
  'functional-acknowledgment.sent.v1': functionalAcknowledgmentSentV1,
  'exception.raised.v1': exceptionRaisedV1,
  'exception.changed.v1': exceptionChangedV1,
} as const;

type Catalogue = typeof EVENT_CATALOGUE;

/** `purchase-order.acknowledged.v1` and the like. */
export type EventName = keyof Catalogue;
/** A validated event of one name. */
export type EventOf<N extends EventName> = z.output<Catalogue[N]>;
/** What a producer writes (before validation): the same shape, with plain strings for decimals. */
export type EventInput<N extends EventName> = z.input<Catalogue[N]>;
/** Any canonical event; `type` and `schemaVersion` discriminate. */
export type CanonicalEvent = { [N in EventName]: EventOf<N> }[EventName];
export type EventType = CanonicalEvent['type'];

export const EVENT_NAMES = Object.keys(EVENT_CATALOGUE) as EventName[];

/** The catalogue name of an event: `${type}.${schemaVersion}`. */
export function eventName(event: Pick<CanonicalEvent, 'type' | 'schemaVersion'>): EventName {
  return `${event.type}.${event.schemaVersion}` as EventName;
}

function versionsOf(type: string): string[] {
  return EVENT_NAMES.filter((name) => name.slice(0, name.lastIndexOf('.')) === type).map((name) =>
    name.slice(name.lastIndexOf('.') + 1),
  );
}

/**
 * Validates a canonical event (a parsed object, or JSON text) and returns it typed. An unknown type
 * or version, invalid JSON, and every schema problem are `CanonicalError`s whose details list each
 * problem with its path (`payload.lines.0.status: …`).
 */
export function parseEvent(json: unknown): CanonicalEvent {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new CanonicalError(
        CanonicalErrorCode.EventInvalidJson,
        `event is not JSON: ${(error as Error).message}`,
      );
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CanonicalError(CanonicalErrorCode.EventInvalid, 'an event is a JSON object');

  const { type, schemaVersion } = value as { type?: unknown; schemaVersion?: unknown };
  if (typeof type !== 'string' || versionsOf(type).length === 0)
    throw new CanonicalError(
      CanonicalErrorCode.EventUnknownType,
      `unknown event type ${JSON.stringify(type)}; the catalogue has ${[...new Set(EVENT_NAMES.map((n) => n.slice(0, n.lastIndexOf('.'))))].join(', ')}`,
    );
  const name = `${type}.${String(schemaVersion)}`;
  if (!(name in EVENT_CATALOGUE))
    throw new CanonicalError(
      CanonicalErrorCode.EventUnknownVersion,
      `event type ${type} has no schema version ${JSON.stringify(schemaVersion)}; known: ${versionsOf(type).join(', ')}`,
    );

  const result = EVENT_CATALOGUE[name as EventName].safeParse(value);
  if (!result.success)
    throw new CanonicalError(
      CanonicalErrorCode.EventInvalid,
      `invalid ${name} event`,
      result.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`,
      ),
    );
  return result.data as CanonicalEvent;
}

/** Like `parseEvent`, for one expected name: a different type or version is an error. */
export function parseEventOf<N extends EventName>(name: N, json: unknown): EventOf<N> {
  const event = parseEvent(json);
  if (eventName(event) !== name)
    throw new CanonicalError(
      CanonicalErrorCode.EventInvalid,
      `expected a ${name} event, got ${eventName(event)}`,
    );
  return event as EventOf<N>;
}
