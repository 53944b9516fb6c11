/** GS/GE checks (X12.6 §3.4), run once per functional group. Functions of the validator instance `v`, called from its `envelopeSegment` dispatch. */
import type { EdiPosition } from '../core/position.js';
import type { X12IssueKind } from './code-tables.js';
import { isValidGroupDate, isValidTime } from './date-time.js';
import { DIGITS, Level, clip, hasControlCharacter } from './envelope-common.js';
import { closeSet } from './envelope-set.js';
import type { X12EnvelopeValidator } from './envelope-validator.js';
import type { X12GroupResult } from './result.js';
import type { X12SegmentView } from './segment.js';
import { codeVersionFor, groupVersionNumber, interchangeVersionNumber } from './versions.js';

export function onGs(v: X12EnvelopeValidator, view: X12SegmentView): void {
  if (v.level === Level.None || v.level === Level.Dead) {
    if (v.level === Level.None) {
      v.add('interchange', 'segment-outside-interchange', 'GS outside any interchange', view, {
        segmentId: 'GS',
      });
    }
    v.deliver(view);
    return;
  }
  closeSet(v, view);
  closeGroup(v, view);
  const ic = v.ic!;
  const e = (k: number): string => view.element(k);
  const version = e(8);
  const groupVersion = groupVersionNumber(version);
  const codeVersion = codeVersionFor(groupVersion, interchangeVersionNumber(ic.header.version));
  const group: X12GroupResult = {
    functionalId: e(1),
    senderCode: e(2),
    receiverCode: e(3),
    date: e(4),
    time: e(5),
    controlNumber: e(6),
    agency: e(7),
    version,
    codeVersion,
    offset: view.offset,
    segmentIndex: view.segmentIndex,
    sets: [],
    trailer: undefined,
    status: 'accepted',
    issues: [],
  };
  v.group = group;
  v.level = Level.Group;
  v.groupRejected = false;
  v.groupNoted = false;
  v.groupCount++;
  v.setNumbers = new Set();
  v.context.group = group;
  ic.groups.push(group);
  const gsIssue = (kind: X12IssueKind, k: number, message: string): void => {
    v.add('group', kind, message, view, { segmentId: 'GS', elementPosition: k, badValue: e(k) });
  };
  if (!/^[A-Z]{2}$/.test(group.functionalId))
    gsIssue('gs-functional-id', 1, `GS01 "${group.functionalId}" is not a functional identifier`);
  else if (
    v.options.isGroupSupported &&
    !v.options.isGroupSupported({ functionalId: group.functionalId, version })
  ) {
    gsIssue('group-not-supported', 1, `functional group ${group.functionalId} is not supported`);
  }
  const sender = applicationCodeProblem(group.senderCode);
  if (sender) gsIssue('gs-sender', 2, `GS02 application sender code ${sender}`);
  const receiver = applicationCodeProblem(group.receiverCode);
  if (receiver) gsIssue('gs-receiver', 3, `GS03 application receiver code ${receiver}`);
  else if (v.options.isApplicationReceiver && !v.options.isApplicationReceiver(group.receiverCode)) {
    // AK905 8 from 005010 on; 004010 has no code for it, so its AK9 says R alone (code-tables.ts).
    gsIssue(
      'gs-receiver-unknown',
      3,
      `GS03 "${clip(group.receiverCode)}" is not one of our application receiver codes`,
    );
  }
  if (!isValidGroupDate(group.date, groupVersion !== undefined && groupVersion < 4010)) {
    gsIssue('gs-date', 4, `GS04 "${group.date}" is not a CCYYMMDD date`);
  }
  if (!isValidTime(group.time, true))
    gsIssue('gs-time', 5, `GS05 "${group.time}" is not an HHMM[SS[dd]] time`);
  if (!DIGITS.test(group.controlNumber) || group.controlNumber.length > 9) {
    gsIssue('gs-control-number', 6, `GS06 "${group.controlNumber}" is not a 1–9 digit number`);
  } else if (v.groupNumbers.has(group.controlNumber)) {
    gsIssue(
      'gs-control-duplicate',
      6,
      `GS06 ${group.controlNumber} is used twice in interchange ${ic.controlNumber}`,
    );
  }
  v.groupNumbers.add(group.controlNumber);
  if (group.agency !== 'X' && group.agency !== 'T')
    gsIssue('gs-agency', 7, `GS07 "${group.agency}" is not X or T`);
  if (groupVersion === undefined || version.length > 12)
    gsIssue('gs-version', 8, `GS08 "${version}" is not a version/release code`);
  v.handler.startGroup?.(group, ic);
  v.deliver(view);
}

