import { EdiError } from '../core/edi-error.js';
import type { EdiIssueContext } from '../core/issue.js';
import { aboveLatin1, codePointName } from '../core/latin1-bytes.js';
import { ackProblem, type X12AckBody } from './ack-check.js';
import { isValidTime, isValidYymmdd } from './date-time.js';
import type { X12IssueKind } from './code-tables.js';
import { DEFAULT_X12_DELIMITERS, isDelimiterCandidate, type X12Delimiters } from './delimiters.js';
import type { X12Encoding } from './encoding.js';
import { isAcknowledgmentSet } from './functional-groups.js';
import { singleByteSet } from './generator/envelope-writer.js';
import { COMPONENT_MARK } from './maps/map.types.js';
import type { X12GroupResult, X12InterchangeResult, X12Issue, X12SetResult, X12Status } from './result.js';
import { describeConflict, sanitizeCopy, X12SegmentWriter } from './segment-writer.js';
import { hasControlCharacter } from './envelope-common.js';
import { groupVersionNumber, interchangeVersionNumber } from './versions.js';

export type X12ControlNumberKind = 'interchange' | 'group' | 'set';

export interface X12AckOptions {
  /** Functional acknowledgment type (default 997). */
  readonly type?: '997' | '999';
  /**
   * Supplies the acknowledgment's own control numbers (ISA13, GS06, ST02), e.g. from a database
   * sequence per partner. Called only for what is actually emitted; never generated here.
   */
  readonly nextControlNumber: (kind: X12ControlNumberKind) => number;
  /** Creation time written to ISA09/ISA10 and GS04/GS05 (UTC fields are used). */
  readonly now: Date;
  /**
   * Delimiters of the acknowledgment, each overriding the one it names; default: the inbound
   * interchange's own, rejected or not, unless they are unfit to write with (below).
   */
  readonly delimiters?: Partial<X12Delimiters>;
  /**
   * The delimiters to write with when the inbound interchange's own are unfit: its ISA did not split
   * the content, or its delimiters are what was wrong with it (TA105 004 / 026 / 027). The intake passes
   * those agreed with the partner. Default, and used instead when these are unfit themselves (not
   * distinct, a letter, digit or space, or a character the interchange's encoding has no byte for):
   * ours, `*` `:` `^` `~`.
   */
  readonly fallbackDelimiters?: X12Delimiters;
  /** ISA12 of the acknowledgment; default: the inbound ISA12 (00501 when that was unreadable). */
  readonly interchangeVersion?: string;
  /** GS08 of the acknowledgment; default: 999 → 005010X231A1, 997 → the inbound group's GS08. */
  readonly groupVersion?: string;
  /** TA1 policy: `auto` (ISA14 = 1 or interchange rejected, X12.5 §3.4), `always` or `never`. */
  readonly ta1?: 'auto' | 'always' | 'never';
  /** Text appended after each segment terminator (e.g. "\n" for readability); default none. */
  readonly lineBreak?: string;
  /** ISA15 of the acknowledgment; default: the inbound ISA15, or T when that was invalid. */
  readonly usage?: 'P' | 'T' | 'I';
  /**
   * ISA05/ISA06 of the acknowledgment; default: the inbound ISA07/ISA08. A caller that rejects an
   * interchange as not addressed to it answers from its own id, not in the name of the party named.
   * GS02 of a functional group still mirrors the inbound GS03.
   */
  readonly sender?: { readonly qualifier: string; readonly id: string };
  /**
   * GS02 of the FA group answering a group rejected for its GS03 (invalid, or not one of our
   * application receiver codes): our own application code. Default: the inbound GS03 as for any group.
   */
  readonly applicationSender?: string;
}

export interface X12Ta1 {
  readonly controlNumber: string;
  readonly date: string;
  readonly time: string;
  /** TA104: A accepted, E accepted with errors, R rejected. */
  readonly status: 'A' | 'E' | 'R';
  /** TA105 note code, 000 when there is nothing to report. */
  readonly noteCode: string;
}

export type X12AckResult =
  | {
      readonly kind: 'ack';
      readonly text: string;
      /** The emitted segments as value arrays (id first), for inspection and tests. */
      readonly segments: readonly (readonly string[])[];
      readonly ta1: X12Ta1 | undefined;
      /** GS06 of every inbound group answered by a 997/999. */
      readonly acknowledgedGroups: readonly string[];
      readonly controlNumber: string;
    }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'unanswerable'; readonly reason: string };

