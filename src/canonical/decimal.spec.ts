import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalErrorCode } from './canonical.exception.js';
import {
  abs,
  add,
  compare,
  decimal,
  decimalFromConfigNumber,
  decimalString,
  CANONICAL_DECIMAL_PATTERN,
  divide,
  equals,
  formatDecimal,
  isCanonicalDecimal,
  isNegative,
  isZero,
  multiply,
  negate,
  NON_NEGATIVE_DECIMAL_PATTERN,
  nonNegativeDecimalString,
  parseDecimal,
  parseEdifactDecimal,
  parseImpliedDecimal,
  parseX12Decimal,
  percentDifference,
  round,
  scaleByRatio,
  subtract,
  sum,
  toImpliedDecimal,
  withinTolerance,
  type DecimalString,
  type RoundingMode,
} from './decimal.js';
import { errorOf } from './canonical-error.test-helper.js';

const d = decimal;

describe('parseDecimal', () => {
  it.each([
    ['12.50', '12.5'],
    ['12', '12'],
    ['0012.500', '12.5'],
    ['0', '0'],
    ['0.0', '0'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['-12.5', '-12.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-.25', '-0.25'],
    ['100', '100'],
    ['1000.000', '1000'],
  ])('%j is %j', (text, canonical) => {
    expect(parseDecimal(text)).toBe(canonical);
  });

  it('reads a decimal comma when the caller says the source uses one', () => {
    expect(parseDecimal('12,5', { decimalMark: ',' })).toBe('12.5');
    expect(parseDecimal('-0,75', { decimalMark: ',' })).toBe('-0.75');
    expect(errorOf(() => parseDecimal('12,5')).message).toMatch(/"," is not the decimal mark here/);
  });

  it('refuses thousands separators unless declared, and checks declared groups', () => {
    expect(errorOf(() => parseDecimal('1,234.5')).message).toMatch(/thousands separators are refused/);
    expect(errorOf(() => parseDecimal('1.234,5', { decimalMark: ',' })).message).toMatch(
      /"\." is not the decimal mark/,
    );
    expect(parseDecimal('1,234,567.25', { thousandsSeparator: ',' })).toBe('1234567.25');
    expect(parseDecimal('1.234.567,25', { decimalMark: ',', thousandsSeparator: '.' })).toBe('1234567.25');
    expect(parseDecimal("1'234.5", { thousandsSeparator: "'" })).toBe('1234.5');
    expect(parseDecimal('1 234,5', { decimalMark: ',', thousandsSeparator: ' ' })).toBe('1234.5');
    expect(errorOf(() => parseDecimal('12,34.5', { thousandsSeparator: ',' })).message).toMatch(
      /does not separate groups of three/,
    );
    expect(errorOf(() => parseDecimal('1.5,000', { thousandsSeparator: ',' })).message).toMatch(
      /after the decimal mark/,
    );
    expect(errorOf(() => parseDecimal('1,5', { decimalMark: ',', thousandsSeparator: ',' })).message).toMatch(
      /cannot both be/,
    );
  });

  it.each([
    ['', /empty/],
    ['1e3', /exponent notation/],
    ['1E-3', /exponent notation/],
    ['+5', /plus sign/],
    [' 5', /whitespace/],
    ['5 ', /whitespace/],
    ['1.2.3', /more than one decimal mark/],
    ['-', /no digits/],
    ['.', /no digits/],
    ['5-', /minus sign is only accepted in front/],
    ['--5', /minus sign is only accepted in front/],
    ['12a', /unexpected character "a"/],
    ['١٢', /unexpected character/],
    ['NaN', /unexpected character "N"/],
    ['Infinity', /unexpected character "I"/],
    ['0x10', /unexpected character "x"/],
  ])('refuses %j', (text, message) => {
    const error = errorOf(() => parseDecimal(text));
    expect(error.code).toBe(CanonicalErrorCode.DecimalInvalid);
    expect(error.message).toMatch(message);
  });

  it('refuses JS numbers at run time with a reason', () => {
    const error = errorOf(() => parseDecimal(0.1 as unknown as string));
    expect(error.code).toBe(CanonicalErrorCode.DecimalInvalid);
    expect(error.message).toMatch(/binary float/);
  });

  it('keeps huge and tiny values exact within the limits and refuses beyond them', () => {
    const huge = '123456789012345678901234567890.123456789012345678901234567891';
    expect(parseDecimal(huge)).toBe(huge);
    expect(parseDecimal('0.000000000000000000000000000001')).toBe('0.000000000000000000000000000001');
    expect(parseDecimal(`1${'0'.repeat(29)}`)).toBe(`1${'0'.repeat(29)}`);
    expect(parseDecimal(`0.${'0'.repeat(60)}`)).toBe('0'); // zeros are not significant
    expect(errorOf(() => parseDecimal(`1${'0'.repeat(30)}`)).code).toBe(CanonicalErrorCode.DecimalOutOfRange);
    expect(errorOf(() => parseDecimal(`0.${'0'.repeat(30)}1`)).code).toBe(
      CanonicalErrorCode.DecimalOutOfRange,
    );
    expect(errorOf(() => parseDecimal('1'.repeat(200))).message).toMatch(/longer than 128/);
  });

  it('refuses a bare decimal mark when asked to', () => {
    expect(errorOf(() => parseDecimal('.5', { bareDecimalMark: false })).message).toMatch(
      /a digit on each side/,
    );
  });
});

describe('X12 and EDIFACT numbers', () => {
  it('reads X12 Nn implied decimals', () => {
    expect(parseImpliedDecimal('1250', 2)).toBe('12.5');
    expect(parseImpliedDecimal('1250', 0)).toBe('1250');
    expect(parseImpliedDecimal('5', 2)).toBe('0.05');
    expect(parseImpliedDecimal('-5', 2)).toBe('-0.05');
    expect(parseImpliedDecimal('-1250', 3)).toBe('-1.25');
    expect(parseImpliedDecimal('0001250', 2)).toBe('12.5');
    expect(parseImpliedDecimal('-000', 2)).toBe('0');
    expect(parseImpliedDecimal('123456789', 9)).toBe('0.123456789');
  });

  it('refuses Nn values with a decimal mark or other characters, and bad n', () => {
    expect(errorOf(() => parseImpliedDecimal('12.50', 2)).message).toMatch(
      /X12 N2: an Nn value carries no decimal mark/,
    );
    expect(errorOf(() => parseImpliedDecimal('1e3', 2)).message).toMatch(/exponent/);
    expect(errorOf(() => parseImpliedDecimal('', 2)).message).toMatch(/empty/);
    expect(errorOf(() => parseImpliedDecimal('+12', 2)).message).toMatch(/plus sign/);
    expect(errorOf(() => parseImpliedDecimal('12', 10)).message).toMatch(/0 to 9 implied decimals/);
    expect(errorOf(() => parseImpliedDecimal('12', -1)).code).toBe(CanonicalErrorCode.DecimalInvalid);
  });

  it('reads X12 R values, with a leading point', () => {
    expect(parseX12Decimal('.5')).toBe('0.5');
    expect(parseX12Decimal('-12.750')).toBe('-12.75');
    expect(errorOf(() => parseX12Decimal('1,000')).message).toMatch(/^invalid decimal "1,000": X12 R: /);
  });

  it('reads EDIFACT numbers with the UNA decimal mark', () => {
    expect(parseEdifactDecimal('12.5')).toBe('12.5');
    expect(parseEdifactDecimal('12,5', ',')).toBe('12.5');
    expect(parseEdifactDecimal('-3,250', ',')).toBe('-3.25');
    expect(errorOf(() => parseEdifactDecimal('12.5', ',')).message).toMatch(
      /EDIFACT number: "\." is not the decimal mark/,
    );
    expect(errorOf(() => parseEdifactDecimal(',5', ',')).message).toMatch(/a digit on each side/);
    expect(errorOf(() => parseEdifactDecimal('5.')).message).toMatch(/a digit on each side/);
  });

  it('writes Nn and formatted text for outbound documents', () => {
    expect(toImpliedDecimal(d('12.5'), 2)).toBe('1250');
    expect(toImpliedDecimal(d('-0.05'), 2)).toBe('-5');
    expect(toImpliedDecimal(d('7'), 0)).toBe('7');
    expect(errorOf(() => toImpliedDecimal(d('12.345'), 2)).code).toBe(CanonicalErrorCode.DecimalInexact);
    expect(formatDecimal(d('12.5'), { scale: 2 })).toBe('12.50');
    expect(formatDecimal(d('12.5'), { scale: 2, decimalMark: ',' })).toBe('12,50');
    expect(formatDecimal(d('-0.5'))).toBe('-0.5');
    expect(formatDecimal(d('0'), { scale: 3 })).toBe('0.000');
    expect(errorOf(() => formatDecimal(d('1.005'), { scale: 2 })).message).toMatch(
      /round it before formatting/,
    );
  });

  it('round-trips Nn text for any integer and scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 9 }),
        (n, scale) => {
          const value = parseImpliedDecimal(n.toString(), scale);
          expect(toImpliedDecimal(value, scale)).toBe(n.toString());
        },
      ),
    );
  });
});

