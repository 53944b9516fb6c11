import type { X12Issue } from '../result.js';

/** Byte offset and stream index of a segment (the `EdiPosition` of src/edi/core). */
type EdiPosition = Pick<X12Issue, 'offset' | 'segmentIndex'>;

/** One HL segment as received (X12 856: HL01 id, HL02 parent id, HL03 level code, HL04 child code). */
export interface X12HlRecord {
  readonly id: string;
  readonly parentId: string;
  readonly levelCode: string;
  readonly childCode: string;
  /** Position in the set (ST = 1). */
  readonly position: number;
  readonly at: EdiPosition;
}

export interface X12HlNode {
  readonly record: X12HlRecord;
  readonly parent: X12HlNode | undefined;
  /** Its subordinate levels in set order; read-only (the leaves share one frozen empty array). */
  readonly children: readonly X12HlNode[];
  /** 1 for a root level (no HL02). */
  readonly depth: number;
  /** Level codes from the root, e.g. `S/O/P/I`; `undefined` past `maxDepth`. */
  readonly path: string | undefined;
}

export type X12HierarchyProblemKind =
  'duplicate-id' | 'self-parent' | 'missing-parent' | 'cycle' | 'too-deep' | 'child-code-mismatch';

export interface X12HierarchyProblem {
  readonly kind: X12HierarchyProblemKind;
  readonly record: X12HlRecord;
  /** HL element the problem is about (1 = HL01, 2 = HL02, 4 = HL04). */
  readonly elementPosition: 1 | 2 | 4;
  readonly message: string;
}

export interface X12Hierarchy {
  /** Levels without a parent (normally the one shipment level), in set order. */
  readonly roots: readonly X12HlNode[];
  readonly byId: ReadonlyMap<string, X12HlNode>;
  /** Levels left out of the tree: missing parent, part of a cycle, or a duplicate HL01. */
  readonly detached: readonly X12HlRecord[];
  /** Distinct level-code paths of the leaves, e.g. `S/O/P/I`, `S/O/I`, `S/T/P/I` (at most 100). */
  readonly patterns: readonly string[];
  readonly problems: readonly X12HierarchyProblem[];
}

/**
 * A level of the tree. A class, not an object literal: nodes live only as long as their set's
 * translation, and V8 may allocate a hot literal's objects in the old generation (allocation-site
 * pretenuring), wrongly for these (see `OpenLoopRecord` in parsed-set.ts).
 */
class HlNode implements X12HlNode {
  constructor(
    readonly record: X12HlRecord,
    readonly parent: HlNode | undefined,
    readonly depth: number,
    readonly path: string | undefined,
    /** An array of its own for a level with subordinates, `NO_CHILDREN` for a leaf. */
    readonly children: HlNode[],
  ) {}
}

/**
 * The `children` of every leaf (most levels of an 856 are items): one frozen empty array instead of
 * one per leaf. The tree is read, never changed, once built; frozen, a stray write throws instead of
 * giving every leaf a child.
 */
const NO_CHILDREN = Object.freeze([]) as unknown as HlNode[];

/**
 * The result of `buildHierarchy`. `byId` is made on first use: the maps and the acknowledgment never
 * ask for it, and filling a map per 856 was a third of the function's time.
 */
class HlHierarchy implements X12Hierarchy {
  private index: Map<string, X12HlNode> | undefined;

  constructor(
    readonly roots: readonly X12HlNode[],
    /** The nodes in link order (by depth, then position): the order of `byId`. */
    private readonly linked: readonly X12HlNode[],
    readonly detached: readonly X12HlRecord[],
    readonly patterns: readonly string[],
    readonly problems: readonly X12HierarchyProblem[],
  ) {}

  get byId(): ReadonlyMap<string, X12HlNode> {
    let index = this.index;
    if (index === undefined) {
      index = new Map();
      for (const node of this.linked) index.set(node.record.id, node);
      this.index = index;
    }
    return index;
  }
}

/** Deeper than any 856 layout (S/O/T/P/I is five levels); past it a chain is reported, not followed. */
export const DEFAULT_MAX_HL_DEPTH = 64;

/**
 * HL01 → index of its record. HL01 is almost always a small counter ("1", "2", …): such ids index a
 * table; any other id (letters, leading zeros, a large number) goes to a map. Each id string has one
 * home, decided by the string alone, so a lookup never misses an id stored in the other one.
 */