const TA104: Record<X12InterchangeResult['status'], X12Ta1['status']> = {
  accepted: 'A',
  'accepted-with-errors': 'E',
  rejected: 'R',
};

const AK501: Record<X12Status, string> = {
  accepted: 'A',
  'accepted-with-errors': 'E',
  'partially-accepted': 'P',
  rejected: 'R',
};

/**
 * The TA1 answering an interchange (X12.5 §3.4), written at `now`: its ISA13/09/10, status and first
 * note code.
 */
export function buildTa1(interchange: X12InterchangeResult, now: Date): X12Ta1 {
  const errors = interchange.issues.filter((i) => i.severity === 'error' && i.code !== undefined);
  // A rejecting finding explains a rejection best; otherwise the first noted one.
  const note = errors.find((i) => interchange.status === 'rejected' && !NOTED.has(i.kind)) ?? errors[0];
  const h = interchange.header;
  // TA102 (DT 6/6, YYMMDD) and TA103 (TM 4/4, HHMM) are mandatory and, like TA101, echo ISA09 / ISA10
  // only when the value is one of their type: an invalid one echoed makes the TA1 itself invalid
  // (TA1*000000101*241301*…), which the partner's translator refuses. TA101's zeros are no answer here:
  // 000000 is no date (month 00). We write the TA1's own date or time, the acknowledgment's ISA09 /
  // ISA10: valid, and not made up; TA105 014 / 015 says why, unless a rejecting error takes its place.
  // Each element is decided alone, so a valid ISA09 is still echoed when only ISA10 is not.
  const own = stamp(now);
  return {
    controlNumber: ta101(h.controlNumber),
    date: isValidYymmdd(h.date) ? h.date : own.yymmdd,
    time: isValidTime(h.time, false) ? h.time : own.hhmm,
    status: TA104[interchange.status],
    noteCode: note?.code ?? '000',
  };
}

/**
 * TA101 is ISA13's data type, N0 9/9. An ISA13 that does not fit (letters, more than nine digits) is
 * not echoed: a TA1 carrying it would itself be invalid and refused by the partner's translator. X12.5
 * gives no substitute value; we write nine zeros, the convention for "no usable control number", and the
 * TA105 (018 invalid control number) says why. Fewer than nine digits are echoed zero-padded.
 */
function ta101(received: string): string {
  return /^\d{1,9}$/.test(received) ? received.padStart(9, '0') : '000000000';
}

const NOTED: ReadonlySet<string> = new Set(['iea-group-count', 'isa-date', 'isa-time']);

/** True when the interchange is itself an acknowledgment, which is never acknowledged (ACK-CODES.md). */
function isAcknowledgmentInterchange(ic: X12InterchangeResult): boolean {
  return ic.ta1Count > 0;
}

/**
 * A group that is itself an acknowledgment: GS01 FA holding only 997/999 sets. A set that came in the
 * wrong group (an 855 under GS01 FA, a stray 997 among purchase orders) was rejected for it and is
 * answered like any other, so the partner learns why nothing came of it.
 */
function isAcknowledgmentGroup(group: X12GroupResult): boolean {
  return group.functionalId === 'FA' && group.sets.every((s) => isAcknowledgmentSet(s.id));
}

/**
 * Builds the acknowledgment interchange answering one inbound interchange: an optional TA1, then one
 * FA group holding one 997 or 999 per inbound functional group, with sender and receiver swapped.
 * Returns `none` when nothing is owed (an accepted interchange without ISA14 = 1 and only acknowledgment
 * groups, or a TA1 for a TA1).
 */
