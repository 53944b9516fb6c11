import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { X12MapRegistry } from '../translation/x12-map-registry.js';
import { X12Translator } from '../translation/x12-translator.js';
import { INTERCHANGE_CONTENT_EXAMPLE, INTERCHANGE_EXAMPLE } from './tracking.examples.js';

/**
 * The admin OpenAPI examples of GET /admin/interchanges/{id} and …/content are one true interchange:
 * the content is a complete 855 the X12 translator reads from its sender without a finding, and the
 * row's size and sha256 are those of its bytes.
 */
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === INTERCHANGE_EXAMPLE.partnerId,
)!;

describe('the archived interchange published in the admin OpenAPI examples', () => {
  it('is a complete 855 from Acme Fasteners that the X12 translator accepts without a finding', () => {
    const translation = new X12Translator(new X12MapRegistry()).translate({
      bytes: INTERCHANGE_CONTENT_EXAMPLE,
      partner: acme,
      receivedAt: new Date(INTERCHANGE_EXAMPLE.receivedAt),
    });
    expect(translation.validation.issues).toEqual([]);
    expect(translation.validation.interchanges.map((ic) => ic.status)).toEqual(['accepted']);
    expect(translation.sets.map((s) => [s.setId, s.outcome, s.problems])).toEqual([
      ['855', 'translated', []],
    ]);
    expect(translation.events[0]).toMatchObject({
      type: 'purchase-order.acknowledged',
      payload: {
        purchaseOrder: { number: '4500012345', revision: '0' },
        status: 'accepted',
        lines: [
          {
            lineNumber: '1',
            status: 'accepted',
            material: '100-20455',
            quantity: { value: '500', unit: 'C62' },
          },
        ],
      },
    });
    expect(INTERCHANGE_EXAMPLE.correlationId).toBe('po:4500012345');
  });

  it('has the size and sha256 of the content example', () => {
    const bytes = Buffer.from(INTERCHANGE_CONTENT_EXAMPLE, 'latin1');
    expect(INTERCHANGE_EXAMPLE.size).toBe(bytes.length);
    expect(INTERCHANGE_EXAMPLE.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
