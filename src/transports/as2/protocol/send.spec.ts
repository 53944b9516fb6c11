import { readFile } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildMdn } from './mdn.js';
import { decodeBody, parseEntity, splitMultipart } from './mime.js';
import { peekMdn, verifyMdn, type MdnExpectation } from './mdn-verify.js';
import type { As2SecurityPolicy } from './policy.js';
import { receiveAs2Message } from './receive.js';
import { buildOutboundAs2, type OutboundAs2Message, type OutboundAs2Options } from './send.js';
import { OpensslWorkbench, type TestIdentity } from './testing/openssl.test-helper.js';

// AS2 send evidence (issue #15): `openssl cms` decrypts and verifies what the core builds, the
// receiving core computes the same MIC we expect, and MDN verification refuses every bad answer.

const PAYLOAD = 'ISA*00*          *00*          *ZZ*GATEWAY~\nST*850*0001~\r\nSE*2*0001~\r\n';

let wb: OpensslWorkbench;
let us: TestIdentity;
let partner: TestIdentity;
let stranger: TestIdentity;
const matrix: { cell: string; result: string }[] = [];

beforeAll(async () => {
  wb = await OpensslWorkbench.create();
  [us, partner, stranger] = await Promise.all([
    wb.identity('us'),
    wb.identity('partner'),
    wb.identity('stranger'),
  ]);
}, 60_000);

afterAll(async () => {
  console.log(
    `AS2 send matrix (openssl cms + receiving core):\n${matrix.map((m) => `  ${m.cell.padEnd(48)} ${m.result}`).join('\n')}`,
  );
  await wb?.dispose();
});

/** The partner's side: the receiving core with the partner's keys, pinning our certificate. */
function partnerPolicy(): As2SecurityPolicy {
  return {
    requireSigned: false,
    requireEncrypted: false,
    partnerCertificates: [us.keys.certificate],
    ourKeys: [partner.keys],
    allowLegacy: false,
    allowRsaPkcs1v15: false,
    maxDecompressedBytes: 1 << 20,
  };
}

function options(cell: Partial<OutboundAs2Options>): OutboundAs2Options {
  return { contentType: 'application/edi-x12', ...cell };
}

const signing = {
  get keys() {
    return us.keys;
  },
  digest: 'sha-256' as const,
};

async function opensslDecrypt(message: OutboundAs2Message): Promise<Buffer> {
  const input = await wb.write(message.body);
  const out = wb.path(`dec-${matrix.length}-${Date.now()}.eml`);
  await wb.openssl([
    'cms',
    '-decrypt',
    '-inform',
    'DER',
    '-in',
    input,
    '-recip',
    partner.certPath,
    '-inkey',
    partner.keyPath,
    '-out',
    out,
  ]);
  return readFile(out);
}

/**
 * `openssl cms -verify` of a multipart/signed entity: the detached signature (DER) over the exact bytes
 * of the signed part. OpenSSL 3.0's S/MIME reader canonicalises line endings of multipart/signed
 * input even with -binary, so a payload with bare LFs is verified this way; the S/MIME form is
 * checked separately with a CRLF-only payload.
 */
async function opensslVerify(signedEntity: Buffer): Promise<Buffer> {
  const [content, signature] = splitMultipart(parseEntity(signedEntity));
  const contentFile = await wb.write(content!.raw);
  const signatureFile = await wb.write(decodeBody(signature!));
  const out = wb.path(`ver-${matrix.length}-${Date.now()}.bin`);
  await wb.openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    signatureFile,
    '-content',
    contentFile,
    '-CAfile',
    us.certPath,
    '-purpose',
    'any',
    '-out',
    out,
  ]);
  return readFile(out);
}

function aes256(): NonNullable<OutboundAs2Options['encrypt']> {
  return { partnerCertificates: [partner.keys.certificate], algorithm: 'aes-256-cbc' };
}

function withHeaders(message: OutboundAs2Message): Buffer {
  const head = Object.entries(message.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), message.body]);
}

