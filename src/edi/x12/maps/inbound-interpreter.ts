import type { X12HlNode } from '../grammar/hierarchy.js';
import type { X12ParsedSet } from '../grammar/parsed-set.js';
import type { X12InboundMap } from './map.types.js';
import { CollectionPlan, mapPlanOf, type FieldFailure, type FieldPlan } from './map-plan.js';
import { KEPT_SIZE, X12SetIndex, type X12Scope } from './set-index.js';

export { setPath } from './map-plan.js';

/**
 * Value conversions a map needs and src/edi does not own: exact decimals and units (the canonical
 * tables), and the partner's cross-references. Each throws (or returns undefined for `part`) with a
 * message naming the value.
 */
export interface X12MapConverters {
  /** X12 `R` text → canonical decimal string. */
  decimal(text: string): string;
  /** X12 DE 355 unit → Rec 20 (partner cross-references first). */
  unit(code: string): string;
  /** Their part number → ours; undefined when the partner profile has no cross-reference. */
  part(theirs: string): string | undefined;
  /** Their location code → ours; their code itself when there is no cross-reference. */
  location(theirs: string): string;
}

export interface X12InboundContext {
  /** Envelope values for `$ISA13`, `$GS04`, `$ST02` … selectors. */
  readonly envelope: Readonly<Record<string, string>>;
  /** The interchange's component separator (ISA16). */
  readonly component: string;
  readonly converters: X12MapConverters;
}

export interface X12InboundResult {
  /** The event as the map builds it (envelope fields the map does not set are the caller's). */
  readonly value: Record<string, unknown>;
  /** Values the map could not convert: the set must not become an event. */
  readonly problems: readonly string[];
}

const NO_NODES: readonly X12HlNode[] = [];

/** A scope whose homes and parent level are set per item (see `CollectionFrame`). */
type ItemScope = { -readonly [K in keyof X12Scope]: X12Scope[K] };

/** What one collection found (see `Interpreter.frames`); entries past `count` are stale. */
interface CollectionFrame {
  /** The set (`Interpreter.generation`) the scopes below were last pointed at. */
  generation: number;
  count: number;
  /** Collection loop iterations (by loop), as indexes in the body's loops. */
  readonly loops: number[];
  /** The HL nodes found (by level), cleared when the collection is read. */
  readonly nodes: (X12HlNode | undefined)[];
  /** The item being read: its scope, whose home (`homes[0]`) is set to each item in turn. */
  readonly homes: number[];
  readonly scope: ItemScope;
  /** The item's parent HL level, for `../` selectors (by level). */
  readonly parentHomes: number[];
  readonly parentScope: ItemScope;
}
const NO_HOMES: readonly number[] = [];
const NO_ENVELOPE: Readonly<Record<string, string>> = {};
/** What the pooled interpreter points at between sets: nothing of any map or partner. */
const NO_MAP = {
  fields: [],
  collections: [],
  collectionLoops: new Set<string>(),
} as unknown as X12InboundMap;
const idle = (): never => {
  throw new Error('the map interpreter is between sets');
};
const NO_CONTEXT: X12InboundContext = {
  envelope: NO_ENVELOPE,
  component: '',
  converters: { decimal: idle, unit: idle, part: idle, location: idle },
};

/**
 * Reads one set at a time (`run`). Its working state — the set index, the item scopes per collection
 * depth, the header scope — is kept from set to set: a file holds thousands of sets, and making these
 * objects per set was a good part of the interpreter's time.
 */
class Interpreter {
  problems: string[] = [];
  private parsed: Pick<X12ParsedSet, 'body' | 'hierarchy'> | undefined;
  private map: X12InboundMap = NO_MAP;
  private context: X12InboundContext = NO_CONTEXT;
  private readonly index = new X12SetIndex();
  /** HL loop iterations (indexes in the body's loops) by the position of their HL segment; -1 none. */
  private hlLoops: number[] = [];
  /** The positions set in `hlLoops` for the current set (cleared after it). */
  private readonly hlPositions: number[] = [];
  /** The header scope (the body and its shipment levels), one object whose homes are set per set. */
  private readonly headerHomes: number[] = [0];
  private readonly header: ItemScope;
  /** Counts the sets read, so that a frame knows when its scopes need the current set's context. */
  private generation = 0;

  constructor() {
    this.header = this.scopeOf(this.headerHomes, undefined);
  }

