import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readX12 } from '../reader.js';

/**
 * Values are decoded one by one while a reader takes few of them, and cut from a decoded window of
 * the input (16 KiB) once it takes many (a kept set). Whichever way, in whatever order and across
 * window boundaries, a value must be the Latin-1 text of its bytes. ASCII here: a byte >= 0x80 makes
 * the segment UTF-8.
 */
const value = fc.oneof(
  fc.constantFrom('', 'A', 'EA', 'PO1', '0001', '20240131'),
  fc.stringMatching(/^[-A-Z0-9 .]{4,60}$/),
);
const segment = fc.tuple(fc.constantFrom('REF', 'N1', 'MSG', 'LIN'), fc.array(value, { maxLength: 8 }));

function interchange(body: readonly (readonly [string, readonly string[]])[]): string {
  const isa =
    'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240131*1230*U*00401*000000001*0*P*>~';
  const segments = body.map(([id, elements]) => [id, ...elements].join('*') + '~');
  return `${isa}GS*SH*S*R*20240131*1230*1*X*004010~ST*856*0001~${segments.join('')}SE*${body.length + 2}*0001~GE*1*1~IEA*1*000000001~`;
}

describe('values read from the input', () => {
  it('are the Latin-1 text of their bytes, read whole or one by one, sparse or dense', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 50, maxLength: 800 }), fc.nat(5), (body, every) => {
        const text = interchange(body);
        const expected = text
          .split('~')
          .filter((s) => s !== '' && !/^(ISA|GS|ST|SE|GE|IEA)\*/.test(s))
          .map((s) => s.split('*'));
        const got: string[][] = [];
        let n = 0;
        readX12(Buffer.from(text, 'latin1'), {
          segment: (view) => {
            if (/^(ISA|GS|ST|SE|GE|IEA)$/.test(view.id)) return;
            // Some segments whole, others value by value, some only partly: sparse and dense reading.
            const k = n++;
            if (every === 0 || k % (every + 1) === 0) got.push([...view.toSegment().elements]);
            else {
              const values = [view.id];
              for (let e = 1; e <= view.elementCount; e++) values.push(view.element(e));
              got.push(values);
            }
          },
        });
        expect(got).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
