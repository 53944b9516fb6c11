/** Why an outbound document could not be written. Nothing partial is ever returned. */
export type X12GenerationErrorCode =
  /** A value contains one of the interchange's delimiters (X12 has no release character). */
  | 'DELIMITER_IN_VALUE'
  /** A value the map needs is missing or cannot be converted (a code outside a table, a bad date). */
  | 'VALUE_INVALID'
  /** Delimiters, ids or control numbers of the envelope are unusable. */
  | 'ENVELOPE_INVALID'
  /** No outbound map for the event's set and version. */
  | 'NO_MAP';

export class X12GenerationError extends Error {
  override readonly name = 'X12GenerationError';

  constructor(
    readonly code: X12GenerationErrorCode,
    message: string,
  ) {
    super(message);
  }
}
