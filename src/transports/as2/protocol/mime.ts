/**
 * A MIME reader for AS2 that never re-serialises: every entity keeps the exact bytes it arrived as,
 * because signatures and MICs are computed over exactly those bytes (RFC 4130 §7.3.1; re-serialised
 * headers and converted line endings are the most reported AS2 interop bug). Line endings are never
 * rewritten; both CRLF and bare LF are recognised as line breaks when splitting.
 */

export class MimeError extends Error {
  override readonly name = 'MimeError';
}

export interface ContentType {
  /** `type/subtype`, lower-cased. */
  readonly mediaType: string;
  /** Parameters with lower-cased names; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

export interface MimeEntity {
  /** The entity exactly as received: headers, separator and body. */
  readonly raw: Buffer;
  /** Header fields in order, names lower-cased, folded values unfolded. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** The body bytes, still transfer-encoded. */
  readonly body: Buffer;
  readonly contentType: ContentType;
}

const CR = 0x0d;
const LF = 0x0a;

export function headerValue(entity: Pick<MimeEntity, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return entity.headers.find(([n]) => n === wanted)?.[1];
}

/** Parses `type/subtype; name=value; name="quoted value"` (RFC 2045 §5.1). */
export function parseContentType(value: string | undefined): ContentType {
  if (value === undefined || value.trim() === '') return { mediaType: 'text/plain', params: {} };
  const [mediaType, params] = splitParameters(value);
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(mediaType)) {
    throw new MimeError(`malformed Content-Type "${value}"`);
  }
  return { mediaType, params };
}

/** A charset name as MIME allows it: up to 40 of these characters (RFC 2978 §2.3). */
const MIME_CHARSET = /^[!#$%&'+\-^_`{}~0-9a-z]{1,40}$/i;

/**
 * A Content-Type as its media type and the charset it declares (`application/edifact;
 * charset=ISO-8859-1`), the form the archive records a content type in. Other parameters are left
 * out, and so is a charset value that is no charset name (RFC 2978 §2.3).
 */
export function mediaTypeWithCharset(contentType: ContentType): string {
  const charset = contentType.params['charset'];
  return charset !== undefined && MIME_CHARSET.test(charset)
    ? `${contentType.mediaType}; charset=${charset}`
    : contentType.mediaType;
}

function splitParameters(value: string): [string, Record<string, string>] {
  const params: Record<string, string> = {};
  let i = value.indexOf(';');
  const head = (i < 0 ? value : value.slice(0, i)).trim().toLowerCase();
  while (i >= 0 && i < value.length) {
    i++;
    const eq = value.indexOf('=', i);
    if (eq < 0) break;
    const name = value.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (value[j] === ' ' || value[j] === '\t') j++;
    let parsed = '';
    if (value[j] === '"') {
      j++;
      while (j < value.length && value[j] !== '"') {
        if (value[j] === '\\' && j + 1 < value.length) j++;
        parsed += value[j];
        j++;
      }
      if (value[j] !== '"') throw new MimeError(`unterminated quoted parameter "${name}"`);
      j++;
      const next = value.indexOf(';', j);
      i = next;
    } else {
      const next = value.indexOf(';', j);
      parsed = (next < 0 ? value.slice(j) : value.slice(j, next)).trim();
      i = next;
    }
    if (name !== '') params[name] = parsed;
  }
  return [head, params];
}

/** The HTTP request body as the outermost entity: its headers came separately, over HTTP. */
export function entityFromHttp(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  body: Buffer,
): MimeEntity {
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

export function headerValueOf(
  list: readonly (readonly [string, string])[],
  name: string,
): string | undefined {
  return list.find(([n]) => n === name)?.[1];
}

/** Parses one MIME entity (headers, an empty line, the body) from its exact bytes. */
export function parseEntity(raw: Buffer): MimeEntity {
  const { headerEnd, bodyStart } = findHeaderEnd(raw);
  const headers = parseHeaderBlock(raw.subarray(0, headerEnd));
  return {
    raw,
    headers,
    body: raw.subarray(bodyStart),
    contentType: parseContentType(headerValueOf(headers, 'content-type')),
  };
}

/** Where the header block ends and the body starts (after the empty line). */
export function findHeaderEnd(raw: Buffer): { headerEnd: number; bodyStart: number } {
  // An entity that starts with an empty line has no headers (RFC 2046 §5.1.1 defaults apply).
  if (raw[0] === LF) return { headerEnd: 0, bodyStart: 1 };
  if (raw[0] === CR && raw[1] === LF) return { headerEnd: 0, bodyStart: 2 };
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== LF) continue;
    if (raw[i + 1] === LF) return { headerEnd: i + 1, bodyStart: i + 2 };
    if (raw[i + 1] === CR && raw[i + 2] === LF) return { headerEnd: i + 1, bodyStart: i + 3 };
  }
  throw new MimeError('no empty line ends the MIME headers');
}

/** Header fields of a header block, names lower-cased, folded values unfolded. */
export function parseHeaderBlock(block: Buffer): [string, string][] {
  const lines = block.toString('latin1').split(/\r?\n/);
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      const last = headers.at(-1);
      if (!last) throw new MimeError('a continuation line precedes the first header');
      last[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MimeError(`malformed header line "${line.slice(0, 60)}"`);
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/**
 * Splits a multipart body into its parts (RFC 2046 §5.1.1). The line break before each delimiter
 * belongs to the delimiter, so each part's bytes are exactly what the sender signed.
 */
export function splitMultipart(entity: MimeEntity): MimeEntity[] {
  const boundary = entity.contentType.params['boundary'];
  if (!boundary) throw new MimeError(`${entity.contentType.mediaType} without a boundary`);
  const delimiter = Buffer.from('--' + boundary, 'latin1');
  const body = entity.body;
  const parts: MimeEntity[] = [];
  let partStart = -1;
  let from = 0;
  for (;;) {
    const at = body.indexOf(delimiter, from);
    if (at < 0) throw new MimeError('the multipart body has no closing delimiter');
    from = at + delimiter.length;
    if (at !== 0 && body[at - 1] !== LF) continue;
    const isClose = body[from] === 0x2d && body[from + 1] === 0x2d;
    let lineEnd = isClose ? from + 2 : from;
    while (body[lineEnd] === 0x20 || body[lineEnd] === 0x09) lineEnd++;
    if (!isClose && body[lineEnd] !== LF && !(body[lineEnd] === CR && body[lineEnd + 1] === LF)) continue;
    if (partStart >= 0) {
      const end = at === 0 ? 0 : body[at - 2] === CR ? at - 2 : at - 1;
      parts.push(parseEntity(body.subarray(partStart, Math.max(partStart, end))));
    }
    if (isClose) break;
    partStart = body[lineEnd] === CR ? lineEnd + 2 : lineEnd + 1;
  }
  return parts;
}

/** The body with its Content-Transfer-Encoding undone; none means binary (RFC 2045 §6.1). */
export function decodeBody(entity: MimeEntity): Buffer {
  const encoding = (headerValue(entity, 'content-transfer-encoding') ?? 'binary').trim().toLowerCase();
  switch (encoding) {
    case 'binary':
    case '8bit':
    case '7bit':
      return entity.body;
    case 'base64': {
      const text = entity.body.toString('latin1').replace(/[\r\n\t ]/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
        throw new MimeError('the base64 body is malformed');
      }
      return Buffer.from(text, 'base64');
    }
    default:
      throw new MimeError(`unsupported Content-Transfer-Encoding "${encoding}"`);
  }
}
