import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/canonical/index.js';
import { sumDecimals } from '../../src/edi/x12/maps/index.js';
import { partnerProfileSchema } from '../../src/partners/partner-profile.schema.js';
import { X12MapRegistry } from '../../src/translation/x12-map-registry.js';
import { X12Translator, type X12TranslatedSet } from '../../src/translation/x12-translator.js';
import { X12_TRANSLATION_EXPECTATIONS, type TranslationExpectation } from './x12-translation-expectations.js';

/**
 * The 004010/005010 850, 855, 856 and 865 files of the shared corpus (CORPUS_DIR, never copied) translate
 * to what x12-translation-expectations.ts says: outcome, PO numbers, line counts and quantity totals.
 */
const corpusDir = process.env.CORPUS_DIR ? resolve(process.env.CORPUS_DIR) : undefined;
if (!corpusDir) console.warn('x12 translation conformance skipped: set CORPUS_DIR to the shared corpus');

// A partner without cross-references: the corpus files come from strangers.
const partner = partnerProfileSchema.parse({
  id: 'corpus-partner',
  name: 'Corpus',
  status: 'test',
  identities: { x12: [{ qualifier: 'ZZ', id: 'CORPUS' }] },
  documents: { inbound: [{ standard: 'x12', version: '004010', type: '855' }] },
  acknowledgments: { functional: '997' },
});

type Json = Record<string, any>;

/** PO numbers, lines and quantity total of a reading, in the expectation's terms. */
function figures(set: X12TranslatedSet): Pick<TranslationExpectation, 'po' | 'lines' | 'quantity'> {
  const e = (set.event ?? set.draft) as Json;
  const p = (e.payload ?? {}) as Json;
  const values = (items: Json[]) =>
    sumDecimals(items.map((i) => (i.quantity?.value as string | undefined) ?? '0'));
  switch (e.type) {
    case 'purchase-order.issued':
      return { po: [e.document.number], lines: p.lines.length, quantity: values(p.lines) };
    case 'purchase-order.acknowledged':
    case 'purchase-order.change-answered':
      return { po: [p.purchaseOrder?.number], lines: p.lines.length, quantity: values(p.lines) };
    default: {
      const items = (p.orders as Json[]).flatMap((o) =>
        (o.packs as Json[]).flatMap((k) => k.items as Json[]),
      );
      return {
        po: (p.orders as Json[]).flatMap((o) => (o.purchaseOrder?.number ? [o.purchaseOrder.number] : [])),
        lines: items.length,
        quantity: values(items),
      };
    }
  }
}

describe.skipIf(!corpusDir)('X12 corpus translation', () => {
  const translator = new X12Translator(new X12MapRegistry());
  for (const expected of X12_TRANSLATION_EXPECTATIONS) {
    it(expected.file, () => {
      const result = translator.translate({
        bytes: readFileSync(join(corpusDir!, expected.file)),
        partner,
        receivedAt: new Date('2026-01-01T00:00:00Z'),
      });
      const observed = result.sets.map((s): TranslationExpectation => {
        const base = { st: `${s.setId} ${s.controlNumber}`, outcome: s.outcome };
        if (s.outcome === 'rejected' || s.outcome === 'not-translated') return base;
        const because =
          s.outcome === 'failed'
            ? (expected.sets.find((x) => x.st === base.st)?.because ?? s.problems[0])
            : undefined;
        return { ...base, ...figures(s), ...(because ? { because } : {}) };
      });
      expect(observed).toEqual(expected.sets);
      for (const s of result.sets) {
        const wanted = expected.sets.find((x) => x.st === `${s.setId} ${s.controlNumber}`);
        // The stated reason must be one of the problems the translator gave.
        if (wanted?.because) expect(s.problems.join('\n')).toContain(wanted.because);
        if (s.outcome === 'translated') {
          expect(s.event).toBeDefined();
          // Translation accepts events with a compiled check; zod must agree and return them unchanged.
          expect(JSON.stringify(parseEvent(s.event))).toBe(JSON.stringify(s.event));
        }
      }
    });
  }
});
