import type { EdiIssue } from '../core/issue.js';
import type { X12IssueKind } from './code-tables.js';
import type { X12Delimiters } from './delimiters.js';
import type { X12Encoding } from './encoding.js';
import type { X12CodeVersion } from './versions.js';

/** A finding of the X12 engine; `code` is in the code list of the interchange's / group's own version. */
export type X12Issue = EdiIssue<X12IssueKind>;

/** TA104 / AK501 / AK901 vocabulary, spelled out. `partially-accepted` exists only for groups (AK901 P). */
export type X12Status = 'accepted' | 'accepted-with-errors' | 'partially-accepted' | 'rejected';

export interface X12SetResult {
  /** ST01. */
  readonly id: string;
  /** ST02. */
  readonly controlNumber: string;
  /** ST03 (005010 implementation convention reference), when sent. */
  readonly implementationReference: string | undefined;
  readonly offset: number;
  readonly segmentIndex: number;
  /** Segments counted from ST to SE inclusive (or to where the set was cut off). */
  segmentCount: number;
  /** SE01 / SE02 as received; `undefined` when the trailer is missing. */
  trailer: { readonly declaredCount: string; readonly controlNumber: string } | undefined;
  status: X12Status;
  /** Set-level findings (AK502 codes), in order. */
  readonly issues: X12Issue[];
  /** Segment- and element-level findings inside the set (AK3/AK4 material), in order. */
  readonly segmentIssues: X12Issue[];
}

export interface X12GroupResult {
  readonly functionalId: string;
  readonly senderCode: string;
  readonly receiverCode: string;
  readonly date: string;
  readonly time: string;
  readonly controlNumber: string;
  readonly agency: string;
  /** GS08 as received. */
  readonly version: string;
  /** Code-list family used to answer this group. */
  readonly codeVersion: X12CodeVersion;
  readonly offset: number;
  readonly segmentIndex: number;
  readonly sets: X12SetResult[];
  trailer: { readonly declaredCount: string; readonly controlNumber: string } | undefined;
  status: X12Status;
  /** Group-level findings (AK905 codes). */
  readonly issues: X12Issue[];
}

/** ISA01–ISA16 as received (fixed-width values keep their padding). */
export interface X12InterchangeHeader {
  readonly authorizationQualifier: string;
  readonly authorization: string;
  readonly securityQualifier: string;
  readonly security: string;
  readonly senderQualifier: string;
  readonly senderId: string;
  readonly receiverQualifier: string;
  readonly receiverId: string;
  readonly date: string;
  readonly time: string;
  readonly standardsIdOrRepetition: string;
  readonly version: string;
  readonly controlNumber: string;
  readonly ackRequested: string;
  readonly usage: string;
  readonly componentSeparator: string;
}

export interface X12InterchangeResult {
  readonly header: X12InterchangeHeader;
  readonly delimiters: X12Delimiters;
  /** How the interchange was read: its acknowledgment is written the same way. */
  readonly encoding: X12Encoding;
  /** ISA13 trimmed. */
  readonly controlNumber: string;
  readonly offset: number;
  readonly segmentIndex: number;
  readonly codeVersion: X12CodeVersion;
  readonly groups: X12GroupResult[];
  trailer: { readonly groupCount: string; readonly controlNumber: string } | undefined;
  status: Exclude<X12Status, 'partially-accepted'>;
  /** Interchange-level findings (TA105 codes). */
  readonly issues: X12Issue[];
  /** TA1 segments found between ISA and IEA: this interchange is itself an acknowledgment. */
  ta1Count: number;
  /** False when the delimiters could not split the content (only the ISA was read). */
  readable: boolean;
}

export interface X12ValidationResult {
  readonly interchanges: X12InterchangeResult[];
  /** Every finding in stream order, whatever its level. */
  readonly issues: X12Issue[];
  /** Findings that belong to no interchange (junk, unreadable ISA, segments after IEA). */
  readonly streamIssues: X12Issue[];
  /** Findings dropped after `maxIssues` was reached (counted, not kept). */
  readonly suppressedIssues: number;
  readonly bytes: number;
  readonly segments: number;
  /** Loop iterations spent by tokenizer and validator (work-budget checks). */
  readonly work: number;
}
