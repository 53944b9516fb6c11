import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS, type CanonicalEvent, type EventName } from '../canonical/index.js';
import { buildContrl } from '../edi/edifact/index.js';
import { readEdifactWithDirectories } from '../edi/edifact/directories/index.js';
import { generateEdifact } from '../edi/edifact/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { EDIFACT_OUTBOUND_MESSAGES, generateEdifactForPartner } from './edifact-generation.js';
import { EdifactMapRegistry, edifactOutboundConverters } from './edifact-map-registry.js';
import { EdifactTranslator } from './edifact-translator.js';

/**
 * Golden files: each `fixtures/edifact/<MESSAGE>-<directory>.edi` (our own, written for these tests)
 * translates to exactly `<MESSAGE>-<directory>.json` (reviewed by a person). A missing golden file is
 * written only with UPDATE_GOLDEN=1 and must be read before it is committed. Then both directions:
 * every outbound event type, generated in D96A and D01B and read back, is the same event.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'edifact');
const maps = new EdifactMapRegistry();
const nordic = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'nordic-castings',
)!;
const translator = new EdifactTranslator(maps);
const RECEIVED = new Date('2025-03-19T20:21:05Z');

function golden(file: string, observed: unknown): void {
  const path = join(FIXTURES, file);
  if (!existsSync(path) && process.env.UPDATE_GOLDEN === '1')
    writeFileSync(path, typeof observed === 'string' ? observed : `${JSON.stringify(observed, null, 2)}\n`);
  expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  const expected = readFileSync(path, 'utf8');
  expect(observed).toEqual(typeof observed === 'string' ? expected : JSON.parse(expected));
}

describe('EDIFACT inbound golden files', () => {
  const files = readdirSync(FIXTURES).filter((f) => /^[A-Z]{6}-D[0-9]{2}[A-Z]\.edi$/.test(f));
  it('cover every message in both directories', () => {
    expect(files.sort()).toEqual(
      ['DESADV', 'ORDCHG', 'ORDERS', 'ORDRSP'].flatMap((m) => [`${m}-D01B.edi`, `${m}-D96A.edi`]),
    );
  });
  for (const file of files) {
    it(`${file} translates to its golden events`, () => {
      const result = translator.translate({
        bytes: readFileSync(join(FIXTURES, file)),
        partner: nordic,
        interchangeId: '4712',
        channel: 'as2',
        receivedAt: RECEIVED,
      });
      const observed = result.messages.map((m) => ({
        message: `${m.type} ${m.reference}`,
        directory: m.directory,
        outcome: m.outcome,
        problems: m.problems,
        event: m.event ?? null,
      }));
      golden(file.replace(/\.edi$/, '.json'), observed);
      for (const o of observed) if (o.event) expect(() => parseEvent(o.event)).not.toThrow();
    });
  }

  it('reads released separators as data next to segments kept as sent', () => {
    // The golden DESADV with the first supplier part number holding a released ":" and "+": that PIA
    // is unescaped into the tokenizer's scratch (components joined with COMPONENT_MARK), while every
    // other segment is kept as its own text (components separated by ":" as sent).
    const text = readFileSync(join(FIXTURES, 'DESADV-D96A.edi'), 'latin1');
    const damaged = text.replace('PIA+5+NC-HSG-4411-GJS500:SA', 'PIA+5+NC-HSG?:4411?+GJS500:SA');
    expect(damaged).not.toBe(text);
    const read = (bytes: string) =>
      translator.translate({ bytes, partner: nordic, interchangeId: '4712', receivedAt: RECEIVED }).messages;
    const [plain] = read(text);
    const [released] = read(damaged);
    type Item = { supplierPartNumber?: string; material?: string };
    const items = (m: typeof plain) =>
      (m!.event!.payload as { orders: { packs: { items: Item[] }[] }[] }).orders.flatMap((o) =>
        o.packs.flatMap((p) => p.items),
      );
    const before = items(plain);
    const after = items(released);
    // The part number has no cross-reference any more, so the material is the PIA's own number.
    expect([after[0]!.supplierPartNumber, after[0]!.material]).toEqual([
      'NC-HSG:4411+GJS500',
      'NC-HSG:4411+GJS500',
    ]);
    expect(after.slice(1)).toEqual(before.slice(1));
    const rest = (item: Item) => ({ ...item, supplierPartNumber: undefined, material: undefined });
    expect(rest(after[0]!)).toEqual(rest(before[0]!));
  });

  it('rejects what the directory forbids, and the CONTRL says where (UCS / UCD)', () => {
    const bytes = readFileSync(join(FIXTURES, 'DESADV-D96A-invalid.edi'));
    const result = translator.translate({ bytes, partner: nordic, receivedAt: RECEIVED });
    expect(result.messages.map((m) => [m.reference, m.outcome])).toEqual([
      ['1', 'rejected'],
      ['2', 'translated'],
    ]);
    const validation = readEdifactWithDirectories(bytes);
    const contrl = buildContrl(validation.interchanges[0]!, {
      nextReference: (kind) => (kind === 'interchange' ? 'GW77' : 'C1'),
      now: RECEIVED,
      lineBreak: '\n',
    });
    expect(contrl.kind).toBe('contrl');
    golden('DESADV-D96A-invalid.contrl.edi', contrl.kind === 'contrl' ? contrl.text : '');
  });
});

/** UTC with seconds, as the maps write and read EDIFACT date-times (DTM 203, UTC). */
function utc(value: unknown): unknown {
  if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  )
    return new Date(value).toISOString().replace('.000Z', 'Z');
  if (Array.isArray(value)) return value.map(utc);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, utc(v)]));
  return value;
}

