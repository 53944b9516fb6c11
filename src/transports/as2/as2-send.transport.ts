import { Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import {
  DeliveryThrottledError,
  PermanentDeliveryError,
  type DeliveryResult,
  type OutboundDocument,
} from '../../outbound/outbound.types.js';
import { RefusedTargetError, retryAfterMs, safeRequest } from '../../outbound/safe-http.js';
import type { DeliveryTransport } from '../../outbound/transports/delivery-transport.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { As2Partnerships } from './as2-partnerships.service.js';
import { buildOutboundAs2, verifyMdn, type MicAlgorithm } from './protocol/index.js';

const CONTENT_TYPES: Readonly<Record<OutboundDocument['standard'], string>> = {
  x12: 'application/edi-x12',
  edifact: 'application/edifact',
  json: 'application/json',
};

/**
 * AS2 send (RFC 4130, docs/as2.md): the document signed, encrypted and optionally compressed per the
 * partner's `channels.as2`, POSTed to its URL with a synchronous MDN requested, and delivered only on
 * an MDN that verifies: signed by a pinned certificate of the partner (when we asked for a signed one),
 * answering our Message-ID, `processed`, with our MIC. The Message-ID derives from the document id,
 * so every retry and resend reuses it. No answer, 408, 429 and 5xx are retried; a negative or
 * unverifiable MDN is a permanent failure with its reason (resend or cancel). Without a URL the
 * document waits in `waiting-transport` (asynchronous MDNs are not built yet).
 */
@Injectable()
export class As2SendTransport implements DeliveryTransport {
  constructor(
    private readonly partnerships: As2Partnerships,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async deliver(
    document: OutboundDocument,
    payload: Buffer,
    partner: PartnerProfile,
  ): Promise<DeliveryResult> {
    const partnership = this.partnerships.forPartner(partner.id);
    if (!partnership) throw new PermanentDeliveryError(`partner ${partner.id} has no enabled channels.as2`);
    const settings = partnership.settings;
    if (!settings.url)
      return {
        outcome: 'waiting-transport',
        detail: 'the partner profile has no channels.as2.url; the document waits for a resend',
      };
    const as2To = partner.identities.as2[0];
    if (!as2To) throw new PermanentDeliveryError(`partner ${partner.id} has no identities.as2`);
    const signing = settings.sendSigning === 'none' ? undefined : settings.sendSigning;
    const micAlgorithm: MicAlgorithm = signing ?? 'sha-256';
    let message;
    try {
      message = await buildOutboundAs2(payload, {
        contentType: CONTENT_TYPES[document.standard],
        sign: signing ? { keys: await this.partnerships.keys(), digest: signing } : undefined,
        encrypt:
          settings.sendEncryption === 'none'
            ? undefined
            : { partnerCertificates: partnership.certificates, algorithm: settings.sendEncryption },
        compress: settings.sendCompression === 'none' ? undefined : settings.sendCompression,
        micAlgorithm,
      });
    } catch (error) {
      throw new PermanentDeliveryError(`AS2 message not built: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const messageId = as2MessageId(document.id, this.partnerships.ourId);
    const target = new URL(settings.url).origin;
    let response;
    try {
      response = await safeRequest({
        method: 'POST',
        url: settings.url,
        timeoutMs: settings.sendTimeoutSeconds * 1000,
        allowPrivate: this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS,
        headers: {
          ...message.headers,
          // A length, not chunked: many AS2 servers refuse chunked requests.
          'content-length': String(message.body.length),
          'mime-version': '1.0',
          'as2-version': '1.2',
          'as2-from': quoteAs2Name(this.partnerships.ourId),
          'as2-to': quoteAs2Name(as2To),
          'message-id': messageId,
          subject: `${document.messageType} ${document.filename}`.replace(/[\r\n]/g, ' '),
          'user-agent': 'supplier-gateway',
          'disposition-notification-to': quoteAs2Name(this.partnerships.ourId),
          ...(settings.requestSignedMdn
            ? {
                'disposition-notification-options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micAlgorithm}`,
              }
            : {}),
        },
        body: message.body,
        maxResponseBytes: 1_048_576,
      });
    } catch (error) {
      if (error instanceof RefusedTargetError)
        throw new PermanentDeliveryError(`AS2 ${target}: ${error.message}`);
      throw new Error(`AS2 ${target}: ${(error as Error).message}`, { cause: error });
    }
    const what = `AS2 ${target} answered ${response.status}`;
    if (response.status === 429 || response.status === 503) {
      const after = retryAfterMs(response.headers['retry-after']);
      if (after !== undefined) throw new DeliveryThrottledError(what, after);
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(what);
    if (response.status < 200 || response.status >= 300) throw new PermanentDeliveryError(what);
    const verdict = verifyMdn(response.headers, response.body, {
      messageId,
      mic: message.mic,
      signedRequested: settings.requestSignedMdn,
      partnerCertificates: partnership.certificates,
    });
    if (!verdict.delivered)
      throw new PermanentDeliveryError(`AS2 MDN for ${messageId} not accepted: ${verdict.reason}`);
    return { outcome: 'delivered', detail: `AS2 ${messageId}: ${verdict.detail}` };
  }
}

/** `<outbound-{document id}@{our AS2 id}>`: the same on every try of one document. */
export function as2MessageId(documentId: string, ourId: string): string {
  return `<outbound-${documentId}@${ourId.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '_')}>`;
}

/** AS2 names with spaces or specials are quoted (RFC 4130 §6.2). */
function quoteAs2Name(name: string): string {
  return /^[!#-'*+\-.0-9A-Z^-~]+$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
}
