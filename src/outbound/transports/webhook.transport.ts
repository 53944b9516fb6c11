import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { decodeEdifactInterchange, decodeUtf8OrLatin1 } from '../../edi/edifact/index.js';
import { decodeX12, x12EncodingOf } from '../../edi/x12/index.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { PermanentDeliveryError, type DeliveryResult, type OutboundDocument } from '../outbound.types.js';
import { postSignedWebhook } from '../webhooks/signed-post.js';
import type { DeliveryTransport, DocumentContent } from './delivery-transport.js';

/**
 * The partner's delivery channel `webhook`: a signed POST (Standard Webhooks, ../webhooks/signed-post.ts)
 * whose body is the partner document — the partner JSON schema for JSON partners, or
 * `{ type, data: { standard, messageType, contentType, content, contentBase64 } }` around the EDI text. `webhook-id` is the
 * document id, the same on every retry, so a receiver drops repeats. Subscriptions to further URLs are
 * ../webhooks/webhook-subscriptions.service.ts.
 */
@Injectable()
export class WebhookTransport implements DeliveryTransport {
  constructor(@InjectConfig() private readonly config: GatewayConfig) {}

  async deliver(
    document: OutboundDocument,
    content: DocumentContent,
    partner: PartnerProfile,
  ): Promise<DeliveryResult> {
    const settings = partner.delivery?.webhook;
    if (!settings) throw new PermanentDeliveryError(`partner ${partner.id} has no delivery.webhook`);
    let secret: string;
    try {
      secret = readFileSync(settings.secretFile, 'utf8').trim();
    } catch (error) {
      throw new PermanentDeliveryError(`webhook secret ${settings.secretFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const answer = await postSignedWebhook({
      url: settings.url,
      secrets: [secret],
      messageId: `outbound-document-${document.id}`,
      body: webhookBody(document, content),
      timeoutMs: settings.timeoutSeconds * 1000,
      allowPrivate: this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS,
    });
    return { outcome: 'delivered', detail: answer.detail };
  }
}

/**
 * The document as a webhook carries it: partner JSON as it is (JSON is UTF-8, RFC 8259 §8.1), EDI
 * text wrapped with what identifies it.
 */
export function webhookBody(document: OutboundDocument, content: DocumentContent): string {
  if (document.standard === 'json') return content.payload.toString('utf8');
  return JSON.stringify({ type: 'edi-document', data: ediDocumentData(document, content) });
}

/**
 * What identifies an EDI document, its text and its exact bytes. The body is JSON (UTF-8), so the
 * Content-Type of the request says nothing about the EDI bytes: `contentType` does, with the charset
 * `contentBase64` is written in (`application/edi-x12; charset=ISO-8859-1`).
 */
export function ediDocumentData(
  document: Pick<OutboundDocument, 'id' | 'kind' | 'standard' | 'messageType' | 'filename'>,
  { payload, contentType }: DocumentContent,
) {
  return {
    documentId: document.id,
    kind: document.kind,
    standard: document.standard,
    messageType: document.messageType,
    filename: document.filename,
    contentType,
    content: documentText(document.standard, { payload, contentType }),
    /** The exact bytes sent over the channel, for a receiver that checks or stores them. */
    contentBase64: payload.toString('base64'),
  };
}

/**
 * The EDI document as text. X12 declares no charset inside: it is read in the one it was archived
 * with (an EBCDIC 997 is cp037, not Latin-1), and, for a document archived before that was recorded,
 * by the EDIFACT reader's rule (valid UTF-8 as UTF-8, else Latin-1). EDIFACT is read that way too, by
 * the character set its UNB declares (UNOC is ISO 8859-1).
 */
function documentText(
  standard: OutboundDocument['standard'],
  { payload, contentType }: DocumentContent,
): string {
  if (standard === 'edifact') return decodeEdifactInterchange(payload);
  if (standard === 'x12') {
    const encoding = x12EncodingOf(contentType);
    return encoding ? decodeX12(payload, encoding) : decodeUtf8OrLatin1(payload);
  }
  return payload.toString('utf8');
}
