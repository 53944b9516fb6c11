import { describe, expect, it } from 'vitest';
import type { EdifactIssue, EdifactInterchangeResult } from './result.js';
import { buildContrl, type ContrlOptions } from './contrl-builder.js';
import { DESADV_BODY, group, interchange, message } from './fixtures/build.js';
import { readEdifact, validateEdifact } from './reader.js';

const NOW = new Date(Date.UTC(2024, 1, 29, 8, 5));

function options(extra: Partial<ContrlOptions> = {}): ContrlOptions {
  let n = 100;
  return { nextReference: () => ++n, now: NOW, lineBreak: '\n', ...extra };
}

function first(text: string, readerOptions = {}): EdifactInterchangeResult {
  return readEdifact(text, {}, readerOptions).interchanges[0]!;
}

function contrl(text: string, extra: Partial<ContrlOptions> = {}, readerOptions = {}): string {
  const result = buildContrl(first(text, readerOptions), options(extra));
  if (result.kind !== 'contrl') throw new Error(`no CONTRL: ${result.reason}`);
  return result.text;
}

/** The report segments only (between UNH and UNT). */
function report(text: string, readerOptions = {}): string[] {
  return contrl(text, {}, readerOptions)
    .trim()
    .split('\n')
    .filter((s) => /^UC[IFMSD]/.test(s));
}

