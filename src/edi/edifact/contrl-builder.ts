import { EdiError } from '../core/edi-error.js';
import { EDIFACT_CHARSETS } from './charsets.js';
import { EDIFACT_0083 } from './codes.js';
import {
  DEFAULT_EDIFACT_DELIMITERS,
  DEFAULT_EDIFACT_DELIMITERS_V4,
  type EdifactDelimiters,
} from './delimiters.js';
import type {
  EdifactGroupResult,
  EdifactInterchangeResult,
  EdifactIssue,
  EdifactMessageResult,
  EdifactParty,
} from './result.js';
import { EdifactSegmentWriter, type EdifactValue } from './segment-writer.js';

export type ContrlReferenceKind = 'interchange' | 'message';

export interface ContrlOptions {
  /**
   * Supplies the CONTRL's own references (UNB 0020, UNH 0062), e.g. from a per-partner counter. Called
   * only when a CONTRL is actually built.
   */
  readonly nextReference: (kind: ContrlReferenceKind) => number | string;
  /** Preparation time written to UNB S004 (UTC). */
  readonly now: Date;
  /** `auto` (default): when UNB 0031 asks for it or anything was rejected; `always`; `never`. */
  readonly policy?: 'auto' | 'always' | 'never';
  /** Text after each segment terminator (e.g. "\n"); default none. */
  readonly lineBreak?: string;
  /** S009 of the CONTRL; default `CONTRL:4:1:UN` for syntax 4, `CONTRL:D:3:UN` before. */
  readonly messageVersion?: readonly [version: string, release: string, agency: string, association?: string];
  /**
   * UNB S002 of the CONTRL; default: the inbound S003. A caller that rejects an interchange as not
   * addressed to it answers from its own id, not in the name of the party named. UCI still echoes S003.
   */
  readonly sender?: { readonly id: string; readonly qualifier?: string };
}

export type ContrlAction = 'received' | 'acknowledged' | 'rejected';

export type ContrlResult =
  | {
      readonly kind: 'contrl';
      readonly text: string;
      /** The written segments (tag first), for inspection and tests. */
      readonly segments: readonly (readonly string[])[];
      /** UCI 0083 of the answer. */
      readonly action: ContrlAction;
      /** UNB 0020 and UNH 0062 of the CONTRL. */
      readonly reference: string;
      readonly messageReference: string;
      /** UNB S001 0001 of the CONTRL (the inbound's, or UNOA): its bytes are written in that charset. */
      readonly syntaxId: string;
    }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'unanswerable'; readonly reason: string };

const ACTION_CODE: Record<ContrlAction, string> = {
  received: EDIFACT_0083.received,
  acknowledged: EDIFACT_0083.acknowledged,
  rejected: EDIFACT_0083.rejected,
};

/** CONTRL syntax limits (ISO 9735-6 / CONTRL message structure): SG2 UCS 999, UCD 99 per UCS. */
const MAX_UCS = 999;
const MAX_UCD = 99;

const isError = (i: EdifactIssue): boolean => i.severity === 'error';

/**
 * Builds the CONTRL answering one inbound interchange (ISO 9735-6 syntax and service report): UCI for
 * the interchange (action 4 rejected, 7 acknowledged, 8 received), UCF per group, UCM per rejected
 * message with one UCS per segment in error (positions count UNH as 1) and one UCD per element in
 * error. Sender and recipient are swapped; a CONTRL is never answered by a CONTRL.
 */
export function buildContrl(ic: EdifactInterchangeResult, options: ContrlOptions): ContrlResult {
  const policy = options.policy ?? 'auto';
  if (ic.contrlCount > 0) return { kind: 'none', reason: 'a CONTRL is never acknowledged' };
  if (policy === 'never') return { kind: 'none', reason: 'CONTRL disabled' };
  const h = ic.header;
  if (h.sender.id === '' || h.recipient.id === '' || h.reference === '') {
    return { kind: 'unanswerable', reason: 'the UNB has no sender, recipient or reference to answer' };
  }
  const rejected = ic.issues.some(isError);
  const anyRejected = ic.status !== 'accepted';
  // 0031 = 2 (syntax 4) asks for an indication of receipt only.
  const receiptOnly = h.ackRequest === '2' && !anyRejected;
  const requested = h.ackRequest === '1' || h.ackRequest === '2';
  if (policy === 'auto' && !requested && !anyRejected) {
    return { kind: 'none', reason: 'accepted, and UNB 0031 does not ask for an acknowledgment' };
  }
  const action: ContrlAction = rejected ? 'rejected' : receiptOnly ? 'received' : 'acknowledged';

  const version = knownVersion(h.syntaxVersion);
  const d = answerDelimiters(ic, version);
  const w = new EdifactSegmentWriter(d, options.lineBreak ?? '');
  const reference = String(options.nextReference('interchange'));
  const messageReference = String(options.nextReference('message'));
  if (!/^[A-Za-z0-9]{1,14}$/.test(reference) || !/^[A-Za-z0-9]{1,14}$/.test(messageReference)) {
    throw new EdiError('INVALID_ACK_INPUT', 'CONTRL references must be 1–14 letters or digits');
  }
  if (ic.una) w.una();
  const syntaxId = EDIFACT_CHARSETS.has(h.syntaxId) ? h.syntaxId : 'UNOA';
  w.write(
    'UNB',
    [syntaxId, String(version)],
    options.sender ? [options.sender.id, options.sender.qualifier] : party(h.recipient),
    party(h.sender),
    [date(options.now, version), time(options.now)],
    reference,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    h.testIndicator === '1' ? '1' : undefined,
  );
  const first = w.segmentCount;
  const [mv, mr, ma, massoc] = options.messageVersion ?? (version >= 4 ? ['4', '1', 'UN'] : ['D', '3', 'UN']);
  w.write('UNH', messageReference, ['CONTRL', mv, mr, ma, massoc]);
  w.write(
    'UCI',
    h.reference,
    party(h.sender),
    party(h.recipient),
    ACTION_CODE[action],
    ...errorFields(ic.issues),
  );
  if (action === 'acknowledged') {
    if (ic.groups.length > 0) for (const g of ic.groups) writeGroup(w, g);
    else for (const m of ic.messages) if (m.status === 'rejected') writeMessage(w, m);
  }
  w.write('UNT', String(w.segmentCount - first + 1), messageReference);
  w.write('UNZ', '1', reference);
  if (w.conflict !== undefined) {
    throw new EdiError('INVALID_ACK_INPUT', `"${w.conflict}" cannot be written without a release character`);
  }
  return {
    kind: 'contrl',
    text: w.text(),
    segments: w.segments(),
    action,
    reference,
    messageReference,
    syntaxId,
  };
}

