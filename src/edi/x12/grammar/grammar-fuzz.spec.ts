import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildX12Acknowledgment } from '../ack-builder.js';
import { X12_CODE_TABLES } from '../code-tables.js';
import { mutate, mutation } from '../fixtures/generators.js';
import { readX12 } from '../reader.js';
import { isSupportedX12Set } from '../supported-sets.js';
import { x12GrammarValidator } from './content-validator.js';

/**
 * Mutation fuzzing of the grammar layer over our own fixtures: no crash, every segment/element
 * finding carries a code of its group's version (the grammar never emits AK403 12/13 to a 004010
 * group), and every acknowledgment built from the findings reads back as well-formed X12.
 */
const RUNS = 3_000;
const DIR = join(import.meta.dirname, 'fixtures');
const FILES = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.edi'))
  .map((f) => new Uint8Array(readFileSync(join(DIR, f))));
const STRUCTURAL: ReadonlySet<string> = new Set([
  'iea-control-mismatch',
  'iea-group-count',
  'iea-missing',
  'ge-missing',
  'ge-control-mismatch',
  'ge-set-count',
  'se-missing',
  'se-control-mismatch',
  'se-segment-count',
  'segment-id-unrecognized',
  'interchange-structure',
]);
const options = { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator() };

describe('grammar layer under mutation', () => {
  it(`survives ${RUNS} damaged fixtures with coded findings and readable acknowledgments`, () => {
    let findings = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FILES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (file, mutations) => {
          const result = readX12(mutate(file, mutations), {}, options);
          for (const ic of result.interchanges) {
            for (const group of ic.groups) {
              const tables = X12_CODE_TABLES[group.codeVersion];
              for (const set of group.sets) {
                for (const i of set.segmentIssues) {
                  findings++;
                  const table = i.level === 'segment' ? tables.ak304 : tables.ak403;
                  expect(i.code !== undefined && table.codes.has(i.code), `${i.kind} ${i.code}`).toBe(true);
                  expect(i.segmentPosition).toBeGreaterThan(0);
                }
              }
            }
            let n = 0;
            for (const type of ['997', '999'] as const) {
              const ack = buildX12Acknowledgment(ic, {
                type,
                nextControlNumber: () => ++n,
                now: new Date(0),
              });
              if (ack.kind !== 'ack') continue;
              const reread = readX12(ack.text);
              expect(reread.interchanges).toHaveLength(1);
              // Echoed inbound values (a mutated GS02, say) may be flagged; the structure may not.
              expect(reread.issues.filter((i) => STRUCTURAL.has(i.kind))).toEqual([]);
            }
          }
        },
      ),
      { numRuns: RUNS, seed: 6_0850, endOnFailure: true },
    );
    expect(findings).toBeGreaterThan(RUNS);
  }, 60_000);
});
