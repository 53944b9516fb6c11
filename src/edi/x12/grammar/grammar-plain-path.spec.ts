import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { X12SetContentFactory } from '../envelope-validator.js';
import { X12Reader } from '../reader.js';
import type { X12SegmentView } from '../segment.js';
import { x12GrammarValidator } from './content-validator.js';

/**
 * The tokenizer notes per segment whether any byte is a control character, DEL, or the component or
 * repetition separator (`view.plain`); the element checks then skip the character scan of every
 * value. These properties damage realistic sets with exactly such bytes (and line breaks, UTF-8,
 * numbers, codes) and require the same findings from three paths: the plain path as the tokenizer
 * chose it, the byte scan (`plain` off) and the string path (`utf8` on, every value decoded and
 * checked by `checkValue`). Each file is read whole and in small chunks (the scratch-buffer path).
 */
const ISA = {
  '004010':
    'ISA*00*          *00*          *ZZ*BUYER          *ZZ*SUPPLIER       *240131*1230*U*00401*000000101*0*P*>~',
  '005010':
    'ISA*00*          *00*          *ZZ*BUYER          *ZZ*SUPPLIER       *240131*1230*^*00501*000000101*0*P*>~',
} as const;

const BODIES = {
  '850': [
    'BEG*00*SA*PO-1**20240131',
    'REF*DP*303',
    'DTM*002*20240210',
    'N1*ST*SHIP TO*92*548268',
    'N3*5843 MAIN RD',
    'N4*TOLEDO*OH*43601',
    'PO1*1*366*EA*44.26**BP*NWNN9HWDVY5W*VP*8NCF62F',
    'PID*F****WIDGET, BLUE',
    'PO4*7*22*EA',
    'PO1*2*-5*EA*.5**BP*C86*VP*V1',
    'CTT*2',
  ],
  '856': [
    'BSN*00*SH-1*20240214*1530',
    'HL*1**S*1',
    'TD1*CTN*74****G*430*LB',
    'REF*BM*2226230599',
    'DTM*011*20240131',
    'N1*ST*D2N4132A6W*92*487241',
    'HL*2*1*O*1',
    'PRF*PO03465271',
    'HL*3*2*P*1',
    'MAN*GM*467611342202872001',
    'HL*4*3*I*0',
    'LIN*1*UP*887899850495*VP*ATO167',
    'SN1**4*EA',
    'CTT*4',
  ],
} as const;

/** Bytes that matter to the element checks, and some that do not. */
const PALETTE = ['\u0001', '\u001f', '\u007f', '>', '^', '\r\n', '\n', 'é', '-', '.', '0', 'E', ' ', 'A'];

function file(version: '004010' | '005010', setId: '850' | '856', body: readonly string[]): string {
  const fid = setId === '856' ? 'SH' : 'PO';
  return [
    ISA[version],
    `GS*${fid}*BUYER*SUPPLIER*20240131*1230*7*X*${version}~`,
    `ST*${setId}*0001~`,
    ...body.map((s) => `${s}~`),
    `SE*${body.length + 2}*0001~`,
    'GE*1*7~',
    'IEA*1*000000101~',
  ].join('');
}

const damaged = fc
  .record({
    version: fc.constantFrom('004010' as const, '005010' as const),
    setId: fc.constantFrom('850' as const, '856' as const),
    edits: fc.array(
      fc.record({ segment: fc.nat(), at: fc.nat(), insert: fc.constantFrom(...PALETTE), cut: fc.nat(2) }),
      { maxLength: 4 },
    ),
  })
  .map(({ version, setId, edits }) => {
    const body: string[] = [...BODIES[setId]];
    for (const { segment, at, insert, cut } of edits) {
      const k = segment % body.length;
      const s = body[k]!;
      // After the id: the damage lands in values (or separators), never in the segment id.
      const p = 3 + (at % Math.max(1, s.length - 2));
      body[k] = s.slice(0, p) + insert + s.slice(p + cut);
    }
    return Buffer.from(file(version, setId, body), 'utf8');
  });

type Path = 'as-tokenized' | 'byte-scan' | 'string';

/** Whether a segment has a byte the element checks must look at, outside its element separators. */
function hasSpecialByte(view: X12SegmentView): boolean {
  const bytes = view.source.bytes;
  const comp = view.delimiters.component.charCodeAt(0);
  const rep = view.delimiters.repetition?.charCodeAt(0) ?? -1;
  const separators = new Set(Array.from(view.seps.subarray(0, view.sepCount)));
  for (let i = view.start; i < view.end; i++) {
    if (separators.has(i)) continue;
    const b = bytes[i]!;
    if (b < 0x20 || b === 0x7f || b === comp || b === rep) return true;
  }
  return false;
}

function read(bytes: Uint8Array, chunk: number, path: Path): { findings: string; plainMismatches: number } {
  const grammar = x12GrammarValidator();
  let plainMismatches = 0;
  const setContent: X12SetContentFactory = (set, group, report) => {
    const check = grammar(set, group, report);
    if (check === undefined) return undefined;
    return {
      segment(view, position) {
        if (view.plain === hasSpecialByte(view)) plainMismatches++;
        if (path === 'byte-scan') view.plain = false;
        // Every byte here is below 0x80 or part of UTF-8 text: decoding as UTF-8 gives the same values.
        if (path === 'string') view.utf8 = true;
        check.segment(view, position);
      },
      end: (trailer) => check.end(trailer),
    };
  };
  const reader = new X12Reader({}, { setContent });
  if (chunk <= 0) reader.write(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) reader.write(bytes.subarray(i, i + chunk));
  const result = reader.end();
  const findings = result.interchanges.flatMap((ic) =>
    ic.groups.flatMap((g) => g.sets.flatMap((s) => [...s.issues, ...s.segmentIssues])),
  );
  return { findings: JSON.stringify(findings), plainMismatches };
}

describe('element checks on plain segments', () => {
  it('find the same as the byte scan and the string path, whole and in chunks', () => {
    fc.assert(
      fc.property(damaged, (bytes) => {
        const want = read(bytes, 0, 'string');
        for (const chunk of [0, 1, 7, 64]) {
          const fast = read(bytes, chunk, 'as-tokenized');
          expect(fast.plainMismatches).toBe(0);
          expect(fast.findings).toBe(want.findings);
          expect(read(bytes, chunk, 'byte-scan').findings).toBe(want.findings);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('still reports a separator or control character inside a value of a plain-looking set', () => {
    const findings = (body: string[], version: '004010' | '005010' = '005010'): string[] => {
      const json = JSON.parse(
        read(Buffer.from(file(version, '850', body), 'utf8'), 0, 'as-tokenized').findings,
      );
      return (json as { kind: string; segmentId?: string; elementPosition?: number }[]).map(
        (i) =>
          `${i.kind} ${i.segmentId ?? ''}${i.elementPosition === undefined ? '' : `.${i.elementPosition}`}`,
      );
    };
    const po: string[] = [...BODIES['850']];
    expect(findings(po)).toEqual([]);
    // A repetition separator in a text element (005010) and a DEL in a coded one.
    po[7] = 'PID*F****WIDGET^BLUE';
    po[6] = 'PO1*1*366*E\u007f*44.26**BP*NWNN9HWDVY5W*VP*8NCF62F';
    expect(findings(po)).toEqual([
      'set-segment-errors ',
      'element-invalid-character PO1.3',
      'element-too-many-repetitions PID.5',
    ]);
  });
});
