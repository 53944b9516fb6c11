import { describe, expect, it } from 'vitest';
import { trustProxy } from './trust-proxy.js';

describe('TRUST_PROXY', () => {
  it('is off by default and takes a hop count or the proxies’ addresses', () => {
    expect(trustProxy.parse(undefined)).toBe(false);
    expect(trustProxy.parse('off')).toBe(false);
    expect(trustProxy.parse('1')).toBe(1);
    expect(trustProxy.parse('10.0.0.0/8, loopback,::1,fd00::/8')).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
  });

  it('refuses trusting every hop and what is not an address or range', () => {
    expect(trustProxy.safeParse('true').success).toBe(false);
    expect(trustProxy.safeParse('*').success).toBe(false);
    expect(trustProxy.safeParse('11').success).toBe(false);
    const bad = trustProxy.safeParse('10.0.0.0/33,proxy.example.com');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message)).toEqual([
      '10.0.0.0/33 has no valid prefix length (0-32)',
      'proxy.example.com is not an IP address, CIDR range or loopback/linklocal/uniquelocal',
    ]);
  });
});
