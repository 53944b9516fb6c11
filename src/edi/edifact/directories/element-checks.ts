import { readEdifactNumber } from '../numbers.js';
import type { EdifactIssueKind } from '../codes.js';
import { B_REPETITION, type EdifactSegmentView } from '../segment.js';
import type { EdifactConstituent, EdifactElementFormat, EdifactSegmentDef } from './directory.types.js';

/** One element-level finding: position (1-based element, component), kind, what was wrong. */
export interface EdifactElementFinding {
  readonly kind: EdifactIssueKind;
  readonly elementPosition: number;
  readonly componentPosition: number | undefined;
  readonly elementReference: string;
  readonly message: string;
  readonly badValue?: string;
}

/**
 * Digits of a numeric value when it is certainly well formed for `readEdifactNumber` (optional minus,
 * digits, at most one decimal sign after a digit and before a digit), else -1: the caller then asks
 * `readEdifactNumber`, which decides and explains. Either mark is accepted, as there (syntax 4).
 */
function plainDigits(value: string): number {
  const n = value.length;
  let i = n > 0 && value.charCodeAt(0) === 0x2d ? 1 : 0;
  let digits = 0;
  let mark = false;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if ((c === 0x2e || c === 0x2c) && !mark && digits > 0 && i + 1 < n) mark = true;
    else return -1;
  }
  return digits > 0 ? digits : -1;
}

