import { describe, expect, it } from 'vitest';
import { defaultX12Grammars } from '../grammar/grammar-registry.js';
import { compileMap, parseMapSource } from '../maps/map-loader.js';
import type { X12OutboundMap } from '../maps/map.types.js';
import { readX12 } from '../reader.js';
import { x12ReadOptions } from '../grammar/content-validator.js';
import {
  generateX12,
  generateX12FunctionalAck,
  X12GenerationError,
  type X12EnvelopeOptions,
  type X12OutboundConverters,
} from './index.js';

const map = compileMap(
  parseMapSource(
    {
      set: '850',
      version: '004010',
      direction: 'outbound',
      event: 'purchase-order.issued.v1',
      codes: { purpose: { original: '00' } },
      body: [
        ['BEG', '{^document.kind|code:purpose}', 'SA', '{^document.number}', '', '{^payload.orderDate|date}'],
        ['N1', 'ST', '{^payload.shipName}'],
        {
          each: '^payload.lines',
          body: [['PO1', '{#}', '{qty}', '{unit|unit}', '', '', '@BP:{material}', '@VP:{vp}']],
        },
        ['CTT', '{^payload.lines|count}'],
      ],
    },
    'test.yaml',
  ),
  'test.yaml',
  { grammars: defaultX12Grammars() },
) as X12OutboundMap;

const converters: X12OutboundConverters = {
  unit: (u) => (u === 'H87' ? 'PC' : 'EA'),
  part: () => undefined,
  location: (l) => l,
};

const envelope = (over: Partial<X12EnvelopeOptions> = {}): X12EnvelopeOptions => ({
  delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
  sender: { qualifier: 'ZZ', id: 'BUYERCO' },
  receiver: { qualifier: '01', id: '081466849', gs: 'ACMEFAST' },
  version: '004010',
  now: new Date('2025-03-03T19:05:00Z'),
  controlNumbers: { interchange: 999_999_999, group: 12, sets: [3] },
  ...over,
});

const event = (over: Record<string, unknown> = {}) => ({
  document: { kind: 'original', number: '4500012345' },
  payload: {
    orderDate: '2025-03-03',
    shipName: 'DOCK 2',
    lines: [
      { qty: '10', unit: 'H87', material: '100-20455' },
      { qty: '2.5', unit: 'KGM', material: '100-20471', vp: 'AF-NUT' },
    ],
    ...over,
  },
});

