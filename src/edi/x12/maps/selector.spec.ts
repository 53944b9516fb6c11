import { describe, expect, it } from 'vitest';
import { x12ReadOptions } from '../grammar/content-validator.js';
import type { X12ParsedSet } from '../grammar/parsed-set.js';
import { readX12 } from '../reader.js';
import { parseSelector, X12SelectorError } from './selector.js';
import { selectAll } from './selector-compile.js';
import { bodyScope, type X12Scope } from './set-index.js';

function parsed(body: string, setId = '850', gs01 = 'PO'): X12ParsedSet {
  const sets: X12ParsedSet[] = [];
  const segments = body.split('~').filter((s) => s !== '').length + 2;
  readX12(
    'ISA*00*          *00*          *ZZ*A              *ZZ*B              *250101*0000*U*00401*000000001*0*T*>~' +
      `GS*${gs01}*A*B*20250101*0000*1*X*004010~ST*${setId}*0001~${body}SE*${segments}*0001~GE*1*1~IEA*1*000000001~`,
    {},
    x12ReadOptions({ onSet: (p) => sets.push(p) }),
  );
  return sets[0]!;
}

const scope = (set: X12ParsedSet, exclude: string[] = []): X12Scope =>
  bodyScope(set.body, new Set(exclude), { ISA13: '000000001' }, '>');

describe('map selectors', () => {
  const po = parsed(
    'BEG*00*SA*4500012345**20250303~CUR*BY*USD~N1*BT**92*B1~N1*ST**92*S1~N3*DOCK 2~' +
      'PO1*1*10*EA***BP*M-1*VP*V-1~CTP**UCP*4.25*100*PC>2~PO1*2*5*EA***VP*V-2~CTT*2~',
  );

  it('reads elements, components, conditions, loops, id pairs and envelope values', () => {
    const all = (text: string, exclude: string[] = []) => selectAll(parseSelector(text), scope(po, exclude));
    expect(all('BEG.03')).toEqual(['4500012345']);
    expect(all('N1[01=ST].04')).toEqual(['S1']);
    expect(all('N1[01=ST|BT].04')).toEqual(['B1', 'S1']);
    expect(all('N1[01=ST]/N3.01')).toEqual(['DOCK 2']);
    expect(all('N1[01=BT]/N3.01')).toEqual([]);
    expect(all('PO1.id(VP)')).toEqual(['V-1', 'V-2']);
    expect(all('PO1.id(*)')).toEqual(['M-1', 'V-1', 'V-2']);
    expect(all('CTP.05.1')).toEqual(['PC']);
    expect(all('$ISA13')).toEqual(['000000001']);
    // A collection loop is outside the header's scope.
    expect(all('PO1.01', ['PO1'])).toEqual([]);
  });

  it('refuses what it cannot read, with the selector in the message', () => {
    expect(() => parseSelector('BEG-03')).toThrow(X12SelectorError);
    expect(() => parseSelector('BEG-03')).toThrow('selector "BEG-03"');
    expect(() => parseSelector('N1[1ST].04')).toThrow('is not NN=VALUE');
    expect(() => parseSelector('BEG.id(BP)')).toThrow('BEG has no product id pairs');
    expect(() => parseSelector('$ISA99')).toThrow('unknown envelope value');
    expect(() => parseSelector('BEG.0')).toThrow('element positions start at 1');
  });
});
