import { describe, expect, it } from 'vitest';
import { latin1ToEbcdic } from '../core/ebcdic.js';
import { buildX12Acknowledgment, type X12AckResult } from './ack-builder.js';
import { encodeX12 } from './encoding.js';
import { gs, isa, PO_BODY, set, validPo } from './fixtures/build.js';
import { readX12, validateX12 } from './reader.js';

/** A purchase order asking for a TA1, every segment ended by `t`. */
function po(t: string): string {
  return (
    isa({ ackRequested: '1', terminator: t }) +
    gs({}, '*', t) +
    set('850', '0001', PO_BODY, { t }) +
    `GE*1*7${t}IEA*1*000000101${t}`
  );
}

function ackText(result: X12AckResult): string {
  if (result.kind !== 'ack') throw new Error(`expected an ack, got ${result.kind}: ${result.reason}`);
  return result.text;
}

/** Reads `bytes`, answers its interchange and writes the answer the way the interchange was read. */
function answer(bytes: Buffer) {
  const [ic] = validateX12(bytes).interchanges;
  let n = 0;
  const text = ackText(
    buildX12Acknowledgment(ic!, {
      nextControlNumber: () => ++n,
      now: new Date(Date.UTC(2026, 10, 28, 9, 5)),
    }),
  );
  return { ic: ic!, text, bytes: encodeX12(text, ic!.encoding) };
}

describe('acknowledgments in the encoding of the interchange they answer', () => {
  it('echoes a multi-byte UTF-8 terminator as the same bytes', () => {
    const { ic, bytes } = answer(Buffer.from(po('\u2026'), 'utf8'));
    expect(ic.encoding).toBe('utf8');
    expect(ic.delimiters.segment).toBe('\u2026');
    // ISA is 105 bytes before its terminator: E2 80 A6 follows, as the partner wrote it.
    expect([...bytes.subarray(105, 108)]).toEqual([0xe2, 0x80, 0xa6]);
    const back = validateX12(bytes).interchanges;
    expect(back).toHaveLength(1);
    expect(back[0]!.delimiters.segment).toBe('\u2026');
    expect(back[0]!.status).toBe('accepted');
    expect(back[0]!.ta1Count).toBe(1);
  });

  it('keeps a single high-byte terminator one byte (read as Latin-1)', () => {
    const { ic, bytes } = answer(Buffer.from(po('\u00a7'), 'latin1'));
    expect(ic.encoding).toBe('latin1');
    expect(bytes[105]).toBe(0xa7);
    expect(bytes.includes(Buffer.from('\u00a7', 'utf8'))).toBe(false);
    expect(validateX12(bytes).interchanges[0]!.delimiters.segment).toBe('\u00a7');
  });

  it('answers an EBCDIC interchange in EBCDIC', () => {
    const { ic, bytes, text } = answer(Buffer.from(latin1ToEbcdic(Buffer.from(po('~'), 'latin1'))));
    expect(ic.encoding).toBe('ebcdic');
    expect([...bytes.subarray(0, 3)]).toEqual([0xc9, 0xe2, 0xc1]); // "ISA" in cp037
    const back = validateX12(bytes).interchanges;
    expect(back[0]!.encoding).toBe('ebcdic');
    expect(back[0]!.status).toBe('accepted');
    expect(back[0]!.ta1Count).toBe(1);
    expect(bytes).toHaveLength(text.length);
  });

  it('reads and answers a plain ASCII interchange byte for byte', () => {
    const { ic, bytes, text } = answer(Buffer.from(po('~'), 'latin1'));
    expect(ic.encoding).toBe('latin1');
    expect(bytes.equals(Buffer.from(text, 'latin1'))).toBe(true);
  });

  it('refuses a character a single-byte encoding has no byte for', () => {
    expect(() => encodeX12('ISA*\u2026', 'latin1')).toThrow(RangeError);
    expect(() => encodeX12('ISA*\u2026', 'ebcdic')).toThrow(RangeError);
  });
});

describe('values with bytes of 0x80 and up', () => {
  /** The N102 of a purchase order whose name is written as `name` bytes. */
  function nameRead(name: Buffer): string {
    const [before, after] = validPo({ body: ['BEG*00*SA*PO-1001**20240131', 'N1*ST*@', 'CTT*0'] }).split('@');
    const bytes = Buffer.concat([Buffer.from(before!, 'latin1'), name, Buffer.from(after!, 'latin1')]);
    let value: string | undefined;
    readX12(bytes, { segment: (view) => void (view.id === 'N1' && (value = view.element(2))) });
    return value!;
  }

  it('reads them as UTF-8 when they are, and byte for byte as ISO 8859-1 when they are not', () => {
    expect(nameRead(Buffer.from('MÜLLER SPEDITION', 'utf8'))).toBe('MÜLLER SPEDITION');
    // DC alone is no UTF-8: a Latin-1 partner's Ü, not a replacement character.
    expect(nameRead(Buffer.from('MÜLLER SPEDITION', 'latin1'))).toBe('MÜLLER SPEDITION');
    expect(nameRead(Buffer.from('CAFÉ Ø', 'latin1'))).toBe('CAFÉ Ø');
    // Judged per value: a broken sequence makes the whole value Latin-1, never half of each.
    expect(nameRead(Buffer.from([0x41, 0xc3, 0x9c, 0xdc]))).toBe('AÃ\u009cÜ');
  });
});
