import { describe, expect, it } from 'vitest';
import { isa } from './fixtures/build.js';
import { readX12 } from './reader.js';

/**
 * Values of up to three bytes come from a small table keyed by their bytes, where a slot wanted by
 * another key is overwritten; ids come from a cache of limited size. Thousands of distinct short values
 * and ids (more than either holds) must still read back exactly as the text says, in any order of reuse.
 */
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function interchange(body: readonly string[]): string {
  return `${isa()}GS*PO*A*B*20240131*1230*7*X*005010~ST*850*0001~${body.join('~')}~SE*${body.length + 2}*0001~GE*1*7~IEA*1*000000101~`;
}

describe('short values and ids', () => {
  it('reads thousands of distinct one- to three-byte values back exactly', () => {
    const printable = Array.from({ length: 0x5e }, (_, k) => String.fromCharCode(0x21 + k)).filter(
      (c) => c !== '*' && c !== '~' && c !== '^' && c !== '>',
    );
    const values: string[] = [];
    for (let k = 0; k < 6000; k++) {
      const length = 1 + (k % 3);
      let v = '';
      for (let j = 0; j < length; j++)
        v += printable[(k * 7 + j * 13 + Math.floor(k / 91)) % printable.length];
      values.push(v);
    }
    // Every value twice, the second time after thousands of others have taken the table's slots.
    const body = [...values, ...values].map((v, k) => `REF*${v}*${k % 2 === 0 ? v : ''}*${v}${v}`);
    const seen: string[][] = [];
    readX12(interchange(body), {
      segment: (view) =>
        void (view.id === 'REF' && seen.push([view.element(1), view.element(2), view.element(3)])),
    });
    expect(seen).toEqual(body.map((s) => s.split('*').slice(1)));
  });

  it('names every two- and three-character segment id right', () => {
    const ids: string[] = [];
    for (const a of LETTERS.slice(0, 26)) for (const b of LETTERS) ids.push(`${a}${b}`);
    for (let k = 0; k < 3000; k++)
      ids.push(`${LETTERS[k % 26]}${LETTERS[(k * 7) % 36]}${LETTERS[(k * 11) % 36]}`);
    const body = [...ids, ...ids.slice().reverse()]
      .filter((id) => !['ISA', 'IEA', 'GS', 'GE', 'ST', 'SE', 'TA1', 'ISB', 'ISE'].includes(id))
      .map((id) => `${id}*1`);
    const seen: string[] = [];
    readX12(interchange(body), {
      segment: (view, ctx) => void (ctx.positionInSet > 1 && seen.push(view.id)),
    });
    expect(seen.slice(0, body.length)).toEqual(body.map((s) => s.slice(0, s.indexOf('*'))));
  });
  it('keeps every value of every segment exact across decoded windows', () => {
    // Values of 1 to 40 bytes over some 300 KB: kept copies (`toSegment`, which decodes windows at
    // once) and values read one by one in between must both give the text as sent.
    const body: string[] = [];
    for (let k = 0; k < 6000; k++) {
      const values = [1, 4, 12, 13, 20, 40].map((n, j) =>
        Array.from({ length: (n + k + j) % 41 }, (_, i) => LETTERS[(k + i * j) % 36]).join(''),
      );
      body.push(`REF*${values.join('*')}`);
    }
    const kept: string[][] = [];
    const read: string[] = [];
    readX12(interchange(body), {
      segment: (view) => {
        if (view.id !== 'REF') return;
        if (view.segmentIndex % 5 === 0) read.push(view.element(3));
        else kept.push(view.toSegment().elements.slice(1));
      },
    });
    const expected = body.map((s) => s.split('*').slice(1));
    expect(kept).toEqual(expected.filter((_, k) => (k + 3) % 5 !== 0));
    expect(read).toEqual(expected.filter((_, k) => (k + 3) % 5 === 0).map((v) => v[2]));
  });
});
