import { describe, expect, it } from 'vitest';

import {
  decodeBody,
  entityFromHttp,
  headerValue,
  MimeError,
  mediaTypeWithCharset,
  parseContentType,
  parseEntity,
  splitMultipart,
} from './mime.js';

describe('AS2 MIME reader', () => {
  it('keeps the media type and the declared charset of a Content-Type, as sent', () => {
    const archived = (value: string) => mediaTypeWithCharset(parseContentType(value));
    expect(archived('Application/EDIFACT; name="order.edi"; charset="ISO-8859-1"')).toBe(
      'application/edifact; charset=ISO-8859-1',
    );
    expect(archived('application/edi-x12;charset=utf-8')).toBe('application/edi-x12; charset=utf-8');
    expect(archived('application/edi-x12')).toBe('application/edi-x12');
    // Not a charset name (RFC 2978 §2.3): left out rather than recorded.
    expect(archived('application/edi-x12; charset="ISO 8859-1"')).toBe('application/edi-x12');
    expect(archived(`application/edi-x12; charset=${'x'.repeat(41)}`)).toBe('application/edi-x12');
  });

  it('parses Content-Type parameters, quoted and unquoted, case-insensitive names', () => {
    expect(
      parseContentType(
        'Multipart/Signed; protocol="application/pkcs7-signature"; MICALG=sha-256; boundary="a;b\\"c"',
      ),
    ).toEqual({
      mediaType: 'multipart/signed',
      params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256', boundary: 'a;b"c' },
    });
    expect(() => parseContentType('not a type')).toThrow(MimeError);
  });

  it('keeps each part byte for byte, mixed line endings included; the CRLF before a delimiter is not content', () => {
    const part1 = 'Content-Type: application/edi-x12\r\n\r\nISA*00~\nGS*x~\r\n';
    const part2 =
      'Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\n';
    const body = `preamble\r\n--b1\r\n${part1}\r\n--b1\r\n${part2}\r\n--b1--\r\nepilogue`;
    const entity = entityFromHttp(
      { 'Content-Type': 'multipart/signed; boundary=b1' },
      Buffer.from(body, 'latin1'),
    );
    const [first, second] = splitMultipart(entity);
    expect(first!.raw.toString('latin1')).toBe(part1);
    expect(first!.body.toString('latin1')).toBe('ISA*00~\nGS*x~\r\n');
    expect(decodeBody(second!)).toEqual(Buffer.from([0, 1, 2]));
  });

  it('accepts bare-LF delimiters and ignores the boundary text inside content', () => {
    const body =
      '--b\nContent-Type: text/plain\n\nsee --b here\n--b\nContent-Type: text/plain\n\ntwo\n--b--\n';
    const parts = splitMultipart(
      entityFromHttp({ 'content-type': 'multipart/mixed; boundary=b' }, Buffer.from(body)),
    );
    expect(parts.map((p) => p.body.toString())).toEqual(['see --b here', 'two']);
  });

  it('refuses a multipart body without a closing delimiter', () => {
    const entity = entityFromHttp(
      { 'content-type': 'multipart/signed; boundary=b' },
      Buffer.from('--b\r\n\r\nx\r\n'),
    );
    expect(() => splitMultipart(entity)).toThrow('no closing delimiter');
  });

  it('unfolds headers, treats a missing transfer encoding as binary, refuses malformed base64', () => {
    const entity = parseEntity(
      Buffer.from('Content-Type: application/edi-x12;\r\n\tname=x.edi\r\n\r\n\x00\xff\r\n', 'latin1'),
    );
    expect(headerValue(entity, 'Content-Type')).toBe('application/edi-x12; name=x.edi');
    expect(decodeBody(entity)).toEqual(Buffer.from([0, 0xff, 0x0d, 0x0a]));
    const bad = parseEntity(Buffer.from('Content-Transfer-Encoding: base64\r\n\r\nAB*C\r\n'));
    expect(() => decodeBody(bad)).toThrow('malformed');
    expect(() => parseEntity(Buffer.from('Content-Type: text/plain\r\nno end'))).toThrow(MimeError);
  });
});