export function buildX12Acknowledgment(
  interchange: X12InterchangeResult,
  options: X12AckOptions,
): X12AckResult {
  const type = options.type ?? '997';
  const policy = options.ta1 ?? 'auto';
  const wantsTa1 =
    policy === 'always' ||
    (policy === 'auto' &&
      !isAcknowledgmentInterchange(interchange) &&
      (interchange.header.ackRequested === '1' || interchange.status === 'rejected'));
  // A rejected interchange is answered by TA1 alone: its groups were not processed.
  const groups =
    interchange.status === 'rejected' ? [] : interchange.groups.filter((g) => !isAcknowledgmentGroup(g));
  if (!wantsTa1 && groups.length === 0) {
    return { kind: 'none', reason: 'nothing to acknowledge (acknowledgments are never acknowledged)' };
  }

  const delimiters = ackDelimiters(interchange, options);
  const isa12 =
    options.interchangeVersion ??
    (interchangeVersionNumber(interchange.header.version) ? interchange.header.version : '00501');
  const isaVersion = interchangeVersionNumber(isa12) ?? 501;
  const ta1 = wantsTa1 ? buildTa1(interchange, options.now) : undefined;
  const ta1Row = ta1 && ['TA1', ta1.controlNumber, ta1.date, ta1.time, ta1.status, ta1.noteCode];
  const bodies = groups.map((group): X12AckBody & { readonly group: X12GroupResult } => {
    const gs08 =
      options.groupVersion ?? (type === '999' ? '005010X231A1' : defaultGroupVersion(group, interchange));
    const v5 = (groupVersionNumber(gs08) ?? 0) >= 5010;
    return { type, gs08, group, rows: functionalAckBody(group, type, v5, delimiters) };
  });
  // Checked like every outbound set, before a control number is taken: one that breaks its grammar
  // is not sent at all rather than sent corrupt.
  const problem = ackProblem(bodies, ta1Row && { row: ta1Row, isaVersion });
  if (problem !== undefined) return { kind: 'unanswerable', reason: problem };

  const writer = new X12SegmentWriter(
    { ...delimiters, repetition: isaVersion >= 402 ? delimiters.repetition : undefined },
    options.lineBreak ?? '',
  );
  const h = interchange.header;
  const usage = options.usage ?? (['P', 'T', 'I'].includes(h.usage) ? h.usage : 'T');
  const isa13 = formatControl(options.nextControlNumber('interchange'), 9, 'interchange');
  const { yymmdd, ccyymmdd, hhmm } = stamp(options.now);
  writer.write(
    [
      'ISA',
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      fixed(echo(options.sender?.qualifier ?? h.receiverQualifier), 2),
      fixed(echo(options.sender?.id ?? h.receiverId), 15),
      fixed(echo(h.senderQualifier), 2),
      fixed(echo(h.senderId), 15),
      yymmdd,
      hhmm,
      isaVersion >= 402 ? (delimiters.repetition ?? 'U') : 'U',
      isa12,
      isa13,
      // An acknowledgment never asks to be acknowledged.
      '0',
      usage,
      delimiters.component,
    ],
    [11, 16],
  );
  if (ta1Row) writer.write(ta1Row);
  for (const { group, gs08, rows } of bodies) {
    const gs06 = formatControl(options.nextControlNumber('group'), 0, 'group');
    const gs02 = (rejectedReceiver(group) && options.applicationSender) || echo(group.receiverCode);
    writer.write(['GS', 'FA', gs02, echo(group.senderCode), ccyymmdd, hhmm, gs06, 'X', gs08]);
    const st02 = formatControl(options.nextControlNumber('set'), 4, 'set');
    const v5 = (groupVersionNumber(gs08) ?? 0) >= 5010;
    writer.write(type === '999' && v5 ? ['ST', type, st02, gs08] : ['ST', type, st02]);
    for (const row of rows) writer.write(row);
    writer.write(['SE', String(rows.length + 2), st02]);
    writer.write(['GE', '1', gs06]);
  }
  writer.write(['IEA', String(groups.length), isa13]);
  // An echoed id holding a delimiter of the acknowledgment (a fixed-width ISA06 "SUP>PLIER" holds the
  // sender's own ISA16 ">" as data; "SUP:PLIER" under its ">" meets ours when its delimiters are unfit),
  // or an echoed ST02 holding one.
  if (writer.conflict !== undefined) {
    return {
      kind: 'unanswerable',
      reason: `${describeConflict(writer.conflict)} of the acknowledgment`,
    };
  }
  const unwritable = noByteFor(writer.segments(), interchange.encoding);
  if (unwritable !== undefined) return { kind: 'unanswerable', reason: unwritable };
  return {
    kind: 'ack',
    text: writer.text(),
    segments: writer.segments(),
    ta1,
    acknowledgedGroups: groups.map((g) => g.controlNumber),
    controlNumber: isa13,
  };
}

