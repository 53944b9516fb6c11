import type { X12IssueKind } from '../code-tables.js';
import type { X12GrammarNode, X12LoopNode, X12SegmentNode, X12SetGrammar } from './grammar.types.js';

/** One open loop iteration while walking a set; the set itself is the bottom frame. */
export interface X12WalkFrame {
  readonly loop: X12LoopNode;
  /** Index of the last child matched (-1 before the first). */
  pos: number;
  /** Occurrences of each child in this iteration. */
  readonly counts: Int32Array;
  /** 1-based iteration of this loop within its parent's iteration. */
  iteration: number;
  /**
   * Changes whenever the frame starts a new iteration. A loop is open at most once at a time, so
   * its frame object is reused; `serial` tells iterations apart.
   */
  serial: number;
}

export type X12PlacementProblem =
  | 'segment-over-max'
  | 'loop-over-max'
  | Extract<
      X12IssueKind,
      'segment-id-unrecognized' | 'segment-not-in-set' | 'segment-out-of-sequence' | 'segment-unexpected'
    >;

/** A frame with the placement tables of its loop. */
interface Frame extends X12WalkFrame {
  readonly table: LoopTable;
}

/**
 * Placement tables of one loop: for each segment id of the grammar (by ordinal), the first child it
 * matches (a segment of that id, or a loop it triggers) and, per child, the next child matching the
 * same id; and the mandatory children in order. Placing a segment is then one map lookup per segment
 * and a table read per open loop, instead of a scan of every open loop's children.
 */
interface LoopTable {
  readonly first: Int32Array;
  readonly next: Int32Array;
  readonly mandatory: Int32Array;
}

interface GrammarTables {
  /** Segment id → ordinal, for every id some loop of the grammar can match. */
  readonly ordinals: ReadonlyMap<string, number>;
  readonly loops: Map<X12LoopNode, LoopTable>;
}

const tablesByGrammar = new WeakMap<X12SetGrammar, GrammarTables>();

function tablesOf(grammar: X12SetGrammar): GrammarTables {
  let tables = tablesByGrammar.get(grammar);
  if (tables === undefined) {
    const ordinals = new Map<string, number>();
    const keyOf = (c: X12GrammarNode): string => (c.kind === 'segment' ? c.id : c.trigger);
    const visit = (loop: X12LoopNode): void => {
      for (const c of loop.children) {
        const key = keyOf(c);
        if (!ordinals.has(key)) ordinals.set(key, ordinals.size);
        if (c.kind === 'loop') visit(c);
      }
    };
    visit(grammar.root);
    tables = { ordinals, loops: new Map() };
    tablesByGrammar.set(grammar, tables);
  }
  return tables;
}

function loopTable(tables: GrammarTables, loop: X12LoopNode): LoopTable {
  let table = tables.loops.get(loop);
  if (table === undefined) {
    const children = loop.children;
    const first = new Int32Array(tables.ordinals.size).fill(-1);
    const next = new Int32Array(children.length).fill(-1);
    const mandatory: number[] = [];
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i]!;
      const ordinal = tables.ordinals.get(c.kind === 'segment' ? c.id : c.trigger)!;
      next[i] = first[ordinal]!;
      first[ordinal] = i;
    }
    children.forEach((c, i) => {
      if (c.usage === 'M') mandatory.push(i);
    });
    table = { first, next, mandatory: Int32Array.from(mandatory) };
    tables.loops.set(loop, table);
  }
  return table;
}

/**
 * Places segments one at a time in a set's grammar (X12.6 §3.5 loop and segment order). The nearest
 * open loop that can take a segment, at or after its current position, wins; leaving a loop or
 * skipping over children reports the mandatory ones never seen. Work per segment is bounded by the
 * grammar's size (its depth and breadth), never by the data: no recursion, no backtracking, and no
 * allocation once every loop has been entered once.
 */
export class X12SetWalker {
  private readonly stack: Frame[] = [];
  private readonly pool = new Map<X12LoopNode, Frame>();
  private serials = 0;
  private readonly tables: GrammarTables;
  /**
   * What was wrong with the last segment: over max use (it is placed anyway), or the reason it could
   * not be placed (AK304 1 / 6 / 7 / 2, decided in that order).
   */
  problem: X12PlacementProblem | undefined;

