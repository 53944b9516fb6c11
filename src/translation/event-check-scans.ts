/*
 * The tests the generated checks of `event-check-source.ts` call, with the same answers as zod's
 * expressions: the UUID and date-time formats, one-class patterns, the free-text pattern and code-point
 * lengths as character scans, any other pattern as the expression itself.
 */

/** What zod's pattern check runs, without its payload and issue objects. */
export function matches(pattern: RegExp, v: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(v);
}

/**
 * zod's `z.uuid()` and `z.iso.datetime()` patterns as the catalogue's ids and timestamps use them
 * (every event has one and three): scans with the same answer cost a fraction of the expressions.
 * Only these exact sources are scanned; another option of zod's, or another zod, makes another source.
 */
export const ZOD_UUID_SOURCE =
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$';
export const ZOD_DATETIME_SOURCE =
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

/**
 * A pattern that is one character class of ASCII characters and ranges, repeated, anchored at both
 * ends (`^[A-Z]{2,4}$`, `^[A-Za-z0-9._:-]{1,128}$`): the allowed characters as a table (1 where
 * allowed) and the repetition bounds. Without the `u`, `i` or `m` flag such a pattern matches exactly
 * the strings of `min` to `max` UTF-16 units that are all in the class. Undefined for other patterns.
 */
export function classRunOf(source: string): { allowed: Uint8Array; min: number; max: number } | undefined {
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
 * Whether a string's length in Unicode code points, as zod measures it, lies in `[min, max]`. Code
 * points are only counted where UTF-16 units leave a doubt: a code point is one or two units, so a
 * string has between ⌈units / 2⌉ and `units` code points.
 */
export function stringLengthWithin(s: string, min: number, max: number): boolean {
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
 * The catalogue's free-text pattern (`text()` in canonical/events/values.ts: no leading or trailing
 * whitespace), two thirds of an event's strings. A string whose first and last characters are
 * printable ASCII other than space matches it (both are `\S`, and `[\s\S]*` takes anything between),
 * so only other strings need the regular expression: 15-20 % of the check's time on ship notices.
 */
const TEXT_PATTERN = /^\S(?:[\s\S]*\S)?$/;

export function isTextPattern(pattern: RegExp): boolean {
  return pattern.source === TEXT_PATTERN.source && pattern.flags === TEXT_PATTERN.flags;
}

export function hasGraphicEnds(s: string): boolean {
  return s.length > 0 && isAsciiGraphic(s.charCodeAt(0)) && isAsciiGraphic(s.charCodeAt(s.length - 1));
}

/** `!` to `~`: no JavaScript whitespace or line terminator lies there. */
function isAsciiGraphic(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}
