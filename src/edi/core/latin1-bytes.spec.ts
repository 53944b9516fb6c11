import { describe, expect, it } from 'vitest';
import { latin1Bytes } from './latin1-bytes.js';

describe('latin1Bytes, the single-byte output of the X12 and EDIFACT writers', () => {
  it('writes every character up to U+00FF as its own byte', () => {
    const text = 'NAD+SU+++Müller\u00a7\u00ff\u0001';
    expect([...latin1Bytes(text, 'Latin-1')]).toEqual([...text].map((ch) => ch.charCodeAt(0)));
  });

  it('refuses the first character above U+00FF, naming it and the encoding, instead of keeping its low byte', () => {
    expect(() => latin1Bytes('ISA*\u2026*\u0141', 'EBCDIC')).toThrow(
      new RangeError('U+2026 has no byte in EBCDIC'),
    );
    // A character outside the BMP is named by its code point, not by half of its surrogate pair.
    expect(() => latin1Bytes('N1*\u{1f600}', 'UNOC')).toThrow(new RangeError('U+1F600 has no byte in UNOC'));
  });
});
