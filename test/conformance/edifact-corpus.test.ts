import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildContrl,
  EdifactReader,
  parseEdifact,
  readEdifactNumber,
  type EdifactIssue,
  type EdifactMessageResult,
  type EdifactStatus,
  type EdifactValidationResult,
} from '../../src/edi/edifact/index.js';
import {
  EDIFACT_EXPECTATIONS,
  type EdifactFileExpectation,
  type InterchangeExpectation,
  type MessageExpectation,
  type Status,
} from './edifact-expectations.js';

/**
 * Conformance of the EDIFACT syntax engine against the shared public corpus (CORPUS_DIR, never copied
 * into the repository). Every EDIFACT file must have a reviewed row in edifact-expectations.ts, and the
 * engine's statuses and codes must equal it exactly: an extra or a missing code fails.
 */
const corpusDir = process.env.CORPUS_DIR ? resolve(process.env.CORPUS_DIR) : undefined;
if (!corpusDir) {
  console.warn(
    'edifact corpus conformance skipped: set CORPUS_DIR to the shared corpus (CI: ../shared/corpus)',
  );
}

const LETTER: Record<EdifactStatus, Status> = { accepted: 'A', 'partially-accepted': 'P', rejected: 'R' };
const errors = (issues: readonly EdifactIssue[]): EdifactIssue[] =>
  issues.filter((i) => i.severity === 'error');
const codes = (issues: readonly EdifactIssue[]): string[] =>
  errors(issues).map((i) => i.code ?? `none:${i.kind}`);

function message(m: EdifactMessageResult): MessageExpectation {
  const ucs = errors(m.segmentIssues).map((i) => `${i.code ?? '-'}@${i.segmentPosition ?? '?'}`);
  return {
    unh: [m.reference, m.type],
    status: m.status === 'accepted' ? 'A' : 'R',
    ucm: codes(m.issues),
    ...(ucs.length > 0 ? { ucs } : {}),
  };
}

/** The engine's result in the table's notation. */
function observe(
  result: EdifactValidationResult,
): Pick<EdifactFileExpectation, 'interchanges' | 'loose' | 'stream' | 'warnings'> {
  const interchanges = result.interchanges.map((ic): InterchangeExpectation => ({
    unb: ic.header.reference,
    status: LETTER[ic.status],
    uci: codes(ic.issues),
    ...(ic.groups.length > 0
      ? {
          groups: ic.groups.map((g) => ({
            ung: g.reference,
            status: LETTER[g.status],
            ucf: codes(g.issues),
            messages: g.messages.map(message),
          })),
        }
      : {}),
    messages: ic.messages.map(message),
  }));
  const stream = codes(result.streamIssues.filter((i) => i.kind !== 'interchange-header-missing'));
  const warnings = [
    ...new Set(result.issues.filter((i) => i.severity === 'warning').map((i) => `${i.code} ${i.kind}`)),
  ].sort();
  return {
    interchanges,
    ...(result.looseMessages.length > 0 ? { loose: result.looseMessages.map(message) } : {}),
    ...(stream.length > 0 ? { stream } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function summary(o: ReturnType<typeof observe>): string {
  const list = (c: readonly string[]): string => (c.length > 0 ? `[${c.join(',')}]` : '');
  const msgs = (ms: readonly MessageExpectation[]) =>
    ms.map((m) => `${m.unh[0]}:${m.status}${list(m.ucm)}`).join(' ');
  const parts = o.interchanges.map((ic) =>
    [
      `UNB ${ic.unb}:${ic.status}${list(ic.uci)}`,
      ...(ic.groups ?? []).map((g) => `UNG ${g.ung}:${g.status}${list(g.ucf)} ${msgs(g.messages)}`),
      msgs(ic.messages),
    ]
      .filter((p) => p !== '')
      .join(' | '),
  );
  if (o.stream) parts.push(`stream${list(o.stream)}`);
  if (o.warnings) parts.push(`warn${list(o.warnings)}`);
  return parts.join(' || ');
}

function edifactFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!/\.expected\./.test(name)) out.push(relative(root, path));
    }
  };
  for (const top of ['edifact', join('invalid', 'edifact')]) walk(join(root, top));
  return out;
}

