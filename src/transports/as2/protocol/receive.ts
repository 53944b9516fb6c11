import type { X509Certificate } from 'node:crypto';

import type { ContentEncryption, KeyTransport, MicAlgorithm } from './algorithms.js';
import { parseContentInfo } from './cms.js';
import { OID } from './algorithms.js';
import { decompressCompressedData } from './decompress.js';
import { decryptEnvelope } from './decrypt.js';
import { As2DispositionError, type Disposition } from './disposition.js';
import {
  chooseMicAlgorithm,
  MdnOptionsError,
  parseDispositionNotificationOptions,
  wantsSignedReceipt,
} from './mdn-options.js';
import { computeMic, type Mic } from './mic.js';
import {
  decodeBody,
  entityFromHttp,
  headerValue,
  MimeError,
  parseEntity,
  splitMultipart,
  type MimeEntity,
} from './mime.js';
import { allowedDigests, type As2SecurityPolicy } from './policy.js';
import { verifySignedData } from './verify.js';

export interface As2Request {
  /** HTTP request headers (any case). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The HTTP body exactly as received. */
  readonly body: Buffer;
}

export interface AppliedSecurity {
  readonly signed?: { readonly digest: MicAlgorithm; readonly certificate: X509Certificate };
  readonly encrypted?: { readonly keyTransport: KeyTransport; readonly contentEncryption: ContentEncryption };
  readonly compressed?: boolean;
}

/** What the sender asked for in its MDN request (RFC 4130 §7.3). */
export interface MdnRequest {
  /** `Disposition-Notification-To`; undefined when no MDN was requested. */
  readonly to?: string;
  /** `Receipt-Delivery-Option`: the URL of an asynchronous MDN. */
  readonly asyncUrl?: string;
  readonly signed: boolean;
  readonly micAlgorithm: MicAlgorithm;
}

/** The AS2 headers of the request (RFC 4130 §6), for the caller's partnership lookup and the MDN. */
export interface As2Envelope {
  readonly messageId?: string;
  readonly as2From?: string;
  readonly as2To?: string;
}

export type As2ReceiveResult =
  | {
      readonly ok: true;
      /** The payload, transfer encoding undone, exact bytes otherwise. */
      readonly payload: Buffer;
      /** The innermost MIME entity the payload came from (its Content-Type names the document). */
      readonly payloadEntity: MimeEntity;
      readonly mic: Mic;
      readonly applied: AppliedSecurity;
      readonly mdn: MdnRequest;
      readonly envelope: As2Envelope;
      readonly disposition: Disposition;
    }
  | {
      readonly ok: false;
      readonly disposition: Disposition;
      /** For our logs and the archive; never sent to the partner. */
      readonly detail: string;
      readonly mic?: Mic;
      readonly applied: AppliedSecurity;
      readonly mdn: MdnRequest;
      readonly envelope: As2Envelope;
    };

/** Nested layers deeper than this are refused (AS2 uses at most encrypt ∘ sign ∘ compress). */
const MAX_LAYERS = 6;

/**
 * Unwraps one AS2 message under the partnership's policy: decrypts, verifies, decompresses in whatever
 * order the sender applied them, computes the Received-content-MIC (RFC 4130 §7.3.1, RFC 5402 §4) and
 * returns the payload, or the precise MDN disposition for what failed. Never throws for bad input.
 */
export async function receiveAs2Message(
  request: As2Request,
  policy: As2SecurityPolicy,
): Promise<As2ReceiveResult> {
  const applied: { -readonly [K in keyof AppliedSecurity]: AppliedSecurity[K] } = {};
  const { envelope, mdn, micAlgorithm, refusal } = readReceiptRequest(request.headers, policy);
  let micBytes: Buffer | undefined;
  try {
    if (refusal) throw refusal;
    const headers = outerEntity(request);
    let entity: MimeEntity = headers;
    let unwrapped = false;
    for (let layer = 0; ; layer++) {
      if (layer > MAX_LAYERS)
        throw As2DispositionError.error('unexpected-processing-error', 'too many nested layers');
      const next = await unwrapLayer(entity, policy, applied);
      if (!next) break;
      if (next.signedBytes && micBytes === undefined) micBytes = next.signedBytes;
      entity = next.entity;
      unwrapped = true;
    }
    // Signed: the signed part with headers; encrypted/compressed only: the innermost MIME part with
    // headers; plain: the content only (RFC 4130 §7.3.1, RFC 5402 §4).
    micBytes ??= unwrapped ? entity.raw : entity.body;
    const mic = computeMic(micBytes, mdn.micAlgorithm);
    assertSecurityApplied(policy, applied);
    const payload = decodeOrFail(entity);
    return {
      ok: true,
      payload,
      payloadEntity: entity,
      mic,
      applied,
      mdn,
      envelope,
      disposition: { kind: 'processed' },
    };
  } catch (error) {
    const failure = dispositionOf(error);
    const mic = micBytes && micAlgorithm !== 'unsupported' ? computeMic(micBytes, micAlgorithm) : undefined;
    return {
      ok: false,
      disposition: failure.disposition,
      detail: failure.detail,
      mic,
      applied,
      mdn,
      envelope,
    };
  }
}

