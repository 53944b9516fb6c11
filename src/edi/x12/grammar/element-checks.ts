import type { X12SegmentView } from '../segment.js';
import type { X12CodeVersion } from '../versions.js';
import {
  checkElement,
  checkNotes,
  clip,
  missingElement,
  referenceOf,
  type X12ElementFinding,
} from './element-findings.js';
import type { X12SegmentDef, X12SyntaxNote } from './grammar.types.js';

/** How the byte fast path reads an element (decided once per segment definition, at first use). */
const FAST_TEXT = 0; // AN, ID without a code list: length and characters
const FAST_CODED = 1; // AN, ID with a code list: also a member of the list (short codes)
const FAST_INTEGER = 2; // N0…N9
const FAST_DECIMAL = 3; // R
const FAST_DATE = 4; // DT without a code list: CCYYMMDD
const FAST_TIME = 5; // TM without a code list: HHMM, HHMMSS
const SLOW = 6; // composites, coded numbers, dates, times: always the string path

/**
 * A segment definition compiled for the hot path: per element (1-based) its fast-path kind, length
 * limits, requirement and packed code list; the syntax notes as bit masks over element positions.
 */
export interface X12SegmentPlan {
  /**
   * The definition's element count, and whether it has syntax notes: what a clean segment needs of
   * the definition itself, which is then read only to word findings.
   */
  readonly defined: number;
  readonly hasNotes: boolean;
  readonly kinds: Uint8Array;
  readonly mins: Int32Array;
  readonly maxs: Int32Array;
  readonly mandatory: Uint8Array;
  /** The last mandatory position (0 when none): a segment with at least that many elements misses none by omission. */
  readonly lastMandatory: number;
  /** Codes of up to four characters as integers (`packCode`), for `FAST_CODED` elements. */
  readonly packed: (ReadonlySet<number> | undefined)[];
  /** Per element, the last code found in `packed` (-1 none): a file mostly repeats one code per element. */
  readonly lastCodes: Int32Array;
  /** Per note: kind (`NOTE_*`), mask of all positions, mask of the first; undefined past 31 elements. */
  readonly notes: Int32Array | undefined;
  /**
   * The last presence mask found to satisfy every note (-1 none yet): segments of one kind mostly
   * carry the same elements, and the notes depend on nothing else.
   */
  satisfiedMask: number;
}

const NOTE_P = 0;
const NOTE_R = 1;
const NOTE_E = 2;
const NOTE_C = 3;
const NOTE_L = 4;
const NOTE_KINDS: Readonly<Record<string, number>> = {
  P: NOTE_P,
  R: NOTE_R,
  E: NOTE_E,
  C: NOTE_C,
  L: NOTE_L,
};
/** Presence fits in one int32 bit mask up to element 31 (LIN has 31); bit 31 is the sign bit, which ToInt32 keeps right. */
const MASKABLE = 31;

const plans = new WeakMap<X12SegmentDef, X12SegmentPlan>();

/**
 * A code of one to four characters below U+0100 as one integer (no code contains U+0000); -1 else.
 * A four-character code must start below U+0080, so that its key stays positive (-1 means none).
 */
function packCode(code: string): number {
  if (code.length === 0 || code.length > 4) return -1;
  if (code.length === 4 && code.charCodeAt(0) >= 0x80) return -1;
  let key = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 0 || c > 0xff) return -1;
    key = (key << 8) | c;
  }
  return key;
}

/** Whether `bytes[from..from + length)` can be a `packCode` key: 1–3 bytes, or 4 starting below 0x80. */
function packable(bytes: Uint8Array, from: number, length: number): boolean {
  return length <= 3 || (length === 4 && bytes[from]! < 0x80);
}

/** The compiled form of a segment definition (made once per definition), for `checkSegmentElements`. */
export function planOf(def: X12SegmentDef): X12SegmentPlan {
  let plan = plans.get(def);
  if (plan === undefined) {
    plan = compilePlan(def);
    plans.set(def, plan);
  }
  return plan;
}

