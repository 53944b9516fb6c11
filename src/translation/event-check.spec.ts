import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  CanonicalError,
  EVENT_CATALOGUE,
  EVENT_NAMES,
  parseEvent,
  type EventName,
} from '../canonical/index.js';
import { SAMPLE_EVENTS } from '../canonical/events/sample-events.js';
import { text } from '../canonical/events/values.js';
import { decimalString, nonNegativeDecimalString } from '../canonical/decimal.js';
import { acceptEvent, eventCheckOf, schemaCheckOf } from './event-check.js';
import { isZodDateTime, isZodUuid } from './event-check-scans.js';

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

/**
 * Each check kind the compiled check answers itself (without zod's check object) against zod, on
 * values zod accepts and values it refuses: the verdicts must be the same, and an accepted value must
 * be zod's output unchanged.
 */
function verdicts(schema: z.ZodType, values: unknown[]): { fast: boolean; zod: boolean }[] {
  const check = schemaCheckOf(schema);
  expect(check).not.toBeNull();
  return values.map((value) => {
    const result = schema.safeParse(value);
    const fast = check!(value);
    if (fast) expect(result.data, JSON.stringify(value)).toStrictEqual(value);
    return { fast, zod: result.success };
  });
}

function expectSameVerdicts(schema: z.ZodType, values: unknown[]): void {
  const answers = verdicts(schema, values);
  answers.forEach(({ fast, zod }, i) => expect(fast, `${String(values[i])}`).toBe(zod));
  // The values exercise both answers.
  expect(answers.some((a) => a.zod)).toBe(true);
  expect(answers.some((a) => !a.zod)).toBe(true);
}

const SMILE = '\u{1F600}'; // one code point, two UTF-16 units
const LONE_HIGH = '\uD83D';
const STRINGS = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'abcdef',
  SMILE,
  SMILE + SMILE,
  SMILE + SMILE + SMILE,
  SMILE + 'a',
  'a' + SMILE + SMILE,
  LONE_HIGH,
  LONE_HIGH + LONE_HIGH + 'a',
  '\uDE00' + SMILE,
  'x'.repeat(48),
  'x'.repeat(49),
  SMILE.repeat(48),
  SMILE.repeat(49),
];

