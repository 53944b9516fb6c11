import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { As2SecurityPolicy } from './policy.js';
import { receiveAs2Message, type As2ReceiveResult, type As2Request } from './receive.js';
import { receiveAs2Stream, type As2StreamReceiveResult } from './receive-stream.js';
import { StreamWorkspace } from './stream-source.js';
import {
  compressedDataDer,
  ediEntity,
  OpensslWorkbench,
  pkcs7MimeEntity,
  requestFromSmime,
  type TestIdentity,
} from './testing/openssl.test-helper.js';

// The streaming receive must answer exactly like the Buffer receive (docs/as2.md, "HTTP"): every cell
// of the openssl matrix and every negative case goes through both, and the results are compared
// field by field (disposition, MIC, what was applied, the MDN request, the payload bytes).

const PAYLOAD =
  'ISA*00*          *00*          *ZZ*SUPPLIER       *ZZ*GATEWAY        *261127*1200*U*00401*000000001*0*P*>~\nGS*SH*SUPPLIER*GATEWAY*20261127*1200*1*X*004010~\r\nST*856*0001~\nSE*2*0001~\r\n';

let wb: OpensslWorkbench;
let partner: TestIdentity;
let forger: TestIdentity;
let stranger: TestIdentity;
let us: TestIdentity;
let otherUs: TestIdentity;
let dir: string;
const table: string[] = [];

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

const sign = (id: TestIdentity, md = 'sha256', extra: string[] = []) => [
  '-sign',
  '-binary',
  '-crlfeol',
  '-md',
  md,
  '-signer',
  id.certPath,
  '-inkey',
  id.keyPath,
  ...extra,
];
const encrypt = (id: TestIdentity, cipher = 'aes-256-cbc', oaep = true, extra: string[] = []) => [
  '-encrypt',
  '-binary',
  `-${cipher}`,
  '-recip',
  id.certPath,
  ...(oaep ? ['-keyopt', 'rsa_padding_mode:oaep'] : []),
  ...extra,
];

function withMdn(request: As2Request, micalg = 'sha-256'): As2Request {
  return {
    body: request.body,
    headers: {
      'message-id': '<stream-1@partner>',
      'as2-from': 'PARTNER',
      'as2-to': 'GATEWAY',
      'disposition-notification-to': 'mailto:as2@partner.example',
      'disposition-notification-options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micalg}`,
      ...request.headers,
    },
  };
}

function asEntity(request: As2Request): Buffer {
  return Buffer.concat([
    Buffer.from(`Content-Type: ${String(request.headers['content-type'])}\r\n\r\n`, 'latin1'),
    request.body,
  ]);
}

/** What must be equal between the two paths; the payload as bytes. */
async function view(result: As2ReceiveResult | As2StreamReceiveResult, ws?: StreamWorkspace) {
  let payload: string | undefined;
  if (result.ok) {
    payload = Buffer.isBuffer(result.payload)
      ? result.payload.toString('latin1')
      : await readRange(ws!, result.payload);
  }
  return {
    ok: result.ok,
    disposition: result.disposition,
    // The parsers' own error wording (asn1js vs the BER reader) differs; the stage that failed may not.
    detail: result.ok
      ? undefined
      : result.detail.replace(
          /^(unreadable [a-z0-9 -]+|the unwrapped content is not a MIME entity|zlib|payload|unexpected): .*$/s,
          '$1: …',
        ),
    mic: result.mic,
    signed: result.applied.signed
      ? {
          digest: result.applied.signed.digest,
          certificate: result.applied.signed.certificate.fingerprint256,
        }
      : undefined,
    encrypted: result.applied.encrypted,
    compressed: result.applied.compressed,
    mdn: result.mdn,
    envelope: result.envelope,
    payload,
    payloadType: result.ok ? result.payloadEntity.contentType : undefined,
  };
}

let counter = 0;

