import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BerReader, readContentInfo } from './ber-stream.js';
import { MimeError, parseEntity, splitMultipart } from './mime.js';
import {
  Base64StreamDecoder,
  decodeStreamBody,
  parseStreamEntity,
  splitStreamMultipart,
} from './mime-stream.js';
import { StreamWorkspace, type FileRange } from './stream-source.js';

// The readers under the streaming receive, on inputs the openssl fixtures do not produce.

let dir: string;
let ws: StreamWorkspace;
let counter = 0;

async function file(bytes: Buffer): Promise<FileRange> {
  const path = join(dir, `f${++counter}`);
  await writeFile(path, bytes);
  return { path, start: 0, end: bytes.length };
}

async function read(range: FileRange): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of ws.chunks(range)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'as2-stream-readers-'));
  ws = await StreamWorkspace.create(join(dir, 'work'));
});

afterAll(async () => {
  await ws.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('BerReader', () => {
  // ContentInfo { data, [0] { OCTET STRING (constructed, indefinite) { "abc", { "de" }, "" , "f" } } }
  const indefinite = Buffer.from([
    0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x80, 0x24, 0x80,
    0x04, 0x03, 0x61, 0x62, 0x63, 0x24, 0x04, 0x04, 0x02, 0x64, 0x65, 0x04, 0x00, 0x04, 0x01, 0x66, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00,
  ]);

  it('follows indefinite lengths and nested constructed strings, as asn1js does', async () => {
    expect(asn1js.fromBER(new Uint8Array(indefinite)).offset).toBe(indefinite.length);
    const range = await file(indefinite);
    const reader = new BerReader(await ws.file(range.path), range);
    const root = await reader.node(0);
    expect(root.end).toBe(indefinite.length);
    await reader.validate(root);
    const { contentType, content } = await readContentInfo(reader, range);
    expect(contentType).toBe('1.2.840.113549.1.7.1');
    const parts: Buffer[] = [];
    for await (const segment of reader.segments(content)) parts.push(await read(segment));
    expect(Buffer.concat(parts).toString()).toBe('abcdef');
  });

  it('refuses truncated input, a missing end-of-contents and children that overrun their parent', async () => {
    for (const bad of [
      indefinite.subarray(0, indefinite.length - 2),
      Buffer.from([0x30, 0x05, 0x04, 0x01, 0x61]),
      Buffer.from([0x30, 0x03, 0x04, 0x02, 0x61, 0x62]),
      Buffer.from([0x04, 0x80, 0x00, 0x00]),
    ]) {
      const range = await file(bad);
      const reader = new BerReader(await ws.file(range.path), range);
      await expect(reader.node(0).then((root) => reader.validate(root))).rejects.toThrow();
    }
  });
});

describe('Base64StreamDecoder', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
  const text = bytes.toString('base64').replace(/.{1,76}/g, '$&\r\n');

  it('decodes the same bytes whatever the chunk boundaries', () => {
    for (const size of [1, 3, 4, 7, 77, 1000]) {
      const decoder = new Base64StreamDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < text.length; i += size)
        out.push(decoder.push(Buffer.from(text.slice(i, i + size))));
      out.push(decoder.end(true));
      expect(Buffer.concat(out), `chunks of ${size}`).toEqual(bytes);
    }
  });

  it('refuses what decodeBody refuses: foreign characters, padding in the middle, a length of 1 mod 4', () => {
    for (const [bad, message] of [
      ['QUJD!', 'foreign character'],
      ['QQ==QUJD', 'padding in the middle'],
      ['QUJDR', 'length 1 mod 4'],
      ['QQ===', 'three padding characters'],
    ]) {
      const decoder = new Base64StreamDecoder();
      expect(() => {
        decoder.push(Buffer.from(bad!));
        decoder.end(true);
      }, message).toThrow(MimeError);
    }
  });
});

describe('streaming MIME reader', () => {
  it('splits a multipart body exactly like splitMultipart, bare LF and CRLF alike', async () => {
    const body = Buffer.from(
      'preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst\nline\r\n--b  \nContent-Type: application/x\n\nsecond\r\n--bb\r\n--b--\r\n',
    );
    const whole = splitMultipart({
      raw: body,
      headers: [],
      body,
      contentType: { mediaType: 'multipart/mixed', params: { boundary: 'b' } },
    });
    const range = await file(body);
    const streamed = await splitStreamMultipart(ws, {
      raw: range,
      headers: [],
      body: range,
      contentType: { mediaType: 'multipart/mixed', params: { boundary: 'b' } },
    });
    expect(streamed.length).toBe(whole.length);
    for (const [i, part] of streamed.entries()) {
      expect((await read(part.raw)).toString('latin1')).toBe(whole[i]!.raw.toString('latin1'));
      expect(part.headers).toEqual(whole[i]!.headers);
    }
  });

  it('parses headers and decodes a base64 body into a file', async () => {
    const raw = Buffer.from(
      'Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: base64\r\n\r\nSVNBKjAwfg0K\r\n',
    );
    const entity = await parseStreamEntity(ws, await file(raw));
    expect(entity.headers).toEqual(parseEntity(raw).headers);
    expect((await read(await decodeStreamBody(ws, entity))).toString()).toBe('ISA*00~\r\n');
  });
});
