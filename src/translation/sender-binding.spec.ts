import { describe, expect, it } from 'vitest';
import { checkSenderBinding, type BoundPartner, type IdentityLookup } from './sender-binding.js';

const acme: BoundPartner = {
  id: 'acme',
  isa: [
    { qualifier: 'ZZ', id: 'ACMEFAST' },
    { qualifier: '01', id: '081466849' },
  ],
  gs: ['ACMEFAST'],
};
const lookup: IdentityLookup = {
  byIsa: (q, id) =>
    new Map([
      ['ZZ/ACMEFAST', 'acme'],
      ['01/081466849', 'acme'],
      ['ZZ/OTHER', 'other'],
    ]).get(`${q}/${id.toUpperCase()}`),
  byGs: (id) =>
    new Map([
      ['ACMEFAST', 'acme'],
      ['OTHERGS', 'other'],
    ]).get(id),
};
const ic = (qualifier: string, id: string, ...gs: string[]) =>
  ({
    header: { senderQualifier: qualifier, senderId: id.padEnd(15) },
    groups: gs.map((senderCode, i) => ({ senderCode, controlNumber: String(i + 1) })),
  }) as unknown as Parameters<typeof checkSenderBinding>[0];

describe('checkSenderBinding', () => {
  it('binds a padded ISA06 and every GS02 of the partner', () => {
    expect(checkSenderBinding(ic('ZZ', 'ACMEFAST', 'ACMEFAST'), acme, lookup)).toEqual({ bound: true });
    expect(checkSenderBinding(ic('01', '081466849'), acme, lookup)).toEqual({ bound: true });
  });

  it("rejects another partner's or an unknown ISA sender with TA105 006", () => {
    const other = checkSenderBinding(ic('ZZ', 'OTHER', 'ACMEFAST'), acme, lookup);
    expect(other).toMatchObject({
      bound: false,
      reason: 'isa-sender-not-bound',
      code: '006',
      found: 'ZZ/OTHER',
    });
    expect(other.bound === false && other.expected).toEqual(['ZZ/ACMEFAST', '01/081466849']);
    expect(checkSenderBinding(ic('ZZ', 'NOBODY'), acme, lookup)).toMatchObject({ code: '006' });
  });

  it("answers the partner's id under a qualifier it does not use with TA105 005", () => {
    expect(checkSenderBinding(ic('01', 'ACMEFAST'), acme, lookup)).toMatchObject({
      bound: false,
      code: '005',
    });
  });

  it('rejects a GS02 that is not the partner’s with TA105 024', () => {
    expect(checkSenderBinding(ic('ZZ', 'ACMEFAST', 'ACMEFAST', 'OTHERGS'), acme, lookup)).toMatchObject({
      bound: false,
      reason: 'gs-sender-not-bound',
      code: '024',
      expected: ['ACMEFAST'],
      found: 'OTHERGS',
    });
  });

  it('rejects every sender when no partner was authenticated', () => {
    expect(checkSenderBinding(ic('ZZ', 'ACMEFAST', 'ACMEFAST'), undefined, lookup)).toMatchObject({
      bound: false,
      reason: 'unidentified-partner',
      code: '006',
    });
  });
});
