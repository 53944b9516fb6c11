import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdiError } from '../core/edi-error.js';
import { buildX12Acknowledgment } from './ack-builder.js';
import { X12_CODE_TABLES } from './code-tables.js';
import { encodeX12 } from './encoding.js';
import { mutate, mutation, x12File } from './fixtures/generators.js';
import { readX12 } from './reader.js';
import type { X12Issue, X12ValidationResult } from './result.js';

/**
 * Mutation fuzzing (issue 5): at least 10,000 damaged interchanges per run. A crash is any exception
 * other than `EdiError`; every input must end in acceptance, or in findings that explain a rejection;
 * work stays within a fixed budget per byte (loop iterations, not wall-clock time).
 */
const RUNS = 10_000;
/** Every byte is visited a bounded number of times by the tokenizer, plus constant work per finding. */
const WORK_PER_BYTE = 4;
const WORK_CONSTANT = 64;

const TABLE_BY_LIST = {
  TA105: 'ta105',
  AK905: 'ak905',
  AK502: 'ak502',
  AK304: 'ak304',
  AK403: 'ak403',
} as const;

function checkCodes(issue: X12Issue, version: '004010' | '005010'): void {
  const table = X12_CODE_TABLES[version][TABLE_BY_LIST[issue.codeList as keyof typeof TABLE_BY_LIST]];
  expect(table, `code list ${issue.codeList}`).toBeDefined();
  if (issue.code !== undefined)
    expect(table.codes.has(issue.code), `${issue.codeList} ${issue.code}`).toBe(true);
  // Only the 004010 lists lack codes for some conditions.
  else expect(version).toBe('004010');
  expect(issue.offset).toBeGreaterThanOrEqual(0);
  expect(issue.segmentIndex).toBeGreaterThanOrEqual(0);
}

function checkOutcome(result: X12ValidationResult, bytes: number): void {
  expect(result.work).toBeLessThanOrEqual(WORK_PER_BYTE * bytes + WORK_CONSTANT);
  // Past `maxIssues` findings are counted, not kept: statuses can no longer be matched to them.
  const complete = result.suppressedIssues === 0;
  for (const issue of result.streamIssues) checkCodes(issue, '005010');
  for (const ic of result.interchanges) {
    for (const issue of ic.issues) checkCodes(issue, ic.codeVersion);
    if (complete && ic.status !== 'accepted')
      expect(ic.issues.some((i) => i.severity === 'error')).toBe(true);
    for (const group of ic.groups) {
      for (const issue of group.issues) checkCodes(issue, group.codeVersion);
      for (const set of group.sets) {
        for (const issue of [...set.issues, ...set.segmentIssues]) checkCodes(issue, group.codeVersion);
        if (complete && set.status === 'rejected') expect(set.issues.length).toBeGreaterThan(0);
      }
      if (complete && group.status === 'rejected') {
        expect(
          group.issues.length + group.sets.filter((s) => s.status === 'rejected').length,
        ).toBeGreaterThan(0);
      }
    }
  }
  if (result.interchanges.length === 0 && bytes > 0) {
    // Nothing readable: whitespace only, or findings say why.
    expect(result.issues.length > 0 || result.segments === 0).toBe(true);
  }
}

const STRUCTURAL: ReadonlySet<string> = new Set([
  'junk-outside-interchange',
  'segment-outside-interchange',
  'isa-unreadable',
  'isa-delimiters-unusable',
  'iea-control-mismatch',
  'iea-group-count',
  'iea-missing',
  'interchange-structure',
  'interchange-content',
  'ge-missing',
  'ge-control-mismatch',
  'ge-set-count',
  'se-missing',
  'se-control-mismatch',
  'se-segment-count',
  'segment-id-unrecognized',
  'unterminated-segment',
]);

function acknowledge(result: X12ValidationResult): void {
  let n = 0;
  for (const ic of result.interchanges) {
    for (const type of ['997', '999'] as const) {
      try {
        const ack = buildX12Acknowledgment(ic, { type, nextControlNumber: () => ++n, now: new Date(0) });
        if (ack.kind === 'ack') {
          // The acknowledgment must be well-formed: counts, control numbers and nesting all right
          // (echoed inbound values such as a blank sender id may still be flagged). Its bytes are those
          // of the interchange's encoding, as the intake sends them: an ISA16 "ÿ" is one Latin-1 byte.
          const reread = readX12(encodeX12(ack.text, ic.encoding));
          expect(reread.interchanges).toHaveLength(1);
          expect(reread.issues.filter((i) => STRUCTURAL.has(i.kind))).toEqual([]);
        }
      } catch (error) {
        // Only a typed error is allowed, and only for caller-side conflicts.
        if (!(error instanceof EdiError)) throw error;
      }
    }
  }
}

describe('mutation fuzzing', () => {
  it(`survives ${RUNS} damaged interchanges: no crash, codes from the right tables, bounded work`, () => {
    let bytes = 0;
    const started = performance.now();
    fc.assert(
      fc.property(x12File, fc.array(mutation, { minLength: 1, maxLength: 5 }), (file, mutations) => {
        const input = mutate(file, mutations);
        bytes += input.length;
        const result = readX12(input);
        checkOutcome(result, input.length);
        acknowledge(result);
      }),
      { numRuns: RUNS, seed: 5_0510, endOnFailure: true },
    );
    expect(bytes).toBeGreaterThan(RUNS * 100);
    console.info(`fuzz: ${RUNS} inputs, ${bytes} bytes in ${Math.round(performance.now() - started)} ms`);
  }, 60_000);

  it('survives random bytes and stays within the work budget', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        const result = readX12(input);
        checkOutcome(result, input.length);
        acknowledge(result);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps work linear on adversarial shapes (no terminator, many separators, ISA storms)', () => {
    const shapes = [
      'ISA*'.repeat(50_000),
      'I'.repeat(200_000),
      '*'.repeat(200_000),
      'ISA*00*' + '*'.repeat(200_000),
      '\n'.repeat(200_000),
      'ISA~00~          ~00~          ~ZZ~SUPPLIER       ~ZZ~BUYER          ~240131~1230~^~00501~000000101~0~P~:*' +
        'ST~850~1*'.repeat(30_000),
    ];
    for (const shape of shapes) {
      const input = Buffer.from(shape, 'latin1');
      const result = readX12(input);
      checkOutcome(result, input.length);
    }
  });
});
