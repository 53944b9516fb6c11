import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { X12MapError } from '../edi/x12/maps/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

function mapsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'x12-maps-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name.split('/')[0]!), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function loadError(files: Record<string, string>): X12MapError {
  try {
    new X12MapRegistry(mapsDir(files));
  } catch (error) {
    if (error instanceof X12MapError) return error;
    throw error;
  }
  throw new Error('the maps loaded');
}

const HEAD = "set: '855'\nversion: '004010'\ndirection: inbound\nevent: purchase-order.acknowledged.v1\n";

describe('X12 maps are checked at load', () => {
  it('loads the maps of the repository', () => {
    expect(new X12MapRegistry().keys()).toEqual(
      expect.arrayContaining(['004010/850.outbound', '004010/856.inbound', '005010/865.inbound']),
    );
  });

  it('refuses a segment the grammar of the set does not have', () => {
    const e = loadError({ '004010/855.inbound.yaml': `${HEAD}fields:\n  document.number: BEG.03\n` });
    expect(e.message).toContain('fields.document.number: segment BEG is not in the 855 grammar (BEG.03)');
  });

  it('refuses a field the event does not have, in collections too', () => {
    const e = loadError({
      '004010/855.inbound.yaml': `${HEAD}fields:\n  payload.orderNumber: BAK.03\ncollections:\n  payload.lines:\n    loop: PO1\n    fields:\n      qty: PO1.02\n`,
    });
    expect(e.message).toContain('purchase-order.acknowledged.v1 has no field payload.orderNumber');
    expect(e.message).toContain('purchase-order.acknowledged.v1 has no field payload.lines.qty');
  });

  it('refuses malformed selectors, unknown loops, keys and filters', () => {
    const e = loadError({
      '004010/855.inbound.yaml': `${HEAD}fields:\n  document.number: BAK-03\ncollections:\n  payload.lines:\n    loop: XYZ\n    fields:\n      lineNumber: PO1.01\n`,
      '004010/855.outbound.yaml':
        "set: '855'\nversion: '004010'\ndirection: outbound\nevent: purchase-order.acknowledged.v1\nbody:\n  - [BAK, '{^payload.status|shout}']\n  - [PO1, '{^payload.nope}']\n",
      '004010/856.inbound.yaml':
        "set: '856'\nversion: '004010'\ndirection: inbound\nevent: ship-notice.received.v1\nfeilds: {}\n",
    });
    expect(e.message).toContain('selector "BAK-03"');
    expect(e.message).toContain('loop XYZ is not in the 855 grammar');
    expect(e.message).toContain('unknown filter "shout"');
    expect(e.message).toContain('has no field payload.nope');
    expect(e.message).toContain('Unrecognized key: "feilds"');
  });

  it('refuses an extends whose base map does not exist', () => {
    const e = loadError({
      '005010/855.inbound.yaml': `${HEAD.replace('004010', '005010')}extends: '004010'\n`,
    });
    expect(e.message).toContain('extends 004010, but 004010/855.inbound does not exist');
  });
});

describe('per-partner overrides', () => {
  const maps = new X12MapRegistry();
  const profiles = loadPartnerProfiles(join(import.meta.dirname, 'fixtures', 'partners')).profiles;
  const partner = profiles.find((p) => p.id === 'override-partner')!;
  const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
    (p) => p.id === 'acme-fasteners',
  )!;
  // BAK03 is the supplier's own order number here; our PO number travels in REF*PO, and no CUR.
  const text =
    'ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *250304*1412*U*00401*000000201*0*T*>~' +
    'GS*PR*ACMEFAST*BUYERCO*20250304*1412*201*X*004010~ST*855*0001~BAK*00*AD*SO-77*20250304~' +
    'REF*PO*4500012345~PO1*10*100*PC*4.25**BP*100-20455~ACK*IA*100*PC~SE*6*0001~GE*1*201~IEA*1*000000201~';
  const translate = (p: typeof partner) =>
    new X12Translator(maps).translate({
      bytes: text,
      partner: p,
      receivedAt: new Date('2025-03-04T14:12:00Z'),
    }).events[0]!;

  it('takes the PO number from REF*PO when the partner profile says so', () => {
    const event = translate(partner);
    expect(event.type).toBe('purchase-order.acknowledged');
    expect(event.payload).toMatchObject({
      purchaseOrder: { number: '4500012345' },
      supplierOrderNumber: 'SO-77',
      lines: [{ lineNumber: '10', unitPrice: { amount: '4.25', currency: 'USD' } }],
    });
    expect(event.correlationId).toBe('po:4500012345');
  });

  it('leaves other partners on the standard map', () => {
    const event = translate(acme);
    expect(event.payload).toMatchObject({ purchaseOrder: { number: 'SO-77' } });
    expect((event.payload as { lines: { unitPrice?: unknown }[] }).lines[0]!.unitPrice).toBeUndefined();
  });

  it('checks an override like a map: a bad one names the partner file', () => {
    const broken = { ...partner, maps: { x12: { '855.inbound': { fields: { 'payload.nope': 'REF.02' } } } } };
    expect(() => maps.checkPartner(broken)).toThrow(
      /partners\/override-partner\.yaml.*has no field payload\.nope/,
    );
  });
});
