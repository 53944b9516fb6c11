import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS, type EventName } from '../canonical/index.js';
import { EdifactGenerationError, generateEdifact } from '../edi/edifact/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { EDIFACT_OUTBOUND_MESSAGES } from './edifact-generation.js';
import { EdifactMapRegistry, edifactOutboundConverters } from './edifact-map-registry.js';
import { EdifactTranslator } from './edifact-translator.js';

/**
 * Outbound ORDERS / ORDCHG / ORDRSP prices as a partner's EDIFACT reader takes them: PRI C509 keeps
 * the price as quoted with its basis (5118 per 5284 of the 6411 unit), and the one CUX names the
 * currency of every price of the message. Written, read back, the same prices.
 */
const maps = new EdifactMapRegistry();
const nordic = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'nordic-castings',
)!;
const translator = new EdifactTranslator(maps);
const NOW = new Date('2025-03-19T20:21:05Z');

type Lines = Record<string, any>[];

function event(name: EventName, edit: (lines: Lines) => void = () => {}) {
  const raw = structuredClone({ ...SAMPLE_EVENTS[name], partnerId: 'nordic-castings' }) as Record<
    string,
    any
  >;
  edit(raw.payload.lines);
  return parseEvent(raw);
}

function write(e: ReturnType<typeof event>, directory: string): string {
  const type = EDIFACT_OUTBOUND_MESSAGES[e.type]!;
  return generateEdifact(e, maps.outbound(type, directory)!, edifactOutboundConverters(nordic), {
    una: true,
    sender: { id: '5790000000005', qualifier: '14' },
    recipient: { id: '7350000123457', qualifier: '14' },
    now: NOW,
    references: { interchange: '42', messages: ['7'] },
  }).text;
}

function readLines(text: string): Lines {
  const result = translator.translate({ bytes: text, partner: nordic, receivedAt: NOW });
  expect(result.messages.map((m) => [m.outcome, m.problems])).toEqual([['translated', []]]);
  return (result.events[0]!.payload as { lines: Lines }).lines;
}

const segments = (text: string, tag: string) => text.split("'").filter((s) => s.startsWith(`${tag}+`));

const PRICED: EventName[] = [
  'purchase-order.issued.v1',
  'purchase-order.changed.v1',
  'purchase-order.acknowledged.v1',
];

/** A second line priced in `currency`, valid in each of the three events. */
function secondLine(name: EventName, currency: string): Record<string, unknown> {
  const unitPrice = { amount: '0.31', currency };
  const quantity = { value: '500', unit: 'H87' };
  if (name === 'purchase-order.acknowledged.v1')
    return {
      lineNumber: '20',
      material: '100-20456',
      status: 'changed',
      changes: ['price'],
      quantity,
      unitPrice,
    };
  const line = {
    lineNumber: '20',
    material: '100-20456',
    quantity,
    unitPrice,
    schedule: [{ quantity, deliveryDate: '2025-04-04' }],
  };
  return name === 'purchase-order.changed.v1'
    ? { ...line, change: 'changed', changedFields: ['price'] }
    : line;
}

describe('EDIFACT PRI: a price per N units keeps its basis', () => {
  for (const directory of ['D96A', 'D01B'])
    for (const name of PRICED)
      it(`${EDIFACT_OUTBOUND_MESSAGES[name.replace(/\.v1$/, '')]} ${directory}: 4.25 per 100, read back`, () => {
        const text = write(event(name), directory);
        expect(segments(text, 'PRI')).toEqual(['PRI+AAA:4.25:::100:PCE']);
        expect(readLines(text)[0]!.unitPrice).toEqual({
          amount: '4.25',
          currency: 'USD',
          per: { value: '100', unit: 'H87' },
        });
      });
});

describe('EDIFACT CUX: the one currency of the message', () => {
  for (const name of PRICED)
    it(`${EDIFACT_OUTBOUND_MESSAGES[name.replace(/\.v1$/, '')]}: the priced lines' currency, not the first line's`, () => {
      const text = write(
        event(name, (lines) => {
          delete lines[0].unitPrice;
          lines.push(secondLine(name, 'USD'));
        }),
        'D96A',
      );
      expect(segments(text, 'CUX')).toEqual(['CUX+2:USD:9']);
      expect(readLines(text)[1]!.unitPrice).toEqual({ amount: '0.31', currency: 'USD' });
    });

  for (const name of PRICED)
    it(`${EDIFACT_OUTBOUND_MESSAGES[name.replace(/\.v1$/, '')]}: refuses lines priced in different currencies`, () => {
      const run = () =>
        write(
          event(name, (lines) => lines.push(secondLine(name, 'EUR'))),
          'D96A',
        );
      expect(run).toThrow(EdifactGenerationError);
      expect(run).toThrow('line 20 is priced in EUR, the order in USD; one CUX covers every price');
    });
});