function writeGroup(w: EdifactSegmentWriter, g: EdifactGroupResult): void {
  const rejected = g.issues.some(isError);
  w.write(
    'UCF',
    g.reference,
    party(g.sender),
    party(g.recipient),
    rejected ? '4' : '7',
    ...errorFields(g.issues),
  );
  if (!rejected) for (const m of g.messages) if (m.status === 'rejected') writeMessage(w, m);
}

function writeMessage(w: EdifactSegmentWriter, m: EdifactMessageResult): void {
  w.write(
    'UCM',
    m.reference,
    [m.type, m.version, m.release, m.agency, m.associationCode],
    EDIFACT_0083.rejected,
    ...errorFields(m.issues),
  );
  // One UCS per segment in error, in order; its own code unless only elements are in error (then UCDs).
  const bySegment = new Map<number, EdifactIssue[]>();
  for (const issue of m.segmentIssues) {
    if (!isError(issue) || issue.segmentPosition === undefined) continue;
    const list = bySegment.get(issue.segmentPosition) ?? [];
    list.push(issue);
    bySegment.set(issue.segmentPosition, list);
  }
  let ucs = 0;
  for (const [position, issues] of [...bySegment].sort((a, b) => a[0] - b[0])) {
    if (++ucs > MAX_UCS) break;
    const segmentCode = issues.find((i) => i.level === 'segment' && i.code !== undefined)?.code;
    w.write('UCS', String(position), segmentCode);
    let ucd = 0;
    for (const i of issues) {
      if (i.level !== 'element' || i.elementPosition === undefined || ++ucd > MAX_UCD) continue;
      w.write('UCD', i.code ?? '18', [s011Position(i.elementPosition), i.componentPosition?.toString()]);
    }
  }
}

/** UCI5–7 / UCF5–7 / UCM4–6: the first error's code, the service segment it concerns, its position. */
function errorFields(issues: readonly EdifactIssue[]): EdifactValue[] {
  const first = issues.find((i) => isError(i) && i.code !== undefined);
  if (!first) return [];
  const tag =
    first.segmentId !== undefined && /^UN[ABEGHTZ]$/.test(first.segmentId) ? first.segmentId : undefined;
  const position =
    tag !== undefined && first.elementPosition !== undefined
      ? [s011Position(first.elementPosition), first.componentPosition?.toString()]
      : undefined;
  return [first.code, tag, position];
}

/**
 * S011 0098 (UCD, UCI7 / UCF7 / UCM6) counts the segment tag as position 1 (ISO 9735: "The segment tag
 * has position number 1"), so the first data element after the tag is 2. Issues count data elements
 * from 1 after the tag, as X12's AK4 does; the CONTRL adds the tag.
 */
export function s011Position(elementPosition: number): string {
  return String(elementPosition + 1);
}

function party(p: EdifactParty): EdifactValue {
  return [p.id, p.qualifier, p.internal];
}

function knownVersion(value: string): number {
  const v = Number.parseInt(value, 10);
  return v >= 1 && v <= 4 && /^\d$/.test(value) ? v : 3;
}

/** The inbound interchange's own delimiters when it had a UNA; the defaults of its version otherwise. */
function answerDelimiters(ic: EdifactInterchangeResult, version: number): EdifactDelimiters {
  if (ic.una) return ic.delimiters;
  return version >= 4 ? DEFAULT_EDIFACT_DELIMITERS_V4 : DEFAULT_EDIFACT_DELIMITERS;
}

function date(now: Date, version: number): string {
  const y = String(now.getUTCFullYear());
  const md = pad(now.getUTCMonth() + 1) + pad(now.getUTCDate());
  return (version >= 4 ? y : y.slice(2)) + md;
}

function time(now: Date): string {
  return pad(now.getUTCHours()) + pad(now.getUTCMinutes());
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
