import type { z } from 'zod';
import { EVENT_CATALOGUE, parseEvent, type CanonicalEvent, type EventName } from '../canonical/index.js';

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

type Check = (value: unknown) => boolean;
type ZodInternals = {
  _zod: {
    def: Record<string, any> & { type: string; checks?: unknown[] };
    traits: Set<string>;
    check?: (payload: unknown) => unknown;
  };
};
type ZodCheck = ZodInternals['_zod'];

/** Schema constructs outside what `compile` reproduces exactly. */
class Unsupported extends Error {}

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
  // A string format (z.uuid(), z.iso.datetime()) is itself its first check, as zod runs it.
  const checks = [
    ...(internals.traits.has('$ZodCheck') ? [internals] : []),
    ...((def.checks ?? []) as ZodInternals[]).map((c) => c._zod),
  ];
  for (const c of checks)
    if (typeof c.check !== 'function') throw new Unsupported('check without a function');
  // exactOptional() refuses an explicit `undefined`, which the optional test below lets through.
  if (internals.traits.has('$ZodExactOptional')) throw new Unsupported('exact optional');
  switch (def.type) {
    case 'string':
      return compileString(def, checks);
    case 'array':
      return compileArray(def, checks);
    case 'number':
      return compileNumber(def, checks);
    default:
      return withTests(compileType(def), checks.map(testOf));
  }
}

/**
 * A string's checks as one test: zod's length bounds folded into one range, then the patterns
 * (`.regex()` and string formats), then any other check. Every check must pass, so their order does
 * not matter (a check that changes the value fails in `zodCheck`, whatever its place).
 */
function compileString(def: Record<string, any>, checks: ZodCheck[]): Check {
  if (def.coerce) throw new Unsupported('coerced string');
  const { minLength, maxLength, rest } = lengthBounds(checks);
  let textPattern: RegExp | undefined;
  const patterns: RegExp[] = [];
  const tests: Check[] = [];
  for (const c of rest) {
    const pattern = patternOf(c);
    if (pattern === undefined) tests.push(testOf(c));
    else if (isTextPattern(pattern)) textPattern = pattern;
    else patterns.push(pattern);
  }
  return (v) => {
    if (typeof v !== 'string' || !stringLengthWithin(v, minLength, maxLength)) return false;
    if (textPattern !== undefined && !hasGraphicEnds(v)) {
      textPattern.lastIndex = 0;
      if (!textPattern.test(v)) return false;
    }
    for (let i = 0; i < patterns.length; i++) {
      // What zod's pattern check runs, without its payload and issue objects.
      const pattern = patterns[i]!;
      pattern.lastIndex = 0;
      if (!pattern.test(v)) return false;
    }
    return tests.length === 0 || allPass(tests, v);
  };
}

function compileArray(def: Record<string, any>, checks: ZodCheck[]): Check {
  const element = compile(def.element);
  const { minLength, maxLength, rest } = lengthBounds(checks);
  const tests = rest.map(testOf);
  return (v) => {
    if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) return false;
    // Indexed, as zod reads it (a hole is `undefined` to the element).
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
    return tests.length === 0 || allPass(tests, v);
  };
}

function compileNumber(def: Record<string, any>, checks: ZodCheck[]): Check {
  if (def.coerce) throw new Unsupported('coerced number');
  const tests = checks.map((c) => numberTestOf(c) ?? testOf(c));
  // zod refuses NaN and the infinities before any check.
  return (v) => typeof v === 'number' && Number.isFinite(v) && (tests.length === 0 || allPass(tests, v));
}

