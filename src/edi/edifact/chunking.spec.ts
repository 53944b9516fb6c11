import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdifactTokenizer } from './tokenizer.js';
import { expectedElements, generatedInterchange, mutate, mutation } from './fixtures/generators.js';

/** Everything observable from one tokenization: segments with positions and values, findings. */
function observe(bytes: Uint8Array, cuts: readonly number[]): string {
  const log: unknown[] = [];
  const t = new EdifactTokenizer({
    segment: (v) => log.push([v.segmentIndex, v.offset, v.rawLength, v.elements()]),
    issue: (i) => log.push(['issue', i.kind, i.code, i.offset, i.segmentIndex, i.length, i.controlNumbers]),
  });
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(cut, bytes.length);
    t.write(bytes.subarray(from, Math.max(from, at)));
    from = Math.max(from, at);
  }
  t.write(bytes.subarray(from));
  t.end();
  return JSON.stringify(log);
}

describe('EDIFACT chunk-size invariance', () => {
  it('round-trips generated interchanges exactly (values unescaped, repetitions, components)', () => {
    fc.assert(
      fc.property(generatedInterchange, ({ text, delimiters, body }) => {
        const segments: unknown[] = [];
        const issues: unknown[] = [];
        const t = new EdifactTokenizer({
          segment: (v) => segments.push(v.elements()),
          issue: (i) => issues.push(i),
        });
        t.write(Buffer.from(text, 'utf8'));
        t.end();
        expect(issues).toEqual([]);
        const skip = delimiters.una === undefined ? 1 : 2;
        expect(segments.slice(skip, skip + body.length)).toEqual(
          body.map((s) => expectedElements(s, delimiters)),
        );
        expect(segments).toHaveLength(skip + body.length + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('gives identical output at every single split position, release characters at chunk ends included', () => {
    const text = Buffer.from(
      "UNA:+.?*'UNB+UNOC:4+S+R+240131:1200+R1'\r\nFTX+?'?+?:?*??+a*b:c?'+é?€'UNZ+0+R1'FTX+end?",
      'utf8',
    );
    const whole = observe(text, []);
    for (let p = 0; p <= text.length; p++) expect(observe(text, [p]), `split at ${p}`).toBe(whole);
  });

  it('gives identical output for any chunking of generated and damaged interchanges', () => {
    fc.assert(
      fc.property(
        generatedInterchange,
        fc.array(mutation, { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        ({ text }, mutations, cuts, bom) => {
          const raw = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
          const bytes = mutate(raw, mutations);
          const whole = observe(bytes, []);
          expect(
            observe(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            ),
          ).toBe(whole);
          expect(
            observe(
              bytes,
              Array.from({ length: bytes.length }, (_, k) => k),
            ),
          ).toBe(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands out the same values through eachValue (chunk substrings) as through elements(), any chunking', () => {
    fc.assert(
      fc.property(
        generatedInterchange,
        fc.array(mutation, { maxLength: 3 }),
        fc.integer({ min: 1, max: 40 }),
        ({ text }, mutations, chunk) => {
          const bytes = mutate(Buffer.from(text, 'utf8'), mutations);
          const viaEach: string[] = [];
          const viaElements: string[] = [];
          const t = new EdifactTokenizer({
            segment: (v) => {
              v.eachValue((value) => viaEach.push(value));
              for (const e of v.elements()) for (const rep of e) viaElements.push(...rep);
            },
            issue: () => undefined,
          });
          for (let i = 0; i < bytes.length; i += chunk) t.write(bytes.subarray(i, i + chunk));
          t.end();
          expect(viaEach).toEqual(viaElements);
        },
      ),
      { numRuns: 500 },
    );
  });
});
