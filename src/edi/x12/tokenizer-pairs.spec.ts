import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs, isa } from './fixtures/build.js';
import { observeReading as observe } from './fixtures/observe.js';
import { X12Reader } from './reader.js';

/**
 * The hot loop reads two bytes per step while both are data or element separators and falls back to
 * one byte for anything else. What it finds must not depend on where a pair boundary falls: at an
 * even or odd position in the segment, at an even or odd byte offset of the chunk in its buffer, or at
 * the chunk end. Fed one byte at a time no pair is ever read (every segment takes the scratch path),
 * so that reading is the reference for whole buffers and chunks of other sizes.
 */

/** The same bytes at byte offset `shift` of a fresh buffer (a pair read then straddles other boundaries). */
function at(bytes: Uint8Array, shift: number): Uint8Array {
  const copy = new Uint8Array(new ArrayBuffer(bytes.length + shift), shift, bytes.length);
  copy.set(bytes);
  return copy;
}

// Values of odd and even lengths, so separators fall at both positions of a pair; "…" ends a segment
// where it is the terminator, "‥" shares its lead byte; ">" and "^" are the component and repetition
// separators, "\u0001" a control character, "\r" a line break inside the segment.
const value = fc.constantFrom(
  '',
  'A',
  'AB',
  'ABC',
  'ABCD',
  'Ü',
  'xÜ',
  '…',
  '‥',
  'a>b',
  'c^',
  '\u0001',
  '\r',
  'ISA',
);
const id = fc.constantFrom('REF', 'N1', 'IT1', 'PID', 'I', 'ab', '');
const between = fc.constantFrom('', '', '\n', '\r\n', ' ', '~');
const segment = fc.tuple(id, fc.array(value, { maxLength: 70 }), between);
const delimiters = fc.constantFrom(
  { element: '*', terminator: '~' },
  { element: '*', terminator: '\n' },
  { element: '|', terminator: '~' },
  { element: '*', terminator: '…' },
);

function interchange(
  d: { element: string; terminator: string },
  control: string,
  segments: readonly (readonly [string, readonly string[], string])[],
): string {
  const { element: e, terminator: t } = d;
  let text =
    isa({ component: '>', isa11: '^', version: '00501', control, element: e, terminator: t }) +
    gs({}, e, t) +
    `ST${e}850${e}0001${t}`;
  for (const [segId, values, after] of segments) text += [segId, ...values].join(e) + t + after;
  return text + `SE${e}${segments.length + 2}${e}0001${t}GE${e}1${e}7${t}IEA${e}1${e}${control}${t}`;
}

// Two interchanges, possibly with different delimiters: the pair classes follow each ISA.
const file = fc
  .tuple(delimiters, fc.array(segment, { maxLength: 12 }), delimiters, fc.array(segment, { maxLength: 4 }))
  .map(([d1, s1, d2, s2]) =>
    Buffer.from(interchange(d1, '000000001', s1) + interchange(d2, '000000002', s2), 'utf8'),
  );

describe('tokenizer two-byte step', () => {
  it('reads the same at any byte offset and chunking as one byte at a time', () => {
    fc.assert(
      fc.property(
        file,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (bytes, sizes) => {
          const reference = observe(bytes, [1]);
          expect(observe(at(bytes, 0), [])).toBe(reference);
          expect(observe(at(bytes, 1), [])).toBe(reference);
          expect(observe(at(bytes, 3), [2])).toBe(reference);
          expect(observe(bytes, [3])).toBe(reference);
          expect(observe(at(bytes, 1), sizes)).toBe(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('records separators at even and odd positions and across the separator array growth', () => {
    // 200 elements of one to three bytes: the separator array grows inside one segment.
    const values = Array.from({ length: 200 }, (_, k) => 'V'.repeat((k % 3) + 1));
    const text =
      isa({ component: '>', isa11: '^', version: '00501', control: '000000001' }) +
      gs() +
      `ST*850*0001~REF*${values.join('*')}~N1**X**~SE*4*0001~GE*1*7~IEA*1*000000001~`;
    const bytes = Buffer.from(text, 'latin1');
    const reference = observe(bytes, [1]);
    expect(observe(at(bytes, 0), [])).toBe(reference);
    expect(observe(at(bytes, 1), [])).toBe(reference);
    const elements: string[][] = [];
    const reader = new X12Reader({ segment: (v) => elements.push(v.elements() as string[]) });
    reader.write(at(bytes, 1));
    reader.end();
    expect(elements[3]).toEqual(['REF', ...values]);
    expect(elements[4]).toEqual(['N1', '', 'X', '', '']);
  });
});
