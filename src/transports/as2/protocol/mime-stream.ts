import {
  decodeBody,
  findHeaderEnd,
  headerValue,
  headerValueOf,
  MimeError,
  parseContentType,
  parseHeaderBlock,
  type ContentType,
  type MimeEntity,
} from './mime.js';
import { CHUNK_BYTES, rangeLength, subRange, type FileRange, type StreamWorkspace } from './stream-source.js';

/**
 * The MIME reader of `mime.ts` over file ranges: the same rules (exact bytes, the line break before a
 * delimiter belongs to the delimiter, CRLF and bare LF both recognised, nothing re-serialised), but an
 * entity is a range of a file and bodies are decoded as streams, so no entity is ever held whole.
 */

export interface StreamEntity {
  /** The entity exactly as received: headers, separator and body. */
  readonly raw: FileRange;
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** The body, still transfer-encoded. */
  readonly body: FileRange;
  readonly contentType: ContentType;
}

/** Header blocks larger than this are refused (they are a few hundred bytes in practice). */
export const MAX_HEADER_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;

/** The HTTP body as the outermost entity: its headers came separately, over HTTP. */
export function streamEntityFromHttp(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  body: FileRange,
): StreamEntity {
  const list: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    list.push([name.toLowerCase(), typeof value === 'string' ? value : value.join(', ')]);
  }
  return {
    raw: body,
    headers: list,
    body,
    contentType: parseContentType(headerValueOf(list, 'content-type')),
  };
}

/** Parses one MIME entity (headers, an empty line, the body) from a range of a file. */
export async function parseStreamEntity(ws: StreamWorkspace, raw: FileRange): Promise<StreamEntity> {
  const file = await ws.file(raw.path);
  const head = await file.read(raw.start, Math.min(rangeLength(raw), MAX_HEADER_BYTES + 3));
  const { headerEnd, bodyStart } = findHeaderEnd(head);
  const headers = parseHeaderBlock(head.subarray(0, headerEnd));
  return {
    raw,
    headers,
    body: subRange(raw, raw.start + bodyStart, raw.end),
    contentType: parseContentType(headerValueOf(headers, 'content-type')),
  };
}

/** The parts of a multipart entity (RFC 2046 §5.1.1), exactly as `splitMultipart` finds them. */
export async function splitStreamMultipart(
  ws: StreamWorkspace,
  entity: StreamEntity,
): Promise<StreamEntity[]> {
  const boundary = entity.contentType.params['boundary'];
  if (!boundary) throw new MimeError(`${entity.contentType.mediaType} without a boundary`);
  const delimiter = Buffer.from('--' + boundary, 'latin1');
  const body = entity.body;
  const file = await ws.file(body.path);
  const length = rangeLength(body);
  const byteAt = async (i: number): Promise<number | undefined> =>
    i < 0 || i >= length ? undefined : (await file.read(body.start + i, 1))[0];
  const indexOf = async (from: number): Promise<number> => {
    for (let at = from; at < length; at += CHUNK_BYTES) {
      const window = await file.read(
        body.start + at,
        Math.min(CHUNK_BYTES + delimiter.length - 1, length - at),
      );
      const found = window.indexOf(delimiter);
      if (found >= 0) return at + found;
    }
    return -1;
  };
  const parts: StreamEntity[] = [];
  let partStart = -1;
  let from = 0;
  for (;;) {
    const at = await indexOf(from);
    if (at < 0) throw new MimeError('the multipart body has no closing delimiter');
    from = at + delimiter.length;
    if (at !== 0 && (await byteAt(at - 1)) !== LF) continue;
    const isClose = (await byteAt(from)) === 0x2d && (await byteAt(from + 1)) === 0x2d;
    let lineEnd = isClose ? from + 2 : from;
    for (let b = await byteAt(lineEnd); b === 0x20 || b === 0x09; b = await byteAt(lineEnd)) lineEnd++;
    const lineEndByte = await byteAt(lineEnd);
    const crlf = lineEndByte === CR && (await byteAt(lineEnd + 1)) === LF;
    if (!isClose && lineEndByte !== LF && !crlf) continue;
    if (partStart >= 0) {
      const end = at === 0 ? 0 : (await byteAt(at - 2)) === CR ? at - 2 : at - 1;
      const part = subRange(body, body.start + partStart, body.start + Math.max(partStart, end));
      parts.push(await parseStreamEntity(ws, part));
    }
    if (isClose) break;
    partStart = lineEndByte === CR ? lineEnd + 2 : lineEnd + 1;
  }
  return parts;
}

