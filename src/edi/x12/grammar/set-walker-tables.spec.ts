import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultX12Grammars } from './grammar-registry.js';
import type { X12SegmentNode } from './grammar.types.js';
import { X12SetWalker } from './set-walker.js';

/**
 * `commit` answers from the walker's per-loop tables (each child's maximum use and the segment node
 * it places) instead of reading the grammar's nodes. Whatever a walk places, the answer must be the
 * grammar's own node: the child placed, or the trigger of the loop entered, with over-max problems
 * as the nodes' `max` and the counts of the open iteration say.
 */
const grammars = defaultX12Grammars();

describe('X12SetWalker placement tables', () => {
  for (const [setId, version] of [
    ['850', '004010'],
    ['856', '005010'],
  ] as const) {
    const grammar = grammars.find(setId, version)!;
    const ids = [...grammar.segmentIds];
    // Long runs of few ids, so that maximum uses (loops and segments) are reached and passed.
    const sequence = fc.array(fc.constantFrom(...ids), { maxLength: 200 });

    it(`returns the ${setId} grammar's own node and its over-max problems`, () => {
      fc.assert(
        fc.property(sequence, (placed) => {
          const w = new X12SetWalker(grammar, () => undefined);
          for (const id of placed) {
            const node = w.place(id);
            if (node === undefined) continue;
            const top = w.frames[w.frames.length - 1]!;
            const child = top.loop.children[top.pos]!;
            // The segment placed is the top frame's child at its position, or the trigger of the loop
            // just entered (the top frame, at its first child).
            let expected: X12SegmentNode;
            let problem: string | undefined;
            if (child.kind === 'segment') {
              expected = child;
              problem = top.counts[top.pos]! > child.max ? 'segment-over-max' : undefined;
            } else {
              throw new Error('the top frame is never positioned on a loop');
            }
            if (top.pos === 0 && w.frames.length > 1 && top.counts[0] === 1) {
              // Entering a loop: its iteration is checked against the loop's maximum.
              const loop = top.loop;
              expected = loop.children[0] as X12SegmentNode;
              problem = top.iteration > loop.max ? 'loop-over-max' : undefined;
            }
            expect(node).toBe(expected);
            expect(node.id).toBe(id);
            expect(w.problem).toBe(problem);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