async function readRange(ws: StreamWorkspace, range: { path: string; start: number; end: number }) {
  const chunks: Buffer[] = [];
  for await (const chunk of ws.chunks(range)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('latin1');
}

async function both(name: string, request: As2Request, overrides: Partial<As2SecurityPolicy> = {}) {
  const whole = await view(await receiveAs2Message(request, policy(overrides)));
  const path = join(dir, `body-${++counter}`);
  await writeFile(path, request.body);
  const ws = await StreamWorkspace.create(join(dir, `work-${counter}`));
  try {
    const streamed = await view(
      await receiveAs2Stream(
        { headers: request.headers, body: { path, start: 0, end: request.body.length } },
        policy(overrides),
        ws,
      ),
      ws,
    );
    expect(streamed, name).toEqual(whole);
  } finally {
    await ws.dispose();
  }
  const outcome = whole.ok
    ? `processed, MIC ${whole.mic!.digest.slice(0, 12)}…`
    : `${whole.disposition.kind === 'error' ? `processed/error: ${whole.disposition.modifier}` : 'failed'}`;
  table.push(`  ${name.padEnd(64)} ${outcome} (both paths)`);
  return whole;
}

beforeAll(async () => {
  wb = await OpensslWorkbench.create();
  dir = await mkdtemp(join(tmpdir(), 'as2-stream-spec-'));
  partner = await wb.identity('partner', { subject: '/CN=partner/O=Supplier', serial: '0x1001' });
  forger = await wb.identity('forger', { subject: '/CN=partner/O=Supplier', serial: '0x1001' });
  stranger = await wb.identity('stranger');
  us = await wb.identity('gateway');
  otherUs = await wb.identity('gateway-other');
});

afterAll(async () => {
  console.log(`AS2 streaming receive vs Buffer receive:\n${table.join('\n')}`);
  await wb?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('streaming receive answers exactly like the Buffer receive', () => {
  const entity = () => ediEntity(PAYLOAD);

  it('accepts every cell of the openssl matrix identically', async () => {
    const cells: [string, () => Promise<As2Request>, Partial<As2SecurityPolicy>?, string?][] = [
      ['signed detached sha-256', () => wb.cms(sign(partner), entity())],
      [
        'signed detached sha-512, MIC sha-512',
        () => wb.cms(sign(partner, 'sha512'), entity()),
        {},
        'sha-512',
      ],
      ['signed detached, no signed attributes', () => wb.cms(sign(partner, 'sha256', ['-noattr']), entity())],
      ['signed opaque signed-data', () => wb.cms(sign(partner, 'sha256', ['-nodetach']), entity())],
      [
        'signed opaque, streamed BER',
        () => wb.cms(sign(partner, 'sha256', ['-nodetach', '-stream']), entity()),
      ],
      [
        'signed opaque, no signed attributes',
        () => wb.cms(sign(partner, 'sha256', ['-nodetach', '-noattr']), entity()),
      ],
      ['encrypted AES-128-CBC OAEP', () => wb.cms(encrypt(us, 'aes-128-cbc'), entity())],
      ['encrypted AES-256-CBC OAEP', () => wb.cms(encrypt(us), entity())],
      [
        'encrypted AES-128-CBC OAEP, streamed BER',
        () => wb.cms(encrypt(us, 'aes-128-cbc', true, ['-stream']), entity()),
      ],
      [
        'encrypted AES-256-GCM OAEP sha-256',
        () => wb.cms(encrypt(us, 'aes-256-gcm', true, ['-keyopt', 'rsa_oaep_md:sha256']), entity()),
      ],
      [
        'encrypted AES-256-GCM, streamed BER',
        () => wb.cms(encrypt(us, 'aes-256-gcm', true, ['-stream']), entity()),
      ],
      [
        'encrypted AES-256-CBC PKCS#1 v1.5 (enabled)',
        () => wb.cms(encrypt(us, 'aes-256-cbc', false), entity()),
        { allowRsaPkcs1v15: true },
      ],
      [
        'signed + encrypted',
        async () => wb.cms(encrypt(us), asEntity(await wb.cms(sign(partner), entity()))),
        { requireSigned: true, requireEncrypted: true },
      ],
      [
        'signed + encrypted, both streamed',
        async () =>
          wb.cms(
            encrypt(us, 'aes-256-cbc', true, ['-stream']),
            asEntity(await wb.cms(sign(partner, 'sha256', ['-stream']), entity())),
          ),
      ],
      [
        'compressed then signed',
        () => wb.cms(sign(partner), pkcs7MimeEntity(compressedDataDer(entity()), 'compressed-data')),
      ],
      [
        'signed then compressed',
        async () =>
          requestFromSmime(
            pkcs7MimeEntity(
              compressedDataDer(asEntity(await wb.cms(sign(partner), entity()))),
              'compressed-data',
            ),
          ),
      ],
      [
        'compressed, BER-chunked, binary',
        async () => ({
          headers: {
            'content-type': 'application/pkcs7-mime; smime-type=compressed-data',
            'content-transfer-encoding': 'binary',
          },
          body: compressedDataDer(entity(), undefined, { chunkSize: 16 }),
        }),
      ],
      [
        'plain',
        async () => ({ headers: { 'content-type': 'application/edi-x12' }, body: Buffer.from(PAYLOAD) }),
      ],
      [
        'encrypted, base64 without Content-Transfer-Encoding',
        async () => {
          const { body, headers } = await wb.cms(encrypt(us), entity());
          const { 'content-transfer-encoding': _cte, ...rest } = headers;
          return { headers: rest, body };
        },
      ],
    ];
    for (const [name, build, overrides, micalg] of cells) {
      const result = await both(name, withMdn(await build(), micalg), overrides);
      expect(result.ok, name).toBe(true);
      expect(result.payload, name).toBe(PAYLOAD);
    }
  }, 60_000);

  it('refuses every negative case with the same disposition and detail', async () => {
    const signed = await wb.cms(sign(partner), entity());
    const tampered = {
      ...signed,
      body: Buffer.from(signed.body.toString('latin1').replace('ST*856', 'ST*857'), 'latin1'),
    };
    const gcm = await wb.cms(encrypt(us, 'aes-256-gcm', true), entity());
    const gcmBody = Buffer.from(gcm.body.toString('latin1'), 'base64');
    gcmBody[gcmBody.length - 1]! ^= 0x01; // the last byte of the tag
    const bomb = deflateSync(Buffer.alloc(20 << 20, 0x41), { level: 9 });
    const cases: [string, As2Request, Partial<As2SecurityPolicy>?][] = [
      ['tampered payload', tampered],
      ['signed by a certificate that is not pinned', await wb.cms(sign(stranger), entity())],
      ['forged certificate copying issuer and serial', await wb.cms(sign(forger), entity())],
      ['opaque signed by a forger', await wb.cms(sign(forger, 'sha256', ['-nodetach', '-stream']), entity())],
      ['expired pinned certificate', signed, { now: new Date(Date.now() + 400 * 86_400_000) }],
      ['unsigned where signing is required', await wb.cms(encrypt(us), entity()), { requireSigned: true }],
      [
        'unencrypted where encryption is required',
        { headers: { 'content-type': 'application/edi-x12' }, body: Buffer.from(PAYLOAD) },
        { requireEncrypted: true },
      ],
      [
        'compression bomb over the cap',
        requestFromSmime(pkcs7MimeEntity(compressedDataDer(Buffer.alloc(0), bomb), 'compressed-data')),
      ],
      ['PKCS#1 v1.5 not enabled', await wb.cms(encrypt(us, 'aes-256-cbc', false), entity())],
      ['encrypted to another certificate', await wb.cms(encrypt(otherUs), entity())],
      [
        'wrong private key (OAEP)',
        await wb.cms(encrypt(us), entity()),
        { ourKeys: [{ certificate: us.keys.certificate, privateKey: otherUs.keys.privateKey }] },
      ],
      [
        'wrong private key (PKCS#1 v1.5, implicit rejection)',
        await wb.cms(encrypt(us, 'aes-128-cbc', false), entity()),
        {
          allowRsaPkcs1v15: true,
          ourKeys: [{ certificate: us.keys.certificate, privateKey: otherUs.keys.privateKey }],
        },
      ],
      [
        'AES-GCM with a tampered tag',
        { headers: { ...gcm.headers, 'content-transfer-encoding': 'binary' }, body: gcmBody },
      ],
      ['sha1 signature, legacy off', await wb.cms(sign(partner, 'sha1'), entity())],
      ['3DES, legacy off', await wb.cms(encrypt(us, 'des3'), entity())],
      [
        'required MIC algorithm not allowed',
        {
          headers: {
            ...signed.headers,
            'disposition-notification-options':
              'signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, md5, sha1',
          },
          body: signed.body,
        },
      ],
      [
        'multipart/signed without a closing delimiter',
        {
          headers: { 'content-type': 'multipart/signed; protocol="application/pkcs7-signature"; boundary=x' },
          body: Buffer.from('no delimiter'),
        },
      ],
      [
        'pkcs7-mime that is not base64',
        {
          headers: { 'content-type': 'application/pkcs7-mime; smime-type=enveloped-data' },
          body: Buffer.from('not base64 !!'),
        },
      ],
      [
        'truncated BER',
        {
          headers: { 'content-type': 'application/pkcs7-mime; smime-type=enveloped-data' },
          body: Buffer.from([0x30, 0x03, 0x06, 0x01]),
        },
      ],
      ['bad content type', { headers: { 'content-type': 'bad content type' }, body: Buffer.from('x') }],
    ];
    for (const [name, request, overrides] of cases) {
      const result = await both(name, withMdn(request), overrides);
      expect(result.ok, name).toBe(false);
    }
  }, 60_000);
});
