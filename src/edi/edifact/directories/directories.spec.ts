import { describe, expect, it } from 'vitest';
import { compileDirectory, EdifactDirectoryError } from './directory-loader.js';
import { defaultEdifactDirectories, EDIFACT_DIRECTORY_SOURCES } from './directories.js';
import { EdifactDirectoryReader, readEdifactWithDirectories } from './message-reader.js';

/** One interchange around body segments (UNT counted here). */
function interchange(head: string, body: readonly string[], una = ''): string {
  const segs = [`UNH+1+${head}`, ...body];
  return `${una}UNB+UNOC:3+SENDER:14+GATEWAY:14+250304:1412+IC1'${segs.map((s) => `${s}'`).join('')}UNT+${segs.length + 1}+1'UNZ+1+IC1'`;
}

function findings(text: string): string[] {
  const result = readEdifactWithDirectories(text);
  const message = result.interchanges[0]!.messages[0]!;
  return message.segmentIssues
    .filter((i) => i.severity === 'error')
    .map(
      (i) =>
        `${i.code}@${i.segmentPosition}${i.elementPosition ? `:${i.elementPosition}` : ''}${i.componentPosition ? `.${i.componentPosition}` : ''}`,
    );
}

const ORDERS = ['BGM+220+PO1+9', 'DTM+137:20250304:102', 'NAD+BY+123::9', 'LIN+1', 'QTY+21:5:PCE', 'UNS+S'];

