import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildX12Acknowledgment } from '../ack-builder.js';
import { readX12, X12Reader } from '../reader.js';
import type { X12Issue, X12ValidationResult } from '../result.js';
import { isSupportedX12Set } from '../supported-sets.js';
import { x12GrammarValidator, type X12GrammarValidatorOptions } from './content-validator.js';
import type { X12ParsedBody, X12ParsedSet } from './parsed-set.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const FID: Record<string, string> = {
  '850': 'PO',
  '855': 'PR',
  '856': 'SH',
  '860': 'PC',
  '865': 'CA',
  '997': 'FA',
};

/** One interchange, one group, one set with `body` between ST and SE (segments joined with "~"). */
function wrap(version: string, setId: string, body: readonly string[]): string {
  const v5 = version.startsWith('005');
  const isa = `ISA*00*          *00*          *ZZ*BUYER          *ZZ*SUPPLIER       *240131*1230*${v5 ? '^*00501' : 'U*00401'}*000000101*0*P*${v5 ? ':' : '>'}~`;
  return [
    isa,
    `GS*${FID[setId]}*BUYER*SUPPLIER*20240131*1230*7*X*${version}~`,
    `ST*${setId}*0001~`,
    ...body.map((s) => `${s}~`),
    `SE*${body.length + 2}*0001~`,
    'GE*1*7~',
    'IEA*1*000000101~',
  ].join('');
}

function read(text: string | Uint8Array, options: X12GrammarValidatorOptions = {}): X12ValidationResult {
  return readX12(text, {}, { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator(options) });
}

const notes = (issues: readonly X12Issue[]): string[] =>
  issues
    .filter((i) => i.level === 'segment' || i.level === 'element')
    .map(
      (i) =>
        `${i.severity === 'warning' ? 'warn ' : ''}${i.code ?? i.kind} ${i.segmentId}@${i.segmentPosition}${i.elementPosition ? `.${i.elementPosition}` : ''}`,
    );

const PO = ['BEG*00*SA*PO-1**20240131', 'PO1*1*10*EA*2.5*PE*BP*A-1', 'CTT*1'];

