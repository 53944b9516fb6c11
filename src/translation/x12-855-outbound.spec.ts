import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS } from '../canonical/index.js';
import { generateX12, X12GenerationError } from '../edi/x12/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { outboundConverters, X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

/** Outbound 855s as a buyer's 855 reader takes them (prices per unit, one currency), and read back. */
const maps = new X12MapRegistry();
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const translator = new X12Translator(maps);
const NOW = new Date('2025-03-19T20:21:05Z');

function acknowledged(edit: (payload: Record<string, any>) => void = () => {}) {
  const raw = structuredClone(SAMPLE_EVENTS['purchase-order.acknowledged.v1']) as Record<string, any>;
  edit(raw.payload);
  return parseEvent(raw);
}

function write(event: ReturnType<typeof acknowledged>, version = '004010') {
  return generateX12(event, maps.outbound('855', version)!, outboundConverters(acme), {
    delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
    sender: { qualifier: 'ZZ', id: 'ACMEFAST' },
    receiver: { qualifier: 'ZZ', id: 'BUYERCO' },
    version,
    now: NOW,
    controlNumbers: { interchange: 42, group: 42, sets: [7] },
  }).text;
}

function readLines(text: string): Record<string, any>[] {
  const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
  expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
  return (result.events[0]!.payload as any).lines;
}

const segments = (text: string, id: string) => text.split('~').filter((s) => s.startsWith(`${id}*`));

/** A second line, accepted as ordered, for the currency cases. */
const secondLine = (unitPrice?: Record<string, unknown>) => ({
  lineNumber: '20',
  material: '100-20456',
  status: 'changed',
  changes: ['price'],
  quantity: { value: '500', unit: 'H87' },
  ...(unitPrice ? { unitPrice } : {}),
});

describe('X12 855 PO104: the price of one unit', () => {
  for (const version of ['004010', '005010'])
    it(`writes 4.25 per 100 as 0.0425 a unit in ${version}, quoted in CTP, and reads it back`, () => {
      const text = write(acknowledged(), version);
      const po1 = segments(text, 'PO1')[0]!.split('*');
      expect([po1[2], po1[3], po1[4], po1[5]]).toEqual(['9600', 'PC', '0.0425', '']);
      expect(segments(text, 'CTP')).toEqual(['CTP**UCP*4.25*100*PC']);
      expect(readLines(text)[0]!.unitPrice).toEqual({
        amount: '4.25',
        currency: 'USD',
        per: { value: '100', unit: 'H87' },
      });
    });

  it('writes a price without a "per" as it is, and reads it back', () => {
    const text = write(acknowledged((p) => (p.lines[0].unitPrice = { amount: '0.0425', currency: 'USD' })));
    expect(segments(text, 'PO1')[0]!.split('*')[4]).toBe('0.0425');
    expect(segments(text, 'CTP')).toEqual([]);
    expect(readLines(text)[0]!.unitPrice).toEqual({ amount: '0.0425', currency: 'USD' });
  });

  it('refuses a price per another unit, or one with no exact price per unit', () => {
    const per = (value: string, unit: string) => () =>
      write(
        acknowledged((p) => {
          p.lines[0].unitPrice = { amount: '10', currency: 'USD', per: { value, unit } };
        }),
      );
    expect(per('3', 'H87')).toThrow(X12GenerationError);
    expect(per('3', 'H87')).toThrow('PO104: line 10 price 10 per 3 H87 has no exact price per unit');
    expect(per('1', 'KGM')).toThrow(
      "PO104: line 10 price 10 per 1 KGM is for a unit other than the line's (H87)",
    );
  });

  it("reads a supplier's 855 with PO104 per unit and the quote in CTP as the quote", () => {
    // The golden 855's line 10 as an 855 writer following the standard sends 4.25 per 100 PC.
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'x12', '855-004010.edi'), 'latin1')
      .replace('PO1*10*9600*PC*4.25**', 'PO1*10*9600*PC*0.0425**')
      .replace('VP*AF-HHCS-M8X25-ZP~', 'VP*AF-HHCS-M8X25-ZP~CTP**UCP*4.25*100*PC~')
      .replace('SE*15*0001~', 'SE*16*0001~');
    expect(readLines(text)[0]!.unitPrice).toEqual({
      amount: '4.25',
      currency: 'USD',
      per: { value: '100', unit: 'H87' },
    });
  });
});

describe('X12 855 CUR: the one currency of the answer', () => {
  it("is the priced lines' currency, not the first line's (which may have no price)", () => {
    const text = write(
      acknowledged((p) => {
        delete p.lines[0].unitPrice;
        p.lines.push(secondLine({ amount: '0.31', currency: 'EUR' }));
      }),
    );
    expect(segments(text, 'CUR')).toEqual(['CUR*SE*EUR']);
    expect(readLines(text)[1]!.unitPrice).toEqual({ amount: '0.31', currency: 'EUR' });
  });

  it('refuses lines priced in different currencies', () => {
    const run = () =>
      write(acknowledged((p) => p.lines.push(secondLine({ amount: '0.31', currency: 'EUR' }))));
    expect(run).toThrow(X12GenerationError);
    expect(run).toThrow('CUR02: line 20 is priced in EUR, the order in USD; one CUR covers every price');
  });
});

describe('X12 855 ACK: a schedule line confirmed by its ship date alone', () => {
  it('has no ACK04 067 without its ACK05 date (C0405), the ship date in DTM 068, and reads back', () => {
    const event = acknowledged((p) => {
      p.lines[0].schedule[1] = { quantity: { value: '4800', unit: 'H87' }, shipDate: '2025-04-01' };
    });
    for (const version of ['004010', '005010']) {
      const text = write(event, version);
      expect(segments(text, 'ACK')).toEqual(['ACK*IC*4800*PC*067*20250324', 'ACK*IC*4800*PC']);
      expect(segments(text, 'DTM').slice(1)).toEqual(['DTM*068*20250401']);
      expect(readLines(text)[0]!.schedule).toEqual([
        { quantity: { value: '4800', unit: 'H87' }, deliveryDate: '2025-03-24' },
        { quantity: { value: '4800', unit: 'H87' }, shipDate: '2025-04-01' },
      ]);
    }
  });
});

describe('X12 855 PO104 of a line answered without a quantity', () => {
  it('is the price of one unit of the quote, the quote and its unit in CTP, and reads back', () => {
    const event = acknowledged((p) => {
      p.lines[0] = { ...secondLine(p.lines[0].unitPrice), lineNumber: '10' };
      delete p.lines[0].quantity;
    });
    for (const version of ['004010', '005010']) {
      const text = write(event, version);
      expect(segments(text, 'PO1')).toEqual(['PO1*10***0.0425**BP*100-20456']);
      expect(segments(text, 'CTP')).toEqual(['CTP**UCP*4.25*100*PC']);
      expect(segments(text, 'ACK')).toEqual(['ACK*IP']);
      const [line] = readLines(text);
      expect(line!.quantity).toBeUndefined();
      expect(line!.unitPrice).toEqual({
        amount: '4.25',
        currency: 'USD',
        per: { value: '100', unit: 'H87' },
      });
    }
  });
});
