import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, RefusedTargetError, retryAfterMs, safeRequest } from './safe-http.js';

describe('isPublicAddress', () => {
  it('admits public unicast addresses only', () => {
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254', // cloud metadata
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not an address',
    ])
      expect(isPublicAddress(address), address).toBe(false);
  });
});

describe('safeRequest', () => {
  const server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x'.repeat(req.url === '/big' ? 10_000 : 2));
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (url: string, allowPrivate: boolean, maxResponseBytes?: number) =>
    safeRequest({ method: 'GET', url, timeoutMs: 2_000, allowPrivate, maxResponseBytes });

  it('refuses loopback by address and by a name that resolves to it, unless private targets are allowed', async () => {
    await expect(get(`http://127.0.0.1:${port}/`, false)).rejects.toBeInstanceOf(RefusedTargetError);
    await expect(get(`http://localhost:${port}/`, false)).rejects.toBeInstanceOf(RefusedTargetError);
    await expect(get(`http://[::ffff:127.0.0.1]:${port}/`, false)).rejects.toBeInstanceOf(RefusedTargetError);
    expect((await get(`http://127.0.0.1:${port}/`, true)).status).toBe(200);
  });

  it('never follows a redirect, caps the answer, and refuses other schemes and credentials in URLs', async () => {
    const redirected = await get(`http://127.0.0.1:${port}/redirect`, true);
    expect(redirected.status).toBe(302);
    await expect(get(`http://127.0.0.1:${port}/big`, true, 1_000)).rejects.toThrow(/exceeds 1000 bytes/);
    await expect(get('file:///etc/passwd', true)).rejects.toBeInstanceOf(RefusedTargetError);
    await expect(get(`http://user:pw@127.0.0.1:${port}/`, true)).rejects.toBeInstanceOf(RefusedTargetError);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot use', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('Fri, 27 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('999999', now)).toBe(3_600_000);
  });
});
