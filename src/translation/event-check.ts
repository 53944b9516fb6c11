import type { z } from 'zod';
import { EVENT_CATALOGUE, parseEvent, type CanonicalEvent, type EventName } from '../canonical/index.js';

/**
 * Translation's cheap acceptance of canonical events (issues #6 and #8: zod's `parseEvent` was about a
 * third of each set's translation, mostly copying every object of an event it then accepted).
 *
 * Each catalogue schema is compiled once into a predicate over the zod definition tree. It runs the
 * schema's own checks (patterns, lengths, refinements, superRefine: zod's check objects, unchanged),
 * but builds no copy and no issue list. It is conservative: it answers `true` only for a value zod
 * would accept *and* return unchanged (no unknown keys, keys in schema order, no transforms), so the
 * value itself can stand for zod's output. Anything else, and any schema construct it does not know,
 * goes to `parseEvent`, which stays the authority for every rejection and its messages.
 * `event-check.spec.ts` holds it to that against zod on valid and damaged events.
 */

type Check = (value: unknown) => boolean;
type ZodInternals = {
  _zod: {
    def: Record<string, any> & { type: string; checks?: unknown[] };
    traits: Set<string>;
    check?: (payload: unknown) => unknown;
  };
};

/** Schema constructs outside what `compile` reproduces exactly. */
class Unsupported extends Error {}

const compiled = new Map<EventName, Check | null>();

/** The compiled acceptance check of one catalogue event, or null when its schema uses a construct `compile` does not handle. */
export function eventCheckOf(name: EventName): Check | null {
  let check = compiled.get(name);
  if (check === undefined) {
    try {
      check = compile(EVENT_CATALOGUE[name] as unknown as z.ZodType);
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      check = null;
    }
    compiled.set(name, check);
  }
  return check;
}

/**
 * `parseEvent` for events translation built itself: the value is returned as is when the compiled
 * check accepts it, else zod decides (and throws its `CanonicalError` with every problem).
 */
export function acceptEvent(draft: Record<string, unknown>): CanonicalEvent {
  const name = `${String(draft.type)}.${String(draft.schemaVersion)}`;
  if (Object.hasOwn(EVENT_CATALOGUE, name)) {
    const check = eventCheckOf(name as EventName);
    if (check !== null && check(draft)) return draft as unknown as CanonicalEvent;
  }
  return parseEvent(draft);
}

function compile(schema: z.ZodType): Check {
  const internals = (schema as unknown as ZodInternals)._zod;
  const def = internals.def;
  const base = compileType(def);
  const checks = [
    ...(internals.traits.has('$ZodCheck') ? [internals] : []),
    ...((def.checks ?? []) as ZodInternals[]).map((c) => c._zod),
  ];
  if (checks.length === 0) return base;
  for (const c of checks)
    if (typeof c.check !== 'function') throw new Unsupported('check without a function');
  const patterns = checks.map(patternOf);
  return (value) => {
    if (!base(value)) return false;
    for (let i = 0; i < checks.length; i++) {
      const pattern = patterns[i];
      if (pattern !== undefined) {
        // What zod's regex check runs, without its payload and issue objects (most event strings).
        pattern.lastIndex = 0;
        if (!pattern.test(value as string)) return false;
        continue;
      }
      const c = checks[i]!;
      // zod's own check object on a payload as zod builds it; any issue, promise or throw is "not sure".
      const payload = { value, issues: [] as unknown[] };
      try {
        if (c.check!(payload) instanceof Promise) return false;
      } catch {
        return false;
      }
      // An overwrite check (trim, case) changes the value: zod's output would differ from it.
      if (payload.issues.length > 0 || payload.value !== value) return false;
    }
    return true;
  };
}

/**
 * The pattern of a `.regex()` check ($ZodCheckRegex), whose check is exactly "the pattern matches the
 * string"; undefined for every other check, which then runs as zod's own object.
 */
function patternOf(check: ZodInternals['_zod']): RegExp | undefined {
  const pattern = check.def.pattern as unknown;
  return check.traits.has('$ZodCheckRegex') && pattern instanceof RegExp ? pattern : undefined;
}

function compileType(def: Record<string, any>): Check {
  switch (def.type) {
    case 'string':
      if (def.coerce) throw new Unsupported('coerced string');
      return (v) => typeof v === 'string';
    case 'boolean':
      if (def.coerce) throw new Unsupported('coerced boolean');
      return (v) => typeof v === 'boolean';
    case 'number':
      if (def.coerce) throw new Unsupported('coerced number');
      // zod refuses NaN and the infinities before any check.
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'union': {
      // zod returns the first option that parses, so an option's "yes" counts only when every earlier
      // option surely fails: its literal field (a discriminator such as `change`) has another value.
      const options = (def.options as z.ZodType[]).map((option) => ({
        check: compile(option),
        fails: surelyFails(option),
      }));
      return (v) => {
        for (const option of options) {
          if (option.check(v)) return true;
          if (!option.fails(v)) return false;
        }
        return false;
      };
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => values.has(v);
    }
    case 'literal': {
      const values = new Set(def.values as unknown[]);
      return (v) => values.has(v);
    }
    case 'optional': {
      const inner = compile(def.innerType);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType);
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const element = compile(def.element);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (const item of v) if (!element(item)) return false;
        return true;
      };
    }
    case 'object':
      return compileObject(def);
    default:
      throw new Unsupported(`zod ${def.type}`);
  }
}

/**
 * A plain object whose keys all belong to the shape, in the shape's order (zod's output order), each
 * value accepted by its field. Absent keys are `undefined` to their field, as in zod.
 */
function compileObject(def: Record<string, any>): Check {
  // Strict (catchall never) or stripping (no catchall): with no unknown keys both return the value.
  if (def.catchall !== undefined && def.catchall._zod.def.type !== 'never')
    throw new Unsupported('object catchall');
  const shape = def.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const fields = keys.map((key) => compile(shape[key]!));
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    if (Object.getPrototypeOf(v) !== Object.prototype) return false;
    const record = v as Record<string, unknown>;
    // Own keys must be shape keys in shape order: one forward walk through the shape (both lists
    // are short, and property names compare by identity). Each field is checked on the way, absent
    // ones as `undefined`; reading `record[key]` inside its own for-in is V8's fast path.
    let at = 0;
    for (const key in record) {
      while (at < keys.length && keys[at] !== key) if (!fields[at++]!(undefined)) return false;
      if (at === keys.length || !fields[at++]!(record[key])) return false;
    }
    while (at < keys.length) if (!fields[at++]!(undefined)) return false;
    return true;
  };
}

/** A predicate that is true only where `schema` certainly refuses the value (else: "not known"). */
function surelyFails(schema: z.ZodType): Check {
  const def = (schema as unknown as ZodInternals)._zod.def;
  if (def.type !== 'object') return () => false;
  const literals = Object.entries(def.shape as Record<string, z.ZodType>)
    .map(([key, field]) => ({ key, def: (field as unknown as ZodInternals)._zod.def }))
    .filter((field) => field.def.type === 'literal')
    .map((field) => ({ key: field.key, values: new Set(field.def.values as unknown[]) }));
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return true;
    const record = v as Record<string, unknown>;
    return literals.some((field) => !field.values.has(record[field.key]));
  };
}