describe('buildOutboundAs2 against openssl cms', () => {
  for (const algorithm of ['aes-256-cbc', 'aes-128-cbc'] as const) {
    it(`signed (sha-256) and encrypted (${algorithm}, RSA-OAEP): openssl decrypts and verifies`, async () => {
      const message = await buildOutboundAs2(
        Buffer.from(PAYLOAD, 'latin1'),
        options({ sign: signing, encrypt: { partnerCertificates: [partner.keys.certificate], algorithm } }),
      );
      const decrypted = await opensslDecrypt(message);
      const content = await opensslVerify(decrypted);
      expect(content.toString('latin1')).toContain(PAYLOAD);
      const printed = await wb.openssl([
        'cms',
        '-cmsout',
        '-print',
        '-inform',
        'DER',
        '-in',
        await wb.write(message.body),
      ]);
      expect(printed).toContain('rsaesOaep');
      expect(printed).toContain(algorithm === 'aes-256-cbc' ? 'aes-256-cbc' : 'aes-128-cbc');
      const received = await receiveAs2Message(
        { headers: message.headers, body: message.body },
        partnerPolicy(),
      );
      expect(received.ok && received.mic).toEqual(message.mic);
      matrix.push({
        cell: `sign sha-256 + ${algorithm} OAEP`,
        result: 'openssl decrypt+verify ok, MIC equal',
      });
    });
  }

  it('signed only, sha-512: openssl verifies the detached signature, the MIC matches', async () => {
    const message = await buildOutboundAs2(
      Buffer.from(PAYLOAD, 'latin1'),
      options({ sign: { keys: us.keys, digest: 'sha-512' } }),
    );
    expect(message.headers['content-type']).toMatch(/^multipart\/signed;.*micalg=sha-512/);
    const content = await opensslVerify(withHeaders(message));
    expect(content.toString('latin1')).toContain(PAYLOAD);
    const received = await receiveAs2Message(
      {
        headers: {
          ...message.headers,
          'disposition-notification-options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${message.mic.algorithm}`,
        },
        body: message.body,
      },
      partnerPolicy(),
    );
    expect(message.mic.algorithm).toBe('sha-512');
    expect(received.ok && received.mic).toEqual(message.mic);
    matrix.push({ cell: 'sign sha-512', result: 'openssl verify ok, MIC equal' });
  });

  it('signed with a CRLF-only payload: openssl reads the S/MIME form as it is', async () => {
    const crlf = PAYLOAD.replace(/\r?\n/g, '\r\n');
    const message = await buildOutboundAs2(Buffer.from(crlf, 'latin1'), options({ sign: signing }));
    const file = await wb.write(withHeaders(message));
    const out = await wb.openssl(['cms', '-verify', '-in', file, '-CAfile', us.certPath, '-purpose', 'any']);
    expect(out).toContain(crlf);
    matrix.push({ cell: 'sign sha-256, S/MIME as a whole', result: 'openssl verify ok' });
  });

  for (const compress of ['before-signing', 'after-signing'] as const) {
    it(`compressed ${compress}, signed and encrypted: openssl decrypts, the receiving core accepts with our MIC`, async () => {
      const message = await buildOutboundAs2(
        Buffer.from(PAYLOAD, 'latin1'),
        options({
          sign: signing,
          compress,
          encrypt: { partnerCertificates: [partner.keys.certificate], algorithm: 'aes-256-cbc' },
        }),
      );
      const decrypted = (await opensslDecrypt(message)).toString('latin1');
      expect(decrypted).toMatch(
        compress === 'before-signing' ? /^Content-Type: multipart\/signed/ : /smime-type=compressed-data/,
      );
      const received = await receiveAs2Message(
        { headers: message.headers, body: message.body },
        partnerPolicy(),
      );
      expect(received.ok).toBe(true);
      if (!received.ok) return;
      expect(received.payload.toString('latin1')).toBe(PAYLOAD);
      expect(received.applied.compressed).toBe(true);
      expect(received.mic).toEqual(message.mic);
      matrix.push({
        cell: `compress ${compress} + sign + aes-256-cbc`,
        result: 'openssl decrypt ok, core MIC equal',
      });
    });
  }

  it('computes our MIC in other algorithms over the same bytes as the receiving core, for every layering', async () => {
    const cells: [string, Partial<OutboundAs2Options>][] = [
      ['signed sha-384, encrypted', { sign: { keys: us.keys, digest: 'sha-384' }, encrypt: aes256() }],
      ['unsigned, encrypted', { encrypt: aes256() }],
      ['plain', {}],
    ];
    for (const [cell, layers] of cells) {
      const message = await buildOutboundAs2(
        Buffer.from(PAYLOAD, 'latin1'),
        options({ ...layers, alsoMicAlgorithms: ['sha-256', 'sha-384', 'sha-512'] }),
      );
      // Every algorithm once, the one asked for as `mic`.
      expect([message.mic, ...message.otherMics].map((m) => m.algorithm).sort(), cell).toEqual([
        'sha-256',
        'sha-384',
        'sha-512',
      ]);
      for (const other of message.otherMics) {
        const received = await receiveAs2Message(
          {
            headers: {
              ...message.headers,
              'disposition-notification-options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${other.algorithm}`,
            },
            body: message.body,
          },
          partnerPolicy(),
        );
        expect(received.ok && received.mic, `${cell}: ${other.algorithm}`).toEqual(other);
      }
    }
    const without = await buildOutboundAs2(Buffer.from(PAYLOAD, 'latin1'), options({ sign: signing }));
    expect(without.otherMics).toEqual([]);
  });

  it('encrypts to the newest valid certificate during a rollover', async () => {
    const newer = await wb.identity('partner-new', { days: 60 });
    const message = await buildOutboundAs2(
      Buffer.from(PAYLOAD, 'latin1'),
      options({
        encrypt: {
          partnerCertificates: [partner.keys.certificate, newer.keys.certificate],
          algorithm: 'aes-128-cbc',
        },
      }),
    );
    const input = await wb.write(message.body);
    await expect(
      wb.openssl([
        'cms',
        '-decrypt',
        '-inform',
        'DER',
        '-in',
        input,
        '-recip',
        newer.certPath,
        '-inkey',
        newer.keyPath,
      ]),
    ).resolves.toContain(PAYLOAD);
    // Unsigned but encrypted: the MIC covers the payload entity with its headers (RFC 4130 §7.3.1).
    const received = await receiveAs2Message(
      { headers: message.headers, body: message.body },
      { ...partnerPolicy(), ourKeys: [newer.keys] },
    );
    expect(received.ok && received.mic).toEqual(message.mic);
  });
});

