import type { z } from 'zod';
import {
  CANONICAL_DECIMAL_PATTERN,
  isCanonicalDecimal,
  NON_NEGATIVE_DECIMAL_PATTERN,
} from '../canonical/index.js';

/**
 * The generated acceptance checks of `event-check.ts`: a zod schema made into JavaScript source, one
 * function per schema node, and the tests those functions call.
 */

export type Check = (value: unknown) => boolean;
type ZodInternals = {
  _zod: {
    def: Record<string, any> & { type: string; checks?: unknown[] };
    traits: Set<string>;
    check?: (payload: unknown) => unknown;
  };
};
type ZodCheck = ZodInternals['_zod'];

/** Schema constructs outside what `compile` reproduces exactly. */
export class Unsupported extends Error {}

/**
 * The check of a schema as JavaScript source, made into one function. A tree of closures answered the
 * same, but each node's call went through one shared (megamorphic) call site and each object walked
 * its shape through lists: the check was three quarters of a ship notice's per-set cost after its map.
 * Generated, every call site has one target that V8 inlines, and an object's walk is unrolled over its
 * keys. The source holds only structure, numbers and JSON-quoted keys; everything else the check
 * calls (patterns, enum sets, refinements, zod check objects) is passed in as a value.
 */
export function compile(schema: z.ZodType): Check {
  const source = new CheckSource();
  const root = source.node(schema);
  const body = `'use strict';\n${source.text()}\nreturn ${root};`;
  let make: (...args: unknown[]) => Check;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys enter as JSON string literals only
    make = new Function('K', ...Object.keys(HELPERS), body) as typeof make;
  } catch (error) {
    // A process run with code generation from strings disallowed: zod decides every event.
    if (error instanceof EvalError) throw new Unsupported('code generation disallowed');
    throw error;
  }
  return make(source.values, ...Object.values(HELPERS));
}

/** What generated checks call by name: the tests below, and builtins a value could not shadow. */
const HELPERS = {
  isArray: Array.isArray,
  getPrototypeOf: Object.getPrototypeOf,
  objectPrototype: Object.prototype,
  isFinite: Number.isFinite,
  lengthWithin: stringLengthWithin,
  graphicEnds: hasGraphicEnds,
  matches,
  isCanonicalDecimal,
  isZodUuid,
  isZodDateTime,
};

/** The functions of one generated check (one per schema node, shared by repeated nodes) and its values. */
class CheckSource {
  readonly values: unknown[] = [];
  private readonly functions: string[] = [];
  private readonly names = new Map<z.ZodType, string>();

  /** A value the source refers to: `K[i]`. */
  value(v: unknown): string {
    this.values.push(v);
    return `K[${this.values.length - 1}]`;
  }

  /** The name of the function checking `schema` (generated on first use). */
  node(schema: z.ZodType): string {
    let name = this.names.get(schema);
    if (name === undefined) {
      name = `check${this.names.size}`;
      this.names.set(schema, name);
      this.functions.push(`function ${name}(v) {\n${this.body(schema)}\n}`);
    }
    return name;
  }

  text(): string {
    return this.functions.join('\n');
  }

