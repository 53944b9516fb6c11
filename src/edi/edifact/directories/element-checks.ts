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

/** UNOA-level letters for `a` (alphabetic) values: no digits (ISO 9735 §10, UNTDID "a"). */
const DIGIT = /[0-9]/;

function checkValue(
  value: string,
  format: EdifactElementFormat,
  decimalMark: string,
): Pick<EdifactElementFinding, 'kind' | 'message'> | undefined {
  if (format.type === 'n') {
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
    // The sign and the decimal sign do not count towards the length (ISO 9735-1 §11.3).
    if (n.digits > format.max) return { kind: 'element-too-long', message: `more than ${format.max} digits` };
    if (n.digits < format.min)
      return { kind: 'element-too-short', message: `fewer than ${format.min} digits` };
  } else {
    const length = [...value].length;
    if (length > format.max) return { kind: 'element-too-long', message: `longer than ${format.max}` };
    if (length < format.min) return { kind: 'element-too-short', message: `shorter than ${format.min}` };
    if (format.type === 'a' && DIGIT.test(value))
      return { kind: 'element-invalid-type', message: 'digits in an alphabetic element' };
  }
  if (format.codes && !format.codes.has(value))
    return { kind: 'element-invalid-value', message: `not a code of list ${format.ref}` };
  return undefined;
}

/** Whether every component of an element is empty (an element that is present but says nothing). */
function allEmpty(values: readonly string[]): boolean {
  for (let k = 0; k < values.length; k++) if (values[k] !== '') return false;
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
  const finding = (
    kind: EdifactIssueKind,
    c: EdifactConstituent,
    e: number,
    k: number | undefined,
    message: string,
    badValue?: string,
  ) =>
    out.push({
      kind,
      elementPosition: e,
      componentPosition: k,
      elementReference: c.ref,
      message: `${def.tag} ${c.ref}${k === undefined ? '' : ` component ${k}`}: ${message}`,
      ...(badValue === undefined ? {} : { badValue: badValue.slice(0, 70) }),
    });
  const count = elements.length - 1;
  if (count > def.elements.length) {
    const extra = def.elements.length + 1;
    out.push({
      kind: 'too-many-constituents',
      elementPosition: extra,
      componentPosition: undefined,
      elementReference: '',
      message: `${def.tag}: ${count} data elements, the directory defines ${def.elements.length}`,
    });
  }
  // Indexed loops, no entry arrays or callbacks: this runs for every segment of every message.
  for (let i = 0; i < def.elements.length; i++) {
    const c = def.elements[i]!;
    const e = i + 1;
    const repetitions = elements[e] ?? [];
    const components = repetitions[0] ?? [];
    const empty = allEmpty(components);
    if (repetitions.length > 1) finding('too-many-constituents', c, e, undefined, 'repeated');
    if (empty) {
      if (c.mandatory) finding('element-missing', c, e, undefined, 'mandatory, empty');
      continue;
    }
    if (c.components === undefined) {
      if (components.length > 1) {
        finding('too-many-constituents', c, e, 2, 'a simple element with components');
        continue;
      }
      const problem = c.format && checkValue(components[0]!, c.format, decimalMark);
      if (problem) finding(problem.kind, c, e, undefined, problem.message, components[0]);
      continue;
    }
    if (components.length > c.components.length)
      finding(
        'too-many-constituents',
        c,
        e,
        c.components.length + 1,
        `more than ${c.components.length} components`,
      );
    for (let j = 0; j < c.components.length; j++) {
      const comp = c.components[j]!;
      const value = components[j] ?? '';
      if (value === '') {
        if (comp.mandatory) finding('element-missing', comp, e, j + 1, 'mandatory component, empty');
        continue;
      }
      const problem = comp.format && checkValue(value, comp.format, decimalMark);
      if (problem) finding(problem.kind, comp, e, j + 1, problem.message, value);
    }
  }
  return out;
}
