import type { X12IssueKind } from '../code-tables.js';
import { segmentIdCode } from '../segment.js';
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
  /** Where this iteration's entries start on the walker's `counted` stack. */
  countedFrom: number;
}

/**
 * Placement tables of one loop: for each segment id of the grammar (by ordinal), the first child it
 * matches (a segment of that id, or a loop it triggers) and, per child, the next child matching the
 * same id; and the mandatory children in order. Placing a segment is then one id lookup per segment
 * and a table read per open loop, instead of a scan of every open loop's children.
 */
interface LoopTable {
  readonly loop: X12LoopNode;
  /** Number of the loop within its grammar (0 = the set body): where a walker keeps its frame. */
  readonly number: number;
  readonly first: Int32Array;
  readonly next: Int32Array;
  readonly mandatory: Int32Array;
  /**
   * The last mandatory child (-1 none): a frame that skips or leaves only children after it has
   * nothing to report, which is what nearly every placement does (most loops are mandatory only in
   * their trigger).
   */
  readonly lastMandatory: number;
  /** Per child, its table when it is a loop. */
  readonly inner: readonly (LoopTable | undefined)[];
  /**
   * Per child, its maximum use (loops: iterations). Read by every placement, so kept beside the other
   * tables rather than on the nodes: `commit` then touches a child's node only to return it. Doubles,
   * since an unbounded maximum is `Number.MAX_SAFE_INTEGER`.
   */
  readonly maxes: Float64Array;
  /** Per child, the segment node a placement returns: the child itself, or the trigger of a loop. */
  readonly placed: readonly X12SegmentNode[];
  /** Where the loop's `counts` lie in a walker's count store. */
  readonly countsOffset: number;
}

interface GrammarTables {
  /** Segment id → ordinal, for every id some loop of the grammar can match. */
  readonly ordinals: ReadonlyMap<string, number>;
  /**
   * The same ordinals for ids of one to three Latin-1 characters (all X12 and EDIFACT ids), in an
   * open-addressing table keyed by `segmentIdCode`: a few integer reads instead of hashing a string
   * per segment.
   */
  readonly idKeys: Int32Array;
  readonly idOrdinals: Int32Array;
  readonly root: LoopTable;
  /** Number of loops, the set body included. */
  readonly loopCount: number;
  /** Children of all loops together: the size of a walker's count store. */
  readonly countsSize: number;
}

function idSlot(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 16) & mask;
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
    let size = 16;
    while (size < ordinals.size * 2) size *= 2;
    const idKeys = new Int32Array(size).fill(-1);
    const idOrdinals = new Int32Array(size);
    for (const [id, ordinal] of ordinals) {
      const key = segmentIdCode(id);
      if (key < 0) continue;
      let slot = idSlot(key, size - 1);
      while (idKeys[slot] !== -1) slot = (slot + 1) & (size - 1);
      idKeys[slot] = key;
      idOrdinals[slot] = ordinal;
    }
    let loopCount = 0;
    let countsSize = 0;
    const build = (loop: X12LoopNode): LoopTable => {
      const number = loopCount++;
      const countsOffset = countsSize;
      countsSize += loop.children.length;
      const children = loop.children;
      const first = new Int32Array(ordinals.size).fill(-1);
      const next = new Int32Array(children.length).fill(-1);
      const mandatory: number[] = [];
      for (let i = children.length - 1; i >= 0; i--) {
        const c = children[i]!;
        const ordinal = ordinals.get(keyOf(c))!;
        next[i] = first[ordinal]!;
        first[ordinal] = i;
      }
      children.forEach((c, i) => {
        if (c.usage === 'M') mandatory.push(i);
      });
      const inner = children.map((c) => (c.kind === 'loop' ? build(c) : undefined));
      return {
        loop,
        number,
        first,
        next,
        mandatory: Int32Array.from(mandatory),
        lastMandatory: mandatory.length > 0 ? mandatory[mandatory.length - 1]! : -1,
        inner,
        maxes: Float64Array.from(children, (c) => c.max),
        placed: children.map((c) => (c.kind === 'segment' ? c : (c.children[0] as X12SegmentNode))),
        countsOffset,
      };
    };
    const root = build(grammar.root);
    tables = { ordinals, idKeys, idOrdinals, root, loopCount, countsSize };
    tablesByGrammar.set(grammar, tables);
  }
  return tables;
}

/** The ordinal of a segment id in the grammar's tables, -1 when no loop of the grammar takes it. */
function ordinalOf(tables: GrammarTables, id: string): number {
  const key = segmentIdCode(id);
  if (key < 0) return tables.ordinals.get(id) ?? -1;
  return ordinalOfCode(tables, key);
}

