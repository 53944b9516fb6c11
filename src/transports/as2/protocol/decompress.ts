import { createInflate } from 'node:zlib';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { encapsulatedContent, parseContentInfo } from './cms.js';
import { OID } from './algorithms.js';
import { As2DispositionError } from './disposition.js';

/**
 * Decompresses CMS CompressedData (RFC 3274, zlib, as AS2 uses it per RFC 5402), streaming through
 * `zlib.createInflate` and stopping as soon as the output would pass `maxBytes`: a small bomb never
 * inflates past the cap.
 */
export async function decompressCompressedData(der: Buffer, maxBytes: number): Promise<Buffer> {
  const compressed = readCompressedData(der);
  try {
    return await inflateCapped(compressed, maxBytes);
  } catch (error) {
    throw As2DispositionError.error('decompression-failed', `zlib: ${String(error)}`);
  }
}

/** CompressedData ::= SEQUENCE { version, compressionAlgorithm, encapContentInfo } */
function readCompressedData(der: Buffer): Buffer {
  try {
    const info = parseContentInfo(der);
    if (info.contentType !== OID.compressedData) throw new Error(`content type ${info.contentType}`);
    const [version, algorithm, encapsulated] = (info.content as asn1js.Sequence).valueBlock.value;
    if (!(version instanceof asn1js.Integer) || !algorithm || !encapsulated) throw new Error('malformed');
    const algorithmId = new pkijs.AlgorithmIdentifier({ schema: algorithm }).algorithmId;
    if (algorithmId !== OID.zlibCompress) throw new Error(`unsupported compression ${algorithmId}`);
    const content = encapsulatedContent(new pkijs.EncapsulatedContentInfo({ schema: encapsulated }));
    if (!content) throw new Error('no compressed content');
    return content;
  } catch (error) {
    throw As2DispositionError.error('decompression-failed', `unreadable compressed data: ${String(error)}`);
  }
}

export class DecompressionLimitError extends Error {
  override readonly name = 'DecompressionLimitError';
}

export function inflateCapped(input: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const inflate = createInflate();
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      reject(error);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        fail(new DecompressionLimitError(`the decompressed content exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    inflate.on('error', fail);
    inflate.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    inflate.end(input);
  });
}