class HlIndex {
  private map: Map<string, number> | undefined;

  /** `table[0, limit)`, all -1, takes the ids read as numbers: they must be below `limit`. */
  constructor(
    private readonly table: Int32Array,
    private readonly limit: number,
  ) {}

  get(id: string): number | undefined {
    const slot = this.slot(id);
    if (slot < 0) return this.map?.get(id);
    const index = this.table[slot]!;
    return index < 0 ? undefined : index;
  }

  set(id: string, index: number): void {
    const slot = this.slot(id);
    if (slot >= 0) this.table[slot] = index;
    else (this.map ??= new Map()).set(id, index);
  }

  /** `get(id)` when the id is already there, else `set(id, index)` and `undefined`: one look-up. */
  add(id: string, index: number): number | undefined {
    const slot = this.slot(id);
    if (slot < 0) {
      const map = (this.map ??= new Map());
      const found = map.get(id);
      if (found === undefined) map.set(id, index);
      return found;
    }
    const found = this.table[slot]!;
    if (found >= 0) return found;
    this.table[slot] = index;
    return undefined;
  }

  /** The table slot of a plain decimal id below `limit` (no sign, no leading zero), else -1. */
  private slot(id: string): number {
    const length = id.length;
    if (length === 0 || length > 9 || (length > 1 && id.charCodeAt(0) === 0x30)) return -1;
    let value = 0;
    for (let i = 0; i < length; i++) {
      const digit = id.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) return -1;
      value = value * 10 + digit;
    }
    return value < this.limit ? value : -1;
  }
}

/**
 * Per-record working arrays of `buildHierarchy`, indexed like its usable records. One set of them is
 * kept between calls and grown on demand (the function runs once per 856 and never re-enters): typed
 * arrays made per set were a noticeable part of the work on a set of fifty levels.
 */
class HierarchyScratch {
  capacity = 0;
  /** `HlIndex` slots: two per record, and some room for ids that do not start at 1. */
  ids = new Int32Array(0);
  /** 0 unvisited, 1 on the current walk, 2 resolved. */
  state = new Uint8Array(0);
  /** Depth in the tree; 0 = not in the tree. */
  depth = new Int32Array(0);
  /** Index of the parent record (valid when the depth is above 1). */
  parent = new Int32Array(0);
  walk = new Int32Array(0);
  onWalkAt = new Int32Array(0);
  /** Record indices by depth, then position. */
  order = new Int32Array(0);
  /** Per depth, where its records start in `order` (a depth is at most the number of records). */
  depthStart = new Int32Array(0);
  /** Number of subordinate levels in the tree. */
  children = new Int32Array(0);
  /** Per parent, how many of its children are linked so far. */
  linkedChildren = new Int32Array(0);
  /** Index of each linked record's node in the nodes in link order. */
  linkedAt = new Int32Array(0);
  /**
   * Per depth, the path last made there: `pathMade[d]` is `${pathParent[d]}/${pathCode[d]}` ('' where
   * none is made). Emptied at the end of each call: nothing of a set's text is kept between calls.
   */
  pathParent: string[] = [];
  pathCode: string[] = [];
  pathMade: string[] = [];

  reserve(n: number): void {
    if (n <= this.capacity) return;
    const size = Math.max(n, this.capacity * 2, 64);
    this.capacity = size;
    this.ids = new Int32Array(idSlots(size));
    this.state = new Uint8Array(size);
    this.depth = new Int32Array(size);
    this.parent = new Int32Array(size);
    this.walk = new Int32Array(size);
    this.onWalkAt = new Int32Array(size);
    this.order = new Int32Array(size);
    this.depthStart = new Int32Array(size + 2);
    this.children = new Int32Array(size);
    this.linkedChildren = new Int32Array(size);
    this.linkedAt = new Int32Array(size);
    // A depth is at most the number of records.
    this.pathParent = new Array<string>(size + 1).fill('');
    this.pathCode = new Array<string>(size + 1).fill('');
    this.pathMade = new Array<string>(size + 1).fill('');
  }
}

const shared = new HierarchyScratch();
/** Larger sets get arrays of their own, so that one huge 856 does not leave them behind for good. */
const SHARED_RECORDS = 1 << 16;

function idSlots(records: number): number {
  return 2 * records + 16;
}

