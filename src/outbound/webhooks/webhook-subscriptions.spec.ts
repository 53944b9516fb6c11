import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../config/config.js';
import { WebhookSubscriptionError } from './webhook-subscription.types.js';
import { WebhookSubscriptionService } from './webhook-subscriptions.service.js';

/** Only checkUrl is exercised: it needs nothing but the configuration. */
const service = (allowPrivate: boolean) =>
  new WebhookSubscriptionService(
    undefined as never,
    undefined as never,
    undefined as never,
    { OUTBOUND_ALLOW_PRIVATE_TARGETS: allowPrivate } as GatewayConfig,
  );

describe('webhook subscription URLs', () => {
  const refused = (allowPrivate: boolean, url: string) => {
    try {
      service(allowPrivate).checkUrl(url);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookSubscriptionError);
      return (error as WebhookSubscriptionError).message;
    }
  };

  it('takes https URLs on public hosts', () => {
    expect(refused(false, 'https://hooks.acme.example/orders')).toBeUndefined();
    expect(refused(false, 'https://93.184.215.14:8443/hook')).toBeUndefined();
  });

  it('refuses plain http, other schemes, credentials, and private, loopback, link-local and metadata addresses', () => {
    expect(refused(false, 'http://hooks.acme.example/orders')).toBe('expected an https URL');
    expect(refused(false, 'ftp://hooks.acme.example/orders')).toBe('expected an https URL');
    expect(refused(false, 'https://u:p@hooks.acme.example/')).toBe('credentials in the URL are not allowed');
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.7',
      '169.254.169.254',
      '[::1]',
      '[fd00::1]',
      'localhost',
    ])
      expect(refused(false, `https://${host}/hook`), host).toMatch(/is not a public address$/);
    expect(refused(false, 'not a url')).toBe('not a url is not a URL');
  });

  it('admits loopback and plain http when private targets are allowed (tests, private networks)', () => {
    expect(refused(true, 'http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(refused(true, 'https://10.1.2.3/hook')).toBeUndefined();
    expect(refused(true, 'ftp://10.1.2.3/hook')).toBe('expected an https URL');
  });
});
