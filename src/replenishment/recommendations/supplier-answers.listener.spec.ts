import { describe, expect, it } from 'vitest';
import { answerShortfalls } from './supplier-answers.listener.js';

const ASKED = { newDeliveryDate: '2026-12-04', newQuantity: null, unit: 'H87' };
const entry = (dates: { deliveryDate?: string; shipDate?: string }) => ({
  quantity: { value: '1000', unit: 'H87' },
  ...dates,
});
const line = (...schedule: ReturnType<typeof entry>[]) =>
  ({ lineNumber: '10', status: 'changed', changes: ['date'], schedule }) as Parameters<
    typeof answerShortfalls
  >[1];

describe('the dates of a change answer against the delivery date asked', () => {
  it('finds an entry that only ships after the date asked late, saying it is a ship date', () => {
    expect(answerShortfalls(ASKED, line(entry({ shipDate: '2026-12-05' })))).toEqual([
      'shipping on 2026-12-05, after the 2026-12-04 asked for delivery',
    ]);
  });

  it('does not judge a ship date on or before the date asked: the transit time is not known', () => {
    expect(answerShortfalls(ASKED, line(entry({ shipDate: '2026-12-04' })))).toEqual([]);
    expect(answerShortfalls(ASKED, line(entry({ shipDate: '2026-11-30' })))).toEqual([]);
  });

  it('checks the delivery date of an entry that has one, not its ship date', () => {
    const both = entry({ deliveryDate: '2026-12-04', shipDate: '2026-12-01' });
    expect(answerShortfalls(ASKED, line(both))).toEqual([]);
    const late = entry({ deliveryDate: '2026-12-06', shipDate: '2026-12-03' });
    expect(answerShortfalls(ASKED, line(late))).toEqual(['2026-12-06 instead of 2026-12-04']);
  });

  it('checks delivery-dated and ship-only entries of one line each', () => {
    const answered = line(entry({ deliveryDate: '2026-12-02' }), entry({ shipDate: '2026-12-07' }));
    expect(answerShortfalls(ASKED, answered)).toEqual([
      'shipping on 2026-12-07, after the 2026-12-04 asked for delivery',
    ]);
  });
});
