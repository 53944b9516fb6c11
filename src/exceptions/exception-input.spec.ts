import { describe, expect, it } from 'vitest';
import { ExceptionCaseErrorCode } from './exception-case.exception.js';
import { changedFacts, stableJson, validateRaise } from './exception-input.js';
import type { RaiseExceptionInput } from './exception.types.js';

const base: RaiseExceptionInput = {
  type: 'acknowledgment.quantity-changed',
  dedupeKey: 'PO-1:10:rev-1',
  references: { partnerId: 'acme', poNumber: 'PO-1', poLine: '10' },
  differences: { quantity: { expected: '100', actual: '80' } },
  impact: { valueAtRisk: '12345678901234.5678', currency: 'EUR', daysLate: 3 },
};

function codeOf(input: RaiseExceptionInput): string | undefined {
  try {
    validateRaise(input);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('raise input', () => {
  it("fills in the type's default severity and keeps decimals as given", () => {
    const valid = validateRaise(base);
    expect(valid.facts.severity).toBe('high');
    expect(valid.facts.valueAtRisk).toBe('12345678901234.5678');
    expect(validateRaise({ ...base, severity: 'low' }).facts.severity).toBe('low');
  });

  it('refuses an unregistered type', () => {
    expect(codeOf({ ...base, type: 'acknowledgment.typo' })).toBe(ExceptionCaseErrorCode.UnknownType);
  });

  it('refuses floats, signs, exponents and values without a currency', () => {
    for (const impact of [
      { valueAtRisk: 12.5 as unknown as string, currency: 'EUR' },
      { valueAtRisk: '-1', currency: 'EUR' },
      { valueAtRisk: '1e5', currency: 'EUR' },
      { valueAtRisk: '01.5', currency: 'EUR' },
      { valueAtRisk: '1,5', currency: 'EUR' },
      { valueAtRisk: '10' },
      { valueAtRisk: '10', currency: 'eur' },
      { daysLate: 1.5 },
      { daysLate: -1 },
    ]) {
      expect(codeOf({ ...base, impact }), JSON.stringify(impact)).toBe(ExceptionCaseErrorCode.InvalidInput);
    }
  });

  it('refuses fractional numbers in differences: decimals travel as strings', () => {
    expect(codeOf({ ...base, differences: { price: { expected: 0.1, actual: 0.2 } } })).toBe(
      ExceptionCaseErrorCode.InvalidInput,
    );
    expect(codeOf({ ...base, differences: { quantity: { expected: '100' } as never } })).toBe(
      ExceptionCaseErrorCode.InvalidInput,
    );
    expect(codeOf({ ...base, differences: { lines: { expected: 2, actual: 3 } } })).toBeUndefined();
  });

  it('refuses an empty dedupe key and a malformed interchange id', () => {
    expect(codeOf({ ...base, dedupeKey: ' ' })).toBe(ExceptionCaseErrorCode.InvalidInput);
    expect(codeOf({ ...base, references: { interchangeId: 'abc' } })).toBe(
      ExceptionCaseErrorCode.InvalidInput,
    );
  });

  it('sees no change when only the key order of stored JSON differs', () => {
    const facts = validateRaise(base).facts;
    const reordered = { ...facts, differences: { quantity: { actual: '80', expected: '100' } } };
    expect(changedFacts(facts, reordered)).toEqual({});
    expect(changedFacts(facts, { ...facts, daysLate: 4 })).toEqual({ daysLate: { from: 3, to: 4 } });
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
