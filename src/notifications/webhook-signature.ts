import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Gateway-Signature';
export const TIMESTAMP_HEADER = 'X-Gateway-Timestamp';
export const DELIVERY_HEADER = 'X-Gateway-Delivery';

/**
 * `sha256=<hex>`: HMAC-SHA256 with the shared key over `<timestamp>.<body>`, the timestamp being the
 * X-Gateway-Timestamp header (Unix seconds). Signing the timestamp with the body lets a receiver
 * refuse an old body replayed with a fresh timestamp.
 */
export function signWebhook(secret: Buffer | string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature over the raw body as received, compare in constant
 * time, and refuse timestamps further than `toleranceSeconds` from its clock.
 */
export function verifyWebhookSignature(
  secret: Buffer | string,
  headers: { readonly signature: string | undefined; readonly timestamp: string | undefined },
  body: string | Buffer,
  options: { readonly toleranceSeconds?: number; readonly now?: number } = {},
): boolean {
  if (!headers.signature || !headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  const timestamp = Number(headers.timestamp);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
