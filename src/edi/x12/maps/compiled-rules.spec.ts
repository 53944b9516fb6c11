import { describe, expect, it, vi } from 'vitest';
import { x12ReadOptions } from '../grammar/content-validator.js';
import { defaultX12Grammars } from '../grammar/grammar-registry.js';
import type { X12ParsedSet } from '../grammar/parsed-set.js';
import { readX12 } from '../reader.js';
import { interpretInbound, type X12MapConverters } from './inbound-interpreter.js';
import { compileMap } from './map-loader.js';
import type { X12InboundMap } from './map.types.js';
import { fromSource } from './from-source.js';
import { parseSelector } from './selector.js';
import { allOf, firstOf } from './selector-compile.js';
import { bodyScope } from './set-index.js';

/**
 * The compiled selectors and rules (selector-compile.ts `firstOf`/`allOf`, value-rules.ts), and the
 * interpreter kept from set to set: what it reads of one set never shows in the next.
 */

function parsed(body: string, st02 = '0001'): X12ParsedSet {
  const sets: X12ParsedSet[] = [];
  const segments = body.split('~').filter((s) => s !== '').length + 2;
  readX12(
    'ISA*00*          *00*          *ZZ*A              *ZZ*B              *250101*0000*U*00401*000000001*0*T*>~' +
      `GS*PO*A*B*20250101*0000*1*X*004010~ST*850*${st02}~${body}SE*${segments}*${st02}~GE*1*1~IEA*1*000000001~`,
    {},
    x12ReadOptions({ onSet: (p) => sets.push(p) }),
  );
  return sets[0]!;
}

const PO =
  'BEG*00*SA*4500012345**20250303~CUR*BY*USD~N1*BT**92*B1~N1*ST**92*S1~N3*DOCK 2~' +
  'PO1*1*10*EA***BP*M-1*VP*V-1~CTP**UCP*4.25*100*PC>2~PO1*2*5*EA***VP*V-2~PO1*3* 7 *EA~CTT*3~';

const converters: X12MapConverters = {
  decimal: (text) => text,
  unit: (code) => `rec20:${code}`,
  part: () => undefined,
  location: (theirs) => theirs,
};

function inboundMap(fields: Record<string, unknown>, lineFields: Record<string, unknown>): X12InboundMap {
  return compileMap(
    {
      set: '850',
      version: '004010',
      direction: 'inbound',
      event: 'purchase-order.issued.v1',
      fields,
      collections: { 'payload.lines': { loop: 'PO1', fields: lineFields } },
    } as never,
    'spec',
    { grammars: defaultX12Grammars() },
  ) as X12InboundMap;
}

