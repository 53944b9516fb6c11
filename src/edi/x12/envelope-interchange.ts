/**
 * ISA/IEA checks (X12.5 §3.2, X12.6 §3), run once per interchange, and the segments found outside
 * their place in the envelope. Functions of the validator instance `v`, called from its `envelopeSegment` dispatch.
 */
import type { EdiSeverity } from '../core/issue.js';
import type { EdiPosition } from '../core/position.js';
import type { X12IssueKind } from './code-tables.js';
import { isValidTime, isValidYymmdd } from './date-time.js';
import { isDelimiterCandidate } from './delimiters.js';
import { clip, DIGITS, hasControlCharacter, Level, pad2 } from './envelope-common.js';
import { closeGroup } from './envelope-group.js';
import { closeSet } from './envelope-set.js';
import type { X12EnvelopeValidator } from './envelope-validator.js';
import type { X12InterchangeHeader, X12InterchangeResult } from './result.js';
import { ID_ISB, ID_ISE, ID_TA1, type X12SegmentView } from './segment.js';
import { codeVersionFor, interchangeVersionNumber, isInterchangeVersionCode } from './versions.js';

const ISA_FIELDS: readonly (readonly [X12IssueKind, number])[] = [
  ['isa-authorization-qualifier', 2],
  ['isa-authorization', 10],
  ['isa-security-qualifier', 2],
  ['isa-security', 10],
  ['isa-sender-qualifier', 2],
  ['isa-sender', 15],
  ['isa-receiver-qualifier', 2],
  ['isa-receiver', 15],
  ['isa-date', 6],
  ['isa-time', 4],
  ['isa-standards-id', 1],
  ['isa-version', 5],
  ['isa-control-number', 9],
  ['isa-ack-requested', 1],
  ['isa-usage', 1],
  ['isa-component-separator', 1],
];

const ALNUM2 = /^[A-Z0-9]{2}$/;

export function straySegment(v: X12EnvelopeValidator, view: X12SegmentView, key: number): void {
  const id = clip(view.id);
  switch (v.level) {
    case Level.None:
      v.add('interchange', 'segment-outside-interchange', `${id} segment outside any interchange`, view, {
        segmentId: id,
      });
      break;
    case Level.Interchange:
      if (key === ID_TA1) v.ic!.ta1Count++;
      else if (key !== ID_ISB && key !== ID_ISE) {
        // X12.6: only GS (and the TA1/ISB/ISE service segments) may follow an ISA.
        v.add('interchange', 'interchange-content', `${id} segment between ISA and GS`, view, {
          segmentId: id,
        });
      }
      break;
    case Level.Group:
      v.add('interchange', 'interchange-content', `${id} segment between transaction sets`, view, {
        segmentId: id,
      });
      break;
    default:
      // Orphan set body or dead interchange: already reported once.
      break;
  }
  v.deliver(view);
}

export function onIsa(v: X12EnvelopeValidator, view: X12SegmentView): void {
  closeInterchange(v, view);
  const e = (k: number): string => view.element(k);
  const header: X12InterchangeHeader = {
    authorizationQualifier: e(1),
    authorization: e(2),
    securityQualifier: e(3),
    security: e(4),
    senderQualifier: e(5),
    senderId: e(6),
    receiverQualifier: e(7),
    receiverId: e(8),
    date: e(9),
    time: e(10),
    standardsIdOrRepetition: e(11),
    version: e(12),
    controlNumber: e(13),
    ackRequested: e(14),
    usage: e(15),
    componentSeparator: e(16),
  };
  const ic: X12InterchangeResult = {
    header,
    delimiters: view.delimiters,
    encoding: view.encoding,
    controlNumber: header.controlNumber.trim(),
    offset: view.offset,
    segmentIndex: view.segmentIndex,
    codeVersion: codeVersionFor(undefined, interchangeVersionNumber(header.version)),
    groups: [],
    trailer: undefined,
    status: 'accepted',
    issues: [],
    ta1Count: 0,
    readable: true,
  };
  v.ic = ic;
  v.level = Level.Interchange;
  v.icRejected = false;
  v.icNoted = false;
  v.groupCount = 0;
  v.groupNumbers = new Set();
  v.context.interchange = ic;
  v.context.group = undefined;
  v.context.set = undefined;
  v.context.positionInSet = 0;
  v.interchanges.push(ic);
  checkIsa(v, view, header);
  v.handler.startInterchange?.(ic);
  v.deliver(view);
}