describe('compiled check kinds, held to zod', () => {
  it.each([
    ['min(1)', z.string().min(1)],
    ['min(2)', z.string().min(2)],
    ['min(3)', z.string().min(3)],
    ['max(2)', z.string().max(2)],
    ['max(3)', z.string().max(3)],
    ['max(48)', z.string().max(48)],
    ['length(2)', z.string().length(2)],
    ['length(3)', z.string().length(3)],
    ['min(2).max(3)', z.string().min(2).max(3)],
    ['text(48)', text(48)],
  ])('string %s counts code points as zod does', (_, schema) => {
    expectSameVerdicts(schema, [...STRINGS, 12, null, undefined, ['ab']]);
  });

  it('string bounds that exclude each other accept nothing, as in zod', () => {
    const schema = z.string().min(3).max(2);
    expect(verdicts(schema, STRINGS)).toEqual(STRINGS.map(() => ({ fast: false, zod: false })));
  });

  it('free text (the catalogue text()) refuses every kind of edge whitespace zod refuses', () => {
    const edges = [
      ' ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u00a0',
      '\u1680',
      '\u2000',
      '\u2028',
      '\u2029',
      '\u3000',
      '\ufeff',
    ];
    const inner = ['x', '~', '!', 'a b', 'a\u00a0b', '\u00e9', 'é', SMILE, LONE_HIGH, '\u007f', '\u0000'];
    const values: unknown[] = [];
    for (const middle of inner) {
      values.push(middle, `${middle}${middle}`, `!${middle}~`);
      for (const edge of edges) values.push(`${edge}${middle}`, `${middle}${edge}`, `${edge}`, `!${edge}~`);
    }
    expectSameVerdicts(text(5), values);
    expectSameVerdicts(text(1024), values);
  });

  it('free text refuses U+0000 and lone surrogates, as zod does (storable text, called by name)', () => {
    const values = [
      'a\u0000b',
      `x${LONE_HIGH}`,
      `${LONE_HIGH}x`,
      '\uDE00x',
      `a${SMILE}b`,
      'ab',
      `!${LONE_HIGH}~`,
    ];
    expect(verdicts(text(48), values)).toEqual(
      values.map((v) => ({ fast: v === 'ab' || v === `a${SMILE}b`, zod: v === 'ab' || v === `a${SMILE}b` })),
    );
  });

  it('a stateful (global) pattern answers the same on every call', () => {
    const schema = z.string().regex(/^[a-z]+$/g);
    expectSameVerdicts(schema, ['abc', 'abc', 'ABC', 'abc', 'a1', 'xyz', 'xyz']);
  });

  const CLASS_VALUES = [
    '',
    'A',
    'AB',
    'ABCD',
    'ABCDE',
    'ab',
    'A1',
    '012345678901234567',
    '01234567890123456',
    '0123456789012345678',
    '01234567890123456\u0661',
    '012345678901234567\n',
    'AB\n',
    'a.b_c:d-e',
    'a b',
    '-',
    '--',
    '/',
    '\u00c4B',
    SMILE,
    `${'x'.repeat(128)}`,
    `${'x'.repeat(129)}`,
    12,
    null,
    undefined,
  ];
  it.each([
    ['^[0-9]{18}$', /^[0-9]{18}$/],
    ['^[A-Z]{2,4}$', /^[A-Z]{2,4}$/],
    ['^[A-Z]{2}$', /^[A-Z]{2}$/],
    ['^[A-Za-z0-9._:-]{1,128}$', /^[A-Za-z0-9._:-]{1,128}$/],
    ['^[a-z]+$ global', /^[a-z]+$/g],
    ['^[--0]*$', /^[--0]*$/],
    ['^[a-]{2,}$', /^[a-]{2,}$/],
    ['^[A]$', /^[A]$/],
    ['^[A-Z]{2}$ case-insensitive (left to the expression)', /^[A-Z]{2}$/i],
    ['^[A-Z]{2}$ multiline (left to the expression)', /^[A-Z]{2}$/m],
  ])('one-class pattern %s answers as the expression', (_, pattern) => {
    expectSameVerdicts(z.string().regex(pattern), CLASS_VALUES);
  });

  it('decimal patterns answer as the expressions', () => {
    const values = ['0', '-0', '12.5', '-12.5', '12.50', '.5', '5.', '01', '1e3', '', ' 1', '1 ', 12.5];
    expectSameVerdicts(decimalString, values);
    expectSameVerdicts(nonNegativeDecimalString, values);
  });

  it.each([
    [
      'uuid',
      z.uuid(),
      [
        '97eef62f-e5e7-48d9-9c49-f73d286bfa09',
        '97eef62f-e5e7-88d9-9c49-f73d286bfa09',
        '97EEF62F-E5E7-48D9-9C49-F73D286BFA09',
        '97eef62f-e5e7-98d9-9c49-f73d286bfa09',
        '97eef62fe5e748d99c49f73d286bfa09',
        '00000000-0000-0000-0000-000000000000',
        '',
      ],
    ],
    [
      'uuid v4',
      z.uuid({ version: 'v4' }),
      ['97eef62f-e5e7-48d9-9c49-f73d286bfa09', '97eef62f-e5e7-58d9-9c49-f73d286bfa09'],
    ],
    ['guid', z.guid(), ['97eef62f-e5e7-98d9-9c49-f73d286bfa09', '97eef62f-e5e7-98d9-9c49-f73d286bfa0', 'x']],
    [
      'email',
      z.email(),
      ['a@example.com', 'a.b+c@ex-ample.co.uk', 'a@b', '@example.com', 'a @example.com', 'a@example.c'],
    ],
    ['string().email()', z.string().email(), ['a@example.com', 'nope']],
    [
      'iso.datetime offset',
      z.iso.datetime({ offset: true }),
      [
        '2025-03-14T09:30:00+01:00',
        '2025-03-14T09:30:00Z',
        '2025-03-14T09:30:00.123Z',
        '2025-03-14T09:30:00',
        '2025-03-14T09:30Z',
        '2025-02-30T09:30:00Z',
        '2024-02-29T00:00:00Z',
        '2025-02-29T00:00:00Z',
        '2025-03-14 09:30:00Z',
      ],
    ],
    ['iso.datetime', z.iso.datetime(), ['2025-03-14T09:30:00Z', '2025-03-14T09:30:00+01:00']],
    [
      'iso.datetime local',
      z.iso.datetime({ local: true }),
      ['2025-03-14T09:30:00', '2025-03-14T09:30', '2025-03-14T25:30'],
    ],
    [
      'iso.date',
      z.iso.date(),
      ['2025-03-14', '2024-02-29', '2025-02-29', '2025-13-01', '20250314', '2025-03-14T00:00:00Z'],
    ],
    ['iso.time', z.iso.time(), ['09:30:00', '09:30', '24:00:00', '09:30:00.5', 'x']],
  ])('string format %s is its pattern, as zod runs it', (_, schema, values) => {
    expectSameVerdicts(schema as z.ZodType, [...(values as unknown[]), 12, null, undefined]);
  });

  it.each([
    ['min(1)', z.array(z.string()).min(1)],
    ['max(2)', z.array(z.string()).max(2)],
    ['length(2)', z.array(z.string()).length(2)],
    ['min(1).max(2)', z.array(z.string().min(2)).min(1).max(2)],
  ])('array %s', (_, schema) => {
    expectSameVerdicts(schema, [
      [],
      ['a'],
      ['ab'],
      ['ab', 'cd'],
      ['ab', 'cd', 'ef'],
      ['ab', 3],
      'ab',
      null,
      { 0: 'ab', length: 1 },
    ]);
  });

  const NUMBERS = [
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    2,
    3,
    1.5,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53 - 1),
    -(2 ** 53),
    1e300,
    -1e300,
    Infinity,
    -Infinity,
    NaN,
    '1',
    null,
  ];
  it.each([
    ['positive', z.number().positive()],
    ['nonnegative', z.number().nonnegative()],
    ['negative', z.number().negative()],
    ['nonpositive', z.number().nonpositive()],
    ['gt(1)', z.number().gt(1)],
    ['gte(1)', z.number().gte(1)],
    ['lt(2)', z.number().lt(2)],
    ['lte(2)', z.number().lte(2)],
    ['gte(1).lte(2)', z.number().gte(1).lte(2)],
    ['int', z.int()],
    ['number().int()', z.number().int()],
    ['int().positive()', z.int().positive()],
  ])('number %s', (_, schema) => {
    expectSameVerdicts(schema, NUMBERS);
  });

  it('a refinement is its function verdict, whatever the value it answers with', () => {
    const even = z.number().refine((n) => n % 2 === 0);
    expectSameVerdicts(even, [0, 1, 2, 3, 'x']);
    const truthy = z.string().refine((s) => (s === 'one' ? 1 : s === 'text' ? 'yes' : s === 'zero' ? 0 : ''));
    expectSameVerdicts(truthy, ['one', 'text', 'zero', 'empty']);
    const onObject = z.strictObject({ unit: z.string() }).refine((q) => q.unit === 'KGM');
    expectSameVerdicts(onObject, [{ unit: 'KGM' }, { unit: 'EA' }, { unit: 'KGM', x: 1 }]);
  });

  it('a refinement that throws or answers a promise is left to zod', () => {
    const throwing = z.string().refine((s) => {
      if (s === 'boom') throw new Error('boom');
      return true;
    });
    expect(schemaCheckOf(throwing)!('boom')).toBe(false);
    expect(schemaCheckOf(throwing)!('fine')).toBe(true);
    const asynchronous = z.string().refine(async () => true);
    expect(schemaCheckOf(asynchronous)!('x')).toBe(false);
  });

  it('runs superRefine and other checks as zod check objects', () => {
    const pair = z.strictObject({ a: z.string(), b: z.string() }).superRefine((v, ctx) => {
      if (v.a === v.b) ctx.addIssue({ code: 'custom', message: 'same' });
    });
    expectSameVerdicts(pair, [
      { a: 'x', b: 'y' },
      { a: 'x', b: 'x' },
    ]);
    expectSameVerdicts(z.string().startsWith('ab'), ['abc', 'xab']);
    expectSameVerdicts(z.url(), ['https://example.com/x', 'not a url']);
    // IPv6 has a pattern, but its check is a parse of its own (the pattern misses '::ffff:1.2.3.4').
    expectSameVerdicts(z.ipv6(), ['::1', '::ffff:1.2.3.4', '::1\n', '1::2::3']);
  });

  it('refuses a value an overwrite check would change, accepts one it leaves alone', () => {
    const check = schemaCheckOf(z.string().trim())!;
    expect(check('a b')).toBe(true);
    expect(check(' a b ')).toBe(false);
  });

  it("takes a union option's yes only when the earlier options surely fail", () => {
    // The first option would answer ' a ' trimmed: zod's output is not the value, so no "yes".
    const trimmedFirst = z.union([z.string().trim(), z.string()]);
    expect(verdicts(trimmedFirst, [' a ', 'a'])).toEqual([
      { fast: false, zod: true },
      { fast: true, zod: true },
    ]);
  });

  it('keeps an exact optional field to zod (an explicit undefined is refused there)', () => {
    const schema = z.strictObject({ a: z.string().exactOptional() });
    expect(schema.safeParse({ a: undefined }).success).toBe(false);
    expect(schemaCheckOf(schema)).toBeNull();
  });
});

