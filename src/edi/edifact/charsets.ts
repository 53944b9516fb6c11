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