/** The types without checks of their own kind; their checks (refinements mostly) follow the base test. */
function compileType(def: Record<string, any>): Check {
  switch (def.type) {
    case 'boolean':
      if (def.coerce) throw new Unsupported('coerced boolean');
      return (v) => typeof v === 'boolean';
    case 'union': {
      // zod returns the first option that parses, so an option's "yes" counts only when every earlier
      // option surely fails: its literal field (a discriminator such as `change`) has another value.
      const checks = (def.options as z.ZodType[]).map(compile);
      const fails = (def.options as z.ZodType[]).map(surelyFails);
      return (v) => {
        for (let i = 0; i < checks.length; i++) {
          if (checks[i]!(v)) return true;
          if (!fails[i]!(v)) return false;
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
    for (const field of literals) if (!field.values.has(record[field.key])) return true;
    return false;
  };
}

function withTests(base: Check, tests: Check[]): Check {
  if (tests.length === 0) return base;
  return (v) => base(v) && allPass(tests, v);
}

function allPass(tests: Check[], v: unknown): boolean {
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
  return true;
}

/**
 * The length checks among `checks` ($ZodCheckMinLength, $ZodCheckMaxLength, $ZodCheckLengthEquals:
 * `.min()`, `.max()`, `.length()` of strings and arrays) as one inclusive range, and the other checks.
 */
function lengthBounds(checks: ZodCheck[]): { minLength: number; maxLength: number; rest: ZodCheck[] } {
  let minLength = 0;
  let maxLength = Infinity;
  const rest: ZodCheck[] = [];
  for (const c of checks) {
    const { def, traits } = c;
    if (traits.has('$ZodCheckMinLength') && typeof def.minimum === 'number')
      minLength = Math.max(minLength, def.minimum);
    else if (traits.has('$ZodCheckMaxLength') && typeof def.maximum === 'number')
      maxLength = Math.min(maxLength, def.maximum);
    else if (traits.has('$ZodCheckLengthEquals') && typeof def.length === 'number') {
      minLength = Math.max(minLength, def.length);
      maxLength = Math.min(maxLength, def.length);
    } else rest.push(c);
  }
  return { minLength, maxLength, rest };
}

/**
 * Whether a string's length in Unicode code points, as zod measures it, lies in `[min, max]`. Code
 * points are only counted where UTF-16 units leave a doubt: a code point is one or two units, so a
 * string has between ⌈units / 2⌉ and `units` code points.
 */
function stringLengthWithin(s: string, min: number, max: number): boolean {
  const units = s.length;
  if (units < min) return false;
  if (units <= max && (units >= 2 * min || min <= 1)) return true;
  const points = codePointLength(s);
  return points >= min && points <= max;
}

/** Code points of `s` as zod's `util.codePointLength` counts them: a surrogate pair is one, a lone surrogate one. */
function codePointLength(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++)
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  return count;
}

/**
 * String formats whose zod check is exactly "the format's pattern matches": their constructors set
 * `def.pattern` and keep $ZodCheckStringFormat's pattern check (zod 4 core `schemas.js`). Formats with
 * checks of their own (URL, IPv6, CIDR, base64, JWT, custom formats) are not listed and run as zod's.
 */
const PATTERN_FORMATS = [
  '$ZodUUID',
  '$ZodGUID',
  '$ZodEmail',
  '$ZodISODateTime',
  '$ZodISODate',
  '$ZodISOTime',
];

/**
 * The pattern of a `.regex()` check ($ZodCheckRegex) or of a string format listed above, whose check
 * is "the pattern matches the string"; undefined for every other check.
 */
function patternOf(check: ZodCheck): RegExp | undefined {
  const pattern = check.def.pattern as unknown;
  if (!(pattern instanceof RegExp)) return undefined;
  if (check.traits.has('$ZodCheckRegex')) return pattern;
  const plainFormat =
    check.def.check === 'string_format' && PATTERN_FORMATS.some((trait) => check.traits.has(trait));
  return plainFormat ? pattern : undefined;
}

/**
 * The catalogue's free-text pattern (`text()` in canonical/events/values.ts: no leading or trailing
 * whitespace), two thirds of an event's strings. A string whose first and last characters are
 * printable ASCII other than space matches it (both are `\S`, and `[\s\S]*` takes anything between),
 * so only other strings need the regular expression: 15-20 % of the check's time on ship notices.
 */
const TEXT_PATTERN = /^\S(?:[\s\S]*\S)?$/;

function isTextPattern(pattern: RegExp): boolean {
  return pattern.source === TEXT_PATTERN.source && pattern.flags === TEXT_PATTERN.flags;
}

function hasGraphicEnds(s: string): boolean {
  return s.length > 0 && isAsciiGraphic(s.charCodeAt(0)) && isAsciiGraphic(s.charCodeAt(s.length - 1));
}

/** `!` to `~`: no JavaScript whitespace or line terminator lies there. */
function isAsciiGraphic(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

/**
 * A number check as a native test: `.gt()`/`.gte()`/`.lt()`/`.lte()` (and `.positive()` & co.) with
 * a number bound, and `z.int()` (format safeint: an integer within ±(2^53 − 1)). Undefined for others.
 */
function numberTestOf(check: ZodCheck): Check | undefined {
  const { def, traits } = check;
  if (traits.has('$ZodCheckGreaterThan') && typeof def.value === 'number') {
    const bound = def.value;
    return def.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
  }
  if (traits.has('$ZodCheckLessThan') && typeof def.value === 'number') {
    const bound = def.value;
    return def.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
  }
  if (traits.has('$ZodCheckNumberFormat') && def.format === 'safeint') return (v) => Number.isSafeInteger(v);
  return undefined;
}

/**
 * Any other check as a test: a `.refine()` ($ZodCustom) is its function's verdict, called directly
 * (zod's check object would wrap it in a payload); everything else is zod's own check object.
 */
function testOf(check: ZodCheck): Check {
  const fn = check.def.fn as unknown;
  if (check.traits.has('$ZodCustom') && check.def.check === 'custom' && typeof fn === 'function')
    return (v) => {
      try {
        const verdict: unknown = fn(v);
        // A promise needs zod's async parse; a throw is zod's to report.
        return !(verdict instanceof Promise) && Boolean(verdict);
      } catch {
        return false;
      }
    };
  return zodCheck(check);
}

/** zod's own check object on a payload as zod builds it; any issue, promise or throw is "not sure". */
function zodCheck(check: ZodCheck): Check {
  return (value) => {
    const payload = { value, issues: [] as unknown[] };
    try {
      if (check.check!(payload) instanceof Promise) return false;
    } catch {
      return false;
    }
    // An overwrite check (trim, case) changes the value: zod's output would differ from it.
    return payload.issues.length === 0 && payload.value === value;
  };
}
