import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, humanReadableSscc, isValidSscc, makeSscc, serialCapacity } from './sscc.js';

describe('SSCC', () => {
  it('computes GS1 check digits of published examples', () => {
    // GS1 General Specifications' SSCC example: (00) 1 0614141 123456789 7.
    expect(gs1CheckDigit('10614141123456789')).toBe(7);
    expect(isValidSscc('106141411234567897')).toBe(true);
    // The GTIN-13 and UPC-A examples of the same mod-10 rule: 400638133393(1), 03600024145(7).
    expect(gs1CheckDigit('400638133393')).toBe(1);
    expect(gs1CheckDigit('03600024145')).toBe(7);
    // A check digit of 0 (the sum is already a multiple of ten).
    expect(gs1CheckDigit('00000000000000000')).toBe(0);
  });

  it('refuses a wrong check digit, a wrong length and non-digits', () => {
    expect(isValidSscc('106141411234567898')).toBe(false);
    expect(isValidSscc('10614141123456789')).toBe(false);
    expect(isValidSscc('10614141123456789A')).toBe(false);
    // Every single-digit error is caught.
    const good = '106141411234567897';
    for (let i = 0; i < 17; i++)
      for (const d of '0123456789')
        if (d !== good[i]) expect(isValidSscc(good.slice(0, i) + d + good.slice(i + 1))).toBe(false);
  });

  it('builds SSCCs from the extension digit, the company prefix and a serial padded to 16 digits', () => {
    expect(makeSscc(1, '0614141', 123456789n)).toBe('106141411234567897');
    expect(makeSscc(0, '0614141', 1n)).toBe('006141410000000012');
    expect(makeSscc(3, '4012345678', 42n)).toMatch(/^3401234567800004\d\d$/);
    expect(isValidSscc(makeSscc(3, '4012345678', 42n))).toBe(true);
    expect(serialCapacity('0614141')).toBe(1_000_000_000n);
    expect(() => makeSscc(0, '0614141', 1_000_000_000n)).toThrow(/does not fit in 9 digits/);
    expect(() => makeSscc(10, '0614141', 1n)).toThrow(/extension digit/);
    expect(() => makeSscc(0, '061414', 1n)).toThrow(/7-10 digits/);
  });

  it('prints the human-readable line under the barcode', () => {
    expect(humanReadableSscc('106141411234567897', 7)).toBe('(00) 1 0614141 123456789 7');
  });
});
