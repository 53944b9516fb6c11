// decimal.js ships an ESM build whose default export TypeScript types as the CommonJS module under
// NodeNext; the named export is the same constructor and types correctly in both worlds.
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { CanonicalError, CanonicalErrorCode } from './canonical.exception.js';
import { named } from './schema-registry.js';

/**
 * Exact decimals for quantities, prices and amounts. Never a JS number: `0.1 + 0.2` is not `0.3` in
 * binary floating point, and a partner's `12.50` must stay exactly twelve and a half.
 *
 * Values travel as **canonical decimal strings** (`DecimalString`): plain notation, no exponent, no
 * `+`, no leading zeros, no trailing fractional zeros, no trailing point, and never `-0`. Every value
 * has exactly one canonical string, so string equality is numeric equality and an event's content
 * hash does not change with a partner's formatting (`12.50`, `12.5` and `0012.500` are all `12.5`).
 * The scale a document used (two decimals for a price in USD) is a formatting concern of the
 * generator that writes it: `formatDecimal(value, { scale: 2 })`.
 *
 * Arithmetic is exact: add, subtract and multiply never round; divide rounds only when told how
 * (`{ scale, mode }`) and otherwise refuses an inexact result. Results beyond `DECIMAL_LIMITS` are
 * refused rather than silently rounded.
 */

/** A canonical decimal string; only this module's functions (and `decimalString`) produce one. */
export type DecimalString = string & z.$brand<'DecimalString'>;

/**
 * Bounds of a canonical value: beyond any real quantity or price (a 30-digit integer part; 30 fraction
 * digits reach a micrometre expressed in kilometres with room to spare), small enough that a
 * malicious 10 000-digit "quantity" is refused at the edge. Store them in PostgreSQL as `numeric`.
 */
export const DECIMAL_LIMITS = Object.freeze({ integerDigits: 30, fractionDigits: 30, inputLength: 128 });

/**
 * Canonical form within the limits, as a regular expression (also the JSON Schema `pattern`):
 * zero; or a non-zero integer part with an optional fraction ending in a non-zero digit; or `0.` and
 * a fraction ending in a non-zero digit. `-0`, `1.50`, `01`, `.5`, `5.` and `1e3` do not match.
 */
export const CANONICAL_DECIMAL_PATTERN =
  /^(?:0|-?[1-9][0-9]{0,29}(?:\.[0-9]{0,29}[1-9])?|-?0\.[0-9]{0,29}[1-9])$/;
export const NON_NEGATIVE_DECIMAL_PATTERN =
  /^(?:0|[1-9][0-9]{0,29}(?:\.[0-9]{0,29}[1-9])?|0\.[0-9]{0,29}[1-9])$/;

/**
 * `CANONICAL_DECIMAL_PATTERN` (with `signed`) or `NON_NEGATIVE_DECIMAL_PATTERN` (without) as a scan of
 * the characters: the same answer for every string, without entering the regular expression engine
 * (which costs several times as much on the short, often sliced, strings of a document's quantities).
 */
