import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ackProblem } from './ack-check.js';
import { buildX12Acknowledgment, type X12AckResult } from './ack-builder.js';
import { gs, isa, PO_BODY, set, validPo } from './fixtures/build.js';
import { generateX12FunctionalAck, X12GenerationError } from './generator/index.js';
import { x12ReadOptions } from './grammar/index.js';
import { readX12 } from './reader.js';
import type { X12InterchangeResult, X12Issue } from './result.js';

/**
 * Our acknowledgments pass the 997 / 999 / TA1 grammar (ack-check.ts) before a control number is
 * taken, and one that would not is refused (`unanswerable`), never written corrupt.
 */
const FIXTURES = join(import.meta.dirname, 'grammar', 'fixtures');
const NOW = new Date(Date.UTC(2024, 1, 2, 9, 5));

function build(ic: X12InterchangeResult, type: '997' | '999') {
  const taken: string[] = [];
  const ack = buildX12Acknowledgment(ic, {
    type,
    ta1: 'always',
    nextControlNumber: (kind) => {
      taken.push(kind);
      return taken.length;
    },
    now: NOW,
  });
  return { ack, taken };
}

/** Our acknowledgment read back as a partner's would be: with the grammars. */
function reread(ack: X12AckResult): string[] {
  if (ack.kind !== 'ack') throw new Error(`no acknowledgment: ${ack.reason}`);
  const result = readX12(ack.text, {}, x12ReadOptions());
  const problems = result.issues.filter((i) => i.severity === 'error').map((i: X12Issue) => i.message);
  for (const ic of result.interchanges)
    for (const g of ic.groups)
      for (const s of g.sets)
        if (s.status !== 'accepted') problems.push(`${s.id} ${s.controlNumber}: ${s.status}`);
  return problems;
}

const fixtureFiles = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.edi'))
  .sort();

describe('acknowledgments pass their grammar', () => {
  it.each(fixtureFiles)('golden: the TA1, 997 and 999 answering %s', (file) => {
    const ic = readX12(readFileSync(join(FIXTURES, file)), {}, x12ReadOptions()).interchanges[0]!;
    for (const type of ['997', '999'] as const) {
      const { ack } = build(ic, type);
      expect(ack.kind, `${type}: ${ack.kind === 'ack' ? '' : ack.reason}`).toBe('ack');
      expect(reread(ack), type).toEqual([]);
    }
  });

  it.each([
    ['an accepted 004010 PO', validPo({ isa: { version: '00401', isa11: 'U' }, gs: { version: '004010' } })],
    [
      'an unsupported set',
      validPo()
        .replace('ST*850', 'ST*810')
        .replace(/BEG\*[^~]*~/, 'BIG*20240131*1~'),
    ],
  ])('golden: %s', (_name, text) => {
    const ic = readX12(text, {}, x12ReadOptions()).interchanges[0]!;
    for (const type of ['997', '999'] as const) expect(reread(build(ic, type).ack), type).toEqual([]);
  });

  it('echoes an invalid GS06 / ST02 as received (AK102, AK202): the partner correlates by them', () => {
    const text =
      isa() +
      gs({ control: 'X' }) +
      'ST*850*12~BEG*00~SE*3*12~' +
      set('850', '0003', PO_BODY) +
      'GE*2*X~IEA*1*000000101~';
    const ic = readX12(text, {}, x12ReadOptions()).interchanges[0]!;
    const { ack } = build(ic, '997');
    if (ack.kind !== 'ack') throw new Error(ack.reason);
    expect(ack.text).toContain('AK1*PO*X*005010~');
    expect(ack.text).toContain('AK2*850*12~');
    // Read back strictly, only the echoes break the grammar; AK905 6 / AK502 7 say why.
    const set997 = readX12(ack.text, {}, x12ReadOptions()).interchanges[0]!.groups[0]!.sets[0]!;
    expect(
      set997.segmentIssues.map((i) => `${i.segmentId}${String(i.elementPosition).padStart(2, '0')}`),
    ).toEqual(['AK102', 'AK202']);
  });
});

