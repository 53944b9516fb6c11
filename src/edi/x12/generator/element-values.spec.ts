import { describe, expect, it } from 'vitest';
import { defaultX12Grammars } from '../grammar/grammar-registry.js';
import { checkAgainstGrammar } from './element-values.js';

const grammar = defaultX12Grammars().find('850', '004010')!;
// ITD03 is DE 338 (R 1/6), ITD08 DE 362 (N2 1/10), CTT01 DE 354 (N0 1/6). ITD05 (days due) is there
// for the notes L03040513 and L08040513: a discount percent or amount needs its terms.
const itd = (discountPercent: string, amount: string) => [
  ['ITD', '', '', discountPercent, '', '30', '', '', amount],
];

describe('outbound values against the grammar', () => {
  it('writes Nn with its decimal point implied and R as a plain decimal', () => {
    expect(checkAgainstGrammar(itd('2.50', '12.5'), grammar)).toEqual([
      ['ITD', '', '', '2.5', '', '30', '', '', '1250'],
    ]);
    expect(checkAgainstGrammar(itd('0.0', '0.00'), grammar)[0]![8]).toBe('0');
    expect(checkAgainstGrammar([['CTT', '007']], grammar)).toEqual([['CTT', '7']]);
  });

  it('refuses what the type cannot hold instead of rounding or truncating it', () => {
    expect(() => checkAgainstGrammar(itd('', '12.555'), grammar)).toThrow(
      'ITD08 (data element 362, N2 1/10): "12.555" has more decimals than the 2 the type implies',
    );
    expect(() => checkAgainstGrammar(itd('', '123456789.5'), grammar)).toThrow(
      'ITD08 (data element 362, N2 1/10): "12345678950" is longer than 10',
    );
    expect(() => checkAgainstGrammar(itd('1234567', ''), grammar)).toThrow(
      'ITD03 (data element 338, R 1/6): "1234567" is longer than 6',
    );
    expect(() => checkAgainstGrammar([['CTT', '1.5']], grammar)).toThrow(
      'CTT01 (data element 354, N0 1/6): "1.5" has more decimals than the 0 the type implies',
    );
    expect(() => checkAgainstGrammar([['CTT', '1e3']], grammar)).toThrow('"1e3" is not a decimal number');
  });
});
