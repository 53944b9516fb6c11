import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/canonical/index.js';
import { sumDecimals } from '../../src/edi/x12/maps/index.js';
import { partnerProfileSchema } from '../../src/partners/partner-profile.schema.js';
import { EdifactMapRegistry } from '../../src/translation/edifact-map-registry.js';
import {
  EdifactTranslator,
  type EdifactTranslatedMessage,
} from '../../src/translation/edifact-translator.js';
import {
  EDIFACT_TRANSLATION_EXPECTATIONS,
  type EdifactTranslationExpectation,
} from './edifact-translation-expectations.js';

/**
 * The D96A and D01B ORDERS, ORDRSP and DESADV files of the shared corpus (CORPUS_DIR, never copied)
 * translate to what edifact-translation-expectations.ts says: outcome, document numbers, line counts
 * and quantity totals.
 */
const corpusDir = process.env.CORPUS_DIR ? resolve(process.env.CORPUS_DIR) : undefined;
if (!corpusDir) console.warn('edifact translation conformance skipped: set CORPUS_DIR to the shared corpus');

// A partner without cross-references: the corpus files come from strangers.
const partner = partnerProfileSchema.parse({
  id: 'corpus-partner',
  name: 'Corpus',
  status: 'test',
  identities: { edifact: [{ id: 'CORPUS' }] },
  documents: { inbound: [{ standard: 'edifact', version: 'D96A', type: 'ORDRSP' }] },
  acknowledgments: { functional: 'CONTRL' },
});

type Json = Record<string, any>;

function figures(
  m: EdifactTranslatedMessage,
): Pick<EdifactTranslationExpectation, 'numbers' | 'lines' | 'quantity'> {
  const e = (m.event ?? m.draft) as Json;
  const p = (e.payload ?? {}) as Json;
  const total = (items: Json[]) =>
    sumDecimals(items.map((i) => (i.quantity?.value as string | undefined) ?? '0'));
  switch (e.type) {
    case 'purchase-order.issued':
      return { numbers: [e.document.number], lines: p.lines.length, quantity: total(p.lines) };
    case 'purchase-order.acknowledged':
    case 'purchase-order.change-answered':
      return { numbers: [p.purchaseOrder?.number], lines: p.lines.length, quantity: total(p.lines) };
    default: {
      const items = (p.orders as Json[]).flatMap((o) =>
        (o.packs as Json[]).flatMap((k) => k.items as Json[]),
      );
      return {
        numbers: [
          e.document.number,
          ...(p.orders as Json[]).flatMap((o) => (o.purchaseOrder?.number ? [o.purchaseOrder.number] : [])),
        ],
        lines: items.length,
        quantity: total(items),
      };
    }
  }
}

describe.skipIf(!corpusDir)('EDIFACT corpus translation', () => {
  const translator = new EdifactTranslator(new EdifactMapRegistry());
  for (const expected of EDIFACT_TRANSLATION_EXPECTATIONS) {
    it(expected.file, () => {
      const result = translator.translate({
        bytes: readFileSync(join(corpusDir!, expected.file)),
        partner,
        receivedAt: new Date('2026-01-01T00:00:00Z'),
      });
      const observed = result.messages.map((m): EdifactTranslationExpectation => {
        const base = { message: `${m.type} ${m.reference}`, outcome: m.outcome };
        const wanted = expected.messages.find((x) => x.message === base.message);
        const because = m.outcome === 'translated' ? undefined : (wanted?.because ?? m.problems[0]);
        if (m.outcome === 'rejected' || m.outcome === 'not-translated') return { ...base, because };
        return { ...base, ...figures(m), ...(because ? { because } : {}) };
      });
      expect(observed).toEqual(expected.messages);
      for (const m of result.messages) {
        const wanted = expected.messages.find((x) => x.message === `${m.type} ${m.reference}`);
        // The stated reason must be one of the problems the translator gave.
        if (wanted?.because) expect(m.problems.join('\n')).toContain(wanted.because);
        if (m.outcome === 'translated') {
          expect(m.event).toBeDefined();
          // Translation accepts events with a compiled check; zod must agree and return them unchanged.
          expect(JSON.stringify(parseEvent(m.event))).toBe(JSON.stringify(m.event));
        }
      }
    });
  }
});
