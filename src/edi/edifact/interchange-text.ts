import { AUTO_CHARSET, EDIFACT_CHARSETS, type EdifactCharset } from './charsets.js';
import { detectEdiStandard } from '../core/detect.js';

/**
 * The character set an interchange declares in UNB S001/0001 (ISO 9735-1 §4), read from its first
 * bytes with the separators of its UNA (ISO 9735-1 §7.1), or the `auto` rule when there is no UNB or
 * the identifier is one we do not read.
 */
export function declaredEdifactCharset(bytes: Uint8Array): EdifactCharset {
  const { offset } = detectEdiStandard(bytes);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, offset + 64)).toString(
    'latin1',
  );
  let at = offset;
  let component = ':';
  let element = '+';
  if (text.startsWith('UNA', at)) {
    component = text[at + 3] ?? component;
    element = text[at + 4] ?? element;
    at += 9;
    while (/[\r\n\t ]/.test(text[at] ?? '')) at++;
  }
  if (!text.startsWith(`UNB${element}`, at)) return AUTO_CHARSET;
  const rest = text.slice(at + 4);
  const id = rest.slice(0, rest.search(new RegExp(`[${classChar(component)}${classChar(element)}]|$`)));
  return EDIFACT_CHARSETS.get(id) ?? AUTO_CHARSET;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a whole interchange, decoded strictly by the character set its UNB declares (a UNOC
 * interchange is ISO 8859-1 bytes: "Müller" is 0x4D 0xFC ...). Without a usable declaration: UTF-8
 * when valid, Latin-1 otherwise.
 */
export function decodeEdifactInterchange(bytes: Uint8Array): string {
  const { decoding } = declaredEdifactCharset(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (decoding === 'utf8') return buffer.toString('utf8');
  if (decoding === 'latin1') return buffer.toString('latin1');
  if (decoding === 'auto') return decodeUtf8OrLatin1(buffer);
  return new TextDecoder(decoding.label).decode(bytes);
}

/** UTF-8 when the bytes are valid UTF-8, else ISO 8859-1 (which decodes any byte). */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
}

function classChar(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&');
}