/** Length in code points, as `[...value].length` counts it (a surrogate pair is one character). */
function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** UNOA-level letters for `a` (alphabetic) values: no digits (ISO 9735 §10, UNTDID "a"). */
function hasDigit(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

function checkValue(
  value: string,
  format: EdifactElementFormat,
  decimalMark: string,
): Pick<EdifactElementFinding, 'kind' | 'message'> | undefined {
  if (format.type === 'n') {
    let digits = plainDigits(value);
    if (digits < 0) {
      const n = readEdifactNumber(value, { decimalMark });
      if (!n.ok) {
        const kind: EdifactIssueKind =
          n.code === '19'
            ? 'invalid-decimal-notation'
            : n.code === '38'
              ? 'missing-digit-before-decimal-sign'
              : 'element-invalid-type';
        return { kind, message: n.reason };
      }
      digits = n.digits;
    }
    // The sign and the decimal sign do not count towards the length (ISO 9735-1 §11.3).
    if (digits > format.max) return { kind: 'element-too-long', message: `more than ${format.max} digits` };
    if (digits < format.min) return { kind: 'element-too-short', message: `fewer than ${format.min} digits` };
  } else {
    const length = codePointLength(value);
    if (length > format.max) return { kind: 'element-too-long', message: `longer than ${format.max}` };
    if (length < format.min) return { kind: 'element-too-short', message: `shorter than ${format.min}` };
    if (format.type === 'a' && hasDigit(value))
      return { kind: 'element-invalid-type', message: 'digits in an alphabetic element' };
  }
  if (format.codes && !format.codes.has(value))
    return { kind: 'element-invalid-value', message: `not a code of list ${format.ref}` };
  return undefined;
}

/**
 * The values of one segment as the checks read them, filled once per segment and reused (nothing is
 * allocated per segment but the values): for each data element, its number of repetitions and the
 * components of its first repetition (later repetitions are only counted: the definitions here have
 * none, so they are findings whatever they hold).
 */
export class EdifactSegmentValues {
  /** Data elements after the tag. */
  count = 0;
  /** Per element (1-based): repetitions sent. */
  reps = new Int32Array(16);
  /** Per element: index in `values` of its first component. */
  first = new Int32Array(16);
  /** Per element: components of its first repetition. */
  components = new Int32Array(16);
  /** Component values of the first repetitions, element after element (the tag first). */
  readonly values: string[] = [];
  private used = 0;

  /** Starts a segment of `count` data elements. */
  reset(count: number): void {
    if (this.reps.length <= count) this.grow(count + 1);
    this.count = count;
    this.used = 0;
  }

  /** One value of the segment, in order: element `e` (0 = tag), component `c`, repetition `r`. */
  add(value: string, e: number, c: number, r: number): void {
    if (r > 1) {
      this.reps[e] = r;
      return;
    }
    if (c === 1) {
      this.reps[e] = 1;
      this.first[e] = this.used;
      this.components[e] = 0;
    }
    this.components[e]!++;
    const values = this.values;
    if (this.used < values.length) values[this.used] = value;
    else values.push(value);
    this.used++;
  }

  /** Component `c` (1-based) of element `e`'s first repetition, '' when not sent. */
  component(e: number, c: number): string {
    return c <= this.components[e]! ? this.values[this.first[e]! + c - 1]! : '';
  }

  /** Fills the table from decoded elements (`EdifactSegment.elements`: repetitions of components). */
  fill(elements: readonly (readonly (readonly string[])[])[]): this {
    this.reset(elements.length - 1);
    for (let e = 0; e < elements.length; e++) {
      const repetitions = elements[e]!;
      const components = repetitions[0] ?? [];
      this.reps[e] = repetitions.length;
      this.first[e] = this.used;
      this.components[e] = components.length;
      for (const value of components) {
        if (this.used < this.values.length) this.values[this.used] = value;
        else this.values.push(value);
        this.used++;
      }
    }
    return this;
  }

  private grow(size: number): void {
    const grown = (a: Int32Array) => {
      const b = new Int32Array(size * 2);
      b.set(a);
      return b;
    };
    this.reps = grown(this.reps);
    this.first = grown(this.first);
    this.components = grown(this.components);
  }
}

/** Whether every component of an element's first repetition is empty (present but says nothing). */
function allEmpty(values: EdifactSegmentValues, e: number): boolean {
  const from = values.first[e]!;
  const to = from + values.components[e]!;
  for (let k = from; k < to; k++) if (values.values[k] !== '') return false;
  return true;
}

/**
 * Checks a segment's data elements against its directory definition: too many elements or components
 * (16), a mandatory one empty (13), length (39 / 40), character type (37), decimal notation (19 / 38),
 * and the code lists the directory checks (12). Repetitions beyond the first are constituents the
 * definitions here do not have (16). Bounded by the definition: at most one finding per constituent.
 */
export function checkSegmentElements(
  def: EdifactSegmentDef,
  elements: readonly (readonly (readonly string[])[])[],
  decimalMark: string,
): EdifactElementFinding[] {
  const out: EdifactElementFinding[] = [];
  checkSegmentValues(def, new EdifactSegmentValues().fill(elements), decimalMark, out);
  return out;
}

function finding(
  out: EdifactElementFinding[],
  def: EdifactSegmentDef,
  kind: EdifactIssueKind,
  c: EdifactConstituent,
  e: number,
  k: number | undefined,
  message: string,
  badValue?: string,
): void {
  out.push({
    kind,
    elementPosition: e,
    componentPosition: k,
    elementReference: c.ref,
    message: `${def.tag} ${c.ref}${k === undefined ? '' : ` component ${k}`}: ${message}`,
    ...(badValue === undefined ? {} : { badValue: badValue.slice(0, 70) }),
  });
}

/**
 * `checkSegmentElements` on a filled `EdifactSegmentValues`, findings appended to `out`: the reader's
 * string path, for the segments `segmentViewIsClean` does not prove clean on bytes (a clean segment
 * allocates nothing here either).
 */
export function checkSegmentValues(
  def: EdifactSegmentDef,
  values: EdifactSegmentValues,
  decimalMark: string,
  out: EdifactElementFinding[],
): void {
  const count = values.count;
  const defined = def.elements.length;
  if (count > defined) {
    out.push({
      kind: 'too-many-constituents',
      elementPosition: defined + 1,
      componentPosition: undefined,
      elementReference: '',
      message: `${def.tag}: ${count} data elements, the directory defines ${defined}`,
    });
  }
  for (let i = 0; i < defined; i++) {
    const c = def.elements[i]!;
    const e = i + 1;
    // An element not sent reads as one empty repetition with no components.
    const sent = e <= count;
    if (sent && values.reps[e]! > 1) finding(out, def, 'too-many-constituents', c, e, undefined, 'repeated');
    if (!sent || allEmpty(values, e)) {
      if (c.mandatory) finding(out, def, 'element-missing', c, e, undefined, 'mandatory, empty');
      continue;
    }
    const sentComponents = values.components[e]!;
    if (c.components === undefined) {
      if (sentComponents > 1) {
        finding(out, def, 'too-many-constituents', c, e, 2, 'a simple element with components');
        continue;
      }
      const value = values.component(e, 1);
      const problem = c.format && checkValue(value, c.format, decimalMark);
      if (problem) finding(out, def, problem.kind, c, e, undefined, problem.message, value);
      continue;
    }
    const defComponents = c.components;
    if (sentComponents > defComponents.length)
      finding(
        out,
        def,
        'too-many-constituents',
        c,
        e,
        defComponents.length + 1,
        `more than ${defComponents.length} components`,
      );
    for (let j = 0; j < defComponents.length; j++) {
      const comp = defComponents[j]!;
      const value = values.component(e, j + 1);
      if (value === '') {
        if (comp.mandatory)
          finding(out, def, 'element-missing', comp, e, j + 1, 'mandatory component, empty');
        continue;
      }
      const problem = comp.format && checkValue(value, comp.format, decimalMark);
      if (problem) finding(out, def, problem.kind, comp, e, j + 1, problem.message, value);
    }
  }
}

// ---- byte path -------------------------------------------------------------------------------
//
// Most segments are clean. `segmentViewIsClean` proves that on the view's bytes, without decoding a
// value; whatever it cannot prove clean (any finding, and a few rare shapes) goes to the string path
// above, which decides and explains. So findings are the string path's by construction: the byte path
// only ever answers "nothing to report", and only where the string path would report nothing.

/** How the byte path reads one value (a simple element, or one component of a composite). */
const VALUE_UNCHECKED = 0; // no format in the directory: any value passes, as in `checkSegmentValues`
const VALUE_NUMERIC = 1; // `n`: digits, an optional minus, at most one decimal sign
const VALUE_ALPHA = 2; // `a`: no digits
const VALUE_ANY = 3; // `an`

/**
 * A segment definition compiled for the byte path, once per definition. Elements are 1-based; a
 * "slot" is one checked value: a simple element has one, a composite one per defined component.
 */
interface EdifactSegmentPlan {
  readonly defined: number;
  /** Highest position of a mandatory element (0 when none): a segment with fewer elements lacks it. */
  readonly lastMandatory: number;
  readonly mandatory: Uint8Array;
  /** Per element: 0 for a simple element, else the number of components the composite defines. */
  readonly components: Int32Array;
  /** Per element: its first slot. */
  readonly firstSlot: Int32Array;
  readonly slotKind: Uint8Array;
  readonly slotMin: Int32Array;
  readonly slotMax: Int32Array;
  readonly slotMandatory: Uint8Array;
  /** Per slot: the code list's codes of one to three ASCII characters as integers (`packCode`). */
  readonly slotCodes: (ReadonlySet<number> | undefined)[];
}

const plans = new WeakMap<EdifactSegmentDef, EdifactSegmentPlan>();

/**
 * A value of one to three bytes as one integer, its length in the top byte (so that "1" and "1\0"
 * differ); -1 for a code the byte path never meets (longer, or with a character outside ASCII: such
 * a value is never proved clean on bytes, see `valueIsClean`).
 */
function packCode(code: string): number {
  if (code.length === 0 || code.length > 3) return -1;
  let key = code.length << 24;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c > 0x7f) return -1;
    key |= c << (8 * i);
  }
  return key;
}