function compilePlan(def: X12SegmentDef): X12SegmentPlan {
  const n = def.elements.length;
  const kinds = new Uint8Array(n + 1);
  const mins = new Int32Array(n + 1);
  const maxs = new Int32Array(n + 1);
  const mandatory = new Uint8Array(n + 1);
  const packed: (ReadonlySet<number> | undefined)[] = new Array(n + 1).fill(undefined);
  for (let k = 1; k <= n; k++) {
    const e = def.elements[k - 1]!;
    mins[k] = e.min;
    maxs[k] = e.max;
    mandatory[k] = e.requirement === 'M' ? 1 : 0;
    const type = e.type;
    if (type === 'composite') kinds[k] = SLOW;
    else if (type === 'DT') kinds[k] = e.codes ? SLOW : FAST_DATE;
    else if (type === 'TM') kinds[k] = e.codes ? SLOW : FAST_TIME;
    else if (type === 'R') kinds[k] = e.codes ? SLOW : FAST_DECIMAL;
    else if (type[0] === 'N') kinds[k] = e.codes ? SLOW : FAST_INTEGER;
    else if (e.codes) {
      kinds[k] = FAST_CODED;
      const keys = new Set<number>();
      for (const code of e.codes.codes) {
        const key = packCode(code);
        if (key >= 0) keys.add(key);
      }
      packed[k] = keys;
    } else kinds[k] = FAST_TEXT;
  }
  let notes: Int32Array | undefined;
  if (n <= MASKABLE) {
    notes = new Int32Array(def.notes.length * 3);
    def.notes.forEach((note, i) => {
      let all = 0;
      for (const p of note.positions) all |= 1 << p;
      notes![i * 3] = NOTE_KINDS[note.kind]!;
      notes![i * 3 + 1] = all;
      notes![i * 3 + 2] = note.positions.length > 0 ? 1 << note.positions[0]! : 0;
    });
  }
  const lastMandatory = mandatory.lastIndexOf(1);
  return {
    defined: n,
    hasNotes: def.notes.length > 0,
    kinds,
    mins,
    maxs,
    mandatory,
    lastMandatory: lastMandatory < 0 ? 0 : lastMandatory,
    packed,
    lastCodes: new Int32Array(n + 1).fill(-1),
    notes,
    satisfiedMask: -1,
  };
}

/** Whether `key` (a `packCode`) is a code of element `k`'s list. */
function isKnownCode(plan: X12SegmentPlan, k: number, key: number): boolean {
  if (plan.lastCodes[k] === key) return true;
  if (!plan.packed[k]!.has(key)) return false;
  plan.lastCodes[k] = key;
  return true;
}

/** Whether any relational condition fails, on a presence bit mask (X12.6 §3.6; normally none does). */
function violatesMasks(notes: Int32Array, present: number): boolean {
  for (let i = 0; i < notes.length; i += 3) {
    const all = notes[i + 1]!;
    const on = present & all;
    switch (notes[i]) {
      case NOTE_P:
        if (on !== 0 && on !== all) return true;
        break;
      case NOTE_R:
        if (on === 0) return true;
        break;
      case NOTE_E:
        if ((on & (on - 1)) !== 0) return true;
        break;
      case NOTE_C:
        if ((present & notes[i + 2]!) !== 0 && on !== all) return true;
        break;
      case NOTE_L:
        // The first and at least one other.
        if ((present & notes[i + 2]!) !== 0 && (on & ~notes[i + 2]!) === 0) return true;
        break;
    }
  }
  return false;
}

/**
 * Checks the elements of a segment placed by the grammar: count, requirement designators, values,
 * repetitions and components, then the syntax notes (X12.6 §3.6: P paired, R required, E exclusion,
 * C conditional, L list conditional). Findings come out in element order, one per element.
 */
