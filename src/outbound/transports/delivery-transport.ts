import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import type { DeliveryResult, OutboundDocument } from '../outbound.types.js';

/** One way a document reaches a partner. Throwing means the try failed (see outbound.types.ts errors). */
export interface DeliveryTransport {
  deliver(document: OutboundDocument, payload: Buffer, partner: PartnerProfile): Promise<DeliveryResult>;
}