  run(
    parsed: Pick<X12ParsedSet, 'body' | 'hierarchy'>,
    map: X12InboundMap,
    context: X12InboundContext,
  ): Record<string, unknown> {
    this.generation++;
    this.parsed = parsed;
    this.map = map;
    this.context = context;
    this.problems = [];
    // Empty unless the last read threw. Popped: setting an array's length calls into the runtime.
    while (this.trail.length > 0) this.trail.pop();
    const body = parsed.body;
    this.index.reset(body, map.collectionLoops);
    try {
      if (map.hierarchical)
        for (let j = 1; j < body.loops.length; j++) {
          const loop = body.loops[j]!;
          if (loop.parent === 0 && loop.loopId === 'HL' && body.loopOf[loop.start] === j) {
            this.hlLoops[loop.position] = j;
            this.hlPositions.push(loop.position);
          }
        }
      return this.read();
    } finally {
      // Nothing of the set, its map or its partner stays reachable from here once it is read (the
      // collections let go of their HL nodes as they finish).
      const positions = this.hlPositions;
      while (positions.length > 0) this.hlLoops[positions.pop()!] = -1;
      if (this.hlLoops.length > KEPT_SIZE) this.hlLoops = [];
      this.index.release();
      this.parsed = undefined;
      this.map = NO_MAP;
      this.context = NO_CONTEXT;
      this.header.envelope = NO_ENVELOPE;
      for (const frame of this.frames) frame.scope.envelope = frame.parentScope.envelope = NO_ENVELOPE;
    }
  }

  private hlLoop(position: number): number | undefined {
    const loop = this.hlLoops[position];
    return loop === undefined || loop < 0 ? undefined : loop;
  }

  private read(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const roots = this.parsed!.hierarchy?.roots ?? [];
    // The header of a hierarchical set is the body plus its shipment level(s).
    const homes = this.headerHomes;
    while (homes.length > 1) homes.pop();
    for (const root of roots) {
      if (root.record.levelCode !== 'S') continue;
      const loop = this.hlLoop(root.record.position);
      if (loop !== undefined) homes.push(loop);
    }
    const header = this.header;
    header.envelope = this.context.envelope;
    header.component = this.context.component;
    const plan = mapPlanOf(this.map);
    this.fields(plan.fields, header, out);
    for (let c = 0; c < plan.collections.length; c++)
      plan.setters[c]!(out, this.collection(plan.collections[c]!, header, roots));
    return out;
  }

  /**
   * Where the interpreter is, for problems: collection keys and item indexes (`['payload.orders', 0,
   * 'packs', 2]`). A stack, turned into text only for a problem: thousands of items per file have none.
   */
  private readonly trail: (string | number)[] = [];

  /** The trail as a field prefix: `payload.orders[0].packs[2].`, '' at the top. */
  private place(): string {
    let text = '';
    for (const step of this.trail)
      text += typeof step === 'number' ? `[${step}]` : text === '' ? step : `.${step}`;
    return text === '' ? '' : `${text}.`;
  }

  /** Every scope has the same properties in the same order (one object shape for the selectors). */
  private scopeOf(homes: readonly number[], parent: X12Scope | undefined): ItemScope {
    return {
      index: this.index,
      homes,
      envelope: NO_ENVELOPE,
      component: '',
      // The header's own scope has no root: its `^` selectors read it (`scopeFor`).
      root: this.header,
      parent,
    };
  }

  /**
   * Points the frame's item scope at an HL level (and its parent level, for `../` selectors). Nothing
   * keeps an item's scope past the item: the next item at this depth reuses the object, where one
   * scope per level per set was most of the interpreter's garbage.
   */
  private levelScope(frame: CollectionFrame, node: X12HlNode): X12Scope {
    const scope = frame.scope;
    const loop = this.hlLoop(node.record.position);
    if (loop === undefined) scope.homes = NO_HOMES;
    else {
      frame.homes[0] = loop;
      scope.homes = frame.homes;
    }
    if (!node.parent) scope.parent = undefined;
    else {
      const parent = frame.parentScope;
      const up = this.hlLoop(node.parent.record.position);
      if (up === undefined) parent.homes = NO_HOMES;
      else {
        frame.parentHomes[0] = up;
        parent.homes = frame.parentHomes;
      }
      scope.parent = parent;
    }
    return scope;
  }

  /**
   * Per collection depth, what a collection found before its items are read. Reused by the next
   * collection at the same depth (its own items' collections are one deeper), so finding items
   * allocates nothing: a DESADV has a collection of one item per pack, and three small arrays per
   * call were most of the interpreter's garbage.
   */
  private readonly frames: CollectionFrame[] = [];

  private frameAt(depth: number): CollectionFrame {
    let frame = this.frames[depth];
    if (frame === undefined) {
      // An item's scope: one object per depth whose home is set per item (nothing keeps it).
      const homes = [0];
      const parentHomes = [0];
      frame = {
        generation: 0,
        count: 0,
        loops: [],
        nodes: [],
        homes,
        scope: this.scopeOf(homes, undefined),
        parentHomes,
        parentScope: this.scopeOf(parentHomes, undefined),
      };
      this.frames[depth] = frame;
    }
    if (frame.generation !== this.generation) {
      // The frame's scopes last read another set: they take this set's envelope values.
      frame.generation = this.generation;
      frame.scope.envelope = frame.parentScope.envelope = this.context.envelope;
      frame.scope.component = frame.parentScope.component = this.context.component;
    }
    frame.count = 0;
    return frame;
  }

