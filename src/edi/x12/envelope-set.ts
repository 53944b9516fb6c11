/** ST/SE checks (X12.6 §3.5), run once per transaction set. Functions of the validator instance `v`, called from its `envelopeSegment` dispatch. */
import type { EdiPosition } from '../core/position.js';
import type { X12IssueKind } from './code-tables.js';
import { clip, DIGITS, Level, pad2 } from './envelope-common.js';
import type { X12EnvelopeValidator } from './envelope-validator.js';
import { expectedFunctionalId } from './functional-groups.js';
import type { X12SetResult } from './result.js';
import type { X12SegmentView } from './segment.js';
import { groupVersionNumber } from './versions.js';

/** Set-level findings after which the set's content is not validated against a grammar. */
const UNREADABLE_SET: ReadonlySet<X12IssueKind> = new Set([
  'set-not-supported',
  'st-set-id',
  'st-functional-group-mismatch',
]);

/** ST/SE element rules (DE, min, max): ST01 143 ID 3/3, ST02 329 AN 4/9, ST03 1705 AN 1/35; SE01 96 N0 1/10. */
const ST_ELEMENTS: readonly (readonly [string, number, number])[] = [
  ['143', 3, 3],
  ['329', 4, 9],
  ['1705', 1, 35],
];
const SE_ELEMENTS: readonly (readonly [string, number, number])[] = [
  ['96', 1, 10],
  ['329', 4, 9],
];

/**
 * Element `n` is all ASCII digits. Checked on its string: ST01 and most SE01 are short values, which
 * the view hands out without building a string, where a byte view meant a new Buffer per ST and SE.
 * A digit can only come from a digit byte in Latin-1 and UTF-8 alike, so the answer is the bytes'.
 */
function allDigits(view: X12SegmentView, n: number): boolean {
  const value = view.element(n);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return value.length > 0;
}

export function onSt(v: X12EnvelopeValidator, view: X12SegmentView): void {
  if (v.level === Level.Set) closeSet(v, view);
  if (v.level !== Level.Group) {
    if (v.level === Level.Interchange || v.level === Level.Orphan) {
      v.add('interchange', 'interchange-structure', 'transaction set outside a functional group', view, {
        segmentId: 'ST',
      });
      v.level = Level.Orphan;
    } else if (v.level === Level.None) {
      v.add('interchange', 'segment-outside-interchange', 'ST outside any interchange', view, {
        segmentId: 'ST',
      });
    }
    v.deliver(view);
    return;
  }
  const group = v.group!;
  const id = view.element(1);
  const control = view.element(2);
  const set: X12SetResult = {
    id,
    controlNumber: control,
    implementationReference: view.elementCount >= 3 ? view.element(3) : undefined,
    offset: view.offset,
    segmentIndex: view.segmentIndex,
    segmentCount: 1,
    trailer: undefined,
    status: 'accepted',
    issues: [],
    segmentIssues: [],
  };
  v.set = set;
  v.level = Level.Set;
  v.setSegmentErrors = false;
  v.setNotedErrors = false;
  group.sets.push(set);
  v.context.set = set;
  v.context.positionInSet = 1;
  const groupVersion = groupVersionNumber(group.version);
  const maxElements = groupVersion !== undefined && groupVersion < 4030 ? 2 : 3;
  checkStSe(v, view, 'ST', maxElements, ST_ELEMENTS);
  if (id === '') v.add('set', 'st-set-id', 'ST01 is missing', view);
  else if (!/^\d{3}$/.test(id)) {
    v.add('set', 'st-set-id', `ST01 "${clip(id)}" is not a transaction set identifier`, view);
  } else {
    const expected = expectedFunctionalId(id);
    if (expected !== undefined && group.functionalId !== expected && /^[A-Z]{2}$/.test(group.functionalId)) {
      v.add(
        'set',
        'st-functional-group-mismatch',
        `transaction set ${id} belongs in a ${expected} group, not ${group.functionalId}`,
        view,
      );
    } else if (
      v.options.isSetSupported &&
      !v.options.isSetSupported({ functionalId: group.functionalId, setId: id, version: group.version })
    ) {
      v.add('set', 'set-not-supported', `transaction set ${id} (${group.version}) is not supported`, view);
    }
  }
  if (control.length < 4 || control.length > 9) {
    v.add(
      'set',
      'st-control-number',
      control === '' ? 'ST02 is missing' : `ST02 "${clip(control)}" must be 4–9 characters`,
      view,
    );
  } else if (v.setNumbers.has(control)) {
    v.add(
      'set',
      'st-control-duplicate',
      `ST02 ${control} is used twice in group ${group.controlNumber}`,
      view,
    );
  }
  v.setNumbers.add(control);
  v.content = undefined;
  // A set whose identity is in doubt (AK502 1/6) is not read with any grammar.
  if (v.options.setContent && !set.issues.some((i) => UNREADABLE_SET.has(i.kind))) {
    v.content = v.options.setContent(set, group, v.reportContent);
  }
  v.handler.startSet?.(set, group);
  v.deliver(view);
}