describe('EDIFACT directories as data', () => {
  it('compile D96A and D01B with every message and the EANCOM subsets', () => {
    const registry = defaultEdifactDirectories();
    expect(registry.directories()).toEqual(['D96A', 'D01B']);
    for (const d of ['D96A', 'D01B'])
      for (const m of ['ORDERS', 'ORDCHG', 'ORDRSP', 'DESADV', 'APERAK', 'CONTRL'])
        expect(registry.find(m, d)?.setId, `${m} ${d}`).toBe(m);
    expect(registry.find('ORDERS', 'D96A', 'EAN008')?.subset).toBe('EAN008');
    expect(registry.find('ORDERS', 'D96A', 'EAN999')?.subset).toBe('');
    expect(registry.find('CONTRL', 'D3')?.setId).toBe('CONTRL');
    expect(registry.find('INVOIC', 'D96A')).toBeUndefined();
    // Group ids are trigger paths: the DESADV packing hierarchy and the SSCC below it.
    expect([...registry.find('DESADV', 'D96A')!.loops.keys()]).toEqual(
      expect.arrayContaining(['CPS', 'CPS/PAC', 'CPS/PAC/PCI', 'CPS/PAC/PCI/GIN', 'CPS/LIN', 'CPS/LIN/RFF']),
    );
  });

  it('refuse a broken source at load, with every problem', () => {
    const base = EDIFACT_DIRECTORY_SOURCES[0]!;
    const broken = {
      ...base,
      elements: { ...base.elements, '1004': 'x..35' },
      segments: { ...base.segments, BGM: 'C002 C|C999 C' },
      messages: [
        {
          type: 'ORDERS',
          name: 'x',
          body: ['BGM M 1', { group: 'SG1', status: 'C' as const, max: 9, children: ['RFF C 2'] }],
        },
      ],
      subsets: [{ subset: 'EAN008', message: 'ORDERS', mandatory: ['NOPE'] }],
      decimals: ['6060', '9999'],
    };
    let error: unknown;
    try {
      compileDirectory(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdifactDirectoryError);
    const problems = (error as EdifactDirectoryError).problems.join('\n');
    expect(problems).toContain('element 1004: format "x..35"');
    expect(problems).toContain('BGM/2: composite C999 is not in the directory');
    expect(problems).toContain("a group's first segment is M 1");
    expect(problems).toContain('subset path NOPE is not in the message');
    expect(problems).toContain('decimal 9999 is not an element of the directory');
  });
});

describe('messages checked against their directory (0085 codes, UCS / UCD positions)', () => {
  it('accepts a sound message', () => {
    expect(findings(interchange('ORDERS:D:96A:UN', ORDERS))).toEqual([]);
  });

  it('reports a missing mandatory segment (13), order (15) and repetitions (35)', () => {
    const body = ['DTM+137:20250304:102', 'BGM+220+PO1+9', 'LIN+1', 'UNS+S', 'UNS+S'];
    expect(findings(interchange('ORDERS:D:96A:UN', body))).toEqual(['13@2', '15@3', '35@6']);
  });

  it('reports a group over its maximum (36)', () => {
    const rff = Array.from({ length: 11 }, (_, i) => `RFF+ON:${i}`);
    const body = ['BGM+220+PO1+9', 'DTM+137:20250304:102', ...rff, 'UNS+S'];
    expect(findings(interchange('ORDERS:D:96A:UN', body))).toEqual(['36@14']);
  });

  it('checks elements: too many (16), mandatory (13), length (39), type (37), codes (12)', () => {
    const body = [
      'BGM+220+PO1+999',
      'DTM+:20250304:102',
      'RFF+ON:1234567890123456789012345678901234567',
      'LIN+1',
      'IMD+F++:::a:b:c:d',
      'QTY+21:5A:PCE',
      'UNS+S+X',
    ];
    expect(findings(interchange('ORDERS:D:96A:UN', body))).toEqual([
      '12@2:3',
      '13@3:1.1',
      '39@4:1.2',
      '16@6:3.7',
      '37@7:1.2',
      '16@8:2',
    ]);
  });

  it('reads numbers with the decimal mark of the UNA', () => {
    const body = ['BGM+220+PO1+9', 'DTM+137:20250304:102', 'LIN+1', 'QTY+21:5,5:PCE', 'UNS+S'];
    expect(findings(interchange('ORDERS:D:96A:UN', body, "UNA:+,? '"))).toEqual([]);
  });

  it('applies the EANCOM subset the UNH names (EAN008: the parties are mandatory)', () => {
    const body = ['BGM+220+PO1+9', 'DTM+137:20250304:102', 'LIN+1', 'UNS+S'];
    expect(findings(interchange('ORDERS:D:96A:UN', body))).toEqual([]);
    expect(findings(interchange('ORDERS:D:96A:UN:EAN008', body))).toEqual(['13@4']);
  });

  // UNTDID D.01B against D.96A (the segment texts of both directories, docs/edi-edifact.md).
  const head = ['BGM+220+PO1+9', 'DTM+137:20250304:102'];
  const both = (body: readonly string[]) => ({
    D96A: findings(interchange('ORDERS:D:96A:UN', body)),
    D01B: findings(interchange('ORDERS:D:01B:UN', body)),
  });

  it('reads LOC 3225 and TDT 8212 with the lengths both directories give them (an..25, an..35)', () => {
    const loc = (n: number) => ['TOD+++FCA', `LOC+1+${'L'.repeat(n)}`];
    expect(both([...head, ...loc(25), 'UNS+S'])).toEqual({ D96A: [], D01B: [] });
    expect(both([...head, ...loc(30), 'UNS+S'])).toEqual({ D96A: ['39@5:2.1'], D01B: ['39@5:2.1'] });
    const tdt = (n: number) => `TDT+20+++++++:::${'V'.repeat(n)}`;
    expect(both([...head, tdt(35), 'UNS+S'])).toEqual({ D96A: [], D01B: [] });
    expect(both([...head, tdt(40), 'UNS+S'])).toEqual({ D96A: ['39@4:8.4'], D01B: ['39@4:8.4'] });
  });

  it('reads FTX as each directory defines it: 4447 (position 060) and 4440 an..512 in D01B only', () => {
    expect(both([...head, 'FTX+AAI+++Note+EN+1', 'UNS+S'])).toEqual({ D96A: ['16@4:6'], D01B: [] });
    const long = `FTX+AAI+++${'T'.repeat(512)}`;
    expect(both([...head, long, 'UNS+S'])).toEqual({ D96A: ['39@4:4.1'], D01B: [] });
    expect(both([...head, `${long}T`, 'UNS+S'])).toEqual({ D96A: ['39@4:4.1'], D01B: ['39@4:4.1'] });
    expect(both([...head, 'FTX+CHG++QTYCHANGEDCODE', 'UNS+S'])).toEqual({ D96A: ['39@4:3.1'], D01B: [] });
  });

  it('reads MOA 5004 as n..18 in D96A and n..35 in D01B (digits counted, a number either way)', () => {
    const moa = (amount: string) => [...head, 'LIN+1', `MOA+203:${amount}`, 'UNS+S'];
    expect(both(moa(`${'9'.repeat(30)}.5`))).toEqual({ D96A: ['39@5:1.2'], D01B: [] });
    expect(both(moa('9'.repeat(36)))).toEqual({ D96A: ['39@5:1.2'], D01B: ['39@5:1.2'] });
    expect(both(moa('12A'))).toEqual({ D96A: ['37@5:1.2'], D01B: ['37@5:1.2'] });
  });

  it('reads QTY 6060 and MEA 6314 as numbers in D96A, as an..35 / an..18 text in D01B', () => {
    // In D01B the syntax checks a length only; the maps' decimal conversion refuses what is no number.
    const qty = (q: string) => [...head, 'LIN+1', `QTY+21:${q}:PCE`, 'UNS+S'];
    expect(both(qty('5A'))).toEqual({ D96A: ['37@5:1.2'], D01B: [] });
    expect(both(qty('1'.repeat(20)))).toEqual({ D96A: ['39@5:1.2'], D01B: [] });
    expect(both(qty('1'.repeat(36)))).toEqual({ D96A: ['39@5:1.2'], D01B: ['39@5:1.2'] });
    const mea = (v: string) => [...head, 'LIN+1', `MEA+AAE+AAB+KGM:${v}`, 'UNS+S'];
    expect(both(mea('12.5'))).toEqual({ D96A: [], D01B: [] });
    expect(both(mea('about 12'))).toEqual({ D96A: ['37@5:3.2'], D01B: [] });
    expect(both(mea('1'.repeat(19)))).toEqual({ D96A: ['39@5:3.2'], D01B: ['39@5:3.2'] });
  });

  it('reads the D01B composites: NAD C819, RFF C506 1060, PCD 4405, 1131 an..17', () => {
    const nad = 'NAD+BY+123:CODELIST-17CHARS:9++++Town+BY:::Bavaria+80331+DE';
    expect(both([...head, nad, 'LIN+1', 'UNS+S'])).toEqual({ D96A: ['39@4:2.2', '16@4:7.2'], D01B: [] });
    expect(both([...head, 'RFF+ON:1:::2', 'LIN+1', 'PCD+3:10+1', 'UNS+S'])).toEqual({
      D96A: ['16@4:1.5', '16@6:2'],
      D01B: [],
    });
  });

  it('reads BGM 020 and IMD 020 as simple elements in D96A, as C106 and C272 in D01B', () => {
    // D.96A: 020 1004 Document/message number, IMD 020 7081 Item characteristic, coded (both an..3/an..35).
    const bgm = (v: string) => [`BGM+220+${v}+9`, 'DTM+137:20250304:102', 'UNS+S'];
    expect(both(bgm('PO1'))).toEqual({ D96A: [], D01B: [] });
    expect(both(bgm('PO1::2'))).toEqual({ D96A: ['16@2:2.2'], D01B: [] });
    expect(both(bgm('P'.repeat(36)))).toEqual({ D96A: ['39@2:2'], D01B: ['39@2:2.1'] });
    const imd = (v: string) => [...head, 'LIN+1', `IMD+F+${v}+:::Blue widget`, 'UNS+S'];
    expect(both(imd('35'))).toEqual({ D96A: [], D01B: [] });
    expect(both(imd('35:X:9'))).toEqual({ D96A: ['16@5:2.2'], D01B: [] });
  });

  it('requires PAC C402 7064 (type of packages) when C402 is given', () => {
    const pac = (v: string) => [...head, `PAC+1++CT+${v}`, 'UNS+S'];
    expect(both(pac('1:BOX'))).toEqual({ D96A: [], D01B: [] });
    expect(both(pac('1'))).toEqual({ D96A: ['13@4:4.2'], D01B: ['13@4:4.2'] });
  });

  it('walks DESADV D96A as its segment table says (SG2 10, LIN MOA, SG19 SGP, SG22 HAN, SG23 QVR, CNT 5)', () => {
    const desadv = (body: readonly string[]) => ({
      D96A: findings(interchange('DESADV:D:96A:UN', ['BGM+351+SH1+9', ...body])),
      D01B: findings(interchange('DESADV:D:01B:UN', ['BGM+351+SH1+9', ...body])),
    });
    const nads = Array.from({ length: 11 }, (_, i) => `NAD+SF+${i}::9`);
    expect(desadv(nads).D96A).toEqual(['36@13']);
    const line = [
      'CPS+1',
      'LIN+1++4000862141404:SRS',
      'MOA+203:10',
      'SGP+C1',
      'PCI+33E',
      'HAN+EAT',
      'QVR+5:21',
    ];
    expect(desadv(line).D96A).toEqual([]);
    expect(desadv(Array.from({ length: 6 }, () => 'CNT+2:1')).D96A).toEqual(['35@8']);
  });

  it('rejects the message and leaves others and unknown types to the syntax layer', () => {
    const text =
      "UNB+UNOC:3+S:14+G:14+250304:1412+IC1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO1+9'UNT+3+1'" +
      "UNH+2+INVOIC:D:96A:UN'XYZ+1'UNT+3+2'UNZ+2+IC1'";
    const ic = readEdifactWithDirectories(text).interchanges[0]!;
    expect(ic.messages.map((m) => m.status)).toEqual(['rejected', 'accepted']);
    expect(ic.status).toBe('partially-accepted');
  });

  it('reads the same fed in chunks of any size (EdifactDirectoryReader), each message at its UNT', () => {
    // Two orders, the first with a finding (QTY 6060 not a number), the second sound.
    const message = (ref: string, body: readonly string[]) =>
      `UNH+${ref}+ORDERS:D:96A:UN'${body.map((s) => `${s}'`).join('')}UNT+${body.length + 2}+${ref}'`;
    const bad = message(
      '1',
      ORDERS.map((s) => s.replace('QTY+21:5:', 'QTY+21:5A:')),
    );
    const text = `UNB+UNOC:3+SENDER:14+GATEWAY:14+250304:1412+IC1'${bad}${message('2', ORDERS)}UNZ+2+IC1'`;
    const whole = readEdifactWithDirectories(text);
    expect(whole.interchanges[0]!.messages.map((m) => m.status)).toEqual(['rejected', 'accepted']);
    const bytes = Buffer.from(text, 'latin1');
    const firstUnt = text.indexOf(bad) + bad.length;
    for (const size of [1, 5, 64]) {
      const read: string[] = [];
      const reader = new EdifactDirectoryReader(
        {},
        {
          onMessage: (parsed, m) => void read.push(`${parsed.type} ${m.reference} ${m.status}`),
        },
      );
      for (let at = 0; at < bytes.length; at += size) {
        reader.write(bytes.subarray(at, at + size));
        // A message is handed over once its UNT is read, before the next one is.
        if (at < firstUnt && at + size >= firstUnt && at + size < text.length)
          expect(read).toEqual(['ORDERS 1 rejected']);
      }
      expect(reader.end(), `chunks of ${size}`).toEqual(whole);
      expect(read).toEqual(['ORDERS 1 rejected', 'ORDERS 2 accepted']);
    }
  });
});