export function isCanonicalDecimal(text: string, signed: boolean): boolean {
  const n = text.length;
  let i = 0;
  if (n > 0 && text.charCodeAt(0) === 0x2d /* - */) {
    if (!signed) return false;
    i = 1;
  }
  if (i === n) return false;
  const first = text.charCodeAt(i);
  if (first === 0x30 /* 0 */) {
    // "0" alone (never "-0"), else "0." and a fraction.
    if (n === 1) return true;
    i++;
  } else if (first > 0x30 && first <= 0x39) {
    const start = i;
    while (i < n && isDigitCode(text.charCodeAt(i))) i++;
    if (i - start > DECIMAL_LIMITS.integerDigits) return false;
    if (i === n) return true;
  } else return false;
  if (text.charCodeAt(i) !== 0x2e /* . */) return false;
  const fractionStart = ++i;
  while (i < n && isDigitCode(text.charCodeAt(i))) i++;
  const fractionDigits = n - fractionStart;
  return (
    i === n &&
    fractionDigits >= 1 &&
    fractionDigits <= DECIMAL_LIMITS.fractionDigits &&
    text.charCodeAt(n - 1) !== 0x30
  );
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** zod schema of a canonical decimal string, for canonical events (JSON carries decimals as strings). */
export const decimalString = z
  .string({ error: 'expected a decimal string such as "12.5" (numbers are not accepted: they are floats)' })
  .regex(CANONICAL_DECIMAL_PATTERN, {
    error:
      'expected a canonical decimal string: plain digits, no exponent, no trailing zeros ("12.5", "-3", "0")',
  })
  .brand<'DecimalString'>();
named(
  decimalString,
  'DecimalString',
  'Exact decimal as a canonical string: no exponent, no trailing zeros, no -0 ("12.5", "-3", "0").',
);

/** Like `decimalString`, without a sign: ordered, shipped and received quantities, prices. */
export const nonNegativeDecimalString = z
  .string({ error: 'expected a decimal string such as "12.5" (numbers are not accepted: they are floats)' })
  .regex(NON_NEGATIVE_DECIMAL_PATTERN, {
    error:
      'expected a non-negative canonical decimal string: plain digits, no exponent, no trailing zeros ("12.5", "0")',
  })
  .brand<'DecimalString'>();
named(
  nonNegativeDecimalString,
  'NonNegativeDecimalString',
  'Non-negative exact decimal as a canonical string ("12.5", "0").',
);

/**
 * How to round. `half-even` (banker's) is unbiased over many roundings; `half-up` rounds ties away
 * from zero (commercial rounding); `up`/`down` are away from / towards zero; `ceiling`/`floor` towards
 * +∞ / −∞.
 */
export type RoundingMode = 'half-even' | 'half-up' | 'half-down' | 'up' | 'down' | 'ceiling' | 'floor';

/** Round to `scale` fraction digits (0 for whole numbers) with `mode`. */
export interface Rounding {
  readonly scale: number;
  readonly mode: RoundingMode;
}

// A private constructor: 1000 significant digits is far above what two in-range operands can produce
// (60 + 60 digits for a product), so +, − and × never round; results are range-checked afterwards.
const D = Decimal.clone({
  precision: 1000,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -1000,
  toExpPos: 1000,
});
type Dec = InstanceType<typeof D>;

const MODES: Record<RoundingMode, Decimal.Rounding> = {
  'half-even': Decimal.ROUND_HALF_EVEN,
  'half-up': Decimal.ROUND_HALF_UP,
  'half-down': Decimal.ROUND_HALF_DOWN,
  up: Decimal.ROUND_UP,
  down: Decimal.ROUND_DOWN,
  ceiling: Decimal.ROUND_CEIL,
  floor: Decimal.ROUND_FLOOR,
};

function invalid(input: unknown, reason: string): CanonicalError {
  const shown = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return new CanonicalError(CanonicalErrorCode.DecimalInvalid, `invalid decimal ${shown}: ${reason}`);
}

/** Options of `parseDecimal`. */
export interface ParseDecimalOptions {
  /** The character between the integer and the fraction. Default `.`. */
  readonly decimalMark?: '.' | ',';
  /**
   * The grouping character the source uses, if any: groups are then checked (`1,234,567.5`, never
   * `12,34.5`) and removed. Without it, a grouping character is refused, because `1,234` is 1.234 in
   * one country and 1234 in another.
   */
  readonly thousandsSeparator?: ',' | '.' | ' ' | "'";
  /** Accept `.5` and `5.` (a mark without digits on one side). Default true. */
  readonly bareDecimalMark?: boolean;
  /** Named in error messages: `X12 R`, `EDIFACT number`, `JSON`. */
  readonly source?: string;
}

/**
 * Parses decimal text as a document carries it. Refused, each with a message saying why: non-strings
 * (a JS number has already lost exactness), empty text, whitespace, a `+` sign, exponent forms, a
 * second decimal mark, grouping characters unless declared, non-ASCII digits, values beyond
 * `DECIMAL_LIMITS`. Leading and trailing zeros are accepted and dropped; `-0` becomes `0`.
 */
export function parseDecimal(text: string, options: ParseDecimalOptions = {}): DecimalString {
  const mark = options.decimalMark ?? '.';
  const separator = options.thousandsSeparator;
  // Most values already arrive canonical ("12", "7.5"): they are their own result.
  if (mark === '.' && separator === undefined && typeof text === 'string' && isCanonicalDecimal(text, true))
    return text as DecimalString;
  const prefix = options.source === undefined ? '' : `${options.source}: `;
  const fail = (reason: string) => invalid(text, prefix + reason);

  if (typeof text !== 'string')
    throw invalid(
      text,
      `${prefix}expected text, got a ${typeof text}${typeof text === 'number' ? ' (a binary float: pass the digits as they appeared)' : ''}`,
    );
  if (separator !== undefined && separator === mark)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInvalid,
      `the thousands separator and the decimal mark cannot both be "${mark}"`,
    );
  if (text.length === 0) throw fail('empty');
  if (text.length > DECIMAL_LIMITS.inputLength)
    throw fail(`longer than ${DECIMAL_LIMITS.inputLength} characters`);
  if (/[eE]/.test(text)) throw fail('exponent notation is not accepted; write the digits out');
  if (separator !== ' ' && /\s/.test(text)) throw fail('contains whitespace');

  let body = text;
  let negative = false;
  if (body.startsWith('+')) throw fail('a plus sign is not accepted (X12.6 and ISO 9735 send only a minus)');
  if (body.startsWith('-')) {
    negative = true;
    body = body.slice(1);
  }

  const parts = body.split(mark);
  if (parts.length > 2) throw fail(`more than one decimal mark "${mark}"`);
  const fraction = parts[1] ?? '';
  let integer = parts[0] as string;
  const hasMark = parts.length === 2;

  if (separator !== undefined && integer.includes(separator)) {
    const grouped = new RegExp(`^[0-9]{1,3}(?:${escapeRegExp(separator)}[0-9]{3})+$`);
    if (!grouped.test(integer)) throw fail(`"${separator}" does not separate groups of three digits`);
    integer = integer.split(separator).join('');
  }
  if (separator !== undefined && fraction.includes(separator))
    throw fail(`thousands separator "${separator}" after the decimal mark`);

  const other = mark === '.' ? ',' : '.';
  for (const [i, ch] of [...integer, ...fraction].entries()) {
    if (ch >= '0' && ch <= '9') continue;
    if (ch === other || ch === "'" || ch === ' ')
      throw fail(
        `"${ch}" is not the decimal mark here ("${mark}"); thousands separators are refused unless the caller declares one`,
      );
    if (ch === '-') throw fail('a minus sign is only accepted in front');
    throw fail(`unexpected character "${ch}" at position ${i + 1 + (negative ? 1 : 0)}`);
  }

  if (integer.length === 0 && fraction.length === 0) throw fail('no digits');
  if (hasMark && (integer.length === 0 || fraction.length === 0) && options.bareDecimalMark === false)
    throw fail(`a decimal mark needs a digit on each side ("0${mark}5", "5")`);

  return canonicalFromDigits(negative, integer, fraction, text, prefix);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function canonicalFromDigits(
  negative: boolean,
  integerDigits: string,
  fractionDigits: string,
  input: string,
  prefix: string,
): DecimalString {
  const integer = integerDigits.replace(/^0+/, '') || '0';
  const fraction = fractionDigits.replace(/0+$/, '');
  if (integer !== '0' && integer.length > DECIMAL_LIMITS.integerDigits)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalOutOfRange,
      `${prefix}decimal ${JSON.stringify(input)} has ${integer.length} integer digits; at most ${DECIMAL_LIMITS.integerDigits} are accepted`,
    );
  if (fraction.length > DECIMAL_LIMITS.fractionDigits)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalOutOfRange,
      `${prefix}decimal ${JSON.stringify(input)} has ${fraction.length} significant fraction digits; at most ${DECIMAL_LIMITS.fractionDigits} are accepted`,
    );
  const magnitude = fraction.length === 0 ? integer : `${integer}.${fraction}`;
  const isZero = integer === '0' && fraction.length === 0;
  return (negative && !isZero ? `-${magnitude}` : magnitude) as DecimalString;
}

