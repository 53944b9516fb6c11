import { readEdifact } from '../../edi/edifact/index.js';
import { readX12 } from '../../edi/x12/index.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { storableText } from '../../platform/database/storable-json.js';
import type { PartnerRegistry } from '../../partners/partner-registry.js';
import { checkSenderBinding } from '../../translation/sender-binding.js';
import type { PartnerSender } from './schemas/partner-documents.v1.js';

/** Why a submission's sender is not the caller's partner, with what the profile allows and what came. */
export interface SenderMismatch {
  readonly detail: string;
  readonly field: string;
  readonly expected: readonly string[];
  readonly found: string;
}

/**
 * Checks at submission, before any answer, that every ISA06/GS02 sender of an X12 payload belongs to
 * the caller's partner (the same rule the X12 intake applies later: src/translation/sender-binding.ts),
 * so a partner gets the precise refusal at once. An unreadable envelope is left to the intake, which
 * answers it with the standard TA1.
 */
export function x12SenderMismatch(
  payload: Buffer,
  profile: PartnerProfile,
  partners: PartnerRegistry,
): SenderMismatch | undefined {
  const result = readX12(payload);
  for (const ic of result.interchanges) {
    const binding = checkSenderBinding(
      ic,
      {
        id: profile.id,
        isa: profile.identities.x12.map((x) => ({ qualifier: x.qualifier, id: x.id })),
        gs: profile.identities.gs,
      },
      {
        byIsa: (q, id) => partners.byX12Interchange(q, id)?.id,
        byGs: (id) => partners.byX12Group(id)?.id,
      },
    );
    // What was found is quoted from the bytes: kept as text PostgreSQL can store (no NUL).
    if (!binding.bound)
      return {
        detail: storableText(binding.detail),
        field: binding.reason === 'gs-sender-not-bound' ? 'gsSender' : 'isaSender',
        expected: binding.expected,
        found: storableText(binding.found),
      };
  }
  return undefined;
}

/** The UNB sender (ISO 9735 S002) of every interchange must be an identity of the caller's partner. */
export function edifactSenderMismatch(
  payload: Buffer,
  profile: PartnerProfile,
  partners: PartnerRegistry,
): SenderMismatch | undefined {
  const result = readEdifact(payload);
  for (const ic of result.interchanges) {
    const { id, qualifier } = ic.header.sender;
    if (partners.byEdifact(id, qualifier)?.id === profile.id) continue;
    const found = storableText(qualifier ? `${id.trim()}:${qualifier.trim()}` : id.trim());
    return {
      detail: `UNB sender ${found} is not an identity of partner ${profile.id}`,
      field: 'unbSender',
      expected: profile.identities.edifact.map((e) => (e.qualifier ? `${e.id}:${e.qualifier}` : e.id)),
      found,
    };
  }
  return undefined;
}

/** The JSON `sender` must name the caller's partner, by its id or one of its envelope identities. */
export function jsonSenderMismatch(
  sender: PartnerSender,
  profile: PartnerProfile,
  partners: PartnerRegistry,
): SenderMismatch | undefined {
  const owner =
    sender.scheme === 'partner'
      ? partners.get(sender.id)?.id
      : sender.scheme === 'x12'
        ? partners.byX12Interchange(sender.qualifier ?? '', sender.id)?.id
        : sender.scheme === 'gs'
          ? partners.byX12Group(sender.id)?.id
          : partners.byEdifact(sender.id, sender.qualifier)?.id;
  if (owner === profile.id) return undefined;
  const found = `${sender.scheme}:${sender.qualifier ? `${sender.qualifier}/` : ''}${sender.id}`;
  return {
    detail: `sender ${found} is not an identity of partner ${profile.id}`,
    field: 'sender',
    expected: [`partner:${profile.id}`],
    found,
  };
}
