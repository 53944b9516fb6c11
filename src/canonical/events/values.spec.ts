import { describe, expect, it } from 'vitest';
import { hasValidGs1CheckDigit, text, UNSTORABLE_TEXT_MESSAGE } from './values.js';

/** The check as first written, reading each character with `Number` (zod refines refused strings too). */
function byNumber(digits: string): boolean {
  let total = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight)
    total += Number(digits[i]) * weight;
  return (10 - (total % 10)) % 10 === Number(digits[digits.length - 1]);
}

describe('hasValidGs1CheckDigit', () => {
  it('answers as Number() per character, for digits and anything else', () => {
    const bases = ['000123456789012343', '000123456789012345', '0', '', '12'];
    const values = bases.flatMap((base) =>
      [...base, ''].flatMap((_, i) =>
        [...'0123456789 \tx.\u0660'].map((c) => base.slice(0, i) + c + base.slice(i + 1)),
      ),
    );
    for (const v of values) expect(hasValidGs1CheckDigit(v), JSON.stringify(v)).toBe(byNumber(v));
    expect(values.some((v) => byNumber(v))).toBe(true);
    expect(hasValidGs1CheckDigit('0001234567890123 3')).toBe(byNumber('0001234567890123 3'));
  });
});

describe('text()', () => {
  it('refuses what PostgreSQL cannot store: U+0000 and unpaired surrogates, with one clear message', () => {
    const schema = text(48);
    for (const bad of [
      'NC-SO\u00007781',
      '\u0000x',
      'broken \ud83d!',
      'x\ud83d',
      '\ude00x',
      'a\ude00\ud83db',
    ]) {
      const parsed = schema.safeParse(bad);
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message)).toEqual([UNSTORABLE_TEXT_MESSAGE]);
    }
    // A surrogate pair is one well-formed character; other control characters are storable.
    for (const good of ['\u{1F600}', 'a\ud83d\ude00b', 'a\u0001b', 'a\nb'])
      expect(schema.safeParse(good).success, JSON.stringify(good)).toBe(true);
  });
});