/** What the EDIFACT maps carry of an event (docs/edi-edifact.md, "Maps": not carried). */
function carried(event: CanonicalEvent): Record<string, any> {
  const copy = structuredClone(event) as Record<string, any>;
  delete copy.plant;
  for (const o of copy.payload.orders ?? [])
    for (const p of o.packs)
      for (const item of p.items) {
        delete item.countryOfOrigin;
        item.lots = item.lots?.map((l: { lot: string }) => ({ lot: l.lot }));
      }
  for (const l of copy.payload.lines ?? []) if (copy.type !== 'purchase-order.changed') delete l.reason;
  return utc(copy) as Record<string, any>;
}

const ROUND_TRIP: EventName[] = [
  'purchase-order.issued.v1',
  'purchase-order.changed.v1',
  'purchase-order.cancelled.v1',
  'purchase-order.acknowledged.v1',
  'purchase-order.change-answered.v1',
  'ship-notice.received.v1',
];

describe('EDIFACT round trip: generate, read back, the same event', () => {
  for (const directory of ['D96A', 'D01B'])
    for (const name of ROUND_TRIP) {
      it(`${name} in ${directory}`, () => {
        const event = parseEvent({ ...SAMPLE_EVENTS[name], partnerId: 'nordic-castings' });
        const type = EDIFACT_OUTBOUND_MESSAGES[event.type]!;
        const written = generateEdifact(
          event,
          maps.outbound(type, directory)!,
          edifactOutboundConverters(nordic),
          {
            una: true,
            sender: { id: '5790000000005', qualifier: '14' },
            recipient: { id: '7350000123457', qualifier: '14' },
            now: RECEIVED,
            references: { interchange: '42', messages: ['7'] },
          },
        );
        const result = translator.translate({ bytes: written.text, partner: nordic, receivedAt: RECEIVED });
        expect(result.messages.map((m) => [m.outcome, m.problems])).toEqual([['translated', []]]);
        const back = result.events[0]!;
        const expected = carried(event);
        // An ORDRSP carries no revision number (UNB 0020-UNH 0062); a DESADV's is its DTM 137.
        if (type === 'ORDRSP') expected.document.revision = '42-7';
        if (type === 'DESADV') expected.document.revision = '202503192020';
        // ORDCHG: the document's time is occurredAt (DTM 137), as for the 860.
        for (const key of ['id', 'receivedAt', 'correlationId', 'causationId', 'source'])
          delete (expected as Record<string, unknown>)[key];
        const { id: _i, receivedAt: _r, correlationId: _c, causationId: _ca, source: _s, ...got } = back;
        expect(got).toEqual(expected);
      });
    }
});

