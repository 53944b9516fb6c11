import type { X12LoopInstance, X12ParsedSegment } from '../grammar/parsed-set.js';

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
  return { segmentId: m[1]!, conditions };
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

/** What a selector is evaluated in: a loop iteration (or several, for a header with its S level). */
export interface X12Scope {
  readonly instances: readonly X12LoopInstance[];
  /** Loop ids that belong to collections: their content is not part of this scope. */
  readonly exclude: ReadonlySet<string>;
  readonly envelope: Readonly<Record<string, string>>;
  readonly component: string;
  /** The header scope, for `^` selectors. */
  readonly root?: X12Scope | undefined;
  /** The parent HL level's scope, for `../` selectors. */
  readonly parent?: X12Scope | undefined;
  /**
   * @internal The scope's segments, indexed on the first selector evaluated in it (a map evaluates
   * dozens per scope). Set once; scopes are otherwise immutable, so it never goes stale.
   */
  segmentIndex?: ScopeIndex | undefined;
}

function matches(segment: X12ParsedSegment, step: X12SegmentStep, separator: string): boolean {
  if (segment.segment.id !== step.segmentId) return false;
  for (const c of step.conditions) {
    const ok =
      c.component === undefined
        ? c.values.includes(segment.segment.elements[c.position] ?? '')
        : componentIsOneOf(segment.segment.elements[c.position] ?? '', c.component, separator, c.values);
    if (!ok) return false;
  }
  return true;
}

/**
 * `values.includes(component n of value)` without cutting the component out: a condition is tested
 * on every candidate segment of every selector, and the substrings were most of the garbage.
 */
function componentIsOneOf(
  value: string,
  component: number,
  separator: string,
  values: readonly string[],
): boolean {
  let start = 0;
  for (let k = 1; k < component; k++) {
    const at = value.indexOf(separator, start);
    if (at < 0) return values.includes('');
    start = at + separator.length;
  }
  let end = value.indexOf(separator, start);
  if (end < 0) end = value.length;
  const length = end - start;
  for (const v of values) if (v.length === length && value.startsWith(v, start)) return true;
  return false;
}

function loopName(loopId: string): string {
  const slash = loopId.lastIndexOf('/');
  return slash < 0 ? loopId : loopId.slice(slash + 1);
}

/**
 * Appends the segments of the scope to `out` in order, nested loops included unless excluded. An
 * array, not a generator, and recursion without a stack of its own: this runs for every scope of
 * every set, and the depth is the grammar's loop nesting (a handful), never the input's.
 */
function collectSegments(
  instances: readonly X12LoopInstance[],
  exclude: ReadonlySet<string>,
  out: X12ParsedSegment[],
): X12ParsedSegment[] {
  for (let i = 0; i < instances.length; i++) collectItems(instances[i]!.items, exclude, out);
  return out;
}

function collectItems(
  items: readonly (X12ParsedSegment | X12LoopInstance)[],
  exclude: ReadonlySet<string>,
  out: X12ParsedSegment[],
): void {
  for (let i = 0; i < items.length; i++) {
    const child = items[i]!;
    if (child.kind === 'segment') out.push(child);
    else if (!exclude.has(child.loopId)) collectItems(child.items, exclude, out);
  }
}

/** Loop iterations named by a step inside the scope (searched at any depth, collections excluded). */
function loopsOf(
  instances: readonly X12LoopInstance[],
  step: X12SegmentStep,
  exclude: ReadonlySet<string>,
  separator: string,
): X12LoopInstance[] {
  const out: X12LoopInstance[] = [];
  const stack: X12LoopInstance[] = [...instances].reverse();
  while (stack.length > 0) {
    const loop = stack.pop()!;
    for (let i = loop.items.length - 1; i >= 0; i--) {
      const child = loop.items[i]!;
      // A loop named by the step is entered even when it is a collection (`ACK/ACK.01` in a line).
      if (child.kind !== 'loop' || (exclude.has(child.loopId) && loopName(child.loopId) !== step.segmentId))
        continue;
      stack.push(child);
    }
    if (!instances.includes(loop) && loopName(loop.loopId) === step.segmentId) {
      const trigger = loop.items[0];
      if (trigger?.kind === 'segment' && matches(trigger, step, separator)) out.push(loop);
    }
  }
  return out;
}

function elementValue(
  segment: X12ParsedSegment,
  element: number,
  component: number | undefined,
  separator: string,
): string {
  const value = segment.segment.elements[element] ?? '';
  if (component === undefined) return value;
  // The n-th component without splitting the whole element (this runs for every segment in scope).
  let start = 0;
  for (let k = 1; k < component; k++) {
    const at = value.indexOf(separator, start);
    if (at < 0) return '';
    start = at + separator.length;
  }
  const end = value.indexOf(separator, start);
  return end < 0 ? value.slice(start) : value.slice(start, end);
}

/** Appends the product ids after the qualifiers (`*`: any) of a line segment's id pairs to `out`. */
function pushIdValues(segment: X12ParsedSegment, qualifiers: readonly string[], out: string[]): void {
  const el = segment.segment.elements;
  const any = qualifiers.includes('*');
  for (let k = ID_PAIR_START[segment.segment.id] ?? 1; k + 1 < el.length; k += 2) {
    const v = el[k + 1]!;
    if (v !== '' && (any || qualifiers.includes(el[k]!))) out.push(v);
  }
}

