import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildMdn } from './mdn.js';
import { formatMic } from './mic.js';
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

// Interoperability evidence (issue #14): OpenSSL builds the AS2 requests, the core accepts them with
// the MIC computed independently by `openssl dgst`, and OpenSSL verifies the signed MDNs the core builds.

const PAYLOAD =
  'ISA*00*          *00*          *ZZ*SUPPLIER       *ZZ*GATEWAY        *261127*1200*U*00401*000000001*0*P*>~\nGS*SH*SUPPLIER*GATEWAY*20261127*1200*1*X*004010~\r\nST*856*0001~\nSE*2*0001~\r\n';

let wb: OpensslWorkbench;
let partner: TestIdentity;
let us: TestIdentity;
const matrix: { cell: string; result: string }[] = [];

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

function withMdnRequest(request: As2Request, micalg: string): As2Request {
  return {
    body: request.body,
    headers: {
      ...request.headers,
      'message-id': '<test-1@partner>',
      'as2-from': 'PARTNER',
      'as2-to': 'GATEWAY',
      'disposition-notification-to': 'mailto:as2@partner.example',
      'disposition-notification-options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micalg}`,
    },
  };
}

const sign = (md: string) => [
  '-sign',
  '-binary',
  '-crlfeol',
  '-md',
  md,
  '-signer',
  partner.certPath,
  '-inkey',
  partner.keyPath,
];
const encrypt = (cipher: string, oaep: boolean) => [
  '-encrypt',
  '-binary',
  `-${cipher}`,
  '-recip',
  us.certPath,
  ...(oaep ? ['-keyopt', 'rsa_padding_mode:oaep'] : []),
];

beforeAll(async () => {
  wb = await OpensslWorkbench.create();
  partner = await wb.identity('partner');
  us = await wb.identity('gateway');
});

afterAll(async () => {
  console.log(
    `AS2 interoperability matrix (OpenSSL builds, core receives):\n${matrix.map((m) => `  ${m.cell.padEnd(58)} ${m.result}`).join('\n')}`,
  );
  await wb.dispose();
});

interface Cell {
  readonly name: string;
  readonly build: (entity: Buffer) => Promise<As2Request>;
  readonly micalg: 'sha256' | 'sha512';
  /** The exact bytes the MIC must cover, derived from the entity the test built. */
  readonly micOver: (entity: Buffer, request: As2Request) => Buffer;
  readonly policy?: () => Partial<As2SecurityPolicy>;
  readonly expect: { signed: boolean; encrypted?: string; keyTransport?: string; compressed?: boolean };
}

