import { describe, expect, it } from 'vitest';
import { isa } from './fixtures/build.js';
import { readX12 } from './reader.js';

describe('value decoding', () => {
  it('gives the same values whether a chunk is decoded value by value or as one string', () => {
    // Enough values that the byte source switches from per-value decoding to one region string mid-chunk.
    const body = Array.from({ length: 400 }, (_, k) => `REF*ZZ*V${k}*${'x'.repeat(k % 40)}`);
    const text = `${isa()}GS*PO*A*B*20240131*1230*7*X*005010~ST*850*0001~${body.join('~')}~SE*402*0001~GE*1*7~IEA*1*000000101~`;
    const lean: string[][] = [];
    readX12(text, { segment: (v) => void (v.id === 'REF' && lean.push([v.element(2)])) });
    const full: string[][] = [];
    readX12(text, { segment: (v) => void (v.id === 'REF' && full.push(v.elements())) });
    expect(lean).toEqual(body.map((_, k) => [`V${k}`]));
    expect(full).toEqual(body.map((s) => s.split('*')));
  });
});