function outerEntity(request: As2Request): MimeEntity {
  try {
    return entityFromHttp(request.headers, request.body);
  } catch (error) {
    throw As2DispositionError.error(
      'unexpected-processing-error',
      `unreadable HTTP headers: ${String(error)}`,
    );
  }
}

/**
 * What the request asks of us before any layer is read — its envelope and the MDN it wants — shared by
 * the Buffer and the streaming cores. `mdn` is as complete as the headers allow even when the request
 * is refused (`refusal`: options that cannot be parsed, or no allowed MIC algorithm), so the refusal
 * still goes out the way the partner asked for its receipt.
 */
export function readReceiptRequest(
  headers: As2Request['headers'],
  policy: As2SecurityPolicy,
): {
  envelope: As2Envelope;
  mdn: MdnRequest;
  micAlgorithm: MicAlgorithm | 'unsupported';
  refusal?: As2DispositionError;
} {
  const header = (name: string): string | undefined => httpHeader(headers, name);
  const envelope: As2Envelope = {
    messageId: header('message-id'),
    as2From: header('as2-from'),
    as2To: header('as2-to'),
  };
  const mdn: MdnRequest = {
    to: header('disposition-notification-to'),
    asyncUrl: header('receipt-delivery-option'),
    signed: false,
    micAlgorithm: 'sha-256',
  };
  let options;
  try {
    options = parseDispositionNotificationOptions(header('disposition-notification-options'));
  } catch (error) {
    if (!(error instanceof MdnOptionsError)) throw error;
    const refusal = new As2DispositionError(
      { kind: 'failed', failure: 'unsupported MIC-algorithms' },
      error.message,
    );
    return { envelope, mdn, micAlgorithm: 'sha-256', refusal };
  }
  const micAlgorithm = chooseMicAlgorithm(options, allowedDigests(policy), 'sha-256');
  const wanted: MdnRequest = {
    ...mdn,
    signed: wantsSignedReceipt(options),
    micAlgorithm: micAlgorithm === 'unsupported' ? 'sha-256' : micAlgorithm,
  };
  if (micAlgorithm !== 'unsupported') return { envelope, mdn: wanted, micAlgorithm };
  const refusal = new As2DispositionError(
    { kind: 'failed', failure: 'unsupported MIC-algorithms' },
    `none of the requested MIC algorithms (${options.signedReceiptMicalg?.values.join(', ')}) is allowed`,
  );
  return { envelope, mdn: wanted, micAlgorithm, refusal };
}

/** The partner's policy after every layer is read: signing and encryption it requires were applied. */
export function assertSecurityApplied(policy: As2SecurityPolicy, applied: AppliedSecurity): void {
  if (policy.requireSigned && !applied.signed) {
    throw As2DispositionError.error('insufficient-message-security', 'the partner must sign its messages');
  }
  if (policy.requireEncrypted && !applied.encrypted) {
    throw As2DispositionError.error('insufficient-message-security', 'the partner must encrypt its messages');
  }
}

/** Anything thrown while receiving, as the disposition the MDN gives (never an unanswered request). */
export function dispositionOf(error: unknown): As2DispositionError {
  return error instanceof As2DispositionError
    ? error
    : As2DispositionError.error('unexpected-processing-error', `unexpected: ${String(error)}`);
}

function httpHeader(headers: As2Request['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value.trim() : value.join(', ').trim();
  }
  return undefined;
}

interface Unwrapped {
  readonly entity: MimeEntity;
  /** Set by a signature layer: the exact bytes that were signed. */
  readonly signedBytes?: Buffer;
}

