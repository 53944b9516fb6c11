import { z } from 'zod';
import { canonicalSchemaRegistry } from '../schema-registry.js';
import { EVENT_CATALOGUE, EVENT_NAMES, type EventName } from './catalogue.js';
import { SAMPLE_EVENTS } from './sample-events.js';

/**
 * JSON Schemas (draft 2020-12) of the catalogue, for subscribers and partners' developers who do not
 * read TypeScript. They are rendered from the zod schemas, so they cannot drift: a unit spec compares
 * them with `docs/events/` and fails on any difference. What JSON Schema cannot say (schedule lines
 * adding up to the line quantity, SSCC check digits, duplicate line numbers) is checked by
 * `parseEvent` only; the descriptions say so where it matters.
 */

export const EVENT_SCHEMA_DIRECTORY = 'docs/events';

export const REGENERATE_HINT = 'UPDATE_EVENT_SCHEMAS=1 npx vitest run --project unit src/canonical';

/** The file an event's schema is written to: `purchase-order.acknowledged.v1.schema.json`. */
export function eventSchemaFileName(name: EventName): string {
  return `${name}.schema.json`;
}

/** The JSON Schema of one event, with its sample as an example. */
export function renderEventSchema(name: EventName): Record<string, unknown> {
  const schema = z.toJSONSchema(EVENT_CATALOGUE[name], {
    target: 'draft-2020-12',
    metadata: canonicalSchemaRegistry,
  }) as Record<string, unknown>;
  const { $schema, title, description, ...rest } = schema;
  return {
    $schema,
    $comment: `Generated from src/canonical/events by renderEventSchemas(); do not edit. Regenerate: ${REGENERATE_HINT}`,
    title,
    description,
    ...rest,
    examples: [SAMPLE_EVENTS[name]],
  };
}

/** Every event schema as file name → file text (two-space JSON and a final newline). */
export function renderEventSchemas(): ReadonlyMap<string, string> {
  return new Map(
    EVENT_NAMES.map((name) => [
      eventSchemaFileName(name),
      `${JSON.stringify(renderEventSchema(name), null, 2)}\n`,
    ]),
  );
}
