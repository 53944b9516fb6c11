import type { ContrlAction, EdifactEnvelopeIssueKind } from '../edi/edifact/index.js';
import type { Differences } from '../exceptions/exception.types.js';
import type { InterchangeStatus } from '../interchanges/interchange.types.js';
import type { EdifactSender } from './edifact-references.repository.js';

/** Why an EDIFACT interchange was accepted or rejected by the intake. */
export type EdifactIntakeReason =
  | 'accepted'
  /** The library rejected the interchange (UCI 4 with its 0085 code). */
  | 'envelope'
  /** Every message was rejected (UCI 7 with a UCM 4 for each): nothing to translate. */
  | 'all-messages-rejected'
  /** UNB S003 is none of our ids (0085 43). */
  | 'unb-recipient-not-ours'
  /** The channel authenticated no partner, or the UNB sender is not one of its identities (0085 23). */
  | 'unidentified-partner'
  | 'unb-sender-not-bound'
  /** Same partner, sender and UNB 0020 accepted within EDIFACT_DUPLICATE_WINDOW_DAYS (0085 26). */
  | 'duplicate';

/** The CONTRL owed to the sender, as built by src/edi/edifact. */
export interface EdifactIntakeContrl {
  readonly text: string;
  /** UCI 0083 of the CONTRL. */
  readonly action: ContrlAction;
  /** UNB 0020 and UNH 0062 of the CONTRL (from the partner's counters). */
  readonly reference: string;
  readonly messageReference: string;
  /** UNB S001 0001 the CONTRL declares, the charset of its bytes (absent before: UNOC, ISO 8859-1). */
  readonly syntaxId?: string;
}

export interface EdifactIntakeInterchange {
  /** 0-based position of the interchange in the file. */
  readonly position: number;
  /** UNB 0020. */
  readonly reference: string;
  readonly sender: EdifactSender;
  readonly outcome: 'accepted' | 'partially-accepted' | 'rejected';
  readonly reason: EdifactIntakeReason;
  readonly detail: string;
  /** UNH 0062 of the messages accepted and rejected (only accepted ones go on to translation). */
  readonly acceptedMessages: readonly string[];
  readonly rejectedMessages: readonly string[];
  readonly duplicateOf: { readonly interchangeId: string; readonly receivedAt: string } | null;
  /** What to send back; null when nothing is owed or it cannot be written (see `contrlProblem`). */
  readonly contrl: EdifactIntakeContrl | null;
  /** Why the CONTRL owed could not be written; null when it was written or none is owed. */
  readonly contrlProblem: string | null;
  readonly exceptionId: string | null;
}

export interface EdifactIntakeResult {
  readonly interchangeId: string;
  readonly status: InterchangeStatus;
  readonly detail: string | null;
  readonly interchanges: readonly EdifactIntakeInterchange[];
  /** True when this result was recorded by an earlier run (job retry) and is returned as it was. */
  readonly replayed: boolean;
}

/** What the intake's checks decided about one interchange, which its CONTRL then answers. */
export type EdifactIntakeVerdict = { readonly outcome: 'accepted' } | EdifactIntakeRejection;

export interface EdifactIntakeRejection {
  readonly outcome: 'rejected';
  readonly reason: Exclude<EdifactIntakeReason, 'accepted'>;
  readonly detail: string;
  /** Gateway finding put in front of the library's, so its 0085 code is the one UCI5 carries. */
  readonly finding?: {
    readonly kind: EdifactEnvelopeIssueKind;
    readonly code: string;
    readonly element: number;
  };
  readonly duplicateOf?: { readonly interchangeId: string; readonly receivedAt: Date };
  readonly differences?: Differences;
}