/** `decimal('12.5')`: a canonical decimal from plain text (`.` mark, no grouping). */
export function decimal(text: string): DecimalString {
  return parseDecimal(text);
}

// Parse options made once: these parsers run for every quantity and price of every document.
const X12_R = { decimalMark: '.', source: 'X12 R' } as const;
// Named by what the value is, not by a data type: the same conversion reads `n` elements and the `an`
// ones a directory fills with a number (D.01B 6060 quantity an..35, 6314 measurement value an..18).
const EDIFACT_POINT = { decimalMark: '.', bareDecimalMark: false, source: 'EDIFACT number' } as const;
const EDIFACT_COMMA = { decimalMark: ',', bareDecimalMark: false, source: 'EDIFACT number' } as const;

/**
 * X12 `R` (decimal) elements: `.` as the mark, optional leading minus, no triad separators, leading
 * `.5` allowed (X12.6 asks senders to suppress leading zeros).
 */
export function parseX12Decimal(text: string): DecimalString {
  return parseDecimal(text, X12_R);
}

/**
 * X12 `Nn` (numeric with implied decimals, X12.6): digits and an optional leading minus, no decimal
 * point; `n` (0–9) digits are implied to be fraction digits. `N2` "1250" is 12.50, "-5" is -0.05.
 */
