import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate, mutation, x12File } from './fixtures/generators.js';
import { X12Reader } from './reader.js';

/** Everything observable from one read: segments with positions, findings, the result tree. */
function observe(bytes: Uint8Array, chunk: number): string {
  const log: unknown[] = [];
  const reader = new X12Reader({
    segment: (v, ctx) => log.push([v.segmentIndex, v.offset, ctx.positionInSet, v.elements()]),
    issue: (i) => log.push(['issue', i.kind, i.code, i.offset, i.segmentIndex]),
    endSet: (s) => log.push(['endSet', s.controlNumber, s.status]),
  });
  if (chunk <= 0) reader.write(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) reader.write(bytes.subarray(i, i + chunk));
  const result = reader.end();
  const { work: _work, ...comparable } = result;
  return JSON.stringify([log, comparable]);
}

const SIZES = [1, 2, 3, 7, 64, 4096];

describe('chunk-size invariance', () => {
  it('gives identical events and results for 1, 2, 3, 7, 64, 4096-byte chunks and the whole input', () => {
    fc.assert(
      fc.property(x12File, (bytes) => {
        const whole = observe(bytes, 0);
        for (const size of SIZES) expect(observe(bytes, size)).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('stays invariant on damaged input too', () => {
    fc.assert(
      fc.property(x12File, fc.array(mutation, { minLength: 1, maxLength: 4 }), (bytes, mutations) => {
        const damaged = mutate(bytes, mutations);
        const whole = observe(damaged, 0);
        for (const size of SIZES) expect(observe(damaged, size)).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('reads every generated file without findings', () => {
    fc.assert(
      fc.property(x12File, (bytes) => {
        const reader = new X12Reader();
        reader.write(bytes);
        const result = reader.end();
        expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(result.interchanges.every((ic) => ic.status === 'accepted')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
