import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../config/config.js';
import { loadOurAs2KeyPairs, signingPair } from './as2-keys.js';
import { buildOutboundAs2, receiveAs2Message, type As2KeyPair } from './protocol/index.js';
import { ediEntity, OpensslWorkbench, type TestIdentity } from './protocol/testing/openssl.test-helper.js';

// Our keys (issue #14): PEM or PKCS#12 (modern PBES2 read by pkijs, legacy RC2/3DES through
// `openssl pkcs12 -legacy`), never quoting the password; and a rollover: two pairs of ours, both
// decrypt what partners encrypted with `openssl cms` to either certificate, the newest signs.

const PASSWORD = 'p12-s3cret-do-not-print';
let wb: OpensslWorkbench;
let older: TestIdentity;
let newer: TestIdentity;
let partner: TestIdentity;

function config(values: Partial<Record<keyof GatewayConfig, unknown>>): GatewayConfig {
  return { AS2_ID: 'SUPPLIERGW', DATA_DIR: wb.dir, AS2_PKCS12_PASSWORD: '', ...values } as GatewayConfig;
}

async function p12(identity: TestIdentity, legacy = false): Promise<string> {
  const out = wb.path(`${identity.name}${legacy ? '-legacy' : ''}.p12`);
  await wb.openssl([
    'pkcs12',
    '-export',
    ...(legacy ? ['-legacy'] : []),
    '-inkey',
    identity.keyPath,
    '-in',
    identity.certPath,
    '-certfile',
    partner.certPath, // a second certificate in the file: the loader must pick the key's own
    '-out',
    out,
    '-passout',
    `pass:${PASSWORD}`,
  ]);
  return out;
}

const samePair = (a: As2KeyPair, b: TestIdentity) =>
  a.certificate.fingerprint256 === b.keys.certificate.fingerprint256;

beforeAll(async () => {
  wb = await OpensslWorkbench.create();
  partner = await wb.identity('partner');
  older = await wb.identity('gateway-2026', { days: 400 });
  // X.509 times have one-second resolution: the newer certificate starts a second later.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  newer = await wb.identity('gateway-2027', { days: 800 });
}, 60_000);

afterAll(async () => {
  await wb?.dispose();
});

