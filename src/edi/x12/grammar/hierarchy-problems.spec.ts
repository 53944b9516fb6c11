import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHierarchy, hierarchyProblems, type X12HlRecord } from './hierarchy.js';

/**
 * Sets that are checked but not kept get their HL problems from `hierarchyProblems`, which links no
 * nodes. The acknowledgment must not tell the difference: the same problems, in the same order, with
 * the same messages, on any records (duplicates, cycles, missing parents, records out of set order).
 */
const id = fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.constantFrom('', '01', '1000000', 'A'));
const records = fc
  .tuple(
    fc.array(
      fc.record({
        id,
        parentId: id,
        levelCode: fc.constantFrom('S', 'O', 'P', 'I', ''),
        childCode: fc.constantFrom('', '0', '1', '2'),
      }),
      { maxLength: 30 },
    ),
    fc.nat(29),
  )
  .map(([rs, shift]) =>
    rs.map((r, k): X12HlRecord => {
      // Positions are unique, as in a set; a shift puts some records after others that follow them.
      const position = ((k + shift) % rs.length) + 3;
      return { ...r, position, at: { offset: k * 10, segmentIndex: position } };
    }),
  );

describe('hierarchyProblems', () => {
  it('finds what buildHierarchy finds, in the same order', () => {
    fc.assert(
      fc.property(records, fc.constantFrom(64, 3, 1), (rs, maxDepth) => {
        expect(hierarchyProblems(rs, maxDepth)).toEqual(buildHierarchy(rs, maxDepth).problems);
      }),
      { numRuns: 1000 },
    );
  });

  it('reports a wrong HL04 both ways', () => {
    const at = (k: number) => ({ position: k, at: { offset: k, segmentIndex: k } });
    const rs: X12HlRecord[] = [
      { id: '1', parentId: '', levelCode: 'S', childCode: '0', ...at(2) },
      { id: '2', parentId: '1', levelCode: 'O', childCode: '1', ...at(3) },
    ];
    expect(hierarchyProblems(rs).map((p) => p.message)).toEqual([
      'HL04 0 but HL 1 has subordinate levels',
      'HL04 1 but HL 2 has no subordinate levels',
    ]);
    expect(hierarchyProblems(rs)).toEqual(buildHierarchy(rs).problems);
  });
});
