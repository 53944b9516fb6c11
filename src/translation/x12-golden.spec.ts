import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS, type CanonicalEvent, type EventName } from '../canonical/index.js';
import { generateX12 } from '../edi/x12/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { generateForPartner, OUTBOUND_SETS } from './x12-generation.js';
import { outboundConverters, X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

/**
 * Golden files: each `fixtures/x12/<set>-<version>.edi` (our own, written for these tests) translates
 * to exactly `<set>-<version>.json` (reviewed by a person). A missing golden file is written only with
 * UPDATE_GOLDEN=1 and must be read before it is committed. Then both directions: every outbound event
 * type, generated in 004010 and 005010 and read back, is the same event.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'x12');
const maps = new X12MapRegistry();
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const translator = new X12Translator(maps);
const RECEIVED = new Date('2025-03-19T20:21:05Z');

describe('X12 inbound golden files', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.edi'));
  it('cover every set in both versions', () => {
    expect(files.sort()).toEqual(
      ['850', '855', '856', '860', '865'].flatMap((s) => [`${s}-004010.edi`, `${s}-005010.edi`]),
    );
  });
  for (const file of files) {
    it(`${file} translates to its golden events`, () => {
      const result = translator.translate({
        bytes: readFileSync(join(FIXTURES, file)),
        partner: acme,
        interchangeId: '4711',
        channel: 'sftp',
        receivedAt: RECEIVED,
      });
      const observed = result.sets.map((s) => ({
        set: `${s.setId} ${s.controlNumber}`,
        outcome: s.outcome,
        problems: s.problems,
        event: s.event ?? null,
      }));
      const golden = join(FIXTURES, file.replace(/\.edi$/, '.json'));
      if (!existsSync(golden) && process.env.UPDATE_GOLDEN === '1')
        writeFileSync(golden, `${JSON.stringify(observed, null, 2)}\n`);
      expect(existsSync(golden), `${golden} missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(observed).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
      // Every golden event is a valid catalogue event.
      for (const o of observed) if (o.event) expect(() => parseEvent(o.event)).not.toThrow();
    });
  }
});

/** UTC with seconds, as the maps write and read X12 dates and times (DTM04 UT). */
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

/** What the X12 maps carry of an event (docs/edi-x12.md, "Maps and translation": not carried). */
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
  'ship-notice.received.v1',
];

describe('X12 round trip: generate, read back, the same event', () => {
  for (const version of ['004010', '005010'])
    for (const name of ROUND_TRIP) {
      it(`${name} in ${version}`, () => {
        const event = parseEvent(SAMPLE_EVENTS[name]);
        const setId = OUTBOUND_SETS[event.type]!;
        const written = generateX12(event, maps.outbound(setId, version)!, outboundConverters(acme), {
          delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
          sender: { qualifier: 'ZZ', id: 'BUYERCO' },
          receiver: { qualifier: 'ZZ', id: 'ACMEFAST' },
          version,
          now: RECEIVED,
          controlNumbers: { interchange: 42, group: 42, sets: [7] },
        });
        const result = translator.translate({ bytes: written.text, partner: acme, receivedAt: RECEIVED });
        expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
        const back = result.events[0]!;
        const expected = carried(event);
        // An 855 or 856 carries no revision number: it is read from the envelope or BSN03/04.
        if (setId === '855') expected.document.revision = '000000042-0007';
        if (setId === '856') expected.document.revision = '20250319T2020';
        for (const key of ['id', 'receivedAt', 'correlationId', 'causationId', 'source'])
          delete (expected as Record<string, unknown>)[key];
        const { id: _i, receivedAt: _r, correlationId: _c, causationId: _ca, source: _s, ...got } = back;
        expect(got).toEqual(expected);
      });
    }
});

describe('GS08 of a generated interchange', () => {
  it("keeps the partner's industry identifier (004010VICS) and takes the 004010 map", () => {
    const vics = {
      ...acme,
      documents: {
        ...acme.documents,
        outbound: acme.documents.outbound.map((d) =>
          d.standard === 'x12' ? { ...d, version: '004010VICS' } : d,
        ),
      },
    };
    const event = parseEvent({ ...SAMPLE_EVENTS['purchase-order.issued.v1'], partnerId: acme.id });
    const written = generateForPartner(event, maps, vics, {
      sender: { qualifier: 'ZZ', id: 'BUYERCO' },
      now: RECEIVED,
      controlNumbers: { interchange: 7, group: 7, sets: [7] },
    });
    const gs = written.text.split('~').find((s) => s.replace(/^\s+/, '').startsWith('GS*'))!;
    expect(gs.trim().split('*')[8]).toBe('004010VICS');
    // Our own reader takes it as 004010 and the set back as the same order.
    const read = translator.translate({ bytes: written.text, partner: vics, receivedAt: RECEIVED });
    expect(read.sets.map((s) => [s.setId, s.version, s.outcome])).toEqual([
      ['850', '004010VICS', 'translated'],
    ]);
  });
});

describe('X12 map problems', () => {
  it('name the item they come from, at every level of a hierarchy', () => {
    // The golden 856 with the second item's unit replaced by a code no table knows.
    const text = readFileSync(join(FIXTURES, '856-004010.edi'), 'latin1');
    const items = [...text.matchAll(/SN1\*[^~]*\*([A-Z0-9]{2})~/g)];
    expect(items.length).toBeGreaterThanOrEqual(2);
    const at = items[1]!.index! + items[1]![0].length - 3;
    const damaged = `${text.slice(0, at)}QQ${text.slice(at + 2)}`;
    const [set] = translator.translate({ bytes: damaged, partner: acme, receivedAt: RECEIVED }).sets;
    expect(set!.outcome).toBe('failed');
    expect(set!.problems).toEqual([
      `payload.orders[0].packs[1].items[0].quantity.unit: unknown X12 unit code (DE 355) "QQ": not in the gateway's table and not in partner acme-fasteners's unit cross-references`,
    ]);
  });
});