describe('our AS2 keys from configuration', () => {
  it('reads a PKCS#12 file (OpenSSL 3 default, PBES2/AES) and picks the certificate of its key', async () => {
    const [pair, ...rest] = await loadOurAs2KeyPairs(
      config({ AS2_PKCS12_FILE: await p12(older), AS2_PKCS12_PASSWORD: PASSWORD }),
    );
    expect(rest).toHaveLength(0);
    expect(samePair(pair!, older)).toBe(true);
  });

  it('reads a legacy PKCS#12 file (RC2/3DES, SHA-1 PBE) through openssl', async () => {
    const [pair] = await loadOurAs2KeyPairs(
      config({ AS2_PKCS12_FILE: await p12(older, true), AS2_PKCS12_PASSWORD: PASSWORD }),
    );
    expect(samePair(pair!, older)).toBe(true);
  });

  it("refuses a wrong password, a key that is not its certificate's, and PEM with PKCS#12, never quoting secrets", async () => {
    const file = await p12(older);
    const wrong = loadOurAs2KeyPairs(config({ AS2_PKCS12_FILE: file, AS2_PKCS12_PASSWORD: 'nope' }));
    await expect(wrong).rejects.toThrow(/AS2_PKCS12_FILE .*password is wrong or the file is damaged/);
    await wrong.catch((error: Error) => expect(error.message).not.toContain('nope'));
    const legacyWrong = loadOurAs2KeyPairs(
      config({ AS2_PKCS12_FILE: await p12(older, true), AS2_PKCS12_PASSWORD: 'nope' }),
    );
    await expect(legacyWrong).rejects.toThrow(/AS2_PKCS12_FILE/);
    await legacyWrong.catch((error: Error) => expect(error.message).not.toContain('nope'));
    await expect(
      loadOurAs2KeyPairs(config({ AS2_KEY_FILE: older.keyPath, AS2_CERT_FILE: newer.certPath })),
    ).rejects.toThrow(/the key of AS2_KEY_FILE \/ AS2_CERT_FILE is not the key of its certificate/);
    await expect(
      loadOurAs2KeyPairs(
        config({ AS2_PKCS12_FILE: file, AS2_PKCS12_PASSWORD: PASSWORD, AS2_KEY_FILE: older.keyPath }),
      ),
    ).rejects.toThrow(/set AS2_PKCS12_FILE or AS2_KEY_FILE and AS2_CERT_FILE, not both/);
    await expect(
      loadOurAs2KeyPairs(
        config({
          AS2_KEY_FILE: older.keyPath,
          AS2_CERT_FILE: older.certPath,
          AS2_ROLLOVER_KEY_FILE: newer.keyPath,
        }),
      ),
    ).rejects.toThrow(/set both AS2_ROLLOVER_KEY_FILE and AS2_ROLLOVER_CERT_FILE, or neither/);
  });

  it('rollover: both pairs decrypt messages openssl encrypted to either certificate; the newest signs', async () => {
    const pairs = await loadOurAs2KeyPairs(
      config({
        AS2_KEY_FILE: older.keyPath,
        AS2_CERT_FILE: older.certPath,
        AS2_ROLLOVER_PKCS12_FILE: await p12(newer),
        AS2_PKCS12_PASSWORD: PASSWORD,
      }),
    );
    expect(pairs).toHaveLength(2);
    const signing = signingPair(pairs);
    expect(samePair(signing, newer)).toBe(true);
    // Before the newer certificate's notBefore only the older one is valid, and it signs.
    const newerFrom = Date.parse(newer.keys.certificate.validFrom);
    expect(samePair(signingPair(pairs, new Date(newerFrom - 500)), older)).toBe(true);
    // After the older one expired, the newer one signs all the same.
    expect(samePair(signingPair(pairs, new Date(Date.now() + 500 * 86_400_000)), newer)).toBe(true);

    const payload =
      'ISA*00*          *00*          *ZZ*PARTNER        *ZZ*GATEWAY        *261127*1200*U*00401*000000001*0*P*>~';
    for (const recipient of [older, newer]) {
      const request = await wb.cms(
        [
          '-encrypt',
          '-binary',
          '-aes-256-cbc',
          '-recip',
          recipient.certPath,
          '-keyopt',
          'rsa_padding_mode:oaep',
        ],
        ediEntity(payload),
      );
      const result = await receiveAs2Message(request, {
        requireSigned: false,
        requireEncrypted: true,
        partnerCertificates: [partner.keys.certificate],
        ourKeys: [signing, ...pairs.filter((p) => p !== signing)],
        allowLegacy: false,
        allowRsaPkcs1v15: false,
        maxDecompressedBytes: 1 << 20,
      });
      expect(result.ok, recipient.name).toBe(true);
      if (result.ok) expect(result.payload.toString('latin1'), recipient.name).toBe(payload);
    }

    // What we send is signed with the newest pair: openssl verifies it with that certificate only.
    const message = await buildOutboundAs2(Buffer.from(payload, 'latin1'), {
      contentType: 'application/edi-x12',
      sign: { keys: signing, digest: 'sha-256' },
    });
    const body = message.body.toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(message.headers['content-type']!)![1]!;
    const signed = body.slice(
      body.indexOf(`--${boundary}\r\n`) + boundary.length + 4,
      body.indexOf(`\r\n--${boundary}\r\n`, 10),
    );
    const signatureBase64 = body
      .slice(body.lastIndexOf(`--${boundary}\r\n`))
      .split('\r\n\r\n')[1]!
      .split(`--${boundary}--`)[0]!;
    const verify = async (trust: TestIdentity) =>
      wb.openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        await wb.write(Buffer.from(signatureBase64.replace(/\s+/g, ''), 'base64')),
        '-content',
        await wb.write(Buffer.from(signed, 'latin1')),
        '-CAfile',
        trust.certPath,
        '-purpose',
        'any',
      ]);
    await expect(verify(newer)).resolves.toContain(payload);
    await expect(verify(older)).rejects.toThrow(/verif/i);
  });
});
