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
  readonly children: X12HlNode[];
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

/** Deeper than any 856 layout (S/O/T/P/I is five levels); past it a chain is reported, not followed. */
export const DEFAULT_MAX_HL_DEPTH = 64;

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
  // The first record of each HL01, by its index among the usable ones.
  const indexOf = new Map<string, number>();
  const usable: X12HlRecord[] = [];
  for (const r of records) {
    if (indexOf.has(r.id)) {
      problems.push({
        kind: 'duplicate-id',
        record: r,
        elementPosition: 1,
        message: `HL01 ${r.id} is used twice`,
      });
      detached.push(r);
      continue;
    }
    indexOf.set(r.id, usable.length);
    usable.push(r);
  }

  // Per usable record (by index, ids being unique among them): 0 unvisited, 1 on the current walk,
  // 2 resolved; its depth, 0 = not in the tree. Typed arrays, not maps: this runs for every HL.
  const n = usable.length;
  const state = new Uint8Array(n);
  const depth = new Float64Array(n);
  const walk = new Int32Array(n);
  const onWalkAt = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (state[start] === 2) continue;
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
      r = parent;
    }
    // Resolve the walk from the top down: a root has depth 1, a broken chain stays out of the tree.
    let d = base === -1 ? 0 : base;
    for (let k = top - 1; k >= 0; k--) {
      const w = walk[k]!;
      d = base === 0 && d === 0 ? 0 : d + 1;
      state[w] = 2;
      depth[w] = d;
      if (d === maxDepth + 1) {
        const record = usable[w]!;
        problems.push({
          kind: 'too-deep',
          record,
          elementPosition: 2,
          message: `HL ${record.id} is nested ${d} levels deep (limit ${maxDepth})`,
        });
      }
    }
  }

  // Link in set order, so children keep the order the sender gave.
  const byId = new Map<string, X12HlNode>();
  const roots: X12HlNode[] = [];
  const patterns = new Set<string>();
  const ordered = byDepthThenPosition(usable, depth);
  for (const i of ordered) {
    const r = usable[i]!;
    const d = depth[i]!;
    if (d === 0) {
      detached.push(r);
      continue;
    }
    const parent = d === 1 ? undefined : byId.get(r.parentId)!;
    const path =
      d > maxDepth ? undefined : parent ? parent.path && `${parent.path}/${r.levelCode}` : r.levelCode;
    const node: X12HlNode = { record: r, parent, children: [], depth: d, path };
    byId.set(r.id, node);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of byId.values()) {
    const declared = node.record.childCode;
    const has = node.children.length > 0;
    if (node.children.length === 0 && node.path && patterns.size < 100) patterns.add(node.path);
    if ((declared === '1' && !has) || (declared === '0' && has)) {
      problems.push({
        kind: 'child-code-mismatch',
        record: node.record,
        elementPosition: 4,
        message: `HL04 ${declared} but HL ${node.record.id} has ${has ? '' : 'no '}subordinate levels`,
      });
    }
  }
  problems.sort((a, b) => a.record.position - b.record.position);
  return { roots, byId, detached, patterns: [...patterns], problems };
}

/**
 * Indices of the records by depth, then position (a stable order). Records come in set order, so a
 * counting sort on depth is enough; any other order takes the general sort.
 */
function byDepthThenPosition(records: readonly X12HlRecord[], depth: Float64Array): number[] {
  const n = records.length;
  let inOrder = true;
  let deepest = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && records[i]!.position < records[i - 1]!.position) inOrder = false;
    if (depth[i]! > deepest) deepest = depth[i]!;
  }
  if (!inOrder) {
    return Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => depth[a]! - depth[b]! || records[a]!.position - records[b]!.position,
    );
  }
  const start = new Int32Array(deepest + 2);
  for (let i = 0; i < n; i++) start[depth[i]! + 1]!++;
  for (let d = 1; d <= deepest + 1; d++) start[d]! += start[d - 1]!;
  const out = new Array<number>(n);
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
