import { createHash, createVerify, type Decipher, type Hash, type X509Certificate } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflate } from 'node:zlib';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { digestFromOid, nodeHash, OID, type MicAlgorithm } from './algorithms.js';
import {
  BerError,
  BerReader,
  isContext,
  isUniversal,
  readContentInfo,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  TAG_SET,
  type BerNode,
} from './ber-stream.js';
import { octetStringBytes } from './cms.js';
import { DecompressionLimitError } from './decompress.js';
import {
  authenticatedAttributesAad,
  createContentDecipher,
  openEnvelope,
  type EnvelopeParameters,
} from './decrypt.js';
import { As2DispositionError } from './disposition.js';
import type { Mic } from './mic.js';
import { headerValue, MimeError } from './mime.js';
import {
  decodeBase64Range,
  decodeSmallBody,
  decodeStreamBody,
  parseStreamEntity,
  splitStreamMultipart,
  streamEntityFromHttp,
  type StreamEntity,
} from './mime-stream.js';
import type { As2SecurityPolicy } from './policy.js';
import {
  assertSecurityApplied,
  dispositionOf,
  readReceiptRequest,
  type AppliedSecurity,
  type As2Envelope,
  type MdnRequest,
} from './receive.js';
import type { FileRange, StreamWorkspace } from './stream-source.js';
import { readSignedData, verifySignerInfos, type SignedContentEvidence } from './verify.js';

/**
 * The streaming twin of `receiveAs2Message`: the same layers, checks, MIC rules and dispositions in
 * the same order, over a message spooled to a file. Every layer reads its input in pieces and writes
 * its output (decoded base64, decrypted or inflated content, encapsulated signed content) to a
 * temporary file of the workspace, so memory stays bounded whatever the message size. AES-GCM
 * plaintext is written to such a file and only read on once the tag verified (`final()`).
 */

export interface As2FileRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The HTTP body exactly as received, spooled to a file. */
  readonly body: FileRange;
}

export type As2StreamReceiveResult =
  | {
      readonly ok: true;
      /** The payload (transfer encoding undone, exact bytes otherwise) in a file of the workspace. */
      readonly payload: FileRange;
      readonly payloadEntity: Pick<StreamEntity, 'headers' | 'contentType'>;
      readonly mic: Mic;
      readonly applied: AppliedSecurity;
      readonly mdn: MdnRequest;
      readonly envelope: As2Envelope;
      readonly disposition: { readonly kind: 'processed' };
    }
  | {
      readonly ok: false;
      readonly disposition: As2DispositionError['disposition'];
      readonly detail: string;
      readonly mic?: Mic;
      readonly applied: AppliedSecurity;
      readonly mdn: MdnRequest;
      readonly envelope: As2Envelope;
    };

const MAX_LAYERS = 6;
/** A detached signature part larger than this is not a signature. */
const MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;

type MutableApplied = { -readonly [K in keyof AppliedSecurity]: AppliedSecurity[K] };

