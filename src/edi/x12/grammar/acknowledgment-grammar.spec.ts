import { describe, expect, it } from 'vitest';
import { buildX12Acknowledgment } from '../ack-builder.js';
import { gs, isa, set } from '../fixtures/build.js';
import { readX12 } from '../reader.js';
import type { X12Issue } from '../result.js';
import { x12ReadOptions } from './content-validator.js';
import { loadGrammar, X12GrammarError } from './grammar-loader.js';
import { X12GrammarRegistry } from './grammar-registry.js';

const registry = new X12GrammarRegistry();

/** A partner's FA interchange holding one acknowledgment set with `body` (group version `version`). */
function partnerAck(type: '997' | '999', body: readonly string[], version = '005010'): string {
  return (
    isa({ version: version >= '005010' ? '00501' : '00401', isa11: version >= '005010' ? '^' : 'U' }) +
    gs({ functionalId: 'FA', version, control: '41' }) +
    set(type, '0001', body) +
    'GE*1*41~IEA*1*000000101~'
  );
}

function read(text: string) {
  const ic = readX12(text, {}, x12ReadOptions()).interchanges[0]!;
  const s = ic.groups[0]!.sets[0]!;
  const notes = s.segmentIssues
    .filter((i: X12Issue) => i.severity === 'error')
    .map((i) => `${i.codeList} ${i.code} ${i.segmentId}@${i.segmentPosition}.${i.elementPosition ?? ''}`);
  return { ic, status: s.status, notes };
}

