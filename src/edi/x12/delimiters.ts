/**
 * Delimiters of one interchange, as read from its ISA (X12.5 §3.3 "delimiters are specified in the
 * interchange header"). Each is kept as the decoded character; the terminator may be more than one
 * byte when a partner used a multi-byte UTF-8 character (e.g. U+2026), which is why it is a string.
 */
export interface X12Delimiters {
  /** ISA byte 4 (index 3). */
  readonly element: string;
  /** ISA16. */
  readonly component: string;
  /** ISA11 from version 00402 on; `undefined` before 00402 (ISA11 was the standards identifier "U"). */
  readonly repetition: string | undefined;
  /** The character(s) right after ISA16. */
  readonly segment: string;
}

export const DEFAULT_X12_DELIMITERS: X12Delimiters = Object.freeze({
  element: '*',
  component: ':',
  repetition: '^',
  segment: '~',
});

/** True when a byte may serve as a delimiter: not a letter, digit or space (X12.6 §3.3.2: delimiters must not occur in data). */
export function isDelimiterCandidate(byte: number): boolean {
  if (byte >= 0x30 && byte <= 0x39) return false;
  if (byte >= 0x41 && byte <= 0x5a) return false;
  if (byte >= 0x61 && byte <= 0x7a) return false;
  return byte !== 0x20;
}