  private body(schema: z.ZodType): string {
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
        return this.string(def, checks);
      case 'array':
        return this.array(def, checks);
      case 'number':
        return this.number(def, checks);
      case 'object':
        return `${this.object(def)}\n${this.tests(checks.map(testOf))}return true;`;
      default:
        return `if (!(${this.type(def)})) return false;\n${this.tests(checks.map(testOf))}return true;`;
    }
  }

  /** `if (!K[i](v)) return false;` for each test, in order. */
  private tests(tests: readonly Check[]): string {
    return tests.map((test) => `if (!${this.value(test)}(v)) return false;\n`).join('');
  }

  /**
   * A string's checks: zod's length bounds folded into one range, then the patterns (`.regex()` and
   * string formats), then any other check. Every check must pass, so their order does not matter (a
   * check that changes the value fails in `zodCheck`, whatever its place).
   */
  private string(def: Record<string, any>, checks: ZodCheck[]): string {
    if (def.coerce) throw new Unsupported('coerced string');
    const { minLength, maxLength, rest } = lengthBounds(checks);
    const lines = [
      `if (typeof v !== 'string' || !lengthWithin(v, ${minLength}, ${bound(maxLength)})) return false;`,
    ];
    const tests: Check[] = [];
    for (const c of rest) {
      const pattern = patternOf(c);
      if (pattern === undefined) tests.push(testOf(c));
      else if (isTextPattern(pattern))
        lines.push(`if (!graphicEnds(v) && !matches(${this.value(pattern)}, v)) return false;`);
      else lines.push(this.pattern(pattern));
    }
    return `${lines.join('\n')}\n${this.tests(tests)}return true;`;
  }

  /**
   * A pattern's test: the catalogue's decimal patterns and one-class patterns (`^[0-9]{18}$`) as
   * character scans with the same answer (several times cheaper than entering the expression, more
   * on the sliced strings of a parsed document), any other as the expression itself.
   */
  private pattern(pattern: RegExp): string {
    const plain = pattern.flags === '' || pattern.flags === 'g';
    if (plain && pattern.source === CANONICAL_DECIMAL_PATTERN.source)
      return `if (!isCanonicalDecimal(v, true)) return false;`;
    if (plain && pattern.source === NON_NEGATIVE_DECIMAL_PATTERN.source)
      return `if (!isCanonicalDecimal(v, false)) return false;`;
    if (plain && pattern.source === ZOD_UUID_SOURCE) return `if (!isZodUuid(v)) return false;`;
    if (plain && pattern.source === ZOD_DATETIME_SOURCE) return `if (!isZodDateTime(v)) return false;`;
    const run = plain ? classRunOf(pattern.source) : undefined;
    if (run === undefined) return `if (!matches(${this.value(pattern)}, v)) return false;`;
    const allowed = this.value(run.allowed);
    return [
      `if (v.length < ${run.min} || v.length > ${bound(run.max)}) return false;`,
      `for (let i = 0; i < v.length; i++) if (${allowed}[v.charCodeAt(i)] !== 1) return false;`,
    ].join('\n');
  }

  private array(def: Record<string, any>, checks: ZodCheck[]): string {
    const element = this.node(def.element);
    const { minLength, maxLength, rest } = lengthBounds(checks);
    return [
      `if (!isArray(v) || v.length < ${minLength} || v.length > ${bound(maxLength)}) return false;`,
      // Indexed, as zod reads it (a hole is `undefined` to the element).
      `for (let i = 0; i < v.length; i++) if (!${element}(v[i])) return false;`,
      `${this.tests(rest.map(testOf))}return true;`,
    ].join('\n');
  }

  private number(def: Record<string, any>, checks: ZodCheck[]): string {
    if (def.coerce) throw new Unsupported('coerced number');
    // zod refuses NaN and the infinities before any check.
    const tests = checks.map((c) => numberTestOf(c) ?? testOf(c));
    return `if (typeof v !== 'number' || !isFinite(v)) return false;\n${this.tests(tests)}return true;`;
  }

  /** The types without checks of their own kind, as an expression over `v`; their checks follow it. */
  private type(def: Record<string, any>): string {
    switch (def.type) {
      case 'boolean':
        if (def.coerce) throw new Unsupported('coerced boolean');
        return `typeof v === 'boolean'`;
      case 'union': {
        // zod returns the first option that parses, so an option's "yes" counts only when every
        // earlier option surely fails: its literal field (a discriminator such as `change`) has
        // another value.
        const options = def.options as z.ZodType[];
        const names = options.map((option) => this.node(option));
        const fails = options.map((option) => this.value(surelyFails(option)));
        const steps = names.map((name, i) => `(${name}(v) || (${fails[i]}(v) && `).join('');
        return `${steps}false${')'.repeat(2 * names.length)}`;
      }
      case 'enum':
        return `${this.value(new Set(Object.values(def.entries as Record<string, unknown>)))}.has(v)`;
      case 'literal':
        return `${this.value(new Set(def.values as unknown[]))}.has(v)`;
      case 'optional':
        return `v === undefined || ${this.node(def.innerType)}(v)`;
      case 'nullable':
        return `v === null || ${this.node(def.innerType)}(v)`;
      default:
        throw new Unsupported(`zod ${def.type}`);
    }
  }

  /**
   * Statements refusing all but a plain object whose keys all belong to the shape, in the shape's
   * order (zod's output order), each value accepted by its field; absent keys are `undefined` to
   * their field, as in zod. The walk is
   * unrolled: for each own key, the shape's fields from `at` on are either that key (checked, and the
   * walk moves past it) or absent (checked as `undefined`); a key past the shape's end is refused.
   * A field that is `.optional()` and nothing more accepts `undefined` without a call.
   */
  private object(def: Record<string, any>): string {
    // Strict (catchall never) or stripping (no catchall): with no unknown keys both return the value.
    if (def.catchall !== undefined && def.catchall._zod.def.type !== 'never')
      throw new Unsupported('object catchall');
    const shape = def.shape as Record<string, z.ZodType>;
    const fields = Object.keys(shape).map((key) => {
      const inner = plainOptionalInner(shape[key]!);
      const check = this.node(inner ?? shape[key]!);
      return {
        key: JSON.stringify(key),
        present: inner === undefined ? `${check}(v[key])` : `(v[key] === undefined || ${check}(v[key]))`,
        absent: inner === undefined ? `${check}(undefined)` : undefined,
      };
    });
    const walk = fields.map((field, i) =>
      [
        `if (at <= ${i}) {`,
        `if (key === ${field.key}) { if (!${field.present}) return false; at = ${i + 1}; continue; }`,
        field.absent === undefined ? '' : `if (!${field.absent}) return false;`,
        `}`,
      ].join('\n'),
    );
    const rest = fields.map((field, i) =>
      field.absent === undefined ? '' : `if (at <= ${i} && !${field.absent}) return false;\n`,
    );
    return [
      `if (typeof v !== 'object' || v === null || isArray(v) || getPrototypeOf(v) !== objectPrototype) return false;`,
      `let at = 0;`,
      // Reading `v[key]` inside its own for-in is V8's fast path.
      `for (const key in v) {`,
      ...walk,
      `return false;`,
      `}`,
      rest.join(''),
    ].join('\n');
  }
}

