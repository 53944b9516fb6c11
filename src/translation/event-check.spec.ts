import { describe, expect, it } from 'vitest';
import {
  CanonicalError,
  EVENT_CATALOGUE,
  EVENT_NAMES,
  parseEvent,
  type EventName,
} from '../canonical/index.js';
import { SAMPLE_EVENTS } from '../canonical/events/sample-events.js';
import { acceptEvent, eventCheckOf } from './event-check.js';

/**
 * The compiled check may only say "yes" where zod says "yes" and returns the value unchanged: then
 * translation can keep its own object. Held against zod on every catalogue sample and on thousands of
 * damaged copies of them (every field emptied, padded, overlong, retyped, removed, doubled, keys
 * reordered, extra keys).
 */

type Json = unknown;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Every path to a value inside `value` (objects and arrays), depth first. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(value))
    value.forEach((item, i) => {
      out.push([...prefix, i], ...paths(item, [...prefix, i]));
    });
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value))
      out.push([...prefix, key], ...paths(item, [...prefix, key]));
  return out;
}

function parentOf(root: Json, path: (string | number)[]): Record<string | number, Json> {
  let at = root as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, Json>;
  return at;
}

const REPLACEMENTS: Json[] = [
  '',
  ' padded ',
  'x'.repeat(600),
  'KGM',
  '12.5',
  '-1',
  '2025-03-14',
  '2025-03-14T09:30:00',
  '2025-03-14T09:30:00+01:00',
  '340123450000000019',
  '340123450000000018',
  12,
  null,
  true,
  [],
  {},
];

/** Damaged copies of a valid event: one change each. */
function* damaged(event: Json): Generator<Json> {
  for (const path of paths(event)) {
    const key = path[path.length - 1]!;
    for (const replacement of REPLACEMENTS) {
      const copy = clone(event);
      parentOf(copy, path)[key] = clone(replacement);
      yield copy;
    }
    const removed = clone(event);
    const parent = parentOf(removed, path);
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    yield removed;
    const doubled = clone(event);
    const list = parentOf(doubled, path);
    if (Array.isArray(list)) list.push(clone(list[key as number]));
    yield doubled;
  }
  for (const path of [[], ...paths(event)]) {
    const copy = clone(event);
    const target = path.length === 0 ? copy : parentOf(copy, path)[path[path.length - 1]!];
    if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
    const extra = clone(copy);
    const extraTarget = path.length === 0 ? extra : parentOf(extra, path)[path[path.length - 1]!];
    (extraTarget as Record<string, Json>).unexpected = 'x';
    yield extra;
    const entries = Object.entries(target);
    if (entries.length < 2) continue;
    const reordered = Object.fromEntries(entries.reverse());
    if (path.length === 0) yield reordered;
    else {
      parentOf(copy, path)[path[path.length - 1]!] = reordered;
      yield copy;
    }
  }
}

function zodVerdict(name: EventName, value: Json): { ok: boolean; output?: Json } {
  const result = EVENT_CATALOGUE[name].safeParse(value);
  return result.success ? { ok: true, output: result.data } : { ok: false };
}

describe('compiled event check', () => {
  it('compiles every catalogue schema (nothing falls back to zod for want of a construct)', () => {
    expect(EVENT_NAMES.filter((name) => eventCheckOf(name) === null)).toEqual([]);
  });

  it.each(EVENT_NAMES)('accepts the %s sample exactly as zod returns it', (name) => {
    const canonical = parseEvent(clone(SAMPLE_EVENTS[name]));
    const check = eventCheckOf(name)!;
    expect(check(clone(canonical))).toBe(true);
    const accepted = acceptEvent(clone(canonical) as Record<string, unknown>);
    expect(JSON.stringify(accepted)).toBe(JSON.stringify(canonical));
  });

  it.each(EVENT_NAMES)('never accepts a damaged %s that zod refuses or would change', (name) => {
    const canonical = JSON.parse(JSON.stringify(parseEvent(clone(SAMPLE_EVENTS[name])))) as Json;
    const check = eventCheckOf(name)!;
    let accepted = 0;
    let refused = 0;
    for (const variant of damaged(canonical)) {
      const fast = check(variant);
      const zod = zodVerdict(name, variant);
      if (fast) {
        accepted++;
        expect(zod.ok, JSON.stringify(variant)).toBe(true);
        // The check's "yes" means the value can stand for zod's output, byte for byte.
        expect(JSON.stringify(zod.output)).toBe(JSON.stringify(variant));
      } else refused++;
    }
    // Both answers occur: the damage reaches the check, and harmless changes (an optional removed) pass.
    expect(refused).toBeGreaterThan(10);
    expect(accepted).toBeGreaterThan(0);
  });

  it('leaves every refusal and its messages to parseEvent', () => {
    const bad = clone(parseEvent(clone(SAMPLE_EVENTS['ship-notice.received.v1']))) as any;
    bad.payload.orders[0].packs[0].sscc = '340123450000000018';
    bad.payload.orders[0].packs[0].items[0].quantity.unit = 'BOGUS';
    let expected: CanonicalError | undefined;
    try {
      parseEvent(clone(bad));
    } catch (error) {
      expected = error as CanonicalError;
    }
    expect(expected).toBeInstanceOf(CanonicalError);
    expect(() => acceptEvent(clone(bad))).toThrow(expected!.message);
    try {
      acceptEvent(clone(bad));
    } catch (error) {
      expect((error as CanonicalError).details).toEqual(expected!.details);
    }
  });

  it('sends an unknown type or version to parseEvent', () => {
    expect(() => acceptEvent({ type: 'nothing', schemaVersion: 'v1' })).toThrow(CanonicalError);
    expect(() => acceptEvent({ type: 'ship-notice.received', schemaVersion: 'v9' })).toThrow(CanonicalError);
  });
});
