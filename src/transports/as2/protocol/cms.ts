import { webcrypto } from 'node:crypto';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

let engineReady = false;

/** pkijs runs over WebCrypto; Node's implementation is the engine. */
export function ensureCryptoEngine(): void {
  if (engineReady) return;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as any }));
  engineReady = true;
}

export interface ParsedContentInfo {
  readonly contentType: string;
  readonly content: any;
}

/** Parses a CMS ContentInfo (RFC 5652 §3); BER (indefinite lengths, chunked strings) is accepted. */
export function parseContentInfo(der: Buffer): ParsedContentInfo {
  ensureCryptoEngine();
  // asn1js refuses contents over 16 MiB and trees over 10,000 nodes by default; AS2 messages may be
  // larger (AS2_MAX_MESSAGE_BYTES caps them before this), and streamed BER chunks its content, so the
  // limits follow the input: every content fits in it, and a node takes at least 2 bytes of it.
  const asn1 = asn1js.fromBER(toArrayBuffer(der), {
    maxContentLength: der.length,
    maxNodes: 10_000 + Math.ceil(der.length / 16),
  });
  if (asn1.offset === -1) throw new Error(`not BER: ${asn1.result.error}`);
  const info = new pkijs.ContentInfo({ schema: asn1.result });
  return { contentType: info.contentType, content: info.content };
}

/** The bytes of an OCTET STRING, primitive or constructed (BER chunks). */
export function octetStringBytes(value: asn1js.OctetString): Buffer {
  if (!value.idBlock.isConstructed) return Buffer.from(value.valueBlock.valueHexView);
  const chunks = (value.valueBlock.value as asn1js.OctetString[]).map(octetStringBytes);
  return Buffer.concat(chunks);
}

export function toArrayBuffer(bytes: Buffer | Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The eContent of an EncapsulatedContentInfo, or undefined when the content is detached. */
export function encapsulatedContent(info: pkijs.EncapsulatedContentInfo): Buffer | undefined {
  return info.eContent ? octetStringBytes(info.eContent) : undefined;
}
