import { latin1Bytes, noByteError } from '../core/latin1-bytes.js';

/**
 * Character sets named by the UNB syntax identifier (S001/0001, ISO 9735-1 §4 and annex C). Levels A and
 * B are restricted ASCII repertoires, checked byte by byte while tokenizing; the other identifiers name
 * an ISO 8859 part or ISO 10646 (UTF-8), used to decode values.
 */
export type EdifactRepertoire = 'A' | 'B';

export interface EdifactCharset {
  /** The syntax identifier, e.g. `UNOC`; `''` before any UNB. */
  readonly id: string;
  /** Restricted repertoire checked on every data byte (levels A and B), if any. */
  readonly repertoire: EdifactRepertoire | undefined;
  /**
   * How values with bytes >= 0x80 are decoded: `utf8` (UNOW, UNOY), a single-byte table (`latin1` for
   * UNOC, a WHATWG label for the other ISO 8859 parts) or `auto` (UTF-8 when valid, Latin-1 otherwise:
   * before a UNB, and for A/B, where such bytes are findings anyway).
   */
  readonly decoding: 'auto' | 'utf8' | 'latin1' | { readonly label: string };
}

const single = (id: string, label: string): EdifactCharset => ({
  id,
  repertoire: undefined,
  decoding: { label },
});

/** Identifiers we read. Others (IATA's IATB, KECA, UNOX's code extension) are answered 0085 code 2. */
export const EDIFACT_CHARSETS: ReadonlyMap<string, EdifactCharset> = new Map<string, EdifactCharset>([
  ['UNOA', { id: 'UNOA', repertoire: 'A', decoding: 'auto' }],
  ['UNOB', { id: 'UNOB', repertoire: 'B', decoding: 'auto' }],
  ['UNOC', { id: 'UNOC', repertoire: undefined, decoding: 'latin1' }],
  ['UNOD', single('UNOD', 'iso-8859-2')],
  ['UNOE', single('UNOE', 'iso-8859-5')],
  ['UNOF', single('UNOF', 'iso-8859-7')],
  ['UNOG', single('UNOG', 'iso-8859-3')],
  ['UNOH', single('UNOH', 'iso-8859-4')],
  ['UNOI', single('UNOI', 'iso-8859-6')],
  ['UNOJ', single('UNOJ', 'iso-8859-8')],
  ['UNOK', single('UNOK', 'iso-8859-9')],
  ['UNOL', single('UNOL', 'iso-8859-15')],
  ['UNOW', { id: 'UNOW', repertoire: undefined, decoding: 'utf8' }],
  ['UNOY', { id: 'UNOY', repertoire: undefined, decoding: 'utf8' }],
]);

/** Before the first UNB (a UNA, a bare UNH): no check, UTF-8 when valid, else Latin-1. */
export const AUTO_CHARSET: EdifactCharset = { id: '', repertoire: undefined, decoding: 'auto' };

/**
 * Level A (ISO 9735-1 annex C.1): upper-case letters, digits, space and `. , - ( ) / = ' + : ? ! " % & * ; < >`.
 * Level B adds the lower-case letters. The service characters are in both, so released ones pass.
 */
function repertoireTable(level: EdifactRepertoire): Uint8Array {
  const ok = new Uint8Array(256);
  for (let b = 0x41; b <= 0x5a; b++) ok[b] = 1;
  for (let b = 0x30; b <= 0x39; b++) ok[b] = 1;
  for (const ch of ' .,-()/=\'+:?!"%&*;<>') ok[ch.charCodeAt(0)] = 1;
  if (level === 'B') for (let b = 0x61; b <= 0x7a; b++) ok[b] = 1;
  return ok;
}

export const REPERTOIRE_TABLES: Readonly<Record<EdifactRepertoire, Uint8Array>> = {
  A: repertoireTable('A'),
  B: repertoireTable('B'),
};

const decoders = new Map<string, InstanceType<typeof TextDecoder>>();
const utf8 = new TextDecoder('utf-8');

