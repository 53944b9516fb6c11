import { describe, expect, it } from 'vitest';
import { readX12 } from '../reader.js';
import type { X12Issue } from '../result.js';
import { isSupportedX12Set } from '../supported-sets.js';
import { x12GrammarValidator, type X12GrammarValidatorOptions } from './content-validator.js';
import { loadGrammar } from './grammar-loader.js';
import type { X12GrammarNode, X12GrammarSource } from './grammar.types.js';
import { buildHierarchy, type X12HlRecord } from './hierarchy.js';
import type { X12ParsedSet } from './parsed-set.js';
import { X12SetWalker } from './set-walker.js';

/**
 * The compiled paths of the grammar layer (byte checks with packed code lists, presence bit masks,
 * placement tables, counting sort of HL levels, `keep`) must decide exactly as the string paths do:
 * the cases here sit on the edges between the two.
 */
function wrap(setId: string, body: readonly string[]): string {
  const fid = setId === '856' ? 'SH' : 'PO';
  return [
    'ISA*00*          *00*          *ZZ*BUYER          *ZZ*SUPPLIER       *240131*1230*U*00401*000000101*0*P*>~',
    `GS*${fid}*BUYER*SUPPLIER*20240131*1230*7*X*004010~`,
    `ST*${setId}*0001~`,
    ...body.map((s) => `${s}~`),
    `SE*${body.length + 2}*0001~`,
    'GE*1*7~',
    'IEA*1*000000101~',
  ].join('');
}

function findings(text: string, options: X12GrammarValidatorOptions = {}): string[] {
  const result = readX12(
    text,
    {},
    { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator(options) },
  );
  const set = result.interchanges[0]!.groups[0]!.sets[0]!;
  return set.segmentIssues.map(
    (i: X12Issue) =>
      `${i.severity === 'warning' ? 'warn ' : ''}${i.kind} ${i.segmentId}@${i.segmentPosition}${i.elementPosition ? `.${i.elementPosition}` : ''}${i.badValue === undefined ? '' : ` "${i.badValue}"`}`,
  );
}

const PO_TAIL = ['PO1*1*10*EA*2.5*PE*BP*A-1', 'CTT*1'];
const SHIP = (lin: string): string[] => [
  'BSN*00*SH-1*20240214*1530',
  'HL*1**S*1',
  'HL*2*1*O*1',
  'PRF*PO-1',
  'HL*3*2*I*0',
  lin,
  'SN1**1*EA',
  'CTT*3',
];

describe('grammar fast paths decide as the string paths', () => {
  it('checks coded values on bytes: known, unknown (complete and common lists), and malformed', () => {
    expect(findings(wrap('850', ['BEG*00*SA*PO-1**20240131', ...PO_TAIL]))).toEqual([]);
    // 353 is a complete list: an unknown code is an error; a 4-character value is too long first.
    expect(findings(wrap('850', ['BEG*0X*SA*PO-1**20240131', ...PO_TAIL]))).toEqual([
      'element-invalid-code BEG@2.1 "0X"',
    ]);
    expect(findings(wrap('850', ['BEG*0000*SA*PO-1**20240131', ...PO_TAIL]))).toEqual([
      'element-too-long BEG@2.1 "0000"',
    ]);
    // A component separator or a control character inside a coded value is never a code.
    expect(findings(wrap('850', ['BEG*0>*SA*PO-1**20240131', ...PO_TAIL]))).toEqual([
      'element-invalid-character BEG@2.1 "0>"',
    ]);
    expect(findings(wrap('850', ['BEG*0\u0001*SA*PO-1**20240131', ...PO_TAIL]))).toEqual([
      'element-invalid-character BEG@2.1 "0\u0001"',
    ]);
    // 92 (BEG02) is a common list: noted, not rejected.
    expect(findings(wrap('850', ['BEG*00*QQ*PO-1**20240131', ...PO_TAIL]))).toEqual([
      'warn element-invalid-code BEG@2.2 "QQ"',
    ]);
  });

  it('checks numbers on bytes and sends the rest to the string path', () => {
    expect(findings(wrap('850', ['BEG*00*SA*PO-1**20240131', 'PO1*1*-10*EA*.5*PE*BP*A-1', 'CTT*1']))).toEqual(
      [],
    );
    expect(
      findings(wrap('850', ['BEG*00*SA*PO-1**20240131', 'PO1*1*1.0.1*EA*2.5*PE*BP*A-1', 'CTT*1'])),
    ).toEqual(['element-invalid-character PO1@3.2 "1.0.1"']);
    expect(findings(wrap('850', ['BEG*00*SA*PO-1**20240131', 'PO1*1*10*EA*2E5*PE*BP*A-1', 'CTT*1']))).toEqual(
      ['element-invalid-character PO1@3.4 "2E5"'],
    );
  });

  it('keeps syntax notes right up to element 31 (LIN), where the presence mask uses its sign bit', () => {
    const pairs = Array.from({ length: 15 }, (_, k) => `${String.fromCharCode(65 + k)}Q*V${k}`).join('*');
    expect(findings(wrap('856', SHIP(`LIN*1*${pairs}`)))).toEqual([]);
    // LIN30 without LIN31 breaks P3031; LIN31 without LIN30 as well.
    const without31 = `LIN*1*${Array.from({ length: 14 }, (_, k) => `${String.fromCharCode(65 + k)}Q*V${k}`).join('*')}*QX`;
    expect(findings(wrap('856', SHIP(without31)))).toEqual(['element-conditional-missing LIN@7.31']);
    const without30 = `LIN*1*${Array.from({ length: 14 }, (_, k) => `${String.fromCharCode(65 + k)}Q*V${k}`).join('*')}**VX`;
    expect(findings(wrap('856', SHIP(without30)))).toEqual(['element-conditional-missing LIN@7.30']);
  });

  it('copies only the sets `keep` names, and finds the same either way', () => {
    const text = wrap('850', ['BEG*0X*SA*PO-1**20240131', ...PO_TAIL]);
    const seen: X12ParsedSet[] = [];
    const kept = findings(text, { onSet: (p) => seen.push(p), keep: (id) => id === '856' });
    expect(seen).toEqual([]);
    expect(kept).toEqual(findings(text, { onSet: (p) => seen.push(p) }));
    expect(seen.map((p) => p.setId)).toEqual(['850']);
  });
});

