import { randomBytes, type X509Certificate } from 'node:crypto';
import { deflateSync } from 'node:zlib';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { OID, type MicAlgorithm } from './algorithms.js';
import { ensureCryptoEngine, toArrayBuffer } from './cms.js';
import { computeMic, type Mic } from './mic.js';
import { isWithinValidity, type As2KeyPair } from './policy.js';
import { signDetached } from './sign.js';

/** Content encryption we send with: AES-CBC in EnvelopedData, the cipher every AS2 product reads. */
export type SendEncryption = 'aes-128-cbc' | 'aes-256-cbc';

export interface OutboundAs2Options {
  /** The payload's media type, e.g. `application/edi-x12`. */
  readonly contentType: string;
  /** Sign with our key (detached multipart/signed); undefined sends unsigned. */
  readonly sign?: { readonly keys: As2KeyPair; readonly digest: MicAlgorithm };
  /** Encrypt to the partner's newest valid certificate (RSA-OAEP-SHA256 key transport). */
  readonly encrypt?: {
    readonly partnerCertificates: readonly X509Certificate[];
    readonly algorithm: SendEncryption;
  };
  /** RFC 5402 compression before or after signing; undefined: none. */
  readonly compress?: 'before-signing' | 'after-signing';
  /** The MIC algorithm we ask for (`signed-receipt-micalg`); default the signing digest, else sha-256. */
  readonly micAlgorithm?: MicAlgorithm;
  /**
   * Algorithms to compute our MIC in besides `micAlgorithm`. A request without
   * Disposition-Notification-Options names no MIC algorithm, and RFC 4130 does not say which one the
   * receiver then uses (implementations differ), so its unsigned MDN may carry any of them.
   */
  readonly alsoMicAlgorithms?: readonly MicAlgorithm[];
  /** The clock certificates' validity is checked against; default now. */
  readonly now?: Date;
}

export interface OutboundAs2Message {
  /** The MIME headers that go on the HTTP request (Content-Type, Content-Transfer-Encoding if any). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The Received-content-MIC the partner's MDN must carry. */
  readonly mic: Mic;
  /** Our MIC in each of `alsoMicAlgorithms` other than `mic`'s, over the same bytes. */
  readonly otherMics: readonly Mic[];
}

const CRLF = '\r\n';

/**
 * Builds an outbound AS2 message (RFC 4130 §7.3, RFC 5402): the payload as a binary MIME entity,
 * optionally compressed, signed as detached multipart/signed, compressed after signing, and enveloped
 * (EnvelopedData, AES-CBC, RSA-OAEP). The MIC is what the receiver computes (RFC 4130 §7.3.1): over the
 * signed part with its headers when signed, over the payload entity with its headers when only
 * encrypted or compressed, over the content alone when plain.
 */
export async function buildOutboundAs2(
  payload: Buffer,
  options: OutboundAs2Options,
): Promise<OutboundAs2Message> {
  if (/[\r\n]/.test(options.contentType)) throw new Error('the content type must not contain line breaks');
  const payloadEntity = Buffer.concat([
    Buffer.from(
      `Content-Type: ${options.contentType}${CRLF}Content-Transfer-Encoding: binary${CRLF}${CRLF}`,
      'latin1',
    ),
    payload,
  ]);
  let entity: Buffer = payloadEntity;
  if (options.compress === 'before-signing') entity = compressedEntity(entity);
  const plain = !options.sign && !options.encrypt && !options.compress;
  const micBytes = options.sign ? entity : plain ? payload : payloadEntity;
  const micAlgorithm = options.micAlgorithm ?? options.sign?.digest ?? 'sha-256';
  const mic = computeMic(micBytes, micAlgorithm);
  const otherMics = [...new Set(options.alsoMicAlgorithms ?? [])]
    .filter((algorithm) => algorithm !== micAlgorithm)
    .map((algorithm) => computeMic(micBytes, algorithm));
  if (options.sign) entity = await signedEntity(entity, options.sign.keys, options.sign.digest);
  if (options.compress === 'after-signing') entity = compressedEntity(entity);
  if (options.encrypt) entity = await envelopedEntity(entity, options.encrypt, options.now ?? new Date());
  if (plain) return { headers: { 'content-type': options.contentType }, body: payload, mic, otherMics };
  return { ...splitEntity(entity), mic, otherMics };
}

