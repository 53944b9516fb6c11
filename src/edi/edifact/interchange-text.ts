import { isUtf8 } from 'node:buffer';
import { AUTO_CHARSET, decodeEdifact, EDIFACT_CHARSETS, type EdifactCharset } from './charsets.js';
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

/**
 * The text of a whole interchange, read by the EDIFACT reader's own rule (`decodeEdifact`): valid UTF-8
 * is UTF-8 whatever the UNB declares, otherwise the declared character set decides (a UNOC interchange is
 * ISO 8859-1 bytes: "Müller" is 0x4D 0xFC ...). Without a usable declaration: UTF-8 when valid, Latin-1
 * otherwise. One rule for the same bytes wherever the gateway shows them as text. (The reader asks
 * "valid UTF-8?" per segment, this once for the interchange: the same answer for any interchange
 * written in one encoding throughout, as the generator writes them.)
 */
export function decodeEdifactInterchange(bytes: Uint8Array): string {
  return decodeEdifact(bytes, declaredEdifactCharset(bytes), isUtf8(bytes));
}

/** UTF-8 when the bytes are valid UTF-8, else ISO 8859-1 (which decodes any byte). */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  return decodeEdifact(bytes, AUTO_CHARSET, isUtf8(bytes));
}

function classChar(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&');
}
