import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { retryAfterMs, safeRequest, RefusedTargetError } from '../safe-http.js';
import {
  DeliveryThrottledError,
  PermanentDeliveryError,
  type DeliveryResult,
  type OutboundDocument,
} from '../outbound.types.js';
import type { DeliveryTransport } from './delivery-transport.js';

/**
 * A signed POST to the partner's webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<HMAC-SHA256>`), whose body is the partner document — the partner JSON schema
 * for JSON partners, or `{ type, data: { standard, messageType, content } }` around the EDI text.
 * `webhook-id` is the document id, the same on every retry, so a receiver drops repeats. 2xx is
 * delivered; 408, 429, 5xx and no answer are retried (429/503 after their Retry-After); other answers,
 * redirects and refused targets (private addresses unless allowed) are permanent.
 */
@Injectable()
export class WebhookTransport implements DeliveryTransport {
  constructor(@InjectConfig() private readonly config: GatewayConfig) {}

  async deliver(
    document: OutboundDocument,
    payload: Buffer,
    partner: PartnerProfile,
  ): Promise<DeliveryResult> {
    const settings = partner.delivery?.webhook;
    if (!settings) throw new PermanentDeliveryError(`partner ${partner.id} has no delivery.webhook`);
    const body = webhookBody(document, payload);
    const id = `outbound-document-${document.id}`;
    const timestamp = new Date();
    let signature: string;
    try {
      signature = new Webhook(readFileSync(settings.secretFile, 'utf8').trim()).sign(id, timestamp, body);
    } catch (error) {
      throw new PermanentDeliveryError(`webhook secret ${settings.secretFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const target = new URL(settings.url).origin;
    let response;
    try {
      response = await safeRequest({
        method: 'POST',
        url: settings.url,
        timeoutMs: settings.timeoutSeconds * 1000,
        allowPrivate: this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'supplier-gateway',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        maxResponseBytes: 65_536,
      });
    } catch (error) {
      if (error instanceof RefusedTargetError)
        throw new PermanentDeliveryError(`webhook ${target}: ${error.message}`);
      throw new Error(`webhook ${target}: ${(error as Error).message}`, { cause: error });
    }
    const what = `webhook ${target} answered ${response.status}`;
    if (response.status >= 200 && response.status < 300) return { outcome: 'delivered', detail: what };
    if (response.status === 429 || response.status === 503) {
      const after = retryAfterMs(response.headers['retry-after']);
      if (after !== undefined) throw new DeliveryThrottledError(what, after);
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(what);
    throw new PermanentDeliveryError(
      response.status >= 300 && response.status < 400 ? `${what} (redirects are not followed)` : what,
    );
  }
}

export function webhookBody(document: OutboundDocument, payload: Buffer): string {
  if (document.standard === 'json') return payload.toString('utf8');
  return JSON.stringify({
    type: 'edi-document',
    data: {
      documentId: document.id,
      kind: document.kind,
      standard: document.standard,
      messageType: document.messageType,
      filename: document.filename,
      content: payload.toString('utf8'),
    },
  });
}
