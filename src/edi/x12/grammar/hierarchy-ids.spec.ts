import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHierarchy, walkHierarchy, type X12Hierarchy, type X12HlRecord } from './hierarchy.js';

/**
 * `buildHierarchy` looks small decimal HL01 values up in a table and every other id in a map, and it
 * shares path strings between siblings. Renaming every id one-to-one (so that all of them take the map)
 * must not change the hierarchy: same tree, same problems on the same records, same paths.
 */
function shape(h: X12Hierarchy): unknown {
  return {
    tree: [...walkHierarchy(h.roots)].map((n) => [n.record.position, n.depth, n.path, n.children.length]),
    byId: [...h.byId.values()].map((n) => n.record.position),
    detached: h.detached.map((r) => r.position),
    patterns: h.patterns,
    problems: h.problems.map((p) => [p.kind, p.record.position, p.elementPosition]),
  };
}

const id = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.constantFrom('', '01', '007', '1000000', '999999999999', 'A', '-1', '1.0', ' 1'),
);
const records = fc
  .array(
    fc.record({
      id,
      parentId: id,
      levelCode: fc.constantFrom('S', 'O', 'P', 'I', 'T', ''),
      childCode: fc.constantFrom('', '0', '1'),
    }),
    { maxLength: 40 },
  )
  .map((rs) =>
    rs.map((r, k): X12HlRecord => ({ ...r, position: k + 3, at: { offset: k * 10, segmentIndex: k + 3 } })),
  );

describe('HL ids as numbers and as strings', () => {
  it('builds the same hierarchy when every id is renamed one-to-one', () => {
    fc.assert(
      fc.property(records, fc.constantFrom(64, 3, 1), (rs, maxDepth) => {
        // '' (no parent) stays ''; any other id gets a prefix that is no digit.
        const renamed = rs.map((r) => ({
          ...r,
          id: r.id === '' ? '' : `x${r.id}`,
          parentId: r.parentId === '' ? '' : `x${r.parentId}`,
        }));
        expect(shape(buildHierarchy(renamed, maxDepth))).toEqual(shape(buildHierarchy(rs, maxDepth)));
      }),
      { numRuns: 500 },
    );
  });

  it('tells ids with leading zeros and large numbers from the small numbers', () => {
    const at = (k: number) => ({ position: k, at: { offset: k, segmentIndex: k } });
    const h = buildHierarchy([
      { id: '1', parentId: '', levelCode: 'S', childCode: '1', ...at(3) },
      { id: '01', parentId: '1', levelCode: 'O', childCode: '1', ...at(4) },
      { id: '2', parentId: '01', levelCode: 'I', childCode: '0', ...at(5) },
      { id: '4294967298', parentId: '2', levelCode: 'I', childCode: '', ...at(6) },
      { id: '3', parentId: '001', levelCode: 'I', childCode: '', ...at(7) },
    ]);
    expect([...h.byId.keys()]).toEqual(['1', '01', '2', '4294967298']);
    expect(h.problems.map((p) => [p.kind, p.record.id])).toEqual([
      ['child-code-mismatch', '2'],
      ['missing-parent', '3'],
    ]);
    expect(h.patterns).toEqual(['S/O/I/I']);
  });
});