describe('CONTRL builder', () => {
  it('acknowledges an accepted interchange when UNB 0031 asks (golden)', () => {
    expect(contrl(interchange({ unb: { ack: '1' } }))).toBe(
      [
        "UNB+UNOC:3+GATEWAY:14+NORDIC:14+240229:0805+101'",
        "UNH+102+CONTRL:D:3:UN'",
        "UCI+IC1+NORDIC:14+GATEWAY:14+7'",
        "UNT+3+102'",
        "UNZ+1+101'",
        '',
      ].join('\n'),
    );
    // The CONTRL itself reads back as a valid interchange.
    const back = validateEdifact(contrl(interchange({ unb: { ack: '1' } })));
    expect(back.issues).toEqual([]);
    expect(back.interchanges[0]!.contrlCount).toBe(1);
  });

  it('writes the UNB sender given instead of the inbound recipient (our own id for a misaddressed one)', () => {
    const text = contrl(interchange({ unb: { ack: '1' } }), {
      sender: { id: 'SUPPLIERGW', qualifier: 'ZZZ' },
    });
    expect(text.split('\n')[0]).toBe("UNB+UNOC:3+SUPPLIERGW:ZZZ+NORDIC:14+240229:0805+101'");
    // UCI still names the interchange as it was addressed (UCI1-3 echo UNB5, UNB2, UNB3).
    expect(text).toContain("UCI+IC1+NORDIC:14+GATEWAY:14+7'");
  });

  it('sends nothing for an accepted interchange without a request, unless always', () => {
    const ic = first(interchange());
    expect(buildContrl(ic, options())).toEqual({
      kind: 'none',
      reason: 'accepted, and UNB 0031 does not ask for an acknowledgment',
    });
    expect(buildContrl(ic, options({ policy: 'always' }))).toMatchObject({
      kind: 'contrl',
      action: 'acknowledged',
    });
    expect(buildContrl(first(interchange({ unb: { ack: '1' } })), options({ policy: 'never' })).kind).toBe(
      'none',
    );
  });

  it('never answers a CONTRL with a CONTRL, even a rejected one', () => {
    const text = interchange({
      unb: { ack: '1' },
      messages: [message('C1', ["UCI+X1+GATEWAY:14+NORDIC:14+7'"], 'CONTRL:D:3:UN', 9)],
    });
    expect(buildContrl(first(text), options({ policy: 'always' }))).toEqual({
      kind: 'none',
      reason: 'a CONTRL is never acknowledged',
    });
  });

  it('rejects the interchange with UCI 4 and the first error, nothing below (golden)', () => {
    const text = interchange({ unz: "UNZ+1+IC9'" });
    const result = buildContrl(first(text), options());
    expect(result).toMatchObject({
      kind: 'contrl',
      action: 'rejected',
      reference: '101',
      messageReference: '102',
    });
    expect(report(text)).toEqual(["UCI+IC1+NORDIC:14+GATEWAY:14+4+28+UNZ+3'"]);
  });

  it.each([
    ['2 syntax identifier', interchange({ unb: { syntax: 'IATB', version: '1' } }), "+4+2+UNB+2:1'"],
    ['2 syntax version', interchange({ unb: { version: '7' } }), "+4+2+UNB+2:2'"],
    ['12 invalid date', interchange({ unb: { date: '240230' } }), "+4+12+UNB+5:1'"],
    ['12 ack request', interchange({ unb: { ack: '3' } }), "+4+12+UNB+10'"],
    ['13 missing recipient id', interchange({ unb: { recipient: ':14' } }), undefined],
    ['13 missing UNZ', interchange({ unz: '' }), "+4+13+UNZ'"],
    ['16 too many constituents', interchange().replace("IC1'", "IC1++++++++x'"), "+4+16+UNB+13'"],
    ['20 invalid UNA', "UNA:+.?:'" + interchange(), "+4+20+UNA'"],
    ['29 UNZ count', interchange({ unz: "UNZ+2+IC1'" }), "+4+29+UNZ+2'"],
    [
      '30 groups and messages mixed',
      interchange({ messages: [message('M1', DESADV_BODY), group('G1', [message('M2', DESADV_BODY)])] }),
      "+4+30+UNG'",
    ],
    ['32 interchange empty', interchange({ messages: [], unz: "UNZ+0+IC1'" }), "+4+32+UNB'"],
    [
      '33 segment between messages',
      interchange({ messages: [message('M1', DESADV_BODY), "FTX+AAI'"] }).replace('UNZ+2', 'UNZ+1'),
      "+4+33'",
    ],
    ['37 non-numeric time', interchange({ unb: { time: '12h0' } }), "+4+37+UNB+5:2'"],
    ['39 reference too long', interchange({ unb: { reference: 'X'.repeat(15) } }), "+4+39+UNB+6'"],
    ['40 date too short', interchange({ unb: { date: '2401' } }), "+4+40+UNB+5:1'"],
  ])('UCI code %s', (_name, text, tail) => {
    if (tail === undefined) {
      // No recipient to send it from: the UNB cannot be answered.
      expect(buildContrl(first(text), options()).kind).toBe('unanswerable');
      return;
    }
    const lines = report(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith('UCI+')).toBe(true);
    expect(lines[0]!.endsWith(tail)).toBe(true);
  });

  it('partially accepts: UCI 7 and a UCM 4 per rejected message with its code (golden)', () => {
    const text = interchange({
      messages: [
        message('M1', DESADV_BODY),
        message('M2', DESADV_BODY, undefined, 9),
        `UNH+M3+DESADV:D:96A:UN'BGM+351'UNT+3+MX'`,
        message('M1', DESADV_BODY),
        message('M5', DESADV_BODY, 'DESADV:D::UN'),
        message('M6', DESADV_BODY, 'DESADV:D:96A:UN:EAN0055'),
      ],
    });
    expect(report(text)).toEqual([
      "UCI+IC1+NORDIC:14+GATEWAY:14+7'",
      "UCM+M2+DESADV:D:96A:UN+4+29+UNT+2'",
      "UCM+M3+DESADV:D:96A:UN+4+28+UNT+3'",
      "UCM+M1+DESADV:D:96A:UN+4+26+UNH+2'",
      "UCM+M5+DESADV:D::UN+4+13+UNH+3:3'",
      "UCM+M6+DESADV:D:96A:UN:EAN0055+4+39+UNH+3:5'",
    ]);
  });

  it('reports segment errors as UCS with positions counting UNH as 1 (18, 21)', () => {
    const text = interchange({
      unb: { syntax: 'UNOA' },
      messages: [message('M1', ["BGM+351+asn1+9'", "DTM+137:20240131:102'", `FTX+AAI+++${'X'.repeat(80)}'`])],
    });
    expect(report(text, { strictCharacterSet: true, maxSegmentBytes: 64 })).toEqual([
      "UCI+IC1+NORDIC:14+GATEWAY:14+7'",
      "UCM+M1+DESADV:D:96A:UN+4'",
      "UCS+2+21'",
      "UCS+4+18'",
    ]);
  });

  it('writes a UCD per element in error (grammar findings), under its UCS', () => {
    const ic = first(interchange());
    const m = ic.messages[0]!;
    const element = (
      position: number,
      code: string,
      elementPosition: number,
      componentPosition?: number,
    ): EdifactIssue => ({
      level: 'element',
      severity: 'error',
      kind: 'element-too-long',
      codeList: '0085',
      code,
      message: 'test',
      offset: 0,
      segmentIndex: 0,
      controlNumbers: {},
      segmentPosition: position,
      elementPosition,
      ...(componentPosition === undefined ? {} : { componentPosition }),
    });
    m.segmentIssues.push(element(4, '39', 3, 1), element(4, '12', 1), element(2, '37', 2));
    m.status = 'rejected';
    ic.status = 'partially-accepted';
    const text = buildContrl(ic, options());
    expect(text.kind === 'contrl' && text.text.split('\n').filter((s) => /^UC[MSD]/.test(s))).toEqual([
      "UCM+M1+DESADV:D:96A:UN+4'",
      "UCS+2'",
      "UCD+37+3'",
      "UCS+4'",
      "UCD+39+4:1'",
      "UCD+12+2'",
    ]);
  });

  it('answers groups with UCF: 7 with rejected messages below, 4 with the group error (31, 32, 28)', () => {
    const text = interchange({
      messages: [
        group('G1', [message('M1', DESADV_BODY), message('M2', DESADV_BODY, undefined, 2)]),
        group('G2', [message('M3', DESADV_BODY), message('M4', ["BGM+220'"], 'ORDERS:D:96A:UN')]),
        group('G3', []),
        group('G4', [message('M5', DESADV_BODY)]).replace("UNE+1+G4'", "UNE+1+G0'"),
      ],
      unz: "UNZ+4+IC1'",
    });
    expect(report(text)).toEqual([
      "UCI+IC1+NORDIC:14+GATEWAY:14+7'",
      "UCF+G1+NORDIC:14+GATEWAY:14+7'",
      "UCM+M2+DESADV:D:96A:UN+4+29+UNT+2'",
      "UCF+G2+NORDIC:14+GATEWAY:14+4+31+UNH+3:1'",
      "UCF+G3+NORDIC:14+GATEWAY:14+4+32+UNG'",
      "UCF+G4+NORDIC:14+GATEWAY:14+4+28+UNE+3'",
    ]);
  });

  it('reports intake findings: unknown sender (23), duplicate (26), unknown recipient (43)', () => {
    for (const [kind, code] of [
      ['unknown-sender', '23'],
      ['duplicate-interchange', '26'],
      ['unknown-recipient', '43'],
    ] as const) {
      const ic = first(interchange());
      ic.issues.push({
        level: 'interchange',
        severity: 'error',
        kind,
        codeList: '0085',
        code,
        message: kind,
        offset: 0,
        segmentIndex: 0,
        controlNumbers: { interchange: 'IC1' },
        segmentId: 'UNB',
        elementPosition: kind === 'duplicate-interchange' ? 5 : kind === 'unknown-sender' ? 2 : 3,
      });
      ic.status = 'rejected';
      const result = buildContrl(ic, options());
      expect(result.kind === 'contrl' && result.text.split('\n')[2]).toBe(
        // S011 0098 counts the tag: S002 (sender) is 3, S003 (recipient) 4, 0020 (reference) 6.
        `UCI+IC1+NORDIC:14+GATEWAY:14+4+${code}+UNB+${kind === 'duplicate-interchange' ? 6 : kind === 'unknown-sender' ? 3 : 4}'`,
      );
    }
  });

  it('answers syntax 4 in syntax 4: CCYYMMDD, CONTRL:4:1, receipt only when 0031 is 2, test indicator echoed', () => {
    const text = interchange({ unb: { version: '4', date: '20240131', ack: '2', test: '1' } });
    const result = buildContrl(first(text), options());
    expect(result).toMatchObject({ kind: 'contrl', action: 'received' });
    expect(result.kind === 'contrl' && result.text.split('\n').slice(0, 3)).toEqual([
      "UNB+UNOC:4+GATEWAY:14+NORDIC:14+20240229:0805+101++++++1'",
      "UNH+102+CONTRL:4:1:UN'",
      "UCI+IC1+NORDIC:14+GATEWAY:14+8'",
    ]);
  });

  it('echoes the inbound UNA and releases service characters in echoed values', () => {
    const text = 'UNA=*.! ~UNB*UNOC=3*NOR+DIC=14*GATEWAY=14*240131=1200*A!*B~UNZ*0*A!*B~';
    expect(contrl(text)).toBe(
      [
        'UNA=*.! ~',
        'UNB*UNOC=3*GATEWAY=14*NOR+DIC=14*240229=0805*101~',
        'UNH*102*CONTRL=D=3=UN~',
        'UCI*A!*B*NOR+DIC=14*GATEWAY=14*4*32*UNB~',
        'UNT*3*102~',
        'UNZ*1*101~',
        '',
      ].join('\n'),
    );
  });

  it('refuses references that are not 1–14 letters or digits', () => {
    const ic = first(interchange({ unb: { ack: '1' } }));
    expect(() => buildContrl(ic, { nextReference: () => 'A B', now: NOW })).toThrow(/letters or digits/);
  });
});