describe('a broken acknowledgment is refused', () => {
  it('names a missing AK501 / IK501 and a code its version does not have', () => {
    const body = (ak5: string[], ak9: string[]) => [['AK1', 'PO', '7'], ['AK2', '850', '0001'], ak5, ak9];
    expect(
      ackProblem(
        [{ type: '997', gs08: '004010', rows: body(['AK5'], ['AK9', 'R', '1', '1', '0']) }],
        undefined,
      ),
    ).toBe(
      'the acknowledgment breaks its grammar: 997 (004010) segment AK5 at position 4: AK501 is mandatory',
    );
    expect(
      ackProblem(
        [{ type: '999', gs08: '005010X231A1', rows: body(['IK5'], ['AK9', 'R', '1', '1', '0']) }],
        undefined,
      ),
    ).toContain('999 (005010) segment IK5 at position 4: IK501 is mandatory');
    // AK905 19 is a duplicate group control number only from 005010 (ACK-CODES.md).
    expect(
      ackProblem(
        [{ type: '997', gs08: '004010VICS', rows: body(['AK5', 'A'], ['AK9', 'R', '1', '1', '1', '7']) }],
        undefined,
      ),
    ).toContain('AK905 (data element 716, ID 1/3): "7" is not a code of data element 716');
    expect(
      ackProblem(
        [{ type: '997', gs08: '005010', rows: body(['AK5', 'A'], ['AK9', 'R', '1', '1', '1', '7']) }],
        undefined,
      ),
    ).toBeUndefined();
    expect(
      ackProblem([], { row: ['TA1', '000000101', '240131', '1230', 'R', '99'], isaVersion: 501 }),
    ).toContain('TA1: TA105 (data element I18, ID 3/3): "99" is shorter than 3');
  });

  it('returns unanswerable before any control number is taken, as for an ack that cannot be written', () => {
    const ic = readX12(validPo(), {}, x12ReadOptions()).interchanges[0]!;
    const g = ic.groups[0]!;
    const bogus: X12Issue = {
      ...g.sets[0]!.segmentIssues[0],
      level: 'set',
      severity: 'error',
      kind: 'set-segment-errors',
      codeList: 'AK502',
      code: '99',
      message: 'not a code of DE 718',
      controlNumbers: {},
      offset: 0,
      segmentIndex: 0,
    };
    const broken: X12InterchangeResult = {
      ...ic,
      groups: [{ ...g, sets: [{ ...g.sets[0]!, status: 'rejected', issues: [bogus] }] }],
    };
    for (const type of ['997', '999'] as const) {
      const { ack, taken } = build(broken, type);
      expect(ack).toEqual({
        kind: 'unanswerable',
        reason: expect.stringContaining(`segment ${type === '997' ? 'AK5' : 'IK5'} at position 4`),
      });
      expect(taken).toEqual([]);
    }
  });

  it('refuses a canonical 997 event that breaks the grammar, as the generator refuses an 850', () => {
    const ack = (code: string) => ({
      acknowledged: { groupControlNumber: '107' },
      status: 'rejected' as const,
      transactionSets: [
        {
          controlNumber: '0108',
          type: '856',
          status: 'rejected' as const,
          issues: [{ level: 'element', code, segmentId: 'TD1', segmentPosition: 6, elementPosition: 7 }],
        },
      ],
    });
    const envelope = {
      delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
      sender: { qualifier: 'ZZ', id: 'BUYERCO' },
      receiver: { qualifier: 'ZZ', id: 'SUPPLIER' },
      version: '004010',
      now: NOW,
      controlNumbers: { interchange: 1, group: 1, sets: [1] },
    };
    expect(generateX12FunctionalAck(ack('4'), envelope).text).toContain('AK4*7**4~');
    // AK403 12 (too many repetitions) exists only from 005010.
    const run = () => generateX12FunctionalAck(ack('12'), envelope);
    expect(run).toThrow(X12GenerationError);
    expect(run).toThrow(
      '997 (004010) segment AK4 at position 5: AK403 (data element 723, ID 1/3): "12" is not a code',
    );
    expect(generateX12FunctionalAck(ack('12'), { ...envelope, version: '005010' }).text).toContain(
      'AK4*7**12~',
    );
  });
});
