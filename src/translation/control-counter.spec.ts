import { describe, expect, it } from 'vitest';
import { allocateRange, MAX_CONTROL_NUMBER } from './control-counter.js';

describe('allocateRange', () => {
  it('takes consecutive numbers and moves the counter past them', () => {
    expect(allocateRange(1, 3)).toEqual({ values: [1, 2, 3], next: 4 });
    expect(allocateRange(7, 0)).toEqual({ values: [], next: 7 });
  });

  it('wraps to 1 after 999999999 without splitting a range', () => {
    expect(allocateRange(MAX_CONTROL_NUMBER, 1)).toEqual({ values: [MAX_CONTROL_NUMBER], next: 1 });
    expect(allocateRange(MAX_CONTROL_NUMBER - 1, 3)).toEqual({ values: [1, 2, 3], next: 4 });
  });

  it('refuses a negative count', () => {
    expect(() => allocateRange(1, -1)).toThrow(/cannot allocate/);
  });
});
