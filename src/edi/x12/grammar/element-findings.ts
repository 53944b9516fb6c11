import type { X12IssueKind } from '../code-tables.js';
import { isValidGroupDate, isValidTime } from '../date-time.js';
import type { X12SegmentView } from '../segment.js';
import type { X12CodeVersion } from '../versions.js';
import type { X12ElementDef, X12SegmentDef, X12SyntaxNote } from './grammar.types.js';

/*
 * The string path of the element checks: what `checkSegmentElements` (element-checks.ts) sends here
 * when its byte path cannot prove a value clean, or when a segment breaks a syntax note. It decides
 * and words the findings.
 */

/** One element finding, before the envelope layer gives it a code and a place in the result. */
export interface X12ElementFinding {
  readonly kind: X12IssueKind;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly elementPosition: number;
  readonly componentPosition?: number;
  readonly elementReference: string;
  readonly badValue?: string;
}

export function clip(value: string): string {
  return value.length > 99 ? value.slice(0, 99) : value;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Characters outside X12's printable set (control characters) are never data (X12.6 §3.3.1). */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function allDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return value.length > 0;
}

/**
 * Digits of a numeric value, or -1 when it is not one. N: optional minus, digits. R: optional minus,
 * digits with at most one decimal point, and from 004020 on an exponent ("1.5E3", X12.6 §3.3.5.3).
 * Sign, point and exponent do not count toward the length.
 */
function numericDigits(value: string, decimal: boolean, exponent: boolean): number {
  let i = value.charCodeAt(0) === 0x2d ? 1 : 0;
  let digits = 0;
  let point = false;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && decimal && !point) point = true;
    else if (c === 0x45 && exponent && digits > 0) {
      let j = i + 1;
      if (value.charCodeAt(j) === 0x2d) j++;
      if (j >= value.length) return -1;
      for (; j < value.length; j++) {
        const e = value.charCodeAt(j);
        if (e < 0x30 || e > 0x39) return -1;
      }
      return digits;
    } else return -1;
  }
  return digits > 0 ? digits : -1;
}

/**
 * Checks one simple value against its definition: character set, type, length, code list. At most
 * one finding per value (the most specific the 997/999 can carry).
 */
export function checkValue(
  value: string,
  def: X12ElementDef,
  version: X12CodeVersion,
): Pick<X12ElementFinding, 'kind' | 'message' | 'severity'> | undefined {
  if (hasControlCharacter(value)) {
    return { kind: 'element-invalid-character', message: 'control character in data', severity: 'error' };
  }
  const type = def.type;
  let length = value.length;
  if (type === 'R' || type[0] === 'N') {
    length = numericDigits(value, type === 'R', type === 'R' && version === '005010');
    if (length < 0) {
      return {
        kind: 'element-invalid-character',
        message: `"${value}" is not ${type === 'R' ? 'a decimal' : 'an integer'} number`,
        severity: 'error',
      };
    }
  } else if ((type === 'DT' || type === 'TM') && !allDigits(value)) {
    const kind = type === 'DT' ? 'element-invalid-date' : 'element-invalid-time';
    return { kind, message: `"${value}" is not a ${type === 'DT' ? 'date' : 'time'}`, severity: 'error' };
  }
  if (length < def.min) {
    return { kind: 'element-too-short', message: `"${value}" is shorter than ${def.min}`, severity: 'error' };
  }
  if (length > def.max) {
    return { kind: 'element-too-long', message: `"${value}" is longer than ${def.max}`, severity: 'error' };
  }
  if (
    type === 'DT' &&
    !(value.length === 8 ? isValidGroupDate(value, false) : isValidGroupDate(value, true))
  ) {
    return { kind: 'element-invalid-date', message: `"${value}" is not a valid date`, severity: 'error' };
  }
  if (type === 'TM' && !isValidTime(value, true)) {
    return { kind: 'element-invalid-time', message: `"${value}" is not a valid time`, severity: 'error' };
  }
  if (def.codes && !def.codes.codes.has(value)) {
    return {
      kind: 'element-invalid-code',
      message: `"${value}" is not a code of data element ${def.ref}${def.codes.scope === 'common' ? ' known to the gateway' : ''}`,
      // A common list is not the standard's whole list: an unknown code is noted, not rejected.
      severity: def.codes.scope === 'complete' ? 'error' : 'warning',
    };
  }
  return undefined;
}

