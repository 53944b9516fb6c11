import { describe, expect, it } from 'vitest';
import { buildHierarchy, walkHierarchy, type X12HlRecord } from './hierarchy.js';

let position = 2;
function hl(id: string, parentId: string, levelCode: string, childCode = ''): X12HlRecord {
  position++;
  return {
    id,
    parentId,
    levelCode,
    childCode,
    position,
    at: { offset: position * 10, segmentIndex: position },
  };
}

const kinds = (records: X12HlRecord[]) => buildHierarchy(records).problems.map((p) => [p.kind, p.record.id]);

describe('856 hierarchy from HL01/HL02', () => {
  it('builds S/O/P/I, S/O/I and S/T/P/I trees and reports their level paths', () => {
    const sopi = buildHierarchy([
      hl('1', '', 'S'),
      hl('2', '1', 'O'),
      hl('3', '2', 'P'),
      hl('4', '3', 'I'),
      hl('5', '2', 'P'),
      hl('6', '5', 'I'),
    ]);
    expect(sopi.problems).toEqual([]);
    expect(sopi.roots.map((r) => r.record.id)).toEqual(['1']);
    expect(sopi.patterns).toEqual(['S/O/P/I']);
    expect([...walkHierarchy(sopi.roots)].map((n) => `${n.record.id}:${n.depth}`)).toEqual([
      '1:1',
      '2:2',
      '3:3',
      '4:4',
      '5:3',
      '6:4',
    ]);

    expect(
      buildHierarchy([hl('1', '', 'S'), hl('2', '1', 'O'), hl('3', '2', 'I'), hl('4', '2', 'I')]).patterns,
    ).toEqual(['S/O/I']);
    const stpi = buildHierarchy([
      hl('1', '', 'S'),
      hl('2', '1', 'O'),
      hl('3', '2', 'T'),
      hl('4', '3', 'P'),
      hl('5', '4', 'I'),
    ]);
    expect(stpi.patterns).toEqual(['S/O/T/P/I']);
    // Pick/pack: shipment, tare, pack, item without an order level.
    expect(
      buildHierarchy([hl('1', '', 'S'), hl('2', '1', 'T'), hl('3', '2', 'P'), hl('4', '3', 'I')]).patterns,
    ).toEqual(['S/T/P/I']);
  });

  it('takes parents from HL02, not from segment order (a parent may come after its child)', () => {
    const h = buildHierarchy([hl('1', '', 'S'), hl('3', '2', 'I'), hl('2', '1', 'O')]);
    expect(h.problems).toEqual([]);
    expect(h.byId.get('3')!.parent!.record.id).toBe('2');
    expect(h.byId.get('2')!.children.map((c) => c.record.id)).toEqual(['3']);
  });

  it('reports missing parents, self-parents, cycles and duplicate ids, and keeps them out of the tree', () => {
    const h = buildHierarchy([
      hl('1', '', 'S', '1'),
      hl('2', '9', 'O'),
      hl('3', '3', 'I'),
      hl('4', '5', 'P'),
      hl('5', '4', 'I'),
      hl('6', '4', 'I'), // hangs below a cycle
      hl('1', '', 'S'),
    ]);
    // In set order; HL 1 says it has children (HL04 1), but its only child names a missing parent.
    expect(h.problems.map((p) => [p.kind, p.record.id, p.elementPosition])).toEqual([
      ['child-code-mismatch', '1', 4],
      ['missing-parent', '2', 2],
      ['self-parent', '3', 2],
      ['cycle', '4', 2],
      ['cycle', '5', 2],
      ['duplicate-id', '1', 1],
    ]);
    expect(h.roots.map((r) => r.record.id)).toEqual(['1']);
    expect(h.detached.map((r) => r.id).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('survives a 100,000-level chain in either order: one too-deep problem, no recursion', () => {
    const n = 100_000;
    const chain = Array.from({ length: n }, (_, k) => hl(String(k + 1), k === 0 ? '' : String(k), 'I'));
    for (const records of [chain, [...chain].reverse()]) {
      const h = buildHierarchy(records, 64);
      expect(h.problems.map((p) => [p.kind, p.record.id])).toEqual([['too-deep', '65']]);
      let count = 0;
      let deepest = 0;
      for (const node of walkHierarchy(h.roots)) {
        count++;
        deepest = Math.max(deepest, node.depth);
      }
      expect([count, deepest]).toEqual([n, n]);
      expect(h.byId.get(String(n))!.path).toBeUndefined();
    }
  });

  it('handles a 100,000-long cycle and 100,000 siblings linearly', () => {
    const n = 100_000;
    const ring = Array.from({ length: n }, (_, k) => hl(String(k + 1), String(((k + 1) % n) + 1), 'P'));
    expect(buildHierarchy(ring).problems.length).toBe(n);
    const flat = [hl('0', '', 'S'), ...Array.from({ length: n }, (_, k) => hl(String(k + 1), '0', 'I'))];
    const h = buildHierarchy(flat);
    expect(h.problems).toEqual([]);
    expect(h.roots[0]!.children.length).toBe(n);
  });

  it('notes an HL04 that contradicts the tree', () => {
    expect(kinds([hl('1', '', 'S', '0'), hl('2', '1', 'I', '1')])).toEqual([
      ['child-code-mismatch', '1'],
      ['child-code-mismatch', '2'],
    ]);
  });
});
