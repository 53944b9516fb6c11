import { describe, expect, it } from 'vitest';
import { readAcknowledgments } from './ack-reader.js';
import { buildContrl } from './contrl-builder.js';
import { DESADV_BODY, group, interchange, message } from './fixtures/build.js';
import { validateEdifact } from './reader.js';

describe('reading partners’ CONTRL and APERAK', () => {
  it('reads a CONTRL back into the verdicts it carries (round trip through our builder)', () => {
    const inbound = interchange({
      unb: { ack: '1', reference: 'OUT42' },
      messages: [
        group('G1', [message('M1', DESADV_BODY), message('M2', DESADV_BODY, undefined, 3)]),
        group('G2', [message('M3', DESADV_BODY)]).replace("UNE+1+G2'", "UNE+1+G0'"),
      ],
      unz: "UNZ+2+OUT42'",
    });
    const built = buildContrl(validateEdifact(inbound).interchanges[0]!, {
      nextReference: () => 7,
      now: new Date(Date.UTC(2024, 0, 31)),
    });
    if (built.kind !== 'contrl') throw new Error('expected a CONTRL');
    const { contrls, aperaks, result } = readAcknowledgments(built.text);
    expect(result.issues).toEqual([]);
    expect(aperaks).toEqual([]);
    expect(contrls).toEqual([
      {
        action: 'acknowledged',
        code: undefined,
        segmentTag: undefined,
        element: undefined,
        component: undefined,
        contrl: { reference: '7', interchange: '7', offset: 46, segmentIndex: 1 },
        interchangeReference: 'OUT42',
        sender: 'NORDIC',
        recipient: 'GATEWAY',
        groups: [
          {
            reference: 'G1',
            action: 'acknowledged',
            code: undefined,
            segmentTag: undefined,
            element: undefined,
            component: undefined,
            messages: [
              {
                reference: 'M2',
                type: 'DESADV',
                action: 'rejected',
                code: '29',
                segmentTag: 'UNT',
                element: 2,
                component: undefined,
                segmentErrors: [],
              },
            ],
          },
          {
            reference: 'G2',
            action: 'rejected',
            code: '28',
            segmentTag: 'UNE',
            element: 3,
            component: undefined,
            messages: [],
          },
        ],
        messages: [],
      },
    ]);
  });

  it('reads UCS and UCD segment errors of a rejected message', () => {
    const text = interchange({
      unb: { sender: 'GATEWAY:14', recipient: 'NORDIC:14' },
      messages: [
        message(
          'C1',
          [
            "UCI+OUT1+GATEWAY:14+NORDIC:14+7'",
            "UCM+1+ORDERS:D:96A:UN+4'",
            "UCS+5+8'",
            "UCD+12+2:1'",
            "UCD+39+3'",
            "UCS+9'",
            "UCD+13+1'",
          ],
          'CONTRL:D:3:UN',
        ),
      ],
    });
    const [report] = readAcknowledgments(text).contrls;
    expect(report!.messages[0]).toMatchObject({
      reference: '1',
      type: 'ORDERS',
      action: 'rejected',
      segmentErrors: [
        {
          position: 5,
          code: '8',
          elements: [
            { code: '12', element: 2, component: 1 },
            { code: '39', element: 3 },
          ],
        },
        { position: 9, code: undefined, elements: [{ code: '13', element: 1 }] },
      ],
    });
  });

  it('reads an APERAK: references, dates, errors with their texts, status from BGM 1225', () => {
    const aperak = (fn: string, erc: string[]) =>
      interchange({
        messages: [
          message(
            'A1',
            [`BGM+305+APK1+${fn}'`, "DTM+137:20240131:102'", "RFF+ACW:OUT1'", "RFF+ON:PO4711'", ...erc],
            'APERAK:D:96A:UN',
          ),
        ],
      });
    const rejected = readAcknowledgments(
      aperak('27', ["ERC+Z01'", "FTX+AAO+++Unknown article:4012345000009'"]),
    );
    expect(rejected.aperaks).toEqual([
      {
        aperak: { reference: 'A1', interchange: 'IC1', offset: 48, segmentIndex: 1 },
        documentName: '305',
        documentNumber: 'APK1',
        function: '27',
        status: 'rejected',
        references: [
          { qualifier: 'ACW', value: 'OUT1' },
          { qualifier: 'ON', value: 'PO4711' },
        ],
        dates: [{ qualifier: '137', value: '20240131', format: '102' }],
        errors: [{ code: 'Z01', texts: ['Unknown article 4012345000009'] }],
      },
    ]);
    expect(readAcknowledgments(aperak('29', [])).aperaks[0]!.status).toBe('accepted');
    expect(readAcknowledgments(aperak('9', ["ERC+12'"])).aperaks[0]!.status).toBe('errors-reported');
    expect(readAcknowledgments(aperak('9', [])).aperaks[0]!.status).toBe('unknown');
  });
});
