import { describe, expect, it } from 'vitest';
import * as x12 from './index.js';
import { validPo } from './fixtures/build.js';

describe('public API', () => {
  it('reads, validates and acknowledges through the barrel only', () => {
    const { segments, result } = x12.parseX12(validPo({ isa: { ackRequested: '1' } }));
    expect(segments.map((s) => s.id)).toEqual([
      'ISA',
      'GS',
      'ST',
      'BEG',
      'N1',
      'PO1',
      'CTT',
      'SE',
      'GE',
      'IEA',
    ]);
    expect(segments[3]!.elements).toEqual(['BEG', '00', 'SA', 'PO-1001', '', '20240131']);
    const ack = x12.buildX12Acknowledgment(result.interchanges[0]!, {
      nextControlNumber: () => 42,
      now: new Date(0),
    });
    expect(ack.kind).toBe('ack');
    expect(x12.codeFor('gs-control-duplicate', '004010').code).toBeUndefined();
    expect(x12.codeFor('gs-control-duplicate', '005010').code).toBe('19');
  });

  it('splits components and repetitions on the interchange delimiters', () => {
    const seen: string[][] = [];
    x12.readX12(validPo({ body: ['SLN*1**I*1*EA*1.5*PE*PC>11>12*A^B^C'] }).replace('*P*:~', '*P*>~'), {
      segment: (v) => {
        if (v.id === 'SLN') seen.push(v.components(8), v.repetitions(9), [String(v.elementLength(8))]);
      },
    });
    expect(seen).toEqual([['PC', '11', '12'], ['A', 'B', 'C'], ['8']]);
  });
});
