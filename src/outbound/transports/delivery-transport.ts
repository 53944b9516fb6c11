import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import type { DeliveryResult, OutboundDocument } from '../outbound.types.js';

/** One way a document reaches a partner. Throwing means the try failed (see outbound.types.ts errors). */
export interface DeliveryTransport {
  deliver(document: OutboundDocument, payload: Buffer, partner: PartnerProfile): Promise<DeliveryResult>;
  /**
   * For a transport whose try concludes later (an AS2 asynchronous MDN): the delivery a try of a
   * document cancelled meanwhile has since proved, concluded here without sending anything; undefined
   * when there is none.
   */
  provedAfterCancel?(
    document: OutboundDocument,
  ): Promise<Extract<DeliveryResult, { outcome: 'delivered' }> | undefined>;
}
