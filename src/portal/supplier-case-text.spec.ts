import { describe, expect, it } from 'vitest';
import { EXCEPTION_TYPES } from '../exceptions/exception-types.js';
import { SUPPLIER_VISIBLE_CASE_TYPES, supplierCaseText } from './supplier-case-text.js';

describe('what a supplier is told about a case', () => {
  it('names only types the exception catalogue has', () => {
    const known = EXCEPTION_TYPES.map((t) => t.type);
    for (const type of SUPPLIER_VISIBLE_CASE_TYPES) expect(known, type).toContain(type);
  });

  it('tells a refused change without the buyer’s shortage analysis', () => {
    const text = supplierCaseText('po-change.rejected')!;
    expect(text).toBe('You answered that you cannot meet the change to this order.');
    expect(text).not.toMatch(/short|production|plant|risk/i);
  });

  it('keeps internal cases from suppliers: ERP postings, stock, AS2 security, unknown types', () => {
    for (const type of [
      'erp.posting-rejected',
      'erp.reconciliation-difference',
      'inventory.variance',
      'as2.decryption-failures',
      'acknowledgment.unknown-order',
      'toString',
      'no.such-type',
    ])
      expect(supplierCaseText(type), type).toBeUndefined();
  });
});
