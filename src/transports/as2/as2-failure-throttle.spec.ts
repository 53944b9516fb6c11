import { describe, expect, it } from 'vitest';
import { FAILURE_THRESHOLD } from './as2-failure-alerts.service.js';
import { As2FailureThrottle } from './as2-failure-throttle.js';

describe('AS2 failure answer pacing', () => {
  it('answers at once below the threshold', async () => {
    const throttle = new As2FailureThrottle();
    const started = Date.now();
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, () => throttle.pace('acme', FAILURE_THRESHOLD - 1)),
    );
    expect(verdicts.every((v) => v === 'answer')).toBe(true);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('spaces failure answers per partner once failures piled up, and answers overflow 503', async () => {
    const throttle = new As2FailureThrottle();
    throttle.spacingMs = 150;
    throttle.queue = 4;
    const started = Date.now();
    const done: number[] = [];
    const verdicts = await Promise.all(
      Array.from({ length: 6 }, () =>
        throttle.pace('acme', FAILURE_THRESHOLD).then((v) => {
          done.push(Date.now() - started);
          return v;
        }),
      ),
    );
    expect(verdicts.filter((v) => v === 'answer')).toHaveLength(4);
    expect(verdicts.filter((v) => v === 'overflow')).toHaveLength(2);
    // Four answers 150 ms apart: the last one after about 450 ms.
    expect(Math.max(...done)).toBeGreaterThanOrEqual(420);
    // Another partner's lane is its own.
    const other = Date.now();
    expect(await throttle.pace('nordic', FAILURE_THRESHOLD)).toBe('answer');
    expect(Date.now() - other).toBeLessThan(50);
  });
});