export function transferEncoding(entity: Pick<StreamEntity, 'headers'>): string {
  return (headerValue(entity, 'content-transfer-encoding') ?? 'binary').trim().toLowerCase();
}

/**
 * The body with its Content-Transfer-Encoding undone (none means binary, RFC 2045 §6.1): the body
 * range itself, or a temporary file with the decoded base64. Refused like `decodeBody` refuses.
 */
export async function decodeStreamBody(ws: StreamWorkspace, entity: StreamEntity): Promise<FileRange> {
  const encoding = transferEncoding(entity);
  switch (encoding) {
    case 'binary':
    case '8bit':
    case '7bit':
      return entity.body;
    case 'base64':
      return decodeBase64Range(ws, entity.body, { strict: true });
    default:
      throw new MimeError(`unsupported Content-Transfer-Encoding "${encoding}"`);
  }
}

/** A small body decoded into a Buffer by `decodeBody` itself (a detached signature, for instance). */
export async function decodeSmallBody(
  ws: StreamWorkspace,
  entity: StreamEntity,
  max: number,
): Promise<Buffer> {
  if (rangeLength(entity.body) > max) throw new MimeError(`a part of ${rangeLength(entity.body)} bytes`);
  const body = await ws.bytes(entity.body, max);
  const small: MimeEntity = { raw: body, headers: entity.headers, body, contentType: entity.contentType };
  return decodeBody(small);
}

/**
 * Base64 into a temporary file. `strict` applies `decodeBody`'s rule (the length may not be 1 modulo
 * 4); without it the rule of an unlabelled base64 pkcs7 body (`receive.ts`): at least one character.
 */
export async function decodeBase64Range(
  ws: StreamWorkspace,
  range: FileRange,
  options: { strict: boolean },
): Promise<FileRange> {
  const decoder = new Base64StreamDecoder();
  const out = await ws.temp();
  try {
    for await (const chunk of ws.chunks(range)) {
      const decoded = decoder.push(chunk);
      if (decoded.length > 0) await out.write(decoded);
    }
    await out.write(decoder.end(options.strict));
  } finally {
    await out.close();
  }
  return { path: out.path, start: 0, end: decoder.decodedBytes };
}

/**
 * Decodes base64 chunk by chunk with the checks of `decodeBody`: only the base64 alphabet and
 * whitespace, at most two `=` and only at the end. Complete quartets are decoded as they come, so
 * the output equals `Buffer.from(text, 'base64')` over the whole text.
 */
export class Base64StreamDecoder {
  private pending = '';
  private padding = 0;
  private characters = 0;
  decodedBytes = 0;

  push(chunk: Buffer): Buffer {
    const text = chunk.toString('latin1');
    if (/[^A-Za-z0-9+/=\r\n\t ]/.test(text)) throw new MimeError('the base64 body is malformed');
    const clean = text.replace(/[\r\n\t ]/g, '');
    if (clean.length === 0) return Buffer.alloc(0);
    const pad = clean.indexOf('=');
    if (this.padding > 0 && (pad !== 0 || /[^=]/.test(clean)))
      throw new MimeError('the base64 body is malformed');
    if (pad >= 0) {
      const tail = clean.slice(pad);
      if (/[^=]/.test(tail)) throw new MimeError('the base64 body is malformed');
      this.padding += tail.length;
      if (this.padding > 2) throw new MimeError('the base64 body is malformed');
    }
    this.characters += clean.length;
    this.pending += clean;
    const whole = this.pending.length - (this.pending.length % 4);
    if (whole === 0 || this.padding > 0) return Buffer.alloc(0);
    const decoded = Buffer.from(this.pending.slice(0, whole), 'base64');
    this.pending = this.pending.slice(whole);
    this.decodedBytes += decoded.length;
    return decoded;
  }

  end(strict: boolean): Buffer {
    if (strict ? this.characters % 4 === 1 : this.characters === 0 || this.characters === this.padding)
      throw new MimeError('the base64 body is malformed');
    const decoded = Buffer.from(this.pending, 'base64');
    this.pending = '';
    this.decodedBytes += decoded.length;
    return decoded;
  }
}