describe('997 and 999 grammars', () => {
  it('loads the 997 in 004010 and 005010 and the 999 in 005010 only', () => {
    for (const v of ['004010', '005010']) {
      const g = registry.find('997', v)!;
      expect([g.setId, g.functionalId, g.version]).toEqual(['997', 'FA', v]);
      expect(g.root.children.map((c) => c.id)).toEqual(['AK1', 'AK2', 'AK9']);
      const ak2 = g.loops.get('AK2')!;
      expect(ak2.children.map((c) => `${c.id} ${c.usage}`)).toEqual(['AK2 O', 'AK2/AK3 O', 'AK5 M']);
      expect(g.loops.get('AK2/AK3')!.code).toBe('AK3');
      expect(g.loops.get('AK2/AK3')!.children.map((c) => `${c.id} ${c.max}`)).toEqual(['AK3 1', 'AK4 99']);
    }
    expect(registry.find('999', '004010')).toBeUndefined();
    const g999 = registry.find('999', '005010X231A1')!;
    expect([...g999.loops.keys()]).toEqual(['AK2/IK3/IK4', 'AK2/IK3', 'AK2']);
    expect(g999.loops.get('AK2/IK3')!.children.map((c) => c.id)).toEqual(['IK3', 'CTX', 'AK2/IK3/IK4']);
    expect(g999.loops.get('AK2/IK3/IK4')!.children.map((c) => `${c.id} ${c.max}`)).toEqual([
      'IK4 1',
      'CTX 10',
    ]);
  });

  it('keeps the element definitions of each version (DE 719, 447, C030, AK103, CTX01)', () => {
    const seg = (set: string, v: string, id: string) => registry.find(set, v)!.dictionary.get(id)!;
    const spec = (e: { ref: string; requirement: string; type: string; min: number; max: number }) =>
      `${e.ref} ${e.requirement} ${e.type} ${e.min}/${e.max}`;
    expect(seg('997', '004010', 'AK3').elements.map(spec)).toEqual([
      '721 M ID 2/3',
      '719 M N0 1/6',
      '447 O AN 1/6',
      '720 O ID 1/3',
    ]);
    expect(seg('997', '005010', 'AK3').elements.map(spec)).toEqual([
      '721 M ID 2/3',
      '719 M N0 1/10',
      '447 O AN 1/4',
      '720 O ID 1/3',
    ]);
    expect(seg('997', '004010', 'AK1').elements.map((e) => e.ref)).toEqual(['479', '28']);
    expect(seg('997', '005010', 'AK1').elements.map((e) => e.ref)).toEqual(['479', '28', '480']);
    expect(seg('997', '004010', 'AK4').elements[0]!.components!.map((c) => c.ref)).toEqual(['722', '1528']);
    expect(seg('999', '005010', 'IK4').elements[0]!.components!.map((c) => c.ref)).toEqual([
      '722',
      '1528',
      '1686',
    ]);
    expect(seg('999', '005010', 'IK4').elements.map((e) => `${e.ref} ${e.requirement}`)).toEqual([
      'C030 M',
      '725 O',
      '621 M',
      '724 O',
    ]);
    const ctx = seg('999', '005010', 'CTX').elements;
    expect([ctx[0]!.ref, ctx[0]!.repeat, ctx[0]!.components!.map((c) => c.ref)]).toEqual([
      'C998',
      10,
      ['9999', '9998'],
    ]);
    expect(seg('997', '004010', 'AK9').elements.map((e) => `${e.ref} ${e.requirement}`)).toEqual([
      '715 M',
      '97 M',
      '123 M',
      '2 M',
      '716 O',
      '716 O',
      '716 O',
      '716 O',
      '716 O',
    ]);
    expect(seg('997', '005010', 'TA1').elements.map(spec)).toEqual([
      'I12 M N0 9/9',
      'I08 M DT 6/6',
      'I09 M TM 4/4',
      'I17 M ID 1/1',
      'I18 M ID 3/3',
    ]);
  });

  it('lists each version its own codes (ACK-CODES.md): AK905 7–9, 19, 30, 31 and AK502 18, 19 only in 005010', () => {
    const codes = (set: string, v: string, id: string, k: number) =>
      [...registry.find(set, v)!.dictionary.get(id)!.elements[k]!.codes!.codes].sort();
    expect(codes('997', '004010', 'AK9', 4)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(codes('997', '005010', 'AK9', 4)).toEqual(
      ['1', '19', '2', '3', '30', '31', '4', '5', '6', '7', '8', '9'].sort(),
    );
    expect(codes('997', '004010', 'AK5', 1)).toEqual(['1', '2', '23', '3', '4', '5', '6', '7']);
    expect(codes('997', '005010', 'AK5', 1)).toContain('18');
    expect(codes('997', '004010', 'AK5', 0)).toEqual(['A', 'E', 'M', 'R', 'W', 'X']);
    expect(codes('997', '004010', 'AK9', 0)).toEqual(['A', 'E', 'M', 'P', 'R', 'W', 'X']);
    expect(codes('997', '004010', 'AK3', 3)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(codes('997', '004010', 'AK4', 2)).not.toContain('12');
    expect(codes('997', '005010', 'AK4', 2)).toEqual(expect.arrayContaining(['12', '13']));
    expect(codes('999', '005010', 'IK3', 3)).toEqual(expect.arrayContaining(['8', 'I4', 'I9']));
    expect(codes('999', '005010', 'IK4', 2)).toEqual(expect.arrayContaining(['13', 'I6', 'I13']));
    expect(codes('999', '005010', 'IK5', 1)).toEqual(expect.arrayContaining(['23', 'I5', 'I6']));
    expect(codes('997', '004010', 'TA1', 4)).toContain('025');
  });

  it('refuses a repeat count that is not a positive integer', () => {
    const source = {
      version: '005010' as const,
      elements: { '9999': 'AN 1/35' },
      segments: { CTX: { name: 'Context', elements: ['9999 M 0'] } },
      composites: {},
      codeLists: {},
      sets: [],
    };
    expect(() => loadGrammar(source)).toThrow(X12GrammarError);
    expect(() => loadGrammar(source)).toThrow(
      'segment CTX element 1: "9999 M 0" is not "REF REQ" or "REF REQ REPEAT"',
    );
  });
});

describe("a partner's 997 / 999 read with the grammars", () => {
  it('accepts valid ones: a 999 whose CTX01 repeats, a 004010 997 with AK3/AK4', () => {
    const ctx = read(
      partnerAck('999', [
        'AK1*PO*7*005010',
        'AK2*850*0001',
        'IK3*N1*3**8',
        'CTX*SITUATIONAL TRIGGER^SITUATIONAL TRIGGER:2*PO1*5**2:1*330',
        'IK4*2*98*7*ZZZ',
        'IK5*R*5',
        'AK9*R*1*1*0',
      ]),
    );
    expect([ctx.status, ctx.notes]).toEqual(['accepted', []]);
    const v4 = read(
      partnerAck(
        '997',
        ['AK1*PO*7', 'AK2*850*0001', 'AK3*N1*3*N1*8', 'AK4*2*98*7*ZZZ', 'AK5*R*5', 'AK9*R*1*1*0'],
        '004010',
      ),
    );
    expect([v4.status, v4.notes]).toEqual(['accepted', []]);
  });

  it('rejects CTX01 past ten repetitions; notes, without rejecting, a 004010 AK905 code only 005010 has', () => {
    const eleven = Array.from({ length: 11 }, () => 'SITUATIONAL TRIGGER').join('^');
    const ctx = read(
      partnerAck('999', [
        'AK1*PO*7',
        'AK2*850*0001',
        'IK3*N1*3**8',
        `CTX*${eleven}`,
        'IK5*R*5',
        'AK9*R*1*1*0',
      ]),
    );
    expect([ctx.status, ctx.notes]).toEqual(['rejected', ['AK403 12 CTX@5.1']]);
    // A code that only says why is no reason to lose the partner's verdict (its AK901 R stands).
    const v4 = read(partnerAck('997', ['AK1*PO*7', 'AK9*R*0*0*0*7'], '004010'));
    expect([v4.status, v4.notes]).toEqual(['accepted', []]);
    expect(
      v4.ic.groups[0]!.sets[0]!.segmentIssues.map((i) => [i.severity, i.codeList, i.code, i.segmentId]),
    ).toEqual([['warning', 'AK403', '7', 'AK9']]);
    // A verdict that is no code of the version is no acknowledgment.
    const verdict = read(partnerAck('997', ['AK1*PO*7', 'AK9*Q*0*0*0'], '004010'));
    expect([verdict.status, verdict.notes]).toEqual(['rejected', ['AK403 7 AK9@3.1']]);
  });

  it('rejects a 997 without AK501, and still never acknowledges it', () => {
    const broken = read(partnerAck('997', ['AK1*PO*7', 'AK2*850*0001', 'AK5', 'AK9*A*1*1*1']));
    expect([broken.status, broken.notes]).toEqual(['rejected', ['AK403 1 AK5@4.1']]);
    expect(broken.ic.groups[0]!.status).toBe('rejected');
    let taken = 0;
    const ack = buildX12Acknowledgment(broken.ic, {
      nextControlNumber: () => ++taken,
      now: new Date(Date.UTC(2024, 1, 2, 9, 5)),
    });
    expect(ack.kind).toBe('none');
    expect(taken).toBe(0);
  });
});
