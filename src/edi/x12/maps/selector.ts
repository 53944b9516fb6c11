import type { X12ParsedBody } from '../grammar/parsed-set.js';
import { segmentIdCode, type X12Segment } from '../segment.js';

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

/**
 * A parsed set seen through one set of collection loops (a map's: their content is not part of the
 * scopes around them). Every segment then belongs to one *home*: the innermost collection loop
 * iteration holding it, or the body. A scope is one home (a line, a pack, an HL level) or a few (an
 * 856 header: the body and its shipment level), and its segments are its homes' segments in order.
 * Filled per set (`reset`) into arrays kept from set to set, so that no scope copies or collects
 * segments and indexing a set allocates nothing once the arrays have grown to the sets' size.
 */
export class X12SetIndex {
  body: X12ParsedBody = EMPTY_BODY;
  exclude: ReadonlySet<string> = NO_LOOPS;
  segments: readonly X12Segment[] = [];
  /** The segments' id codes (`segmentIdCode`), the body's. */
  idCodes: readonly number[] = [];
  /*
   * The four arrays below are reused from set to set: entries past the current set's loops (or
   * segments) are stale, and nothing reads them.
   */
  /** Per loop iteration: its home (itself for a collection loop and for the body). */
  homeOf: number[] = [];
  /** Per home: where its segments' indexes lie in `slots` (`from` inclusive, `to` exclusive). */
  from: number[] = [];
  to: number[] = [];
  /** Indexes of the set's segments, grouped by home, in set order within each home. */
  slots: number[] = [];
  /** Per large home, its segment indexes by segment id, built when first asked. */
  private readonly byId: (Map<string, number[]> | undefined)[] = [];

  constructor(body?: X12ParsedBody, exclude?: ReadonlySet<string>) {
    if (body) this.reset(body, exclude ?? NO_LOOPS);
  }

  /** Indexes another set (its body seen through these collection loops). */
  reset(body: X12ParsedBody, exclude: ReadonlySet<string>): void {
    this.body = body;
    this.exclude = exclude;
    const { loops, loopOf, segments } = body;
    this.segments = segments;
    this.idCodes = body.idCodes;
    if (this.byId.length > 0) this.byId.length = 0;
    const { homeOf, from, to, slots } = this;
    // Loops come after their parent: one forward pass resolves every home.
    homeOf[0] = 0;
    for (let j = 1; j < loops.length; j++) {
      const loop = loops[j]!;
      homeOf[j] = exclude.has(loop.loopId) ? j : homeOf[loop.parent]!;
    }
    // A counting sort of the segments by home.
    for (let j = 0; j < loops.length; j++) to[j] = 0;
    for (let i = 0; i < loopOf.length; i++) to[homeOf[loopOf[i]!]!]!++;
    let next = 0;
    for (let j = 0; j < loops.length; j++) {
      from[j] = next;
      next += to[j]!;
      to[j] = from[j]!;
    }
    for (let i = 0; i < loopOf.length; i++) slots[to[homeOf[loopOf[i]!]!]!++] = i;
  }

  /** Lets go of the set (the index outlives it), and of working arrays a huge set grew. */
  release(): void {
    this.body = EMPTY_BODY;
    this.segments = EMPTY_BODY.segments;
    this.idCodes = EMPTY_BODY.idCodes;
    if (this.byId.length > 0) this.byId.length = 0;
    if (this.slots.length > KEPT_SIZE) this.slots = [];
    if (this.homeOf.length > KEPT_SIZE) {
      this.homeOf = [];
      this.from = [];
      this.to = [];
    }
  }

  /**
   * The segment indexes of a large home that have this id; undefined for a small home, whose few
   * segments are cheaper to scan (a map evaluates dozens of selectors per scope, and a set's header
   * can hold hundreds of segments).
   */
  idList(home: number, id: string): readonly number[] | undefined {
    if (this.to[home]! - this.from[home]! <= SMALL_SCOPE) return undefined;
    let byId = this.byId[home];
    if (byId === undefined) {
      byId = new Map();
      for (let k = this.from[home]!; k < this.to[home]!; k++) {
        const i = this.slots[k]!;
        const segmentId = this.segments[i]!.id;
        const list = byId.get(segmentId);
        if (list === undefined) byId.set(segmentId, [i]);
        else list.push(i);
      }
      this.byId[home] = byId;
    }
    return byId.get(id) ?? NONE;
  }
}