describe('verifyMdn', () => {
  const messageId = '<outbound-doc-1@GATEWAY>';

  async function sent(): Promise<OutboundAs2Message> {
    return buildOutboundAs2(Buffer.from(PAYLOAD, 'latin1'), options({ sign: signing }));
  }

  function expectation(message: OutboundAs2Message, overrides: Partial<MdnExpectation> = {}): MdnExpectation {
    return {
      messageId,
      mic: message.mic,
      signedRequested: true,
      partnerCertificates: [partner.keys.certificate],
      ...overrides,
    };
  }

  async function mdn(
    message: OutboundAs2Message,
    opts: { mic?: OutboundAs2Message['mic'] | null; id?: string; signer?: TestIdentity | null } = {},
  ) {
    const built = await buildMdn(
      {
        reportingUa: 'test partner',
        originalRecipient: 'PARTNER',
        finalRecipient: 'PARTNER',
        originalMessageId: opts.id ?? messageId,
        disposition: { kind: 'processed' },
        ...(opts.mic === null ? {} : { mic: opts.mic ?? message.mic }),
      },
      opts.signer === null ? undefined : { keys: (opts.signer ?? partner).keys, digest: 'sha-256' },
    );
    return { headers: { 'content-type': built.contentType }, body: built.body };
  }

  it('delivers on a signed MDN with our MIC and Message-ID', async () => {
    const message = await sent();
    const answer = await mdn(message);
    const verdict = verifyMdn(answer.headers, answer.body, expectation(message));
    expect(verdict).toMatchObject({ delivered: true, signed: true });
  });

  it('refuses a tampered signed MDN', async () => {
    const message = await sent();
    const answer = await mdn(message);
    const text = answer.body.toString('latin1').replace('; processed', ';  processed');
    const verdict = verifyMdn(answer.headers, Buffer.from(text, 'latin1'), expectation(message));
    expect(verdict).toMatchObject({ delivered: false, reason: expect.stringContaining('signature') });
  });

  it('refuses an MDN signed by a certificate that is not pinned', async () => {
    const message = await sent();
    const answer = await mdn(message, { signer: stranger });
    expect(verifyMdn(answer.headers, answer.body, expectation(message))).toMatchObject({ delivered: false });
  });

  it('refuses an unsigned MDN when a signed one was requested', async () => {
    const message = await sent();
    const answer = await mdn(message, { signer: null });
    expect(verifyMdn(answer.headers, answer.body, expectation(message))).toMatchObject({
      delivered: false,
      reason: expect.stringContaining('not signed'),
    });
    // Not requested: the unsigned MDN with our MIC is accepted.
    expect(
      verifyMdn(answer.headers, answer.body, expectation(message, { signedRequested: false })),
    ).toMatchObject({
      delivered: true,
      signed: false,
    });
  });

  it('refuses a wrong MIC and a missing MIC', async () => {
    const message = await sent();
    const wrong = await mdn(message, {
      mic: { algorithm: 'sha-256', digest: Buffer.alloc(32, 1).toString('base64') },
    });
    expect(verifyMdn(wrong.headers, wrong.body, expectation(message))).toMatchObject({
      delivered: false,
      reason: expect.stringContaining('Received-content-MIC'),
    });
    const otherAlgorithm = await mdn(message, { mic: { ...message.mic, algorithm: 'sha-512' } });
    expect(verifyMdn(otherAlgorithm.headers, otherAlgorithm.body, expectation(message))).toMatchObject({
      delivered: false,
    });
    const missing = await mdn(message, { mic: null });
    expect(verifyMdn(missing.headers, missing.body, expectation(message))).toMatchObject({
      delivered: false,
      reason: 'the MDN has no Received-content-MIC',
    });
  });

  it('delivers on an unsigned MDN without a MIC when no signed one was requested (RFC 4130 §7.4.3), never on a signed one', async () => {
    const message = await sent();
    const unsigned = await mdn(message, { mic: null, signer: null });
    expect(
      verifyMdn(unsigned.headers, unsigned.body, expectation(message, { signedRequested: false })),
    ).toMatchObject({
      delivered: true,
      signed: false,
      detail: expect.stringContaining('no Received-content-MIC'),
    });
    // A MIC that is there must still be ours.
    const wrong = await mdn(message, {
      mic: { algorithm: 'sha-256', digest: Buffer.alloc(32, 1).toString('base64') },
      signer: null,
    });
    expect(
      verifyMdn(wrong.headers, wrong.body, expectation(message, { signedRequested: false })),
    ).toMatchObject({ delivered: false, reason: expect.stringContaining('is not ours') });
    // Signed receipts require it, whether or not a signed one was asked for.
    const signed = await mdn(message, { mic: null });
    for (const signedRequested of [true, false])
      expect(verifyMdn(signed.headers, signed.body, expectation(message, { signedRequested }))).toMatchObject(
        { delivered: false, reason: 'the MDN has no Received-content-MIC' },
      );
  });

  // RFC 4130 does not say which MIC algorithm a receiver uses when the request names none
  // (implementations differ: Oxalis #447, phase2 #93).
  it('accepts our MIC in another allowed algorithm from an unsigned MDN when we asked for none, and says which', async () => {
    const message = await buildOutboundAs2(
      Buffer.from(PAYLOAD, 'latin1'),
      options({ sign: { keys: us.keys, digest: 'sha-384' }, alsoMicAlgorithms: ['sha-256', 'sha-512'] }),
    );
    const sha256 = message.otherMics.find((m) => m.algorithm === 'sha-256')!;
    const unrequested = { signedRequested: false, otherMics: message.otherMics };
    const unsigned = await mdn(message, { mic: sha256, signer: null });
    expect(verifyMdn(unsigned.headers, unsigned.body, expectation(message, unrequested))).toMatchObject({
      delivered: true,
      signed: false,
      mic: sha256,
      detail: expect.stringContaining(
        `MIC ${sha256.digest}, sha-256 (no MIC algorithm requested: it matches ours computed with sha-256)`,
      ),
    });
    // Without the other MICs (a request that named its algorithm) it is not ours.
    expect(
      verifyMdn(unsigned.headers, unsigned.body, expectation(message, { signedRequested: false })),
    ).toMatchObject({ delivered: false, reason: expect.stringContaining('is not ours') });
    // Our own algorithm's MIC is delivered without a remark.
    const own = await mdn(message, { signer: null });
    const ownVerdict = verifyMdn(own.headers, own.body, expectation(message, unrequested));
    expect(ownVerdict).toMatchObject({ delivered: true, mic: message.mic });
    expect(ownVerdict.delivered && ownVerdict.detail).not.toContain('no MIC algorithm requested');
    // A wrong digest in an allowed algorithm is named against ours in that algorithm.
    const wrong = await mdn(message, {
      mic: { algorithm: 'sha-256', digest: Buffer.alloc(32, 1).toString('base64') },
      signer: null,
    });
    expect(verifyMdn(wrong.headers, wrong.body, expectation(message, unrequested))).toMatchObject({
      delivered: false,
      reason: expect.stringContaining(`is not ours (${sha256.digest}, sha-256)`),
    });
    // An algorithm we do not allow (sha1 without legacy) is never ours.
    const sha1 = await mdn(message, {
      mic: { algorithm: 'sha1', digest: Buffer.alloc(20, 1).toString('base64') },
      signer: null,
    });
    expect(verifyMdn(sha1.headers, sha1.body, expectation(message, unrequested))).toMatchObject({
      delivered: false,
    });
    // A signed MDN must carry the MIC in the algorithm the message names.
    const signedOther = await mdn(message, { mic: sha256 });
    expect(verifyMdn(signedOther.headers, signedOther.body, expectation(message, unrequested))).toMatchObject(
      { delivered: false, reason: expect.stringContaining('is not ours') },
    );
  });

  it('refuses an MDN for another Message-ID and a negative disposition', async () => {
    const message = await sent();
    const other = await mdn(message, { id: '<someone-else@GATEWAY>' });
    expect(verifyMdn(other.headers, other.body, expectation(message))).toMatchObject({
      delivered: false,
      reason: expect.stringContaining('someone-else'),
    });
    const built = await buildMdn(
      {
        reportingUa: 'p',
        originalRecipient: 'PARTNER',
        finalRecipient: 'PARTNER',
        originalMessageId: messageId,
        disposition: { kind: 'error', modifier: 'decryption-failed' },
      },
      { keys: partner.keys, digest: 'sha-256' },
    );
    expect(verifyMdn({ 'content-type': built.contentType }, built.body, expectation(message))).toMatchObject({
      delivered: false,
      reason: expect.stringContaining('decryption-failed'),
    });
  });

  it('tells authentic refusals (the partner signed them) from ones anyone could send, and peeks unverified', async () => {
    const message = await sent();
    const wrongMic = await mdn(message, {
      mic: { algorithm: 'sha-256', digest: Buffer.alloc(32, 1).toString('base64') },
    });
    expect(verifyMdn(wrongMic.headers, wrongMic.body, expectation(message))).toMatchObject({
      delivered: false,
      authentic: true,
    });
    const unsigned = await mdn(message, { signer: null });
    expect(verifyMdn(unsigned.headers, unsigned.body, expectation(message))).toMatchObject({
      delivered: false,
      authentic: false,
    });
    const forged = await mdn(message, { signer: stranger });
    expect(verifyMdn(forged.headers, forged.body, expectation(message))).toMatchObject({
      delivered: false,
      authentic: false,
    });
    // peekMdn reads the claimed Original-Message-ID of a signed or unsigned MDN without trusting it.
    expect(peekMdn(forged.headers, forged.body)).toMatchObject({
      signed: true,
      fields: { originalMessageId: messageId, disposition: expect.stringContaining('processed') },
    });
    expect(peekMdn(unsigned.headers, unsigned.body)).toMatchObject({ signed: false });
    expect(peekMdn({ 'content-type': 'text/plain' }, Buffer.from('hi'))).toMatchObject({
      error: expect.stringContaining('unreadable MDN'),
    });
  });

  it('refuses garbage', () => {
    expect(
      verifyMdn({ 'content-type': 'text/html' }, Buffer.from('<html>ok</html>'), {
        messageId,
        mic: { algorithm: 'sha-256', digest: 'AAAA' },
        signedRequested: false,
        partnerCertificates: [],
      }),
    ).toMatchObject({ delivered: false, reason: expect.stringContaining('unreadable MDN') });
  });
});