const cells: Cell[] = [
  {
    name: 'signed (detached, sha-256)',
    build: (entity) => wb.cms(sign('sha256'), entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: true },
  },
  {
    name: 'signed (detached, sha-512), MIC sha-512',
    build: (entity) => wb.cms(sign('sha512'), entity),
    micalg: 'sha512',
    micOver: (entity) => entity,
    expect: { signed: true },
  },
  {
    name: 'signed (opaque signed-data, sha-256)',
    build: (entity) => wb.cms([...sign('sha256'), '-nodetach'], entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: true },
  },
  {
    name: 'encrypted AES-128-CBC, RSA-OAEP',
    build: (entity) => wb.cms(encrypt('aes-128-cbc', true), entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: false, encrypted: 'aes-128-cbc', keyTransport: 'rsa-oaep' },
  },
  {
    name: 'encrypted AES-256-CBC, RSA-OAEP',
    build: (entity) => wb.cms(encrypt('aes-256-cbc', true), entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: false, encrypted: 'aes-256-cbc', keyTransport: 'rsa-oaep' },
  },
  {
    name: 'encrypted AES-128-CBC, RSA-OAEP, streamed BER (-stream)',
    build: (entity) => wb.cms([...encrypt('aes-128-cbc', true), '-stream'], entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: false, encrypted: 'aes-128-cbc', keyTransport: 'rsa-oaep' },
  },
  {
    name: 'signed-data opaque, streamed BER (-stream)',
    build: (entity) => wb.cms([...sign('sha256'), '-nodetach', '-stream'], entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: true },
  },
  {
    name: 'encrypted AES-256-GCM (AuthEnvelopedData), RSA-OAEP sha-256',
    build: (entity) => wb.cms([...encrypt('aes-256-gcm', true), '-keyopt', 'rsa_oaep_md:sha256'], entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: false, encrypted: 'aes-256-gcm', keyTransport: 'rsa-oaep' },
  },
  {
    name: 'encrypted AES-256-CBC, PKCS#1 v1.5 (partner enabled)',
    build: (entity) => wb.cms(encrypt('aes-256-cbc', false), entity),
    micalg: 'sha256',
    micOver: (entity) => entity,
    policy: () => ({ allowRsaPkcs1v15: true }),
    expect: { signed: false, encrypted: 'aes-256-cbc', keyTransport: 'rsa-pkcs1-v1_5' },
  },
  {
    name: 'signed sha-256 + encrypted AES-256-CBC, RSA-OAEP',
    build: async (entity) => {
      const signed = await wb.cms(sign('sha256'), entity);
      const signedEntity = Buffer.concat([
        Buffer.from(`Content-Type: ${String(signed.headers['content-type'])}\r\n\r\n`, 'latin1'),
        signed.body,
      ]);
      return wb.cms(encrypt('aes-256-cbc', true), signedEntity);
    },
    micalg: 'sha256',
    micOver: (entity) => entity,
    policy: () => ({ requireSigned: true, requireEncrypted: true }),
    expect: { signed: true, encrypted: 'aes-256-cbc', keyTransport: 'rsa-oaep' },
  },
  {
    name: 'compressed (RFC 5402) then signed sha-256',
    build: async (entity) =>
      wb.cms(sign('sha256'), pkcs7MimeEntity(compressedDataDer(entity), 'compressed-data')),
    micalg: 'sha256',
    micOver: (entity) => pkcs7MimeEntity(compressedDataDer(entity), 'compressed-data'),
    expect: { signed: true, compressed: true },
  },
  {
    name: 'signed sha-256 then compressed (MIC over what was signed)',
    build: async (entity) => {
      const signed = await wb.cms(sign('sha256'), entity);
      const signedEntity = Buffer.concat([
        Buffer.from(`Content-Type: ${String(signed.headers['content-type'])}\r\n\r\n`, 'latin1'),
        signed.body,
      ]);
      return requestFromSmime(pkcs7MimeEntity(compressedDataDer(signedEntity), 'compressed-data'));
    },
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: true, compressed: true },
  },
  {
    name: 'compressed (BER-chunked content), unsigned: MIC over the uncompressed part',
    build: async (entity) => {
      const der = compressedDataDer(entity, undefined, { chunkSize: 16 });
      await wb.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', await wb.write(der)]);
      return {
        headers: {
          'content-type': 'application/pkcs7-mime; smime-type=compressed-data',
          'content-transfer-encoding': 'binary',
        },
        body: der,
      };
    },
    micalg: 'sha256',
    micOver: (entity) => entity,
    expect: { signed: false, compressed: true },
  },
  {
    name: 'plain (MIC over the content only)',
    build: async () => ({
      headers: { 'content-type': 'application/edi-x12' },
      body: Buffer.from(PAYLOAD, 'latin1'),
    }),
    micalg: 'sha256',
    micOver: (_entity, request) => request.body,
    expect: { signed: false },
  },
];

