import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildHierarchy,
  hierarchyProblems,
  walkHierarchy,
  type X12Hierarchy,
  type X12HlRecord,
} from './hierarchy.js';

/**
 * `resolveLevels` takes a level whose parent came before it in one step and walks up the chain for
 * any other. The hierarchy depends on the ids and positions, not on the order of the records: the
 * same records in another order (parents after children, so that every walk is taken) must give the
 * same tree, problems and patterns.
 */
function shape(h: X12Hierarchy): unknown {
  return {
    tree: [...walkHierarchy(h.roots)].map((n) => [
      n.record.position,
      n.depth,
      n.path,
      n.parent?.record.position,
      n.children.map((c) => c.record.position),
    ]),
    byId: [...h.byId.values()].map((n) => n.record.position),
    detached: h.detached.map((r) => r.position).sort((a, b) => a - b),
    patterns: h.patterns,
    problems: h.problems.map((p) => [p.kind, p.record.position, p.elementPosition, p.message]),
  };
}

/** Levels with unique ids (a duplicate HL01 is decided by order); parents mostly among the earlier ones. */
const levels = fc
  .array(
    fc.record({
      parent: fc.oneof(fc.nat(40), fc.constant(-1)),
      levelCode: fc.constantFrom('S', 'O', 'P', 'I'),
      childCode: fc.constantFrom('', '0', '1'),
    }),
    { maxLength: 40 },
  )
  .map((ls) =>
    ls.map((l, k): X12HlRecord => ({
      id: String(k + 1),
      // A parent before the level most of the time; any other id (itself, a later level, none in
      // the set) makes self-parents, cycles and missing parents.
      parentId: l.parent < 0 ? '' : String(l.parent % 3 === 0 ? l.parent + 1 : (l.parent % (k + 1)) + 1),
      levelCode: l.levelCode,
      childCode: l.childCode,
      position: k + 3,
      at: { offset: k * 10, segmentIndex: k + 3 },
    })),
  );

describe('HL records in any order', () => {
  it('builds the same hierarchy from the records in set order and shuffled', () => {
    fc.assert(
      fc.property(
        levels.chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length }))),
        fc.constantFrom(64, 3, 1),
        ([rs, shuffled], maxDepth) => {
          expect(shape(buildHierarchy(shuffled, maxDepth))).toEqual(shape(buildHierarchy(rs, maxDepth)));
          expect(hierarchyProblems(shuffled, maxDepth)).toEqual(buildHierarchy(rs, maxDepth).problems);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives leaves an empty children array that cannot be written to', () => {
    const h = buildHierarchy([
      {
        id: '1',
        parentId: '',
        levelCode: 'S',
        childCode: '1',
        position: 3,
        at: { offset: 0, segmentIndex: 3 },
      },
      {
        id: '2',
        parentId: '1',
        levelCode: 'I',
        childCode: '0',
        position: 4,
        at: { offset: 9, segmentIndex: 4 },
      },
    ]);
    const leaf = h.roots[0]!.children[0]!;
    expect(leaf.children).toEqual([]);
    expect(Object.isFrozen(leaf.children)).toBe(true);
    expect(Object.isFrozen(h.roots[0]!.children)).toBe(false);
  });
});
