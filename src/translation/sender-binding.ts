import type { X12InterchangeResult } from '../edi/x12/index.js';

/** An ISA sender (ISA05 qualifier, ISA06 id), trimmed as the registry compares them. */
export interface X12Sender {
  readonly qualifier: string;
  readonly id: string;
}

/** The identities the authenticated partner's profile claims, as the partner registry knows them. */
export interface BoundPartner {
  readonly id: string;
  readonly isa: readonly X12Sender[];
  readonly gs: readonly string[];
}

/** Who the registry says an envelope identity belongs to (PartnerRegistry.byX12Interchange / byX12Group). */
export interface IdentityLookup {
  readonly byIsa: (qualifier: string, id: string) => string | undefined;
  readonly byGs: (id: string) => string | undefined;
}

export type SenderBindingReason = 'unidentified-partner' | 'isa-sender-not-bound' | 'gs-sender-not-bound';

export type SenderBinding =
  | { readonly bound: true }
  | {
      readonly bound: false;
      readonly reason: SenderBindingReason;
      /**
       * TA105 (X12.5 I18, ACK-CODES.md): 005 when the partner uses this ISA06 but under another
       * qualifier, 006 when the ISA06 is not the partner's (or no partner was authenticated), 024 when
       * the ISA is the partner's but a GS02 is not (the GS segment is the invalid content).
       */
      readonly code: '005' | '006' | '024';
      readonly detail: string;
      /** What the profile allows and what the envelope said, for the exception's differences. */
      readonly expected: readonly string[];
      readonly found: string;
    };

export function senderOf(interchange: Pick<X12InterchangeResult, 'header'>): X12Sender {
  return {
    qualifier: interchange.header.senderQualifier.trim(),
    id: interchange.header.senderId.trim(),
  };
}

export function senderLabel(sender: X12Sender): string {
  return `${sender.qualifier}/${sender.id}`;
}

/**
 * Checks that an interchange's ISA05/ISA06 sender and every GS02 belong to the partner the channel
 * authenticated (DESIGN.md invariant 3: nobody sends documents in another partner's name). Pure: the
 * caller supplies the partner (undefined when the receipt is unidentified) and the registry lookups.
 */
export function checkSenderBinding(
  interchange: Pick<X12InterchangeResult, 'header' | 'groups'>,
  partner: BoundPartner | undefined,
  lookup: IdentityLookup,
): SenderBinding {
  const sender = senderOf(interchange);
  const isaExpected = partner ? partner.isa.map(senderLabel) : [];
  if (!partner) {
    return {
      bound: false,
      reason: 'unidentified-partner',
      code: '006',
      detail: `sender ${senderLabel(sender)} arrived on a channel that identified no partner`,
      expected: isaExpected,
      found: senderLabel(sender),
    };
  }
  if (lookup.byIsa(sender.qualifier, sender.id) !== partner.id) {
    // The same id under another qualifier is the partner's id written with the wrong qualifier.
    const idIsTheirs = partner.isa.some((x) => x.id.trim().toUpperCase() === sender.id.toUpperCase());
    return {
      bound: false,
      reason: 'isa-sender-not-bound',
      code: idIsTheirs ? '005' : '006',
      detail: idIsTheirs
        ? `ISA05 qualifier ${sender.qualifier} is not one partner ${partner.id} uses with ISA06 ${sender.id} (expected ${isaExpected.join(', ')})`
        : `ISA sender ${senderLabel(sender)} is not an identity of partner ${partner.id} (expected ${isaExpected.join(', ')})`,
      expected: isaExpected,
      found: senderLabel(sender),
    };
  }
  for (const group of interchange.groups) {
    const gs02 = group.senderCode.trim();
    if (lookup.byGs(gs02) !== partner.id) {
      return {
        bound: false,
        reason: 'gs-sender-not-bound',
        code: '024',
        detail: `GS02 ${gs02} (group ${group.controlNumber}) is not an identity of partner ${partner.id} (expected ${partner.gs.join(', ')})`,
        expected: [...partner.gs],
        found: gs02,
      };
    }
  }
  return { bound: true };
}