export function parseImpliedDecimal(text: string, impliedDecimals: number): DecimalString {
  if (!Number.isInteger(impliedDecimals) || impliedDecimals < 0 || impliedDecimals > 9)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInvalid,
      `an X12 Nn type has 0 to 9 implied decimals, not ${impliedDecimals}`,
    );
  const source = `X12 N${impliedDecimals}`;
  if (typeof text !== 'string') return parseDecimal(text, { source });
  if (text.includes('.') || text.includes(','))
    throw invalid(text, `${source}: an Nn value carries no decimal mark; its decimals are implied`);
  if (!/^-?[0-9]+$/.test(text)) {
    // Reuse the general parser's messages (exponent, sign, whitespace, …) for everything else.
    parseDecimal(text, { source });
    throw invalid(text, `${source}: expected digits with an optional leading minus`);
  }
  if (text.length > DECIMAL_LIMITS.inputLength)
    throw invalid(text, `${source}: longer than ${DECIMAL_LIMITS.inputLength} characters`);
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(impliedDecimals + 1, '0');
  const cut = digits.length - impliedDecimals;
  return canonicalFromDigits(negative, digits.slice(0, cut), digits.slice(cut), text, `${source}: `);
}

/**
 * UN/EDIFACT numbers: numeric (`n`) elements, and the `an` elements whose value is a number (D.01B 6060
 * and 6314, docs/edi-edifact.md). The decimal mark is the one the interchange's UNA service string
 * advice names (position 3), `.` when there is no UNA; ISO 9735 forbids triad separators and asks for
 * a digit on each side of a transmitted mark, so `.5` and `5.` are refused here.
 */
export function parseEdifactDecimal(text: string, decimalMark: '.' | ',' = '.'): DecimalString {
  return parseDecimal(text, decimalMark === ',' ? EDIFACT_COMMA : EDIFACT_POINT);
}

/**
 * A canonical decimal from a number a person typed into configuration (a tolerance of `1.5` percent
 * in a partner profile). JavaScript prints a number as the shortest text that reads back to it, which
 * for a typed value is the text typed; exponent forms (`1e21`, `1e-7`) and non-finite values are
 * refused. Never use this for quantities or prices from documents: those arrive as text.
 */
export function decimalFromConfigNumber(value: number): DecimalString {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(value, 'expected a finite configuration number');
  return parseDecimal(String(value), { source: 'configuration number' });
}

function toD(value: DecimalString): Dec {
  if (typeof value !== 'string' || !CANONICAL_DECIMAL_PATTERN.test(value))
    throw invalid(value, 'not a canonical decimal string (parse it first with parseDecimal)');
  return new D(value);
}

function fromD(d: Dec, operation: string): DecimalString {
  if (d.isZero()) return '0' as DecimalString;
  const fractionDigits = d.decimalPlaces();
  if (fractionDigits > DECIMAL_LIMITS.fractionDigits)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalOutOfRange,
      `${operation}: the exact result has ${fractionDigits} fraction digits, more than ${DECIMAL_LIMITS.fractionDigits}; round explicitly`,
    );
  const integerDigits = d.abs().gte(1) ? d.e + 1 : 0;
  if (integerDigits > DECIMAL_LIMITS.integerDigits)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalOutOfRange,
      `${operation}: the result has ${integerDigits} integer digits, more than ${DECIMAL_LIMITS.integerDigits}`,
    );
  // toFixed() never uses exponent notation, and decimal.js keeps no trailing zeros.
  return d.toFixed() as DecimalString;
}

