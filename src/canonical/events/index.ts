export {
  EVENT_CATALOGUE,
  EVENT_NAMES,
  eventName,
  parseEvent,
  parseEventOf,
  type CanonicalEvent,
  type EventInput,
  type EventName,
  type EventOf,
  type EventType,
} from './catalogue.js';
export { DOCUMENT_KINDS, SCHEMA_VERSIONS, type DocumentKind, type SchemaVersion } from './envelope.js';
export { DISCREPANCY_KINDS } from './logistics-events.js';
export { INVENTORY_ADJUSTMENT_REASONS } from './plant-events.js';
export { LINE_CHANGES, LINE_STATUSES } from './purchase-order-events.js';
export { REPLENISHMENT_ACTIONS } from './replenishment-events.js';
export { EXCEPTION_SEVERITIES, EXCEPTION_STATES } from './exception-events.js';
export { renderEventSchema, renderEventSchemas, eventSchemaFileName } from './json-schemas.js';
export { SAMPLE_EVENTS } from './sample-events.js';
export { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './values.js';
export * from './correlation.js';