function checkIsa(v: X12EnvelopeValidator, view: X12SegmentView, h: X12InterchangeHeader): void {
  const values = [
    h.authorizationQualifier,
    h.authorization,
    h.securityQualifier,
    h.security,
    h.senderQualifier,
    h.senderId,
    h.receiverQualifier,
    h.receiverId,
    h.date,
    h.time,
    h.standardsIdOrRepetition,
    h.version,
    h.controlNumber,
    h.ackRequested,
    h.usage,
    h.componentSeparator,
  ];
  const bad = new Set<number>();
  // X12.5 §3.2: every ISA element has a fixed width, so the segment is always 106 bytes.
  for (let k = 0; k < 16; k++) {
    const [kind, width] = ISA_FIELDS[k]!;
    const value = values[k]!;
    if (value.length !== width) {
      bad.add(k + 1);
      isaIssue(
        v,
        kind,
        k + 1,
        `ISA${pad2(k + 1)} is ${value.length} characters wide, the ISA requires ${width}`,
        view,
        value,
      );
    }
  }
  // One finding per element: the first check an element fails is the one reported.
  const check = (k: number, ok: boolean, message: string): void => {
    if (bad.has(k) || ok) return;
    bad.add(k);
    isaIssue(v, ISA_FIELDS[k - 1]![0], k, message, view, values[k - 1]!);
  };
  check(
    1,
    /^0[0-6]$/.test(h.authorizationQualifier),
    'ISA01 is not an authorization information qualifier (00–06)',
  );
  check(3, h.securityQualifier === '00' || h.securityQualifier === '01', 'ISA03 is not 00 or 01');
  // ISA02/04/06/08 are AN: a control character is no character of the X12 sets (X12.6 §3.3.1).
  check(2, !hasControlCharacter(h.authorization), 'ISA02 holds a control character');
  check(4, !hasControlCharacter(h.security), 'ISA04 holds a control character');
  check(5, ALNUM2.test(h.senderQualifier), 'ISA05 is not an interchange id qualifier');
  check(6, h.senderId.trim() !== '', 'ISA06 sender id is blank');
  check(6, !hasControlCharacter(h.senderId), 'ISA06 sender id holds a control character');
  check(7, ALNUM2.test(h.receiverQualifier), 'ISA07 is not an interchange id qualifier');
  check(8, h.receiverId.trim() !== '', 'ISA08 receiver id is blank');
  check(8, !hasControlCharacter(h.receiverId), 'ISA08 receiver id holds a control character');
  check(9, isValidYymmdd(h.date), `ISA09 "${h.date}" is not a YYMMDD date`);
  check(10, isValidTime(h.time, false), `ISA10 "${h.time}" is not an HHMM time`);
  const version = interchangeVersionNumber(h.version);
  check(12, isInterchangeVersionCode(h.version), `ISA12 "${h.version}" is not an interchange version (I11)`);
  const supported = v.options.interchangeVersions;
  if (!bad.has(12) && isInterchangeVersionCode(h.version) && supported && !supported.includes(h.version)) {
    isaIssue(
      v,
      'isa-version-unsupported',
      12,
      `interchange version ${h.version} is not supported`,
      view,
      h.version,
    );
  }
  check(13, DIGITS.test(h.controlNumber), 'ISA13 is not a nine-digit number');
  check(14, h.ackRequested === '0' || h.ackRequested === '1', 'ISA14 is not 0 or 1');
  check(15, h.usage === 'P' || h.usage === 'T' || h.usage === 'I', 'ISA15 is not P, T or I');
  const d = view.delimiters;
  const isa11 = h.standardsIdOrRepetition;
  // ISA11's meaning depends on ISA12; with no valid version there is nothing to check it against.
  if (!bad.has(11) && version !== undefined && isInterchangeVersionCode(h.version)) {
    if (version >= 402) {
      if (isa11 === 'U') {
        // Many 00402+ senders keep the pre-00402 "U": read as "no repetition separator".
        isaIssue(
          v,
          'isa-repetition-separator',
          11,
          'ISA11 "U" in a 00402+ interchange: no repetition separator',
          view,
          isa11,
          'warning',
        );
      } else if (
        !isDelimiterCandidate(isa11.charCodeAt(0)) ||
        isa11 === d.element ||
        isa11 === d.component ||
        isa11 === d.segment
      ) {
        isaIssue(
          v,
          'isa-repetition-separator',
          11,
          `ISA11 "${isa11}" cannot be the repetition separator`,
          view,
          isa11,
        );
      }
    } else if (isa11 !== 'U') {
      isaIssue(v, 'isa-standards-id', 11, `ISA11 "${isa11}" is not the standards identifier U`, view, isa11);
    }
  }
  if (
    !bad.has(16) &&
    (!isDelimiterCandidate(h.componentSeparator.charCodeAt(0)) ||
      h.componentSeparator === d.element ||
      h.componentSeparator === d.segment)
  ) {
    isaIssue(
      v,
      'isa-component-separator',
      16,
      `ISA16 "${h.componentSeparator}" cannot be the component separator`,
      view,
      h.componentSeparator,
    );
  }
  if (d.segment === d.component) {
    isaIssue(
      v,
      'isa-terminator',
      16,
      'the segment terminator equals the component separator',
      view,
      d.segment,
    );
  }
}

