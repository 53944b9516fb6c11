export type EdifactGenerationErrorCode =
  'NO_MAP' | 'VALUE_INVALID' | 'DELIMITER_IN_VALUE' | 'ENVELOPE_INVALID';

/** Why a document could not be written; nothing half-written ever leaves the generator. */
export class EdifactGenerationError extends Error {
  constructor(
    readonly code: EdifactGenerationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EdifactGenerationError';
  }
}
