import { describe, expect, it } from 'vitest';
import { EdifactTokenizer } from './tokenizer.js';

/** Values through `eachValue` (which shares two- and three-character strings) and through `elements()`. */
function bothWays(bytes: Uint8Array, chunk: number): { each: string[]; elements: string[] } {
  const each: string[] = [];
  const elements: string[] = [];
  const t = new EdifactTokenizer({
    segment: (v) => {
      v.eachValue((value) => each.push(value));
      for (const e of v.elements()) for (const rep of e) elements.push(...rep);
    },
    issue: () => undefined,
  });
  for (let i = 0; i < bytes.length; i += chunk) t.write(bytes.subarray(i, i + chunk));
  t.end();
  return { each, elements };
}

describe('EDIFACT short values shared by eachValue', () => {
  it('keeps every two- and three-character value exact when thousands of them compete for the table', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-';
    const segments: string[] = ["UNA:+.? '"];
    for (const a of letters) {
      const values: string[] = [];
      for (const b of letters) values.push(`${a}${b}`, `${a}${b}${a}`, `${b}${a}`, `${a}${b}?+`);
      segments.push(`FTX+${values.join(':')}'`);
    }
    const bytes = Buffer.from(segments.join('\n'), 'latin1');
    for (const chunk of [1, 7, 64, bytes.length]) {
      const { each, elements } = bothWays(bytes, chunk);
      expect(each).toEqual(elements);
      expect(each).toContain('AB+');
      expect(each).toContain('ZZZ');
    }
  });

  it('tells a two-byte value from a three-byte one ending in NUL, and decodes Latin-1 and UTF-8 exactly', () => {
    const text = Buffer.concat([
      Buffer.from("UNB+UNOC:3+S+R+240101:1200+1'LIN+AB+AB", 'latin1'),
      Buffer.from([0]),
      Buffer.from("'FTX+\u00e9\u00e9+\u00e9:AB", 'latin1'),
      Buffer.from("'UNZ+1+1'", 'latin1'),
    ]);
    for (const chunk of [1, 3, text.length]) {
      const { each, elements } = bothWays(text, chunk);
      expect(each).toEqual(elements);
      expect(each.slice(8, 15)).toEqual(['LIN', 'AB', 'AB\u0000', 'FTX', '\u00e9\u00e9', '\u00e9', 'AB']);
    }
  });
});
