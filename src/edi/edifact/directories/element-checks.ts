import { readEdifactNumber } from '../numbers.js';
import type { EdifactIssueKind } from '../codes.js';
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
 * path (one call per segment; a clean segment allocates nothing).
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
