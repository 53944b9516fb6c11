import { Webhook } from 'standardwebhooks';
import { retryAfterMs, safeRequest, RefusedTargetError } from '../safe-http.js';
import { DeliveryThrottledError, PermanentDeliveryError } from '../outbound.types.js';

export interface SignedWebhookPost {
  readonly url: string;
  /** `whsec_<base64>` secrets; each signs, so a receiver holding any of them verifies (rotation). */
  readonly secrets: readonly string[];
  /** `webhook-id`: the same on every try of one message, so receivers drop repeats. */
  readonly messageId: string;
  readonly body: string;
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
}

/** A message the receiver took (2xx). */
export interface WebhookAnswer {
  readonly status: number;
  readonly detail: string;
}

/** A try the receiver answered with a status that is not 2xx (retryable: 408, 429, 5xx). */
export class WebhookAnswerError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'WebhookAnswerError';
  }
}

/**
 * One signed POST, Standard Webhooks style: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` (several, space-separated, while a
 * rotated secret overlaps). The connection goes only where safeRequest allows (no private targets
 * unless configured, no redirects). 2xx resolves; 429/503 with Retry-After throws
 * DeliveryThrottledError (wait, not a failed try); 408, 429, 5xx and no answer throw a plain error
 * (retry); any other answer, a redirect, a refused target or an unusable secret throws
 * PermanentDeliveryError.
 */
export async function postSignedWebhook(post: SignedWebhookPost): Promise<WebhookAnswer> {
  const timestamp = new Date();
  let signature: string;
  try {
    signature = post.secrets
      .map((secret) => new Webhook(secret).sign(post.messageId, timestamp, post.body))
      .join(' ');
  } catch (error) {
    throw new PermanentDeliveryError(`webhook secret unusable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const target = new URL(post.url).origin;
  let response;
  try {
    response = await safeRequest({
      method: 'POST',
      url: post.url,
      timeoutMs: post.timeoutMs,
      allowPrivate: post.allowPrivate,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'supplier-gateway',
        'webhook-id': post.messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: post.body,
      maxResponseBytes: 65_536,
    });
  } catch (error) {
    if (error instanceof RefusedTargetError)
      throw new PermanentDeliveryError(`webhook ${target}: ${error.message}`);
    throw new Error(`webhook ${target}: ${(error as Error).message}`, { cause: error });
  }
  const what = `webhook ${target} answered ${response.status}`;
  if (response.status >= 200 && response.status < 300) return { status: response.status, detail: what };
  if (response.status === 429 || response.status === 503) {
    const after = retryAfterMs(response.headers['retry-after']);
    if (after !== undefined) throw new DeliveryThrottledError(what, after);
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500)
    throw new WebhookAnswerError(what, response.status);
  throw new PermanentDeliveryError(
    response.status >= 300 && response.status < 400 ? `${what} (redirects are not followed)` : what,
    { status: response.status },
  );
}
