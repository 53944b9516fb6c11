import type { EdiIssue } from '../core/issue.js';
import type { EdifactCharset } from './charsets.js';
import type { EdifactIssueKind } from './codes.js';
import type { EdifactDelimiters } from './delimiters.js';

/** A finding of the EDIFACT engine; `codeList` is `0085`, `code` the syntax error code. */
export type EdifactIssue = EdiIssue<EdifactIssueKind>;

/**
 * EDIFACT has no "accepted with errors" (ISO 9735-6 / CONTRL): a message is accepted or rejected. A group
 * or interchange with some messages rejected is partially accepted.
 */
export type EdifactMessageStatus = 'accepted' | 'rejected';
export type EdifactStatus = 'accepted' | 'partially-accepted' | 'rejected';

/** An identification with its code qualifier (UNB S002/S003, UNG S006/S007). */
export interface EdifactParty {
  readonly id: string;
  readonly qualifier: string;
  /** UNB only: S002 0008 / S003 0014 (reverse routing / routing address). */
  readonly internal: string;
}

export interface EdifactMessageResult {
  /** UNH 0062. */
  readonly reference: string;
  /** S009: 0065 type, 0052 version, 0054 release, 0051 agency, 0057 association code. */
  readonly type: string;
  readonly version: string;
  readonly release: string;
  readonly agency: string;
  readonly associationCode: string;
  readonly offset: number;
  readonly segmentIndex: number;
  /** Segments from UNH to UNT inclusive (or to where the message was cut off). */
  segmentCount: number;
  /** UNT as received; `undefined` when the trailer is missing. */
  trailer: { readonly declaredCount: string; readonly reference: string } | undefined;
  status: EdifactMessageStatus;
  /** Message-level findings (UCM), in order. */
  readonly issues: EdifactIssue[];
  /** Segment- and element-level findings inside the message (UCS / UCD), in order. */
  readonly segmentIssues: EdifactIssue[];
}

export interface EdifactGroupResult {
  /** UNG 0038. */
  readonly groupId: string;
  readonly sender: EdifactParty;
  readonly recipient: EdifactParty;
  readonly date: string;
  readonly time: string;
  /** UNG 0048. */
  readonly reference: string;
  readonly agency: string;
  /** S008 as received, e.g. `D:96A:EAN008`. */
  readonly messageVersion: string;
  readonly offset: number;
  readonly segmentIndex: number;
  readonly messages: EdifactMessageResult[];
  trailer: { readonly declaredCount: string; readonly reference: string } | undefined;
  status: EdifactStatus;
  /** Group-level findings (UCF). */
  readonly issues: EdifactIssue[];
}

/** UNB as received. */
export interface EdifactInterchangeHeader {
  /** S001 0001, e.g. `UNOC`. */
  readonly syntaxId: string;
  /** S001 0002, e.g. `3`. */
  readonly syntaxVersion: string;
  readonly sender: EdifactParty;
  readonly recipient: EdifactParty;
  readonly date: string;
  readonly time: string;
  /** 0020, the interchange control reference. */
  readonly reference: string;
  /** S005 0022 (recipient's reference / password). */
  readonly recipientReference: string;
  /** 0026. */
  readonly applicationReference: string;
  /** 0029. */
  readonly priority: string;
  /** 0031: `1` asks for an acknowledgment (CONTRL). */
  readonly ackRequest: string;
  /** 0032. */
  readonly agreementId: string;
  /** 0035: `1` marks a test interchange. */
  readonly testIndicator: string;
}

export interface EdifactInterchangeResult {
  readonly header: EdifactInterchangeHeader;
  readonly delimiters: EdifactDelimiters;
  readonly charset: EdifactCharset;
  /** True when a UNA advised the delimiters. */
  readonly una: boolean;
  readonly offset: number;
  readonly segmentIndex: number;
  readonly groups: EdifactGroupResult[];
  /** Messages directly in the interchange (no UNG). Never both groups and messages. */
  readonly messages: EdifactMessageResult[];
  trailer: { readonly declaredCount: string; readonly reference: string } | undefined;
  status: EdifactStatus;
  /** Interchange-level findings (UCI). */
  readonly issues: EdifactIssue[];
  /** CONTRL messages inside: this interchange is itself an acknowledgment and is never answered. */
  contrlCount: number;
}

export interface EdifactValidationResult {
  readonly interchanges: EdifactInterchangeResult[];
  /** Messages found without any UNB (a bare UNH): validated, but no CONTRL can answer them. */
  readonly looseMessages: EdifactMessageResult[];
  /** Every finding in stream order, whatever its level. */
  readonly issues: EdifactIssue[];
  /** Findings that belong to no interchange (junk, a missing UNB, a truncated UNA). */
  readonly streamIssues: EdifactIssue[];
  readonly suppressedIssues: number;
  readonly bytes: number;
  readonly segments: number;
  readonly work: number;
}

/** Every message of an interchange, grouped or not. */
export function messagesOf(ic: EdifactInterchangeResult): EdifactMessageResult[] {
  return ic.groups.length === 0 ? ic.messages : ic.groups.flatMap((g) => g.messages);
}