function planOf(def: EdifactSegmentDef): EdifactSegmentPlan {
  let plan = plans.get(def);
  if (plan === undefined) {
    plan = compilePlan(def);
    plans.set(def, plan);
  }
  return plan;
}

function compilePlan(def: EdifactSegmentDef): EdifactSegmentPlan {
  const defined = def.elements.length;
  const mandatory = new Uint8Array(defined + 1);
  const components = new Int32Array(defined + 1);
  const firstSlot = new Int32Array(defined + 1);
  const slots: EdifactConstituent[] = [];
  let lastMandatory = 0;
  for (let e = 1; e <= defined; e++) {
    const c = def.elements[e - 1]!;
    if (c.mandatory) {
      mandatory[e] = 1;
      lastMandatory = e;
    }
    firstSlot[e] = slots.length;
    if (c.components === undefined) slots.push(c);
    else {
      components[e] = c.components.length;
      slots.push(...c.components);
    }
  }
  const n = slots.length;
  const slotKind = new Uint8Array(n);
  const slotMin = new Int32Array(n);
  const slotMax = new Int32Array(n);
  const slotMandatory = new Uint8Array(n);
  const slotCodes: (ReadonlySet<number> | undefined)[] = new Array(n).fill(undefined);
  slots.forEach((c, s) => {
    slotMandatory[s] = c.mandatory ? 1 : 0;
    const format = c.format;
    if (format === undefined) return;
    slotKind[s] = format.type === 'n' ? VALUE_NUMERIC : format.type === 'a' ? VALUE_ALPHA : VALUE_ANY;
    slotMin[s] = format.min;
    slotMax[s] = format.max;
    if (format.codes) {
      const keys = new Set<number>();
      for (const code of format.codes) {
        const key = packCode(code);
        if (key >= 0) keys.add(key);
      }
      slotCodes[s] = keys;
    }
  });
  return {
    defined,
    lastMandatory,
    mandatory,
    components,
    firstSlot,
    slotKind,
    slotMin,
    slotMax,
    slotMandatory,
    slotCodes,
  };
}

