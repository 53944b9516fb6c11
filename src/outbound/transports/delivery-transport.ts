import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import type { DeliveryResult, OutboundDocument } from '../outbound.types.js';

/**
 * A document's archived bytes and the Content-Type they were archived with, which names the charset
 * the renderer or the acknowledgment builder wrote them in (`application/edi-x12; charset=UTF-8`);
 * documents archived before the charset was recorded have the bare media type
 * (OutboundDeliveryService.content). A transport that labels what it sends uses this, so the
 * receiver never has to guess how to read the bytes.
 */
export interface DocumentContent {
  readonly payload: Buffer;
  readonly contentType: string;
}

/** One way a document reaches a partner. Throwing means the try failed (see outbound.types.ts errors). */
export interface DeliveryTransport {
  deliver(
    document: OutboundDocument,
    content: DocumentContent,
    partner: PartnerProfile,
  ): Promise<DeliveryResult>;
  /**
   * For a transport whose try concludes later (an AS2 asynchronous MDN): the delivery a try of a
   * document cancelled meanwhile has since proved, concluded here without sending anything; undefined
   * when there is none.
   */
  provedAfterCancel?(
    document: OutboundDocument,
  ): Promise<Extract<DeliveryResult, { outcome: 'delivered' }> | undefined>;
}
