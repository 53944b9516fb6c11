import { describe, expect, it } from 'vitest';
import { backoffDelayMs, defineJob } from './job-definition.js';

describe('defineJob', () => {
  it('accepts dotted lower-case names and refuses others', () => {
    expect(defineJob('erp.post-confirmation').maxAttempts).toBe(8);
    expect(() => defineJob('PostConfirmation')).toThrow(/dotted lower-case/);
    expect(() => defineJob('erp')).toThrow(/dotted lower-case/);
  });
});

describe('backoffDelayMs', () => {
  const job = defineJob('test.backoff', { backoff: { baseMs: 1000, maxMs: 60_000 } });

  it('doubles per attempt between half and all of the ceiling', () => {
    expect(backoffDelayMs(job, 1, () => 0)).toBe(500);
    expect(backoffDelayMs(job, 1, () => 1)).toBe(1000);
    expect(backoffDelayMs(job, 3, () => 0)).toBe(2000);
    expect(backoffDelayMs(job, 3, () => 1)).toBe(4000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelayMs(job, 40, () => 1)).toBe(60_000);
    expect(backoffDelayMs(job, 40, () => 0)).toBe(30_000);
  });
});