async function unwrapLayer(
  entity: MimeEntity,
  policy: As2SecurityPolicy,
  applied: { -readonly [K in keyof AppliedSecurity]: AppliedSecurity[K] },
): Promise<Unwrapped | undefined> {
  const mediaType = entity.contentType.mediaType;
  if (mediaType === 'multipart/signed') {
    const { content, signature } = readMultipartSigned(entity);
    const verified = verifySignedData(signature, content.raw, policy);
    applied.signed ??= { digest: verified.digestAlgorithm, certificate: verified.certificate };
    return { entity: content, signedBytes: content.raw };
  }
  if (mediaType !== 'application/pkcs7-mime' && mediaType !== 'application/x-pkcs7-mime') return undefined;
  // The CMS content type decides, not the smime-type parameter, which senders get wrong.
  let der: Buffer;
  let contentType: string;
  try {
    ({ der, contentType } = readPkcs7Body(entity));
  } catch (error) {
    throw As2DispositionError.error(
      'unexpected-processing-error',
      `unreadable pkcs7-mime body: ${String(error)}`,
    );
  }
  switch (contentType) {
    case OID.envelopedData:
    case OID.authEnvelopedData: {
      const decrypted = decryptEnvelope(der, policy);
      applied.encrypted ??= {
        keyTransport: decrypted.keyTransport,
        contentEncryption: decrypted.contentEncryption,
      };
      return { entity: parseInner(decrypted.plaintext, 'decryption-failed') };
    }
    case OID.compressedData: {
      const plain = await decompressCompressedData(der, policy.maxDecompressedBytes);
      applied.compressed = true;
      return { entity: parseInner(plain, 'decompression-failed') };
    }
    case OID.signedData: {
      const verified = verifySignedData(der, undefined, policy);
      applied.signed ??= { digest: verified.digestAlgorithm, certificate: verified.certificate };
      return {
        entity: parseInner(verified.content, 'unexpected-processing-error'),
        signedBytes: verified.content,
      };
    }
    default:
      throw As2DispositionError.error(
        'unexpected-processing-error',
        `unsupported CMS content type ${contentType}`,
      );
  }
}

function readMultipartSigned(entity: MimeEntity): { content: MimeEntity; signature: Buffer } {
  try {
    const protocol = entity.contentType.params['protocol']?.toLowerCase();
    if (protocol !== 'application/pkcs7-signature' && protocol !== 'application/x-pkcs7-signature') {
      throw new MimeError(`unsupported signature protocol ${protocol}`);
    }
    const parts = splitMultipart(entity);
    if (parts.length !== 2) throw new MimeError(`multipart/signed with ${parts.length} parts`);
    const [content, signaturePart] = parts as [MimeEntity, MimeEntity];
    return { content, signature: decodeBody(signaturePart) };
  } catch (error) {
    if (!(error instanceof MimeError)) throw error;
    throw As2DispositionError.error('authentication-failed', `malformed multipart/signed: ${error.message}`);
  }
}

function parseInner(
  bytes: Buffer,
  modifier: 'decryption-failed' | 'decompression-failed' | 'unexpected-processing-error',
): MimeEntity {
  try {
    return parseEntity(bytes);
  } catch (error) {
    // A wrong content key that happens to pass CBC padding yields garbage: the same answer as any other failure.
    throw As2DispositionError.error(modifier, `the unwrapped content is not a MIME entity: ${String(error)}`);
  }
}

function decodeOrFail(entity: MimeEntity): Buffer {
  try {
    return decodeBody(entity);
  } catch (error) {
    throw As2DispositionError.error('unexpected-processing-error', `payload: ${String(error)}`);
  }
}

/**
 * The DER of an application/pkcs7-mime body. Without a Content-Transfer-Encoding the body is binary
 * (RFC 2045 §6.1), but some senders base64 it without saying so; that is unambiguous, so it is accepted.
 */
function readPkcs7Body(entity: MimeEntity): { der: Buffer; contentType: string } {
  const der = decodeBody(entity);
  try {
    return { der, contentType: parseContentInfo(der).contentType };
  } catch (error) {
    if (headerValue(entity, 'content-transfer-encoding') !== undefined) throw error;
    const text = entity.body.toString('latin1').replace(/[\r\n\t ]/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw error;
    const decoded = Buffer.from(text, 'base64');
    return { der: decoded, contentType: parseContentInfo(decoded).contentType };
  }
}