export async function receiveAs2Stream(
  request: As2FileRequest,
  policy: As2SecurityPolicy,
  ws: StreamWorkspace,
): Promise<As2StreamReceiveResult> {
  const applied: MutableApplied = {};
  const { envelope, mdn, micAlgorithm, refusal } = readReceiptRequest(request.headers, policy);
  let micRange: FileRange | undefined;
  try {
    if (refusal) throw refusal;
    let entity = outerEntity(request);
    let unwrapped = false;
    for (let layer = 0; ; layer++) {
      if (layer > MAX_LAYERS)
        throw As2DispositionError.error('unexpected-processing-error', 'too many nested layers');
      const next = await unwrapLayer(ws, entity, policy, applied);
      if (!next) break;
      if (next.signed && micRange === undefined) micRange = next.signed;
      entity = next.entity;
      unwrapped = true;
    }
    // RFC 4130 §7.3.1, RFC 5402 §4: as in receive.ts.
    micRange ??= unwrapped ? entity.raw : entity.body;
    const mic = await micOf(ws, micRange, mdn.micAlgorithm);
    assertSecurityApplied(policy, applied);
    const payload = await decodeOrFail(ws, entity);
    return {
      ok: true,
      payload,
      payloadEntity: { headers: entity.headers, contentType: entity.contentType },
      mic,
      applied,
      mdn,
      envelope,
      disposition: { kind: 'processed' },
    };
  } catch (error) {
    const failure = dispositionOf(error);
    const mic =
      micRange && micAlgorithm !== 'unsupported'
        ? await micOf(ws, micRange, micAlgorithm).catch(() => undefined)
        : undefined;
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

function outerEntity(request: As2FileRequest): StreamEntity {
  try {
    return streamEntityFromHttp(request.headers, request.body);
  } catch (error) {
    throw As2DispositionError.error(
      'unexpected-processing-error',
      `unreadable HTTP headers: ${String(error)}`,
    );
  }
}

async function micOf(ws: StreamWorkspace, range: FileRange, algorithm: MicAlgorithm): Promise<Mic> {
  const hash = createHash(nodeHash(algorithm));
  for await (const chunk of ws.chunks(range)) hash.update(chunk);
  return { algorithm, digest: hash.digest('base64') };
}

interface Unwrapped {
  readonly entity: StreamEntity;
  /** Set by a signature layer: the exact bytes that were signed. */
  readonly signed?: FileRange;
}

async function unwrapLayer(
  ws: StreamWorkspace,
  entity: StreamEntity,
  policy: As2SecurityPolicy,
  applied: MutableApplied,
): Promise<Unwrapped | undefined> {
  const mediaType = entity.contentType.mediaType;
  if (mediaType === 'multipart/signed') {
    const { content, signature } = await readMultipartSigned(ws, entity);
    const signedData = readSignedData(signature);
    const evidence = await contentEvidence(ws, singleRange(content.raw), signedData.signerInfos, policy);
    const verified = verifySignerInfos(signedData.signerInfos, evidence, policy);
    applied.signed ??= { digest: verified.digestAlgorithm, certificate: verified.certificate };
    return { entity: content, signed: content.raw };
  }
  if (mediaType !== 'application/pkcs7-mime' && mediaType !== 'application/x-pkcs7-mime') return undefined;
  let cms: { reader: BerReader; contentType: string; content: BerNode };
  try {
    cms = await readPkcs7Body(ws, entity);
  } catch (error) {
    throw As2DispositionError.error(
      'unexpected-processing-error',
      `unreadable pkcs7-mime body: ${String(error)}`,
    );
  }
  switch (cms.contentType) {
    case OID.envelopedData:
    case OID.authEnvelopedData: {
      const envelope = await readEnvelope(cms.reader, cms.contentType, cms.content);
      const opened = openEnvelope(envelope, policy);
      const plaintext = await decryptToFile(
        ws,
        cms.reader,
        envelope,
        createContentDecipher(envelope, opened),
      );
      applied.encrypted ??= { keyTransport: opened.keyTransport, contentEncryption: opened.content.name };
      return { entity: await parseInner(ws, plaintext, 'decryption-failed') };
    }
    case OID.compressedData: {
      const compressed = await readCompressedData(cms.reader, cms.content);
      const plain = await inflateToFile(ws, cms.reader.segments(compressed), policy.maxDecompressedBytes);
      applied.compressed = true;
      return { entity: await parseInner(ws, plain, 'decompression-failed') };
    }
    case OID.signedData: {
      const { signerInfos, eContent } = await readSignedDataStructure(cms.reader, cms.content);
      const out = await ws.temp();
      let evidence: SignedContentEvidence & { size: number };
      try {
        evidence = await contentEvidence(ws, cms.reader.segments(eContent), signerInfos, policy, (chunk) =>
          out.write(chunk),
        );
      } finally {
        await out.close();
      }
      const verified = verifySignerInfos(signerInfos, evidence, policy);
      applied.signed ??= { digest: verified.digestAlgorithm, certificate: verified.certificate };
      const content = { path: out.path, start: 0, end: evidence.size };
      return { entity: await parseInner(ws, content, 'unexpected-processing-error'), signed: content };
    }
    default:
      throw As2DispositionError.error(
        'unexpected-processing-error',
        `unsupported CMS content type ${cms.contentType}`,
      );
  }
}

async function readMultipartSigned(
  ws: StreamWorkspace,
  entity: StreamEntity,
): Promise<{ content: StreamEntity; signature: Buffer }> {
  try {
    const protocol = entity.contentType.params['protocol']?.toLowerCase();
    if (protocol !== 'application/pkcs7-signature' && protocol !== 'application/x-pkcs7-signature') {
      throw new MimeError(`unsupported signature protocol ${protocol}`);
    }
    const parts = await splitStreamMultipart(ws, entity);
    if (parts.length !== 2) throw new MimeError(`multipart/signed with ${parts.length} parts`);
    const [content, signaturePart] = parts as [StreamEntity, StreamEntity];
    return { content, signature: await decodeSmallBody(ws, signaturePart, MAX_SIGNATURE_BYTES) };
  } catch (error) {
    if (!(error instanceof MimeError)) throw error;
    throw As2DispositionError.error('authentication-failed', `malformed multipart/signed: ${error.message}`);
  }
}

/**
 * The DER/BER of an application/pkcs7-mime body, checked structurally end to end (what asn1js does
 * when it parses a whole message). Unlabelled base64 is accepted as in `receive.ts`.
 */
async function readPkcs7Body(
  ws: StreamWorkspace,
  entity: StreamEntity,
): Promise<{ reader: BerReader; contentType: string; content: BerNode }> {
  const decoded = await decodeStreamBody(ws, entity);
  try {
    return await contentInfoOf(ws, decoded);
  } catch (error) {
    if (headerValue(entity, 'content-transfer-encoding') !== undefined) throw error;
    let base64: FileRange;
    try {
      base64 = await decodeBase64Range(ws, entity.body, { strict: false });
    } catch {
      throw error;
    }
    return contentInfoOf(ws, base64);
  }
}

async function contentInfoOf(
  ws: StreamWorkspace,
  range: FileRange,
): Promise<{ reader: BerReader; contentType: string; content: BerNode }> {
  const reader = new BerReader(await ws.file(range.path), range);
  await reader.validate(await reader.node(range.start, range.end));
  return { reader, ...(await readContentInfo(reader, range)) };
}

interface StreamEnvelope extends EnvelopeParameters {
  readonly encryptedContent?: BerNode;
}

/**
 * EnvelopedData (RFC 5652 §6.1) or AuthEnvelopedData (RFC 5083 §2.1): the recipient infos, the
 * algorithm, the tag and the authenticated attributes as small asn1js values; the encrypted content
 * as a node whose chunks are streamed later. The tag comes after the content, but the file is
 * random-access, so it is known before decryption starts.
 */
async function readEnvelope(reader: BerReader, contentType: string, node: BerNode): Promise<StreamEnvelope> {
  try {
    if (!isUniversal(node, TAG_SEQUENCE)) throw new BerError('an envelope is a SEQUENCE');
    const items = (await reader.childList(node)).filter((item) => !isContext(item, 0));
    const [version, recipients, encrypted, ...rest] = items;
    if (!version || !isUniversal(recipients, TAG_SET) || !isUniversal(encrypted, TAG_SEQUENCE))
      throw new Error(
        contentType === OID.authEnvelopedData ? 'malformed AuthEnvelopedData' : 'malformed EnvelopedData',
      );
    const recipientSet = (await reader.parse(recipients)) as asn1js.Set;
    const recipientInfos = recipientSet.valueBlock.value.map((schema) => new pkijs.RecipientInfo({ schema }));
    const [type, algorithm, content, ...more] = await reader.childList(encrypted, 4);
    if (!type || !algorithm || more.length > 0) throw new BerError('malformed EncryptedContentInfo');
    await reader.oid(type);
    const contentEncryptionAlgorithm = new pkijs.AlgorithmIdentifier({
      schema: await reader.parse(algorithm),
    });
    const encryptedContent = isContext(content, 0) ? content : undefined;
    if (content && !encryptedContent) throw new BerError('malformed EncryptedContentInfo');
    if (contentType === OID.envelopedData)
      return { recipientInfos, contentEncryptionAlgorithm, encryptedContent };
    const authAttrs = rest.find((item) => isContext(item, 1));
    const mac = rest.find((item) => isUniversal(item, TAG_OCTET_STRING));
    if (!mac) throw new Error('malformed AuthEnvelopedData');
    return {
      recipientInfos,
      contentEncryptionAlgorithm,
      encryptedContent,
      mac: octetStringBytes((await reader.parse(mac, 1024)) as asn1js.OctetString),
      authAttributes: authAttrs ? authenticatedAttributesAad(await reader.parse(authAttrs)) : undefined,
    };
  } catch (error) {
    throw As2DispositionError.error('decryption-failed', `unreadable envelope: ${String(error)}`);
  }
}

/** Ciphertext chunks through the decipher into a file; GCM's `final()` throws unless the tag verifies. */
async function decryptToFile(
  ws: StreamWorkspace,
  reader: BerReader,
  envelope: StreamEnvelope,
  decipher: Decipher,
): Promise<FileRange> {
  const out = await ws.temp();
  try {
    if (!envelope.encryptedContent) throw new Error('no encrypted content');
    for await (const segment of reader.segments(envelope.encryptedContent))
      for await (const chunk of ws.chunks(segment)) {
        const plain = decipher.update(chunk);
        if (plain.length > 0) await out.write(plain);
      }
    await out.write(decipher.final());
  } catch {
    throw As2DispositionError.error('decryption-failed', 'the content could not be decrypted');
  } finally {
    await out.close();
  }
  return { path: out.path, start: 0, end: (await ws.file(out.path)).size };
}

/** CompressedData ::= SEQUENCE { version, compressionAlgorithm, encapContentInfo } (RFC 3274 §1.1): the compressed content. */
async function readCompressedData(reader: BerReader, node: BerNode): Promise<BerNode> {
  try {
    if (!isUniversal(node, TAG_SEQUENCE)) throw new BerError('CompressedData is a SEQUENCE');
    const [version, algorithm, encapsulated] = await reader.childList(node);
    if (!isUniversal(version, 2) || !algorithm || !encapsulated) throw new Error('malformed');
    const algorithmId = new pkijs.AlgorithmIdentifier({ schema: await reader.parse(algorithm) }).algorithmId;
    if (algorithmId !== OID.zlibCompress) throw new Error(`unsupported compression ${algorithmId}`);
    const content = await encapsulatedContentNode(reader, encapsulated);
    if (!content) throw new Error('no compressed content');
    return content;
  } catch (error) {
    throw As2DispositionError.error('decompression-failed', `unreadable compressed data: ${String(error)}`);
  }
}

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL } */
async function encapsulatedContentNode(reader: BerReader, node: BerNode): Promise<BerNode | undefined> {
  if (!isUniversal(node, TAG_SEQUENCE)) throw new BerError('EncapsulatedContentInfo is a SEQUENCE');
  const [type, explicit, ...more] = await reader.childList(node, 3);
  if (!type || more.length > 0) throw new BerError('malformed EncapsulatedContentInfo');
  await reader.oid(type);
  if (!explicit) return undefined;
  if (!isContext(explicit, 0) || !explicit.constructed) throw new BerError('malformed eContent');
  const [content, ...extra] = await reader.childList(explicit, 2);
  if (!isUniversal(content, TAG_OCTET_STRING) || extra.length > 0)
    throw new BerError('eContent is an OCTET STRING');
  return content;
}

async function inflateToFile(
  ws: StreamWorkspace,
  segments: AsyncIterable<FileRange>,
  maxBytes: number,
): Promise<FileRange> {
  const out = await ws.temp();
  let total = 0;
  async function* compressed(): AsyncGenerator<Buffer> {
    for await (const segment of segments) yield* ws.chunks(segment);
  }
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) {
        callback(new DecompressionLimitError(`the decompressed content exceeds ${maxBytes} bytes`));
        return;
      }
      out.write(chunk).then(() => callback(), callback);
    },
  });
  try {
    await pipeline(Readable.from(compressed()), createInflate(), sink);
  } catch (error) {
    if (error instanceof As2DispositionError) throw error;
    throw As2DispositionError.error('decompression-failed', `zlib: ${String(error)}`);
  } finally {
    await out.close();
  }
  return { path: out.path, start: 0, end: total };
}