/** Element checks of ST and SE (they belong to the set, so they are answered with AK3/AK4). */
function checkStSe(
  v: X12EnvelopeValidator,
  view: X12SegmentView,
  id: 'ST' | 'SE',
  maxElements: number,
  elements: readonly (readonly [string, number, number])[],
): void {
  const position = v.context.positionInSet;
  const at = { segmentId: id, segmentPosition: position };
  if (view.elementCount > maxElements) {
    v.add(
      'element',
      'element-too-many',
      `${id} has ${view.elementCount} elements, at most ${maxElements} are defined`,
      view,
      {
        ...at,
        elementPosition: maxElements + 1,
      },
    );
  }
  for (let k = 1; k <= Math.min(elements.length, maxElements); k++) {
    const [ref, min, max] = elements[k - 1]!;
    const len = view.elementLength(k);
    // Checked once per set on the hot path: the finding's details are built only when there is one.
    if (len >= min && len <= max && (k !== 1 || allDigits(view, 1))) continue;
    const base = { ...at, elementPosition: k, elementReference: ref };
    if (len === 0) {
      if (k <= 2) v.add('element', 'element-missing', `${id}${pad2(k)} is missing`, view, base);
    } else if (len < min) {
      v.add('element', 'element-too-short', `${id}${pad2(k)} is shorter than ${min}`, view, {
        ...base,
        badValue: view.element(k),
      });
    } else if (len > max) {
      v.add('element', 'element-too-long', `${id}${pad2(k)} is longer than ${max}`, view, {
        ...base,
        badValue: view.element(k),
      });
    } else if (id === 'SE' && k === 1 && !DIGITS.test(view.element(1))) {
      v.add('element', 'element-invalid-character', 'SE01 is not a number', view, {
        ...base,
        badValue: view.element(1),
      });
    } else if (id === 'ST' && k === 1 && !DIGITS.test(view.element(1))) {
      v.add('element', 'element-invalid-code', 'ST01 is not a transaction set identifier', view, {
        ...base,
        badValue: view.element(1),
      });
    }
  }
}

export function onSe(v: X12EnvelopeValidator, view: X12SegmentView): void {
  if (v.level === Level.Orphan) {
    v.level = Level.Interchange;
    v.deliver(view);
    return;
  }
  if (v.level !== Level.Set) {
    if (v.level !== Level.Dead) {
      v.add(
        'interchange',
        v.level === Level.None ? 'segment-outside-interchange' : 'interchange-structure',
        'SE without ST',
        view,
        {
          segmentId: 'SE',
        },
      );
    }
    v.deliver(view);
    return;
  }
  const set = v.set!;
  v.context.positionInSet++;
  set.segmentCount++;
  checkStSe(v, view, 'SE', 2, SE_ELEMENTS);
  v.content?.end({ positionInSet: v.context.positionInSet, at: view });
  v.content = undefined;
  const count = view.element(1);
  const control = view.element(2);
  set.trailer = { declaredCount: count, controlNumber: control };
  if (DIGITS.test(count) && Number(count) !== set.segmentCount) {
    v.add('set', 'se-segment-count', `SE01 says ${count} segments, the set has ${set.segmentCount}`, view);
  } else if (!DIGITS.test(count)) {
    v.add('set', 'se-segment-count', `SE01 "${clip(count)}" is not a segment count`, view);
  }
  if (control !== set.controlNumber) {
    v.add(
      'set',
      'se-control-mismatch',
      `SE02 "${clip(control)}" does not match ST02 "${clip(set.controlNumber)}"`,
      view,
    );
  }
  v.deliver(view);
  endSet(v);
}

export function closeSet(v: X12EnvelopeValidator, at: EdiPosition): void {
  if (v.level === Level.Orphan) {
    v.level = Level.Interchange;
    return;
  }
  if (!v.set) return;
  v.content?.end(undefined);
  v.content = undefined;
  v.add('set', 'se-missing', `transaction set ${v.set.controlNumber} has no SE trailer`, at);
  endSet(v);
}

function endSet(v: X12EnvelopeValidator): void {
  const set = v.set!;
  if (v.setSegmentErrors) {
    v.add('set', 'set-segment-errors', 'one or more segments in error', {
      offset: set.offset,
      segmentIndex: set.segmentIndex,
    });
  } else if (v.setNotedErrors && set.status === 'accepted') {
    // Only errors the receiver accepts: acknowledged with AK3/AK4, the set goes on (AK5 E).
    set.status = 'accepted-with-errors';
  }

  v.set = undefined;
  v.level = Level.Group;
  v.context.set = undefined;
  v.context.positionInSet = 0;
  v.handler.endSet?.(set, v.group!);
}
