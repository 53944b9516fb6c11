import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildX12Acknowledgment,
  isSupportedX12Set,
  readX12,
  X12Reader,
  type X12InterchangeResult,
  type X12Issue,
  type X12Status,
  type X12ValidationResult,
  x12GrammarValidator,
} from '../../src/edi/x12/index.js';
import {
  X12_EXPECTATIONS,
  type GroupStatus,
  type InterchangeExpectation,
  type X12FileExpectation,
} from './x12-expectations.js';

/**
 * Conformance of the X12 syntax engine against the shared public corpus (CORPUS_DIR, never copied into
 * the repository). Every X12 file must have a reviewed row in x12-expectations.ts, and the engine's
 * statuses and codes must equal it exactly: an extra or a missing code fails.
 */
const corpusDir = process.env.CORPUS_DIR ? resolve(process.env.CORPUS_DIR) : undefined;
if (!corpusDir) {
  console.warn('x12 corpus conformance skipped: set CORPUS_DIR to the shared corpus (CI: ../shared/corpus)');
}

/** Envelopes plus the transaction-set grammars (src/edi/x12/grammar). */
const READ_OPTIONS = { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator() };

const LETTER: Record<X12Status, GroupStatus> = {
  accepted: 'A',
  'accepted-with-errors': 'E',
  'partially-accepted': 'P',
  rejected: 'R',
};

const codeOf = (i: X12Issue): string => i.code ?? `none:${i.kind}`;
const errors = (issues: readonly X12Issue[]): X12Issue[] => issues.filter((i) => i.severity === 'error');

function segmentNote(i: X12Issue): string {
  const at = `${i.segmentId ?? '?'}@${i.segmentPosition ?? '?'}`;
  return `${i.codeList} ${codeOf(i)} ${i.elementPosition === undefined ? at : `${at}.${i.elementPosition}`}`;
}

/** The engine's result in the table's notation. */
function observe(result: X12ValidationResult): Pick<X12FileExpectation, 'interchanges' | 'stream'> {
  const interchanges = result.interchanges.map((ic): InterchangeExpectation => {
    const warnings = result.issues
      .filter(
        (i) =>
          i.severity === 'warning' &&
          (i.level === 'interchange' || i.level === 'group') &&
          i.controlNumbers.interchange === ic.controlNumber,
      )
      .map((i) => `${i.codeList} ${codeOf(i)}`);
    return {
      isa13: ic.controlNumber,
      status: LETTER[ic.status] as InterchangeExpectation['status'],
      ta105: errors(ic.issues).map(codeOf),
      ...(warnings.length > 0 ? { warnings } : {}),
      groups: ic.groups.map((g) => ({
        gs06: g.controlNumber,
        status: LETTER[g.status],
        ak905: errors(g.issues).map(codeOf),
        sets: g.sets.map((s) => {
          const segments = errors(s.segmentIssues).map(segmentNote);
          const notes = s.segmentIssues.filter((i) => i.severity === 'warning').map(segmentNote);
          return {
            st: [s.id, s.controlNumber] as const,
            status: LETTER[s.status] as 'A' | 'E' | 'R',
            ak502: errors(s.issues).map(codeOf),
            ...(segments.length > 0 ? { segments } : {}),
            ...(notes.length > 0 ? { warnings: notes } : {}),
          };
        }),
      })),
    };
  });
  const stream = errors(result.streamIssues).map(codeOf);
  return { interchanges, ...(stream.length > 0 ? { stream } : {}) };
}

/** One line per file: outcome and codes, e.g. `R TA105[017] | GS 1:R | ST 810/0063:R[1]`. */
function summary(observed: Pick<X12FileExpectation, 'interchanges' | 'stream'>): string {
  const list = (codes: readonly string[]): string => (codes.length > 0 ? `[${codes.join(',')}]` : '');
  const parts = observed.interchanges.map((ic) => {
    const groups = ic.groups.map((g) => {
      const sets = g.sets.map((s) => `${s.st.join('/')}:${s.status}${list(s.ak502)}`).join(' ');
      return `GS ${g.gs06}:${g.status}${list(g.ak905)} ${sets}`.trimEnd();
    });
    const warn = ic.warnings?.length ? ` warn${list(ic.warnings)}` : '';
    return [`ISA ${ic.isa13}:${ic.status}${list(ic.ta105)}${warn}`, ...groups].join(' | ');
  });
  if (observed.stream?.length) parts.push(`stream${list(observed.stream)}`);
  return parts.join(' || ');
}