/** What zod's pattern check runs, without its payload and issue objects. */
function matches(pattern: RegExp, v: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(v);
}

/**
 * zod's `z.uuid()` and `z.iso.datetime()` patterns as the catalogue's ids and timestamps use them
 * (every event has one and three): scans with the same answer cost a fraction of the expressions.
 * Only these exact sources are scanned; another option of zod's, or another zod, makes another source.
 */
const ZOD_UUID_SOURCE =
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$';
const ZOD_DATETIME_SOURCE =
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$';

/** `ZOD_UUID_SOURCE`: 8-4-4-4-12 hex digits with a version of 1 to 8 and the RFC 9562 variant, or nil or max. */
export function isZodUuid(v: string): boolean {
  if (v.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const code = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 0x2d) return false;
    } else if (!isHexCode(code)) return false;
  }
  const version = v.charCodeAt(14);
  const variant = v.charCodeAt(19) | 0x20; // the letters in lower case
  if (
    version >= 0x31 &&
    version <= 0x38 &&
    (variant === 0x38 || variant === 0x39 || variant === 0x61 || variant === 0x62)
  )
    return true;
  return v === '00000000-0000-0000-0000-000000000000' || v === 'ffffffff-ffff-ffff-ffff-ffffffffffff';
}

function isHexCode(code: number): boolean {
  const lower = code | 0x20;
  return (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x66);
}

/**
 * `ZOD_DATETIME_SOURCE`: `YYYY-MM-DDThh:mm:ss`, an optional fraction of any digits, then `Z` or an
 * offset `+hh:mm` / `-hh:mm`. A day must exist in its month; 29 February only in a year whose last two
 * digits are a multiple of 4 other than 00, or that ends in 00 after a multiple of 4 (the Gregorian rule).
 */