describe('AS2 core against openssl cms', () => {
  for (const cell of cells) {
    it(`accepts ${cell.name} with the right MIC, and OpenSSL verifies the signed MDN`, async () => {
      const entity = ediEntity(PAYLOAD);
      const request = withMdnRequest(
        await cell.build(entity),
        cell.micalg === 'sha256' ? 'sha-256' : 'sha-512',
      );
      const result = await receiveAs2Message(request, policy(cell.policy?.()));
      if (!result.ok) throw new Error(`${cell.name}: ${result.detail}`);

      expect(result.payload.toString('latin1')).toBe(PAYLOAD);
      const expectedMic = await wb.digestBase64(cell.micOver(entity, request), cell.micalg);
      expect(result.mic.digest).toBe(expectedMic);
      expect(result.mic.algorithm).toBe(cell.micalg === 'sha256' ? 'sha-256' : 'sha-512');
      expect(Boolean(result.applied.signed)).toBe(cell.expect.signed);
      if (cell.expect.signed)
        expect(result.applied.signed?.certificate.fingerprint256).toBe(
          partner.keys.certificate.fingerprint256,
        );
      expect(result.applied.encrypted?.contentEncryption).toBe(cell.expect.encrypted);
      expect(result.applied.encrypted?.keyTransport).toBe(cell.expect.keyTransport);
      expect(Boolean(result.applied.compressed)).toBe(Boolean(cell.expect.compressed));
      expect(result.mdn).toMatchObject({ signed: true, to: 'mailto:as2@partner.example' });
      expect(result.envelope).toEqual({
        messageId: '<test-1@partner>',
        as2From: 'PARTNER',
        as2To: 'GATEWAY',
      });

      const mdn = await buildMdn(
        {
          reportingUa: 'Supplier Gateway AS2',
          originalRecipient: 'GATEWAY',
          finalRecipient: 'GATEWAY',
          originalMessageId: '<test-1@partner>',
          disposition: result.disposition,
          mic: result.mic,
        },
        { keys: us.keys, digest: result.mdn.micAlgorithm },
      );
      const mdnFile = await wb.write(
        Buffer.concat([Buffer.from(`Content-Type: ${mdn.contentType}\r\n\r\n`), mdn.body]),
      );
      const verified = await wb.openssl([
        'cms',
        '-verify',
        '-in',
        mdnFile,
        '-CAfile',
        us.certPath,
        '-purpose',
        'any',
      ]);
      expect(verified).toContain(`Received-content-MIC: ${formatMic(result.mic)}`);
      expect(verified).toContain('Disposition: automatic-action/MDN-sent-automatically; processed');
      matrix.push({
        cell: cell.name,
        result: `ok (MIC ${result.mic.algorithm} = openssl dgst, MDN verified)`,
      });
    });
  }
});

describe('AS2 core with EC keys against openssl cms', () => {
  it('verifies an ECDSA P-256 signature from OpenSSL and signs an MDN with an EC key that OpenSSL verifies', async () => {
    const ecPartner = await wb.identity('ec-partner', { ec: true });
    const ecUs = await wb.identity('ec-gateway', { ec: true });
    const entity = ediEntity(PAYLOAD);
    const request = withMdnRequest(
      await wb.cms(
        ['-sign', '-binary', '-md', 'sha256', '-signer', ecPartner.certPath, '-inkey', ecPartner.keyPath],
        entity,
      ),
      'sha-256',
    );
    const result = await receiveAs2Message(
      request,
      policy({
        partnerCertificates: [ecPartner.keys.certificate],
        ourKeys: [ecUs.keys],
        requireSigned: true,
      }),
    );
    if (!result.ok) throw new Error(result.detail);
    expect(result.mic.digest).toBe(await wb.digestBase64(entity, 'sha256'));
    const mdn = await buildMdn(
      {
        reportingUa: 'Supplier Gateway AS2',
        originalRecipient: 'GATEWAY',
        finalRecipient: 'GATEWAY',
        originalMessageId: '<test-1@partner>',
        disposition: result.disposition,
        mic: result.mic,
      },
      { keys: ecUs.keys, digest: 'sha-256' },
    );
    const mdnFile = await wb.write(
      Buffer.concat([Buffer.from(`Content-Type: ${mdn.contentType}\r\n\r\n`), mdn.body]),
    );
    const verified = await wb.openssl([
      'smime',
      '-verify',
      '-in',
      mdnFile,
      '-CAfile',
      ecUs.certPath,
      '-purpose',
      'any',
    ]);
    expect(verified).toContain(`Received-content-MIC: ${formatMic(result.mic)}`);
    matrix.push({
      cell: 'ECDSA P-256 signed (sha-256); EC-signed MDN (openssl smime)',
      result: 'ok (MIC = openssl dgst, MDN verified)',
    });
  });
});