describe('scanned string formats, held to their expressions', () => {
  const CHARS = [...'0123456789-:TZz+.xaAfFbB8 ', '\u0660'];
  /** The value, and every value one character away from it (replaced, inserted, removed). */
  function around(value: string): string[] {
    const out = [value];
    for (let i = 0; i <= value.length; i++) {
      for (const c of CHARS)
        out.push(value.slice(0, i) + c + value.slice(i + 1), value.slice(0, i) + c + value.slice(i));
      out.push(value.slice(0, i) + value.slice(i + 1));
    }
    return out;
  }
  function expectSame(pattern: RegExp, scan: (v: string) => boolean, values: string[]): void {
    for (const v of values) expect(scan(v), JSON.stringify(v)).toBe(pattern.test(v));
  }

  it('z.uuid()', () => {
    const pattern = z.uuid()._zod.def.pattern!;
    const values = [
      '97eef62f-e5e7-48d9-9c49-f73d286bfa09',
      '97EEF62F-E5E7-88D9-BC49-F73D286BFA09',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    ].flatMap(around);
    expectSame(pattern, isZodUuid, values);
    expectSameVerdicts(z.uuid(), values);
  });

  it('z.iso.datetime({ offset: true }): days of every month, leap years, clocks, fractions, offsets', () => {
    const pattern = z.iso.datetime({ offset: true })._zod.def.pattern!;
    const years = [
      '0000',
      '0004',
      '0100',
      '0400',
      '1800',
      '1900',
      '1912',
      '1996',
      '2000',
      '2023',
      '2024',
      '2100',
    ];
    const dates = years.flatMap((y) =>
      Array.from({ length: 14 * 33 }, (_, k) => {
        const [month, day] = [Math.floor(k / 33), k % 33].map((n) => String(n).padStart(2, '0'));
        return `${y}-${month}-${day}`;
      }),
    );
    const times = [
      'T00:00:00Z',
      'T23:59:59.5+23:59',
      'T24:00:00Z',
      'T12:60:00Z',
      'T12:00:60Z',
      'T09:30:00.Z',
    ];
    const offsets = ['T09:30:00-01:00', 'T09:30:00+24:00', 'T09:30:00+01:60', 'T09:30:00.123456789Z'];
    const values = [
      ...dates.flatMap((d) => [...times, ...offsets].map((t) => d + t)),
      ...Array.from({ length: 10000 }, (_, y) => `${String(y).padStart(4, '0')}-02-29T00:00:00Z`),
      ...['2024-02-29T12:30:45.123+05:30', '2025-03-14T09:30:00Z', '2025-12-31T23:59:59-11:00'].flatMap(
        around,
      ),
    ];
    expectSame(pattern, isZodDateTime, values);
    expectSameVerdicts(z.iso.datetime({ offset: true }), values.slice(0, 2000));
  });
});

describe('without code generation', () => {
  it('leaves every schema to zod where code generation from strings is disallowed', () => {
    const schema = z.object({ number: z.string().min(1) });
    expect(schemaCheckOf(schema)?.({ number: '4500012345' })).toBe(true);
    // What `--disallow-code-generation-from-strings` makes of `new Function`.
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    try {
      expect(schemaCheckOf(z.object({ number: z.string().min(1) }))).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
