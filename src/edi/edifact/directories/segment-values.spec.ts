import { describe, expect, it } from 'vitest';
import { readEdifact } from '../reader.js';
import { defaultEdifactDirectories } from './directories.js';
import { checkSegmentElements } from './element-checks.js';
import { readEdifactWithDirectories } from './message-reader.js';

/**
 * The reader checks each segment from its view (values read once into a reused table); callers with
 * decoded segments use `checkSegmentElements`. Both must find the same, value for value, on the edges
 * of the fast checks: numbers, lengths in characters, repetitions, components, released separators.
 */
function interchange(body: readonly string[], una = ''): string {
  const segs = ['UNH+1+ORDERS:D:96A:UN', ...body];
  return `${una}UNB+UNOC:4+SENDER:14+GATEWAY:14+250304:1412+IC1'${segs.map((s) => `${s}'`).join('')}UNT+${segs.length + 1}+1'UNZ+1+IC1'`;
}

const BODY = [
  'BGM+220+PO1+9',
  'DTM+137:20250304:102',
  'FTX+AAI+1++a?+b?:c:😀😀😀+EN',
  'LIN+1',
  'QTY+21:5:PCE',
  'QTY+21:-5,5:PCE',
  'QTY+21:5.:PCE',
  'QTY+21:.5:PCE',
  'QTY+21:-:PCE',
  'QTY+21:1.2.3:PCE',
  'QTY+21:1234567890123456:PCE',
  'QTY+21:5:PCE:X',
  'QTY+21:5*6:PCE',
  'QTY+21',
  'QTY+:5',
  'QTY+21:5:PCE+X',
  'UNS+S',
];

const describeFinding = (f: {
  kind: string;
  elementPosition?: number | undefined;
  componentPosition?: number | undefined;
  message: string;
  badValue?: string | undefined;
}): string =>
  `${f.kind} ${f.elementPosition}.${f.componentPosition ?? '-'} ${f.message} [${f.badValue ?? ''}]`;

describe('segment checks from the view and from decoded segments', () => {
  it('agree on every segment of a message full of edge cases', () => {
    const text = interchange(BODY, "UNA:+.?*'");
    const structure = defaultEdifactDirectories().find('ORDERS', 'D96A')!;
    const decoded: string[][] = [];
    readEdifact(text, {
      segment: (view) => {
        const segment = view.toSegment();
        const def = structure.segments.get(segment.id);
        if (def && !['UNB', 'UNH', 'UNT', 'UNZ'].includes(segment.id))
          decoded.push(checkSegmentElements(def, segment.elements, '.').map(describeFinding));
      },
    });
    const result = readEdifactWithDirectories(text);
    const issues = result.interchanges[0]!.messages[0]!.segmentIssues.filter((i) => i.level === 'element');
    const fromView = BODY.map((_, k) =>
      issues.filter((i) => i.segmentPosition === k + 2).map(describeFinding),
    );
    expect(fromView).toEqual(decoded);
    // The cases do reach the checks: well-formed numbers pass, the others are told apart.
    expect(fromView.map((f) => f.length)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('counts a length in characters, a surrogate pair being one', () => {
    const structure = defaultEdifactDirectories().find('ORDERS', 'D96A')!;
    const qty = structure.segments.get('QTY')!;
    // 6063 is an..3: three emoji are three characters (six UTF-16 units), four are too many.
    expect(checkSegmentElements(qty, [[['QTY']], [['😀😀😀', '5']]], '.')).toEqual([]);
    expect(checkSegmentElements(qty, [[['QTY']], [['😀😀😀😀', '5']]], '.').map((f) => f.kind)).toEqual([
      'element-too-long',
    ]);
    // A lone surrogate counts as one character, as `[...value]` counts it.
    expect(checkSegmentElements(qty, [[['QTY']], [['\ud83d\ud83d\ud83d', '5']]], '.')).toEqual([]);
  });

  it('reads numbers as readEdifactNumber does: either mark, one mark, digits on both sides', () => {
    const structure = defaultEdifactDirectories().find('ORDERS', 'D96A')!;
    const qty = structure.segments.get('QTY')!;
    const kinds = (value: string): string[] =>
      checkSegmentElements(qty, [[['QTY']], [['21', value]]], '.').map((f) => f.kind);
    expect(kinds('5')).toEqual([]);
    expect(kinds('-5,25')).toEqual([]);
    expect(kinds('5,')).toEqual(['invalid-decimal-notation']);
    expect(kinds(',5')).toEqual(['missing-digit-before-decimal-sign']);
    expect(kinds('1,2.3')).toEqual(['invalid-decimal-notation']);
    expect(kinds('-')).toEqual(['element-invalid-type']);
    expect(kinds('1-2')).toEqual(['element-invalid-type']);
    expect(kinds('1234567890123456')).toEqual(['element-too-long']);
    expect(kinds('-123456789012345.0')).toEqual(['element-too-long']);
  });
});
