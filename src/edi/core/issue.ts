import type { EdiControlNumbers, EdiPosition } from './position.js';

/**
 * Envelope level a finding is reported at. EDIFACT's "message" maps to `set` so that both engines
 * share one model (UNH/UNT play the role of ST/SE).
 */
export type EdiLevel = 'interchange' | 'group' | 'set' | 'segment' | 'element';

/** `error` findings change the acknowledgment status; `warning` findings are tolerated deviations. */
export type EdiSeverity = 'error' | 'warning';

/**
 * A validation finding, as data. Nothing in the EDI engines throws for bad input: every defect becomes
 * one of these, carrying the standard code of the version being answered.
 */
export interface EdiIssue<K extends string = string> extends EdiPosition {
  readonly level: EdiLevel;
  readonly severity: EdiSeverity;
  /** Stable, version-independent name of the condition (for logs, tests and business rules). */
  readonly kind: K;
  /** Name of the code list the code comes from, e.g. `TA105`, `AK905`, `AK502`, `AK304`, `AK403`. */
  readonly codeList: string;
  /**
   * The standard's code in the interchange's own version, or `undefined` when that version's list has
   * no code for the condition (e.g. a duplicate GS06 in 004010, which only 005010 can express).
   */
  readonly code: string | undefined;
  readonly message: string;
  readonly controlNumbers: EdiControlNumbers;
  /** Segment id the finding concerns (as received, possibly garbage). */
  readonly segmentId?: string;
  /** 1-based position of the segment in its transaction set / message (ST or UNH = 1). */
  readonly segmentPosition?: number;
  /** 1-based element position within the segment. */
  readonly elementPosition?: number;
  /** 1-based component position within a composite element. */
  readonly componentPosition?: number;
  /** 1-based repetition number, when the element repeats. */
  readonly repetition?: number;
  /** Data element reference number from the dictionary (e.g. `329` for ST02). */
  readonly elementReference?: string;
  /** Copy of the bad value, when there is one to report. */
  readonly badValue?: string;
  /** Loop the segment belongs to (X12 AK303 / IK303), filled by grammar-aware validators. */
  readonly loopId?: string;
  /** Context for the finding (X12 999 CTX: business unit identifier or situational trigger). */
  readonly context?: readonly EdiIssueContext[];
}

/**
 * Context of a finding. For an X12 999 this becomes a CTX segment: `name` and `reference` fill CTX01
 * (e.g. "CLM01" + claim id, or "SITUATIONAL TRIGGER"), the rest point at the segment that triggered it.
 */
export interface EdiIssueContext {
  readonly name: string;
  readonly reference?: string;
  readonly segmentId?: string;
  readonly segmentPosition?: number;
  readonly loopId?: string;
  readonly elementPosition?: number;
  readonly componentPosition?: number;
}

/** A finding is fatal for its level when it is an error; warnings never reject anything. */
export function isError(issue: EdiIssue): boolean {
  return issue.severity === 'error';
}