describe('arithmetic', () => {
  it('0.1 + 0.2 = 0.3, exactly', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the reason this module exists
    expect(add(d('0.1'), d('0.2'))).toBe('0.3');
    expect(equals(add(d('0.1'), d('0.2')), d('0.3'))).toBe(true);
  });

  it('adds, subtracts, multiplies exactly, with canonical results', () => {
    expect(subtract(d('0.3'), d('0.1'))).toBe('0.2');
    expect(subtract(d('1'), d('1'))).toBe('0');
    expect(subtract(d('0'), d('0.5'))).toBe('-0.5');
    expect(multiply(d('1.1'), d('1.1'))).toBe('1.21');
    expect(multiply(d('12.5'), d('0.08'))).toBe('1');
    expect(multiply(d('-0.5'), d('0'))).toBe('0');
    expect(sum([d('0.1'), d('0.2'), d('0.3'), d('-0.6')])).toBe('0');
    expect(sum([])).toBe('0');
    expect(negate(d('0'))).toBe('0');
    expect(negate(d('2.5'))).toBe('-2.5');
    expect(abs(d('-2.5'))).toBe('2.5');
  });

  it('keeps huge and tiny operands exact', () => {
    const huge = d('999999999999999999999999999999');
    const tiny = d('0.000000000000000000000000000001');
    expect(add(huge, tiny)).toBe('999999999999999999999999999999.000000000000000000000000000001');
    expect(subtract(add(huge, tiny), huge)).toBe(tiny);
    expect(errorOf(() => add(huge, d('1'))).code).toBe(CanonicalErrorCode.DecimalOutOfRange);
    expect(errorOf(() => multiply(tiny, tiny)).message).toMatch(
      /60 fraction digits, more than 30; round explicitly/,
    );
    expect(multiply(tiny, tiny, { scale: 30, mode: 'half-even' })).toBe('0');
  });

  it('rounds with every mode, including ties and negatives', () => {
    const cases: [string, RoundingMode, string][] = [
      ['2.5', 'half-even', '2'],
      ['3.5', 'half-even', '4'],
      ['-2.5', 'half-even', '-2'],
      ['2.5', 'half-up', '3'],
      ['-2.5', 'half-up', '-3'],
      ['2.5', 'half-down', '2'],
      ['2.51', 'half-down', '3'],
      ['2.1', 'up', '3'],
      ['-2.1', 'up', '-3'],
      ['2.9', 'down', '2'],
      ['-2.9', 'down', '-2'],
      ['2.1', 'ceiling', '3'],
      ['-2.9', 'ceiling', '-2'],
      ['2.9', 'floor', '2'],
      ['-2.1', 'floor', '-3'],
      ['-0.4', 'half-up', '0'],
    ];
    for (const [value, mode, expected] of cases)
      expect(round(d(value), { scale: 0, mode }), `${value} ${mode}`).toBe(expected);
    expect(round(d('1.005'), { scale: 2, mode: 'half-up' })).toBe('1.01'); // 1.00499999… as a float
    expect(errorOf(() => round(d('1'), { scale: -1, mode: 'half-up' })).message).toMatch(
      /whole number from 0 to 30/,
    );
    expect(errorOf(() => round(d('1'), { scale: 2, mode: 'nearest' as RoundingMode })).message).toMatch(
      /unknown rounding mode/,
    );
  });

  it('divides exactly, or rounds only when told', () => {
    expect(divide(d('1'), d('8'))).toBe('0.125');
    expect(divide(d('10'), d('4'))).toBe('2.5');
    const inexact = errorOf(() => divide(d('1'), d('3')));
    expect(inexact.code).toBe(CanonicalErrorCode.DecimalInexact);
    expect(inexact.message).toMatch(/pass a rounding/);
    expect(divide(d('1'), d('3'), { scale: 4, mode: 'half-even' })).toBe('0.3333');
    expect(divide(d('2'), d('3'), { scale: 4, mode: 'half-even' })).toBe('0.6667');
    expect(divide(d('-2'), d('3'), { scale: 4, mode: 'down' })).toBe('-0.6666');
    expect(divide(d('-1'), d('3'), { scale: 0, mode: 'floor' })).toBe('-1');
    expect(divide(d('-1'), d('3'), { scale: 0, mode: 'ceiling' })).toBe('0');
    // Ties are decided on the exact remainder, not on a pre-rounded quotient.
    expect(divide(d('1'), d('8'), { scale: 2, mode: 'half-even' })).toBe('0.12');
    expect(divide(d('3'), d('8'), { scale: 2, mode: 'half-even' })).toBe('0.38');
    expect(divide(d('1'), d('8'), { scale: 2, mode: 'half-up' })).toBe('0.13');
    expect(divide(d('-1'), d('8'), { scale: 2, mode: 'half-down' })).toBe('-0.12');
    expect(errorOf(() => divide(d('1'), d('0'))).code).toBe(CanonicalErrorCode.DecimalDivisionByZero);
  });

  it('divides like exact rational arithmetic (property)', () => {
    const modes: RoundingMode[] = ['half-even', 'half-up', 'half-down', 'up', 'down', 'ceiling', 'floor'];
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        // Small even divisors make exact ties, where rounding modes differ.
        fc.oneof(
          fc.constantFrom(2n, -2n, 4n, 8n, -8n, 16n, 20n, 3n),
          fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }).filter((b) => b !== 0n),
        ),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(...modes),
        (a, b, scale, mode) => {
          const result = divide(d(a.toString()), d(b.toString()), { scale, mode });
          expect(result).toBe(referenceDivide(a, b, scale, mode));
        },
      ),
    );
  });

  it('compares, and tells zero and sign', () => {
    expect(compare(d('1.10'), d('1.1'))).toBe(0);
    expect(compare(d('-1'), d('0.5'))).toBe(-1);
    expect(compare(d('10'), d('9.999'))).toBe(1);
    expect(isZero(d('-0.0'))).toBe(true);
    expect(isNegative(d('-0'))).toBe(false);
    expect(isNegative(d('-0.001'))).toBe(true);
  });

  it('gives percentage differences for tolerances', () => {
    expect(percentDifference(d('102'), d('100'))).toBe('2');
    expect(percentDifference(d('98'), d('100'))).toBe('-2');
    expect(percentDifference(d('110'), d('-100'))).toBe('210');
    expect(percentDifference(d('1'), d('3'), { scale: 2, mode: 'half-even' })).toBe('-66.67');
    expect(errorOf(() => percentDifference(d('1'), d('3'))).code).toBe(CanonicalErrorCode.DecimalInexact);
    expect(errorOf(() => percentDifference(d('1'), d('0'))).code).toBe(
      CanonicalErrorCode.DecimalDivisionByZero,
    );
  });

  it('decides tolerances exactly at the boundary', () => {
    expect(withinTolerance(d('102'), d('100'), d('2'))).toBe(true);
    expect(withinTolerance(d('102.0000000001'), d('100'), d('2'))).toBe(false);
    expect(withinTolerance(d('98'), d('100'), d('2'))).toBe(true);
    expect(withinTolerance(d('1.015'), d('1'), decimalFromConfigNumber(1.5))).toBe(true);
    expect(withinTolerance(d('100'), d('100'), d('0'))).toBe(true);
    expect(withinTolerance(d('0'), d('0'), d('5'))).toBe(true);
    expect(withinTolerance(d('0.001'), d('0'), d('5'))).toBe(false);
    expect(errorOf(() => withinTolerance(d('1'), d('1'), d('-1'))).message).toMatch(/cannot be negative/);
  });

  it('takes configuration numbers as the text a person typed', () => {
    expect(decimalFromConfigNumber(1.5)).toBe('1.5');
    expect(decimalFromConfigNumber(0.1)).toBe('0.1');
    expect(decimalFromConfigNumber(2)).toBe('2');
    expect(errorOf(() => decimalFromConfigNumber(1e21)).message).toMatch(/exponent/);
    expect(errorOf(() => decimalFromConfigNumber(Number.NaN)).message).toMatch(/finite/);
  });

  it('scales by chained ratios with one rounding', () => {
    // 1 × 2 × 5 / 3: the exact product is divided once, so only the final value is rounded.
    expect(scaleByRatio(d('3'), [d('1')], [d('3')])).toBe('1');
    expect(scaleByRatio(d('1'), [d('2'), d('5')], [d('3')], { scale: 3, mode: 'half-even' })).toBe('3.333');
  });

  it('refuses operands that are not canonical strings', () => {
    expect(errorOf(() => add('1.50' as DecimalString, d('1'))).message).toMatch(
      /not a canonical decimal string/,
    );
    expect(errorOf(() => add(1 as unknown as DecimalString, d('1'))).code).toBe(
      CanonicalErrorCode.DecimalInvalid,
    );
  });
});