const SMALL_SCOPE = 24;
/** Working arrays larger than this after a set (a huge 856) are dropped rather than kept for the next. */
export const KEPT_SIZE = 1 << 16;
const NONE: readonly number[] = [];
const NO_LOOPS: ReadonlySet<string> = new Set();
const EMPTY_BODY: X12ParsedBody = { segments: [], idCodes: [], loopOf: [], loops: [] };

/** What a selector is evaluated in: one or more homes of a set index (see `X12SetIndex`). */
export interface X12Scope {
  readonly index: X12SetIndex;
  /** Homes (loop indexes) in order: one for a collection item, the body and its S level(s) for an 856 header. */
  readonly homes: readonly number[];
  readonly envelope: Readonly<Record<string, string>>;
  readonly component: string;
  /** The header scope, for `^` selectors. */
  readonly root?: X12Scope | undefined;
  /** The parent HL level's scope, for `../` selectors. */
  readonly parent?: X12Scope | undefined;
}

/** The scope of a whole set body (the header, collections excluded). */
export function bodyScope(
  body: X12ParsedBody,
  exclude: ReadonlySet<string>,
  envelope: Readonly<Record<string, string>>,
  component: string,
): X12Scope {
  return { index: new X12SetIndex(body, exclude), homes: [0], envelope, component };
}

function matches(segment: X12Segment, step: X12SegmentStep, separator: string): boolean {
  return segment.id === step.segmentId && conditionsHold(segment, step, separator);
}

