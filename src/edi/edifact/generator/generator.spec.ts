import { describe, expect, it } from 'vitest';
import { readEdifact } from '../reader.js';
import { COMPONENT_MARK } from '../x12-shared.js';
import { generateEdifactContrl, writeEdifactInterchange, EdifactGenerationError } from './index.js';

const base = {
  sender: { id: 'GATEWAY', qualifier: '14' },
  recipient: { id: 'NORDIC', qualifier: '14' },
  now: new Date('2025-03-19T20:21:05Z'),
  references: { interchange: '42', messages: ['7'] },
};
const message = (rows: string[][]) => ({ type: 'ORDERS', version: 'D', release: '96A', agency: 'UN', rows });

describe('writeEdifactInterchange', () => {
  it('writes UNB/UNH/UNT/UNZ with counts and releases every service character in values', () => {
    const written = writeEdifactInterchange(
      [
        message([
          ['BGM', '220', `PO'1+2:3?`, '9'],
          ['RFF', `ON${COMPONENT_MARK}A:B`],
        ]),
      ],
      base,
    );
    expect(written.text).toBe(
      "UNB+UNOC:3+GATEWAY:14+NORDIC:14+250319:2021+42'UNH+7+ORDERS:D:96A:UN'" +
        "BGM+220+PO?'1?+2?:3??+9'RFF+ON:A?:B'UNT+4+7'UNZ+1+42'",
    );
    // What it writes reads back valid, with the same values.
    const result = readEdifact(written.text);
    expect(result.interchanges[0]!.status).toBe('accepted');
  });

  it("writes the partner's UNA and service characters, and syntax 4 dates", () => {
    const written = writeEdifactInterchange([message([['BGM', '220', 'A=B*C', '9']])], {
      ...base,
      syntaxVersion: 4,
      serviceCharacters: '=*,!^~',
    });
    expect(written.text).toBe(
      'UNA=*,!^~UNB*UNOC=4*GATEWAY=14*NORDIC=14*20250319=2021*42~UNH*7*ORDERS=D=96A=UN~' +
        'BGM*220*A!=B!*C*9~UNT*3*7~UNZ*1*42~',
    );
    expect(readEdifact(written.text).interchanges[0]!.status).toBe('accepted');
  });

  it('refuses a service character it cannot release instead of writing corrupt output', () => {
    const noRelease = { ...base, serviceCharacters: ":+.  '" };
    expect(() => writeEdifactInterchange([message([['BGM', '220', 'A+B', '9']])], noRelease)).toThrow(
      expect.objectContaining({ code: 'DELIMITER_IN_VALUE' }),
    );
    expect(() => writeEdifactInterchange([message([['BGM', '220', 'AB', '9']])], noRelease)).not.toThrow();
    expect(() =>
      writeEdifactInterchange([], { ...base, references: { interchange: 'x y', messages: [] } }),
    ).toThrow(EdifactGenerationError);
    expect(() => writeEdifactInterchange([], { ...base, serviceCharacters: "::.? '" })).toThrow(
      /service characters/,
    );
  });
});