/**
 * Builds the 856 hierarchy from HL01/HL02 ids, not from segment order (a parent may even follow its
 * child). Missing parents, self-parents, cycles, duplicate ids and absurd depth become problems; every
 * pass is iterative and linear, so a 100,000-level chain costs what 100,000 siblings cost.
 */
export function buildHierarchy(
  records: readonly X12HlRecord[],
  maxDepth: number = DEFAULT_MAX_HL_DEPTH,
): X12Hierarchy {
  const problems: X12HierarchyProblem[] = [];
  const detached: X12HlRecord[] = [];
  const scratch = scratchFor(records.length);
  const usable = resolveLevels(records, maxDepth, scratch, problems, detached);
  const n = usable.length;
  const { depth, parent: parentOf } = scratch;
  // Subordinates per level, known before linking: a node is made with its children array at its
  // final size (none for a leaf), and its HL04 and its pattern are checked as it is linked, in one
  // pass. The roots and the nodes in the tree are counted too, so that no array of the result grows.
  const childCount = countChildren(n, depth, parentOf, scratch.children);
  const linkedChildren = scratch.linkedChildren.fill(0, 0, n);
  let rootCount = 0;
  let treeCount = 0;
  for (let i = 0; i < n; i++) {
    const d = depth[i]!;
    if (d !== 0) treeCount++;
    if (d === 1) rootCount++;
  }
  // A level whose parent has the path the last path made at its depth was made from, and the same
  // level code, takes that path: siblings, and cousins, mostly share their path. One string per
  // distinct path (not one per node) keeps `patterns` cheap, and equal paths are mostly the same
  // string, which `===` compares at once.
  const { pathParent, pathCode, pathMade } = scratch;
  let deepestPath = 0;
  // Link in set order, so children keep the order the sender gave. A parent always comes before its
  // children (by depth), so each node finds its parent's node through the parent's index.
  const roots = arrayOfSize<X12HlNode>(rootCount);
  let rootsLinked = 0;
  const linkedAt = scratch.linkedAt;
  // Levels out of the tree (depth 0) come first, then the nodes in link order.
  const order = orderByDepthThenPosition(usable, depth, scratch);
  // The nodes as they are linked: by depth, then position.
  const inOrder = arrayOfSize<HlNode>(treeCount);
  let linked = 0;
  const patterns = new Set<string>();
  // Consecutive leaves mostly share their path string: adding it again would change nothing.
  let lastPattern: string | undefined;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const r = usable[i]!;
    const d = depth[i]!;
    if (d === 0) {
      detached.push(r);
      continue;
    }
    let parent: HlNode | undefined;
    let path: string | undefined;
    if (d === 1) path = d > maxDepth ? undefined : r.levelCode;
    else {
      const p = parentOf[i]!;
      parent = inOrder[linkedAt[p]!]!;
      const parentPath = parent.path;
      if (d > maxDepth) path = undefined;
      else if (!parentPath)
        path = parentPath; // '' or undefined, as `parent.path && …` gives
      else if (parentPath === pathParent[d] && r.levelCode === pathCode[d]) path = pathMade[d];
      else {
        path = `${parentPath}/${r.levelCode}`;
        pathParent[d] = parentPath;
        pathCode[d] = r.levelCode;
        pathMade[d] = path;
        if (d > deepestPath) deepestPath = d;
      }
    }
    const count = childCount[i]!;
    const has = count > 0;
    const node = new HlNode(r, parent, d, path, has ? arrayOfSize<HlNode>(count) : NO_CHILDREN);
    linkedAt[i] = linked;
    inOrder[linked++] = node;
    // Every slot is written, in order: the arrays hold no hole once the loop is done.
    if (parent) parent.children[linkedChildren[parentOf[i]!]!++] = node;
    else roots[rootsLinked++] = node;
    if (!has && path && path !== lastPattern && patterns.size < 100) {
      patterns.add(path);
      lastPattern = path;
    }
    const declared = r.childCode;
    if ((declared === '1' && !has) || (declared === '0' && has)) problems.push(childCodeMismatch(r, has));
  }
  pathParent.fill('', 0, deepestPath + 1);
  pathCode.fill('', 0, deepestPath + 1);
  pathMade.fill('', 0, deepestPath + 1);
  if (problems.length > 1) problems.sort((a, b) => a.record.position - b.record.position);
  return new HlHierarchy(roots, inOrder, detached, [...patterns], problems);
}