describe('the X12 generator', () => {
  it('writes a fixed-width ISA, the body from the map and matching trailers', () => {
    const out = generateX12(event(), map, converters, envelope());
    const isa = out.text.slice(0, out.text.indexOf('~') + 1);
    expect(isa).toHaveLength(106);
    expect(isa).toBe(
      'ISA*00*          *00*          *ZZ*BUYERCO        *01*081466849      *250303*1905*U*00401*999999999*0*T*>~',
    );
    expect(out.text.split('~').slice(1, -1)).toEqual([
      'GS*PO*BUYERCO*ACMEFAST*20250303*1905*12*X*004010',
      'ST*850*0003',
      'BEG*00*SA*4500012345**20250303',
      'N1*ST*DOCK 2',
      'PO1*1*10*PC***BP*100-20455',
      'PO1*2*2.5*EA***BP*100-20471*VP*AF-NUT',
      'CTT*2',
      'SE*7*0003',
      'GE*1*12',
      'IEA*1*999999999',
    ]);
    // What it writes reads back valid, with the grammar on.
    const result = readX12(out.text, {}, x12ReadOptions());
    expect(result.interchanges[0]!.status).toBe('accepted');
    expect(result.interchanges[0]!.groups[0]!.sets[0]!.status).toBe('accepted');
  });

  it('uses the partner delimiters and writes ISA11 as the repetition separator from 00402', () => {
    const out = generateX12(
      event(),
      map,
      converters,
      envelope({
        delimiters: { element: '|', component: '^', repetition: '{', segment: '\n' },
        version: '005010',
      }),
    );
    expect(out.text.split('\n')[0]).toBe(
      'ISA|00|          |00|          |ZZ|BUYERCO        |01|081466849      |250303|1905|{|00501|999999999|0|T|^',
    );
  });

  it.each([
    ['element separator', { shipName: 'DOCK*2' }, 'N102 "DOCK*2" contains the element separator "*"'],
    ['segment terminator', { shipName: 'DOCK~2' }, 'contains the segment terminator "~"'],
    ['component separator', { shipName: 'A>B' }, 'contains the component separator ">"'],
    ['repetition separator', { shipName: 'A^B' }, 'contains the repetition separator "^"'],
  ])('refuses a value holding the %s instead of writing corrupt X12', (_what, over, message) => {
    const run = () => generateX12(event(over), map, converters, envelope({ version: '005010' }));
    expect(run).toThrow(X12GenerationError);
    expect(run).toThrow(message);
  });

  it('refuses a value holding the first character of a two-character segment terminator', () => {
    for (const segment of ['~\n', '~\r\n']) {
      const run = () =>
        generateX12(
          event({ shipName: 'DOCK~2' }),
          map,
          converters,
          envelope({ delimiters: { ...envelope().delimiters, segment } }),
        );
      expect(run).toThrow(X12GenerationError);
      expect(run).toThrow('N102 "DOCK~2" contains the segment terminator "~"');
    }
  });

  it('writes ^ as data in 004010, where ISA11 is the standards identifier U and not a separator', () => {
    const out = generateX12(event({ shipName: 'A^B' }), map, converters, envelope());
    expect(out.text).toContain('*U*00401*');
    expect(out.text).toContain('~N1*ST*A^B~');
    expect(readX12(out.text, {}, x12ReadOptions()).interchanges[0]!.groups[0]!.sets[0]!.status).toBe(
      'accepted',
    );
  });

  it('refuses a value longer than its element before any control number is written', () => {
    const number = 'PO-4500012345-123456789'; // 23 characters; BEG03 (DE 324) is AN 1/22
    const long = () =>
      generateX12({ ...event(), document: { kind: 'original', number } }, map, converters, envelope());
    expect(long).toThrow(X12GenerationError);
    expect(long).toThrow(`BEG03 (data element 324, AN 1/22): "${number}" is longer than 22`);
    const name = 'N'.repeat(61); // N102 (DE 93) is AN 1/60
    expect(() => generateX12(event({ shipName: name }), map, converters, envelope())).toThrow(
      `N102 (data element 93, AN 1/60): "${name}" is longer than 60`,
    );
    // A quantity is written as an R value: no leading zeros, no trailing fraction zeros.
    const out = generateX12(
      event({ lines: [{ qty: '0010.500', unit: 'H87', material: 'M-1' }] }),
      map,
      converters,
      envelope(),
    );
    expect(out.text).toContain('~PO1*1*10.5*PC***BP*M-1~');
  });

  it('turns CR, LF and TAB in free text into spaces and refuses other control characters', () => {
    const out = generateX12(event({ shipName: 'DOCK 2\r\nGATE\tB' }), map, converters, envelope());
    expect(out.text).toContain('~N1*ST*DOCK 2 GATE B~');
    expect(() => generateX12(event({ shipName: 'DOCK\u00072' }), map, converters, envelope())).toThrow(
      'N102 (data element 93, AN 1/60): control character in data',
    );
    // An identifier is never rewritten: a line break in it is refused.
    expect(() =>
      generateX12(
        { ...event(), document: { kind: 'original', number: '45\n00' } },
        map,
        converters,
        envelope(),
      ),
    ).toThrow('BEG03 (data element 324, AN 1/22): control character in data');
  });

  it('refuses a code the map has no code for, and ids that do not fit the ISA', () => {
    expect(() =>
      generateX12(
        { ...event(), document: { kind: 'replacement', number: '1' } },
        map,
        converters,
        envelope(),
      ),
    ).toThrow('"replacement" is not in code table purpose');
    expect(() =>
      generateX12(
        event(),
        map,
        converters,
        envelope({ sender: { qualifier: 'ZZ', id: 'A-SENDER-ID-LONGER' } }),
      ),
    ).toThrow('ISA06 "A-SENDER-ID-LONGER" must be 1-15 characters');
    expect(() =>
      generateX12(
        event(),
        map,
        converters,
        envelope({ controlNumbers: { interchange: 1_000_000_000, group: 1, sets: [1] } }),
      ),
    ).toThrow('interchange control number 1000000000 is not in 1..999999999');
  });

  it('refuses a segment without a mandatory element, naming set, segment, position and element', () => {
    const { orderDate: _, ...undated } = event().payload;
    const run = () => generateX12({ ...event(), payload: undated }, map, converters, envelope());
    expect(run).toThrow(X12GenerationError);
    expect(run).toThrow('850 (004010) segment BEG at position 2: BEG05 is mandatory');
  });

  it('refuses a segment that breaks a syntax note (PO1 C0302: a unit needs its quantity)', () => {
    const lines = [event().payload.lines[0], { unit: 'KGM', material: '100-20471' }];
    expect(() => generateX12(event({ lines }), map, converters, envelope())).toThrow(
      '850 (004010) segment PO1 at position 5: PO102 is required: PO103 is present (C0302)',
    );
  });

  it('refuses a POC03 without POC04 and POC05 (C030405), every element the note names', () => {
    const changes = compileMap(
      parseMapSource(
        {
          set: '860',
          version: '005010',
          direction: 'outbound',
          event: 'purchase-order.changed.v1',
          body: [
            ['BCH', '04', 'SA', '{^number}', '', '', '20250303'],
            {
              each: '^lines',
              body: [['POC', '{#}', 'QI', '{qty}', '{left}', '{unit|unit}', '', '', 'BP', '{material}']],
            },
          ],
        },
        'poc.yaml',
      ),
      'poc.yaml',
      { grammars: defaultX12Grammars() },
    ) as X12OutboundMap;
    const order = (line: Record<string, string>) => ({ number: '4500012345', lines: [line] });
    const v5 = envelope({ version: '005010' });
    expect(() => generateX12(order({ qty: '20', material: 'M-1' }), changes, converters, v5)).toThrow(
      '860 (005010) segment POC at position 3: ' +
        'POC04 is required: POC03 is present (C030405); POC05 is required: POC03 is present (C030405)',
    );
    const written = generateX12(
      order({ qty: '20', left: '15', unit: 'H87', material: 'M-1' }),
      changes,
      converters,
      v5,
    );
    expect(written.text).toContain('~POC*1*QI*20*15*PC***BP*M-1~');
    expect(readX12(written.text, {}, x12ReadOptions()).interchanges[0]!.groups[0]!.sets[0]!.status).toBe(
      'accepted',
    );
  });

  it('writes a 997 from an acknowledgment: AK1, AK2/AK3/AK4/AK5 per set, AK9', () => {
    const out = generateX12FunctionalAck(
      {
        acknowledged: { groupControlNumber: '107' },
        status: 'partially-accepted',
        transactionSets: [
          { controlNumber: '0107', type: '856', status: 'accepted' },
          {
            controlNumber: '0108',
            type: '856',
            status: 'rejected',
            issues: [
              { level: 'element', code: '4', segmentId: 'TD1', segmentPosition: 6, elementPosition: 7 },
            ],
          },
        ],
      },
      envelope(),
    );
    expect(out.text.split('~').slice(1, -1)).toEqual([
      'GS*FA*BUYERCO*ACMEFAST*20250303*1905*12*X*004010',
      'ST*997*0003',
      'AK1*SH*107',
      'AK2*856*0107',
      'AK5*A',
      'AK2*856*0108',
      'AK3*TD1*6**8',
      'AK4*7**4',
      'AK5*R*5',
      'AK9*P*2*2*1',
      'SE*10*0003',
      'GE*1*12',
      'IEA*1*999999999',
    ]);
  });

  it('in a single-byte encoding, refuses what ISO 8859-1 has no byte for, in the body, the envelope and the delimiters', () => {
    const latin1 = envelope({ encoding: 'latin1' });
    expect(generateX12(event({ shipName: 'MÜLLER DOCK' }), map, converters, latin1).text).toContain(
      '~N1*ST*MÜLLER DOCK~',
    );
    expect(() => generateX12(event({ shipName: 'ŁÓDŹ DOCK' }), map, converters, latin1)).toThrow(
      'N102 (data element 93, AN 1/60): "ŁÓDŹ DOCK" contains Ł (U+0141), which has no byte in ISO 8859-1',
    );
    // Values the grammar does not check (a 997's rows, the envelope) are checked as they are written.
    const ack = { ...envelope(), encoding: 'ebcdic' as const, receiver: { qualifier: 'ZZ', id: 'ŁÓDŹ' } };
    expect(() =>
      generateX12FunctionalAck(
        {
          acknowledged: { groupControlNumber: '107' },
          status: 'accepted',
          transactionSets: [{ controlNumber: '0107', type: '856', status: 'accepted' }],
        },
        ack,
      ),
    ).toThrow(/^ISA08 "ŁÓDŹ {11}" contains Ł \(U\+0141\), which has no byte in EBCDIC \(cp037\)/);
    const ellipsis = { element: '*', component: '>', repetition: '^', segment: '\u2026' };
    expect(() =>
      generateX12(event(), map, converters, envelope({ delimiters: ellipsis, encoding: 'latin1' })),
    ).toThrow('delimiters must have a byte in ISO 8859-1');
    // In UTF-8 all of it is written.
    expect(generateX12(event({ shipName: 'ŁÓDŹ DOCK' }), map, converters, envelope()).text).toContain('ŁÓDŹ');
  });
});