describe('compiled selectors and rules', () => {
  it('find every value and the first, for every kind of selector, with and without the collection', () => {
    const set = parsed(PO);
    // Expected values as the general (per-call) selector path gave them before selectors were compiled.
    const whole: Record<string, string[]> = {
      'BEG.03': ['4500012345'],
      'BEG.04': [],
      'N1[01=ST].04': ['S1'],
      'N1[01=ST|BT].04': ['B1', 'S1'],
      'N1[01=XX].04': [],
      'N1[01=ST]/N3.01': ['DOCK 2'],
      'PO1.id(VP)': ['V-1', 'V-2'],
      'PO1.id(BP|VP)': ['M-1', 'V-1', 'V-2'],
      'PO1.id(*)': ['M-1', 'V-1', 'V-2'],
      'PO1.id(ZZ)': [],
      'CTP.05.1': ['PC'],
      'CTP.05.2': ['2'],
      'CTP[04.1=100].03': ['4.25'],
      'PO1.02': ['10', '5', ' 7 '],
      '^CUR[01=BY].02': ['USD'],
      $ISA13: ['000000001'],
      $GS04: [],
    };
    // With PO1 a collection, the header sees none of the lines' segments.
    const lines = new Set([
      'PO1.id(VP)',
      'PO1.id(BP|VP)',
      'PO1.id(*)',
      'CTP.05.1',
      'CTP.05.2',
      'CTP[04.1=100].03',
      'PO1.02',
    ]);
    for (const exclude of [[], ['PO1']]) {
      const scope = bodyScope(set.body, new Set(exclude), { ISA13: '000000001', GS04: '' }, '>');
      for (const [text, values] of Object.entries(whole)) {
        const expected = exclude.length > 0 && lines.has(text) ? [] : values;
        const selector = parseSelector(text);
        const collected: string[] = [];
        allOf(selector)(scope, collected);
        expect(collected, `${text} (${exclude.join()})`).toEqual(expected);
        expect(firstOf(selector)(scope), `${text} (${exclude.join()})`).toBe(expected[0]);
      }
    }
  });

  it('evaluate alternatives, codes, kinds, aggregates and envelope values per line', () => {
    const map = inboundMap(
      {
        'document.number': 'BEG.03',
        'document.kind': { at: 'BEG.01', codes: { '00': 'original' } },
        'payload.partIds': { at: ['PO1.id(*)'], aggregate: 'all', itemKey: 'id' },
        'payload.count': { at: 'PO1.01', aggregate: 'count' },
      },
      {
        lineNumber: 'PO1.01',
        material: ['PO1.id(BP)', { at: 'PO1.id(VP)', as: 'part' }, 'PO1.id(*)'],
        'quantity.value': { at: 'PO1.02', as: 'decimal' },
        'quantity.unit': { at: 'PO1.03', as: 'unit' },
        currency: '^CUR[01=BY].02',
        control: '$ST02',
      },
    );
    // The header's scope excludes the collection loop: no part ids, nothing to count.
    const read = interpretInbound(parsed(PO), map, {
      envelope: { ST02: '0001' },
      component: '>',
      converters,
    });
    expect(read.problems).toEqual([]);
    expect(read.value).toEqual({
      document: { number: '4500012345', kind: 'original' },
      payload: {
        count: 0,
        lines: [
          {
            lineNumber: '1',
            material: 'M-1',
            quantity: { value: '10', unit: 'rec20:EA' },
            currency: 'USD',
            control: '0001',
          },
          {
            lineNumber: '2',
            material: 'V-2',
            quantity: { value: '5', unit: 'rec20:EA' },
            currency: 'USD',
            control: '0001',
          },
          // Values are trimmed; a line without ids has no material.
          { lineNumber: '3', quantity: { value: '7', unit: 'rec20:EA' }, currency: 'USD', control: '0001' },
        ],
      },
    });
  });

  it('reads each set afresh: envelope values, lines and problems of one set never show in the next', () => {
    const map = inboundMap(
      { 'document.number': 'BEG.03' },
      { lineNumber: 'PO1.01', control: '$ST02', 'quantity.value': { at: 'PO1.02', as: 'int' } },
    );
    const first = interpretInbound(parsed(PO), map, {
      envelope: { ST02: '0001' },
      component: '>',
      converters,
    });
    const second = interpretInbound(
      parsed('BEG*00*SA*4500099999**20250303~PO1*9*X1*EA~CTT*1~', '0002'),
      map,
      { envelope: { ST02: '0002' }, component: '>', converters },
    );
    expect(first.problems).toEqual([]);
    expect((first.value.payload as { lines: unknown[] }).lines).toHaveLength(3);
    expect(second.value).toEqual({
      document: { number: '4500099999' },
      payload: { lines: [{ lineNumber: '9', control: '0002' }] },
    });
    expect(second.problems).toEqual(['payload.lines[0].quantity.value: "X1" is not a whole number']);
  });

  it('gives the same event where code generation from strings is disallowed', () => {
    // Every generated shape: setters, the unrolled rule list, alternatives, several selectors, an
    // aggregate of several selectors, and a rule that fails.
    const fields = {
      'document.number': 'BEG.03',
      'payload.currency': { at: ['CUR[01=SE].02', 'CUR[01=BY].02'] },
      'payload.parties': { at: ['N1[01=BT].04', 'N1[01=ST].04'], aggregate: 'all' },
    };
    const lines = {
      lineNumber: 'PO1.01',
      'quantity.value': { at: 'PO1.02', as: 'int' },
      'quantity.unit': { at: 'PO1.03', as: 'int' },
      material: ['PO1.id(BP)', 'PO1.id(VP)'],
    };
    const context = { envelope: {}, component: '>', converters };
    const generated = interpretInbound(parsed(PO), inboundMap(fields, lines), context);
    const payload = generated.value.payload as Record<string, unknown>;
    expect(payload.currency).toBe('USD');
    expect(payload.parties).toEqual(['B1', 'S1']);
    expect((payload.lines as { material?: string }[]).map((l) => l.material)).toEqual([
      'M-1',
      'V-2',
      undefined,
    ]);
    expect(generated.problems).toEqual([
      'payload.lines[0].quantity.unit: "EA" is not a whole number',
      'payload.lines[1].quantity.unit: "EA" is not a whole number',
      'payload.lines[2].quantity.unit: "EA" is not a whole number',
    ]);
    // What `--disallow-code-generation-from-strings` makes of `new Function` (a fresh map: new paths).
    const refused = vi.fn(function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    vi.stubGlobal('Function', refused);
    try {
      const plain = interpretInbound(parsed(PO), inboundMap(fields, lines), context);
      // Every generated shape asked for code and took its loop.
      expect(refused.mock.calls.length).toBeGreaterThanOrEqual(5);
      expect(plain).toEqual(generated);
      expect(JSON.stringify(plain)).toBe(JSON.stringify(generated));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('takes the loop where the source is more than V8 compiles (tens of thousands of parameters)', () => {
    const names = Array.from({ length: 70_000 }, (_, k) => `f${k}`);
    expect(fromSource(names, 'return () => "generated";', [], () => () => 'loop')()).toBe('loop');
    expect(fromSource(['f0'], 'return () => f0;', ['generated'], () => () => 'loop')()).toBe('generated');
  });

  it('refuses a field path through __proto__, constructor or prototype at load', () => {
    for (const key of ['payload.__proto__.polluted', 'constructor', 'payload.prototype'])
      expect(() => inboundMap({ [key]: 'BEG.03' }, { lineNumber: 'PO1.01' }), key).toThrow(
        'cannot be part of a field path',
      );
    expect(() => inboundMap({ 'document.number': 'BEG.03' }, { 'x.__proto__': 'PO1.01' })).toThrow(
      'cannot be part of a field path',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('sets a field whose name holds quotes and brackets as that name, never as code', () => {
    // No dots: a dot would make it a path.
    const key = 'x"]; globalThis["compiledRulesPwned"] = 1; //';
    const map = inboundMap({ [`payload.${key}`]: 'BEG.03' }, { lineNumber: 'PO1.01' });
    const read = interpretInbound(parsed(PO), map, { envelope: {}, component: '>', converters });
    expect((read.value.payload as Record<string, unknown>)[key]).toBe('4500012345');
    expect((globalThis as Record<string, unknown>).compiledRulesPwned).toBeUndefined();
  });
});

describe('hierarchy levels', () => {
  function shipment(body: string): X12ParsedSet {
    const sets: X12ParsedSet[] = [];
    const segments = body.split('~').filter((s) => s !== '').length + 2;
    readX12(
      'ISA*00*          *00*          *ZZ*A              *ZZ*B              *250101*0000*U*00401*000000001*0*T*>~' +
        `GS*SH*A*B*20250101*0000*1*X*004010~ST*856*0001~${body}SE*${segments}*0001~GE*1*1~IEA*1*000000001~`,
      {},
      x12ReadOptions({ onSet: (p) => sets.push(p) }),
    );
    return sets[0]!;
  }

  function ordersMap(level: string | string[]): X12InboundMap {
    return compileMap(
      {
        set: '856',
        version: '004010',
        direction: 'inbound',
        event: 'ship-notice.received.v1',
        fields: { 'document.number': 'BSN.02' },
        collections: { 'payload.orders': { level, fields: { number: 'PRF.01' } } },
      } as never,
      'spec',
      { grammars: defaultX12Grammars() },
    ) as X12InboundMap;
  }

  // Two-character level codes (DE 735 PA, OR, TO) next to the one-character ones.
  const body =
    'BSN*00*SH-1*20250303*1200~HL*1**S~HL*2*1*OR~PRF*PO-OR~HL*3*1*O~PRF*PO-O~HL*4*1*PA~PRF*PO-PA~HL*5*1*P~PRF*PO-P~';

  it('reads the levels a collection names, of one character or two, and no other', () => {
    const set = shipment(body);
    const context = { envelope: {}, component: '>', converters };
    const numbers = (level: string | string[]): unknown =>
      (
        interpretInbound(set, ordersMap(level), context).value.payload as { orders: { number: string }[] }
      ).orders.map((o) => o.number);
    expect(numbers('O')).toEqual(['PO-O']);
    expect(numbers('OR')).toEqual(['PO-OR']);
    expect(numbers(['O', 'OR'])).toEqual(['PO-OR', 'PO-O']);
    expect(numbers('P')).toEqual(['PO-P']);
    expect(numbers('PA')).toEqual(['PO-PA']);
    expect(numbers(['PA', 'P', 'O'])).toEqual(['PO-O', 'PO-PA', 'PO-P']);
  });
});

describe("one scan of a scope serves all its rules' selectors", () => {
  it('gives each selector the value its own scan gave: the first in scope order, or all of them', () => {
    const map = inboundMap(
      {
        // Two N1s: the first in the body wins without a condition; a condition skips the first.
        'payload.firstParty': 'N1.04',
        'payload.shipTo': 'N1[01=ST].04',
        'payload.parties': { at: ['N1[01=ST].04', 'N1[01=BT].04'], aggregate: 'all' },
        'payload.names': { at: 'N1.04', aggregate: 'all' },
        // A rule whose condition reads a segment its value does not.
        'payload.currency': { at: 'CUR.02', if: 'N1[01=ST].04' },
        'payload.noCurrency': { at: 'CUR.02', if: 'N1[01=SE].04' },
      },
      {
        lineNumber: 'PO1.01',
        // Three selectors on the same segment: each its own slot.
        buyerPart: 'PO1.id(BP)',
        vendorPart: 'PO1.id(VP)',
        ids: { at: 'PO1.id(*)', aggregate: 'all' },
        price: 'CTP.03',
      },
    );
    const read = interpretInbound(parsed(PO), map, { envelope: {}, component: '>', converters });
    expect(read.problems).toEqual([]);
    const payload = read.value.payload as Record<string, unknown>;
    expect(payload.firstParty).toBe('B1');
    expect(payload.shipTo).toBe('S1');
    // Selector after selector, each in scope order.
    expect(payload.parties).toEqual(['S1', 'B1']);
    expect(payload.names).toEqual(['B1', 'S1']);
    expect(payload.currency).toBe('USD');
    expect(payload.noCurrency).toBeUndefined();
    // Nothing of one line shows in the next: line 2 has no BP and no CTP, line 3 no ids at all.
    expect(payload.lines).toEqual([
      { lineNumber: '1', buyerPart: 'M-1', vendorPart: 'V-1', ids: ['M-1', 'V-1'], price: '4.25' },
      { lineNumber: '2', vendorPart: 'V-2', ids: ['V-2'] },
      { lineNumber: '3' },
    ]);
  });
});