function x12Files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!/\.expected\./.test(name)) out.push(relative(root, path));
    }
  };
  for (const top of ['x12', join('invalid', 'x12')]) walk(join(root, top));
  return out;
}

/** The AK5 / AK9 rows the 997 for this interchange must carry, from the table. */
function expectedAckRows(ic: InterchangeExpectation, raw: X12InterchangeResult): string[][] {
  const rows: string[][] = [];
  ic.groups.forEach((g, k) => {
    const group = raw.groups[k]!;
    // Acknowledgments are never acknowledged: a GS01 FA group of 997/999 sets gets no answer.
    if (group.functionalId === 'FA' && group.sets.every((s) => s.id === '997' || s.id === '999')) return;
    for (const s of g.sets) {
      const codes = [...new Set(s.ak502.filter((c) => !c.startsWith('none:')))].slice(0, 5);
      // A rejected group's sets are not processed: each is answered R (with its own notes, if any).
      rows.push(['AK5', g.status === 'R' ? 'R' : s.status, ...codes]);
    }
    rows.push(['AK9', g.status]);
  });
  return rows;
}

describe.skipIf(!corpusDir)('X12 corpus conformance', () => {
  const root = corpusDir ?? '.';

  it('has a reviewed expectation for every X12 file of the corpus, and no row without a file', () => {
    const files = x12Files(root);
    const rows = X12_EXPECTATIONS.map((e) => e.file);
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual([...files].sort());
    for (const row of X12_EXPECTATIONS) expect(row.quirks.length, row.file).toBeGreaterThan(0);
  });

  for (const expectation of X12_EXPECTATIONS) {
    it(expectation.file, () => {
      const bytes = readFileSync(join(root, expectation.file));
      const result = readX12(bytes, {}, READ_OPTIONS);
      const observed = observe(result);
      console.log(`${expectation.file}  ${summary(observed)}`);
      for (const line of expectation.pending ?? []) console.log(`    pending (grammar): ${line}`);

      expect(observed).toEqual({
        interchanges: expectation.interchanges,
        ...(expectation.stream ? { stream: expectation.stream } : {}),
      });

      // Chunking must not matter: the same findings at the same positions with 7-byte writes.
      const reader = new X12Reader({}, READ_OPTIONS);
      for (let at = 0; at < bytes.length; at += 7) reader.write(bytes.subarray(at, at + 7));
      const streamed = reader.end();
      expect(streamed.issues.map((i) => [i.kind, i.code, i.offset, i.segmentIndex])).toEqual(
        result.issues.map((i) => [i.kind, i.code, i.offset, i.segmentIndex]),
      );

      // The codes reach the acknowledgment: TA1 for rejected interchanges, AK5/AK9 rows otherwise.
      result.interchanges.forEach((ic, k) => {
        const ack = buildX12Acknowledgment(ic, { nextControlNumber: () => 1, now: new Date(0) });
        const want = expectation.interchanges[k]!;
        if (want.status === 'R') {
          expect(ack.kind).toBe('ack');
          if (ack.kind === 'ack') expect(ack.ta1?.noteCode).toBe(want.ta105.find((c) => c !== '021'));
          return;
        }
        const rows = expectedAckRows(want, ic);
        if (ack.kind !== 'ack') {
          expect(rows).toEqual([]);
          return;
        }
        const got = ack.segments
          .filter((s) => s[0] === 'AK5' || s[0] === 'AK9')
          .map((s) => (s[0] === 'AK9' ? s.slice(0, 2) : [...s]));
        expect(got).toEqual(rows);
      });
    });
  }
});
