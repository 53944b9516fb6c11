import type { CanonicalEvent } from '../canonical/index.js';
import { DEFAULT_X12_DELIMITERS, type X12Delimiters, type X12Encoding } from '../edi/x12/index.js';
import {
  generateX12,
  generateX12FunctionalAck,
  X12GenerationError,
  type X12EnvelopeOptions,
  type X12Interchange,
  type X12Party,
} from '../edi/x12/generator/index.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { outboundConverters, type X12MapRegistry } from './x12-map-registry.js';

/** The X12 set each outbound event type is written as. */
export const OUTBOUND_SETS: Readonly<Record<string, string>> = {
  'purchase-order.issued': '850',
  'purchase-order.changed': '860',
  'purchase-order.cancelled': '860',
  'purchase-order.acknowledged': '855',
  'ship-notice.received': '856',
  'functional-acknowledgment.sent': '997',
};

export interface X12GenerationOptions {
  /** Our ISA/GS identity towards this partner. */
  readonly sender: X12Party;
  readonly now: Date;
  readonly controlNumbers: X12EnvelopeOptions['controlNumbers'];
}

/** The partner's outbound X12 document of a set (version and delimiters), or the first X12 one. */
function outboundDocument(partner: PartnerProfile, setId: string) {
  const x12 = partner.documents.outbound.filter((d) => d.standard === 'x12');
  return x12.find((d) => d.type === setId) ?? x12[0];
}

/** Delimiters from the profile's `format`, the rest from the X12 defaults (`*`, `:`, `^`, `~`). */
export function partnerDelimiters(partner: PartnerProfile, setId: string): X12Delimiters {
  const doc = outboundDocument(partner, setId);
  const f = doc?.standard === 'x12' ? doc.format : undefined;
  return {
    element: f?.elementSeparator ?? DEFAULT_X12_DELIMITERS.element,
    component: f?.componentSeparator ?? DEFAULT_X12_DELIMITERS.component,
    repetition: f?.repetitionSeparator ?? DEFAULT_X12_DELIMITERS.repetition,
    segment: f?.segmentTerminator ?? DEFAULT_X12_DELIMITERS.segment,
  };
}

/**
 * One canonical event as one X12 interchange for a partner: the outbound map of the event's set in
 * the version the profile lists for it, the profile's delimiters, ISA/GS receiver from its first X12
 * identity, every value checked against the encoding it is written in (`x12.encoding`, see
 * `partnerX12Encoding`). Throws `X12GenerationError`.
 */
export function generateForPartner(
  event: CanonicalEvent,
  maps: X12MapRegistry,
  partner: PartnerProfile,
  options: X12GenerationOptions,
): X12Interchange & { readonly setId: string } {
  const setId = OUTBOUND_SETS[event.type];
  if (!setId) throw new X12GenerationError('NO_MAP', `${event.type} is not sent as X12`);
  const receiver = partner.identities.x12[0];
  if (!receiver)
    throw new X12GenerationError('ENVELOPE_INVALID', `partner ${partner.id} has no X12 identity`);
  const doc = outboundDocument(partner, setId);
  // GS08 as the partner's profile says it (`004010VICS` names the industry guide the partner reads
  // by); the maps are kept by version and release alone.
  const groupVersion = doc?.version ?? '004010';
  const version = groupVersion.slice(0, 6);
  const envelope: X12EnvelopeOptions = {
    delimiters: partnerDelimiters(partner, setId),
    sender: options.sender,
    receiver: { qualifier: receiver.qualifier, id: receiver.id, gs: partner.identities.gs[0] },
    version: groupVersion,
    usage: partner.status === 'live' ? 'P' : 'T',
    now: options.now,
    controlNumbers: options.controlNumbers,
    // The profile's `x12.encoding`: in latin1 a value with a character ISO 8859-1 has no byte for
    // is refused here, in the dry run before any control number is taken.
    encoding: partnerX12Encoding(partner),
  };
  if (event.type === 'functional-acknowledgment.sent')
    return { ...generateX12FunctionalAck(event.payload, envelope), setId };
  const map = maps.outbound(setId, version);
  if (!map) throw new X12GenerationError('NO_MAP', `no outbound map for ${setId} in ${version}`);
  try {
    return { ...generateX12(event, map, outboundConverters(partner), envelope), setId };
  } catch (error) {
    if (error instanceof X12GenerationError) throw error;
    throw new X12GenerationError('VALUE_INVALID', (error as Error).message);
  }
}

/** The encoding the X12 sent to a partner is written in: its profile's `x12.encoding` (default utf8). */
export function partnerX12Encoding(partner: PartnerProfile): X12Encoding {
  return partner.x12.encoding;
}