/** Text of an expected output with JSON escapes and XML entities decoded, for substring checks. */
function expectedText(path: string): string {
  const raw = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) {
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(JSON.parse(raw));
    return strings.join('\n');
  }
  return raw
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

describe.skipIf(!corpusDir)('EDIFACT corpus conformance', () => {
  const root = corpusDir ?? '.';

  it('has a reviewed expectation for every EDIFACT file of the corpus, and no row without a file', () => {
    const rows = EDIFACT_EXPECTATIONS.map((e) => e.file);
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual(edifactFiles(root).sort());
    for (const row of EDIFACT_EXPECTATIONS) expect(row.quirks.length, row.file).toBeGreaterThan(0);
  });

  for (const expectation of EDIFACT_EXPECTATIONS) {
    it(expectation.file, () => {
      const bytes = readFileSync(join(root, expectation.file));
      const { segments, result } = parseEdifact(bytes);
      const observed = observe(result);
      console.log(`${expectation.file}  ${summary(observed)}`);
      for (const line of expectation.pending ?? []) console.log(`    pending (directory): ${line}`);

      expect(observed).toEqual({
        interchanges: expectation.interchanges,
        ...(expectation.loose ? { loose: expectation.loose } : {}),
        ...(expectation.stream ? { stream: expectation.stream } : {}),
        ...(expectation.warnings ? { warnings: [...expectation.warnings].sort() } : {}),
      });

      // Values the MANIFEST names, decoded; and, where an expected output exists, found in it too.
      const expected = expectation.expected ? expectedText(join(root, expectation.expected)) : undefined;
      for (const check of expectation.values ?? []) {
        const found = segments.some(
          (s) =>
            (check.tag === undefined || s.id === check.tag) &&
            s.elements.some((e) => e.some((rep) => rep.some((c) => c.includes(check.value)))),
        );
        expect(found, `value ${JSON.stringify(check.value)}`).toBe(true);
        if (check.inExpected)
          expect(expected, `${check.value} in ${expectation.expected}`).toContain(check.value);
      }
      if (expectation.sameSegmentsAs) {
        const other = parseEdifact(readFileSync(join(root, expectation.sameSegmentsAs))).segments;
        expect(segments.map((s) => [s.id, s.elements])).toEqual(other.map((s) => [s.id, s.elements]));
      }

      // Chunking must not matter: the same findings at the same positions with 7-byte writes.
      const reader = new EdifactReader();
      for (let at = 0; at < bytes.length; at += 7) reader.write(bytes.subarray(at, at + 7));
      const streamed = reader.end();
      expect(streamed.issues.map((i) => [i.kind, i.code, i.offset, i.segmentIndex])).toEqual(
        result.issues.map((i) => [i.kind, i.code, i.offset, i.segmentIndex]),
      );

      // The codes reach the CONTRL: UCI 4 with the first UCI code, or UCI 7 with a UCM 4 per rejected message.
      result.interchanges.forEach((ic, k) => {
        const want = expectation.interchanges[k]!;
        const contrl = buildContrl(ic, { nextReference: () => 1, now: new Date(0), policy: 'always' });
        if (contrl.kind !== 'contrl') {
          expect(contrl.kind, `${want.unb}: ${contrl.reason}`).toBe('none');
          expect(ic.contrlCount).toBeGreaterThan(0);
          return;
        }
        const uci = contrl.segments.find((s) => s[0] === 'UCI')!;
        if (want.uci.length > 0) {
          expect(uci.slice(4, 6)).toEqual(['4', want.uci[0]]);
          return;
        }
        expect(uci[4]).toBe('7');
        const rejectedMessages = [
          ...(want.groups ?? []).flatMap((g) => (g.ucf.length > 0 ? [] : g.messages)),
          ...want.messages,
        ]
          .filter((m) => m.status === 'R')
          .map((m) => ['UCM', m.unh[0], '4', ...m.ucm.slice(0, 1)]);
        expect(
          contrl.segments.filter((s) => s[0] === 'UCM').map((s) => s.slice(0, 1 + 1).concat(s.slice(3, 5))),
        ).toEqual(rejectedMessages);
      });
    });
  }

  it('reads the decimal comma of the UNA:+,? files as numbers', () => {
    expect(readEdifactNumber('19,9', { decimalMark: ',' })).toEqual({ ok: true, value: '19.9', digits: 3 });
  });
});
