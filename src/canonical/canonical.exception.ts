/**
 * The canonical model's one exception: a code to branch on, a message a person can act on, and the
 * offending input where there is one. Thrown for bad numbers, unknown units and invalid events, so a
 * translator can turn it into the standard answer for its channel (997 AK4, CONTRL, problem+json).
 */
export enum CanonicalErrorCode {
  /** The text is not a decimal of the expected form (empty, exponent, thousands separator, …). */
  DecimalInvalid = 'DECIMAL_INVALID',
  /** More integer or fraction digits than the canonical model carries (see `DECIMAL_LIMITS`). */
  DecimalOutOfRange = 'DECIMAL_OUT_OF_RANGE',
  /** The exact result does not fit the requested scale, or needs rounding and none was given. */
  DecimalInexact = 'DECIMAL_INEXACT',
  DecimalDivisionByZero = 'DECIMAL_DIVISION_BY_ZERO',
  /** A unit code that the standard it came from, or the gateway's Rec 20 table, does not define. */
  UnitUnknown = 'UNIT_UNKNOWN',
  /** Two units of different dimensions, or a packaging unit without the material's factors. */
  UnitNotConvertible = 'UNIT_NOT_CONVERTIBLE',
  /** A material's unit conversion factors are unusable (zero, duplicate, unknown unit). */
  UnitConversionInvalid = 'UNIT_CONVERSION_INVALID',
  EventInvalidJson = 'EVENT_INVALID_JSON',
  /** `type` names no event of the catalogue. */
  EventUnknownType = 'EVENT_UNKNOWN_TYPE',
  /** The type exists, but not in this `schemaVersion`. */
  EventUnknownVersion = 'EVENT_UNKNOWN_VERSION',
  /** The event does not match its schema; `details` lists every problem with its path. */
  EventInvalid = 'EVENT_INVALID',
}

export class CanonicalError extends Error {
  override readonly name = 'CanonicalError';

  constructor(
    readonly code: CanonicalErrorCode,
    message: string,
    /** Problems one by one (`path: message`), for errors that have several. */
    readonly details: readonly string[] = [],
  ) {
    super(details.length === 0 ? message : [message, ...details.map((d) => `  ${d}`)].join('\n'));
  }
}
