import * as asn1js from 'asn1js';

import { subRange, type FileRange, type RandomAccessFile } from './stream-source.js';

/**
 * A BER reader over a file range (X.690 §8.1): it reads identifiers and lengths, never whole
 * contents, so a CMS structure of any size is walked in bounded memory. Indefinite lengths (ended by
 * end-of-contents) and constructed strings, both of which `openssl cms -stream` writes, are followed.
 * Only the small parts of a structure (algorithm identifiers, recipient and signer infos) are handed
 * to asn1js / pkijs as Buffers.
 */

export class BerError extends Error {
  override readonly name = 'BerError';
}

export interface BerNode {
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offset of the identifier. */
  readonly start: number;
  readonly contentStart: number;
  /** End of the contents (before the end-of-contents octets of an indefinite length). */
  readonly contentEnd: number;
  /** Offset after the node. */
  readonly end: number;
}

export const CLASS_UNIVERSAL = 0;
export const CLASS_CONTEXT = 2;
export const TAG_OCTET_STRING = 4;
export const TAG_OID = 6;
export const TAG_SEQUENCE = 16;
export const TAG_SET = 17;

/** Nesting deeper than this is refused (CMS needs about a dozen levels). */
const MAX_DEPTH = 64;

export class BerReader {
  /** Content ends of indefinite-length nodes already walked, by node start. */
  private readonly indefiniteEnds = new Map<number, number>();

  constructor(
    private readonly file: RandomAccessFile,
    private readonly range: FileRange,
  ) {}

