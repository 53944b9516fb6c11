import type { X12Segment } from '../segment.js';
import { ID_PAIR_START, type X12Selector, type X12SegmentStep } from './selector.js';
import {
  conditionsHold,
  firstLoopValue,
  firstValue,
  loopValuesInto,
  type SegmentSelector,
} from './selector-eval.js';
import type { X12Scope } from './set-index.js';

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
export type SegmentRead = (segment: X12Segment, separator: string) => string | undefined;
/** Every value a selector takes from one segment, appended to `out`; the id already matched. */
export type SegmentPush = (segment: X12Segment, separator: string, out: string[]) => void;

/**
 * Whether a selector reads only segments of its own scope, found by a known id code: no loop steps, no
 * `^` or `../`, an id of two or three characters. Such selectors can be served by one scan of a scope
 * for all the rules of an item (`ScopeScan`).
 */
export function readsOwnScope(selector: X12Selector): selector is SegmentSelector {
  return (
    selector.kind === 'segment' &&
    !selector.root &&
    !selector.up &&
    selector.loops.length === 0 &&
    selector.segment.idCode >= 0
  );
}

/** What `firstOf` reads of each candidate segment of a `readsOwnScope` selector. */
export function firstRead(selector: SegmentSelector): SegmentRead {
  return segmentRead(selector);
}

/** What `allOf` takes of each candidate segment of a `readsOwnScope` selector. */
export function allRead(selector: SegmentSelector): SegmentPush {
  const element = selector.element;
  return typeof element === 'number'
    ? segmentPush(segmentRead(selector))
    : idPairsPush(selector, element.qualifiers);
}

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
  // Id pairs give every matching pair of a segment; an element gives one value per segment.
  const push = allRead(selector);
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