/** The partner's certificate we encrypt to: the newest valid one (latest notBefore, then latest notAfter). */
export function encryptionCertificate(
  certificates: readonly X509Certificate[],
  at: Date = new Date(),
): X509Certificate | undefined {
  return certificates
    .filter((c) => isWithinValidity(c, at))
    .sort((a, b) => time(b.validFrom) - time(a.validFrom) || time(b.validTo) - time(a.validTo))[0];
}

function time(value: string): number {
  return new Date(value).getTime();
}

async function signedEntity(entity: Buffer, keys: As2KeyPair, digest: MicAlgorithm): Promise<Buffer> {
  const signature = await signDetached(entity, keys.privateKey, keys.certificate, digest);
  const boundary = `----=_AS2_${randomBytes(16).toString('hex')}`;
  return Buffer.concat([
    Buffer.from(
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=${digest}; boundary="${boundary}"${CRLF}${CRLF}--${boundary}${CRLF}`,
      'latin1',
    ),
    entity,
    Buffer.from(
      [
        '',
        `--${boundary}`,
        'Content-Type: application/pkcs7-signature; name=smime.p7s',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename=smime.p7s',
        '',
        ...wrapBase64(signature),
        `--${boundary}--`,
        '',
      ].join(CRLF),
      'latin1',
    ),
  ]);
}

async function envelopedEntity(
  entity: Buffer,
  encrypt: NonNullable<OutboundAs2Options['encrypt']>,
  at: Date,
): Promise<Buffer> {
  ensureCryptoEngine();
  const certificate = encryptionCertificate(encrypt.partnerCertificates, at);
  if (!certificate)
    throw new Error('the partner has no certificate within its validity window to encrypt to');
  const enveloped = new pkijs.EnvelopedData();
  enveloped.addRecipientByCertificate(pkijs.Certificate.fromBER(certificate.raw), {
    oaepHashAlgorithm: 'SHA-256',
  });
  const length = encrypt.algorithm === 'aes-128-cbc' ? 128 : 256;
  await enveloped.encrypt({ name: 'AES-CBC', length } as { name: string }, toArrayBuffer(entity));
  const info = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: enveloped.toSchema() });
  return binaryPkcs7Entity(Buffer.from(info.toSchema().toBER(false)), 'enveloped-data', 'smime.p7m');
}

/** CMS CompressedData (RFC 3274, zlib) around the entity, as RFC 5402 wraps it. */
function compressedEntity(entity: Buffer): Buffer {
  const encapsulated = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.data }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.OctetString({ valueHex: toArrayBuffer(deflateSync(entity)) })],
      }),
    ],
  });
  const compressed = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.zlibCompress })] }),
      encapsulated,
    ],
  });
  const info = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.compressedData }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [compressed] }),
    ],
  });
  return binaryPkcs7Entity(Buffer.from(info.toBER(false)), 'compressed-data', 'smime.p7z');
}

function binaryPkcs7Entity(der: Buffer, smimeType: string, name: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      `Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name=${name}${CRLF}Content-Transfer-Encoding: binary${CRLF}${CRLF}`,
      'latin1',
    ),
    der,
  ]);
}

/** The outermost entity's headers go on the HTTP request; its body is the HTTP body. */
function splitEntity(entity: Buffer): { headers: Record<string, string>; body: Buffer } {
  const end = entity.indexOf(`${CRLF}${CRLF}`);
  const headers: Record<string, string> = {};
  for (const line of entity.subarray(0, end).toString('latin1').split(CRLF)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: entity.subarray(end + 4) };
}

function wrapBase64(bytes: Buffer): string[] {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines;
}
