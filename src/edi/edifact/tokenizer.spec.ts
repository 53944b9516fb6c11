import { describe, expect, it } from 'vitest';
import { EdiError } from '../core/edi-error.js';
import { DEFAULT_EDIFACT_DELIMITERS, parseServiceStringAdvice } from './delimiters.js';
import type { EdifactSegment } from './segment.js';
import { EdifactTokenizer, tokenizeEdifact, type EdifactTokenIssue } from './tokenizer.js';

function tokenize(input: string | Uint8Array, chunk = 0, maxSegmentBytes?: number) {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const segments: EdifactSegment[] = [];
  const issues: EdifactTokenIssue[] = [];
  const t = new EdifactTokenizer(
    { segment: (v) => segments.push(v.toSegment()), issue: (i) => issues.push(i) },
    maxSegmentBytes === undefined ? {} : { maxSegmentBytes },
  );
  if (chunk <= 0) t.write(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) t.write(bytes.subarray(i, i + chunk));
  t.end();
  return { segments, issues, stats: t.stats };
}

const ids = (segments: readonly EdifactSegment[]): string => segments.map((s) => s.id).join(' ');
const flat = (s: EdifactSegment | undefined): (readonly string[])[] => s!.elements.map((e) => e[0]!);

const BODY = "UNH+1+ORDERS:D:96A:UN'BGM+220+PO?+1?:2??3?'4+9'NAD+BY+4012345000009::9++ACME?'S LTD'UNT+4+1'";
const UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:14+240131:1200+REF1'";
const ORDERS = "UNA:+.? '" + UNB + BODY + "UNZ+1+REF1'";

