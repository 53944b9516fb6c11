import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPartnerProfiles } from '../../../partners/partner-loader.js';
import { EdifactMapRegistry } from '../../../translation/edifact-map-registry.js';
import { EdifactTranslator } from '../../../translation/edifact-translator.js';
import { X12MapRegistry } from '../../../translation/x12-map-registry.js';
import { X12Translator } from '../../../translation/x12-translator.js';
import {
  ACKNOWLEDGMENT_EDIFACT_EXAMPLE,
  ACKNOWLEDGMENT_EXAMPLE,
  ACKNOWLEDGMENT_X12_EXAMPLE,
  STATUS_EXAMPLE,
} from './partner-document.examples.js';

/**
 * The EDI examples of POST /partner/v1/documents are complete interchanges a partner could send as
 * they are: the translators read them without a finding, and each says what the JSON example says.
 */
const partner = (id: string) =>
  loadPartnerProfiles(join(import.meta.dirname, '..', '..', '..', '..', 'partners')).profiles.find(
    (p) => p.id === id,
  )!;
const RECEIVED = new Date('2026-11-27T09:00:05Z');
const { payload } = ACKNOWLEDGMENT_EXAMPLE;

describe('the acknowledgment examples published in the OpenAPI document', () => {
  it('the X12 855 is valid for its sender (Acme Fasteners) and acknowledges what the JSON example does', () => {
    const translation = new X12Translator(new X12MapRegistry()).translate({
      bytes: ACKNOWLEDGMENT_X12_EXAMPLE,
      partner: partner('acme-fasteners'),
      receivedAt: RECEIVED,
    });
    expect(translation.validation.issues).toEqual([]);
    expect(translation.validation.interchanges.map((ic) => ic.status)).toEqual(['accepted']);
    expect(translation.sets.map((s) => [s.setId, s.outcome, s.problems])).toEqual([
      ['855', 'translated', []],
    ]);
    const event = translation.events[0]!;
    expect(event.type).toBe('purchase-order.acknowledged');
    expect(event.document.number).toBe(ACKNOWLEDGMENT_EXAMPLE.document.number);
    expect(event.occurredAt).toBe(ACKNOWLEDGMENT_EXAMPLE.document.issuedAt);
    expect(event.payload).toMatchObject(payload);
    // The receipt status example describes this submission: its event, and its answer (a 997).
    expect(STATUS_EXAMPLE.events.map((e) => e.type)).toEqual([event.type]);
    expect(STATUS_EXAMPLE.acknowledgment.kinds).toEqual([
      partner('acme-fasteners').acknowledgments.functional,
    ]);
  });

  it('the receipt status example has the size and sha256 of the X12 855 it describes', () => {
    const bytes = Buffer.from(ACKNOWLEDGMENT_X12_EXAMPLE, 'latin1');
    expect(STATUS_EXAMPLE.contentType).toBe('application/edi-x12');
    expect(STATUS_EXAMPLE.size).toBe(bytes.length);
    expect(STATUS_EXAMPLE.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('the EDIFACT ORDRSP is valid for its sender (Nordic Castings) and acknowledges the same lines', () => {
    const translation = new EdifactTranslator(new EdifactMapRegistry()).translate({
      bytes: ACKNOWLEDGMENT_EDIFACT_EXAMPLE,
      partner: partner('nordic-castings'),
      receivedAt: RECEIVED,
    });
    expect(translation.validation.issues).toEqual([]);
    expect(translation.messages.map((m) => [m.type, m.outcome, m.problems])).toEqual([
      ['ORDRSP', 'translated', []],
    ]);
    const event = translation.events[0]!;
    expect(event.type).toBe('purchase-order.acknowledged');
    expect(event.document.number).toBe(ACKNOWLEDGMENT_EXAMPLE.document.number);
    expect(event.occurredAt).toBe(ACKNOWLEDGMENT_EXAMPLE.document.issuedAt);
    // An ORDRSP names an order revision only when it answers a change (it is then a change answer).
    expect(event.payload).toMatchObject({
      ...payload,
      purchaseOrder: { number: payload.purchaseOrder.number },
    });
  });
});