export function missingElement(def: X12SegmentDef, k: number): X12ElementFinding {
  return {
    kind: 'element-missing',
    message: `${def.id}${pad2(k)} is mandatory`,
    severity: 'error',
    elementPosition: k,
    elementReference: referenceOf(def.elements[k - 1]!),
  };
}

/**
 * The string path for one present element: separators inside it, composites, then `checkValue`,
 * which decides and explains. The byte path sends here every value it cannot prove clean.
 */
export function checkElement(
  view: X12SegmentView,
  def: X12SegmentDef,
  k: number,
  version: X12CodeVersion,
  out: X12ElementFinding[],
): void {
  const rep = view.delimiters.repetition;
  const comp = view.delimiters.component;
  const e = def.elements[k - 1]!;
  const value = view.element(k);
  if (rep !== undefined && value.includes(rep)) {
    const repetitions = value.split(rep);
    if (repetitions.length <= e.repeat) {
      // A repeating element (999 CTX01): each repetition is checked as the element itself.
      for (const one of repetitions) checkOne(one, e, def, k, comp, version, out);
      return;
    }
    // Past its repeat count, or an element that does not repeat. 004010's AK403 has no code 12: the
    // separator is then an invalid character.
    out.push(
      valueFinding(
        k,
        e,
        value,
        version === '005010' ? 'element-too-many-repetitions' : 'element-invalid-character',
        e.repeat > 1
          ? `${def.id}${pad2(k)} repeats at most ${e.repeat} times`
          : `${def.id}${pad2(k)} does not repeat`,
        'error',
      ),
    );
    return;
  }
  checkOne(value, e, def, k, comp, version, out);
}

/** One value (or one repetition) of element `k`: its components, or the value itself. */
function checkOne(
  value: string,
  e: X12ElementDef,
  def: X12SegmentDef,
  k: number,
  comp: string,
  version: X12CodeVersion,
  out: X12ElementFinding[],
): void {
  // An empty repetition carries nothing (only repetitions reach here empty).
  if (value === '') return;
  if (e.components) {
    checkComposite(value, comp, e, `${def.id}${pad2(k)}`, k, version, (f) => out.push(f));
    return;
  }
  if (value.includes(comp)) {
    out.push(
      valueFinding(
        k,
        e,
        value,
        version === '005010' ? 'element-too-many-components' : 'element-invalid-character',
        `${def.id}${pad2(k)} is not a composite`,
        'error',
      ),
    );
    return;
  }
  const problem = checkValue(value, e, version);
  if (problem) {
    out.push(
      valueFinding(k, e, value, problem.kind, `${def.id}${pad2(k)}: ${problem.message}`, problem.severity),
    );
  }
}

/**
 * AK402 / IK402 is a data element number (DE 725, N0 1/4): a composite is named by its first
 * component's element, never by its composite id ("C001").
 */
export function referenceOf(e: X12ElementDef): string {
  return e.components ? e.components[0]!.ref : e.ref;
}

/**
 * A finding on one simple value, the usual kind. A class whose fields come in the order the object
 * literal here had (place, then kind, message, severity): the validator tells it by `instanceof`
 * and copies its place by name instead of a generic object rest, which cost about a microsecond.
 */
export class X12ValueFinding implements X12ElementFinding {
  constructor(
    readonly elementPosition: number,
    readonly elementReference: string,
    readonly badValue: string,
    readonly kind: X12IssueKind,
    readonly message: string,
    readonly severity: 'error' | 'warning',
  ) {}
}

