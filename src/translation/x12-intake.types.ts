import type { X12Encoding, X12IssueKind, X12Ta1 } from '../edi/x12/index.js';
import type { Differences } from '../exceptions/exception.types.js';
import type { InterchangeStatus } from '../interchanges/interchange.types.js';
import type { X12Sender } from './sender-binding.js';

/** Why an interchange was accepted or rejected by the intake. */
export type X12IntakeReason =
  | 'accepted'
  /** The library rejected the envelope (TA105 from its findings). */
  | 'envelope'
  /** ISA07/ISA08 is none of our ids (TA105 009, or 007 for one of our ids under another qualifier). */
  | 'isa-receiver-not-ours'
  | 'unidentified-partner'
  | 'isa-sender-not-bound'
  | 'gs-sender-not-bound'
  /** Same partner, sender and ISA13 accepted within X12_DUPLICATE_WINDOW_DAYS (TA105 025). */
  | 'duplicate';

/** The acknowledgment interchange owed to the sender (TA1 and/or one FA group), as built by src/edi. */
export interface X12IntakeAck {
  readonly text: string;
  /** ISA13 of the acknowledgment interchange (from the partner's counter). */
  readonly controlNumber: string;
  readonly ta1: X12Ta1 | null;
  /** '997' / '999' when the acknowledgment holds a functional group, null for a TA1 alone. */
  readonly functional: '997' | '999' | null;
  /** GS06 of every inbound group the 997/999 answers. */
  readonly acknowledgedGroups: readonly string[];
  /** How the inbound interchange was read, so the acknowledgment's bytes are (absent before: Latin-1). */
  readonly encoding?: X12Encoding;
}

export interface X12IntakeInterchange {
  /** 0-based position of the interchange in the file. */
  readonly position: number;
  /** ISA13, trimmed. */
  readonly controlNumber: string;
  readonly sender: X12Sender;
  readonly outcome: 'accepted' | 'rejected';
  readonly reason: X12IntakeReason;
  readonly detail: string;
  /** For a duplicate: the archive row that was accepted with this ISA13 first. */
  readonly duplicateOf: { readonly interchangeId: string; readonly receivedAt: string } | null;
  /** What to send back; null when nothing is owed or it cannot be written (see `ackProblem`). */
  readonly ack: X12IntakeAck | null;
  /** Why the acknowledgment owed could not be written; null when it was written or none is owed. */
  readonly ackProblem: string | null;
  /**
   * The case raised for this interchange: `interchange.rejected`, or `interchange.ack-unwritable` for
   * an accepted one whose acknowledgment could not be written.
   */
  readonly exceptionId: string | null;
}

export interface X12IntakeResult {
  /** The inbound archive row. */
  readonly interchangeId: string;
  /** The row's status after the intake. */
  readonly status: InterchangeStatus;
  readonly detail: string | null;
  readonly interchanges: readonly X12IntakeInterchange[];
  /** True when this result was recorded by an earlier run (job retry) and is returned as it was. */
  readonly replayed: boolean;
}

/** What the intake's checks decided about one interchange, which its acknowledgment then answers. */
export type X12IntakeVerdict = { readonly outcome: 'accepted' } | X12IntakeRejection;

export interface X12IntakeRejection {
  readonly outcome: 'rejected';
  readonly reason: Exclude<X12IntakeReason, 'accepted'>;
  readonly detail: string;
  /** Gateway-level finding put in front of the library's, so its TA105 is the one the TA1 carries. */
  readonly finding?: { readonly kind: X12IssueKind; readonly code: string };
  readonly duplicateOf?: { readonly interchangeId: string; readonly receivedAt: Date };
  readonly differences?: Differences;
}