/** Above it, `new Array(size)` may make a slow (dictionary) array: such arrays grow from empty. */
const PRESIZED_MAX = 1024;

/**
 * An array to be filled at indices 0, 1, … up to `size` (one growing array would allocate its
 * backing store several times over, and leave it up to half empty).
 */
function arrayOfSize<T>(size: number): T[] {
  return size <= PRESIZED_MAX ? new Array<T>(size) : [];
}

/**
 * The problems alone, as `buildHierarchy(records, maxDepth).problems` finds them (same problems, same
 * order), without linking nodes: for sets that are checked but not kept, where nobody reads the tree.
 * Positions must be unique, as the segments of one set give them.
 */
export function hierarchyProblems(
  records: readonly X12HlRecord[],
  maxDepth: number = DEFAULT_MAX_HL_DEPTH,
): readonly X12HierarchyProblem[] {
  const problems: X12HierarchyProblem[] = [];
  const scratch = scratchFor(records.length);
  const usable = resolveLevels(records, maxDepth, scratch, problems, []);
  const n = usable.length;
  const { depth, parent: parentOf } = scratch;
  // The problems are sorted by position below, and a record has at most one HL04 problem: the order
  // in which they are found changes nothing.
  const children = countChildren(n, depth, parentOf, scratch.children);
  for (let i = 0; i < n; i++) {
    if (depth[i] === 0) continue;
    const record = usable[i]!;
    const declared = record.childCode;
    const has = children[i]! > 0;
    if ((declared === '1' && !has) || (declared === '0' && has))
      problems.push(childCodeMismatch(record, has));
  }
  if (problems.length > 1) problems.sort((a, b) => a.record.position - b.record.position);
  return problems;
}

/**
 * Subordinates of each usable record in `out`: a level in the tree has them when another level in the
 * tree names it as parent (a level at depth 2 or more always has its parent in the tree).
 */
function countChildren(n: number, depth: Int32Array, parentOf: Int32Array, out: Int32Array): Int32Array {
  out.fill(0, 0, n);
  for (let i = 0; i < n; i++) if (depth[i]! >= 2) out[parentOf[i]!]!++;
  return out;
}

function childCodeMismatch(record: X12HlRecord, has: boolean): X12HierarchyProblem {
  return {
    kind: 'child-code-mismatch',
    record,
    elementPosition: 4,
    message: `HL04 ${record.childCode} but HL ${record.id} has ${has ? '' : 'no '}subordinate levels`,
  };
}

function scratchFor(records: number): HierarchyScratch {
  const scratch = records <= SHARED_RECORDS ? shared : new HierarchyScratch();
  scratch.reserve(records);
  return scratch;
}

/**
 * Drops duplicate HL01s and resolves every other record's depth (0 = out of the tree) and parent
 * into `scratch`, reporting what breaks the tree. Returns the usable records, indexed like `scratch`.
 */
