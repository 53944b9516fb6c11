import type { z } from 'zod';
import {
  CANONICAL_DECIMAL_PATTERN,
  isCanonicalDecimal,
  isStorableText,
  NON_NEGATIVE_DECIMAL_PATTERN,
} from '../canonical/index.js';
import {
  classRunOf,
  hasGraphicEnds,
  isTextPattern,
  isZodDateTime,
  isZodUuid,
  matches,
  stringLengthWithin,
  ZOD_DATETIME_SOURCE,
  ZOD_UUID_SOURCE,
} from './event-check-scans.js';

/**
 * The generated acceptance checks of `event-check.ts`: a zod schema made into JavaScript source, one
 * function per schema node; the tests those functions call are in `event-check-scans.ts`.
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

/** What generated checks call by name: the scans, and builtins a value could not shadow. */
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
  storableText: isStorableText,
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
      // The catalogue's storable-text refinement (every text()), called by name like a scan.
      if (pattern === undefined && isRefinementBy(c, isStorableText))
        lines.push(`if (!storableText(v)) return false;`);
      else if (pattern === undefined) tests.push(testOf(c));
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

/** `Infinity` or an integer, as source. */
function bound(n: number): string {
  return n === Infinity ? 'Infinity' : String(n);
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

/** Whether a check is a `.refine(fn)` of exactly this function (zod calls it with the value alone). */
function isRefinementBy(check: ZodCheck, fn: (value: string) => boolean): boolean {
  return check.traits.has('$ZodCustom') && check.def.check === 'custom' && check.def.fn === fn;
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