export function isZodDateTime(v: string): boolean {
  const n = v.length;
  if (n < 20) return false;
  if (v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d || v.charCodeAt(10) !== 0x54) return false;
  if (v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) return false;
  const century = twoDigits(v, 0);
  const year = twoDigits(v, 2);
  const month = twoDigits(v, 5);
  const day = twoDigits(v, 8);
  if (century < 0 || year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year !== 0 ? year % 4 === 0 : century % 4 === 0;
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > days) return false;
  if (!isClock(v, 11) || !isMinute(v, 17)) return false;
  let i = 19;
  if (v.charCodeAt(i) === 0x2e) {
    const digits = ++i;
    while (i < n && isDigitCode(v.charCodeAt(i))) i++;
    if (i === digits) return false;
  }
  if (i === n - 1) return v.charCodeAt(i) === 0x5a;
  const sign = v.charCodeAt(i);
  return i === n - 6 && (sign === 0x2b || sign === 0x2d) && isClock(v, i + 1);
}

/** `hh:mm` at `at`, hours 00-23 and minutes 00-59. */
function isClock(v: string, at: number): boolean {
  const hour = twoDigits(v, at);
  return hour >= 0 && hour <= 23 && v.charCodeAt(at + 2) === 0x3a && isMinute(v, at + 3);
}

function isMinute(v: string, at: number): boolean {
  const minute = twoDigits(v, at);
  return minute >= 0 && minute <= 59;
}

/** The number of the two ASCII digits at `at`, or -1. */
function twoDigits(v: string, at: number): number {
  const tens = v.charCodeAt(at);
  const units = v.charCodeAt(at + 1);
  return isDigitCode(tens) && isDigitCode(units) ? (tens - 0x30) * 10 + (units - 0x30) : -1;
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `Infinity` or an integer, as source. */
function bound(n: number): string {
  return n === Infinity ? 'Infinity' : String(n);
}

/**
 * A pattern that is one character class of ASCII characters and ranges, repeated, anchored at both
 * ends (`^[A-Z]{2,4}$`, `^[A-Za-z0-9._:-]{1,128}$`): the allowed characters as a table (1 where
 * allowed) and the repetition bounds. Without the `u`, `i` or `m` flag such a pattern matches exactly
 * the strings of `min` to `max` UTF-16 units that are all in the class. Undefined for other patterns.
 */
function classRunOf(source: string): { allowed: Uint8Array; min: number; max: number } | undefined {
  const m = /^\^\[([^\]\\^[][^\]\\[]*)\](?:\{([0-9]+)(?:(,)([0-9]*))?\}|([+*]))?\$$/.exec(source);
  if (!m) return undefined;
  const body = m[1]!;
  // Indexed by any UTF-16 unit: a unit past the table reads `undefined`, which is not 1.
  const allowed = new Uint8Array(0x80);
  for (let i = 0; i < body.length;) {
    // `a-z` is a range unless the `-` is the last character of the class (then a literal).
    const range = body[i + 1] === '-' && i + 2 < body.length;
    const from = body.charCodeAt(i);
    const to = range ? body.charCodeAt(i + 2) : from;
    if (from >= 0x80 || to >= 0x80 || to < from) return undefined;
    allowed.fill(1, from, to + 1);
    i += range ? 3 : 1;
  }
  const [, , low, comma, high, repeat] = m;
  if (repeat !== undefined) return { allowed, min: repeat === '+' ? 1 : 0, max: Infinity };
  if (low === undefined) return { allowed, min: 1, max: 1 };
  const min = Number(low);
  const max = comma === undefined ? min : high === '' ? Infinity : Number(high);
  return { allowed, min, max };
}

/**
 * The inner schema of a field that is `.optional()` and nothing more (no checks of its own, not
 * exact), whose check would be `v === undefined || inner(v)`; else undefined.
 */
function plainOptionalInner(schema: z.ZodType): z.ZodType | undefined {
  const internals = (schema as unknown as ZodInternals)._zod;
  const def = internals.def;
  if (def.type !== 'optional' || (def.checks ?? []).length > 0) return undefined;
  if (internals.traits.has('$ZodCheck') || internals.traits.has('$ZodExactOptional')) return undefined;
  return def.innerType as z.ZodType;
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
