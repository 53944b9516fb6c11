// Values of one to three bytes (segment ids, tags, qualifiers, codes, HL numbers: most values of a
// business document) come from a small table keyed by their bytes instead of a new string each time.
// Shared by the X12 and EDIFACT engines (their short values are Latin-1 bytes alike). A key holds the
// bytes and, for two bytes, bit 24 (no three-byte key has it), so keys of either length never collide;
// -1 matches nothing. A slot whose key differs is simply overwritten. The strings are made from the
// bytes themselves, so they need no decoded text and keep none alive.
const SHORT_SLOT_BITS = 12;
const shortKeys = new Int32Array(1 << SHORT_SLOT_BITS).fill(-1);
const shortStrings = new Array<string>(1 << SHORT_SLOT_BITS).fill('');

/**
 * The Latin-1 value of `length` (1 to 3) bytes at `bytes[from]`: only for bytes whose Latin-1 text is
 * the value (X12 without UTF-8, EDIFACT segments without a byte >= 0x80).
 */
export function shortLatin1Value(bytes: Uint8Array, from: number, length: number): string {
  const b0 = bytes[from]!;
  // One character: V8 hands out its single-character strings without allocating.
  if (length === 1) return String.fromCharCode(b0);
  const b1 = bytes[from + 1]!;
  const key = length === 3 ? b0 | (b1 << 8) | (bytes[from + 2]! << 16) : b0 | (b1 << 8) | 0x1000000;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - SHORT_SLOT_BITS);
  if (shortKeys[slot] === key) return shortStrings[slot]!;
  const value = length === 3 ? String.fromCharCode(b0, b1, bytes[from + 2]!) : String.fromCharCode(b0, b1);
  shortKeys[slot] = key;
  shortStrings[slot] = value;
  return value;
}