/** Decodes `bytes` per the charset; `isUtf8` says the bytes (which contain some >= 0x80) are valid UTF-8. */
export function decodeEdifact(bytes: Uint8Array, charset: EdifactCharset, isUtf8: boolean): string {
  // Valid UTF-8 is taken as UTF-8 whatever was declared: a single-byte text that happens to form valid
  // multi-byte sequences is far less likely than a partner declaring UNOC and sending UTF-8 (reported).
  if (isUtf8 || charset.decoding === 'utf8') return utf8.decode(bytes);
  const d = charset.decoding;
  if (d === 'auto' || d === 'latin1') {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
  let decoder = decoders.get(d.label);
  if (!decoder) {
    decoder = new TextDecoder(d.label);
    decoders.set(d.label, decoder);
  }
  return decoder.decode(bytes);
}

/** The code point a single-byte table maps each character to, built once per label from its decoder. */
const encoders = new Map<string, ReadonlyMap<number, number>>();

function singleByteTable(label: string): ReadonlyMap<number, number> {
  let table = encoders.get(label);
  if (!table) {
    const all = new Uint8Array(256).map((_, b) => b);
    const chars = [...new TextDecoder(label).decode(all)];
    const map = new Map<number, number>();
    chars.forEach((ch, b) => {
      // C1 controls (0x80–0x9F) and unassigned positions (U+FFFD) are in no graphic repertoire.
      if ((b < 0x80 || b > 0x9f) && ch !== '\ufffd') map.set(ch.codePointAt(0)!, b);
    });
    table = map;
    encoders.set(label, table);
  }
  return table;
}

/** TAB, LF and CR pass (a line break after each terminator); other C0 controls are in no repertoire. */
function isControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
}

/**
 * The first character of `text` that the charset cannot carry, or undefined: outside level A / B
 * (ISO 9735-1 annex C.1), outside the ISO 8859 part's graphic characters, a control character, or a
 * lone surrogate (UNOW / UNOY carry every other ISO 10646 character).
 */
export function unencodableCharacter(text: string, charset: EdifactCharset): string | undefined {
  const d = charset.decoding;
  const level = charset.repertoire && REPERTOIRE_TABLES[charset.repertoire];
  const table = typeof d === 'object' ? singleByteTable(d.label) : undefined;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (isControl(c) || (c >= 0xd800 && c <= 0xdfff)) return ch;
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (
      level
        ? c > 0xff || level[c] !== 1
        : table
          ? !table.has(c)
          : d === 'latin1' && (c > 0xff || (c >= 0x80 && c <= 0x9f))
    )
      return ch;
  }
  return undefined;
}

/**
 * The IANA charset name of the bytes `encodeEdifact` writes for the charset: UTF-8 for UNOW / UNOY, the
 * ISO 8859 part for UNOC…UNOL, ISO-8859-1 for levels A and B (written byte for byte, ASCII when valid).
 */
export function edifactMimeCharset(charset: EdifactCharset): string {
  const d = charset.decoding;
  if (d === 'utf8') return 'UTF-8';
  return typeof d === 'object' ? d.label.toUpperCase() : 'ISO-8859-1';
}

/**
 * `text` as the bytes the charset names (the writer's side of `decodeEdifact`): ISO 8859-1 for levels
 * A and B (ASCII) and UNOC, the ISO 8859 part of UNOD…UNOL, UTF-8 for UNOW and UNOY. Values are checked
 * with `unencodableCharacter` first; this only throws (RangeError) for a character with no byte at all,
 * which then can only be a service character.
 */
export function encodeEdifact(text: string, charset: EdifactCharset): Buffer {
  const d = charset.decoding;
  if (d === 'utf8') return Buffer.from(text, 'utf8');
  if (typeof d !== 'object') return latin1Bytes(text, charset.id);
  const table = singleByteTable(d.label);
  const bytes = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const b = c < 0x20 ? c : table.get(c);
    if (b === undefined) throw noByteError(c, charset.id);
    bytes[n++] = b;
  }
  return bytes.subarray(0, n);
}
