/**
 * The only exception type the EDI engines throw, and only for misuse of the API by the calling code
 * (writing after `end()`, a malformed option). Bad input data never throws: it becomes an `EdiIssue`.
 */
export type EdiErrorCode = 'STREAM_ENDED' | 'INVALID_OPTION' | 'INVALID_ACK_INPUT';

export class EdiError extends Error {
  override readonly name = 'EdiError';

  constructor(
    readonly code: EdiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
