import type { CanonicalEvent } from '../canonical/index.js';
import {
  EdifactGenerationError,
  generateEdifact,
  generateEdifactContrl,
  type EdifactContrlContent,
  type EdifactInterchange,
  type EdifactParty,
} from '../edi/edifact/generator/index.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { edifactOutboundConverters, type EdifactMapRegistry } from './edifact-map-registry.js';

/** The EDIFACT message each outbound event type is written as. */
export const EDIFACT_OUTBOUND_MESSAGES: Readonly<Record<string, string>> = {
  'purchase-order.issued': 'ORDERS',
  'purchase-order.changed': 'ORDCHG',
  'purchase-order.cancelled': 'ORDCHG',
  'purchase-order.acknowledged': 'ORDRSP',
  'purchase-order.change-answered': 'ORDRSP',
  'ship-notice.received': 'DESADV',
  'functional-acknowledgment.sent': 'CONTRL',
};

export interface EdifactGenerationOptions {
  /** Our UNB identity towards this partner. */
  readonly sender: EdifactParty;
  readonly now: Date;
  readonly references: { readonly interchange: string; readonly messages: readonly string[] };
}

/** The partner's outbound EDIFACT document of a message type, or its first EDIFACT one. */
function outboundDocument(partner: PartnerProfile, type: string) {
  const all = partner.documents.outbound.filter((d) => d.standard === 'edifact');
  return all.find((d) => d.type === type) ?? all[0];
}

/**
 * One canonical event as one EDIFACT interchange for a partner: the outbound map of the event's message
 * in the directory the profile lists for it (D96A by default), the profile's syntax and UNA, UNB
 * recipient from its first EDIFACT identity. Throws `EdifactGenerationError`.
 */
export function generateEdifactForPartner(
  event: CanonicalEvent,
  maps: EdifactMapRegistry,
  partner: PartnerProfile,
  options: EdifactGenerationOptions,
): EdifactInterchange & { readonly type: string; readonly directory: string } {
  const type = EDIFACT_OUTBOUND_MESSAGES[event.type];
  if (!type) throw new EdifactGenerationError('NO_MAP', `${event.type} is not sent as EDIFACT`);
  const recipient = partner.identities.edifact[0];
  if (!recipient)
    throw new EdifactGenerationError('ENVELOPE_INVALID', `partner ${partner.id} has no EDIFACT identity`);
  const doc = outboundDocument(partner, type);
  const format = doc?.standard === 'edifact' ? doc.format : undefined;
  const directory = doc?.standard === 'edifact' ? doc.version : 'D96A';
  const envelope = {
    syntax: format?.syntax,
    syntaxVersion: format?.syntaxVersion,
    una: format?.una,
    serviceCharacters: format?.serviceCharacters,
    sender: options.sender,
    recipient: { id: recipient.id, qualifier: recipient.qualifier },
    now: options.now,
    references: options.references,
    test: partner.status !== 'live',
    // UNB 0031: a partner that answers with CONTRL is asked for one, since the outbound side waits for
    // it (ISO 9735 partners send none for an accepted interchange unless asked); never on a CONTRL.
    ackRequested:
      partner.acknowledgments.functional === 'CONTRL' && event.type !== 'functional-acknowledgment.sent',
  };
  if (event.type === 'functional-acknowledgment.sent') {
    const payload = event.payload as unknown as Omit<
      EdifactContrlContent,
      'interchangeSender' | 'interchangeRecipient'
    >;
    // The acknowledged interchange came from the partner to us.
    // UCM S009: the directory each type comes in from this partner (its inbound documents).
    const messageVersions = Object.fromEntries(
      partner.documents.inbound.flatMap((d) => (d.standard === 'edifact' ? [[d.type, d.version]] : [])),
    );
    const content: EdifactContrlContent = {
      ...payload,
      messageVersions,
      interchangeSender: { id: recipient.id, qualifier: recipient.qualifier },
      interchangeRecipient: { id: options.sender.id, qualifier: options.sender.qualifier },
    };
    return { ...generateEdifactContrl(content, envelope), type, directory: 'D3' };
  }
  const map = maps.outbound(type, directory);
  if (!map) throw new EdifactGenerationError('NO_MAP', `no outbound map for ${type} in ${directory}`);
  return { ...generateEdifact(event, map, edifactOutboundConverters(partner), envelope), type, directory };
}