/** SignedData (RFC 5652 §5.1): the signer infos as pkijs values and the encapsulated content node. */
async function readSignedDataStructure(
  reader: BerReader,
  node: BerNode,
): Promise<{ signerInfos: pkijs.SignerInfo[]; eContent: BerNode }> {
  let signerInfos: pkijs.SignerInfo[];
  let eContent: BerNode | undefined;
  try {
    if (!isUniversal(node, TAG_SEQUENCE)) throw new BerError('SignedData is a SEQUENCE');
    const items = await reader.childList(node);
    const [version, digestAlgorithms, encapsulated] = items;
    const signers = items.at(-1);
    if (!isUniversal(version, 2) || !isUniversal(digestAlgorithms, TAG_SET) || !encapsulated)
      throw new BerError('malformed SignedData');
    if (!isUniversal(signers, TAG_SET) || signers === digestAlgorithms) throw new BerError('no signer infos');
    eContent = await encapsulatedContentNode(reader, encapsulated);
    const set = (await reader.parse(signers)) as asn1js.Set;
    signerInfos = set.valueBlock.value.map((schema) => new pkijs.SignerInfo({ schema }));
  } catch (error) {
    throw As2DispositionError.error('authentication-failed', `unreadable signature: ${String(error)}`);
  }
  if (!eContent) throw As2DispositionError.error('authentication-failed', 'no signed content');
  return { signerInfos, eContent };
}

