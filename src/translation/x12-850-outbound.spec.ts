import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS } from '../canonical/index.js';
import { generateX12, X12GenerationError } from '../edi/x12/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { outboundConverters, X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

/** Outbound 850s as a partner's 850 reader takes them: prices per unit, one currency. */
const maps = new X12MapRegistry();
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const translator = new X12Translator(maps);
const NOW = new Date('2025-03-19T20:21:05Z');

function issued(edit: (payload: Record<string, any>) => void = () => {}) {
  const raw = structuredClone(SAMPLE_EVENTS['purchase-order.issued.v1']) as Record<string, any>;
  edit(raw.payload);
  return parseEvent(raw);
}

function write(event: ReturnType<typeof issued>, version = '004010') {
  return generateX12(event, maps.outbound('850', version)!, outboundConverters(acme), {
    delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
    sender: { qualifier: 'ZZ', id: 'BUYERCO' },
    receiver: { qualifier: 'ZZ', id: 'ACMEFAST' },
    version,
    now: NOW,
    controlNumbers: { interchange: 42, group: 42, sets: [7] },
  }).text;
}

const segments = (text: string, id: string) => text.split('~').filter((s) => s.startsWith(`${id}*`));

describe('X12 850 PO104: the price of one unit', () => {
  for (const version of ['004010', '005010'])
    it(`writes 12.50 per 100 as 0.125 a unit in ${version}, quoted in CTP, and reads it back`, () => {
      const event = issued((p) => {
        p.lines[0].unitPrice = { amount: '12.5', currency: 'USD', per: { value: '100', unit: 'H87' } };
      });
      const text = write(event, version);
      const po1 = segments(text, 'PO1')[0]!.split('*');
      expect([po1[2], po1[3], po1[4], po1[5]]).toEqual(['10000', 'PC', '0.125', '']);
      expect(segments(text, 'CTP')).toEqual(['CTP**UCP*12.5*100*PC']);
      const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
      expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
      expect((result.events[0]!.payload as any).lines[0].unitPrice).toEqual({
        amount: '12.5',
        currency: 'USD',
        per: { value: '100', unit: 'H87' },
      });
    });

  it('writes a price without a "per" as it is', () => {
    const text = write(issued((p) => (p.lines[0].unitPrice = { amount: '0.0425', currency: 'USD' })));
    expect(segments(text, 'PO1')[0]!.split('*')[4]).toBe('0.0425');
    expect(segments(text, 'CTP')).toEqual([]);
  });

  it('refuses a price per another unit, or one with no exact price per unit', () => {
    const per = (value: string, unit: string) => () =>
      write(
        issued((p) => {
          p.lines[0].unitPrice = { amount: '10', currency: 'USD', per: { value, unit } };
        }),
      );
    expect(per('3', 'H87')).toThrow(X12GenerationError);
    expect(per('3', 'H87')).toThrow('PO104: line 10 price 10 per 3 H87 has no exact price per unit');
    expect(per('1', 'KGM')).toThrow(
      "PO104: line 10 price 10 per 1 KGM is for a unit other than the line's (H87)",
    );
  });
});

describe('X12 850 CUR: the order currency', () => {
  it("writes the header's currency, not the first line's", () => {
    const text = write(
      issued((p) => {
        p.currency = 'EUR';
        p.lines[0].unitPrice.currency = 'EUR';
      }),
    );
    expect(segments(text, 'CUR')).toEqual(['CUR*BY*EUR']);
  });

  it('refuses a line priced in another currency than the order', () => {
    const run = () => write(issued((p) => (p.lines[0].unitPrice.currency = 'EUR')));
    expect(run).toThrow(X12GenerationError);
    expect(run).toThrow('CUR02: line 10 is priced in EUR, the order in USD; one CUR covers every price');
  });
});
