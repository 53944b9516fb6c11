import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHierarchy, walkHierarchy, type X12HlNode, type X12HlRecord } from './hierarchy.js';

/**
 * `buildHierarchy` makes its arrays at their final size and fills them by index, and shares a path
 * string among the levels of one set that have the same path. Checked here against what the tree
 * must be: no array has a hole, each node's children are the nodes naming it as parent in set order,
 * and each path is its parent's path and its level code, whichever string object holds it.
 */
function hl(id: string, parentId: string, levelCode: string, position: number): X12HlRecord {
  return {
    id,
    parentId,
    levelCode,
    childCode: '',
    position,
    at: { offset: position * 10, segmentIndex: position },
  };
}

/** Every index below `length` holds a value (an array filled by index must leave none out). */
function expectPacked(array: readonly unknown[]): void {
  expect(Object.keys(array).length).toBe(array.length);
}

function expectSound(nodes: readonly X12HlNode[], roots: readonly X12HlNode[], maxDepth: number): void {
  expectPacked(roots);
  const byParent = new Map<X12HlNode, X12HlNode[]>();
  for (const node of nodes)
    if (node.parent) byParent.set(node.parent, [...(byParent.get(node.parent) ?? []), node]);
  for (const node of nodes) {
    expectPacked(node.children);
    const expected = (byParent.get(node) ?? []).sort((a, b) => a.record.position - b.record.position);
    // By identity: the nodes point at each other.
    expect(node.children.length).toBe(expected.length);
    expect(node.children.every((c, k) => c === expected[k])).toBe(true);
    const path =
      node.depth > maxDepth
        ? undefined
        : node.parent === undefined
          ? node.record.levelCode
          : node.parent.path && `${node.parent.path}/${node.record.levelCode}`;
    expect(node.path).toBe(path);
  }
  expect(roots.every((r) => r.parent === undefined && r.depth === 1)).toBe(true);
}

/** Levels with unique ids; parents mostly among the earlier ones, some missing, some in a cycle. */
const levels = fc
  .array(
    fc.record({
      parent: fc.oneof(fc.nat(30), fc.constant(-1)),
      levelCode: fc.constantFrom('S', 'O', 'P', 'I', ''),
    }),
    { maxLength: 40 },
  )
  .map((ls) =>
    ls.map((l, k) =>
      hl(String(k + 1), l.parent < 0 ? '' : String((l.parent % (k + 2)) + 1), l.levelCode, k + 3),
    ),
  );

describe('buildHierarchy arrays and paths', () => {
  it('fills every array without holes, links children in set order and makes every path', () => {
    fc.assert(
      fc.property(
        levels.chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length }))),
        fc.constantFrom(64, 3, 1),
        ([rs, shuffled], maxDepth) => {
          for (const records of [rs, shuffled]) {
            const h = buildHierarchy(records, maxDepth);
            const nodes = [...walkHierarchy(h.roots)];
            expect(nodes.length + h.detached.length).toBe(records.length);
            expect([...h.byId.values()].length).toBe(nodes.length);
            expectSound(nodes, h.roots, maxDepth);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does the same for more roots and more children than it makes arrays for in advance', () => {
    const n = 3000;
    const records: X12HlRecord[] = [];
    for (let k = 0; k < n; k++) records.push(hl(`r${k}`, '', 'S', records.length + 3));
    for (let k = 0; k < n; k++)
      records.push(hl(`c${k}`, k % 2 === 0 ? 'r0' : 'r1', k % 3 ? 'I' : 'P', records.length + 3));
    const h = buildHierarchy(records);
    expect(h.roots.length).toBe(n);
    expect(h.roots[0]!.children.length + h.roots[1]!.children.length).toBe(n);
    expectSound([...walkHierarchy(h.roots)], h.roots, 64);
    expect([...h.patterns].sort()).toEqual(['S', 'S/I', 'S/P']);
  });
});