export function checkSegmentElements(
  view: X12SegmentView,
  def: X12SegmentDef,
  version: X12CodeVersion,
  out: X12ElementFinding[],
  plan: X12SegmentPlan = planOf(def),
): void {
  const defined = plan.defined;
  const count = view.elementCount;
  // Hot path: one call per segment. Nothing is allocated for a clean segment.
  const masks = plan.notes;
  let mask = 0;
  let present = PRESENT;
  if (masks === undefined) {
    if (present.length <= defined) present = PRESENT = new Uint8Array(defined + 1);
    present.fill(0, 0, defined + 1);
  }
  const first = out.length;
  const { kinds, mins, maxs, mandatory } = plan;
  const seps = view.seps;
  const end = view.end;
  const last = view.sepCount;
  // UTF-8 segments count characters, not bytes: they take the string path.
  const onBytes = !view.utf8;
  // No control character, DEL or separator anywhere (the tokenizer noted it): no value needs a scan.
  const plain = onBytes && view.plain;
  const bytes = view.source.bytes;
  // The separators matter only where the tokenizer saw one (or a control character) in the segment.
  const rep = plain ? undefined : view.delimiters.repetition;
  const repByte = rep === undefined ? -1 : rep.charCodeAt(0);
  const compByte = plain ? -1 : view.delimiters.component.charCodeAt(0);
  // The elements sent, then those not sent (only a mandatory one matters there): in element order.
  const upto = count < defined ? count : defined;
  let to = last > 0 ? seps[0]! : end; // end of the previous element (the id first)
  for (let k = 1; k <= upto; k++) {
    const from = to + 1;
    to = k < last ? seps[k]! : end;
    if (to === from) {
      if (mandatory[k] === 1) out.push(missingElement(def, k));
      continue;
    }
    if (masks !== undefined) mask |= 1 << k;
    else present[k] = 1;
    const kind = kinds[k]!;
    if (plain) {
      // The usual case: only lengths, short codes and numbers to look at.
      const length = to - from;
      if (kind === FAST_TEXT) {
        if (length >= mins[k]! && length <= maxs[k]!) continue;
      } else if (kind === FAST_CODED) {
        if (packable(bytes, from, length) && length >= mins[k]! && length <= maxs[k]!) {
          let key = bytes[from]!;
          for (let i = from + 1; i < to; i++) key = (key << 8) | bytes[i]!;
          if (isKnownCode(plan, k, key)) continue;
        }
      } else if (kind === FAST_INTEGER || kind === FAST_DECIMAL) {
        if (cleanNumber(bytes, from, to, kind === FAST_DECIMAL, mins[k]!, maxs[k]!)) continue;
      } else if (kind === FAST_DATE || kind === FAST_TIME) {
        if (length >= mins[k]! && length <= maxs[k]! && cleanDateTime(bytes, from, to, kind === FAST_DATE))
          continue;
      }
    } else if (onBytes && (kind === FAST_DATE || kind === FAST_TIME)) {
      // Digits only: no control character or separator can pass.
      const length = to - from;
      if (length >= mins[k]! && length <= maxs[k]! && cleanDateTime(bytes, from, to, kind === FAST_DATE))
        continue;
    } else if (onBytes && kind !== SLOW) {
      const min = mins[k]!;
      const max = maxs[k]!;
      if (kind === FAST_TEXT || kind === FAST_CODED) {
        const length = to - from;
        if (length >= min && length <= max) {
          let key = 0;
          let i = from;
          for (; i < to; i++) {
            const b = bytes[i]!;
            if (b < 0x20 || b === 0x7f || b === repByte || b === compByte) break;
            key = (key << 8) | b;
          }
          if (
            i === to &&
            (kind === FAST_TEXT || (packable(bytes, from, length) && isKnownCode(plan, k, key)))
          )
            continue;
        }
      } else if (cleanNumber(bytes, from, to, kind === FAST_DECIMAL, min, max)) continue;
    }
    checkElement(view, def, k, version, out);
  }
  if (count < plan.lastMandatory) {
    for (let k = upto + 1; k <= defined; k++) if (mandatory[k] === 1) out.push(missingElement(def, k));
  }
  for (let k = defined + 1; k <= count; k++) {
    if (view.elementLength(k) === 0) continue; // trailing empty elements carry nothing
    out.push({
      kind: 'element-too-many',
      message: `${def.id} defines ${defined} elements, element ${k} has data`,
      severity: 'error',
      elementPosition: k,
      elementReference: '',
      badValue: clip(view.element(k)),
    });
    break;
  }
  if (!plan.hasNotes) return;
  if (masks !== undefined) {
    // Bit 0 (the id) is never set in `mask`, so -1 never matches it by accident.
    if (mask === plan.satisfiedMask) return;
    if (!violatesMasks(masks, mask)) {
      plan.satisfiedMask = mask;
      return;
    }
  } else if (!violatesNotes(def.notes, present)) return;
  const flagged = new Set<number>();
  for (let n = first; n < out.length; n++) flagged.add(out[n]!.elementPosition);
  checkNotes(
    def.notes,
    masks !== undefined ? (k) => (mask & (1 << k)) !== 0 : (k) => present[k] === 1,
    (k) => referenceOf(def.elements[k - 1]!),
    def.id,
    flagged,
    (f) => out.push(f),
  );
}