/** The first product id `pushIdValues` would find, without collecting the rest. */
function firstIdValue(segment: X12ParsedSegment, qualifiers: readonly string[]): string | undefined {
  const el = segment.segment.elements;
  const any = qualifiers.includes('*');
  for (let k = ID_PAIR_START[segment.segment.id] ?? 1; k + 1 < el.length; k += 2) {
    const v = el[k + 1]!;
    if (v !== '' && (any || qualifiers.includes(el[k]!))) return v;
  }
  return undefined;
}

/**
 * The scope's segments by id, in set order, built on the first selector evaluated in it. A map
 * evaluates dozens of selectors per scope (one per field and alternative); walking the scope's loop
 * tree once instead of once per selector was most of the interpreter's time on large 856s.
 */
/** @internal What `segmentsById` keeps on a scope. */
export interface ScopeIndex {
  readonly all: readonly X12ParsedSegment[];
  /** Only for larger scopes (a set's header): an HL level's few segments are cheaper to scan. */
  readonly byId: Map<string, X12ParsedSegment[]> | undefined;
}

const SMALL_SCOPE = 24;

/** The segments of the scope that may have this id, in set order (`matches` checks the id again). */
function segmentsById(scope: X12Scope, id: string): readonly X12ParsedSegment[] {
  let index = scope.segmentIndex;
  if (index === undefined) {
    const all = collectSegments(scope.instances, scope.exclude, []);
    let byId: Map<string, X12ParsedSegment[]> | undefined;
    if (all.length > SMALL_SCOPE) {
      byId = new Map();
      for (const seg of all) {
        const list = byId.get(seg.segment.id);
        if (list === undefined) byId.set(seg.segment.id, [seg]);
        else list.push(seg);
      }
    }
    index = { all, byId };
    scope.segmentIndex = index;
  }
  return index.byId === undefined ? index.all : (index.byId.get(id) ?? NONE);
}

const NONE: readonly X12ParsedSegment[] = [];

/** The segments a segment selector looks at: its scope (header, parent level) and loop steps applied. */
function candidates(
  selector: Extract<X12Selector, { kind: 'segment' }>,
  scope: X12Scope,
): readonly X12ParsedSegment[] | undefined {
  if (selector.root && scope.root) scope = scope.root;
  else if (selector.up) {
    if (!scope.parent) return undefined;
    scope = scope.parent;
  }
  if (selector.loops.length === 0) return segmentsById(scope, selector.segment.segmentId);
  let instances: readonly X12LoopInstance[] = scope.instances;
  for (const step of selector.loops) instances = loopsOf(instances, step, scope.exclude, scope.component);
  return collectSegments(instances, scope.exclude, []);
}

/** Every non-empty value the selector finds in the scope, in set order. */
export function selectAll(selector: X12Selector, scope: X12Scope): string[] {
  return selectInto(selector, scope, []);
}

/** `selectAll`, appending to `out` (a rule with several selectors collects into one array). */
export function selectInto(selector: X12Selector, scope: X12Scope, out: string[]): string[] {
  if (selector.kind === 'envelope') {
    const v = scope.envelope[selector.name] ?? '';
    if (v !== '') out.push(v);
    return out;
  }
  const segments = candidates(selector, scope);
  if (segments === undefined) return out;
  const step = selector.segment;
  const element = selector.element;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (!matches(seg, step, scope.component)) continue;
    if (typeof element === 'number') {
      const v = elementValue(seg, element, selector.component, scope.component);
      if (v !== '') out.push(v);
    } else {
      pushIdValues(seg, element.qualifiers, out);
    }
  }
  return out;
}

/** `selectAll(selector, scope)[0]` without collecting the rest. */
export function selectFirst(selector: X12Selector, scope: X12Scope): string | undefined {
  if (selector.kind === 'envelope') {
    const v = scope.envelope[selector.name] ?? '';
    return v === '' ? undefined : v;
  }
  const segments = candidates(selector, scope);
  if (segments === undefined) return undefined;
  const step = selector.segment;
  const element = selector.element;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (!matches(seg, step, scope.component)) continue;
    if (typeof element === 'number') {
      const v = elementValue(seg, element, selector.component, scope.component);
      if (v !== '') return v;
    } else {
      const id = firstIdValue(seg, element.qualifiers);
      if (id !== undefined) return id;
    }
  }
  return undefined;
}

/** Loop iterations of `loopId` directly or deeper inside the scope, not entering other collections. */
export function loopInstances(
  instances: readonly X12LoopInstance[],
  loopId: string,
  exclude: ReadonlySet<string>,
): X12LoopInstance[] {
  const out: X12LoopInstance[] = [];
  // Depth-first in set order with an explicit stack of loops and next indexes: no recursion.
  const loops: X12LoopInstance[] = [];
  const next: number[] = [];
  for (let i = instances.length - 1; i >= 0; i--) {
    loops.push(instances[i]!);
    next.push(0);
  }
  while (loops.length > 0) {
    const top = loops.length - 1;
    const child = loops[top]!.items[next[top]!++];
    if (child === undefined) {
      loops.pop();
      next.pop();
      continue;
    }
    if (child.kind !== 'loop') continue;
    if (child.loopId === loopId) out.push(child);
    else if (!exclude.has(child.loopId)) {
      loops.push(child);
      next.push(0);
    }
  }
  return out;
}