  constructor(
    readonly grammar: X12SetGrammar,
    /** A mandatory segment (or the trigger of a mandatory loop) that did not occur. */
    private readonly onMissing: (node: X12GrammarNode, inLoop: X12LoopNode) => void,
  ) {
    this.tables = tablesOf(grammar);
    this.stack.push(this.open(grammar.root, 1));
  }

  /** Open frames, the set itself first. Valid until the next call. */
  get frames(): readonly X12WalkFrame[] {
    return this.stack;
  }

  /** The innermost open loop (the set's root when none). */
  get currentLoop(): X12LoopNode {
    return this.stack[this.stack.length - 1]!.loop;
  }

  /** The node the segment takes, or `undefined` when it has no place here (see `problem`). */
  place(id: string): X12SegmentNode | undefined {
    this.problem = undefined;
    const ordinal = this.tables.ordinals.get(id);
    if (ordinal !== undefined) {
      for (let d = this.stack.length - 1; d >= 0; d--) {
        const f = this.stack[d]!;
        const table = f.table;
        // Inside a loop its trigger never matches again: a second trigger starts the next iteration,
        // which the parent frame finds at its own position.
        const from = f.pos > 0 ? f.pos : d === 0 ? 0 : 1;
        let i = table.first[ordinal]!;
        while (i >= 0 && i < from) i = table.next[i]!;
        if (i >= 0) return this.commit(d, i);
      }
    }
    this.problem = this.classify(id);
    return undefined;
  }

  /** End of the set: every open iteration is closed and its missing mandatory children reported. */
  finish(): void {
    while (this.stack.length > 0) this.closeTop();
    this.stack.push(this.open(this.grammar.root, 1));
  }

  private commit(d: number, i: number): X12SegmentNode {
    while (this.stack.length - 1 > d) this.closeTop();
    const f = this.stack[d]!;
    if (i !== f.pos) {
      if (i > f.pos + 1) this.checkMandatory(f, f.pos + 1, i);
      f.pos = i;
    }
    const count = ++f.counts[i]!;
    const child = f.loop.children[i]!;
    if (child.kind === 'segment') {
      if (count > child.max) this.problem = 'segment-over-max';
      return child;
    }
    if (count > child.max) this.problem = 'loop-over-max';
    const inner = this.open(child, count);
    inner.pos = 0;
    inner.counts[0] = 1;
    this.stack.push(inner);
    return child.children[0] as X12SegmentNode;
  }

  private open(loop: X12LoopNode, iteration: number): Frame {
    let f = this.pool.get(loop);
    if (f) f.counts.fill(0);
    else {
      f = {
        loop,
        pos: -1,
        counts: new Int32Array(loop.children.length),
        iteration,
        serial: 0,
        table: loopTable(this.tables, loop),
      };
      this.pool.set(loop, f);
    }
    f.pos = -1;
    f.iteration = iteration;
    f.serial = ++this.serials;
    return f;
  }

  private closeTop(): void {
    const f = this.stack.pop()!;
    this.checkMandatory(f, f.pos + 1, f.loop.children.length);
  }

  /** Reports the mandatory children in [from, to) that did not occur, in order. */
  private checkMandatory(f: Frame, from: number, to: number): void {
    const mandatory = f.table.mandatory;
    for (let k = 0; k < mandatory.length; k++) {
      const j = mandatory[k]!;
      if (j >= to) return;
      if (j >= from && f.counts[j] === 0) this.onMissing(f.loop.children[j]!, f.loop);
    }
  }

  private classify(id: string): X12PlacementProblem {
    if (!this.grammar.dictionary.has(id)) return 'segment-id-unrecognized';
    if (!this.grammar.segmentIds.has(id)) return 'segment-not-in-set';
    // Defined in a loop that is open, but before the current position: out of sequence.
    for (const f of this.stack) {
      for (let i = 0; i <= f.pos && i < f.loop.children.length; i++) {
        const c = f.loop.children[i]!;
        if (c.kind === 'segment' ? c.id === id : c.trigger === id) return 'segment-out-of-sequence';
      }
    }
    return 'segment-unexpected';
  }
}