  private collection(
    plan: CollectionPlan,
    parent: X12Scope,
    /** Hierarchy: nodes to search (the roots at the top, a node's children below). */
    below: readonly X12HlNode[],
  ): Record<string, unknown>[] {
    const rule = plan.rule;
    const trail = this.trail;
    const frame = this.frameAt(trail.length >> 1);
    const byLoop = rule.loop !== undefined;
    if (byLoop) {
      // Iterations of the collection loop whose enclosing collection home is one of the parent's homes.
      const loops = this.index.body.loops;
      const homeOf = this.index.homeOf;
      for (const home of parent.homes) {
        const end = loops[home]!.end;
        for (let j = home + 1; j < loops.length && loops[j]!.start < end; j++) {
          const loop = loops[j]!;
          if (loop.loopId === rule.loop && homeOf[loop.parent] === home) frame.loops[frame.count++] = j;
        }
      }
    } else if (rule.levels !== undefined) {
      for (const node of below) findLevels(plan, node, frame);
    }
    const implicit = frame.count === 0 && rule.implicit;
    const count = implicit ? 1 : frame.count;
    // The items array is part of the event: made at its size, not grown from empty.
    const out = new Array<Record<string, unknown>>(count);
    let kept = 0;
    const requireAny = rule.requireAny.length > 0;
    const subs = plan.subs;
    const setters = plan.subSetters;
    trail.push(rule.key, 0);
    for (let i = 0; i < count; i++) {
      let scope: X12Scope;
      let nodes: readonly X12HlNode[];
      if (implicit) {
        scope = parent;
        nodes = below;
      } else if (byLoop) {
        frame.homes[0] = frame.loops[i]!;
        frame.scope.homes = frame.homes;
        frame.scope.parent = undefined;
        scope = frame.scope;
        nodes = NO_NODES;
      } else {
        const node = frame.nodes[i]!;
        scope = this.levelScope(frame, node);
        nodes = node.children;
      }
      trail[trail.length - 1] = i;
      const value: Record<string, unknown> = {};
      const found = this.fields(plan.fields, scope, value, requireAny);
      if (requireAny && !rule.requireAny.some((k) => found!.has(k))) continue;
      for (let c = 0; c < subs.length; c++) {
        const sub = this.collection(subs[c]!, scope, nodes);
        if (sub.length > 0) setters[c]!(value, sub);
      }
      out[kept++] = value;
    }
    // Two pops, not `length -= 2`: setting an array's length is a call into the runtime.
    trail.pop();
    trail.pop();
    // The frame outlives the set: it keeps no HL node (each reaches its whole hierarchy).
    if (!byLoop) for (let i = 0; i < frame.count; i++) frame.nodes[i] = undefined;
    if (kept < count) out.length = kept;
    return out;
  }

  private fields(
    plan: FieldPlan,
    scope: X12Scope,
    target: Record<string, unknown>,
    /** Whether the caller needs the keys found (`requireAny`); most do not. */
    track = false,
  ): Set<string> | undefined {
    const converters = this.context.converters;
    if (!track) {
      plan.run(scope, converters, target, this.failField);
      return undefined;
    }
    const { rules, values, setters } = plan;
    plan.scan(scope);
    const found = new Set<string>();
    for (let r = 0; r < rules.length; r++) {
      try {
        const value = values[r]!(scope, converters);
        if (value !== undefined) {
          setters[r]!(target, value);
          found.add(rules[r]!.key);
        }
      } catch (error) {
        this.failField(rules[r]!.key, error);
      }
    }
    return found;
  }

  /** A rule that threw: its problem says where the interpreter is, the field and the message. */
  private readonly failField: FieldFailure = (key, error) =>
    void this.problems.push(`${this.place()}${key}: ${(error as Error).message}`);
}

/**
 * The levels a collection reads, depth first in set order, into the frame. Shipment levels are the
 * header's; levels above a match are searched further down (and below one, with `descend`). The
 * hierarchy's depth is bounded when it is built.
 */
function findLevels(plan: CollectionPlan, node: X12HlNode, frame: CollectionFrame): void {
  const hit = plan.reads(node.record.levelCode);
  if (hit) frame.nodes[frame.count++] = node;
  if (!hit || plan.rule.descend) for (const child of node.children) findLevels(plan, child, frame);
}

/** Builds what the map says from one parsed set. Never throws for data; problems are returned. */
export function interpretInbound(
  parsed: Pick<X12ParsedSet, 'body' | 'hierarchy'>,
  map: X12InboundMap,
  context: X12InboundContext,
): X12InboundResult {
  // One interpreter serves the sets one after the other (reading is synchronous); a call made while
  // it is busy (none is) would get its own.
  const interpreter = spare ?? new Interpreter();
  spare = undefined;
  try {
    const value = interpreter.run(parsed, map, context);
    return { value, problems: interpreter.problems };
  } finally {
    spare = interpreter;
  }
}

let spare: Interpreter | undefined;
