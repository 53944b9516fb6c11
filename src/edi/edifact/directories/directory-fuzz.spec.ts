import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDIFACT_ISSUE_CODES } from '../codes.js';
import { readEdifactWithDirectories } from './message-reader.js';

/**
 * Damaged copies of the translation golden inputs through the directory layer: no exception ever
 * escapes (invariant 4: bad input never crashes a worker), every finding carries a 0085 code the
 * engine knows, and a rejected message is never handed over as accepted.
 */
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'translation', 'fixtures', 'edifact');
const seeds = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.edi'))
  .map((f) => readFileSync(join(FIXTURES, f)));

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = Buffer.from("+:'?*UNHTLINQYBGMCPSRFDAX0123456789 \n");
const KNOWN = new Set(Object.values(EDIFACT_ISSUE_CODES));

describe('directory layer fuzzing', () => {
  it('reads 3,000 damaged interchanges without an exception, with known codes only', () => {
    const rnd = mulberry32(8);
    const int = (n: number) => Math.floor(rnd() * n);
    let handed = 0;
    for (let run = 0; run < 3000; run++) {
      const bytes = Buffer.from(seeds[run % seeds.length]!);
      const damage = 1 + int(6);
      let data = bytes;
      for (let k = 0; k < damage; k++) {
        const at = int(data.length);
        const kind = int(4);
        if (kind === 0) data[at] = ALPHABET[int(ALPHABET.length)]!;
        else if (kind === 1) data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + int(20))]);
        else if (kind === 2)
          data = Buffer.concat([data.subarray(0, at), data.subarray(int(data.length)), data.subarray(at)]);
        else
          data = Buffer.concat([
            data.subarray(0, at),
            Buffer.from([ALPHABET[int(ALPHABET.length)]!]),
            data.subarray(at),
          ]);
      }
      const result = readEdifactWithDirectories(
        data,
        {},
        {
          onMessage: (parsed, message) => {
            handed++;
            expect(parsed.type).toBe(message.type);
          },
        },
      );
      for (const issue of result.issues)
        expect(KNOWN.has(issue.code), `${issue.kind} ${issue.code}`).toBe(true);
      for (const ic of result.interchanges)
        for (const m of ic.messages)
          if (m.segmentIssues.some((i) => i.severity === 'error')) expect(m.status).toBe('rejected');
    }
    expect(handed).toBeGreaterThan(100);
  });
});
