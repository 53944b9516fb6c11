import { isValidGroupDate, isValidTime, isValidYymmdd } from '../core/date-time.js';
import { EDIFACT_CHARSETS } from './charsets.js';
import type { EdifactGroupResult, EdifactInterchangeHeader } from './result.js';
import type { EdifactSegmentView } from './segment.js';
import {
  checkServiceSegment,
  clip,
  unbSpec,
  ungSpec,
  type FieldReport,
  type ServiceSegmentSpec,
} from './service-segments.js';

/**
 * The value rules of UNB and UNG beyond type and length (ISO 9735-2:2002 for syntax 4, ISO 9735:1988
 * for 1–3). Pure: findings go to `report`. `version` is the syntax version the rules follow (1–4).
 */
export function checkUnb(
  view: EdifactSegmentView,
  h: EdifactInterchangeHeader,
  version: number,
  report: FieldReport,
): void {
  const bad = checkServiceSegment(view, unbSpec(version), report);
  const declared = Number.parseInt(h.syntaxVersion, 10);
  if (!bad.has(101) && !EDIFACT_CHARSETS.has(h.syntaxId)) {
    report('syntax-not-supported', `syntax identifier "${clip(h.syntaxId)}" is not supported`, {
      elementPosition: 1,
      componentPosition: 1,
      elementReference: '0001',
      badValue: clip(h.syntaxId),
    });
  }
  if (!bad.has(102) && !(declared >= 1 && declared <= 4)) {
    report('syntax-not-supported', `syntax version "${clip(h.syntaxVersion)}" is not supported`, {
      elementPosition: 1,
      componentPosition: 2,
      elementReference: '0002',
      badValue: clip(h.syntaxVersion),
    });
  }
  checkUnbDate(h.date, version, bad, report);
  if (!bad.has(402) && !isValidTime(h.time, false)) {
    report('element-invalid-value', `UNB time "${clip(h.time)}" is not a time`, {
      elementPosition: 4,
      componentPosition: 2,
      elementReference: '0019',
      badValue: clip(h.time),
    });
  }
  // 0031: 1 acknowledgment requested, 2 (syntax 4) indication of receipt. "0" is a common way of
  // saying "none": unambiguous, so only noted.
  const ack = h.ackRequest;
  if (!bad.has(901) && ack !== '' && ack !== '1' && !(ack === '2' && version >= 4)) {
    report('element-invalid-value', `UNB 0031 "${clip(ack)}" is not an acknowledgment request code`, {
      elementPosition: 9,
      elementReference: '0031',
      badValue: clip(ack),
      ...(ack === '0' ? { severity: 'warning' as const } : {}),
    });
  }
  if (!bad.has(1101) && version < 4 && h.testIndicator !== '' && h.testIndicator !== '1') {
    report('element-invalid-value', `UNB 0035 "${clip(h.testIndicator)}" is not 1`, {
      elementPosition: 11,
      elementReference: '0035',
      badValue: clip(h.testIndicator),
    });
  }
}

/**
 * S004 0017 is YYMMDD up to syntax 3 and CCYYMMDD in syntax 4 (ISO 9735-2:2002). A YYMMDD date in a
 * syntax-4 UNB is common and unambiguous: noted (code 40) without rejecting.
 */
function checkUnbDate(date: string, version: number, bad: ReadonlySet<number>, report: FieldReport): void {
  const where = { elementPosition: 4, componentPosition: 1, elementReference: '0017', badValue: clip(date) };
  if (version >= 4 && date.length === 6 && isValidYymmdd(date)) {
    report('element-too-short', `UNB date "${date}" is YYMMDD; syntax 4 has CCYYMMDD`, {
      ...where,
      severity: 'warning',
    });
    return;
  }
  if (bad.has(401)) return;
  const ok = version >= 4 ? isValidGroupDate(date, false) : isValidYymmdd(date);
  if (!ok) report('element-invalid-value', `UNB date "${clip(date)}" is not a date`, where);
}

/** UNG: structure, date and time (YYMMDD or CCYYMMDD), and a reference not used before in the interchange. */
export function checkUng(
  view: EdifactSegmentView,
  group: EdifactGroupResult,
  version: number,
  usedReferences: ReadonlySet<string>,
  report: FieldReport,
): void {
  const bad = checkServiceSegment(view, ungSpec(version), report);
  if (!bad.has(401) && group.date !== '' && !isValidGroupDate(group.date, true)) {
    report('element-invalid-value', `UNG date "${clip(group.date)}" is not a date`, {
      elementPosition: 4,
      componentPosition: 1,
      elementReference: '0017',
      badValue: clip(group.date),
    });
  }
  if (!bad.has(402) && group.time !== '' && !isValidTime(group.time, false)) {
    report('element-invalid-value', `UNG time "${clip(group.time)}" is not a time`, {
      elementPosition: 4,
      componentPosition: 2,
      elementReference: '0019',
      badValue: clip(group.time),
    });
  }
  if (!bad.has(501) && usedReferences.has(group.reference)) {
    report('duplicate-reference', `group reference "${clip(group.reference)}" used twice`, {
      elementPosition: 5,
      elementReference: '0048',
      badValue: clip(group.reference),
    });
  }
}

/** What a trailer (UNZ, UNE, UNT) must say: element 1 a count, element 2 the header's reference. */
export interface TrailerExpectation {
  readonly spec: ServiceSegmentSpec;
  /** The header it closes, for messages: `UNB`, `UNG`, `UNH`. */
  readonly header: string;
  readonly count: number;
  /** What is counted, for the message: "messages", "groups", "segments". */
  readonly counted: string;
  readonly countReference: string;
  readonly reference: string;
  readonly referenceReference: string;
}

/** Count (29) and reference (28) of a trailer, after its structure (ISO 9735-1 §9). */
export function checkTrailer(view: EdifactSegmentView, want: TrailerExpectation, report: FieldReport): void {
  const bad = checkServiceSegment(view, want.spec, report);
  const count = view.value(1);
  const reference = view.value(2);
  const tag = want.spec.tag;
  if (!bad.has(101) && Number(count) !== want.count) {
    report('count-mismatch', `${tag} says ${clip(count)} ${want.counted}, ${want.count} received`, {
      elementPosition: 1,
      elementReference: want.countReference,
      badValue: clip(count),
    });
  }
  if (!bad.has(201) && reference !== want.reference) {
    report(
      'reference-mismatch',
      `${tag} reference "${clip(reference)}" ≠ ${want.header} "${clip(want.reference)}"`,
      { elementPosition: 2, elementReference: want.referenceReference, badValue: clip(reference) },
    );
  }
}
