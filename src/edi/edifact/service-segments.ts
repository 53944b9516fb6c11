import type { EdifactEnvelopeIssueKind } from './codes.js';
import type { EdifactSegmentView } from './segment.js';

/** One simple data element of a service segment, as ISO 9735 defines it (position, type, length). */
interface FieldSpec {
  /** Element position after the tag (1-based) and component position (1-based; 1 for a simple element). */
  readonly e: number;
  readonly c: number;
  /** Data element number, e.g. `0004`. */
  readonly ref: string;
  readonly type: 'a' | 'n' | 'an';
  readonly min: number;
  readonly max: number;
  readonly mandatory: boolean;
}

export interface ServiceSegmentSpec {
  readonly tag: string;
  /** Components each element may have (its length is the element count). */
  readonly components: readonly number[];
  readonly fields: readonly FieldSpec[];
}

const f = (
  e: number,
  c: number,
  ref: string,
  type: FieldSpec['type'],
  min: number,
  max: number,
  mandatory = false,
): FieldSpec => ({
  e,
  c,
  ref,
  type,
  min,
  max,
  mandatory,
});

/**
 * UNB (ISO 9735-1:2002 §9 for syntax 4, ISO 9735:1988 + amendment for 1–3). Syntax 4 dates are CCYYMMDD
 * (n8), earlier ones YYMMDD (n6). S001 0080/0133 and S002/S003 0046/0042… (syntax 4 additions) allowed.
 */
export function unbSpec(version: number): ServiceSegmentSpec {
  return version >= 4 ? UNB_4 : UNB_3;
}

function makeUnbSpec(version: number): ServiceSegmentSpec {
  const v4 = version >= 4;
  return {
    tag: 'UNB',
    components: [v4 ? 4 : 2, v4 ? 4 : 3, v4 ? 4 : 3, 2, 1, 3, 1, 1, 1, 1, 1],
    fields: [
      f(1, 1, '0001', 'a', 4, 4, true),
      f(1, 2, '0002', 'n', 1, 1, true),
      f(2, 1, '0004', 'an', 1, 35, true),
      f(2, 2, '0007', 'an', 1, 4),
      f(2, 3, '0008', 'an', 1, v4 ? 35 : 14),
      f(3, 1, '0010', 'an', 1, 35, true),
      f(3, 2, '0007', 'an', 1, 4),
      f(3, 3, '0014', 'an', 1, v4 ? 35 : 14),
      f(4, 1, '0017', 'n', 6, v4 ? 8 : 6, true),
      f(4, 2, '0019', 'n', 4, 4, true),
      f(5, 1, '0020', 'an', 1, 14, true),
      f(6, 1, '0022', 'an', 1, 14),
      f(6, 2, '0025', 'an', 2, 2),
      f(7, 1, '0026', 'an', 1, 14),
      f(8, 1, '0029', 'a', 1, 1),
      f(9, 1, '0031', 'n', 1, 1),
      f(10, 1, '0032', 'an', 1, 35),
      f(11, 1, '0035', 'n', 1, 1),
    ],
  };
}

export const UNZ_SPEC: ServiceSegmentSpec = {
  tag: 'UNZ',
  components: [1, 1],
  fields: [f(1, 1, '0036', 'n', 1, 6, true), f(2, 1, '0020', 'an', 1, 14, true)],
};

/** UNG: in syntax 4 only 0048 is mandatory; in 1–3 every element but the password is. */
export function ungSpec(version: number): ServiceSegmentSpec {
  return version >= 4 ? UNG_4 : UNG_3;
}

function makeUngSpec(version: number): ServiceSegmentSpec {
  const m = version < 4;
  const v4 = !m;
  return {
    tag: 'UNG',
    components: [1, 2, 2, 2, 1, 1, 3, 1],
    fields: [
      f(1, 1, '0038', 'an', 1, 6, m),
      f(2, 1, '0040', 'an', 1, 35, m),
      f(2, 2, '0007', 'an', 1, 4),
      f(3, 1, '0044', 'an', 1, 35, m),
      f(3, 2, '0007', 'an', 1, 4),
      f(4, 1, '0017', 'n', 6, v4 ? 8 : 6, m),
      f(4, 2, '0019', 'n', 4, 4, m),
      f(5, 1, '0048', 'an', 1, 14, true),
      f(6, 1, '0051', 'an', 1, 3, m),
      f(7, 1, '0052', 'an', 1, 3, m),
      f(7, 2, '0054', 'an', 1, 3, m),
      f(7, 3, '0057', 'an', 1, 6),
      f(8, 1, '0058', 'an', 1, 14),
    ],
  };
}

export const UNE_SPEC: ServiceSegmentSpec = {
  tag: 'UNE',
  components: [1, 1],
  fields: [f(1, 1, '0060', 'n', 1, 6, true), f(2, 1, '0048', 'an', 1, 14, true)],
};

