import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs, isa } from './fixtures/build.js';
import { observeReading as observe } from './fixtures/observe.js';

/**
 * The hot loop reads segment after segment within a chunk and hands back to `between` only where it
 * must; fed one byte at a time, every segment takes the scratch path instead. Both must agree on
 * inputs aimed at the hot loop's own decisions: what comes between segments, ids starting with "I",
 * empty segments, many separators (the separator array grows), long values, multi-byte terminators.
 */

const between = fc.constantFrom('', '', '\n', '\r\n', ' ', '\t', '\n  ', '\u0000', '\u001a', '~');
const id = fc.constantFrom('REF', 'N1', 'IT1', 'IEA', 'ISA', 'I', 'ISAX', 'TA1', 'ab', '', 'SN1');
const value = fc.constantFrom('', 'A', '12', 'ÜX', 'a\u0001b', 'x>y', 'r^s', 'ISA', 'V'.repeat(700), '\r');
const elementCount = fc.constantFrom(0, 1, 5, 47, 48, 49, 63, 64, 65, 111, 112, 200);
const segment = fc.tuple(id, elementCount, fc.array(value, { minLength: 1, maxLength: 4 }), between);
const terminator = fc.constantFrom('~', '\n', '\u2026');

const file = fc.tuple(terminator, fc.array(segment, { maxLength: 30 })).map(([t, segments]) => {
  let text =
    isa({ component: '>', isa11: '^', version: '00501', control: '000000001', terminator: t }) +
    gs({}, '*', t);
  text += `ST*850*0001${t}`;
  for (const [segId, count, values, after] of segments) {
    const elements = Array.from({ length: count }, (_, k) => values[k % values.length]!);
    text += [segId, ...elements].join('*') + t + after;
  }
  text += `SE*${segments.length + 2}*0001${t}GE*1*7${t}IEA*1*000000001${t}`;
  return Buffer.from(text, 'utf8');
});

describe('tokenizer hot loop', () => {
  it('reads a whole buffer exactly as it reads the same bytes one at a time', () => {
    fc.assert(
      fc.property(file, (bytes) => {
        const whole = observe(bytes, []);
        expect(observe(bytes, [1])).toBe(whole);
        expect(observe(bytes, [997])).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });
});