function valueFinding(
  k: number,
  e: X12ElementDef,
  value: string,
  kind: X12IssueKind,
  message: string,
  severity: 'error' | 'warning',
): X12ValueFinding {
  return new X12ValueFinding(k, referenceOf(e), clip(value), kind, message, severity);
}

function checkComposite(
  value: string,
  separator: string,
  e: X12ElementDef,
  name: string,
  position: number,
  version: X12CodeVersion,
  push: (f: X12ElementFinding) => void,
): void {
  const components = e.components!;
  const parts = value.split(separator);
  if (parts.length > components.length && parts.slice(components.length).some((p) => p !== '')) {
    push({
      kind: version === '005010' ? 'element-too-many-components' : 'element-too-many',
      message: `${name} has more than ${components.length} components`,
      severity: 'error',
      elementPosition: position,
      componentPosition: components.length + 1,
      elementReference: components[0]!.ref,
      // AK404 / IK404 is a copy of the element as received, with the sender's component separators;
      // the acknowledgment drops those that are its own delimiters (sanitizeCopy, X12 997 AK404 note).
      badValue: clip(value),
    });
    return;
  }
  const present: boolean[] = [];
  const flagged = new Set<number>();
  for (let j = 1; j <= components.length; j++) {
    const c = components[j - 1]!;
    const value = parts[j - 1] ?? '';
    present[j] = value !== '';
    const at = { elementPosition: position, componentPosition: j, elementReference: c.ref };
    if (value === '') {
      if (c.requirement === 'M') {
        flagged.add(j);
        push({
          ...at,
          kind: 'element-missing',
          message: `${name}-${pad2(j)} is mandatory`,
          severity: 'error',
        });
      }
      continue;
    }
    const problem = checkValue(value, c, version);
    if (problem) {
      flagged.add(j);
      push({ ...at, ...problem, message: `${name}-${pad2(j)}: ${problem.message}`, badValue: clip(value) });
    }
  }
  checkNotes(
    e.notes,
    (j) => present[j] === true,
    (j) => components[j - 1]!.ref,
    `${name}-`,
    flagged,
    (f) => push({ ...f, elementPosition: position, componentPosition: f.elementPosition }),
  );
}

/** X12.6 §3.6 relational conditions over element (or component) presence. */
export function checkNotes(
  notes: readonly X12SyntaxNote[],
  isPresent: (k: number) => boolean,
  refOf: (k: number) => string,
  prefix: string,
  flagged: Set<number>,
  push: (f: X12ElementFinding) => void,
): void {
  for (const note of notes) {
    const [first, ...rest] = note.positions;
    const all = note.positions;
    const missing = (k: number, why: string): void => {
      if (flagged.has(k)) return;
      flagged.add(k);
      push({
        kind: 'element-conditional-missing',
        message: `${prefix}${pad2(k)} is required: ${why} (${note.text})`,
        severity: 'error',
        elementPosition: k,
        elementReference: refOf(k),
      });
    };
    switch (note.kind) {
      case 'P':
        if (all.some(isPresent))
          for (const k of all) if (!isPresent(k)) missing(k, 'the elements are paired');
        break;
      case 'R':
        if (!all.some(isPresent)) missing(first!, 'at least one of them is required');
        break;
      case 'C':
        if (isPresent(first!))
          for (const k of rest) if (!isPresent(k)) missing(k, `${prefix}${pad2(first!)} is present`);
        break;
      case 'L':
        if (isPresent(first!) && !rest.some(isPresent))
          missing(rest[0]!, `${prefix}${pad2(first!)} needs one of the others`);
        break;
      case 'E': {
        const present = all.filter(isPresent);
        if (present.length > 1 && !flagged.has(present[1]!)) {
          flagged.add(present[1]!);
          push({
            kind: 'element-exclusion',
            message: `only one of ${all.map((k) => prefix + pad2(k)).join(', ')} may be present (${note.text})`,
            severity: 'error',
            elementPosition: present[1]!,
            elementReference: refOf(present[1]!),
          });
        }
        break;
      }
    }
  }
}
