import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { as2ChannelSchema } from '../../partners/as2-channel.schema.js';
import { loadOurAs2Keys } from './as2-keys.js';

describe('channels.as2 of a partner profile', () => {
  it('gives { enabled: true } alone the safe defaults', () => {
    expect(as2ChannelSchema.parse({ enabled: true })).toEqual({
      enabled: true,
      certificates: [],
      security: {
        requireSigned: true,
        requireEncrypted: true,
        legacy: { sha1: false, tripleDes: false, rsaPkcs1v15: false },
      },
      mdn: { allowSync: true, allowAsync: false, asyncUrls: [] },
      sendSigning: 'sha-256',
      sendEncryption: 'aes-256-cbc',
      sendCompression: 'none',
      requestSignedMdn: true,
      sendMdn: 'sync',
      sendTimeoutSeconds: 120,
    });
  });

  it('refuses legacy algorithms without their legacy flag, unknown fields and async without URLs', () => {
    const problems = (input: unknown) =>
      as2ChannelSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ enabled: true, security: { allowedMicAlgorithms: ['sha1'] } })).toEqual([
      'security.allowedMicAlgorithms: sha1 is legacy: set legacy.sha1: true to allow it',
    ]);
    expect(problems({ enabled: true, security: { allowedContentEncryption: ['des-ede3-cbc'] } })).toEqual([
      'security.allowedContentEncryption: des-ede3-cbc is legacy: set legacy.tripleDes: true to allow it',
    ]);
    expect(problems({ enabled: true, mdn: { allowAsync: true } })).toEqual([
      'mdn.asyncUrls: asynchronous MDNs are allowed, so at least one async MDN URL is required',
    ]);
    expect(problems({ enabled: true, mdn: { asyncUrls: ['ftp://x.example/mdn'] } })?.[0]).toMatch(
      /^mdn.asyncUrls.0: expected an http/,
    );
    expect(problems({ enabled: true, signing: true })?.[0]).toMatch(/signing/);
  });
});

describe('our AS2 key pair', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-as2-keys-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is generated once into DATA_DIR/secrets on a single process and reused on the next start', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, AS2_ID: 'MFGCO-AS2' });
    const first = await loadOurAs2Keys(config);
    expect(first.certificate.subject).toBe('CN=MFGCO-AS2');
    expect(first.certificate.checkPrivateKey(first.privateKey)).toBe(true);
    expect(first.certificate.verify(first.certificate.publicKey)).toBe(true);
    const again = await loadOurAs2Keys(config);
    expect(again.certificate.fingerprint256).toBe(first.certificate.fingerprint256);
    const pem = readFileSync(join(dataDir, 'secrets', 'as2-cert.pem'));
    expect(new X509Certificate(pem).fingerprint256).toBe(first.certificate.fingerprint256);
  });

  it('is never generated per process when the gateway is scaled out', async () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sg-as2-keys-')),
      GATEWAY_ROLE: 'api',
      DATABASE_URL: 'postgres://127.0.0.1/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    await expect(loadOurAs2Keys(config)).rejects.toThrow(/AS2_KEY_FILE/);
  });
});