describe('EDIFACT with a decimal comma (UNA3 ",")', () => {
  it("writes numbers with the partner's decimal mark and reads them back exactly", () => {
    const event = parseEvent({ ...SAMPLE_EVENTS['purchase-order.issued.v1'], partnerId: 'nordic-castings' });
    const written = generateEdifact(
      event,
      maps.outbound('ORDERS', 'D96A')!,
      edifactOutboundConverters(nordic),
      {
        serviceCharacters: ":+,? '",
        sender: { id: '5790000000005', qualifier: '14' },
        recipient: { id: '7350000123457', qualifier: '14' },
        now: RECEIVED,
        references: { interchange: '43', messages: ['8'] },
      },
    );
    expect(written.text.startsWith("UNA:+,? 'UNB")).toBe(true);
    expect(written.text).toContain("PRI+AAA:4,25:::100:PCE'"); // H87 is PCE for this partner
    // Text stays as it is: only numeric elements of the directory take the comma.
    expect(written.text).toContain("IMD+F++:::hex bolt M8x25, zinc plated'");
    const back = translator.translate({ bytes: written.text, partner: nordic, receivedAt: RECEIVED })
      .events[0]!;
    expect((back.payload as { lines: { unitPrice: unknown }[] }).lines[0]!.unitPrice).toEqual({
      amount: '4.25',
      currency: 'USD',
      per: { value: '100', unit: 'H87' },
    });
  });
});

describe('CONTRL from a canonical functional acknowledgment', () => {
  it('answers the partner with UCI 7 and a UCM 4 in the directory it sends that message in', () => {
    const sample = SAMPLE_EVENTS['functional-acknowledgment.sent.v1'];
    const event = parseEvent({
      ...sample,
      partnerId: 'nordic-castings',
      source: { channel: 'as2', standard: 'edifact', messageType: 'CONTRL' },
      payload: {
        standard: 'edifact',
        ackType: 'CONTRL',
        acknowledged: { interchangeControlNumber: 'NC0005' },
        status: 'partially-accepted',
        transactionSets: [
          {
            controlNumber: '1',
            type: 'DESADV',
            status: 'rejected',
            issues: [
              {
                level: 'element',
                code: '39',
                segmentId: 'RFF',
                segmentPosition: 4,
                elementPosition: 1,
                componentPosition: 2,
              },
            ],
          },
          { controlNumber: '2', type: 'DESADV', status: 'accepted' },
        ],
      },
    });
    const written = generateEdifactForPartner(event, maps, nordic, {
      sender: { id: '5790000000005', qualifier: '14' },
      now: RECEIVED,
      references: { interchange: '44', messages: ['9'] },
    });
    expect(written.type).toBe('CONTRL');
    expect(written.text).toBe(
      "UNA:+.? 'UNB+UNOC:3+5790000000005:14+7350000123457:14+250319:2021+44++++++1'UNH+9+CONTRL:D:3:UN'" +
        "UCI+NC0005+7350000123457:14+5790000000005:14+7'UCM+1+DESADV:D:96A:UN+4'UCS+4'UCD+39+2:2'" +
        "UNT+6+9'UNZ+1+44'",
    );
  });
});

describe('UNB 0031 (acknowledgment request)', () => {
  const generate = (partner: typeof nordic) =>
    generateEdifactForPartner(
      parseEvent({ ...SAMPLE_EVENTS['purchase-order.issued.v1'], partnerId: partner.id }),
      maps,
      partner,
      {
        sender: { id: '5790000000005', qualifier: '14' },
        now: RECEIVED,
        references: { interchange: '45', messages: ['10'] },
      },
    ).text;
  const unb = (text: string) =>
    text
      .split("'")
      .find((s) => s.startsWith('UNB+'))!
      .split('+');

  it('asks a partner that answers with CONTRL for one, since the order then waits for it', () => {
    expect(nordic.acknowledgments.functional).toBe('CONTRL');
    // UNB elements: 0 tag, 1 syntax, 2 sender, 3 recipient, 4 date/time, 5 reference, … 9 = 0031.
    expect(unb(generate(nordic))[9]).toBe('1');
  });

  it('asks nothing of a partner that sends no CONTRL', () => {
    const silent = { ...nordic, acknowledgments: { ...nordic.acknowledgments, functional: 'none' as const } };
    expect(unb(generate(silent))[9] ?? '').toBe('');
  });
});

