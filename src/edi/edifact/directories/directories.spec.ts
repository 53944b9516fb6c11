import { describe, expect, it } from 'vitest';
import { compileDirectory, EdifactDirectoryError } from './directory-loader.js';
import { defaultEdifactDirectories, EDIFACT_DIRECTORY_SOURCES } from './directories.js';
import { readEdifactWithDirectories } from './message-reader.js';

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

  it('knows what D01B changed (LOC 3225 an..25 → an..35)', () => {
    const loc = 'LOC+1+12345678901234567890123456789';
    const body = ['BGM+220+PO1+9', 'DTM+137:20250304:102', 'TOD+++FCA', loc, 'UNS+S'];
    expect(findings(interchange('ORDERS:D:96A:UN', body))).toEqual(['39@5:2.1']);
    expect(findings(interchange('ORDERS:D:01B:UN', body))).toEqual([]);
  });

  it('rejects the message and leaves others and unknown types to the syntax layer', () => {
    const text =
      "UNB+UNOC:3+S:14+G:14+250304:1412+IC1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO1+9'UNT+3+1'" +
      "UNH+2+INVOIC:D:96A:UN'XYZ+1'UNT+3+2'UNZ+2+IC1'";
    const ic = readEdifactWithDirectories(text).interchanges[0]!;
    expect(ic.messages.map((m) => m.status)).toEqual(['rejected', 'accepted']);
    expect(ic.status).toBe('partially-accepted');
  });
});
