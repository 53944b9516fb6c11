import { segmentIdCode } from '../segment.js';

/**
 * Selectors: where a map finds a value in a parsed set. The notation, parsed once at load:
 *
 * - `BEG.03` element 3 of the first BEG in scope; `CTP.05.1` component 1 of a composite;
 * - `N1[01=ST].04` a segment whose element 1 is ST (`[01=ST|BT]` either, `[01=PO,03=X]` both);
 * - `N1[01=ST]/N4.02` element 2 of the N4 inside the N1 loop iteration whose N1 has N101 = ST;
 * - `PO1.id(BP)` the product id after qualifier BP in the id pairs (PO106/07, PO108/09, …; also
 *   PER.id(EM) for a contact's e-mail);
 *   `PO1.id(*)` the first product id whatever its qualifier;
 * - `$ISA13`, `$GS04`, `$ST02` … envelope values of the set's interchange, group and header;
 * - `^CUR[01=BY].02` the header's CUR, from inside a collection (a line's currency).
 */
export interface X12Condition {
  readonly position: number;
  /** `[01.1=ON]`: a component of a composite element (EDIFACT `RFF[01.1=ON].01.2`). */
  readonly component?: number | undefined;
  readonly values: readonly string[];
}

export interface X12SegmentStep {
  readonly segmentId: string;
  /** `segmentIdCode(segmentId)`. */
  readonly idCode: number;
  readonly conditions: readonly X12Condition[];
}

export type X12Selector =
  | {
      readonly kind: 'segment';
      readonly text: string;
      /** `^…`: evaluated in the header (set body) scope, from inside a collection. */
      readonly root: boolean;
      /** `../…`: evaluated in the parent HL level's scope (a pack's pallet). */
      readonly up: boolean;
      /** Loop iterations to enter first (by trigger segment, with conditions on the trigger). */
      readonly loops: readonly X12SegmentStep[];
      readonly segment: X12SegmentStep;
      /** Element position, or `id` for a product id pair lookup. */
      readonly element: number | { readonly qualifiers: readonly string[] };
      readonly component: number | undefined;
    }
  | { readonly kind: 'envelope'; readonly text: string; readonly name: string };

export const ENVELOPE_VALUES = [
  'ISA06',
  'ISA08',
  'ISA09',
  'ISA10',
  'ISA13',
  'GS02',
  'GS03',
  'GS04',
  'GS05',
  'GS06',
  'GS08',
  'ST01',
  'ST02',
  // EDIFACT: UNB S002 sender, S003 recipient, S004 date and time, 0020; UNG 0048; UNH 0062 and S009.
  'UNB0004',
  'UNB0010',
  'UNB0017',
  'UNB0019',
  'UNB0020',
  'UNG0048',
  'UNH0062',
  'UNH0065',
  'UNH0054',
] as const;

/** Where the id pairs of a line segment begin (X12 004010/005010 segment directory). */
export const ID_PAIR_START: Readonly<Record<string, number>> = {
  PO1: 6,
  ACK: 7,
  POC: 8,
  LIN: 2,
  SLN: 9,
  // PER03/04, 05/06, 07/08: communication number qualifier and number (EM, TE, FX).
  PER: 3,
};

const STEP = /^([A-Z][A-Z0-9]{1,2})(?:\[([^\]]+)\])?$/;

export class X12SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X12SelectorError';
  }
}

function parseStep(text: string, whole: string): X12SegmentStep {
  const m = STEP.exec(text);
  if (!m) throw new X12SelectorError(`selector "${whole}": "${text}" is not SEG or SEG[01=VALUE]`);
  const conditions: X12Condition[] = [];
  for (const part of m[2] ? m[2].split(',') : []) {
    const c = /^([0-9]{1,2})(?:\.([0-9]{1,2}))?=(.+)$/.exec(part.trim());
    if (!c)
      throw new X12SelectorError(`selector "${whole}": condition "${part}" is not NN=VALUE or NN.C=VALUE`);
    conditions.push({
      position: Number(c[1]),
      component: c[2] === undefined ? undefined : Number(c[2]),
      values: c[3]!.split('|'),
    });
  }
  return { segmentId: m[1]!, idCode: segmentIdCode(m[1]!), conditions };
}

export function parseSelector(text: string): X12Selector {
  const trimmed = text.trim();
  if (trimmed.startsWith('$')) {
    const name = trimmed.slice(1);
    if (!(ENVELOPE_VALUES as readonly string[]).includes(name))
      throw new X12SelectorError(
        `selector "${text}": unknown envelope value; known: ${ENVELOPE_VALUES.map((v) => `$${v}`).join(', ')}`,
      );
    return { kind: 'envelope', text, name };
  }
  const root = trimmed.startsWith('^');
  const up = trimmed.startsWith('../');
  const parts = (root ? trimmed.slice(1) : up ? trimmed.slice(3) : trimmed).split('/');
  const last = parts.pop()!;
  const loops = parts.map((p) => parseStep(p, text));
  const idMatch = /^(.+)\.id\(([^)]+)\)$/.exec(last);
  if (idMatch) {
    const segment = parseStep(idMatch[1]!, text);
    if (ID_PAIR_START[segment.segmentId] === undefined)
      throw new X12SelectorError(
        `selector "${text}": ${segment.segmentId} has no product id pairs (${Object.keys(ID_PAIR_START).join(', ')} do)`,
      );
    return {
      kind: 'segment',
      text,
      root,
      up,
      loops,
      segment,
      element: { qualifiers: idMatch[2]!.split('|') },
      component: undefined,
    };
  }
  // The step may hold component conditions with dots (`DTM[01.1=137]`).
  const m = /^((?:[^.[]|\[[^\]]*\])+)\.([0-9]{1,2})(?:\.([0-9]{1,2}))?$/.exec(last);
  if (!m) throw new X12SelectorError(`selector "${text}": expected SEG.NN, SEG.NN.C or SEG.id(QUALIFIER)`);
  const element = Number(m[2]);
  if (element < 1) throw new X12SelectorError(`selector "${text}": element positions start at 1`);
  return {
    kind: 'segment',
    text,
    root,
    up,
    loops,
    segment: parseStep(m[1]!, text),
    element,
    component: m[3] === undefined ? undefined : Number(m[3]),
  };
}

/** Segment ids a selector names (to check them against the grammar at load). */
export function selectorSegmentIds(selector: X12Selector): string[] {
  return selector.kind === 'segment'
    ? [...selector.loops.map((l) => l.segmentId), selector.segment.segmentId]
    : [];
}
