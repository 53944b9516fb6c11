import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS } from '../canonical/index.js';
import { generateEdifact } from '../edi/edifact/generator/index.js';
import { generateX12 } from '../edi/x12/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { EdifactMapRegistry, edifactOutboundConverters } from '../translation/edifact-map-registry.js';
import { outboundConverters, X12MapRegistry } from '../translation/x12-map-registry.js';
import {
  CONTENT_EXAMPLE_WRITTEN_AT,
  EDIFACT_CONTENT_EXAMPLE,
  X12_CONTENT_EXAMPLE,
} from './outbound-content.examples.js';

const profiles = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles;
const partner = (id: string) => profiles.find((p) => p.id === id)!;
const order = (partnerId: string) => parseEvent({ ...SAMPLE_EVENTS['purchase-order.issued.v1'], partnerId });
const now = new Date(CONTENT_EXAMPLE_WRITTEN_AT);

describe('the OpenAPI examples of outbound document content', () => {
  it('are the 850 the X12 generator writes for the sample order', () => {
    const written = generateX12(
      order('acme-fasteners'),
      new X12MapRegistry().outbound('850', '004010')!,
      outboundConverters(partner('acme-fasteners')),
      {
        delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
        sender: { qualifier: 'ZZ', id: 'SUPPLIERGW' },
        receiver: { qualifier: 'ZZ', id: 'ACMEFAST' },
        version: '004010',
        now,
        controlNumbers: { interchange: 17, group: 17, sets: [1] },
      },
    );
    expect(X12_CONTENT_EXAMPLE).toBe(written.text);
  });

  it('are the ORDERS the EDIFACT generator writes for the sample order', () => {
    const written = generateEdifact(
      order('nordic-castings'),
      new EdifactMapRegistry().outbound('ORDERS', 'D96A')!,
      edifactOutboundConverters(partner('nordic-castings')),
      {
        una: true,
        sender: { id: 'SUPPLIERGW', qualifier: 'ZZZ' },
        recipient: { id: '7350000123457', qualifier: '14' },
        now,
        references: { interchange: '12', messages: ['1'] },
      },
    );
    expect(EDIFACT_CONTENT_EXAMPLE).toBe(written.text);
  });
});
