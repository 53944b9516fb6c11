import { Inject, Injectable } from '@nestjs/common';
import { PermanentJobError, RetryJobError } from '../platform/jobs/job-definition.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from './notification-settings.js';
import { DELIVERY_HEADER, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';

/** The longest Retry-After the webhook honours; longer waits fall back to the job's backoff. */
const MAX_RETRY_AFTER_MS = 30 * 60_000;

/**
 * POSTs a signed JSON body to the operator's webhook. 2xx is delivered; 408, 429 and 5xx (and no
 * answer within the timeout) are retried; any other answer is a configuration problem and is
 * dead-lettered. Redirects are not followed (a signed body goes only where the operator said).
 */
@Injectable()
export class WebhookSender {
  constructor(@Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings) {}

  async send(body: string, delivery: string, now: () => number = Date.now): Promise<void> {
    const webhook = this.settings.webhook;
    if (!webhook)
      throw new PermanentJobError('the notification webhook is not configured (NOTIFY_WEBHOOK_URL)');
    const timestamp = Math.floor(now() / 1000);
    let response: Response;
    try {
      response = await fetch(webhook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(webhook.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'supplier-gateway-notifications',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(webhook.secret, timestamp, body),
          [DELIVERY_HEADER]: delivery,
        },
        body,
      });
    } catch (error) {
      throw new Error(`webhook ${new URL(webhook.url).origin}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return;
    const what = `webhook ${new URL(webhook.url).origin} answered ${response.status}`;
    if (response.status === 429 || response.status === 503) {
      const after = retryAfterMs(response.headers.get('retry-after'), now());
      if (after !== undefined) throw new RetryJobError(what, after);
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(what);
    throw new PermanentJobError(what);
  }
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), if usable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}
