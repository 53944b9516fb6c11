import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS, type EventName } from '../canonical/index.js';
import { EdifactGenerationError, generateEdifact } from '../edi/edifact/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { EDIFACT_OUTBOUND_MESSAGES } from './edifact-generation.js';
import { EdifactMapRegistry, edifactOutboundConverters } from './edifact-map-registry.js';
import { EdifactTranslator } from './edifact-translator.js';

/**
 * What D.01B's formats (UNTDID D.01B: MOA 5004 n..35, QTY 6060 an..35, MEA 6314 an..18) mean past
 * the syntax: the directory's check is a length, the canonical decimal conversion of the maps still
 * decides what is a number and how large, and the generator writes each directory's formats, with the
 * partner's decimal mark in every element that carries a number.
 */
const maps = new EdifactMapRegistry();
const nordic = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'nordic-castings',
)!;
const translator = new EdifactTranslator(maps);
const NOW = new Date('2025-03-19T20:21:05Z');
const FIXTURE = readFileSync(join(import.meta.dirname, 'fixtures', 'edifact', 'ORDERS-D01B.edi'), 'utf8');

/** The ORDERS golden fixture in `directory`, its first QTY as `qty`, extra segments after it (UNT counted). */
function orders(directory: 'D96A' | 'D01B', qty: string, extra: readonly string[] = []): string {
  const segments = FIXTURE.split(/'\r?\n?/).filter((s) => s !== '');
  const body = segments
    .slice(
      segments.findIndex((s) => s.startsWith('BGM+')),
      segments.findIndex((s) => s.startsWith('UNT+')),
    )
    .map((s) => (s === 'QTY+21:100:PCE' ? [`QTY+21:${qty}:PCE`, ...extra] : [s]))
    .flat();
  const unh = `UNH+8+ORDERS:D:${directory.slice(1)}:UN`;
  return [segments[0], unh, ...body, `UNT+${body.length + 2}+8`, 'UNZ+1+GW0008', ''].join("'\n");
}

function translate(text: string) {
  const result = translator.translate({ bytes: text, partner: nordic, receivedAt: NOW });
  return result.messages.map((m) => ({ outcome: m.outcome, problems: m.problems }));
}

describe('EDIFACT inbound: the directory checks the format, the canonical conversion the number', () => {
  it('reads the golden ORDERS in both directories (the fixture these cases edit)', () => {
    for (const d of ['D96A', 'D01B'] as const)
      expect(translate(orders(d, '100'))).toEqual([{ outcome: 'translated', problems: [] }]);
  });

  it('takes a 30-digit MOA in D01B (n..35; no map reads it) and rejects it in D96A (n..18, 0085 39)', () => {
    const moa = [`MOA+203:${'9'.repeat(30)}`];
    expect(translate(orders('D01B', '100', moa))).toEqual([{ outcome: 'translated', problems: [] }]);
    const [d96a] = translate(orders('D96A', '100', moa));
    expect(d96a!.outcome).toBe('rejected');
    expect(d96a!.problems).toEqual(['0085 39 at 9 MOA 5004 component 2: more than 18 digits']);
  });

  it('refuses a QTY that is no number: D96A at the syntax (37), D01B (an..35) in the decimal conversion', () => {
    const [d96a] = translate(orders('D96A', '5A'));
    expect(d96a!.outcome).toBe('rejected');
    expect(d96a!.problems).toEqual([
      '0085 37 at 8 QTY 6060 component 2: "A" is not allowed in a numeric value',
    ]);
    // Not "EDIFACT n": in D.01B 6060 is an..35, a number only by what it holds.
    const [d01b] = translate(orders('D01B', '5A'));
    expect(d01b!.outcome).toBe('failed');
    expect(d01b!.problems).toEqual([
      'payload.lines[0].quantity.value: invalid decimal "5A": EDIFACT number: unexpected character "A" at position 2',
    ]);
    // Read with the decimal comma the UNA names, as D.01B quantities are written for such a partner.
    const [comma] = translate(`UNA:+,? '\n${orders('D01B', '2.5')}`);
    expect(comma!.outcome).toBe('failed');
    expect(comma!.problems[0]).toBe(
      'payload.lines[0].quantity.value: invalid decimal "2.5": EDIFACT number: "." is not the decimal mark ' +
        'here (","); thousands separators are refused unless the caller declares one',
    );
  });

  it('refuses in D01B a QTY within an..35 but beyond the canonical limits, saying which', () => {
    const [big] = translate(orders('D01B', '1'.repeat(31)));
    expect(big!.outcome).toBe('failed');
    expect(big!.problems).toEqual([
      expect.stringContaining('has 31 integer digits; at most 30 are accepted'),
    ]);
    const [exponent] = translate(orders('D01B', '1E3'));
    expect(exponent!.outcome).toBe('failed');
    expect(exponent!.problems).toEqual([expect.stringContaining('exponent notation is not accepted')]);
  });
});

type Raw = Record<string, any>;

function event(name: EventName, edit: (raw: Raw) => void) {
  const raw = structuredClone({ ...SAMPLE_EVENTS[name], partnerId: 'nordic-castings' }) as Raw;
  edit(raw);
  return parseEvent(raw);
}

function write(e: ReturnType<typeof event>, directory: string, serviceCharacters?: string): string {
  const type = EDIFACT_OUTBOUND_MESSAGES[e.type]!;
  return generateEdifact(e, maps.outbound(type, directory)!, edifactOutboundConverters(nordic), {
    ...(serviceCharacters ? { serviceCharacters } : { una: true }),
    sender: { id: '5790000000005', qualifier: '14' },
    recipient: { id: '7350000123457', qualifier: '14' },
    now: NOW,
    references: { interchange: '42', messages: ['7'] },
  }).text;
}

const segments = (text: string, tag: string) => text.split("'").filter((s) => s.startsWith(`${tag}+`));

/** The sample order with one line of `value` pieces, delivered at once. */
function orderOf(value: string) {
  return event('purchase-order.issued.v1', (raw) => {
    const line = raw.payload.lines[0];
    line.quantity.value = value;
    line.schedule = [{ ...line.schedule[0], quantity: { ...line.quantity } }];
  });
}

describe("EDIFACT outbound: each directory's formats", () => {
  it('refuses a 16-digit quantity in D96A (QTY 6060 n..15) and writes it in D01B (an..35)', () => {
    const order = orderOf('1234567890123456');
    expect(() => write(order, 'D96A')).toThrow(EdifactGenerationError);
    expect(() => write(order, 'D96A')).toThrow('more than 15 digits ("1234567890123456")');
    const text = write(order, 'D01B');
    expect(segments(text, 'QTY')).toEqual(['QTY+21:1234567890123456:PCE', 'QTY+21:1234567890123456:PCE']);
    const back = translator.translate({ bytes: text, partner: nordic, receivedAt: NOW });
    expect(back.messages.map((m) => m.outcome)).toEqual(['translated']);
    expect((back.events[0]!.payload as Raw).lines[0].quantity.value).toBe('1234567890123456');
  });

  it('writes D01B quantities (an..35) with the decimal comma of the UNA and reads them back', () => {
    const text = write(orderOf('2.5'), 'D01B', ":+,? '");
    expect(segments(text, 'QTY')).toEqual(['QTY+21:2,5:PCE', 'QTY+21:2,5:PCE']);
    const back = translator.translate({ bytes: text, partner: nordic, receivedAt: NOW });
    expect(back.messages.map((m) => [m.outcome, m.problems])).toEqual([['translated', []]]);
    expect((back.events[0]!.payload as Raw).lines[0].quantity.value).toBe('2.5');
  });

  for (const directory of ['D96A', 'D01B'])
    it(`writes the DESADV gross weight (MEA 6314) with the decimal comma in ${directory}`, () => {
      const notice = event('ship-notice.received.v1', () => {});
      const text = write(notice, directory, ":+,? '");
      expect(segments(text, 'MEA')[0]).toBe('MEA+AAE+AAB+KGM:92,5');
      const back = translator.translate({ bytes: text, partner: nordic, receivedAt: NOW });
      expect(back.messages.map((m) => [m.outcome, m.problems])).toEqual([['translated', []]]);
      expect((back.events[0]!.payload as Raw).grossWeight).toEqual({ value: '92.5', unit: 'KGM' });
    });
});
