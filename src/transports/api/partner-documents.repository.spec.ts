import { describe, expect, it } from 'vitest';
import { acknowledgmentOf } from './partner-documents.repository.js';

/** An intake answer as recorded: one X12 acknowledgment per interchange of the file. */
const x12Answer = (...acks: { text: string; encoding?: 'latin1' | 'utf8' | 'ebcdic'; ta1?: boolean }[]) => ({
  x12Intake: {
    interchanges: acks.map((a, position) => ({
      position,
      ack: {
        text: a.text,
        controlNumber: String(position + 1).padStart(9, '0'),
        ta1: a.ta1 ? {} : null,
        functional: '997',
        acknowledgedGroups: [],
        ...(a.encoding ? { encoding: a.encoding } : {}),
      },
    })),
  },
});

describe('the acknowledgment the partner API serves', () => {
  it('is the bytes of the encoding each interchange was read in, with that charset', () => {
    const ebcdic = acknowledgmentOf(x12Answer({ text: 'ISA*§', encoding: 'ebcdic', ta1: true }))!;
    expect(ebcdic.contentType).toBe('application/edi-x12; charset=IBM037');
    expect([...ebcdic.payload.subarray(0, 3)]).toEqual([0xc9, 0xe2, 0xc1]); // "ISA" in cp037
    expect(ebcdic.kinds).toEqual(['TA1', '997']);
    const utf8 = acknowledgmentOf(x12Answer({ text: 'ISA*Müller…', encoding: 'utf8' }))!;
    expect(utf8.contentType).toBe('application/edi-x12; charset=UTF-8');
    expect(utf8.payload.equals(Buffer.from('ISA*Müller…', 'utf8'))).toBe(true);
    // Recorded before the encoding was: Latin-1, as it was sent then.
    const old = acknowledgmentOf(x12Answer({ text: 'ISA*Müller' }))!;
    expect(old.contentType).toBe('application/edi-x12; charset=ISO-8859-1');
    expect(old.payload.equals(Buffer.from('ISA*Müller', 'latin1'))).toBe(true);
  });

  it('names no charset when the interchanges of one file were answered in different encodings', () => {
    const mixed = acknowledgmentOf(
      x12Answer({ text: 'ISA*é', encoding: 'latin1' }, { text: 'ISA*é', encoding: 'utf8' }),
    )!;
    expect(mixed.contentType).toBe('application/edi-x12');
    expect([...mixed.payload]).toEqual([...Buffer.from('ISA*é', 'latin1'), ...Buffer.from('ISA*é', 'utf8')]);
  });

  it('writes a CONTRL in the charset its UNB declares', () => {
    const contrl = (syntaxId: string | undefined) =>
      acknowledgmentOf({
        edifactIntake: {
          interchanges: [
            {
              position: 0,
              contrl: { text: "UNB+X'NAD+Łódź'", reference: '1', ...(syntaxId ? { syntaxId } : {}) },
            },
          ],
        },
      })!;
    expect(contrl('UNOW').contentType).toBe('application/edifact; charset=UTF-8');
    expect(contrl('UNOD').contentType).toBe('application/edifact; charset=ISO-8859-2');
    expect(contrl('UNOD').payload.includes(0xa3)).toBe(true); // Ł in ISO 8859-2
    expect(contrl('UNOW').kinds).toEqual(['CONTRL']);
  });

  it('is absent when the intake built none', () => {
    expect(acknowledgmentOf({})).toBeUndefined();
    expect(acknowledgmentOf({ x12Intake: { interchanges: [{ position: 0, ack: null }] } })).toBeUndefined();
  });
});
