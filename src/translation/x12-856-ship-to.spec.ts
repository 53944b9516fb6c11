import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../canonical/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;

/**
 * N1*ST is optional in an 856 (X12 004010): a notice without it passed the 997 and then failed
 * translation with `payload.shipTo: expected string`. It becomes a ship notice without `shipTo`.
 */
describe('an 856 without N1*ST', () => {
  it('translates to a valid ship notice without a ship-to', () => {
    const golden = readFileSync(join(import.meta.dirname, 'fixtures', 'x12', '856-004010.edi'), 'utf8');
    const segments = golden.split('~\n');
    const withoutShipTo = segments
      .filter((s) => !s.startsWith('N1*ST*'))
      .map((s) =>
        s.startsWith('SE*') ? s.replace(/^SE\*(\d+)/, (_, n: string) => `SE*${Number(n) - 1}`) : s,
      )
      .join('~\n');
    expect(withoutShipTo.length).toBeLessThan(golden.length);
    const result = new X12Translator(new X12MapRegistry()).translate({
      bytes: Buffer.from(withoutShipTo),
      partner: acme,
      interchangeId: '4712',
      channel: 'sftp',
      receivedAt: new Date('2025-03-19T20:21:05Z'),
    });
    expect(result.sets.map((s) => ({ outcome: s.outcome, problems: s.problems }))).toEqual([
      { outcome: 'translated', problems: [] },
    ]);
    const event = parseEvent(result.sets[0]!.event);
    expect(event.type).toBe('ship-notice.received');
    expect(event.payload).not.toHaveProperty('shipTo');
    expect(event.payload).toMatchObject({
      shipmentNumber: 'ASN-20250319-07',
      shipFrom: 'Acme Fasteners Dock 4',
    });
  });
});