describe('EdifactTokenizer', () => {
  it('reads a UNA, then segments, elements and components with released characters unescaped', () => {
    const { segments, issues } = tokenize(ORDERS);
    expect(issues).toEqual([]);
    expect(ids(segments)).toBe('UNA UNB UNH BGM NAD UNT UNZ');
    expect(segments[0]!.elements).toEqual([[['UNA']], [[":+.? '"]]]);
    expect(flat(segments[1])).toEqual([
      ['UNB'],
      ['UNOC', '3'],
      ['SENDER', '14'],
      ['RECEIVER', '14'],
      ['240131', '1200'],
      ['REF1'],
    ]);
    expect(flat(segments[3])).toEqual([['BGM'], ['220'], ["PO+1:2?3'4"], ['9']]);
    expect(flat(segments[4])).toEqual([['NAD'], ['BY'], ['4012345000009', '', '9'], [''], ["ACME'S LTD"]]);
    expect(segments.map((s) => s.segmentIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(segments[1]!.offset).toBe(9);
    expect(segments[2]!.offset).toBe(9 + UNB.length);
  });

  it("uses the defaults :+.? ' without a UNA and gives the same values", () => {
    const withUna = tokenize(ORDERS).segments.slice(1);
    const without = tokenize(UNB + BODY + "UNZ+1+REF1'").segments;
    expect(without.map((s) => s.elements)).toEqual(withUna.map((s) => s.elements));
    expect(without[0]!.offset).toBe(0);
  });

  it('exposes values, components and repetitions on demand from the view', () => {
    const seen: unknown[] = [];
    const t = new EdifactTokenizer({
      segment: (v) => {
        if (v.id !== 'COM') return;
        seen.push(
          v.elementCount,
          v.value(1),
          v.value(1, 2),
          v.value(1, 1, 2),
          v.value(1, 2, 2),
          v.value(1, 3),
          v.value(9),
          v.repetitionCount(1),
          v.components(1, 2),
          v.repetitions(1),
          v.delimiters.repetition,
          v.rawLength,
        );
      },
      issue: () => undefined,
    });
    t.write(Buffer.from("UNA:+.?*'UNB+UNOC:4+S+R+240131:1200+R1'COM+a?*b:TE*c:EM'UNZ+0+R1'"));
    t.end();
    expect(seen).toEqual([
      1,
      'a*b',
      'TE',
      'c',
      'EM',
      '',
      '',
      2,
      ['c', 'EM'],
      [
        ['a*b', 'TE'],
        ['c', 'EM'],
      ],
      '*',
      16,
    ]);
  });

  it('splits repetitions with a syntax-4 UNA and keeps "*" as data when UNA5 is a space', () => {
    const v4 = tokenize("UNA:+.?*'UNB+UNOC:4+S+R+240131:1200+R1'COM+1:TE*2:FX+x?*y'UNZ+0+R1'");
    expect(v4.segments[2]!.elements).toEqual([
      [['COM']],
      [
        ['1', 'TE'],
        ['2', 'FX'],
      ],
      [['x*y']],
    ]);
    const v3 = tokenize("UNA:+.? 'UNB+UNOC:3+S+R+240131:1200+R1'COM+1:TE*2:FX'UNZ+0+R1'");
    expect(v3.segments[2]!.elements).toEqual([[['COM']], [['1', 'TE*2', 'FX']]]);
    expect(v3.issues).toEqual([]);
  });

  it('switches on "*" as repetition separator for a syntax-4 UNB without UNA, not for syntax 3', () => {
    const v4 = tokenize("UNB+UNOA:4+S+R+240131:1200+R1'COM+1:TE*2:FX'UNZ+0+R1'");
    expect(v4.segments[1]!.elements[1]).toEqual([
      ['1', 'TE'],
      ['2', 'FX'],
    ]);
    const v3 = tokenize("UNB+UNOA:3+S+R+240131:1200+R1'COM+1:TE*2:FX'UNZ+0+R1'");
    expect(v3.segments[1]!.elements[1]).toEqual([['1', 'TE*2', 'FX']]);
  });

  it('reads custom UNA delimiters', () => {
    const text = "UNA=*,! ~UNB*UNOB=3*S*R*240131=1200*R1~QTY*47=1!~0!*3,5*x?y+z:w'~UNZ*0*R1~";
    const { segments, issues } = tokenize(text);
    expect(issues).toEqual([]);
    expect(ids(segments)).toBe('UNA UNB QTY UNZ');
    expect(segments[2]!.elements).toEqual([[['QTY']], [['47', '1~0*3,5']], [["x?y+z:w'"]]]);
  });

  it.each([
    ['component', '?:', ':'],
    ['element', '?+', '+'],
    ['segment terminator', "?'", "'"],
    ['release character itself', '??', '?'],
    ['repetition separator', '?*', '*'],
  ])('releases the %s', (_name, raw, value) => {
    const { segments, issues } = tokenize(`UNA:+.?*'FTX+${raw}+end'`);
    expect(issues).toEqual([]);
    expect(segments[1]!.elements).toEqual([[['FTX']], [[value]], [['end']]]);
  });

  it('reports a release character before a character that is no service character (0085 22)', () => {
    // ISO 9735: the release character restores a following service character to its normal meaning;
    // before anything else (here "4", and "." the decimal mark) it releases nothing, and whether "?" was data left unreleased or one released
    // too many cannot be told. The value is read as before (the release character dropped); the segment
    // has an error, so its message is rejected and never translated.
    const text = "UNA:+.?*'FTX+006?415160+A?.B'FTX+OK?+'QTY+1?:?'?*??'";
    for (const chunk of [0, 1, 3]) {
      const { segments, issues } = tokenize(text, chunk);
      expect(segments[1]!.elements).toEqual([[['FTX']], [['006415160']], [['A.B']]]);
      expect(issues.map((i) => [i.kind, i.code, i.severity, i.segmentIndex, i.offset, i.badValue])).toEqual([
        ['release-before-data', '22', 'error', 1, 9, '?4'],
      ]);
    }
    // Nor is "*" without a repetition separator (syntax 3); a released CR or LF stays tolerated text.
    expect(tokenize("UNA:+.? 'FTX+A?*B'").issues.map((i) => i.badValue)).toEqual(['?*']);
    expect(tokenize("UNA:+.? 'FTX+A?\nB'").issues).toEqual([]);
  });

  it('gives identical output when a chunk ends right after a release character', () => {
    const text = "FTX+A?'B+C?:D+E??+F?+'";
    const whole = tokenize(text);
    expect(whole.segments[0]!.elements).toEqual([[['FTX']], [["A'B"]], [['C:D']], [['E?']], [['F+']]]);
    for (let p = 1; p < text.length; p++) {
      const segments: EdifactSegment[] = [];
      const t = new EdifactTokenizer({
        segment: (v) => segments.push(v.toSegment()),
        issue: () => undefined,
      });
      t.write(Buffer.from(text.slice(0, p)));
      t.write(Buffer.from(text.slice(p)));
      t.end();
      expect(segments, `split at ${p}`).toEqual(whole.segments);
    }
  });

  it('ignores CR/LF after terminators and counts them in offsets', () => {
    const text = "UNA:+.? '\r\nUNB+UNOC:3+S+R+240131:1200+R1'\r\nUNH+1+X'\nUNT+2+1'\r\n\r\nUNZ+1+R1'\r\n";
    const { segments, issues } = tokenize(text);
    expect(issues).toEqual([]);
    expect(ids(segments)).toBe('UNA UNB UNH UNT UNZ');
    expect(segments.map((s) => s.offset)).toEqual([0, 11, 43, 52, 64]);
    expect(segments[1]!.elements[0]).toEqual([['UNB']]);
  });

  it('tolerates a UTF-8 BOM, which still counts in offsets', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ORDERS)]);
    for (const chunk of [0, 1, 2]) {
      const { segments, issues } = tokenize(bytes, chunk);
      expect(issues).toEqual([]);
      expect(ids(segments)).toBe('UNA UNB UNH BGM NAD UNT UNZ');
      expect(segments[0]!.offset).toBe(3);
    }
    // Only part of a BOM is data.
    const partial = tokenize(Buffer.from([0xef, 0xbb, 0x41, 0x27]));
    expect(partial.segments).toHaveLength(1);
    expect(partial.segments[0]!.offset).toBe(0);
  });

  it('reads two interchanges, restoring the defaults after UNZ', () => {
    const first = 'UNA=*.? ~UNB*UNOC=3*S*R*240131=1200*A1~UNH*1*X~UNT*2*1~UNZ*1*A1~\n';
    const second = "UNB+UNOC:3+S+R+240131:1200+B2'UNH+1+X'FTX+a*b=c'UNT+3+1'UNZ+1+B2'";
    const { segments, issues } = tokenize(first + second);
    expect(issues).toEqual([]);
    expect(ids(segments)).toBe('UNA UNB UNH UNT UNZ UNB UNH FTX UNT UNZ');
    expect(segments[5]!.offset).toBe(first.length);
    expect(segments[7]!.elements).toEqual([[['FTX']], [['a*b=c']]]);
  });

  it('carries the interchange and message references on findings', () => {
    const { issues } = tokenize("UNB+UNOC:3+S+R+240131:1200+REF9'UNH+M1+X'FTX+abc");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      kind: 'unterminated-segment',
      level: 'segment',
      severity: 'error',
      codeList: '0085',
      code: '18',
      controlNumbers: { interchange: 'REF9', set: 'M1' },
      segmentIndex: 2,
    });
  });

  it('delivers an unterminated last segment and reports it', () => {
    const { segments, issues } = tokenize("UNH+1+X'FTX+abc:d\r\n");
    expect(ids(segments)).toBe('UNH FTX');
    // The trailing CR/LF is inside the unterminated segment: a line wrap, dropped from the value.
    expect(segments[1]!.elements).toEqual([[['FTX']], [['abc', 'd']]]);
    expect(issues.map((i) => [i.kind, i.offset, i.segmentIndex, i.length])).toEqual([
      ['unterminated-segment', 8, 1, 11],
    ]);
  });

  it('reports a release character at the very end of the data', () => {
    for (const chunk of [0, 1]) {
      const { segments, issues } = tokenize("FTX+a'FTX+b?", chunk);
      expect(issues.map((i) => [i.kind, i.offset])).toEqual([
        ['release-at-end', 11],
        ['unterminated-segment', 6],
      ]);
      expect(segments[1]!.elements).toEqual([[['FTX']], [['b']]]);
    }
  });

  it('reports an overlong segment, skips it and goes on', () => {
    const long = 'FTX+' + 'x'.repeat(100) + "'";
    for (const chunk of [0, 7]) {
      const { segments, issues } = tokenize("UNH+1+X'" + long + "UNT+3+1'", chunk, 64);
      expect(ids(segments)).toBe('UNH UNT');
      expect(segments[1]!.segmentIndex).toBe(2);
      expect(issues.map((i) => [i.kind, i.offset, i.segmentIndex, i.length])).toEqual([
        ['segment-too-long', 8, 1, 104],
      ]);
    }
    // Exactly at the limit is fine.
    expect(tokenize('FTX+' + 'x'.repeat(60) + "'", 0, 64).issues).toEqual([]);
  });

  it('rejects an unusable UNA with code 20 and falls back to the defaults', () => {
    const { segments, issues } = tokenize("UNA:+.?:'FTX+a:b'");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      kind: 'una-invalid',
      code: '20',
      level: 'interchange',
      badValue: ":+.?:'",
    });
    expect(segments[1]!.elements).toEqual([[['FTX']], [['a', 'b']]]);
    expect(parseServiceStringAdvice(Buffer.from("A+.? '"))).toMatchObject({ ok: false });
    expect(parseServiceStringAdvice(Buffer.from(":+.? '"))).toEqual({
      ok: true,
      delimiters: DEFAULT_EDIFACT_DELIMITERS,
    });
  });

  it('reports a UNA cut by the end of the data', () => {
    const { segments, issues } = tokenize('UNA:+.');
    expect(segments).toEqual([]);
    expect(issues.map((i) => [i.kind, i.code, i.length])).toEqual([['una-truncated', '13', 6]]);
  });

  it('skips empty segments and keeps trailing empty components', () => {
    const { segments, issues } = tokenize("''RFF+VA:382324067:''");
    expect(issues).toEqual([]);
    expect(segments).toHaveLength(1);
    expect(segments[0]!.elements).toEqual([[['RFF']], [['VA', '382324067', '']]]);
    expect(segments[0]!.segmentIndex).toBe(0);
  });

  it('decodes UTF-8 values and falls back to Latin-1 for other bytes', () => {
    expect(tokenize("NAD+München'").segments[0]!.elements[1]).toEqual([['München']]);
    const latin1 = tokenize(Buffer.from("NAD+M\xfcnchen'", 'latin1'));
    expect(latin1.segments[0]!.elements[1]).toEqual([['München']]);
  });

  it('throws EdiError only for caller mistakes', () => {
    const t = new EdifactTokenizer({ segment: () => undefined, issue: () => undefined });
    t.end();
    expect(() => t.write(Buffer.from('x'))).toThrow(EdiError);
    expect(
      () =>
        new EdifactTokenizer({ segment: () => undefined, issue: () => undefined }, { maxSegmentBytes: 0 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(tokenizeEdifact("FTX+a'").segments).toHaveLength(1);
  });

  it('drops CR/LF inside segments (hard-wrapped transmissions) but keeps released ones and offsets', () => {
    const wrapped =
      "UNB+UNOA:3+S+R+240131:1200+R1'UNH+1+ORDERS:D:96A:UN'DTM+137:200508\n19:102'U\r\nNT+3+1'UNZ+1+R1'";
    const { segments, issues } = tokenize(wrapped);
    expect(issues).toEqual([]);
    expect(ids(segments)).toBe('UNB UNH DTM UNT UNZ');
    expect(segments[2]!.elements[1]).toEqual([['137', '20050819', '102']]);
    expect(segments[3]!.offset).toBe(wrapped.indexOf('U\r\nNT'));
    // A released CR or LF is data; a CR/LF chosen as terminator in the UNA still terminates.
    expect(tokenize("FTX+a?\nb'").segments[0]!.elements[1]).toEqual([['a\nb']]);
    const lf = tokenize('UNA:+.? \nUNB+UNOC:3+S+R+240131:1200+R1\nFTX+a\nUNZ+1+R1\n');
    expect(ids(lf.segments)).toBe('UNA UNB FTX UNZ');
  });

  it('checks the UNOA and UNOB repertoires per segment: warnings, or errors when strict', () => {
    const text = "UNB+UNOA:3+S+R+240131:1200+R1'FTX+Abc'FTX+ABC'FTX+M\u00fcnchen'UNZ+1+R1'";
    const { issues } = tokenize(text);
    expect(issues.map((i) => [i.kind, i.code, i.severity, i.segmentIndex, i.badValue])).toEqual([
      ['character-outside-repertoire', '21', 'warning', 1, 'b'],
      ['character-outside-repertoire', '21', 'warning', 3, undefined],
    ]);
    const strict = tokenizeEdifact(text, { strictCharacterSet: true });
    expect(strict.issues.map((i) => i.severity)).toEqual(['error', 'error']);
    // Level B allows lower case; the UNB itself is read before its character set applies.
    expect(tokenize("UNB+UNOB:3+s+r+240131:1200+R1'FTX+abc'UNZ+1+R1'").issues).toEqual([]);
    // After UNZ nothing is checked until the next UNB.
    expect(tokenize("UNB+UNOA:3+S+R+240131:1200+R1'UNZ+0+R1'FTX+abc'").issues).toEqual([]);
  });

  it('reports control characters in data as errors (21) at every syntax level, released or not', () => {
    for (const level of ['UNOA', 'UNOB', 'UNOC', 'UNOY']) {
      const text = `UNB+${level}:3+S+R+240131:1200+R1'BGM+220+NC-SO\u00007781'FTX+A?\u0001B'FTX+A?\nB'UNZ+1+R1'`;
      const { issues } = tokenize(text);
      expect(
        issues.map((i) => [i.kind, i.code, i.severity, i.segmentIndex, i.badValue]),
        level,
      ).toEqual([
        ['control-character', '21', 'error', 1, undefined],
        // A control character is no service character either: its release releases nothing (22).
        ['release-before-data', '22', 'error', 2, undefined],
        ['control-character', '21', 'error', 2, undefined],
      ]);
      expect(issues[0]!.message).toBe('a control character in data (byte 0x00)');
    }
    // DEL and a tab too; control characters advised as service characters in the UNA are separators.
    expect(tokenize("FTX+A\u007fB'FTX+A\tB'").issues.map((i) => i.kind)).toEqual([
      'control-character',
      'control-character',
    ]);
    const advised = tokenize('UNA\u001f\u001d.? \u001cUNB\u001dUNOA\u001f3\u001dS\u001dR\u001c');
    expect(advised.issues).toEqual([]);
    expect(advised.segments[1]!.elements[1]).toEqual([['UNOA', '3']]);
  });

  it('decodes values by the UNB character set', () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const unoc = tokenize(latin1("UNB+UNOC:3+S+R+240131:1200+R1'NAD+M\xfcnchen'UNZ+1+R1'"));
    expect(unoc.issues).toEqual([]);
    expect(unoc.segments[1]!.elements[1]).toEqual([['München']]);
    // ISO 8859-2: 0xB3 is "ł" (it is "³" in Latin-1).
    const unod = tokenize(latin1("UNB+UNOD:3+S+R+240131:1200+R1'NAD+\xb3\xf3d\xbc'UNZ+1+R1'"));
    expect(unod.segments[1]!.elements[1]).toEqual([['łódź']]);
    // UTF-8 under UNOC is read as UTF-8 and noted; non-UTF-8 under UNOY is an error.
    const mismatch = tokenize("UNB+UNOC:3+S+R+240131:1200+R1'NAD+Öresund'UNZ+1+R1'");
    expect(mismatch.segments[1]!.elements[1]).toEqual([['Öresund']]);
    expect(mismatch.issues.map((i) => [i.kind, i.severity, i.segmentIndex])).toEqual([
      ['character-set-mismatch', 'warning', 1],
    ]);
    const unoy = tokenize(latin1("UNB+UNOY:4+S+R+240131:1200+R1'NAD+M\xfcnchen'NAD+OK'UNZ+1+R1'"));
    expect(unoy.issues.map((i) => [i.kind, i.code, i.severity, i.segmentIndex])).toEqual([
      ['invalid-utf8', '21', 'error', 1],
    ]);
    expect(unoy.segments[1]!.elements[1]).toEqual([['M\ufffdnchen']]);
  });
});

describe('EdifactSegmentView.eachValue', () => {
  it('walks every value once, tag first, with its positions', () => {
    const seen: unknown[] = [];
    const t = new EdifactTokenizer({
      segment: (v) => v.eachValue((value, e, c, r) => seen.push([value, e, c, r])),
      issue: () => undefined,
    });
    t.write(Buffer.from("UNA:+.?*'COM+a:b*c++d?:e'"));
    t.end();
    expect(seen.slice(2)).toEqual([
      ['COM', 0, 1, 1],
      ['a', 1, 1, 1],
      ['b', 1, 2, 1],
      ['c', 1, 1, 2],
      ['', 2, 1, 1],
      ['d:e', 3, 1, 1],
    ]);
  });
});