/** The step's conditions on a segment whose id is already known to match. */
function conditionsHold(segment: X12Segment, step: X12SegmentStep, separator: string): boolean {
  if (step.conditions.length === 0) return true;
  separator = segment.componentMark ?? separator;
  for (const c of step.conditions) {
    const ok =
      c.component === undefined
        ? c.values.includes(segment.elements[c.position] ?? '')
        : componentIsOneOf(segment.elements[c.position] ?? '', c.component, separator, c.values);
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

/** Whether loop `j` lies in loop `outer` without an excluded loop between them (a step may name one). */
function reachable(index: X12SetIndex, j: number, outer: number, stepName: string): boolean {
  const loops = index.body.loops;
  for (let at = j; at !== outer; at = loops[at]!.parent) {
    if (at < 0) return false;
    const loopId = loops[at]!.loopId;
    // A loop named by the step is entered even when it is a collection (`ACK/ACK.01` in a line).
    if (index.exclude.has(loopId) && loopName(loopId) !== stepName) return false;
  }
  return true;
}

/**
 * Loop iterations named by a step inside the given iterations (at any depth, collections not entered
 * unless the step names them), in set order. Loop steps (`N1[01=ST]/N3.01`) are rare in maps: this
 * path may allocate.
 */
function loopsOf(
  index: X12SetIndex,
  outer: readonly number[],
  step: X12SegmentStep,
  separator: string,
): number[] {
  const loops = index.body.loops;
  const out: number[] = [];
  for (const o of outer) {
    const end = loops[o]!.end;
    // Loops are listed as they opened: those inside `o` follow it, until one starts past its end.
    for (let j = o + 1; j < loops.length && loops[j]!.start < end; j++) {
      const loop = loops[j]!;
      if (outer.includes(j) || loopName(loop.loopId) !== step.segmentId) continue;
      if (index.body.loopOf[loop.start] !== j || !reachable(index, j, o, step.segmentId)) continue;
      if (matches(index.segments[loop.start]!, step, separator)) out.push(j);
    }
  }
  return out;
}

/** The segment indexes of the given loop iterations, nested loops included unless excluded. */
function segmentsOfLoops(index: X12SetIndex, found: readonly number[]): number[] {
  const { loops, loopOf } = index.body;
  const out: number[] = [];
  for (const j of found) {
    for (let i = loops[j]!.start; i < loops[j]!.end; i++) {
      let at = loopOf[i]!;
      while (at !== j && !index.exclude.has(loops[at]!.loopId)) at = loops[at]!.parent;
      if (at === j) out.push(i);
    }
  }
  return out;
}

function elementValue(
  segment: X12Segment,
  element: number,
  component: number | undefined,
  separator: string,
): string {
  const value = segment.elements[element] ?? '';
  if (component === undefined) return value;
  separator = segment.componentMark ?? separator;
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
function pushIdValues(segment: X12Segment, qualifiers: readonly string[], out: string[]): void {
  const el = segment.elements;
  const any = qualifiers.includes('*');
  for (let k = ID_PAIR_START[segment.id] ?? 1; k + 1 < el.length; k += 2) {
    const v = el[k + 1]!;
    if (v !== '' && (any || qualifiers.includes(el[k]!))) out.push(v);
  }
}

/** The first product id `pushIdValues` would find, without collecting the rest. */
function firstIdValue(segment: X12Segment, qualifiers: readonly string[]): string | undefined {
  const el = segment.elements;
  const any = qualifiers.includes('*');
  for (let k = ID_PAIR_START[segment.id] ?? 1; k + 1 < el.length; k += 2) {
    const v = el[k + 1]!;
    if (v !== '' && (any || qualifiers.includes(el[k]!))) return v;
  }
  return undefined;
}

type SegmentSelector = Extract<X12Selector, { kind: 'segment' }>;

/** The first value a segment of the selector's id gives it, or undefined (conditions fail, or empty). */
function firstValue(selector: SegmentSelector, segment: X12Segment, separator: string): string | undefined {
  if (!conditionsHold(segment, selector.segment, separator)) return undefined;
  const element = selector.element;
  if (typeof element !== 'number') return firstIdValue(segment, element.qualifiers);
  const v = elementValue(segment, element, selector.component, separator);
  return v === '' ? undefined : v;
}

/** Appends every value a segment of the selector's id gives it. */
function pushValues(selector: SegmentSelector, segment: X12Segment, separator: string, out: string[]): void {
  if (!conditionsHold(segment, selector.segment, separator)) return;
  const element = selector.element;
  if (typeof element !== 'number') return pushIdValues(segment, element.qualifiers, out);
  const v = elementValue(segment, element, selector.component, separator);
  if (v !== '') out.push(v);
}

/** The scope a segment selector reads: its own, the header's (`^`) or the parent level's (`../`). */
function scopeFor(selector: SegmentSelector, scope: X12Scope): X12Scope | undefined {
  if (selector.root && scope.root) return scope.root;
  if (selector.up) return scope.parent;
  return scope;
}

/** Segment indexes through a selector's loop steps (`N1[01=ST]/N4.02`). */
function throughLoops(selector: SegmentSelector, scope: X12Scope): number[] {
  let loops: readonly number[] = scope.homes;
  for (const step of selector.loops) loops = loopsOf(scope.index, loops, step, scope.component);
  return segmentsOfLoops(scope.index, loops);
}

/** Every non-empty value the selector finds in the scope, in set order. */
export function selectAll(selector: X12Selector, scope: X12Scope): string[] {
  return selectInto(selector, scope, []);
}

/** `selectAll`, appending to `out` (a rule with several selectors collects into one array). */
export function selectInto(selector: X12Selector, scope: X12Scope, out: string[]): string[] {
  allOf(selector)(scope, out);
  return out;
}

/** `selectAll(selector, scope)[0]` without collecting the rest. */
export function selectFirst(selector: X12Selector, scope: X12Scope): string | undefined {
  return firstOf(selector)(scope);
}

/** The values found through a selector's loop steps, appended in set order. */
function loopValuesInto(selector: SegmentSelector, scope: X12Scope, out: string[]): void {
  const target = scopeFor(selector, scope);
  if (target === undefined) return;
  const segments = target.index.segments;
  const id = selector.segment.segmentId;
  for (const i of throughLoops(selector, target))
    if (segments[i]!.id === id) pushValues(selector, segments[i]!, target.component, out);
}

/** The first value found through a selector's loop steps. */
function firstLoopValue(selector: SegmentSelector, scope: X12Scope): string | undefined {
  const target = scopeFor(selector, scope);
  if (target === undefined) return undefined;
  const segments = target.index.segments;
  const id = selector.segment.segmentId;
  for (const i of throughLoops(selector, target)) {
    const v = segments[i]!.id === id ? firstValue(selector, segments[i]!, target.component) : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * A selector made into a function once (cached per selector object): what kind of selector it is
 * (scope, loops, element or id pairs, conditions, components) is decided once, not for every segment
 * of every line (a map evaluates a dozen selectors per line of every set). Selectors with loop steps
 * keep the general path.
 */
export type X12FirstOf = (scope: X12Scope) => string | undefined;
export type X12AllOf = (scope: X12Scope, out: string[]) => void;

const firstCache = new WeakMap<X12Selector, X12FirstOf>();
const allCache = new WeakMap<X12Selector, X12AllOf>();

/** `(scope) => selectFirst(selector, scope)`, compiled. */
export function firstOf(selector: X12Selector): X12FirstOf {
  return compiledOnce(firstCache, selector, compileFirst);
}

/** `(scope, out) => selectInto(selector, scope, out)`, compiled. */
export function allOf(selector: X12Selector): X12AllOf {
  return compiledOnce(allCache, selector, compileAll);
}

/** What `compile` makes of a map's part (a selector, a rule, a path), made once per part. */
export function compiledOnce<K extends object, V>(cache: WeakMap<K, V>, key: K, compile: (key: K) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = compile(key);
    cache.set(key, value);
  }
  return value;
}

/** One segment's value for a selector (undefined: conditions fail, or empty); the id already matched. */
type SegmentRead = (segment: X12Segment, separator: string) => string | undefined;

function segmentRead(selector: SegmentSelector): SegmentRead {
  const step = selector.segment;
  const element = selector.element;
  const holds = conditionOf(step);
  if (typeof element !== 'number') {
    // The pairs start where the segment directory says: known from the selector's segment id.
    const pairs = idPairsOf(ID_PAIR_START[step.segmentId] ?? 1, element.qualifiers);
    if (holds !== undefined)
      return (segment, separator) => (holds(segment, separator) ? pairs(segment.elements) : undefined);
    return (segment) => pairs(segment.elements);
  }
  if (selector.component !== undefined)
    return (segment, separator) => firstValue(selector, segment, separator);
  if (holds !== undefined)
    return (segment, separator) => {
      if (!holds(segment, separator)) return undefined;
      const v = segment.elements[element];
      return v === undefined || v === '' ? undefined : v;
    };
  return (segment) => {
    const v = segment.elements[element];
    return v === undefined || v === '' ? undefined : v;
  };
}

/**
 * `conditionsHold` for one step, compiled: undefined without conditions, a plain comparison for the
 * common `[01=XX]`, the general test otherwise.
 */
function conditionOf(
  step: X12SegmentStep,
): ((segment: X12Segment, separator: string) => boolean) | undefined {
  const conditions = step.conditions;
  if (conditions.length === 0) return undefined;
  const only = conditions[0]!;
  if (conditions.length === 1 && only.component === undefined && only.values.length === 1) {
    const { position } = only;
    const value = only.values[0]!;
    return (segment) => (segment.elements[position] ?? '') === value;
  }
  return (segment, separator) => conditionsHold(segment, step, separator);
}

/** The first non-empty id after one of the qualifiers (`*`: any), compiled for the usual one qualifier. */
function idPairsOf(
  start: number,
  qualifiers: readonly string[],
): (el: readonly string[]) => string | undefined {
  if (qualifiers.includes('*')) return (el) => idValueAt(el, start, qualifiers, true);
  if (qualifiers.length !== 1) return (el) => idValueAt(el, start, qualifiers, false);
  const qualifier = qualifiers[0]!;
  return (el) => {
    for (let k = start; k + 1 < el.length; k += 2) {
      const v = el[k + 1]!;
      if (v !== '' && el[k] === qualifier) return v;
    }
    return undefined;
  };
}

/** `firstIdValue` with the pairs' start known. */
function idValueAt(
  el: readonly string[],
  start: number,
  qualifiers: readonly string[],
  any: boolean,
): string | undefined {
  for (let k = start; k + 1 < el.length; k += 2) {
    const v = el[k + 1]!;
    if (v !== '' && (any || qualifiers.includes(el[k]!))) return v;
  }
  return undefined;
}

/** `scopeFor` decided at compile time. */
function targetOf(selector: SegmentSelector): (scope: X12Scope) => X12Scope | undefined {
  // `^` and `../` exclude each other (parseSelector).
  if (selector.root) return (scope) => scope.root ?? scope;
  if (selector.up) return (scope) => scope.parent;
  return (scope) => scope;
}

function compileFirst(selector: X12Selector): X12FirstOf {
  if (selector.kind === 'envelope') {
    const name = selector.name;
    return (scope) => {
      const v = scope.envelope[name] ?? '';
      return v === '' ? undefined : v;
    };
  }
  // Loop steps (`N1[01=ST]/N4.02`) are rare in maps: they keep the general path.
  if (selector.loops.length > 0) return (scope) => firstLoopValue(selector, scope);
  const read = segmentRead(selector);
  const target = targetOf(selector);
  const id = selector.segment.segmentId;
  const code = selector.segment.idCode;
  return (scope) => {
    const t = target(scope);
    return t === undefined ? undefined : scanFirst(t, id, code, read);
  };
}

function compileAll(selector: X12Selector): X12AllOf {
  if (selector.kind === 'envelope') {
    const name = selector.name;
    return (scope, out) => {
      const v = scope.envelope[name] ?? '';
      if (v !== '') out.push(v);
    };
  }
  if (selector.loops.length > 0) return (scope, out) => loopValuesInto(selector, scope, out);
  const target = targetOf(selector);
  const id = selector.segment.segmentId;
  const code = selector.segment.idCode;
  const element = selector.element;
  // Id pairs give every matching pair of a segment; an element gives one value per segment.
  const push: (segment: X12Segment, separator: string, out: string[]) => void =
    typeof element === 'number'
      ? segmentPush(segmentRead(selector))
      : idPairsPush(selector, element.qualifiers);
  return (scope, out) => {
    const t = target(scope);
    if (t !== undefined) scanAll(t, id, code, push, out);
  };
}

/** `pushValues` for id pairs, with the pairs' start known from the selector's segment id. */
function idPairsPush(
  selector: SegmentSelector,
  qualifiers: readonly string[],
): (segment: X12Segment, separator: string, out: string[]) => void {
  const step = selector.segment;
  const start = ID_PAIR_START[step.segmentId] ?? 1;
  const any = qualifiers.includes('*');
  const holds = conditionOf(step);
  const single = !any && qualifiers.length === 1 ? qualifiers[0]! : undefined;
  return (segment, separator, out) => {
    if (holds !== undefined && !holds(segment, separator)) return;
    const el = segment.elements;
    for (let k = start; k + 1 < el.length; k += 2) {
      const v = el[k + 1]!;
      if (v === '') continue;
      if (single !== undefined ? el[k] === single : any || qualifiers.includes(el[k]!)) out.push(v);
    }
  };
}

function segmentPush(read: SegmentRead): (segment: X12Segment, separator: string, out: string[]) => void {
  return (segment, separator, out) => {
    const v = read(segment, separator);
    if (v !== undefined) out.push(v);
  };
}

/** The first value `read` gives, over the scope's segments of this id in scope order. */
function scanFirst(scope: X12Scope, id: string, code: number, read: SegmentRead): string | undefined {
  const { index, component, homes } = scope;
  const { segments, idCodes, slots, from, to } = index;
  for (let h = 0; h < homes.length; h++) {
    const home = homes[h]!;
    const list = index.idList(home, id);
    if (list !== undefined) {
      for (let k = 0; k < list.length; k++) {
        const v = read(segments[list[k]!]!, component);
        if (v !== undefined) return v;
      }
      continue;
    }
    for (let k = from[home]!, end = to[home]!; k < end; k++) {
      const i = slots[k]!;
      if (code >= 0 ? idCodes[i] !== code : segments[i]!.id !== id) continue;
      const v = read(segments[i]!, component);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

function scanAll(
  scope: X12Scope,
  id: string,
  code: number,
  push: (segment: X12Segment, separator: string, out: string[]) => void,
  out: string[],
): void {
  const { index, component, homes } = scope;
  const { segments, idCodes, slots, from, to } = index;
  for (let h = 0; h < homes.length; h++) {
    const home = homes[h]!;
    const list = index.idList(home, id);
    if (list !== undefined) {
      for (let k = 0; k < list.length; k++) push(segments[list[k]!]!, component, out);
      continue;
    }
    for (let k = from[home]!, end = to[home]!; k < end; k++) {
      const i = slots[k]!;
      if (code >= 0 ? idCodes[i] === code : segments[i]!.id === id) push(segments[i]!, component, out);
    }
  }
}