/**
 * The body of one 997 or 999 (AK1 … AK9, between ST and SE) answering `group` (X12.6 §5 /
 * 005010X231): AK1, an AK2 loop per set with AK3/AK4 (IK3/IK4 + CTX) per segment in error and
 * AK5/IK5, then AK9. Composites are joined by `COMPONENT_MARK`, as the generator's rows are.
 */
function functionalAckBody(
  group: X12GroupResult,
  type: '997' | '999',
  v5: boolean,
  delimiters: X12Delimiters,
): string[][] {
  const body = new X12BodyRows(delimiters);
  const is999 = type === '999';
  body.write(
    v5
      ? ['AK1', group.functionalId, group.controlNumber, group.version]
      : ['AK1', group.functionalId, group.controlNumber],
  );
  // A rejected group's sets are not processed (the translator voids them), so none of them is accepted:
  // AK5 R without a set-level note, and AK904 0.
  const groupRejected = group.status === 'rejected';
  let accepted = 0;
  for (const set of group.sets) {
    const status = groupRejected ? 'rejected' : set.status;
    if (status !== 'rejected') accepted++;
    body.write(
      v5 && set.implementationReference
        ? ['AK2', set.id, set.controlNumber, set.implementationReference]
        : ['AK2', set.id, set.controlNumber],
    );
    writeSegmentNotes(body, set, is999);
    body.write([is999 ? 'IK5' : 'AK5', AK501[status], ...codesOf(set.issues, 5)]);
  }
  const declared =
    group.trailer && /^\d+$/.test(group.trailer.declaredCount)
      ? String(Number(group.trailer.declaredCount))
      : String(group.sets.length);
  body.write([
    'AK9',
    AK501[group.status],
    declared,
    String(group.sets.length),
    String(accepted),
    ...codesOf(group.issues, 5),
  ]);
  return body.rows;
}

/**
 * Body rows of an acknowledgment before they are written: trailing empty elements dropped as the
 * writer drops them, composites joined by `COMPONENT_MARK` so the grammar check can tell components
 * from data; the delimiters only for what `sanitizeCopy` must keep out of copied values.
 */
class X12BodyRows {
  readonly rows: string[][] = [];

  constructor(readonly delimiters: X12Delimiters) {}

  write(values: readonly string[]): void {
    let last = values.length - 1;
    while (last > 0 && values[last] === '') last--;
    this.rows.push(values.slice(0, last + 1));
  }

  composite(components: readonly (string | number | undefined)[]): string {
    const values = components.map((c) => (c === undefined ? '' : String(c)));
    let last = values.length - 1;
    while (last > 0 && values[last] === '') last--;
    return values.slice(0, last + 1).join(COMPONENT_MARK);
  }
}

/**
 * One AK3/IK3 per segment in error, in segment order, with its AK4/IK4s (at most 99, X12 997 AK4 max
 * use). A missing segment is reported at the position where its absence was seen, which can be the
 * position of another segment in error: they are told apart by segment id.
 */
function writeSegmentNotes(writer: X12BodyRows, set: X12SetResult, is999: boolean): void {
  const bySegment = new Map<string, X12Issue[]>();
  for (const issue of set.segmentIssues) {
    if (issue.severity !== 'error' || issue.segmentPosition === undefined) continue;
    const key = `${issue.segmentPosition}\u0000${issue.segmentId ?? ''}`;
    const list = bySegment.get(key);
    if (list) list.push(issue);
    else bySegment.set(key, [issue]);
  }
  const d = writer.delimiters;
  // Grammar findings that need the whole set (the 856 hierarchy) arrive after later segments.
  const ordered = [...bySegment.values()].sort((a, b) => a[0]!.segmentPosition! - b[0]!.segmentPosition!);
  for (const issues of ordered) {
    const position = issues[0]!.segmentPosition!;
    const segmentLevel = issues.find((i) => i.level === 'segment');
    const elements = issues.filter((i) => i.level === 'element');
    const id = segmentIdOf(issues[0]!.segmentId ?? '', d);
    // AK304 8 = "segment has data element errors" when only element findings exist.
    const code = segmentLevel ? segmentLevel.code : elements.length > 0 ? '8' : undefined;
    writer.write([is999 ? 'IK3' : 'AK3', id, String(position), issues[0]!.loopId ?? '', code ?? '']);
    if (is999) writeContexts(writer, segmentLevel?.context);
    for (const element of elements.slice(0, 99)) {
      const copy = element.badValue !== undefined ? sanitizeCopy(element.badValue, d) : '';
      writer.write([
        is999 ? 'IK4' : 'AK4',
        writer.composite([element.elementPosition, element.componentPosition, element.repetition]),
        element.elementReference ?? '',
        element.code ?? '',
        copy,
      ]);
      if (is999) writeContexts(writer, element.context);
    }
  }
}