/** `ordinalOf` for an id already in its `segmentIdCode` form (>= 0). */
function ordinalOfCode(tables: GrammarTables, key: number): number {
  const keys = tables.idKeys;
  const mask = keys.length - 1;
  for (let slot = idSlot(key, mask); ; slot = (slot + 1) & mask) {
    const found = keys[slot]!;
    if (found === key) return tables.idOrdinals[slot]!;
    if (found === -1) return -1;
  }
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
  /** One frame per loop of the grammar (by `LoopTable.number`), made when the loop is first entered. */
  private readonly pool: (Frame | undefined)[];
  /**
   * The `counts` of every loop, as views on one buffer: a typed array of its own per loop and set was
   * an allocation outside the heap each time.
   */
  private readonly countStore: Int32Array;
  /**
   * The children counted (from 0 to 1) in the open iterations, innermost last: only the top frame
   * counts, since placing a segment first closes every frame above the one that takes it. Closing
   * a frame puts those counts back to 0, so that a loop's next iteration starts clean without
   * clearing every child of the loop (an 856 HL loop has dozens). An open loop counts each of its
   * children at most once, so the children of all loops are room enough.
   */
  private readonly counted: Int32Array;
  private countedTop = 0;
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
    private onMissing: (node: X12GrammarNode, inLoop: X12LoopNode) => void,
  ) {
    this.tables = tablesOf(grammar);
    this.pool = new Array<Frame | undefined>(this.tables.loopCount);
    this.countStore = new Int32Array(this.tables.countsSize);
    this.counted = new Int32Array(this.tables.countsSize);
    this.stack.push(this.open(this.tables.root, 1));
  }

  /** Open frames, the set itself first. Valid until the next call. */
  get frames(): readonly X12WalkFrame[] {
    return this.stack;
  }

  /** The innermost open loop (the set's root when none). */
  get currentLoop(): X12LoopNode {
    return this.stack[this.stack.length - 1]!.loop;
  }

  /**
   * Where the last placed segment's child lies among all loops' children (`countsOffset` of its
   * loop plus its index there): a dense number per segment node of the grammar, for callers that
   * keep something per node in an array.
   */
  slot = -1;

  /** The node the segment takes, or `undefined` when it has no place here (see `problem`). */
  place(id: string): X12SegmentNode | undefined {
    this.problem = undefined;
    const ordinal = ordinalOf(this.tables, id);
    const node = ordinal >= 0 ? this.placeOrdinal(ordinal) : undefined;
    if (node === undefined) this.problem = this.classify(id);
    return node;
  }

  /**
   * `place` for a segment whose id the caller holds as its `segmentIdCode` (>= 0), e.g. from the
   * tokenizer's bytes: the id string is read from `segment` only when the segment has no place.
   */
  placeCode(code: number, segment: { readonly id: string }): X12SegmentNode | undefined {
    this.problem = undefined;
    const ordinal = ordinalOfCode(this.tables, code);
    const node = ordinal >= 0 ? this.placeOrdinal(ordinal) : undefined;
    if (node === undefined) this.problem = this.classify(segment.id);
    return node;
  }

  /**
   * Starts a new set on a walker that walked others (one walker per grammar serves a whole read):
   * open iterations of a set left without `finish` (no SE) are dropped without reports.
   */
  restart(onMissing: (node: X12GrammarNode, inLoop: X12LoopNode) => void): void {
    this.onMissing = onMissing;
    this.problem = undefined;
    this.slot = -1;
    const stack = this.stack;
    if (stack.length === 1 && stack[0]!.pos === -1) return; // finished: the root is fresh
    while (stack.length > 0) this.clearTop();
    stack.push(this.open(this.tables.root, 1));
  }

  private placeOrdinal(ordinal: number): X12SegmentNode | undefined {
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
    return undefined;
  }

  /** End of the set: every open iteration is closed and its missing mandatory children reported. */
  finish(): void {
    while (this.stack.length > 0) this.closeTop();
    this.stack.push(this.open(this.tables.root, 1));
  }

  private commit(d: number, i: number): X12SegmentNode {
    while (this.stack.length - 1 > d) this.closeTop();
    const f = this.stack[d]!;
    if (i !== f.pos) {
      if (i > f.pos + 1 && f.pos < f.table.lastMandatory) this.checkMandatory(f, f.pos + 1, i);
      f.pos = i;
    }
    const count = ++f.counts[i]!;
    if (count === 1) this.counted[this.countedTop++] = i;
    const outer = f.table;
    const table = outer.inner[i];
    if (table === undefined) {
      if (count > outer.maxes[i]!) this.problem = 'segment-over-max';
      this.slot = outer.countsOffset + i;
      return outer.placed[i]!;
    }
    if (count > outer.maxes[i]!) this.problem = 'loop-over-max';
    const inner = this.open(table, count);
    inner.pos = 0;
    inner.counts[0] = 1;
    this.counted[this.countedTop++] = 0;
    this.stack.push(inner);
    this.slot = table.countsOffset;
    return outer.placed[i]!;
  }

  private open(table: LoopTable, iteration: number): Frame {
    // A closed frame's counts are back to 0 (see `closeTop`).
    let f = this.pool[table.number];
    if (f === undefined) {
      const store = this.countStore;
      f = {
        loop: table.loop,
        pos: -1,
        counts: new Int32Array(
          store.buffer,
          store.byteOffset + 4 * table.countsOffset,
          table.loop.children.length,
        ),
        iteration,
        serial: 0,
        table,
        countedFrom: 0,
      };
      this.pool[table.number] = f;
    }
    f.countedFrom = this.countedTop;
    f.pos = -1;
    f.iteration = iteration;
    f.serial = ++this.serials;
    return f;
  }

  private closeTop(): void {
    const f = this.stack.pop()!;
    if (f.pos < f.table.lastMandatory) this.checkMandatory(f, f.pos + 1, f.loop.children.length);
    this.clearCounts(f);
  }

  /** Drops the innermost frame unchecked (a set abandoned without SE). */
  private clearTop(): void {
    this.clearCounts(this.stack.pop()!);
  }

  /** Puts the counts of a frame just closed back to 0, for its loop's next opening. */
  private clearCounts(f: Frame): void {
    const counts = f.counts;
    for (let k = f.countedFrom; k < this.countedTop; k++) counts[this.counted[k]!] = 0;
    this.countedTop = f.countedFrom;
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