describe('a partner override by YAML only', () => {
  const partner = loadPartnerProfiles(
    join(import.meta.dirname, 'fixtures', 'edifact-partners'),
  ).profiles.find((p) => p.id === 'edifact-override-partner')!;
  const text =
    "UNB+UNOC:3+7350000123457:14+5790000000005:14+250304:1412+NC0100'UNH+1+ORDRSP:D:96A:UN'" +
    "BGM+231+NC-SO-9+29'DTM+137:202503041412:203'RFF+ON:NC-SO-9'RFF+CO:4500012399'" +
    "LIN+10+5'PIA+5+NC-HSG-4411-GJS500:SA'QTY+21:40:PCE'UNS+S'UNT+10+1'UNZ+1+NC0100'";
  const read = (p: typeof partner) =>
    translator.translate({ bytes: text, partner: p, receivedAt: RECEIVED }).events[0]!;

  it('takes our order number from RFF+CO when the partner profile says so', () => {
    const event = read(partner);
    expect(event.payload).toMatchObject({
      purchaseOrder: { number: '4500012399' },
      status: 'accepted',
      lines: [{ lineNumber: '10', material: '200-10034', quantity: { value: '40', unit: 'H87' } }],
    });
    expect(event.correlationId).toBe('po:4500012399');
  });

  it('leaves other partners on the standard map', () => {
    expect(read(nordic).payload).toMatchObject({ purchaseOrder: { number: 'NC-SO-9' } });
  });

  it('checks an override like a map: a bad one names the partner file', () => {
    const broken = {
      ...partner,
      maps: { edifact: { 'ORDRSP.inbound': { fields: { 'payload.nope': 'RFF.01.2' } } } },
    };
    expect(() => maps.checkPartner(broken)).toThrow(
      /partners\/edifact-override-partner\.yaml.*has no field payload\.nope/,
    );
  });
});

describe('ORDCHG of a header change alone', () => {
  it('writes a new ship-to with no line changed and reads it back', () => {
    const raw = structuredClone(SAMPLE_EVENTS['purchase-order.changed.v1']) as Record<string, any>;
    raw.partnerId = 'nordic-castings';
    raw.payload.header = { shipTo: 'SH200' };
    raw.payload.lines = [];
    const written = generateEdifactForPartner(parseEvent(raw), maps, nordic, {
      sender: { id: '5790000000005', qualifier: '14' },
      now: RECEIVED,
      references: { interchange: '46', messages: ['11'] },
    });
    const result = translator.translate({ bytes: written.text, partner: nordic, receivedAt: RECEIVED });
    expect(result.messages.map((m) => [m.outcome, m.problems])).toEqual([['translated', []]]);
    expect((result.events[0]!.payload as any).lines).toEqual([]);
  });

  it("does not take a line's ship-to for the order's", () => {
    const raw = structuredClone(SAMPLE_EVENTS['purchase-order.changed.v1']) as Record<string, any>;
    raw.partnerId = 'nordic-castings';
    raw.payload.lines[0].shipTo = 'SH300';
    const written = generateEdifactForPartner(parseEvent(raw), maps, nordic, {
      sender: { id: '5790000000005', qualifier: '14' },
      now: RECEIVED,
      references: { interchange: '47', messages: ['12'] },
    });
    const back = translator.translate({ bytes: written.text, partner: nordic, receivedAt: RECEIVED })
      .events[0]!.payload as any;
    expect(back.lines[0].shipTo).toBe('SH300');
    expect(back.header).toBeUndefined();
  });
});