describe('placement tables', () => {
  const source: X12GrammarSource = {
    version: '004010',
    elements: { '353': 'ID 2/2', '98': 'ID 2/3', '93': 'AN 1/60' },
    segments: {
      BEG: { name: 'Beginning', elements: ['353 M'] },
      N1: { name: 'Name', elements: ['98 M'] },
      N2: { name: 'Name 2', elements: ['93 M'] },
    },
    composites: {},
    codeLists: {},
    sets: [
      {
        setId: '850',
        name: 'PO',
        functionalId: 'PO',
        // N2 twice in the set body and in the loop: the walker must take the first one at or after
        // its position, as a scan of the children would.
        body: [
          'BEG M 1',
          'N2 O 1',
          'N2 M 1',
          { loop: 'N1', usage: 'O', max: 2, children: ['N1 M 1', 'N2 O 1', 'BEG O 1', 'N2 M 1'] },
          'N2 O 1',
        ],
      },
    ],
  };
  const grammar = loadGrammar(source).get('850')!;

  function walk(ids: readonly string[]): string[] {
    const out: string[] = [];
    const walker = new X12SetWalker(grammar, (node: X12GrammarNode) =>
      out.push(`missing ${node.kind === 'segment' ? node.id : node.trigger}`),
    );
    for (const id of ids) {
      const node = walker.place(id);
      const where = walker.frames.map((f) => `${f.loop.id || 'set'}:${f.pos}`).join('/');
      out.push(
        node ? `${id} ${where}${walker.problem ? ` ${walker.problem}` : ''}` : `${id} ${walker.problem}`,
      );
    }
    walker.finish();
    return out;
  }

  it('places a repeated id at the first matching child at or after the position, as a scan would', () => {
    // A second N2 at the set's position 1 repeats that child (over its max) rather than jumping on.
    expect(walk(['BEG', 'N2', 'N2', 'N2', 'N1', 'N2', 'N2', 'N1', 'BEG', 'N2', 'BEG', 'N2', 'XX'])).toEqual([
      'BEG set:0',
      'N2 set:1',
      'N2 set:1 segment-over-max',
      'N2 set:1 segment-over-max',
      'missing N2',
      'N1 set:3/N1:0',
      'N2 set:3/N1:1',
      'N2 set:3/N1:1 segment-over-max',
      'missing N2',
      'N1 set:3/N1:0',
      'BEG set:3/N1:2',
      'N2 set:3/N1:3',
      'BEG segment-out-of-sequence',
      'N2 set:3/N1:3 segment-over-max',
      'XX segment-id-unrecognized',
    ]);
    expect(walk(['BEG', 'N1', 'N2', 'N2', 'N1', 'BEG', 'N2', 'N1', 'N1'])).toEqual([
      'BEG set:0',
      'missing N2',
      'N1 set:3/N1:0',
      'N2 set:3/N1:1',
      'N2 set:3/N1:1 segment-over-max',
      'missing N2',
      'N1 set:3/N1:0',
      'BEG set:3/N1:2',
      'N2 set:3/N1:3',
      'N1 set:3/N1:0 loop-over-max',
      'missing N2',
      'N1 set:3/N1:0 loop-over-max',
      'missing N2',
    ]);
    // After BEG inside the loop, N2 skips the loop's first N2 (before the position) for its second.
    expect(walk(['BEG', 'N2', 'N1', 'N2', 'BEG', 'N2', 'N2'])).toEqual([
      'BEG set:0',
      'N2 set:1',
      'missing N2',
      'N1 set:3/N1:0',
      'N2 set:3/N1:1',
      'BEG set:3/N1:2',
      'N2 set:3/N1:3',
      'N2 set:3/N1:3 segment-over-max',
    ]);
  });
});

describe('HL levels in any record order', () => {
  const record = (id: string, parentId: string, position: number): X12HlRecord => ({
    id,
    parentId,
    levelCode: id === '1' ? 'S' : 'I',
    childCode: '',
    position,
    at: { offset: position, segmentIndex: position },
  });

  it('orders levels by depth then position, whether records come in set order or not', () => {
    const inOrder = [record('1', '', 1), record('2', '1', 2), record('3', '1', 3), record('4', '2', 4)];
    const shuffled = [inOrder[2]!, inOrder[0]!, inOrder[3]!, inOrder[1]!];
    for (const records of [inOrder, shuffled]) {
      const h = buildHierarchy(records);
      expect([...h.byId.keys()]).toEqual(['1', '2', '3', '4']);
      expect(h.roots[0]!.children.map((c) => c.record.id)).toEqual(['2', '3']);
      expect(h.problems).toEqual([]);
    }
  });
});