function isaIssue(
  v: X12EnvelopeValidator,
  kind: X12IssueKind,
  position: number,
  message: string,
  at: EdiPosition,
  value: string,
  severity: EdiSeverity = 'error',
): void {
  v.add(
    'interchange',
    kind,
    message,
    at,
    { segmentId: 'ISA', elementPosition: position, badValue: value },
    severity,
  );
}

export function onIea(v: X12EnvelopeValidator, view: X12SegmentView): void {
  if (v.level === Level.None) {
    v.add('interchange', 'segment-outside-interchange', 'IEA without ISA', view, { segmentId: 'IEA' });
    v.deliver(view);
    return;
  }
  if (v.level === Level.Dead) return;
  closeSet(v, view);
  closeGroup(v, view);
  const ic = v.ic!;
  const count = view.element(1);
  const control = view.element(2);
  ic.trailer = { groupCount: count, controlNumber: control };
  if (!DIGITS.test(count) || Number(count) !== v.groupCount) {
    v.add(
      'interchange',
      'iea-group-count',
      `IEA01 says ${count || '(empty)'} groups, the interchange holds ${v.groupCount}`,
      view,
      {
        segmentId: 'IEA',
        elementPosition: 1,
        badValue: count,
      },
    );
  }
  if (control !== ic.header.controlNumber) {
    v.add(
      'interchange',
      'iea-control-mismatch',
      `IEA02 "${control}" does not match ISA13 "${ic.header.controlNumber}"`,
      view,
      {
        segmentId: 'IEA',
        elementPosition: 2,
        badValue: control,
      },
    );
  }
  v.deliver(view);
  endInterchange(v);
}

export function closeInterchange(v: X12EnvelopeValidator, at: EdiPosition): void {
  if (!v.ic) return;
  if (v.level !== Level.Dead) {
    closeSet(v, at);
    closeGroup(v, at);
    v.add('interchange', 'iea-missing', `interchange ${v.ic.controlNumber} has no IEA trailer`, at);
  }
  endInterchange(v);
}

function endInterchange(v: X12EnvelopeValidator): void {
  const ic = v.ic!;
  ic.status = v.icRejected ? 'rejected' : v.icNoted ? 'accepted-with-errors' : 'accepted';
  v.level = Level.None;
  v.ic = undefined;
  v.context.interchange = undefined;
  v.handler.endInterchange?.(ic);
}
