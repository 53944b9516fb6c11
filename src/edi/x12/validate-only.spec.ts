import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate, mutation, x12File } from './fixtures/generators.js';
import { X12Reader, type X12ReaderOptions } from './reader.js';
import type { X12ValidationResult } from './result.js';

/**
 * Validation without a segment handler takes the tokenizer's id-only fast path (issue 5: validate-only
 * must return the identical findings, codes and positions as the full path). These properties compare
 * the two paths on generated and damaged files, in every chunking, result tree and all.
 */
function read(bytes: Uint8Array, chunk: number, full: boolean, options: X12ReaderOptions = {}) {
  const reader = new X12Reader(full ? { segment: (view) => void view.elements() } : {}, options);
  if (chunk <= 0) reader.write(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) reader.write(bytes.subarray(i, i + chunk));
  return reader.end();
}

function comparable(result: X12ValidationResult): string {
  const { work: _work, ...rest } = result;
  return JSON.stringify(rest);
}

const SIZES = [0, 1, 5, 64, 4096];

function expectSamePaths(bytes: Uint8Array, options: X12ReaderOptions = {}): X12ValidationResult {
  const full = read(bytes, 0, true, options);
  const want = comparable(full);
  for (const size of SIZES) expect(comparable(read(bytes, size, false, options))).toBe(want);
  return full;
}

const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');

const ISA =
  'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240131*1230*U*00401*000000001*0*P*>~';

describe('validate-only fast path', () => {
  it('finds exactly what the full path finds on generated files', () => {
    fc.assert(
      fc.property(x12File, (bytes) => void expectSamePaths(bytes)),
      { numRuns: 300 },
    );
  });

  it('finds exactly what the full path finds on damaged files', () => {
    fc.assert(
      fc.property(x12File, fc.array(mutation, { minLength: 1, maxLength: 6 }), (bytes, mutations) => {
        expectSamePaths(mutate(bytes, mutations));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps body findings and counts the fast path skips over (bad ids, service segments, wraps)', () => {
    const body = [
      'ST*850*0001~BEG*00*SA*PO1**20240131~',
      // A line break after the id (hard wrap) and inside an element: the id and counts are unchanged.
      'REF*DP\r\n*1~N1*ST\n*X~',
      // Not plain ids: lowercase, one letter, four letters, a service segment in a set.
      'ref*DP~R*1~REFX*1~TA1*000000001*240131*1230*A*000~',
      'SE*9*0001~',
    ].join('');
    const input = `${ISA}GS*PO*SENDER*RECEIVER*20240131*1230*1*X*004010~${body}GE*1*1~IEA*1*000000001~`;
    const result = expectSamePaths(text(input));
    const set = result.interchanges[0]!.groups[0]!.sets[0]!;
    expect(set.segmentCount).toBe(9);
    expect(set.segmentIssues.map((i) => [i.kind, i.segmentPosition])).toEqual([
      ['segment-id-unrecognized', 5],
      ['segment-id-unrecognized', 6],
      ['segment-id-unrecognized', 7],
      ['segment-unexpected', 8],
    ]);
    expect(set.issues.map((i) => i.kind)).toEqual(['set-segment-errors']);
  });

  it('reports an overlong body segment at the same place', () => {
    const long = `N9*ZZ*${'X'.repeat(300)}~`;
    const input = `${ISA}GS*PO*SENDER*RECEIVER*20240131*1230*1*X*004010~ST*850*0001~${long}SE*3*0001~GE*1*1~IEA*1*000000001~`;
    const result = expectSamePaths(text(input), { maxSegmentBytes: 200 });
    const set = result.interchanges[0]!.groups[0]!.sets[0]!;
    expect(set.segmentIssues.map((i) => [i.kind, i.segmentPosition])).toEqual([['segment-too-long', 2]]);
  });
});
