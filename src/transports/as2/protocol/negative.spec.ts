import { deflateSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DispositionErrorModifier } from './disposition.js';
import type { As2SecurityPolicy } from './policy.js';
import { receiveAs2Message, type As2Request } from './receive.js';
import {
  compressedDataDer,
  ediEntity,
  OpensslWorkbench,
  pkcs7MimeEntity,
  requestFromSmime,
  type TestIdentity,
} from './testing/openssl.test-helper.js';

// Each bad message gets the precise RFC 4130 disposition modifier, and no payload.

let wb: OpensslWorkbench;
let partner: TestIdentity;
let stranger: TestIdentity;
let forger: TestIdentity;
let shortLived: TestIdentity;
let us: TestIdentity;
let otherUs: TestIdentity;
const matrix: string[] = [];
const entity = ediEntity('ISA*00*~\nGS*SH~\r\nST*856*0001~\r\n');

function policy(overrides: Partial<As2SecurityPolicy> = {}): As2SecurityPolicy {
  return {
    requireSigned: false,
    requireEncrypted: false,
    partnerCertificates: [partner.keys.certificate],
    ourKeys: [us.keys],
    allowLegacy: false,
    allowRsaPkcs1v15: false,
    maxDecompressedBytes: 1 << 20,
    ...overrides,
  };
}

const signWith = (id: TestIdentity, md = 'sha256') => [
  '-sign',
  '-binary',
  '-crlfeol',
  '-md',
  md,
  '-signer',
  id.certPath,
  '-inkey',
  id.keyPath,
];
const encryptTo = (id: TestIdentity, cipher = 'aes-256-cbc', oaep = true) => [
  '-encrypt',
  '-binary',
  `-${cipher}`,
  '-recip',
  id.certPath,
  ...(oaep ? ['-keyopt', 'rsa_padding_mode:oaep'] : []),
];

async function expectModifier(
  name: string,
  request: As2Request,
  modifier: DispositionErrorModifier,
  overrides: Partial<As2SecurityPolicy> = {},
): Promise<void> {
  const result = await receiveAs2Message(request, policy(overrides));
  expect(result.ok, name).toBe(false);
  expect(result.disposition).toEqual({ kind: 'error', modifier });
  expect('payload' in result).toBe(false);
  matrix.push(`  ${name.padEnd(56)} processed/error: ${modifier}`);
}

beforeAll(async () => {
  wb = await OpensslWorkbench.create();
  partner = await wb.identity('partner', { subject: '/CN=partner/O=Supplier', serial: '0x1001' });
  // Same subject (= issuer, self-signed) and serial as the partner's certificate, another key.
  forger = await wb.identity('forger', { subject: '/CN=partner/O=Supplier', serial: '0x1001' });
  stranger = await wb.identity('stranger');
  shortLived = await wb.identity('short-lived', { days: 1 });
  us = await wb.identity('gateway');
  otherUs = await wb.identity('gateway-other');
});

afterAll(async () => {
  console.log(`AS2 negative matrix:\n${matrix.join('\n')}`);
  await wb.dispose();
});