/** UNH: syntax 4 adds S016–S018 (elements 5–7); the association code 0057 is an..6. */
export const UNH_SPEC: ServiceSegmentSpec = {
  tag: 'UNH',
  components: [1, 7, 1, 2, 4, 4, 4],
  fields: [
    f(1, 1, '0062', 'an', 1, 14, true),
    f(2, 1, '0065', 'an', 1, 6, true),
    f(2, 2, '0052', 'an', 1, 3, true),
    f(2, 3, '0054', 'an', 1, 3, true),
    f(2, 4, '0051', 'an', 1, 3, true),
    f(2, 5, '0057', 'an', 1, 6),
    f(3, 1, '0068', 'an', 1, 35),
    f(4, 1, '0070', 'n', 1, 2),
    f(4, 2, '0073', 'a', 1, 1),
  ],
};

export function untSpec(version: number): ServiceSegmentSpec {
  return version >= 4 ? UNT_4 : UNT_3;
}

function makeUntSpec(version: number): ServiceSegmentSpec {
  return {
    tag: 'UNT',
    components: [1, 1],
    fields: [f(1, 1, '0074', 'n', 1, version >= 4 ? 10 : 6, true), f(2, 1, '0062', 'an', 1, 14, true)],
  };
}

// Built once: the checks run for every UNH/UNT of a large interchange.
const UNB_3 = makeUnbSpec(3);
const UNB_4 = makeUnbSpec(4);
const UNG_3 = makeUngSpec(3);
const UNG_4 = makeUngSpec(4);
const UNT_3 = makeUntSpec(3);
const UNT_4 = makeUntSpec(4);

export type FieldReport = (
  kind: EdifactEnvelopeIssueKind,
  message: string,
  where: {
    elementPosition: number;
    componentPosition?: number;
    elementReference?: string;
    badValue?: string;
    /** Default error. */
    severity?: 'error' | 'warning';
  },
) => void;

/** What `checkServiceSegment` returns when every field is fine (the common case): nothing allocated. */
const NONE_BAD: ReadonlySet<number> = new Set<number>();

/**
 * Checks a service segment against its spec: constituents, mandatory fields, type and length. Returns
 * the element positions found in error, so that callers skip value checks on fields already reported.
 * Runs for every UNH and UNT: nothing is allocated for a field that passes.
 */
export function checkServiceSegment(
  view: EdifactSegmentView,
  spec: ServiceSegmentSpec,
  report: FieldReport,
): ReadonlySet<number> {
  let bad: Set<number> | undefined;
  const elements = spec.components.length;
  if (view.elementCount > elements) {
    report(
      'too-many-constituents',
      `${spec.tag} has ${view.elementCount} data elements, at most ${elements}`,
      {
        elementPosition: elements + 1,
      },
    );
  }
  for (let e = 1; e <= Math.min(view.elementCount, elements); e++) {
    const count = view.componentCount(e);
    if (count > spec.components[e - 1]!) {
      (bad ??= new Set()).add(e * 100);
      report('too-many-constituents', `${spec.tag} element ${e} has ${count} components`, {
        elementPosition: e,
        componentPosition: spec.components[e - 1]! + 1,
      });
    }
  }
  for (const field of spec.fields) {
    const value = view.value(field.e, field.c);
    const problem = fieldProblem(field, value);
    if (problem === undefined) continue;
    (bad ??= new Set()).add(field.e * 100 + field.c);
    const where = {
      elementPosition: field.e,
      ...(spec.components[field.e - 1]! > 1 ? { componentPosition: field.c } : {}),
      elementReference: field.ref,
    };
    const name = `${spec.tag} ${field.ref}`;
    if (problem === 'element-missing') {
      report(problem, `${name} is missing`, where);
      continue;
    }
    const clipped = clip(value);
    const what =
      problem === 'element-too-long'
        ? `is longer than ${field.max}`
        : problem === 'element-too-short'
          ? `is shorter than ${field.min}`
          : `is not ${field.type === 'n' ? 'numeric' : 'alphabetic'}`;
    report(problem, `${name} "${clipped}" ${what}`, { ...where, badValue: clipped });
  }
  return bad ?? NONE_BAD;
}

/** The first rule a field's value breaks (an absent optional field breaks none). */
function fieldProblem(
  field: FieldSpec,
  value: string,
): 'element-missing' | 'element-too-long' | 'element-too-short' | 'element-invalid-type' | undefined {
  if (value === '') return field.mandatory ? 'element-missing' : undefined;
  if (value.length > field.max) return 'element-too-long';
  if (value.length < field.min) return 'element-too-short';
  if (field.type === 'n' ? !allDigits(value) : field.type === 'a' && anyDigit(value)) {
    return 'element-invalid-type';
  }
  return undefined;
}

/** ASCII digits only (what `/^\d+$/` accepts), for a non-empty value. */
function allDigits(value: string): boolean {
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function anyDigit(value: string): boolean {
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

/** Keeps garbage values printable and short in messages. */
export function clip(value: string): string {
  return value.length > 35 ? `${value.slice(0, 35)}…` : value;
}
