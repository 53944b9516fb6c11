import { describe, expect, it } from 'vitest';
import { exactQuotient } from './order-values.js';

describe('exactQuotient', () => {
  it('divides exactly, whatever the scales', () => {
    expect(exactQuotient('12.5', '100')).toBe('0.125');
    expect(exactQuotient('4.25', '100')).toBe('0.0425');
    expect(exactQuotient('100', '0.5')).toBe('200');
    expect(exactQuotient('0.3', '0.03')).toBe('10');
    expect(exactQuotient('7', '8')).toBe('0.875');
    expect(exactQuotient('0', '3')).toBe('0');
  });

  it('has no answer for a quotient without a finite decimal form, or a zero divisor', () => {
    expect(exactQuotient('10', '3')).toBeUndefined();
    expect(exactQuotient('1', '0')).toBeUndefined();
  });
});