async function* singleRange(range: FileRange): AsyncGenerator<FileRange> {
  yield range;
}

/**
 * One pass over the signed content: its digest in every algorithm a signer names, and, for a signer
 * without signed attributes, a streamed signature check per pinned certificate (the signature then
 * covers the content itself). `copy` receives the content too (opaque signed-data writes it out).
 */
async function contentEvidence(
  ws: StreamWorkspace,
  segments: AsyncIterable<FileRange>,
  signerInfos: readonly pkijs.SignerInfo[],
  policy: As2SecurityPolicy,
  copy?: (chunk: Buffer) => Promise<void>,
): Promise<SignedContentEvidence & { size: number }> {
  const hashes = new Map<MicAlgorithm, Hash>();
  const direct: {
    signature: Buffer;
    certificate: X509Certificate;
    verify: ReturnType<typeof createVerify>;
  }[] = [];
  for (const signerInfo of signerInfos) {
    const algorithm = digestFromOid(signerInfo.digestAlgorithm.algorithmId);
    if (!algorithm) continue;
    if (!hashes.has(algorithm)) hashes.set(algorithm, createHash(nodeHash(algorithm)));
    if (signerInfo.signedAttrs) continue;
    const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
    for (const certificate of policy.partnerCertificates)
      direct.push({ signature, certificate, verify: createVerify(nodeHash(algorithm)) });
  }
  let size = 0;
  for await (const segment of segments)
    for await (const chunk of ws.chunks(segment)) {
      size += chunk.length;
      for (const hash of hashes.values()) hash.update(chunk);
      for (const check of direct) check.verify.update(chunk);
      if (copy) await copy(chunk);
    }
  const digests = new Map([...hashes].map(([algorithm, hash]) => [algorithm, hash.digest()]));
  const verdicts = direct.map((check) => ({ ...check, ok: safeVerify(check) }));
  return {
    size,
    digest: (algorithm) => {
      const digest = digests.get(algorithm);
      if (!digest) throw new Error(`no ${algorithm} digest was computed`);
      return digest;
    },
    verifiesDirectly: (certificate, _algorithm, signature) =>
      verdicts.some((v) => v.ok && v.certificate === certificate && v.signature.equals(signature)),
  };
}

function safeVerify(check: {
  signature: Buffer;
  certificate: X509Certificate;
  verify: ReturnType<typeof createVerify>;
}): boolean {
  try {
    return check.verify.verify(check.certificate.publicKey, check.signature);
  } catch {
    // A key type that cannot verify this signature algorithm is simply not the signer.
    return false;
  }
}

async function parseInner(
  ws: StreamWorkspace,
  range: FileRange,
  modifier: 'decryption-failed' | 'decompression-failed' | 'unexpected-processing-error',
): Promise<StreamEntity> {
  try {
    return await parseStreamEntity(ws, range);
  } catch (error) {
    throw As2DispositionError.error(modifier, `the unwrapped content is not a MIME entity: ${String(error)}`);
  }
}

async function decodeOrFail(ws: StreamWorkspace, entity: StreamEntity): Promise<FileRange> {
  try {
    return await decodeStreamBody(ws, entity);
  } catch (error) {
    throw As2DispositionError.error('unexpected-processing-error', `payload: ${String(error)}`);
  }
}
