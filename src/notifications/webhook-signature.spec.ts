import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'a-webhook-secret-of-32-bytes-xxx';
const body = '{"text":"New exception"}';

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" in lower-case hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', secret).update(`1764230400.${body}`).digest('hex');
    expect(signWebhook(secret, 1764230400, body)).toBe(`sha256=${expected}`);
    // A known vector, so a change of the scheme cannot pass unnoticed.
    expect(signWebhook('key', 0, '')).toBe(
      `sha256=${createHmac('sha256', 'key').update('0.').digest('hex')}`,
    );
  });

  it('verifies a good signature within the tolerance and refuses everything else', () => {
    const now = 1764230400_000;
    const timestamp = '1764230400';
    const signature = signWebhook(secret, 1764230400, body);
    expect(verifyWebhookSignature(secret, { signature, timestamp }, body, { now })).toBe(true);
    expect(verifyWebhookSignature(secret, { signature, timestamp }, `${body} `, { now })).toBe(false);
    expect(verifyWebhookSignature('another-secret', { signature, timestamp }, body, { now })).toBe(false);
    // A replayed body with a fresh timestamp does not match the signature.
    expect(verifyWebhookSignature(secret, { signature, timestamp: '1764230401' }, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, { signature, timestamp }, body, { now: now + 301_000 })).toBe(
      false,
    );
    expect(verifyWebhookSignature(secret, { signature: undefined, timestamp }, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, { signature, timestamp: 'soon' }, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, { signature: 'sha256=00', timestamp }, body, { now })).toBe(false);
  });
});