describe('set content validation (grammar layer)', () => {
  it('accepts a minimal 850 and rejects a set that breaks its grammar with AK502 5', () => {
    expect(read(wrap('004010', '850', PO)).interchanges[0]!.groups[0]!.sets[0]!.status).toBe('accepted');
    const set = read(wrap('004010', '850', ['BEG*00*SA*PO-1**20240131', 'CTT*1'])).interchanges[0]!.groups[0]!
      .sets[0]!;
    expect(notes(set.segmentIssues)).toEqual(['3 PO1@3']); // the PO1 loop is mandatory in the 850
    expect([set.status, set.issues.map((i) => i.code)]).toEqual(['rejected', ['5']]);
  });

  it('only notes a code outside a common list (the standard list is longer), and rejects one outside a complete list', () => {
    const common = read(wrap('004010', '850', ['BEG*00*QQ*PO-1**20240131', ...PO.slice(1)]));
    const set = common.interchanges[0]!.groups[0]!.sets[0]!;
    expect([set.status, notes(set.segmentIssues)]).toEqual(['accepted', ['warn 7 BEG@2.2']]);
    const complete = read(wrap('004010', '850', ['BEG*QQ*SA*PO-1**20240131', ...PO.slice(1)]));
    expect(notes(complete.issues)).toEqual(['7 BEG@2.1']);
  });

  it('checks numeric types: implied decimals carry no point, R takes an exponent only from 005010', () => {
    const body = (csh: string, ctt: string) => ['BEG*00*SA*PO-1**20240131', csh, PO[1]!, ctt];
    expect(notes(read(wrap('004010', '850', body('CSH***12.50', 'CTT*1*1.5E3'))).issues)).toEqual([
      '6 CSH@3.3',
      '6 CTT@5.2',
    ]);
    expect(notes(read(wrap('005010', '850', body('CSH***-1250', 'CTT*1*1.5E3'))).issues)).toEqual([]);
    // Sign and decimal point do not count toward the length (CTT02 R 1/10).
    expect(notes(read(wrap('004010', '850', body('CSH***1', 'CTT*1*-1234567.890'))).issues)).toEqual([]);
    expect(notes(read(wrap('004010', '850', body('CSH***1', 'CTT*1*12345678901'))).issues)).toEqual([
      '5 CTT@5.2',
    ]);
  });

  it('counts composite components: AK403 13 in 005010, 3 in 004010 where 13 does not exist', () => {
    const sln = (c: string) => [...PO.slice(0, 2), `SLN*1**I*1*${c}`, 'CTT*1'];
    const many = Array.from({ length: 16 }, () => 'EA').join(':');
    expect(notes(read(wrap('005010', '850', sln(many))).issues)).toEqual(['13 SLN@4.5']);
    expect(notes(read(wrap('004010', '850', sln(many.replaceAll(':', '>')))).issues)).toEqual(['3 SLN@4.5']);
    expect(notes(read(wrap('005010', '850', sln('EA:1:2'))).issues)).toEqual([]);
  });

  it('leaves sets without a grammar alone: 997, and versions other than 004010/005010', () => {
    expect(notes(read(wrap('004010', '997', ['AK1*PO*1', 'AK9*A*1*1*1'])).issues)).toEqual([]);
    const other = read(wrap('004060', '850', ['ZZZ*1'])).interchanges[0]!.groups[0]!.sets[0]!;
    expect([other.issues.map((i) => i.code), notes(other.segmentIssues)]).toEqual([['1'], []]);
  });

  it('does not guess missing segments when the SE is missing (AK502 2 says it all)', () => {
    const text = wrap('004010', '850', ['BEG*00*SA*PO-1**20240131']).replace(/SE\*3\*0001~/, '');
    const set = read(text).interchanges[0]!.groups[0]!.sets[0]!;
    expect([set.issues.map((i) => i.code), notes(set.segmentIssues)]).toEqual([['2'], []]);
  });

  it('gives the same findings, positions and offsets whatever the chunk size', () => {
    for (const file of [
      '850/850-005010-elements.edi',
      '856/856-004010-hierarchy.edi',
      '850/850-004010-segments.edi',
    ]) {
      const bytes = readFileSync(join(FIXTURES, file));
      const whole = read(bytes);
      const reader = new X12Reader(
        {},
        { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator() },
      );
      for (let at = 0; at < bytes.length; at++) reader.write(bytes.subarray(at, at + 1));
      const streamed = reader.end();
      const key = (r: X12ValidationResult) =>
        r.issues.map((i) => [i.kind, i.code, i.offset, i.segmentPosition, i.elementPosition]);
      expect(key(streamed), file).toEqual(key(whole));
      expect(whole.issues.length).toBeGreaterThan(5);
    }
  });

  it('hands maps the parsed set: loops with their segments, and the 856 hierarchy', () => {
    const parsed: X12ParsedSet[] = [];
    read(readFileSync(join(FIXTURES, '850/850-004010-valid.edi')), { onSet: (p) => parsed.push(p) });
    read(readFileSync(join(FIXTURES, '856/856-005010-valid.edi')), { onSet: (p) => parsed.push(p) });
    const [po, asn] = parsed;
    // The flat body drawn as the tree it stands for: a loop iteration's segments and nested loops.
    const loops = (body: X12ParsedBody, j = 0): string[] => {
      const out: string[] = [];
      for (let i = body.loops[j]!.start; i < body.loops[j]!.end;) {
        let child = body.loopOf[i]!;
        if (child === j) {
          out.push(body.segments[i++]!.id);
          continue;
        }
        while (body.loops[child]!.parent !== j) child = body.loops[child]!.parent;
        const c = body.loops[child]!;
        out.push(`${c.loopId}#${c.iteration}(${loops(body, child).join(' ')})`);
        i = c.end;
      }
      return out;
    };
    expect(loops(po!.body)).toEqual([
      'BEG',
      'CUR',
      'REF',
      'REF',
      'PER',
      'FOB',
      'ITD',
      'DTM',
      'TD5',
      'N1#1(N1 N3 N4)',
      'N1#2(N1)',
      'PO1#1(PO1 PO1/PID#1(PID) PO4 DTM)',
      'PO1#2(PO1 PO1/PID#1(PID) PO1/SCH#1(SCH))',
      'CTT#1(CTT AMT)',
    ]);
    const firstLine = po!.body.loops.find((l) => l.loopId === 'PO1')!;
    expect(firstLine.position).toBe(15);
    expect(po!.body.segments[firstLine.start]!.elements).toEqual([
      'PO1',
      '1',
      '100',
      'EA',
      '12.5',
      'PE',
      'BP',
      'WIDGET-A',
      'VP',
      'VND-100',
    ]);
    expect(asn!.hierarchy!.patterns).toEqual(['S/O/T/P/I']);
    expect(asn!.hierarchy!.roots[0]!.children[0]!.children[0]!.children.length).toBe(2);
    expect(asn!.hierarchy!.problems).toEqual([]);
  });
});

