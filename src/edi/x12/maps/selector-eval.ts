import type { X12Segment } from '../segment.js';
import { ID_PAIR_START, type X12Selector, type X12SegmentStep } from './selector.js';
import type { X12Scope, X12SetIndex } from './set-index.js';

/*
 * The general evaluation of a selector in a scope: the path of selectors with loop steps, and the
 * per-segment tests (conditions, components, id pairs) that the compiled selectors reuse.
 */

function matches(segment: X12Segment, step: X12SegmentStep, separator: string): boolean {
  return segment.id === step.segmentId && conditionsHold(segment, step, separator);
}

/** The step's conditions on a segment whose id is already known to match. */
export function conditionsHold(segment: X12Segment, step: X12SegmentStep, separator: string): boolean {
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

export type SegmentSelector = Extract<X12Selector, { kind: 'segment' }>;

/** The first value a segment of the selector's id gives it, or undefined (conditions fail, or empty). */
export function firstValue(
  selector: SegmentSelector,
  segment: X12Segment,
  separator: string,
): string | undefined {
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

/** The values found through a selector's loop steps, appended in set order. */
export function loopValuesInto(selector: SegmentSelector, scope: X12Scope, out: string[]): void {
  const target = scopeFor(selector, scope);
  if (target === undefined) return;
  const segments = target.index.segments;
  const id = selector.segment.segmentId;
  for (const i of throughLoops(selector, target))
    if (segments[i]!.id === id) pushValues(selector, segments[i]!, target.component, out);
}

/** The first value found through a selector's loop steps. */
export function firstLoopValue(selector: SegmentSelector, scope: X12Scope): string | undefined {
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
