import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interchange, message } from './fixtures/build.js';
import { edifactFile, mutate, mutation } from './fixtures/generators.js';
import { EdifactReader, type EdifactReaderOptions } from './reader.js';
import type { EdifactValidationResult } from './result.js';

/**
 * Validation without a segment handler takes the tokenizer's skip over plain body segments (issue 7:
 * validate-only must return the identical findings, codes and positions as the full path). These
 * properties compare the two paths on generated and damaged files, in every chunking, result tree and all.
 */
function read(bytes: Uint8Array, chunk: number, full: boolean, options: EdifactReaderOptions = {}) {
  const reader = new EdifactReader(full ? { segment: (view) => void view.elements() } : {}, options);
  if (chunk <= 0) reader.write(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) reader.write(bytes.subarray(i, i + chunk));
  return reader.end();
}

function comparable(result: EdifactValidationResult): string {
  // `work` counts loop iterations, which the skip spends differently; everything else must be equal.
  const { work: _work, ...rest } = result;
  return JSON.stringify(rest);
}

const SIZES = [0, 1, 2, 3, 5, 64, 4096];

function expectSamePaths(bytes: Uint8Array, options: EdifactReaderOptions = {}): EdifactValidationResult {
  const full = read(bytes, 0, true, options);
  const want = comparable(full);
  for (const size of SIZES) {
    expect(comparable(read(bytes, size, false, options)), `chunk ${size}`).toBe(want);
    expect(comparable(read(bytes, size, true, options)), `full, chunk ${size}`).toBe(want);
  }
  return full;
}

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('EDIFACT validate-only skip', () => {
  it('finds exactly what the full path finds on generated files', () => {
    fc.assert(
      fc.property(edifactFile, (bytes) => void expectSamePaths(bytes)),
      { numRuns: 300 },
    );
  });

  it('finds exactly what the full path finds on damaged files', () => {
    fc.assert(
      fc.property(edifactFile, fc.array(mutation, { minLength: 1, maxLength: 6 }), (bytes, mutations) => {
        expectSamePaths(mutate(bytes, mutations));
      }),
      { numRuns: 500 },
    );
  });

  it('counts released terminators, line wraps and odd tags as the full path does', () => {
    const body = [
      // A released terminator and a released release character before the real terminator.
      "FTX+AAI+++A?'B??'",
      // Line wraps inside a segment and between segments.
      "NAD+SU+1\r\n23::9'\r\n",
      // An empty tag, an empty segment, tags starting with U, released or wrapped (general path).
      "+X'",
      "'",
      "?UNX+1'",
      "U\nNX+1'",
      "UNX+1'",
    ];
    const input = interchange({ unb: { syntax: 'UNOA' }, messages: [message('M1', body, undefined, 8)] });
    const result = expectSamePaths(latin1(input));
    const m = result.interchanges[0]!.messages[0]!;
    expect(m.segmentCount).toBe(8);
    // "?U": a release character before no service character (0085 22), found on both paths.
    expect(result.issues.map((i) => [i.kind, i.code, i.segmentPosition])).toEqual([
      ['release-before-data', '22', 5],
    ]);
  });

  it('ends a message at a UNT that is released or wrapped, as the full path does', () => {
    for (const unt of ["?UNT+3+M1'", "U\r\nNT+3+M1'", "UN?T+3+M1'"]) {
      const input = `UNB+UNOA:3+S+R+240131:1200+IC1'UNH+M1+DESADV:D:96A:UN'QTY+12:1'${unt}UNZ+1+IC1'`;
      const result = expectSamePaths(latin1(input));
      // A released "U" or "T" is no service character: 0085 22 at the UNT, which still ends the message.
      expect(result.issues.map((i) => [i.kind, i.segmentIndex])).toEqual(
        unt.includes('?') ? [['release-before-data', 3]] : [],
      );
      expect(result.interchanges[0]!.messages[0]!.segmentCount).toBe(3);
    }
  });

  it('reports characters outside the repertoire and bytes >= 0x80 at the same place', () => {
    const body = ["FTX+AAI+++lower'", "NAD+SU+caf\xe9'", "FTX+AAI+++?a?\xe9'", "QTY+12:1'"];
    for (const syntax of ['UNOA', 'UNOB', 'UNOC', 'UNOW']) {
      const input = interchange({ unb: { syntax }, messages: [message('M1', body)] });
      const result = expectSamePaths(latin1(input));
      expect(result.interchanges[0]!.messages[0]!.segmentCount).toBe(body.length + 2);
    }
    for (const strictCharacterSet of [false, true]) {
      const input = interchange({ unb: { syntax: 'UNOA' }, messages: [message('M1', body)] });
      const issues = expectSamePaths(latin1(input), { strictCharacterSet }).issues;
      expect(issues.map((i) => [i.kind, i.segmentPosition])).toEqual([
        ['character-outside-repertoire', 2],
        ['character-outside-repertoire', 3],
        ['release-before-data', 4],
      ]);
    }
  });

  it('reports an overlong body segment, and one that ends the data, at the same place', () => {
    const long = `FTX+AAI+++${'X'.repeat(300)}'`;
    const input = interchange({ messages: [message('M1', [long, "QTY+12:1'"])] });
    const result = expectSamePaths(latin1(input), { maxSegmentBytes: 200 });
    expect(result.issues.map((i) => [i.kind, i.segmentPosition])).toEqual([['segment-too-long', 2]]);
    expectSamePaths(latin1(`${interchange().slice(0, -40)}QTY+12:1?`));
    expectSamePaths(latin1(`UNB+UNOC:3+A+B+240131:1200+IC1'UNH+M1+DESADV:D:96A:UN'QTY+12:1`));
  });

  it('follows the delimiters of a UNA and of a syntax 4 UNB', () => {
    const una = 'UNA=*,!^~UNB*UNOC=4*S=14*R=14*20240131=1200*IC1~UNH*M1*DESADV=D=96A=UN~';
    const body = 'FTX*AAI***A!~B!!~QTY*12=1^2~DTM*137=20240131=102~UNT*5*M1~UNZ*1*IC1~';
    expectSamePaths(latin1(una + body));
    const v4 = "UNB+UNOC:4+S:14+R:14+20240131:1200+IC1'UNH+M1+DESADV:D:96A:UN'QTY+12:1*2'UNT+3+M1'UNZ+1+IC1'";
    expectSamePaths(latin1(v4));
  });

  it('reads the same from chunks at even and odd addresses (the skip steps two bytes at a time)', () => {
    const body = ["FTX+AAI+++A?'B??'", "QTY+12:1'", "NAD+SU+123::9++NAME ?+ X'", "RFF+ON:PO1:1'"];
    const bytes = latin1(interchange({ unb: { syntax: 'UNOA' }, messages: [message('M1', body)] }));
    const want = comparable(read(bytes, 0, true));
    for (const shift of [0, 1, 2, 3]) {
      const memory = new Uint8Array(bytes.length + shift);
      memory.set(bytes, shift);
      for (const size of [0, 7, 8, 64]) {
        expect(comparable(read(memory.subarray(shift), size, false)), `shift ${shift}, chunk ${size}`).toBe(
          want,
        );
      }
    }
  });

  it('skips nothing for a handler that reads segments', () => {
    const seen: string[] = [];
    const reader = new EdifactReader({ segment: (view) => void seen.push(view.id) });
    reader.write(latin1(interchange()));
    reader.end();
    expect(seen).toEqual(['UNB', 'UNH', 'BGM', 'DTM', 'LIN', 'QTY', 'UNT', 'UNZ']);
  });
});
