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
  const first = new Map<string, X12HlRecord>();
  const usable: X12HlRecord[] = [];
  for (const r of records) {
    if (first.has(r.id)) {
      problems.push({
        kind: 'duplicate-id',
        record: r,
        elementPosition: 1,
        message: `HL01 ${r.id} is used twice`,
      });
      detached.push(r);
      continue;
    }
    first.set(r.id, r);
    usable.push(r);
  }

  // State per record: 0 unvisited, 1 on the current walk, 2 resolved. Depth 0 = not in the tree.
  const state = new Map<string, number>();
  const depth = new Map<string, number>();
  const walk: X12HlRecord[] = [];
  for (const start of usable) {
    if (state.get(start.id) === 2) continue;
    walk.length = 0;
    let r: X12HlRecord | undefined = start;
    let base = 0; // depth of the first resolved ancestor; 0 when the chain is broken
    while (r) {
      const s = state.get(r.id) ?? 0;
      if (s === 2) {
        base = depth.get(r.id)!;
        break;
      }
      if (s === 1) {
        // r is on this walk: r and every record after it on the walk form a cycle.
        const from = walk.indexOf(r);
        for (const c of walk.slice(from)) {
          problems.push({
            kind: 'cycle',
            record: c,
            elementPosition: 2,
            message: `HL ${c.id} is part of a parent cycle`,
          });
          state.set(c.id, 2);
          depth.set(c.id, 0);
        }
        walk.length = from;
        base = 0;
        break;
      }
      state.set(r.id, 1);
      walk.push(r);
      if (r.parentId === '') {
        base = -1; // r is a root
        break;
      }
      if (r.parentId === r.id) {
        problems.push({
          kind: 'self-parent',
          record: r,
          elementPosition: 2,
          message: `HL ${r.id} names itself as parent`,
        });
        base = 0;
        walk.pop();
        state.set(r.id, 2);
        depth.set(r.id, 0);
        break;
      }
      const parent = first.get(r.parentId);
      if (!parent) {
        problems.push({
          kind: 'missing-parent',
          record: r,
          elementPosition: 2,
          message: `HL ${r.id} names parent ${r.parentId}, which is not in the set`,
        });
        base = 0;
        walk.pop();
        state.set(r.id, 2);
        depth.set(r.id, 0);
        break;
      }
      r = parent;
    }
    // Resolve the walk from the top down: a root has depth 1, a broken chain stays out of the tree.
    let d = base === -1 ? 0 : base;
    for (let k = walk.length - 1; k >= 0; k--) {
      const w = walk[k]!;
      d = base === 0 && d === 0 ? 0 : d + 1;
      state.set(w.id, 2);
      depth.set(w.id, d);
      if (d === maxDepth + 1) {
        problems.push({
          kind: 'too-deep',
          record: w,
          elementPosition: 2,
          message: `HL ${w.id} is nested ${d} levels deep (limit ${maxDepth})`,
        });
      }
    }
  }

  // Link in set order, so children keep the order the sender gave.
  const byId = new Map<string, X12HlNode>();
  const roots: X12HlNode[] = [];
  const patterns = new Set<string>();
  const ordered = [...usable].sort(
    (a, b) => (depth.get(a.id) ?? 0) - (depth.get(b.id) ?? 0) || a.position - b.position,
  );
  for (const r of ordered) {
    const d = depth.get(r.id) ?? 0;
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

/** Visits a hierarchy depth-first in set order without recursion (safe on any depth). */
export function* walkHierarchy(roots: readonly X12HlNode[]): Generator<X12HlNode> {
  const stack: X12HlNode[] = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k]!);
  }
}
