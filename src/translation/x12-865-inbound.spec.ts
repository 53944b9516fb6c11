import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

/** A supplier's 865 read as the 850 / 860 are: POC06 the price of one unit, CTP the quote. */
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const translator = new X12Translator(new X12MapRegistry());
const NOW = new Date('2025-03-19T20:21:05Z');

/** The golden 004010 865 with line 10's POC06 and the segments after it replaced. */
function golden865(poc06: string, after = '', segmentCount = 9): string {
  return readFileSync(join(import.meta.dirname, 'fixtures', 'x12', '865-004010.edi'), 'latin1')
    .replace('POC*10*CT*9600*9600*PC*4.25**', `POC*10*CT*9600*9600*PC*${poc06}**`)
    .replace('VP*AF-HHCS-M8X25-ZP~', `VP*AF-HHCS-M8X25-ZP~${after}`)
    .replace('SE*9*0001~', `SE*${segmentCount}*0001~`);
}

function line10Price(text: string): unknown {
  const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
  expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
  return (result.events[0]!.payload as any).lines[0].unitPrice;
}

describe('X12 865 inbound: the line price', () => {
  it('is the CTP quote (CTP03 per CTP04 of the CTP05 unit) when the line has a CTP', () => {
    const text = golden865('0.0425', 'CTP**UCP*4.25*100*PC~', 10);
    expect(line10Price(text)).toEqual({
      amount: '4.25',
      currency: 'USD',
      per: { value: '100', unit: 'H87' },
    });
  });

  it('is POC06, the price of one unit, without a CTP', () => {
    expect(line10Price(golden865('0.0425'))).toEqual({ amount: '0.0425', currency: 'USD' });
  });
});