describe('decimalString schema', () => {
  it.each(['0', '12.5', '-12.5', '0.001', '-0.5', '999999999999999999999999999999'])(
    'accepts %j',
    (value) => {
      expect(decimalString.safeParse(value).success).toBe(true);
    },
  );

  it.each([
    ['12.50'],
    ['-0'],
    ['01'],
    ['.5'],
    ['5.'],
    ['1e3'],
    ['+1'],
    [''],
    ['1,5'],
    ['1000000000000000000000000000000'],
  ])('refuses %j', (value) => {
    expect(decimalString.safeParse(value).success).toBe(false);
  });

  it('refuses numbers with a message that says why', () => {
    const result = decimalString.safeParse(12.5);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/numbers are not accepted/);
  });

  it('matches exactly what the parser produces (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,30}(\.[0-9]{1,30})?$/), (text) => {
        const canonical = parseDecimal(text);
        expect(decimalString.safeParse(canonical).success).toBe(true);
        expect(decimalString.safeParse(text).success).toBe(canonical === text);
        expect(nonNegativeDecimalString.safeParse(canonical).success).toBe(!canonical.startsWith('-'));
      }),
    );
  });
});

describe('isCanonicalDecimal', () => {
  const EDGES = [
    '0',
    '-0',
    '00',
    '0.',
    '.5',
    '0.5',
    '-0.5',
    '0.50',
    '5',
    '-5',
    '5.',
    '5.0',
    '5.05',
    '--5',
    '-',
    '',
    '+5',
    '1e3',
    ' 5',
    '5 ',
    '5\n',
    '١',
    '9'.repeat(30),
    '9'.repeat(31),
    `1.${'1'.repeat(30)}`,
    `1.${'1'.repeat(31)}`,
    `0.${'0'.repeat(29)}1`,
    `0.${'0'.repeat(30)}1`,
    `-${'9'.repeat(30)}.${'9'.repeat(30)}`,
  ];

  it('answers as the canonical patterns do, signed and unsigned', () => {
    for (const text of EDGES) {
      expect(isCanonicalDecimal(text, true), text).toBe(CANONICAL_DECIMAL_PATTERN.test(text));
      expect(isCanonicalDecimal(text, false), text).toBe(NON_NEGATIVE_DECIMAL_PATTERN.test(text));
    }
  });

  it('answers as the canonical patterns do (property)', () => {
    const character = fc.constantFrom('0', '1', '5', '9', '.', '-', '+', 'e', ' ');
    const text = fc.oneof(
      fc.array(character, { maxLength: 12 }).map((chars) => chars.join('')),
      fc.stringMatching(/^-?[0-9]{1,32}(\.[0-9]{0,32})?$/),
    );
    fc.assert(
      fc.property(text, (value) => {
        expect(isCanonicalDecimal(value, true)).toBe(CANONICAL_DECIMAL_PATTERN.test(value));
        expect(isCanonicalDecimal(value, false)).toBe(NON_NEGATIVE_DECIMAL_PATTERN.test(value));
      }),
      { numRuns: 5000 },
    );
  });
});

/** Exact reference: rational a/b rounded to `scale` with BigInt, independent of decimal.js. */
function referenceDivide(a: bigint, b: bigint, scale: number, mode: RoundingMode): string {
  const numerator = a * 10n ** BigInt(scale);
  const negative = numerator < 0n !== b < 0n && numerator !== 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const m = b < 0n ? -b : b;
  let q = n / m;
  const r = n % m;
  if (r !== 0n) {
    const twice = 2n * r;
    const awayFromZero =
      mode === 'up' ||
      (mode === 'ceiling' && !negative) ||
      (mode === 'floor' && negative) ||
      (mode === 'half-up' && twice >= m) ||
      (mode === 'half-down' && twice > m) ||
      (mode === 'half-even' && (twice > m || (twice === m && q % 2n === 1n)));
    if (awayFromZero) q += 1n;
  }
  const digits = q.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return parseDecimal(negative ? `-${text}` : text);
}