describe('writeEdifactInterchange: the character set of UNB S001', () => {
  const named = (syntax: string, name: string) =>
    writeEdifactInterchange([message([['CTA', 'PD', `${COMPONENT_MARK}${name}`]])], { ...base, syntax });

  it('writes UNOC as ISO 8859-1 bytes, one byte a character, and reads back the same name', () => {
    const written = named('UNOC', 'Müller');
    const at = written.bytes.indexOf('CTA+PD+:M');
    expect(at).toBeGreaterThan(0);
    expect([...written.bytes.subarray(at + 9, at + 12)]).toEqual([0xfc, 0x6c, 0x6c]);
    expect(written.bytes.includes(Buffer.from([0xc3, 0xbc]))).toBe(false);
    const read = readEdifact(written.bytes);
    expect(read.interchanges[0]!.status).toBe('accepted');
    expect(read.interchanges[0]!.charset.id).toBe('UNOC');
  });

  it('writes the ISO 8859 part of UNOD and UTF-8 for UNOW', () => {
    // ISO 8859-2: Ł is 0xA3, ó 0xF3; UTF-8: ł is C5 82.
    expect(named('UNOD', 'Łódź').bytes.includes(Buffer.from([0xa3, 0xf3, 0x64, 0xbc]))).toBe(true);
    expect(named('UNOW', 'Łódź').bytes.includes(Buffer.from('Łódź', 'utf8'))).toBe(true);
  });

  it('names the IANA charset of the bytes it wrote', () => {
    expect(named('UNOC', 'Müller').charset).toBe('ISO-8859-1');
    expect(named('UNOD', 'Łódź').charset).toBe('ISO-8859-2');
    expect(named('UNOW', 'Łódź').charset).toBe('UTF-8');
  });

  it('refuses a character outside the declared repertoire, naming the segment and the character', () => {
    // Level A has no lower case and no "@"; level B has lower case but still no "@".
    expect(() => named('UNOA', 'a@b')).toThrow(
      expect.objectContaining({
        code: 'VALUE_INVALID',
        message: expect.stringMatching(/CTA "a@b": U\+0061 .*UNOA/),
      }),
    );
    expect(() => named('UNOB', 'a@b')).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/U\+0040/) }),
    );
    expect(() => named('UNOA', 'A(B)')).not.toThrow();
    expect(() => named('UNOC', 'Łukasz')).toThrow(
      expect.objectContaining({ code: 'VALUE_INVALID', message: expect.stringMatching(/U\+0141 .*UNOC/) }),
    );
    expect(() => named('UNOC', 'A\u0007B')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }));
    expect(() => named('UNOX', 'A')).toThrow(expect.objectContaining({ code: 'ENVELOPE_INVALID' }));
  });
});

describe('generateEdifactContrl', () => {
  it('writes UCI 7 with a UCM 4 and its UCS / UCD for a rejected message', () => {
    const written = generateEdifactContrl(
      {
        acknowledged: { interchangeControlNumber: 'NC0005' },
        status: 'partially-accepted',
        interchangeSender: { id: 'NORDIC', qualifier: '14' },
        interchangeRecipient: { id: 'GATEWAY', qualifier: '14' },
        transactionSets: [
          {
            controlNumber: '1',
            type: 'DESADV',
            status: 'rejected',
            issues: [
              { level: 'segment', code: '15', segmentPosition: 3 },
              { level: 'element', code: '39', segmentPosition: 4, elementPosition: 1, componentPosition: 2 },
            ],
          },
          { controlNumber: '2', type: 'DESADV', status: 'accepted' },
        ],
      },
      { ...base, references: { interchange: '43', messages: ['C1'] } },
    );
    expect(written.text).toBe(
      "UNB+UNOC:3+GATEWAY:14+NORDIC:14+250319:2021+43'UNH+C1+CONTRL:D:3:UN'UCI+NC0005+NORDIC:14+GATEWAY:14+7'" +
        "UCM+1+DESADV:D:96A:UN+4'UCS+3+15'UCS+4'UCD+39+2:2'UNT+7+C1'UNZ+1+43'",
    );
  });

  it('writes UCI 4 with the interchange code and nothing below', () => {
    const written = generateEdifactContrl(
      {
        acknowledged: { interchangeControlNumber: 'NC0006' },
        status: 'rejected',
        interchangeSender: { id: 'NORDIC' },
        interchangeRecipient: { id: 'GATEWAY' },
        transactionSets: [{ controlNumber: '1', type: 'ORDRSP', status: 'rejected' }],
        issues: [{ level: 'interchange', code: '23' }],
      },
      base,
    );
    expect(written.text).toContain("UCI+NC0006+NORDIC+GATEWAY+4+23'UNT+3+7'");
  });
});
