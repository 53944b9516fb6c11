import { describe, expect, it } from 'vitest';
import { gs, isa, PO_BODY, set, validPo } from './fixtures/build.js';
import { X12Tokenizer, type X12TokenIssue } from './tokenizer.js';

interface Tok {
  segments: { id: string; elements: string[]; offset: number; index: number }[];
  issues: X12TokenIssue[];
}

function tokenize(input: Uint8Array | string, chunk = 0): Tok {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const out: Tok = { segments: [], issues: [] };
  const t = new X12Tokenizer({
    segment: (v) =>
      out.segments.push({ id: v.id, elements: v.elements(), offset: v.offset, index: v.segmentIndex }),
    issue: (i) => out.issues.push(i),
  });
  if (chunk <= 0) t.write(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) t.write(bytes.subarray(i, i + chunk));
  t.end();
  return out;
}

const ids = (tok: Tok): string => tok.segments.map((s) => s.id).join(' ');

describe('X12Tokenizer', () => {
  it('splits a plain interchange into segments and elements', () => {
    const tok = tokenize(validPo());
    expect(ids(tok)).toBe('ISA GS ST BEG N1 PO1 CTT SE GE IEA');
    expect(tok.issues).toEqual([]);
    expect(tok.segments[0]!.elements).toHaveLength(17);
    expect(tok.segments[0]!.elements[6]).toBe('SUPPLIER       ');
    expect(tok.segments[0]!.elements[16]).toBe(':');
    expect(tok.segments[3]!.elements).toEqual(['BEG', '00', 'SA', 'PO-1001', '', '20240131']);
    expect(tok.segments[1]!.offset).toBe(106);
    expect(tok.segments.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('never starts an interchange on "ISA" inside data or a longer id', () => {
    const text = validPo({ body: ['N1*ST*ISA*X', 'ISAAC*1', 'N2*\nISA*'] });
    const tok = tokenize(text);
    expect(ids(tok)).toBe('ISA GS ST N1 ISAAC N2 SE GE IEA');
    expect(tok.segments[3]!.elements).toEqual(['N1', 'ST', 'ISA', 'X']);
    expect(tok.segments[5]!.elements).toEqual(['N2', 'ISA', '']);
  });

  it('reads each interchange with its own delimiters', () => {
    const first = validPo();
    const second =
      isa({
        element: '|',
        component: '>',
        isa11: 'U',
        version: '00401',
        terminator: '\n',
        control: '000000102',
      }) +
      gs({ version: '004010' }, '|', '\n') +
      set('850', '0002', ['BEG|00|SA|X*Y~Z||20240131'], { e: '|', t: '\n' }) +
      'GE|1|7\nIEA|1|000000102\n';
    const tok = tokenize(first + '\r\n' + second);
    expect(ids(tok)).toBe('ISA GS ST BEG N1 PO1 CTT SE GE IEA ISA GS ST BEG SE GE IEA');
    expect(tok.segments[13]!.elements).toEqual(['BEG', '00', 'SA', 'X*Y~Z', '', '20240131']);
    expect(tok.segments[10]!.offset).toBe(first.length + 2);
  });

  it('tolerates a BOM, leading whitespace, CRLF after terminators and hard-wrapped segments', () => {
    const base = validPo();
    // Wrap at 80 columns, as some VANs do, including inside the ISA.
    const wrapped = base.match(/.{1,80}/gs)!.join('\r\n');
    const tok = tokenize(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n  ' + wrapped)]));
    expect(tok.issues).toEqual([]);
    const plain = tokenize(base);
    expect(tok.segments.map((s) => s.elements)).toEqual(plain.segments.map((s) => s.elements));
    expect(tok.segments[0]!.offset).toBe(7);
  });

  it('takes CR or LF after ISA16 as the terminator, unless a delimiter follows the line break', () => {
    const crlf = validPo().replace(/~/g, '\r\n');
    expect(ids(tokenize(crlf))).toBe('ISA GS ST BEG N1 PO1 CTT SE GE IEA');
    const wrappedBeforeTerminator =
      isa().replace(/~$/, '\n~') + gs() + set('850', '0001', PO_BODY) + 'GE*1*7~IEA*1*000000101~';
    const tok = tokenize(wrappedBeforeTerminator);
    expect(ids(tok)).toBe('ISA GS ST BEG N1 PO1 CTT SE GE IEA');
    expect(tok.segments[0]!.elements[16]).toBe(':');
  });

  it('handles a multi-byte UTF-8 terminator and multi-byte data', () => {
    const text = validPo({ body: ['N1*ST*MÜNCHEN…', 'CTT*1'] }).replace(/~/g, '\u2026\r\n');
    // N1 contains a lone "…" followed by "…\r\n": only the full terminator sequence ends a segment.
    const tok = tokenize(Buffer.from(text, 'utf8'));
    expect(ids(tok)).toBe('ISA GS ST N1 CTT SE GE IEA');
    expect(tok.segments[3]!.elements).toEqual(['N1', 'ST', 'MÜNCHEN']);
  });

  it('keeps a multi-byte data character that only starts like the terminator', () => {
    const text = validPo({ body: ['N1*ST*A\u2013B', 'CTT*1'] }).replace(/~/g, '\u2026');
    const tok = tokenize(Buffer.from(text, 'utf8'), 1);
    expect(tok.segments[3]!.elements).toEqual(['N1', 'ST', 'A\u2013B']);
  });

  it('decodes EBCDIC (cp037) with a NEL terminator and space-padded records', () => {
    const ascii = validPo().replace(/~/g, '\u0085');
    const records = ascii
      .split('\u0085')
      .filter((s) => s)
      .map((s) => (s + '\u0085').padEnd(Math.ceil((s.length + 1) / 80) * 80, ' '))
      .join('');
    const encoded = encodeCp037(records);
    for (const chunk of [0, 1, 5]) {
      const tok = tokenize(encoded, chunk);
      expect(ids(tok)).toBe('ISA GS ST BEG N1 PO1 CTT SE GE IEA');
      expect(tok.segments[4]!.elements).toEqual(['N1', 'ST', 'ISAAC NEWTON LTD']);
      expect(tok.issues).toEqual([]);
    }
  });

  it('reports junk before the first interchange and resynchronises on the next ISA', () => {
    const tok = tokenize('HELLO WORLD\n' + validPo());
    expect(tok.issues.map((i) => [i.kind, i.offset, i.length])).toEqual([
      ['junk-outside-interchange', 0, 11],
    ]);
    expect(ids(tok)).toBe('ISA GS ST BEG N1 PO1 CTT SE GE IEA');
  });

  it('reports an ISA cut short by the end of data', () => {
    const tok = tokenize(isa().slice(0, 60));
    expect(tok.issues.map((i) => i.kind)).toEqual(['isa-unreadable']);
    expect(tok.segments).toEqual([]);
  });

  it('reads a structurally complete ISA even when its fields are not padded', () => {
    const tok = tokenize(isa({}, true) + 'IEA*0*000000101~');
    expect(ids(tok)).toBe('ISA IEA');
    expect(tok.segments[0]!.elements[6]).toBe('SUPPLIER');
  });

  it('refuses delimiters that cannot split anything and waits for the next ISA', () => {
    const bad = isa({ terminator: 'G' }) + 'S*PO~IEA*0*000000101~';
    const tok = tokenize(bad + validPo());
    expect(tok.issues.map((i) => i.kind)).toEqual(['isa-delimiters-unusable']);
    expect(ids(tok)).toBe('ISA ISA GS ST BEG N1 PO1 CTT SE GE IEA');
  });

  it('reports and skips an overlong segment, and an unterminated last segment', () => {
    const out: X12TokenIssue[] = [];
    const tok = new X12Tokenizer(
      { segment: () => undefined, issue: (i) => out.push(i) },
      { maxSegmentBytes: 200 },
    );
    tok.write(Buffer.from(validPo({ body: ['N1*' + 'X'.repeat(300)] }).replace(/~$/, '')));
    tok.end();
    expect(out.map((i) => i.kind)).toEqual(['segment-too-long', 'unterminated-segment']);
    expect(out[0]!.segmentIndex).toBe(3);
    // ISA GS ST N1(skipped but counted) SE GE IEA
    expect(tok.stats.segments).toBe(7);
  });
});

function encodeCp037(text: string): Uint8Array {
  // Inverse of the library's table, built here so the spec does not trust the code under test blindly.
  const map: Record<string, number> = {
    ' ': 0x40,
    '*': 0x5c,
    ':': 0x7a,
    '^': 0x5f,
    '~': 0xa1,
    '-': 0x60,
    '.': 0x4b,
    '\u0085': 0x15,
  };
  for (let d = 0; d <= 9; d++) map[String(d)] = 0xf0 + d;
  const letters = 'ABCDEFGHI';
  for (let k = 0; k < 9; k++) map[letters[k]!] = 0xc1 + k;
  const j = 'JKLMNOPQR';
  for (let k = 0; k < 9; k++) map[j[k]!] = 0xd1 + k;
  const s = 'STUVWXYZ';
  for (let k = 0; k < 8; k++) map[s[k]!] = 0xe2 + k;
  return Uint8Array.from(
    [...text].map((c) => {
      const b = map[c];
      if (b === undefined) throw new Error(`no cp037 code for ${JSON.stringify(c)}`);
      return b;
    }),
  );
}