describe('AS2 core refuses bad messages with the right disposition', () => {
  it('tampered payload → integrity-check-failed', async () => {
    const signed = await wb.cms(signWith(partner), entity);
    const body = Buffer.from(signed.body);
    const at = body.indexOf('ST*856');
    body[at + 3] = '9'.charCodeAt(0);
    await expectModifier('tampered payload', { headers: signed.headers, body }, 'integrity-check-failed');
  });

  it('signed by a certificate that is not pinned → authentication-failed', async () => {
    await expectModifier(
      'wrong certificate',
      await wb.cms(signWith(stranger), entity),
      'authentication-failed',
    );
  });

  it('forged certificate copying issuer and serial → authentication-failed', async () => {
    expect(forger.keys.certificate.issuer).toBe(partner.keys.certificate.issuer);
    expect(forger.keys.certificate.serialNumber).toBe(partner.keys.certificate.serialNumber);
    await expectModifier(
      'forged certificate (copied issuer/serial)',
      await wb.cms(signWith(forger), entity),
      'authentication-failed',
    );
  });

  it('expired pinned certificate → authentication-failed; the same message within validity passes', async () => {
    const request = await wb.cms(signWith(shortLived), entity);
    const pinned = { partnerCertificates: [shortLived.keys.certificate] };
    expect((await receiveAs2Message(request, policy(pinned))).ok).toBe(true);
    const later = new Date(Date.now() + 3 * 86_400_000);
    await expectModifier('expired certificate', request, 'authentication-failed', { ...pinned, now: later });
  });

  it('rollover: a message signed with the older of two pinned certificates verifies', async () => {
    const result = await receiveAs2Message(
      await wb.cms(signWith(partner), entity),
      policy({
        partnerCertificates: [stranger.keys.certificate, partner.keys.certificate],
      }),
    );
    expect(result.ok && result.applied.signed?.certificate.fingerprint256).toBe(
      partner.keys.certificate.fingerprint256,
    );
  });

  it('unsigned where signing is required → insufficient-message-security', async () => {
    const encrypted = await wb.cms(encryptTo(us), entity);
    await expectModifier('unsigned where signing is required', encrypted, 'insufficient-message-security', {
      requireSigned: true,
    });
  });

  it('unencrypted where encryption is required → insufficient-message-security', async () => {
    await expectModifier(
      'unencrypted where encryption is required',
      await wb.cms(signWith(partner), entity),
      'insufficient-message-security',
      {
        requireEncrypted: true,
      },
    );
  });

  it('compression bomb → decompression-failed, never inflating past the cap', async () => {
    const bomb = deflateSync(Buffer.alloc(20 << 20, 0x41), { level: 9 });
    expect(bomb.length).toBeLessThan(30_000);
    const request = requestFromSmime(
      pkcs7MimeEntity(compressedDataDer(Buffer.alloc(0), bomb), 'compressed-data'),
    );
    const before = process.memoryUsage().arrayBuffers;
    await expectModifier('compression bomb (20 MB from < 30 KB, cap 1 MB)', request, 'decompression-failed');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
  });

  it('PKCS#1 v1.5 key transport when the partner has not enabled it → insufficient-message-security', async () => {
    await expectModifier(
      'PKCS#1 v1.5 not enabled',
      await wb.cms(encryptTo(us, 'aes-256-cbc', false), entity),
      'insufficient-message-security',
    );
  });

  it('encrypted to another key → decryption-failed', async () => {
    await expectModifier(
      'wrong key (encrypted to another certificate)',
      await wb.cms(encryptTo(otherUs), entity),
      'decryption-failed',
    );
  });

  it('a certificate of ours with the wrong private key → decryption-failed (OAEP)', async () => {
    const request = await wb.cms(encryptTo(us), entity);
    await expectModifier('wrong private key for our certificate (OAEP)', request, 'decryption-failed', {
      ourKeys: [{ certificate: us.keys.certificate, privateKey: otherUs.keys.privateKey }],
    });
  });

  it('PKCS#1 v1.5 with the wrong private key → the same decryption-failed as any wrong key (implicit rejection)', async () => {
    const request = await wb.cms(encryptTo(us, 'aes-128-cbc', false), entity);
    await expectModifier(
      'wrong private key (PKCS#1 v1.5, implicit rejection)',
      request,
      'decryption-failed',
      {
        allowRsaPkcs1v15: true,
        ourKeys: [{ certificate: us.keys.certificate, privateKey: otherUs.keys.privateKey }],
      },
    );
    // The padding failure is not reported where it happened: it surfaces at content decryption,
    // exactly like a well-padded key that is simply wrong.
    const result = await receiveAs2Message(
      request,
      policy({
        allowRsaPkcs1v15: true,
        ourKeys: [{ certificate: us.keys.certificate, privateKey: otherUs.keys.privateKey }],
      }),
    );
    expect(!result.ok && result.detail).toMatch(
      /^(the content could not be decrypted|the unwrapped content is not a MIME entity)/,
    );
  });

  it('sha1 signature without legacy → insufficient-message-security; with legacy it passes', async () => {
    const request = await wb.cms(signWith(partner, 'sha1'), entity);
    await expectModifier('sha1 signature, legacy off', request, 'insufficient-message-security');
    expect((await receiveAs2Message(request, policy({ allowLegacy: true }))).ok).toBe(true);
  });

  it('3DES without legacy → insufficient-message-security; with legacy it passes', async () => {
    const request = await wb.cms(encryptTo(us, 'des3'), entity);
    await expectModifier('3DES content encryption, legacy off', request, 'insufficient-message-security');
    expect((await receiveAs2Message(request, policy({ allowLegacy: true }))).ok).toBe(true);
  });

  it('a required MIC algorithm we do not allow → failed/Failure: unsupported MIC-algorithms', async () => {
    const signed = await wb.cms(signWith(partner), entity);
    const result = await receiveAs2Message(
      {
        headers: {
          ...signed.headers,
          'disposition-notification-options':
            'signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, md5, sha1',
        },
        body: signed.body,
      },
      policy(),
    );
    expect(result).toMatchObject({
      ok: false,
      disposition: { kind: 'failed', failure: 'unsupported MIC-algorithms' },
    });
    matrix.push(
      `  ${'required MIC algorithm md5/sha1, legacy off'.padEnd(56)} failed/Failure: unsupported MIC-algorithms`,
    );
  });

  it('accepts a base64 pkcs7-mime body sent without Content-Transfer-Encoding (unambiguous)', async () => {
    const encrypted = await wb.cms(encryptTo(us), entity);
    const { 'content-transfer-encoding': _cte, ...headers } = encrypted.headers;
    expect(encrypted.headers['content-transfer-encoding']).toBe('base64');
    const result = await receiveAs2Message({ headers, body: encrypted.body }, policy());
    expect(result.ok).toBe(true);
  });

  it('garbage bodies never throw', async () => {
    for (const [contentType, body] of [
      ['multipart/signed; protocol="application/pkcs7-signature"; boundary=x', 'no delimiter'],
      ['application/pkcs7-mime; smime-type=enveloped-data', 'not base64 !!'],
      [
        'application/pkcs7-mime; smime-type=enveloped-data',
        Buffer.from([0x30, 0x03, 0x06, 0x01]).toString('latin1'),
      ],
      ['bad content type', 'x'],
    ] as const) {
      const result = await receiveAs2Message(
        { headers: { 'content-type': contentType }, body: Buffer.from(body, 'latin1') },
        policy(),
      );
      expect(result.ok).toBe(false);
    }
  });
});