export function onGe(v: X12EnvelopeValidator, view: X12SegmentView): void {
  if (v.level !== Level.Group && v.level !== Level.Set && v.level !== Level.Orphan) {
    if (v.level !== Level.Dead) {
      v.add(
        'interchange',
        v.level === Level.None ? 'segment-outside-interchange' : 'interchange-structure',
        'GE without GS',
        view,
        {
          segmentId: 'GE',
        },
      );
    }
    v.deliver(view);
    return;
  }
  closeSet(v, view);
  if (v.level === Level.Orphan) v.level = Level.Interchange;
  const group = v.group;
  if (!group) {
    v.add('interchange', 'interchange-structure', 'GE without GS', view, { segmentId: 'GE' });
    v.deliver(view);
    return;
  }
  const count = view.element(1);
  const control = view.element(2);
  group.trailer = { declaredCount: count, controlNumber: control };
  if (!DIGITS.test(count) || Number(count) !== group.sets.length) {
    v.add(
      'group',
      'ge-set-count',
      `GE01 says ${count || '(empty)'} sets, the group holds ${group.sets.length}`,
      view,
      {
        segmentId: 'GE',
        elementPosition: 1,
        badValue: count,
      },
    );
  }
  if (control !== group.controlNumber) {
    v.add(
      'group',
      'ge-control-mismatch',
      `GE02 "${control}" does not match GS06 "${group.controlNumber}"`,
      view,
      {
        segmentId: 'GE',
        elementPosition: 2,
        badValue: control,
      },
    );
  }
  // GE02 is the group control number too (DE 28, N0 1/9): its syntax is checked like GS06's.
  if (!DIGITS.test(control) || control.length > 9) {
    v.add('group', 'ge-control-number', `GE02 "${clip(control)}" is not a 1–9 digit number`, view, {
      segmentId: 'GE',
      elementPosition: 2,
      badValue: control,
    });
  }
  v.deliver(view);
  endGroup(v);
}

export function closeGroup(v: X12EnvelopeValidator, at: EdiPosition): void {
  if (!v.group) return;
  v.add('group', 'ge-missing', `functional group ${v.group.controlNumber} has no GE trailer`, at);
  endGroup(v);
}

function endGroup(v: X12EnvelopeValidator): void {
  const group = v.group!;
  const accepted = group.sets.filter((s) => s.status !== 'rejected').length;
  if (v.groupRejected || (group.sets.length > 0 && accepted === 0)) group.status = 'rejected';
  else if (accepted < group.sets.length) group.status = 'partially-accepted';
  else if (v.groupNoted || group.sets.some((s) => s.status === 'accepted-with-errors'))
    group.status = 'accepted-with-errors';
  else group.status = 'accepted';
  v.work += group.sets.length;
  v.group = undefined;
  v.level = Level.Interchange;
  v.context.group = undefined;
  v.handler.endGroup?.(group, v.ic!);
}

/**
 * GS02 / GS03 (DE 142 / 124) are AN 2/15: 2–15 characters of the X12 sets, not all spaces (X12.6
 * §3.3.2: a string holds at least one non-space character). What is wrong, or undefined.
 */
function applicationCodeProblem(value: string): string | undefined {
  if (value.length < 2 || value.length > 15) return 'must be 2–15 characters';
  if (hasControlCharacter(value)) return 'holds a control character';
  if (value.trim() === '') return 'is blank';
  return undefined;
}
