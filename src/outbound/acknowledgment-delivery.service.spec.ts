import { describe, expect, it } from 'vitest';
import { builtAcknowledgments } from './acknowledgment-delivery.service.js';

const contrl = (text: string, syntaxId?: string) => ({
  edifactIntake: {
    interchanges: [
      {
        position: 0,
        contrl: { text, action: 'rejected', reference: '1', messageReference: '1', syntaxId },
      },
    ],
  },
});

const x12 = (text: string, encoding?: string) => ({
  x12Intake: {
    interchanges: [
      {
        position: 0,
        ack: {
          text,
          controlNumber: '000000001',
          ta1: null,
          functional: '997',
          acknowledgedGroups: [],
          encoding,
        },
      },
    ],
  },
});

describe('the bytes of a recorded acknowledgment', () => {
  it('writes a CONTRL in the charset of its UNB syntax identifier', () => {
    const text = "UNB+UNOW:4+BUYERCO:ZZZ+M\u00d6LNDAL:ZZZ+20261127:0800+1'";
    expect(builtAcknowledgments(contrl(text, 'UNOW'))[0]!.payload).toEqual(Buffer.from(text, 'utf8'));
    expect(builtAcknowledgments(contrl(text, 'UNOY'))[0]!.payload).toEqual(Buffer.from(text, 'utf8'));
    expect(builtAcknowledgments(contrl(text, 'UNOC'))[0]!.payload).toEqual(Buffer.from(text, 'latin1'));
    // ISO 8859-15 (UNOL) puts the euro sign at A4, where ISO 8859-1 has the currency sign.
    const euro = builtAcknowledgments(contrl("UNB+UNOL:4+\u20ac1'", 'UNOL'))[0]!.payload;
    expect([...euro.subarray(11, 12)]).toEqual([0xa4]);
  });

  it('writes a CONTRL recorded without its syntax identifier as ISO 8859-1, as it was then', () => {
    const text = "UNB+UNOC:3+BUYERCO+M\u00d6LNDAL+261127:0800+1'";
    expect(builtAcknowledgments(contrl(text))[0]!.payload).toEqual(Buffer.from(text, 'latin1'));
  });

  it('writes an X12 acknowledgment in the encoding its interchange was read in', () => {
    const text = 'ISA*00*\u2026GS*FA\u2026';
    expect(builtAcknowledgments(x12(text, 'utf8'))[0]!.payload).toEqual(Buffer.from(text, 'utf8'));
    const latin1 = 'ISA*00*\u00a7GS*FA\u00a7';
    expect(builtAcknowledgments(x12(latin1, 'latin1'))[0]!.payload).toEqual(Buffer.from(latin1, 'latin1'));
    expect(builtAcknowledgments(x12(latin1))[0]!.payload).toEqual(Buffer.from(latin1, 'latin1'));
    // cp037: "I" C9, "S" E2, "A" C1, "*" 5C.
    expect([...builtAcknowledgments(x12('ISA*', 'ebcdic'))[0]!.payload]).toEqual([0xc9, 0xe2, 0xc1, 0x5c]);
  });
});
