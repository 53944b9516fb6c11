import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPartnerProfiles } from './partner-loader.js';
import { partnerProfileSchema, type PartnerProfile } from './partner-profile.schema.js';
import { PartnerRegistry } from './partner-registry.js';
import { PartnerError, PartnerErrorCode } from './partner.exception.js';

const repoPartners = fileURLToPath(new URL('../../partners', import.meta.url));

function profile(input: Record<string, unknown>): PartnerProfile {
  return partnerProfileSchema.parse({
    name: 'x',
    status: 'test',
    acknowledgments: { functional: 'none' },
    ...input,
  });
}

describe('PartnerRegistry over the repository examples', () => {
  let registry: PartnerRegistry;
  beforeAll(() => {
    const { profiles, problems } = loadPartnerProfiles(repoPartners);
    expect(problems).toEqual([]);
    registry = new PartnerRegistry(profiles);
  });

  it('finds partners by id and lists them sorted', () => {
    expect(registry.get('acme-fasteners')?.name).toBe('Acme Fasteners Inc.');
    expect(registry.get('nobody')).toBeUndefined();
    expect(registry.require('nordic-castings').name).toBe('Nordic Castings AB');
    expect(() => registry.require('nobody')).toThrow(PartnerError);
    expect(registry.all().map((p) => p.id)).toEqual(['acme-fasteners', 'nordic-castings']);
  });

  it('finds the partner of an X12 interchange and group, whatever the padding and case', () => {
    expect(registry.byX12Interchange('ZZ', 'ACMEFAST')?.id).toBe('acme-fasteners');
    // ISA06 is space-padded to 15 characters on the wire.
    expect(registry.byX12Interchange('zz', 'ACMEFAST       ')?.id).toBe('acme-fasteners');
    expect(registry.byX12Interchange('01', '081466849')?.id).toBe('acme-fasteners');
    expect(registry.byX12Interchange('01', 'ACMEFAST')).toBeUndefined();
    expect(registry.byX12Interchange('ZZ', 'NORDIC')).toBeUndefined();
    expect(registry.byX12Group('acmefast')?.id).toBe('acme-fasteners');
    expect(registry.byX12Group('OTHER')).toBeUndefined();
  });

  it('finds the partner of an EDIFACT interchange, with or without the qualifier', () => {
    expect(registry.byEdifact('7350000123457', '14')?.id).toBe('nordic-castings');
    expect(registry.byEdifact('7350000123457')?.id).toBe('nordic-castings');
    expect(registry.byEdifact('7350000123457', 'ZZZ')).toBeUndefined();
    expect(registry.byEdifact('ACMEFAST')).toBeUndefined();
  });

  it('finds the partner of an AS2 name, case-sensitively', () => {
    expect(registry.byAs2('NORDICCASTINGS-AS2')?.id).toBe('nordic-castings');
    expect(registry.byAs2(' NORDICCASTINGS-AS2 ')?.id).toBe('nordic-castings');
    expect(registry.byAs2('nordiccastings-as2')).toBeUndefined();
  });

  it('translates part numbers both ways', () => {
    expect(registry.ourMaterial('acme-fasteners', 'AF-HHCS-M8X25-ZP')).toBe('100-20455');
    expect(registry.theirPart('acme-fasteners', '100-20455')).toBe('AF-HHCS-M8X25-ZP');
    expect(registry.ourMaterial('nordic-castings', 'AF-HHCS-M8X25-ZP')).toBeUndefined();
    expect(registry.theirPart('nordic-castings', '200-10034')).toBe('NC-HSG-4411-GJS500');
  });

  it('translates their units to UN/ECE Rec 20', () => {
    expect(registry.rec20Unit('acme-fasteners', 'EA')).toBe('C62');
    expect(registry.rec20Unit('acme-fasteners', 'pc')).toBe('H87');
    expect(registry.rec20Unit('nordic-castings', 'PCE')).toBe('H87');
    expect(registry.rec20Unit('nordic-castings', 'EA')).toBeUndefined();
  });

  it('translates locations both ways', () => {
    expect(registry.ourLocation('acme-fasteners', 'DET-LINE4')).toBe('P100');
    expect(registry.theirLocation('acme-fasteners', 'SH100')).toBe('MFGCO DETROIT DOCK 2');
    expect(registry.theirLocation('nordic-castings', 'P100')).toBeUndefined();
  });

  it('refuses cross-references of a partner it does not know', () => {
    expect(() => registry.ourMaterial('nobody', 'X')).toThrow(/no partner with id "nobody"/);
  });
});

describe('PartnerRegistry over profiles built elsewhere', () => {
  it('matches a UNB id without qualifier under any qualifier, and an envelope without one only when unambiguous', () => {
    const registry = new PartnerRegistry([
      profile({ id: 'any', identities: { edifact: [{ id: 'ANYQ' }] } }),
      profile({ id: 'fourteen', identities: { edifact: [{ id: 'SAME', qualifier: '14' }] } }),
      profile({ id: 'zzz', identities: { edifact: [{ id: 'SAME', qualifier: 'ZZZ' }] } }),
    ]);
    expect(registry.byEdifact('ANYQ', '14')?.id).toBe('any');
    expect(registry.byEdifact('ANYQ')?.id).toBe('any');
    expect(registry.byEdifact('SAME', '14')?.id).toBe('fourteen');
    expect(registry.byEdifact('SAME', 'zzz')?.id).toBe('zzz');
    expect(registry.byEdifact('SAME')).toBeUndefined();
  });

  it('refuses two partners claiming one identity', () => {
    const build = () =>
      new PartnerRegistry([
        profile({ id: 'a', identities: { gs: ['SHARED'] } }),
        profile({ id: 'b', identities: { gs: ['shared'] } }),
      ]);
    expect(build).toThrow(PartnerError);
    expect(build).toThrow('GS SHARED is claimed by a and b');
    let error: unknown;
    try {
      build();
    } catch (thrown) {
      error = thrown;
    }
    expect((error as PartnerError).code).toBe(PartnerErrorCode.DuplicateIdentity);
  });
});
