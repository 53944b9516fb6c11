import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PartnerApiError } from './partner-api.exception.js';
import { parsePartnerDocument, toCanonicalEvent } from './partner-document.mapper.js';
import { ACKNOWLEDGMENT_EXAMPLE, SHIP_NOTICE_EXAMPLE } from './schemas/partner-document.examples.js';

const context = {
  partnerId: 'acme-fasteners',
  interchangeId: '4711',
  receivedAt: new Date('2026-11-27T09:00:05Z'),
};
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

/** The X12 golden files: what the 855 / 856 maps make of the repository's own fixtures. */
function goldenEvent(name: string): Record<string, any> {
  const url = new URL(`../../translation/fixtures/x12/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { event: Record<string, any> }[])[0]!.event;
}

function rejection(body: unknown): PartnerApiError {
  try {
    parsePartnerDocument(bytes(body));
  } catch (error) {
    if (error instanceof PartnerApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('partner JSON documents → canonical events', () => {
  it.each([
    ['855-004010', 'purchase-order-acknowledgment'],
    ['856-004010', 'ship-notice'],
    ['865-004010', 'purchase-order-change-answer'],
  ])('make the same event the X12 map makes of %s', (fixture, type) => {
    const x12 = goldenEvent(fixture);
    const doc = parsePartnerDocument(
      bytes({
        type,
        version: 'v1',
        sender: { id: 'acme-fasteners' },
        document: x12.document,
        payload: x12.payload,
      }),
    );
    const event = toCanonicalEvent(doc, context) as Record<string, any>;
    expect(event.type).toBe(x12.type);
    expect(event.payload).toEqual(x12.payload);
    expect(event.document).toEqual(x12.document);
    expect(event.correlationId).toBe(x12.correlationId);
    expect(event).toMatchObject({
      partnerId: 'acme-fasteners',
      causationId: '4711',
      source: { channel: 'api', interchangeId: '4711', standard: 'json', messageType: type },
    });
  });

  it('gives the same event id for the same receipt (a replay stores nothing twice)', () => {
    const doc = parsePartnerDocument(bytes(ACKNOWLEDGMENT_EXAMPLE));
    expect(toCanonicalEvent(doc, context).id).toBe(toCanonicalEvent(doc, context).id);
    expect(toCanonicalEvent(doc, { ...context, interchangeId: '4712' }).id).not.toBe(
      toCanonicalEvent(doc, context).id,
    );
  });

  it('names every problem with its field path', () => {
    const bad = structuredClone(SHIP_NOTICE_EXAMPLE) as any;
    bad.payload.orders[0].packs[0].sscc = '003456789012345671';
    bad.payload.orders[0].packs[0].items[0].quantity.value = '1e3';
    bad.document.kind = 'draft';
    const error = rejection(bad);
    expect(error.problemCode).toBe('partner-api.invalid-document');
    expect(error.httpStatus).toBe(422);
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^document\.kind: /),
        expect.stringMatching(/^payload\.orders\.0\.packs\.0\.sscc: .*check digit/),
        expect.stringMatching(/^payload\.orders\.0\.packs\.0\.items\.0\.quantity\.value: /),
      ]),
    );
  });

  it('refuses what partners do not send, unknown types and versions, and non-JSON', () => {
    expect(rejection({ ...ACKNOWLEDGMENT_EXAMPLE, type: 'purchase-order' }).problemCode).toBe(
      'partner-api.not-accepted-inbound',
    );
    expect(rejection({ ...ACKNOWLEDGMENT_EXAMPLE, type: 'invoice' }).details).toEqual([
      expect.stringMatching(/^type: expected one of/),
    ]);
    expect(rejection({ ...ACKNOWLEDGMENT_EXAMPLE, version: 'v2' }).details).toEqual([
      'version: expected "v1", got "v2"',
    ]);
    expect(() => parsePartnerDocument(Buffer.from('{"type":'))).toThrow(/not JSON/);
  });
});