  /** The node at `at`, which must end by `limit`. */
  async node(at: number, limit: number = this.range.end, depth = 0): Promise<BerNode> {
    if (depth > MAX_DEPTH) throw new BerError('BER nested too deeply');
    const head = await this.file.read(at, Math.min(16, limit - at));
    if (head.length < 2) throw new BerError(`truncated BER at ${at}`);
    const first = head[0]!;
    const tagClass = first >> 6;
    const constructed = (first & 0x20) !== 0;
    let tagNumber = first & 0x1f;
    let i = 1;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      for (;;) {
        if (i >= head.length || i > 5) throw new BerError(`bad tag at ${at}`);
        const byte = head[i++]!;
        tagNumber = tagNumber * 128 + (byte & 0x7f);
        if ((byte & 0x80) === 0) break;
      }
    }
    if (i >= head.length) throw new BerError(`truncated BER at ${at}`);
    const lengthByte = head[i++]!;
    const contentStart = at + i;
    if (lengthByte === 0x80) {
      if (!constructed) throw new BerError(`indefinite length on a primitive node at ${at}`);
      let contentEnd = this.indefiniteEnds.get(at);
      if (contentEnd === undefined) {
        let position = contentStart;
        for (;;) {
          const eoc = await this.file.read(position, 2);
          if (eoc.length < 2 || position + 2 > limit) throw new BerError(`no end-of-contents for ${at}`);
          if (eoc[0] === 0 && eoc[1] === 0) break;
          position = (await this.node(position, limit, depth + 1)).end;
        }
        contentEnd = position;
        this.indefiniteEnds.set(at, contentEnd);
      }
      return { tagClass, constructed, tagNumber, start: at, contentStart, contentEnd, end: contentEnd + 2 };
    }
    let length = lengthByte;
    if (lengthByte > 0x80) {
      const count = lengthByte & 0x7f;
      if (count > 6 || i + count > head.length) throw new BerError(`bad length at ${at}`);
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + head[i++]!;
    }
    const start = at + i;
    const end = start + length;
    if (end > limit) throw new BerError(`BER node at ${at} runs past its parent`);
    return { tagClass, constructed, tagNumber, start: at, contentStart: start, contentEnd: end, end };
  }

  /** The direct children of a constructed node; they must fill it exactly. */
  async *children(parent: BerNode): AsyncGenerator<BerNode> {
    if (!parent.constructed) throw new BerError(`node at ${parent.start} is not constructed`);
    let at = parent.contentStart;
    while (at < parent.contentEnd) {
      const child = await this.node(at, parent.contentEnd);
      yield child;
      at = child.end;
    }
    if (at !== parent.contentEnd) throw new BerError(`children overrun the node at ${parent.start}`);
  }

  async childList(parent: BerNode, max = 64): Promise<BerNode[]> {
    const list: BerNode[] = [];
    for await (const child of this.children(parent)) {
      if (list.length === max) throw new BerError(`more than ${max} elements at ${parent.start}`);
      list.push(child);
    }
    return list;
  }

  /**
   * The content of a string node as file ranges: one for a primitive string, the primitive chunks in
   * order for a constructed one (X.690 §8.7.3), however deeply nested.
   */
  async *segments(node: BerNode, depth = 0): AsyncGenerator<FileRange> {
    if (depth > MAX_DEPTH) throw new BerError('BER nested too deeply');
    if (!node.constructed) {
      if (node.contentEnd > node.contentStart) yield subRange(this.range, node.contentStart, node.contentEnd);
      return;
    }
    for await (const child of this.children(node)) {
      if (child.tagClass !== CLASS_UNIVERSAL || child.tagNumber !== TAG_OCTET_STRING)
        throw new BerError(`a chunk of a constructed string is not an OCTET STRING at ${child.start}`);
      yield* this.segments(child, depth + 1);
    }
  }

  /** Walks the whole tree once: the structural check asn1js makes when it parses a whole message. */
  async validate(node: BerNode, depth = 0): Promise<void> {
    if (depth > MAX_DEPTH) throw new BerError('BER nested too deeply');
    if (!node.constructed) return;
    for await (const child of this.children(node)) await this.validate(child, depth + 1);
  }

  /** A small node as asn1js parses it (algorithm identifiers, recipient and signer infos). */
  async parse(node: BerNode, max = 1024 * 1024): Promise<asn1js.AsnType> {
    if (node.end - node.start > max) throw new BerError(`a structure of ${node.end - node.start} bytes`);
    const bytes = await this.file.read(node.start, node.end - node.start);
    const parsed = asn1js.fromBER(new Uint8Array(bytes), {
      maxContentLength: bytes.length,
      maxNodes: 10_000 + Math.ceil(bytes.length / 16),
    });
    if (parsed.offset === -1) throw new BerError(`not BER: ${parsed.result.error}`);
    return parsed.result;
  }

  async oid(node: BerNode): Promise<string> {
    if (node.tagClass !== CLASS_UNIVERSAL || node.tagNumber !== TAG_OID)
      throw new BerError(`expected an OBJECT IDENTIFIER at ${node.start}`);
    const parsed = await this.parse(node, 256);
    if (!(parsed instanceof asn1js.ObjectIdentifier)) throw new BerError(`not an OID at ${node.start}`);
    return parsed.getValue();
  }
}

export function isUniversal(node: BerNode | undefined, tagNumber: number): node is BerNode {
  return node !== undefined && node.tagClass === CLASS_UNIVERSAL && node.tagNumber === tagNumber;
}

export function isContext(node: BerNode | undefined, tagNumber: number): node is BerNode {
  return node !== undefined && node.tagClass === CLASS_CONTEXT && node.tagNumber === tagNumber;
}

/** ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY } (RFC 5652 §3). */
export async function readContentInfo(
  reader: BerReader,
  range: FileRange,
): Promise<{ contentType: string; content: BerNode }> {
  const root = await reader.node(range.start, range.end);
  if (!isUniversal(root, TAG_SEQUENCE)) throw new BerError('a ContentInfo is a SEQUENCE');
  const [type, explicit] = await reader.childList(root, 2);
  if (!type || !isContext(explicit, 0) || !explicit.constructed) throw new BerError('malformed ContentInfo');
  const [content] = await reader.childList(explicit, 1);
  if (!content) throw new BerError('empty ContentInfo');
  return { contentType: await reader.oid(type), content };
}
