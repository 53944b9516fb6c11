import { describe, expect, it } from 'vitest';
import type { PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import { answerFromForm } from './order-answer-form.js';

const line = (lineNumber: string, quantity: string, unitPrice: string | null, deliveryDate: string) =>
  ({
    lineNumber,
    material: `M-${lineNumber}`,
    supplierPart: null,
    quantity,
    unit: 'H87',
    unitPrice,
    deliveryDate,
    cancelled: false,
    ackStatus: null,
    confirmedQuantity: null,
    confirmedDate: null,
    confirmedPrice: null,
    decision: null,
    shippedQuantity: '0',
    receivedQuantity: '0',
  }) as unknown as PurchaseOrderLine;

const LINES = [line('10', '4800', '0.042', '2026-12-04'), line('20', '140', '38.5', '2026-12-10')];
const OPTIONS = { currency: 'EUR', documentNumber: 'WEB-1' };

describe('the portal answer form as a partner document body', () => {
  it('accepts every line as ordered', () => {
    const result = answerFromForm({ l0_line: '10', l1_line: '20' }, LINES, OPTIONS);
    expect(result).toEqual({
      body: {
        document: { number: 'WEB-1', revision: '1' },
        status: 'accepted',
        lines: [
          { lineNumber: '10', status: 'accepted', quantity: { value: '4800', unit: 'H87' } },
          { lineNumber: '20', status: 'accepted', quantity: { value: '140', unit: 'H87' } },
        ],
      },
    });
  });

  it('names exactly what changed, in exact decimals (4800.0 is no change), with one schedule line', () => {
    const result = answerFromForm(
      {
        l0_line: '10',
        l0_action: 'change',
        l0_quantity: '4800.0',
        l0_price: '0.045',
        l1_line: '20',
        l1_action: 'change',
        l1_date: '2026-12-15',
        l1_reason: 'capacity',
      },
      LINES,
      OPTIONS,
    );
    expect('body' in result && result.body.status).toBe('accepted-with-changes');
    const [first, second] = 'body' in result ? result.body.lines : [];
    expect(first).toEqual({
      lineNumber: '10',
      status: 'changed',
      changes: ['price'],
      quantity: { value: '4800.0', unit: 'H87' },
      schedule: [{ quantity: { value: '4800.0', unit: 'H87' }, deliveryDate: '2026-12-04' }],
      unitPrice: { amount: '0.045', currency: 'EUR' },
    });
    expect(second).toMatchObject({ status: 'changed', changes: ['date'], reason: { text: 'capacity' } });
  });

  it('rejects with a reason (quantity 0), and the whole order when every line is rejected; a change answer names the revision', () => {
    const result = answerFromForm(
      {
        l0_line: '10',
        l0_action: 'reject',
        l0_reason: 'discontinued',
        l1_line: '20',
        l1_action: 'reject',
        l1_reason: 'discontinued',
      },
      LINES,
      { ...OPTIONS, revision: 2 },
    );
    expect('body' in result && result.body).toMatchObject({
      status: 'rejected',
      revision: '2',
      lines: [
        { status: 'rejected', quantity: { value: '0', unit: 'H87' }, reason: { text: 'discontinued' } },
        {},
      ],
    });
  });

  it('explains what is wrong instead of guessing', () => {
    const result = answerFromForm(
      {
        l0_line: '10',
        l0_action: 'reject',
        l1_line: '20',
        l1_action: 'change',
        l1_quantity: '1e3',
        l1_date: '2026-13-45',
      },
      LINES,
      OPTIONS,
    );
    expect(result).toEqual({
      problems: [
        'Line 10: say why you reject it.',
        'Line 20: the quantity must be a number such as 4800 or 12.5.',
        'Line 20: the delivery date must be a date (YYYY-MM-DD).',
      ],
    });
    expect(answerFromForm({ l0_line: '10', l0_action: 'change', l1_line: '20' }, LINES, OPTIONS)).toEqual({
      problems: ['Line 10: nothing differs from the order; choose “Accept” or change a value.'],
    });
    expect(answerFromForm({ l0_line: '20', l1_line: '10' }, LINES, OPTIONS)).toEqual({
      problems: ['The order changed while you were answering it. Reload the page and answer again.'],
    });
  });
});
