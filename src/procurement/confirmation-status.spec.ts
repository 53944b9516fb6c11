import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../canonical/decimal.js';
import { confirmationLineStatus, type LineValues } from './confirmation-status.js';

const ORDERED: LineValues = {
  quantity: '4800' as DecimalString,
  deliveryDate: '2026-12-04',
  unitPrice: '0.042' as DecimalString,
};
const as = (values: Partial<LineValues>): LineValues => ({ ...ORDERED, ...values });

describe('the status of a confirmed line, as the ERP is told it', () => {
  it('is accepted for a line confirmed as ordered, whoever accepted it', () => {
    expect(confirmationLineStatus('accepted', ORDERED, ORDERED)).toBe('accepted');
    // Nothing confirmed beyond the quantity: the ordered date and price stand.
    expect(confirmationLineStatus('accepted', ORDERED, as({ deliveryDate: null, unitPrice: null }))).toBe(
      'accepted',
    );
  });

  it('is changed when the confirmation carries another quantity, date or price, whatever the supplier called it', () => {
    expect(confirmationLineStatus('accepted', ORDERED, as({ quantity: '4752' as DecimalString }))).toBe(
      'changed',
    );
    expect(confirmationLineStatus('accepted', ORDERED, as({ deliveryDate: '2026-12-15' }))).toBe('changed');
    expect(confirmationLineStatus('accepted', ORDERED, as({ unitPrice: '0.042188' as DecimalString }))).toBe(
      'changed',
    );
    // A price for a line ordered without one.
    expect(
      confirmationLineStatus('accepted', as({ unitPrice: null }), as({ unitPrice: '0.05' as DecimalString })),
    ).toBe('changed');
  });

  it('keeps the supplier’s changed, rejected and backordered', () => {
    expect(confirmationLineStatus('changed', ORDERED, ORDERED)).toBe('changed');
    expect(confirmationLineStatus('rejected', ORDERED, as({ quantity: '0' as DecimalString }))).toBe(
      'rejected',
    );
    expect(confirmationLineStatus('backordered', ORDERED, ORDERED)).toBe('backordered');
  });
});
