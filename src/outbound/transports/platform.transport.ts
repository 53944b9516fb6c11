import { Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { RefusedTargetError } from '../safe-http.js';
import { PermanentDeliveryError, type DeliveryResult, type OutboundDocument } from '../outbound.types.js';
import type { DeliveryTransport, DocumentContent } from './delivery-transport.js';
import { PlatformClient } from './platform-client.js';

export const CONTENT_TYPES: Readonly<Record<OutboundDocument['standard'], string>> = {
  x12: 'application/edi-x12',
  edifact: 'application/edifact',
  json: 'application/json',
};

/** The media type of a document's bytes with the charset they are written in (an IANA name: UTF-8, IBM037 …). */
export function contentTypeWithCharset(standard: OutboundDocument['standard'], charset: string): string {
  return `${CONTENT_TYPES[standard]}; charset=${charset}`;
}

/**
 * POSTs the partner-format document to the partner's collaboration platform (`delivery.platform`),
 * labelled with its archived Content-Type (charset included), with an Idempotency-Key of the document id so a retried POST makes one document there. The platform
 * answers with its id for the document (`{"id": …}`), which the answer poller asks about later.
 */
@Injectable()
export class PlatformTransport implements DeliveryTransport {
  private readonly clients = new Map<string, PlatformClient>();

  constructor(@InjectConfig() private readonly config: GatewayConfig) {}

  client(partner: PartnerProfile): PlatformClient {
    const settings = partner.delivery?.platform;
    if (!settings) throw new PermanentDeliveryError(`partner ${partner.id} has no delivery.platform`);
    let client = this.clients.get(partner.id);
    if (!client) {
      client = new PlatformClient(partner.id, settings, this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS);
      this.clients.set(partner.id, client);
    }
    return client;
  }

  async deliver(
    document: OutboundDocument,
    content: DocumentContent,
    partner: PartnerProfile,
  ): Promise<DeliveryResult> {
    const client = this.client(partner);
    let result;
    try {
      result = await client.call('POST', partner.delivery!.platform!.documentsUrl, {
        // With the charset the bytes are written in (application/edi-x12; charset=UTF-8).
        contentType: content.contentType,
        bytes: content.payload,
        key: `outbound-document-${document.id}`,
      });
    } catch (error) {
      if (error instanceof RefusedTargetError) throw new PermanentDeliveryError(error.message);
      throw error;
    }
    const { response, what } = result;
    if (response.status === 408 || response.status >= 500) throw new Error(what);
    if (response.status < 200 || response.status >= 300) throw new PermanentDeliveryError(what);
    let ref: unknown;
    try {
      ref = (JSON.parse(response.body.toString('utf8')) as { id?: unknown }).id;
    } catch {
      ref = undefined;
    }
    if (typeof ref !== 'string' && typeof ref !== 'number')
      throw new PermanentDeliveryError(`${what} without the platform's document id ({"id": …})`);
    return { outcome: 'delivered', detail: `${client.name()} document ${ref}`, platformRef: String(ref) };
  }
}
