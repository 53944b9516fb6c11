import { describe, expect, it } from 'vitest';
import { readEdifactNumber } from './numbers.js';

describe('readEdifactNumber', () => {
  it.each([
    ['19,9', ',', '19.9', 3],
    ['19.9', ',', '19.9', 3],
    ['-0.50', '.', '-0.50', 3],
    ['121212121212.121', '.', '121212121212.121', 15],
    ['7', '.', '7', 1],
  ])('reads %s (decimal mark %s)', (raw, mark, value, digits) => {
    expect(readEdifactNumber(raw, { decimalMark: mark })).toEqual({ ok: true, value, digits });
  });

  it.each([
    ['.5', '38'],
    ['-,5', '38'],
    ['1.2.3', '19'],
    ['1,', '19'],
    ['1020A', '37'],
    ['$1.179', '37'],
    ['', '37'],
    ['-', '37'],
  ])('rejects %s with code %s', (raw, code) => {
    expect(readEdifactNumber(raw)).toMatchObject({ ok: false, code });
  });

  it('refuses the undeclared mark when asked to be strict (versions 1–3)', () => {
    expect(readEdifactNumber('3,5', { decimalMark: '.', acceptEither: false })).toMatchObject({
      ok: false,
      code: '19',
    });
    expect(readEdifactNumber('3,5', { decimalMark: ',', acceptEither: false })).toMatchObject({
      value: '3.5',
    });
  });
});