/** 999 CTX (005010X231 2110/2100 loops): CTX01 = name:reference, then the triggering segment's position. */
function writeContexts(writer: X12BodyRows, contexts: readonly EdiIssueContext[] | undefined): void {
  if (!contexts) return;
  for (const c of contexts.slice(0, 10)) {
    writer.write([
      'CTX',
      // C998 components are AN 1/35 (9999, 9998).
      writer.composite([
        sanitizeCopy(c.name, writer.delimiters).slice(0, 35),
        c.reference === undefined ? undefined : sanitizeCopy(c.reference, writer.delimiters).slice(0, 35),
      ]),
      c.segmentId ? segmentIdOf(c.segmentId, writer.delimiters) : '',
      c.segmentPosition === undefined ? '' : String(c.segmentPosition),
      c.loopId ?? '',
      c.elementPosition === undefined ? '' : writer.composite([c.elementPosition, c.componentPosition]),
    ]);
  }
}

/**
 * An envelope value the acknowledgment mirrors (ISA05–ISA08, GS02/GS03) without its control characters.
 * No X12 character set has them; the envelope validator refuses them in ids (TA105 006 / 008, AK905 7 /
 * 8), and, written back, they would make an acknowledgment no translator takes, which the archive could
 * not even keep as it is (PostgreSQL refuses U+0000). The rest is the partner's own id, as TA1 echoes
 * what it can and writes its own value for the rest (TA101–TA103); the TA105 or AK905 says why.
 */
function echo(value: string): string {
  if (!hasControlCharacter(value)) return value;
  let out = '';
  for (const ch of value) if (!hasControlCharacter(ch)) out += ch;
  return out;
}

/**
 * Why the acknowledgment cannot go back in the bytes of the interchange's encoding (encodeX12), if it
 * cannot: a value it echoes that was read as UTF-8 from a Latin-1 or EBCDIC interchange (C9 98 in a
 * GS02: "ɘ") has no byte there, and its delivery could not encode it. Named as the generator names one.
 */
function noByteFor(rows: readonly (readonly string[])[], encoding: X12Encoding): string | undefined {
  const byteSet = singleByteSet(encoding);
  if (byteSet === undefined) return undefined;
  for (const row of rows)
    for (const [k, value] of row.entries()) {
      const codePoint = aboveLatin1(value);
      if (codePoint === undefined) continue;
      const element = k === 0 ? 'segment id' : `${row[0]}${String(k).padStart(2, '0')}`;
      return (
        `${element} "${value.trimEnd()}" contains ${String.fromCodePoint(codePoint)} ` +
        `(${codePointName(codePoint)}), which has no byte in ${byteSet}, the encoding of the acknowledgment`
      );
    }
  return undefined;
}

/** A group rejected because of its GS03: not ours to answer in the name of. */
function rejectedReceiver(group: X12GroupResult): boolean {
  return group.issues.some(
    (i) => i.severity === 'error' && (i.kind === 'gs-receiver' || i.kind === 'gs-receiver-unknown'),
  );
}

/** Distinct defined codes of error findings, in order, at most `max` (AK502–AK506, AK905–AK909). */
function codesOf(issues: readonly X12Issue[], max: number): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.severity !== 'error' || issue.code === undefined || out.includes(issue.code)) continue;
    out.push(issue.code);
    if (out.length === max) break;
  }
  return out;
}

function segmentIdOf(id: string, d: X12Delimiters): string {
  const clean = sanitizeCopy(id, d).slice(0, 3);
  return clean.length >= 2 ? clean : clean.padEnd(2, '?');
}

