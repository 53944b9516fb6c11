import { describe, expect, it } from 'vitest';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { edifactSenderMismatch, jsonSenderMismatch, x12SenderMismatch } from './sender-check.js';
import { ALPHA, BRAVO, edifactInterchange, x12Acknowledgment } from './testing/partner-api.test-helper.js';

function profile(p: typeof ALPHA): PartnerProfile {
  return {
    id: p.id,
    identities: {
      x12: [{ qualifier: 'ZZ', id: p.isa }],
      gs: [p.gs],
      edifact: [{ id: p.unb, qualifier: '14' }],
      as2: [],
    },
    crossReferences: { parts: [], units: {}, locations: [] },
  } as unknown as PartnerProfile;
}

const alpha = profile(ALPHA);
const registry = new PartnerRegistry([alpha, profile(BRAVO)]);
const x12 = (isa: string, gs: string) =>
  Buffer.from(
    x12Acknowledgment({
      isaSender: isa,
      gsSender: gs,
      poNumber: '1',
      control: 1,
      lines: [{ lineNumber: '1', quantity: '1' }],
    }),
  );

describe('sender binding at submission', () => {
  it('accepts the caller’s own X12, EDIFACT and JSON identities', () => {
    expect(x12SenderMismatch(x12(ALPHA.isa, ALPHA.gs), alpha, registry)).toBeUndefined();
    expect(
      edifactSenderMismatch(Buffer.from(edifactInterchange(ALPHA.unb, 'R1')), alpha, registry),
    ).toBeUndefined();
    for (const sender of [
      { scheme: 'partner', id: ALPHA.id },
      { scheme: 'x12', qualifier: 'ZZ', id: ALPHA.isa },
      { scheme: 'gs', id: ALPHA.gs },
      { scheme: 'edifact', qualifier: '14', id: ALPHA.unb },
    ] as const)
      expect(jsonSenderMismatch(sender, alpha, registry), sender.scheme).toBeUndefined();
  });

  it('names the field, what the profile allows and what came, for another partner’s or nobody’s identity', () => {
    expect(x12SenderMismatch(x12(BRAVO.isa, BRAVO.gs), alpha, registry)).toMatchObject({
      field: 'isaSender',
      expected: [`ZZ/${ALPHA.isa}`],
      found: `ZZ/${BRAVO.isa}`,
    });
    expect(x12SenderMismatch(x12(ALPHA.isa, BRAVO.gs), alpha, registry)).toMatchObject({
      field: 'gsSender',
      found: BRAVO.gs,
    });
    expect(
      edifactSenderMismatch(Buffer.from(edifactInterchange(BRAVO.unb, 'R2')), alpha, registry),
    ).toMatchObject({
      field: 'unbSender',
      expected: [`${ALPHA.unb}:14`],
      found: `${BRAVO.unb}:14`,
    });
    expect(jsonSenderMismatch({ scheme: 'partner', id: BRAVO.id }, alpha, registry)).toMatchObject({
      field: 'sender',
      found: `partner:${BRAVO.id}`,
    });
    expect(
      jsonSenderMismatch({ scheme: 'x12', qualifier: 'ZZ', id: 'NOBODY' }, alpha, registry),
    ).toMatchObject({
      found: 'x12:ZZ/NOBODY',
    });
  });
});
