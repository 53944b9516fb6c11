import type { z } from 'zod';
import { EVENT_CATALOGUE, parseEvent, type CanonicalEvent, type EventName } from '../canonical/index.js';
import { compile, Unsupported, type Check } from './event-check-source.js';

/**
 * Translation's cheap acceptance of canonical events (issues #6 and #8: zod's `parseEvent` was about a
 * third of each set's translation, mostly copying every object of an event it then accepted).
 *
 * Each catalogue schema is compiled once into a predicate over the zod definition tree. It asks what
 * the schema's checks ask, reading their parameters from zod's definitions: lengths, patterns (of
 * `.regex()` and of the string formats, such as `z.uuid()`), number bounds, and `.refine()` functions.
 * A valid value then costs no allocation. Checks it does not know (superRefine, overwrites) run as
 * zod's own check objects. It is conservative: it answers `true` only for a value zod would accept
 * *and* return unchanged (no unknown keys, keys in schema order, no transforms), so the value itself
 * can stand for zod's output. Anything else, and any schema construct it does not know, goes to
 * `parseEvent`, which stays the authority for every rejection and its messages.
 * `event-check.spec.ts` holds it to that against zod on valid and damaged events, and on each check
 * kind it reproduces.
 */

const compiled = new Map<EventName, Check | null>();

/** The compiled acceptance check of one catalogue event, or null when its schema uses a construct `compile` does not handle. */
export function eventCheckOf(name: EventName): Check | null {
  let check = compiled.get(name);
  if (check === undefined) {
    check = schemaCheckOf(EVENT_CATALOGUE[name] as unknown as z.ZodType);
    compiled.set(name, check);
  }
  return check;
}

/**
 * The acceptance check of any zod schema, or null when it uses a construct `compile` does not handle
 * (the spec holds each check kind to zod through it, including kinds the catalogue does not use yet).
 */
export function schemaCheckOf(schema: z.ZodType): Check | null {
  try {
    return compile(schema);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return null;
  }
}

/**
 * `parseEvent` for events translation built itself: the value is returned as is when the compiled
 * check accepts it, else zod decides (and throws its `CanonicalError` with every problem).
 */
export function acceptEvent(draft: Record<string, unknown>): CanonicalEvent {
  const { type, schemaVersion } = draft;
  // A type or version that is not a string names no catalogue event: zod says why.
  const check =
    typeof type === 'string' && typeof schemaVersion === 'string' ? checkOfDraft(type, schemaVersion) : null;
  if (check !== null && check(draft)) return draft as unknown as CanonicalEvent;
  return parseEvent(draft);
}

/** The catalogue's checks by type and version, found without making each event's `<type>.<version>`. */
const byTypeAndVersion = new Map<string, Map<string, Check | null>>();

function checkOfDraft(type: string, version: string): Check | null {
  const known = byTypeAndVersion.get(type)?.get(version);
  if (known !== undefined) return known;
  const name = `${type}.${version}`;
  // Only catalogue names are kept, so what drafts may say cannot grow the map.
  if (!Object.hasOwn(EVENT_CATALOGUE, name)) return null;
  const check = eventCheckOf(name as EventName);
  let versions = byTypeAndVersion.get(type);
  if (versions === undefined) byTypeAndVersion.set(type, (versions = new Map()));
  versions.set(version, check);
  return check;
}