function checkRounding(rounding: Rounding): void {
  if (
    !Number.isInteger(rounding.scale) ||
    rounding.scale < 0 ||
    rounding.scale > DECIMAL_LIMITS.fractionDigits
  )
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInvalid,
      `a rounding scale is a whole number from 0 to ${DECIMAL_LIMITS.fractionDigits}, not ${rounding.scale}`,
    );
  if (!(rounding.mode in MODES))
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInvalid,
      `unknown rounding mode ${JSON.stringify(rounding.mode)}; expected one of ${Object.keys(MODES).join(', ')}`,
    );
}

function roundD(d: Dec, rounding: Rounding): Dec {
  checkRounding(rounding);
  return d.toDecimalPlaces(rounding.scale, MODES[rounding.mode]);
}

/**
 * n / d, exactly when the quotient terminates within the fraction limit, otherwise rounded as told
 * (or refused). Long division on integers: q = trunc(n·10^s / d) and its remainder say exactly where
 * the true quotient lies between q and q±1, so every mode rounds correctly (no double rounding).
 */
function divideExact(n: Dec, d: Dec, rounding: Rounding | undefined, operation: string): Dec {
  if (d.isZero())
    throw new CanonicalError(CanonicalErrorCode.DecimalDivisionByZero, `${operation}: division by zero`);
  if (rounding !== undefined) checkRounding(rounding);
  const scale = rounding?.scale ?? DECIMAL_LIMITS.fractionDigits;
  const shift = new D(10).pow(scale);
  const scaled = n.times(shift);
  const q = scaled.divToInt(d);
  const remainder = scaled.minus(q.times(d));
  if (remainder.isZero()) return q.div(shift);
  if (rounding === undefined)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInexact,
      `${operation}: the quotient does not terminate within ${DECIMAL_LIMITS.fractionDigits} fraction digits; pass a rounding ({ scale, mode })`,
    );
  // Stand-in for the discarded digits: below, at or above half of one unit in the last place.
  const half = remainder.abs().times(2).cmp(d.abs());
  const sticky = new D(half < 0 ? '0.25' : half === 0 ? '0.5' : '0.75');
  const negative = scaled.isNeg() !== d.isNeg();
  const approx = negative ? q.minus(sticky) : q.plus(sticky);
  return approx.toDecimalPlaces(0, MODES[rounding.mode]).div(shift);
}

export function add(a: DecimalString, b: DecimalString): DecimalString {
  return fromD(toD(a).plus(toD(b)), 'add');
}

export function subtract(a: DecimalString, b: DecimalString): DecimalString {
  return fromD(toD(a).minus(toD(b)), 'subtract');
}

/** Exact product; with `rounding`, rounded to that scale (e.g. quantity × price to cents). */
export function multiply(a: DecimalString, b: DecimalString, rounding?: Rounding): DecimalString {
  const product = toD(a).times(toD(b));
  return fromD(rounding === undefined ? product : roundD(product, rounding), 'multiply');
}

/** a / b: exact, or rounded to `rounding`; without it, a non-terminating quotient is an error. */
export function divide(a: DecimalString, b: DecimalString, rounding?: Rounding): DecimalString {
  return fromD(divideExact(toD(a), toD(b), rounding, 'divide'), 'divide');
}

export function sum(values: readonly DecimalString[]): DecimalString {
  return fromD(
    values.reduce((total, v) => total.plus(toD(v)), new D(0)),
    'sum',
  );
}

export function negate(a: DecimalString): DecimalString {
  return fromD(toD(a).negated(), 'negate');
}

