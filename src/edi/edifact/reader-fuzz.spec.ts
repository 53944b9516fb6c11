import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdiError } from '../core/edi-error.js';
import { hasCode } from '../core/code-table.js';
import { EDIFACT_0085 } from './codes.js';
import { buildContrl } from './contrl-builder.js';
import { edifactFile, mutate, mutation } from './fixtures/generators.js';
import { EdifactReader, readEdifact } from './reader.js';
import { messagesOf, type EdifactIssue, type EdifactValidationResult } from './result.js';

/**
 * Mutation fuzzing of the whole EDIFACT engine (tokenizer, envelopes, CONTRL): at least 10,000 damaged
 * interchanges per run. A crash is any exception other than `EdiError` (an escaping TypeError or
 * RangeError counts); every rejection is explained by findings with 0085 codes; work stays within a
 * fixed budget per byte (loop iterations, not wall-clock time).
 */
const RUNS = 10_000;
const WORK_PER_BYTE = 4;
const WORK_CONSTANT = 64;

const isError = (i: EdifactIssue): boolean => i.severity === 'error';

function checkIssue(issue: EdifactIssue, bytes: number): void {
  expect(issue.codeList).toBe('0085');
  expect(issue.code !== undefined && hasCode(EDIFACT_0085, issue.code), `${issue.kind} ${issue.code}`).toBe(
    true,
  );
  expect(issue.offset).toBeGreaterThanOrEqual(0);
  expect(issue.offset).toBeLessThanOrEqual(bytes);
  expect(issue.segmentIndex).toBeGreaterThanOrEqual(0);
}

function checkOutcome(result: EdifactValidationResult, bytes: number): void {
  expect(result.work).toBeLessThanOrEqual(WORK_PER_BYTE * bytes + WORK_CONSTANT);
  for (const issue of result.issues) checkIssue(issue, bytes);
  if (result.suppressedIssues > 0) return;
  for (const ic of result.interchanges) {
    const messages = messagesOf(ic);
    for (const m of messages) {
      if (m.status === 'rejected') {
        const explained =
          [...m.issues, ...m.segmentIssues].some(isError) ||
          ic.issues.some(isError) ||
          ic.groups.some((g) => g.messages.includes(m) && g.issues.some(isError));
        expect(explained, `message ${m.reference} rejected without a finding`).toBe(true);
      }
    }
    if (ic.status === 'rejected') {
      const explained =
        ic.issues.some(isError) || (messages.length > 0 && messages.every((m) => m.status === 'rejected'));
      expect(explained, `interchange ${ic.header.reference} rejected without a finding`).toBe(true);
    }
    if (ic.status === 'accepted') expect(ic.issues.filter(isError)).toEqual([]);
  }
}

/** Envelope findings that would make our own CONTRL wrong (echoed values may still be flagged). */
const STRUCTURAL: ReadonlySet<string> = new Set([
  'trailer-missing',
  'reference-mismatch',
  'count-mismatch',
  'lower-level-empty',
  'segment-outside-message',
  'segment-outside-interchange',
  'groups-and-messages-mixed',
  'duplicate-reference',
  'unterminated-segment',
]);

function acknowledge(result: EdifactValidationResult): void {
  let n = 0;
  for (const ic of result.interchanges) {
    try {
      const contrl = buildContrl(ic, { nextReference: () => ++n, now: new Date(0), policy: 'always' });
      if (contrl.kind === 'contrl') {
        const reread = readEdifact(Buffer.from(contrl.text, 'utf8'));
        expect(reread.interchanges).toHaveLength(1);
        expect(reread.interchanges[0]!.contrlCount).toBe(1);
        expect(reread.issues.filter((i) => STRUCTURAL.has(i.kind)).map((i) => i.message)).toEqual([]);
      }
    } catch (error) {
      // Only a typed error is allowed, and only for caller-side conflicts.
      if (!(error instanceof EdiError)) throw error;
    }
  }
}

describe('EDIFACT mutation fuzzing', () => {
  it(`survives ${RUNS} damaged interchanges: no crash, 0085 codes, explained rejections, bounded work`, () => {
    let bytes = 0;
    const started = performance.now();
    fc.assert(
      fc.property(
        edifactFile,
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 97 }),
        (file, mutations, chunk) => {
          const input = mutate(file, mutations);
          bytes += input.length;
          const result = readEdifact(input);
          checkOutcome(result, input.length);
          acknowledge(result);
          // Chunking changes nothing, even for damaged input.
          if (chunk < 8) {
            const chunks = [];
            for (let i = 0; i < input.length; i += chunk) chunks.push(input.subarray(i, i + chunk));
            const reader = new EdifactReader();
            for (const c of chunks) reader.write(c);
            const pieces = reader.end();
            expect(pieces.issues.map((i) => [i.kind, i.offset])).toEqual(
              result.issues.map((i) => [i.kind, i.offset]),
            );
          }
        },
      ),
      { numRuns: RUNS, seed: 9_735, endOnFailure: true },
    );
    expect(bytes).toBeGreaterThan(RUNS * 100);
    console.info(
      `edifact fuzz: ${RUNS} inputs, ${bytes} bytes in ${Math.round(performance.now() - started)} ms`,
    );
  }, 120_000);

  it('survives random bytes and stays within the work budget', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        const result = readEdifact(input);
        checkOutcome(result, input.length);
        acknowledge(result);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps work linear on adversarial shapes (no terminator, separator storms, header storms)', () => {
    const shapes = [
      'UNB+' + ':'.repeat(200_000),
      "UNB+UNOC:3+S+R+240131:1200+R'" + "UNH+1+X:D:96A:UN'".repeat(20_000),
      "UNB+UNOC:3+S+R+240131:1200+R'" + "UNG+A+S+R+240131:1200+G+UN+D:96A'".repeat(20_000),
      "UNA:+.? '".repeat(20_000),
      '?'.repeat(200_000),
      '+'.repeat(200_000),
      "'".repeat(200_000),
      '\n'.repeat(200_000),
      "UNB+UNOA:3+S+R+240131:1200+R'" + "FTX+abc'".repeat(25_000),
    ];
    for (const shape of shapes) {
      const input = Buffer.from(shape, 'latin1');
      const result = readEdifact(input);
      checkOutcome(result, input.length);
    }
  });
});