/**
 * The byte path for N and R: true when `bytes[from..to)` is certainly a valid number of the right
 * length ([-]digits, R with one optional point; exponents go the string way).
 */
function cleanNumber(
  bytes: Uint8Array,
  from: number,
  to: number,
  decimal: boolean,
  min: number,
  max: number,
): boolean {
  let i = bytes[from] === 0x2d ? from + 1 : from;
  let digits = 0;
  let point = !decimal;
  for (; i < to; i++) {
    const b = bytes[i]!;
    if (b >= 0x30 && b <= 0x39) digits++;
    else if (b === 0x2e && !point) point = true;
    else return false;
  }
  return digits >= min && digits <= max;
}

/**
 * The byte path for DT and TM: true when `bytes[from..to)` is certainly a valid CCYYMMDD date (the
 * calendar's days, leap years included) or an HHMM / HHMMSS time. Other forms go the string way.
 */
function cleanDateTime(bytes: Uint8Array, from: number, to: number, date: boolean): boolean {
  const length = to - from;
  if (date ? length !== 8 : length !== 4 && length !== 6) return false;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b < 0x30 || b > 0x39) return false;
  }
  if (!date) {
    const seconds = length === 4 ? 0 : twoDigits(bytes, from + 4);
    return twoDigits(bytes, from) <= 23 && twoDigits(bytes, from + 2) <= 59 && seconds <= 59;
  }
  const year = twoDigits(bytes, from) * 100 + twoDigits(bytes, from + 2);
  const month = twoDigits(bytes, from + 4);
  const day = twoDigits(bytes, from + 6);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= 28) return true;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

function twoDigits(bytes: Uint8Array, at: number): number {
  return (bytes[at]! - 0x30) * 10 + bytes[at + 1]! - 0x30;
}

/** Scratch presence flags, reused across calls (the validator is synchronous). */
let PRESENT = new Uint8Array(64);

/** Whether any relational condition fails, on presence flags alone (the common case: none does). */
function violatesNotes(notes: readonly X12SyntaxNote[], present: Uint8Array): boolean {
  for (const note of notes) {
    const p = note.positions;
    let count = 0;
    for (let k = 0; k < p.length; k++) count += present[p[k]!]!;
    switch (note.kind) {
      case 'P':
        if (count > 0 && count < p.length) return true;
        break;
      case 'R':
        if (count === 0) return true;
        break;
      case 'E':
        if (count > 1) return true;
        break;
      case 'C':
        if (present[p[0]!] === 1 && count < p.length) return true;
        break;
      case 'L':
        if (present[p[0]!] === 1 && count < 2) return true;
        break;
    }
  }
  return false;
}
