/**
 * Where something happened in an EDI stream. Shared by the X12 and EDIFACT engines so that errors,
 * archives and CLI output can point at the same coordinates whatever the standard.
 */
export interface EdiPosition {
  /** Byte offset of the segment's first byte in the whole stream (BOM and leading whitespace included). */
  readonly offset: number;
  /** 0-based index of the segment in the whole stream, envelope segments included. */
  readonly segmentIndex: number;
}

/** Control numbers of the envelopes a finding belongs to, as received (untrimmed values are trimmed). */
export interface EdiControlNumbers {
  /** X12 ISA13 / EDIFACT UNB5. */
  readonly interchange?: string;
  /** X12 GS06 / EDIFACT UNG5. */
  readonly group?: string;
  /** X12 ST02 / EDIFACT UNH1. */
  readonly set?: string;
}

export const NO_POSITION: EdiPosition = Object.freeze({ offset: -1, segmentIndex: -1 });
