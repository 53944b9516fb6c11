import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdiError } from '../core/edi-error.js';
import { EdifactTokenizer, type EdifactTokenIssue } from './tokenizer.js';
import { generatedInterchange, mutate, mutation } from './fixtures/generators.js';

/**
 * Mutation fuzzing of the tokenizer: damaged interchanges never make it throw (only `EdiError` is
 * allowed, and only for caller mistakes, which this test does not make); work stays linear in the bytes.
 */
const RUNS = 2_500;
const WORK_PER_BYTE = 2;
const WORK_CONSTANT = 8;

describe('EDIFACT tokenizer fuzzing', () => {
  it(`survives ${RUNS} mutated interchanges with bounded work and well-formed findings`, () => {
    fc.assert(
      fc.property(
        generatedInterchange,
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 16, max: 200 }),
        ({ text }, mutations, chunk, maxSegmentBytes) => {
          const bytes = mutate(Buffer.from(text, 'utf8'), mutations);
          const issues: EdifactTokenIssue[] = [];
          let segments = 0;
          try {
            const t = new EdifactTokenizer(
              {
                segment: (v) => {
                  segments++;
                  v.elements();
                  expect(v.rawLength).toBeLessThanOrEqual(maxSegmentBytes);
                },
                issue: (i) => issues.push(i),
              },
              { maxSegmentBytes },
            );
            for (let i = 0; i < bytes.length; i += chunk) t.write(bytes.subarray(i, i + chunk));
            t.end();
            expect(t.stats.work).toBeLessThanOrEqual(WORK_PER_BYTE * bytes.length + WORK_CONSTANT);
            expect(t.stats.bytes).toBe(bytes.length);
            expect(t.stats.segments).toBeGreaterThanOrEqual(segments);
          } catch (error) {
            if (error instanceof EdiError)
              throw new Error(`EdiError on data: ${error.message}`, { cause: error });
            throw error;
          }
          for (const issue of issues) {
            expect(issue.codeList).toBe('0085');
            expect(['13', '18', '20', '21', '22']).toContain(issue.code);
            expect(issue.offset).toBeGreaterThanOrEqual(0);
            expect(issue.offset).toBeLessThanOrEqual(bytes.length);
            expect(issue.segmentIndex).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
