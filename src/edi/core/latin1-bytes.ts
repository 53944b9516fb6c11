/** A UTF-16 code unit above U+00FF (surrogates included): a character no ISO 8859-1 byte stands for. */
const ABOVE_LATIN1 = /[\u0100-\uffff]/;

/** The first character of `text` that has no ISO 8859-1 byte (a code point above U+00FF), if any. */
export function aboveLatin1(text: string): number | undefined {
  const at = text.search(ABOVE_LATIN1);
  return at < 0 ? undefined : text.codePointAt(at);
}

/**
 * `text` as ISO 8859-1 bytes, one per character: the single-byte output of both engines (X12 in
 * Latin-1 and, translated from it, EBCDIC cp037; EDIFACT UNOA, UNOB and UNOC). A character above U+00FF
 * has no such byte (`Buffer.from(text, 'latin1')` would silently keep its low byte): `noByteError`.
 */
export function latin1Bytes(text: string, target: string): Buffer {
  const codePoint = aboveLatin1(text);
  if (codePoint !== undefined) throw noByteError(codePoint, target);
  return Buffer.from(text, 'latin1');
}

/** The RangeError for a character that `target`, the encoding being written, has no byte for. */
export function noByteError(codePoint: number, target: string): RangeError {
  return new RangeError(`${codePointName(codePoint)} has no byte in ${target}`);
}

/** `U+00DC`: how a character is named in messages (its code point, which shows what it is). */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
