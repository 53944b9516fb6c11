import { describe, expect, it } from 'vitest';
import { loadGrammar, X12GrammarError } from './grammar-loader.js';
import { X12_GRAMMAR_SOURCES, X12GrammarRegistry } from './grammar-registry.js';
import type { X12GrammarSource, X12SetSource } from './grammar.types.js';

const base: X12GrammarSource = {
  version: '004010',
  elements: { '353': 'ID 2/2', '324': 'AN 1/22', '373': 'DT 8/8', '98': 'ID 2/3', '93': 'AN 1/60' },
  segments: {
    BEG: { name: 'Beginning', elements: ['353 M', '324 M', '373 M'] },
    N1: { name: 'Name', elements: ['98 M', '93 X'], notes: ['C0102'] },
  },
  composites: {},
  codeLists: { '353': { scope: 'complete', codes: ['00', '01'] } },
  sets: [
    {
      setId: '850',
      name: 'PO',
      functionalId: 'PO',
      body: ['BEG M 1', { loop: 'N1', usage: 'O', max: 200, children: ['N1 O 1'] }],
    },
  ],
};

function problemsOf(source: X12GrammarSource): readonly string[] {
  try {
    loadGrammar(source);
  } catch (error) {
    expect(error).toBeInstanceOf(X12GrammarError);
    return (error as X12GrammarError).problems;
  }
  throw new Error('the grammar loaded');
}

const withSet = (body: X12SetSource['body']): X12GrammarSource => ({
  ...base,
  sets: [{ ...base.sets[0]!, body }],
});

describe('grammar loading', () => {
  it('compiles the built-in 850 855 856 860 865 grammars of 004010 and 005010', () => {
    const registry = new X12GrammarRegistry();
    expect(registry.versions()).toEqual(['004010', '005010']);
    for (const version of ['004010VICS', '005010']) {
      for (const set of ['850', '855', '856', '860', '865']) {
        const grammar = registry.find(set, version);
        expect(grammar?.setId, `${set} ${version}`).toBe(set);
        expect(grammar!.root.children.length).toBeGreaterThan(2);
      }
    }
    expect(registry.find('810', '004010')).toBeUndefined();
    expect(registry.find('850', '004060')).toBeUndefined();
    // 005010 differences live in the dictionaries: REF02 is 1/30 in 004010 and 1/50 in 005010.
    const ref = (v: string) => registry.find('850', v)!.dictionary.get('REF')!.elements[1]!.max;
    expect([ref('004010'), ref('005010')]).toEqual([30, 50]);
    expect(X12_GRAMMAR_SOURCES.length).toBe(2);
  });

  it('links loops: triggers, AK303 codes, unique ids', () => {
    const grammar = new X12GrammarRegistry().find('850', '004010')!;
    const po1 = grammar.loops.get('PO1')!;
    expect([po1.trigger, po1.code, po1.usage, po1.max]).toEqual(['PO1', 'PO1', 'M', 100000]);
    expect(grammar.loops.get('PO1/N1')!.code).toBe('N1');
    expect(grammar.loops.get('PO1/N1')!.parent).toBe(po1);
  });

  it('rejects an unknown segment id in a loop', () => {
    const problems = problemsOf(
      withSet(['BEG M 1', { loop: 'N1', usage: 'O', max: 1, children: ['N1 O 1', 'N9 O 1'] }]),
    );
    expect(problems).toEqual(['set 850 (004010): unknown segment id N9 in loop N1']);
  });

  it('rejects duplicate loop ids, bad max use and loops without a trigger segment', () => {
    const problems = problemsOf(
      withSet([
        'BEG M 0',
        { loop: 'N1', usage: 'O', max: 1, children: ['N1 O 1'] },
        { loop: 'N1', usage: 'O', max: 0, children: ['N1 O 1'] },
        {
          loop: 'X',
          usage: 'O',
          max: 1,
          children: [{ loop: 'Y', usage: 'O', max: 1, children: ['N1 O 1'] }],
        },
      ]),
    );
    expect(problems).toEqual([
      'set 850 (004010): segment BEG has bad max 0',
      'set 850 (004010): duplicate loop id N1',
      'set 850 (004010): loop N1 has bad max 0',
      'set 850 (004010): loop X does not start with a segment',
    ]);
  });

  it('rejects bad element specs, unknown elements, bad min/max and syntax notes past the segment end', () => {
    const problems = problemsOf({
      ...base,
      elements: { ...base.elements, '93': 'AN 5/2', '98': 'XX 1/2' },
      segments: {
        ...base.segments,
        N1: { name: 'Name', elements: ['98 M', '93 X', '67 Q'], notes: ['P0204', 'C01'] },
      },
    });
    expect(problems).toEqual([
      'data element 98: "XX 1/2" is not "TYPE min/max"',
      'data element 93: bad min/max 5/2',
      'segment N1 element 3: requirement "Q" is not M, O or X',
      'segment N1 element 3: unknown data element 67',
      'segment N1: syntax note P0204 names position 4 of 3',
      'segment N1: syntax note "C01" is not P/R/E/C/L followed by two-digit positions',
    ]);
  });

  it('rejects a code list for an element that does not exist', () => {
    const problems = problemsOf({ ...base, codeLists: { '999': { scope: 'common', codes: ['A'] } } });
    expect(problems).toEqual(['code list for unknown data element 999']);
  });
});