/**
 * Whether the non-empty ASCII value `bytes[from, to)` certainly passes `checkValue` for slot `s`: the
 * same tests on bytes (an ASCII byte is one character). A number `plainDigits` would not accept, and a
 * coded value longer than three bytes, are left to the string path (false).
 */
function valueIsClean(
  plan: EdifactSegmentPlan,
  s: number,
  bytes: Uint8Array,
  from: number,
  to: number,
): boolean {
  const kind = plan.slotKind[s]!;
  if (kind === VALUE_UNCHECKED) return true;
  const length = to - from;
  if (kind === VALUE_NUMERIC) {
    // `plainDigits` on bytes; the sign and the decimal sign do not count (ISO 9735-1 §11.3).
    let i = bytes[from] === 0x2d ? from + 1 : from;
    let digits = 0;
    let mark = false;
    for (; i < to; i++) {
      const c = bytes[i]!;
      if (c >= 0x30 && c <= 0x39) digits++;
      else if ((c === 0x2e || c === 0x2c) && !mark && digits > 0 && i + 1 < to) mark = true;
      else return false;
    }
    if (digits === 0 || digits > plan.slotMax[s]! || digits < plan.slotMin[s]!) return false;
  } else {
    if (length > plan.slotMax[s]! || length < plan.slotMin[s]!) return false;
    if (kind === VALUE_ALPHA)
      for (let i = from; i < to; i++) if (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) return false;
  }
  const codes = plan.slotCodes[s];
  if (codes === undefined) return true;
  if (length > 3) return false;
  let key = length << 24;
  for (let i = 0; i < length; i++) key |= bytes[from + i]! << (8 * i);
  return codes.has(key);
}

/**
 * True when `checkSegmentValues` would find nothing in the segment the view holds, proved on its bytes
 * (the reader's hot path: one call per segment, nothing decoded, nothing allocated). False means "not
 * proved": the caller reads the values and runs `checkSegmentValues`, which finds and explains. Not
 * proved on bytes: a segment with a byte >= 0x80 (decoded by character set, lengths in characters), a
 * repeated element, more elements or components than defined, a simple element with components, a
 * mandatory component left empty in a sent composite, and every value with a finding.
 */
export function segmentViewIsClean(def: EdifactSegmentDef, view: EdifactSegmentView): boolean {
  if (view.high) return false;
  const plan = planOf(def);
  const count = view.eCount;
  // Elements past `count` are not sent: clean only when none of them is mandatory.
  if (count > plan.defined || count < plan.lastMandatory) return false;
  const bytes = view.bytes;
  const bPos = view.bPos;
  const bType = view.bType;
  const eIdx = view.eIdx;
  const bCount = view.bCount;
  const end = view.end;
  const slotMandatory = plan.slotMandatory;
  for (let e = 1; e <= count; e++) {
    // Element e is values first..last (value k lies between separators k - 1 and k); the separators
    // inside it are first..last - 1, one byte each in `bytes`, so it is all empty when it holds only them.
    const first = eIdx[e - 1]! + 1;
    const last = e === count ? bCount : eIdx[e]!;
    const from = bPos[first - 1]! + 1;
    const to = last === bCount ? end : bPos[last]!;
    const inner = last - first;
    for (let k = first; k < last; k++) if (bType[k] === B_REPETITION) return false;
    if (to - from === inner) {
      // Sent but all empty: as not sent (`allEmpty`).
      if (plan.mandatory[e] === 1) return false;
      continue;
    }
    const defComponents = plan.components[e]!;
    const slot = plan.firstSlot[e]!;
    if (defComponents === 0) {
      if (inner > 0 || !valueIsClean(plan, slot, bytes, from, to)) return false;
      continue;
    }
    if (inner >= defComponents) return false;
    let valueFrom = from;
    for (let j = 0; j <= inner; j++) {
      const valueTo = j === inner ? to : bPos[first + j]!;
      if (valueTo === valueFrom) {
        if (slotMandatory[slot + j] === 1) return false;
      } else if (!valueIsClean(plan, slot + j, bytes, valueFrom, valueTo)) return false;
      valueFrom = valueTo + 1;
    }
    // Components not sent are empty.
    for (let j = inner + 1; j < defComponents; j++) if (slotMandatory[slot + j] === 1) return false;
  }
  return true;
}