export function abs(a: DecimalString): DecimalString {
  return fromD(toD(a).abs(), 'abs');
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compare(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  return toD(a).cmp(toD(b)) as -1 | 0 | 1;
}

export function equals(a: DecimalString, b: DecimalString): boolean {
  return compare(a, b) === 0;
}

export function isZero(a: DecimalString): boolean {
  return toD(a).isZero();
}

export function isNegative(a: DecimalString): boolean {
  return toD(a).isNeg() && !toD(a).isZero();
}

export function round(a: DecimalString, rounding: Rounding): DecimalString {
  return fromD(roundD(toD(a), rounding), 'round');
}

/**
 * (actual − reference) / |reference| × 100: how far a confirmed quantity or price is from the
 * ordered one, in percent, signed (+ over, − under). Exact when it terminates, else rounded as told.
 */
export function percentDifference(
  actual: DecimalString,
  reference: DecimalString,
  rounding?: Rounding,
): DecimalString {
  const ref = toD(reference);
  if (ref.isZero())
    throw new CanonicalError(
      CanonicalErrorCode.DecimalDivisionByZero,
      'percentDifference: the reference is zero, so no percentage exists',
    );
  const diff = toD(actual).minus(ref).times(100);
  return fromD(divideExact(diff, ref.abs(), rounding, 'percentDifference'), 'percentDifference');
}

/**
 * Whether `actual` lies within ±`percent` of `reference`, decided exactly without dividing:
 * |actual − reference| × 100 ≤ percent × |reference|. A zero reference tolerates only zero.
 */
export function withinTolerance(
  actual: DecimalString,
  reference: DecimalString,
  percent: DecimalString,
): boolean {
  const tolerance = toD(percent);
  if (tolerance.isNeg() && !tolerance.isZero())
    throw invalid(percent, 'a tolerance percentage cannot be negative');
  const ref = toD(reference);
  return toD(actual).minus(ref).abs().times(100).lte(tolerance.times(ref.abs()));
}

/**
 * value × (n₁ × n₂ × …) / (d₁ × d₂ × …) with a single rounding at the end: unit conversions chain
 * factors (lb → kg → box) and rounding each step would drift. Exact when the result terminates
 * within the fraction limit; otherwise rounded as told, or refused without a rounding.
 */
export function scaleByRatio(
  value: DecimalString,
  numerators: readonly DecimalString[],
  denominators: readonly DecimalString[],
  rounding?: Rounding,
  operation = 'scaleByRatio',
): DecimalString {
  const n = numerators.reduce((acc, f) => acc.times(toD(f)), toD(value));
  const d = denominators.reduce((acc, f) => acc.times(toD(f)), new D(1));
  return fromD(divideExact(n, d, rounding, operation), operation);
}

/** Options of `formatDecimal`. */
export interface FormatDecimalOptions {
  /** Exactly this many fraction digits (zeros padded); a value needing more is refused, not rounded. */
  readonly scale?: number;
  readonly decimalMark?: '.' | ',';
}

/**
 * Text for an outbound document: `formatDecimal('12.5', { scale: 2 })` is `12.50`, with `,` for an
 * EDIFACT partner whose UNA says so. Round first (`round`) if the value may carry more digits.
 */
export function formatDecimal(value: DecimalString, options: FormatDecimalOptions = {}): string {
  const d = toD(value);
  let text = d.toFixed();
  if (options.scale !== undefined) {
    checkRounding({ scale: options.scale, mode: 'half-even' });
    if (d.decimalPlaces() > options.scale)
      throw new CanonicalError(
        CanonicalErrorCode.DecimalInexact,
        `${value} has more than ${options.scale} fraction digits; round it before formatting`,
      );
    text = d.toFixed(options.scale);
  }
  if (text === '-0' || /^-0\.0*$/.test(text)) text = text.slice(1);
  return options.decimalMark === ',' ? text.replace('.', ',') : text;
}

/** The X12 `Nn` text of a value: `toImpliedDecimal('12.5', 2)` is `1250`. Refuses values needing rounding. */
export function toImpliedDecimal(value: DecimalString, impliedDecimals: number): string {
  if (!Number.isInteger(impliedDecimals) || impliedDecimals < 0 || impliedDecimals > 9)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInvalid,
      `an X12 Nn type has 0 to 9 implied decimals, not ${impliedDecimals}`,
    );
  const d = toD(value);
  if (d.decimalPlaces() > impliedDecimals)
    throw new CanonicalError(
      CanonicalErrorCode.DecimalInexact,
      `${value} has more than ${impliedDecimals} fraction digits; round it before writing an N${impliedDecimals} element`,
    );
  return d.times(new D(10).pow(impliedDecimals)).toFixed(0);
}