describe('parsed sets of one read', () => {
  it('are each their own: the next set, an unfinished one among them, changes none of them', () => {
    // Three sets in one group; the second has no SE (rejected, never handed over), the third is longer.
    const one = ['BEG*00*SA*PO-1**20240131', 'PO1*1*10*EA*1.5**BP*A', 'CTT*1'];
    const three = ['BEG*00*SA*PO-3**20240131', 'PO1*1*10*EA*1.5**BP*C', 'PO1*2*10*EA*1.5**BP*D', 'CTT*2'];
    const text = wrap('004010', '850', one)
      .replace('GE*1*7~IEA*1*000000101~', '')
      .concat('ST*850*0002~BEG*00*SA*PO-2**20240131~', 'ST*850*0003~', ...three.map((s) => `${s}~`))
      .concat(`SE*${three.length + 2}*0003~GE*3*7~IEA*1*000000101~`);
    const parsed: X12ParsedSet[] = [];
    read(text, { onSet: (p) => parsed.push(p) });
    expect(parsed.map((p) => p.controlNumber)).toEqual(['0001', '0003']);
    const ids = (p: X12ParsedSet) => p.body.segments.map((s) => s.elements.join('*'));
    expect(ids(parsed[0]!)).toEqual(one);
    expect(ids(parsed[1]!)).toEqual(three);
    expect(parsed[0]!.body.loops.map((l) => [l.loopId, l.start, l.end])).toEqual([
      ['', 0, 3],
      ['PO1', 1, 2],
      ['CTT', 2, 3],
    ]);
  });
});

describe('856 hierarchy through the reader', () => {
  it('reads a 100,000-level HL chain without recursion: one AK403 7 where it gets absurd', () => {
    const n = 100_000;
    const body = ['BSN*00*SH-1*20240214*1530'];
    for (let k = 1; k <= n; k++) body.push(`HL*${k}*${k === 1 ? '' : k - 1}*I*${k === n ? 0 : 1}`);
    let parsed: X12ParsedSet | undefined;
    const result = read(wrap('004010', '856', body), { onSet: (p) => (parsed = p) });
    const set = result.interchanges[0]!.groups[0]!.sets[0]!;
    expect(notes(set.segmentIssues)).toEqual(['7 HL@67.2']); // HL 65 sits at position 67 (ST, BSN)
    expect(set.status).toBe('rejected');
    expect(parsed!.hierarchy!.byId.size).toBe(n);
  });
});

describe('accepting errors by agreement (AK5 E)', () => {
  it('acknowledges an accepted error with AK3/AK4 and AK5 E; other errors still reject', () => {
    const accept = (f: { kind: string; elementReference: string | undefined }) =>
      f.kind === 'element-invalid-code' && f.elementReference === '353';
    const body = ['BEG*QQ*SA*PO-1**20240131', ...PO.slice(1)];
    const noted = read(wrap('004010', '850', body), { accept }).interchanges[0]!;
    const set = noted.groups[0]!.sets[0]!;
    expect([set.status, noted.groups[0]!.status, notes(set.segmentIssues), set.issues]).toEqual([
      'accepted-with-errors',
      'accepted-with-errors',
      ['7 BEG@2.1'],
      [],
    ]);
    const ack = buildX12Acknowledgment(noted, { nextControlNumber: () => 1, now: new Date(0) });
    expect(ack.kind === 'ack' && ack.segments.filter((x) => /^AK[3-9]$/.test(x[0]!))).toEqual([
      ['AK3', 'BEG', '2', '', '8'],
      ['AK4', '1', '353', '7', 'QQ'],
      ['AK5', 'E'],
      ['AK9', 'E', '1', '1', '1'],
    ]);
    const both = read(wrap('004010', '850', ['BEG*QQ*SA***20240131', ...PO.slice(1)]), { accept });
    expect(both.interchanges[0]!.groups[0]!.sets[0]!.status).toBe('rejected');
  });
});
