import { ebcdicToLatin1, latin1ToEbcdic } from '../core/ebcdic.js';
import { latin1Bytes } from '../core/latin1-bytes.js';

/** For the generator, which checks values against a single-byte encoding before writing them. */
export { aboveLatin1, codePointName } from '../core/latin1-bytes.js';

/**
 * How an interchange's characters were read from its bytes, so that an answer can be written the same
 * way: `ebcdic` (cp037, X12.6 allows EBCDIC as the transmission code), `utf8` (the ISA ended in a
 * multi-byte UTF-8 segment terminator) or `latin1` (every delimiter one byte: byte for byte, which is
 * also plain ASCII).
 */
export type X12Encoding = 'latin1' | 'utf8' | 'ebcdic';

/** The IANA charset name of each encoding, for a Content-Type that says how the bytes are written. */
export const X12_MIME_CHARSETS: Readonly<Record<X12Encoding, string>> = {
  latin1: 'ISO-8859-1',
  utf8: 'UTF-8',
  ebcdic: 'IBM037',
};

/** `text` as the bytes of `encoding`; a character the encoding has no byte for throws a RangeError. */
export function encodeX12(text: string, encoding: X12Encoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  const latin1 = latin1Bytes(text, encoding === 'ebcdic' ? 'EBCDIC' : 'Latin-1');
  return encoding === 'ebcdic' ? Buffer.from(latin1ToEbcdic(latin1)) : latin1;
}

/** The characters of bytes written in `encoding` (the inverse of encodeX12). */
export function decodeX12(bytes: Uint8Array, encoding: X12Encoding): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding === 'utf8') return buffer.toString('utf8');
  return encoding === 'ebcdic'
    ? Buffer.from(ebcdicToLatin1(bytes)).toString('latin1')
    : buffer.toString('latin1');
}

/**
 * The encoding a Content-Type's `charset` parameter names (one of X12_MIME_CHARSETS, compared without
 * regard to case, RFC 2046 §4.1.2), or undefined when it names none of them or has none.
 */
export function x12EncodingOf(contentType: string): X12Encoding | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toUpperCase();
  return (Object.keys(X12_MIME_CHARSETS) as X12Encoding[]).find((e) => X12_MIME_CHARSETS[e] === charset);
}
