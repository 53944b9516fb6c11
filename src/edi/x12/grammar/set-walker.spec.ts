import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultX12Grammars } from './grammar-registry.js';
import type { X12GrammarNode, X12SetGrammar } from './grammar.types.js';
import { segmentIdCode } from '../segment.js';
import { X12SetWalker } from './set-walker.js';

/**
 * The walker keeps its loop frames for the whole walk and clears a frame's counts when the frame
 * closes, and it looks ids up in a packed table. A walker that has already walked a set (and was
 * finished) must therefore place the next set exactly as a fresh walker does, and ids the table does
 * not hold must get the same answers as before.
 */
const grammars = defaultX12Grammars();

function trace(walker: X12SetWalker, out: string[], ids: readonly string[]): void {
  for (const id of ids) {
    const node = walker.place(id);
    const frames = walker.frames.map((f) => `${f.loop.id || 'set'}:${f.pos}#${f.iteration}`).join('/');
    out.push(node ? `${id} ${frames} ${walker.problem ?? ''}` : `${id} ${walker.problem}`);
  }
  walker.finish();
  out.push('finish');
}

function walker(grammar: X12SetGrammar, out: string[]): X12SetWalker {
  return new X12SetWalker(grammar, (node: X12GrammarNode, loop) =>
    out.push(`missing ${node.kind === 'segment' ? node.id : node.trigger} in ${loop.id || 'set'}`),
  );
}

describe('X12SetWalker', () => {
  for (const [setId, version] of [
    ['850', '004010'],
    ['856', '005010'],
  ] as const) {
    const grammar = grammars.find(setId, version)!;
    const ids = [...grammar.segmentIds, 'ZZ', 'XYZ', 'ISA'];
    const sequence = fc.array(fc.constantFrom(...ids), { maxLength: 60 });

    it(`places a ${setId} the same after walking another one as a fresh walker does`, () => {
      fc.assert(
        fc.property(sequence, sequence, (first, second) => {
          const reused: string[] = [];
          const w = walker(grammar, reused);
          trace(w, [], first);
          trace(w, reused, second);
          const fresh: string[] = [];
          trace(walker(grammar, fresh), fresh, second);
          expect(reused.slice(reused.length - fresh.length)).toEqual(fresh);
        }),
        { numRuns: 300 },
      );
    });

    it(`places a ${setId} the same after a set left without finish (no SE) and a restart`, () => {
      fc.assert(
        fc.property(sequence, sequence, (first, second) => {
          const reused: string[] = [];
          const w = walker(grammar, reused);
          for (const id of first) w.place(id);
          w.restart((node, loop) =>
            reused.push(`missing ${node.kind === 'segment' ? node.id : node.trigger} in ${loop.id || 'set'}`),
          );
          const before = reused.length;
          trace(w, reused, second);
          const fresh: string[] = [];
          trace(walker(grammar, fresh), fresh, second);
          expect(reused.slice(before)).toEqual(fresh);
        }),
        { numRuns: 300 },
      );
    });

    it(`places a ${setId} the same by integer id (placeCode) as by string`, () => {
      fc.assert(
        fc.property(sequence, (ids) => {
          const byString: string[] = [];
          trace(walker(grammar, byString), byString, ids);
          const byCode: string[] = [];
          const w = walker(grammar, byCode);
          for (const id of ids) {
            const code = segmentIdCode(id);
            const node = code >= 0 ? w.placeCode(code, { id }) : w.place(id);
            const frames = w.frames.map((f) => `${f.loop.id || 'set'}:${f.pos}#${f.iteration}`).join('/');
            byCode.push(node ? `${id} ${frames} ${w.problem ?? ''}` : `${id} ${w.problem}`);
          }
          w.finish();
          byCode.push('finish');
          expect(byCode).toEqual(byString);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('answers ids of other lengths and characters without placing them', () => {
    const grammar = grammars.find('850', '004010')!;
    const out: string[] = [];
    trace(walker(grammar, out), out, ['BEG', 'BEGX', '', 'B', 'BE\u0100', 'N1\u0000', 'PO1']);
    expect(out.filter((line) => !line.startsWith('missing'))).toEqual([
      'BEG set:0#1 ',
      'BEGX segment-id-unrecognized',
      ' segment-id-unrecognized',
      'B segment-id-unrecognized',
      'BE\u0100 segment-id-unrecognized',
      'N1\u0000 segment-id-unrecognized',
      'PO1 set:23#1/PO1:0#1 ',
      'finish',
    ]);
  });
});