function resolveLevels(
  records: readonly X12HlRecord[],
  maxDepth: number,
  scratch: HierarchyScratch,
  problems: X12HierarchyProblem[],
  detached: X12HlRecord[],
): readonly X12HlRecord[] {
  // The first record of each HL01, by its index among the usable ones: the records themselves until a
  // duplicate turns up (usually never), a copy without the duplicates from there on.
  const limit = idSlots(records.length);
  const indexOf = new HlIndex(scratch.ids.fill(-1, 0, limit), limit);
  let kept: X12HlRecord[] | undefined;
  for (let j = 0; j < records.length; j++) {
    const r = records[j]!;
    if (indexOf.add(r.id, kept === undefined ? j : kept.length) !== undefined) {
      problems.push({
        kind: 'duplicate-id',
        record: r,
        elementPosition: 1,
        message: `HL01 ${r.id} is used twice`,
      });
      detached.push(r);
      kept ??= records.slice(0, j);
      continue;
    }
    kept?.push(r);
  }
  const usable = kept ?? records;
  // Per usable record (by index, ids being unique among them): its state, its depth (0 = not in the
  // tree) and its parent's index. Typed arrays, not maps: this runs for every HL.
  const n = usable.length;
  const { state, depth, parent: parentOf, walk, onWalkAt } = scratch;
  state.fill(0, 0, n);
  for (let start = 0; start < n; start++) {
    if (state[start] === 2) continue;
    // Every record before `start` is resolved. When the parent is one of them (the usual order),
    // the walk below would stop at it at once: take its depth here.
    const first = usable[start]!;
    if (first.parentId !== '' && first.parentId !== first.id) {
      const parent = indexOf.get(first.parentId);
      if (parent !== undefined && parent < start) {
        const base = depth[parent]!;
        const d = base === 0 ? 0 : base + 1;
        parentOf[start] = parent;
        state[start] = 2;
        depth[start] = d;
        if (d === maxDepth + 1) problems.push(tooDeep(first, d, maxDepth));
        continue;
      }
    }
    let top = 0;
    let r = start;
    let base: number; // depth of the first resolved ancestor; 0 when the chain is broken, -1 at a root
    for (;;) {
      const s = state[r];
      if (s === 2) {
        base = depth[r]!;
        break;
      }
      if (s === 1) {
        // r is on this walk: r and every record after it on the walk form a cycle.
        const from = onWalkAt[r]!;
        for (let k = from; k < top; k++) {
          const c = walk[k]!;
          const record = usable[c]!;
          problems.push({
            kind: 'cycle',
            record,
            elementPosition: 2,
            message: `HL ${record.id} is part of a parent cycle`,
          });
          state[c] = 2;
          depth[c] = 0;
        }
        top = from;
        base = 0;
        break;
      }
      state[r] = 1;
      onWalkAt[r] = top;
      walk[top++] = r;
      const record = usable[r]!;
      if (record.parentId === '') {
        base = -1; // r is a root
        break;
      }
      if (record.parentId === record.id) {
        problems.push({
          kind: 'self-parent',
          record,
          elementPosition: 2,
          message: `HL ${record.id} names itself as parent`,
        });
        base = 0;
        top--;
        state[r] = 2;
        depth[r] = 0;
        break;
      }
      const parent = indexOf.get(record.parentId);
      if (parent === undefined) {
        problems.push({
          kind: 'missing-parent',
          record,
          elementPosition: 2,
          message: `HL ${record.id} names parent ${record.parentId}, which is not in the set`,
        });
        base = 0;
        top--;
        state[r] = 2;
        depth[r] = 0;
        break;
      }
      parentOf[r] = parent;
      r = parent;
    }
    // Resolve the walk from the top down: a root has depth 1, a broken chain stays out of the tree.
    let d = base === -1 ? 0 : base;
    for (let k = top - 1; k >= 0; k--) {
      const w = walk[k]!;
      d = base === 0 && d === 0 ? 0 : d + 1;
      state[w] = 2;
      depth[w] = d;
      if (d === maxDepth + 1) problems.push(tooDeep(usable[w]!, d, maxDepth));
    }
  }

  return usable;
}

function tooDeep(record: X12HlRecord, d: number, maxDepth: number): X12HierarchyProblem {
  return {
    kind: 'too-deep',
    record,
    elementPosition: 2,
    message: `HL ${record.id} is nested ${d} levels deep (limit ${maxDepth})`,
  };
}

/**
 * The record indices by depth, then position (a stable order), in `scratch.order`. Records come in
 * set order, so a counting sort on depth is enough; any other order takes the general sort.
 */
function orderByDepthThenPosition(
  records: readonly X12HlRecord[],
  depth: Int32Array,
  scratch: HierarchyScratch,
): Int32Array {
  const out = scratch.order;
  const n = records.length;
  let inOrder = true;
  let deepest = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && records[i]!.position < records[i - 1]!.position) inOrder = false;
    if (depth[i]! > deepest) deepest = depth[i]!;
  }
  if (!inOrder) {
    const sorted = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => depth[a]! - depth[b]! || records[a]!.position - records[b]!.position,
    );
    for (let i = 0; i < n; i++) out[i] = sorted[i]!;
    return out;
  }
  const start = scratch.depthStart.fill(0, 0, deepest + 2);
  for (let i = 0; i < n; i++) start[depth[i]! + 1]!++;
  for (let d = 1; d <= deepest + 1; d++) start[d]! += start[d - 1]!;
  for (let i = 0; i < n; i++) out[start[depth[i]!]!++] = i;
  return out;
}

/** Visits a hierarchy depth-first in set order without recursion (safe on any depth). */
export function* walkHierarchy(roots: readonly X12HlNode[]): Generator<X12HlNode> {
  const stack: X12HlNode[] = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k]!);
  }
}