function ackDelimiters(ic: X12InterchangeResult, options: X12AckOptions): X12Delimiters {
  const fallback = options.fallbackDelimiters && complete(options.fallbackDelimiters);
  const base =
    reusable(ic) ??
    (fallback && fitToWrite(fallback) && hasBytes(fallback, ic.encoding) ? fallback : undefined) ??
    DEFAULT_X12_DELIMITERS;
  const d = { ...base, ...options.delimiters };
  if (!fitToWrite(d)) {
    throw new EdiError(
      'INVALID_OPTION',
      `acknowledgment delimiters must be distinct non-alphanumeric characters: ${JSON.stringify(d)}`,
    );
  }
  return d;
}

/**
 * Findings that say an interchange's own delimiters are what is wrong with it (TA105 004 / 026 / 027):
 * an answer written with them could be as unreadable as the interchange was.
 */
const DELIMITER_FINDINGS: ReadonlySet<X12IssueKind> = new Set([
  'isa-delimiters-unusable',
  'isa-terminator',
  'isa-element-separator',
  'isa-component-separator',
  'isa-repetition-separator',
]);

/**
 * The inbound interchange's delimiters, when an answer can be written with them: the ones the
 * partner's translator reads (X12.5 §3.3, they are the sender's choice), whether the interchange was
 * accepted or rejected for anything else.
 */
function reusable(ic: X12InterchangeResult): X12Delimiters | undefined {
  if (!ic.readable || ic.issues.some((i) => i.severity === 'error' && DELIMITER_FINDINGS.has(i.kind)))
    return undefined;
  const d = complete(ic.delimiters);
  return fitToWrite(d) ? d : undefined;
}

/** With a repetition separator for a 00402+ acknowledgment where there was none. */
function complete(d: X12Delimiters): X12Delimiters {
  return {
    element: d.element,
    component: d.component,
    repetition: d.repetition ?? pickRepetition(d),
    segment: d.segment,
  };
}

/** Distinct, and none a letter, digit or space (X12.6 §3.3.2: delimiters must not occur in data). */
function fitToWrite(d: X12Delimiters): boolean {
  const all = [d.element, d.component, d.segment, d.repetition].filter((x): x is string => x !== undefined);
  return (
    new Set(all).size === all.length &&
    all.every((x) => x.length > 0 && isDelimiterCandidate(x.charCodeAt(0)))
  );
}

/** Whether the acknowledgment, written in the interchange's encoding (encodeX12), has bytes for them. */
function hasBytes(d: X12Delimiters, encoding: X12Encoding): boolean {
  return (
    encoding === 'utf8' ||
    [d.element, d.component, d.segment, d.repetition].every(
      (x) => x === undefined || aboveLatin1(x) === undefined,
    )
  );
}

/** A repetition separator for a 00402+ acknowledgment of a pre-00402 interchange that had none. */
function pickRepetition(d: X12Delimiters): string | undefined {
  for (const candidate of ['^', '{', '!', '`', '|']) {
    if (candidate !== d.element && candidate !== d.component && candidate !== d.segment) return candidate;
  }
  return undefined;
}

function defaultGroupVersion(group: X12GroupResult, ic: X12InterchangeResult): string {
  const v = groupVersionNumber(group.version);
  if (v !== undefined) return group.version.slice(0, 6);
  return (interchangeVersionNumber(ic.header.version) ?? 501) >= 501 ? '005010' : '004010';
}

function formatControl(value: number, width: number, kind: X12ControlNumberKind): string {
  if (!Number.isInteger(value) || value < 1 || value > 999_999_999) {
    throw new EdiError('INVALID_OPTION', `${kind} control number ${value} is not an integer in 1..999999999`);
  }
  return String(value).padStart(width, '0');
}

function fixed(value: string, width: number): string {
  return value.trim().padEnd(width, ' ').slice(0, width);
}

function stamp(now: Date): { yymmdd: string; ccyymmdd: string; hhmm: string } {
  if (Number.isNaN(now.getTime())) throw new EdiError('INVALID_OPTION', 'now is an invalid Date');
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const ccyymmdd = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  return { ccyymmdd, yymmdd: ccyymmdd.slice(2), hhmm: `${p(now.getUTCHours())}${p(now.getUTCMinutes())}` };
}
