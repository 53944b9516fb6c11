/**
 * EBCDIC code page 037 (IBM US/Canada) to ISO-8859-1. cp037 is a permutation of Latin-1, so the mapping
 * is byte-to-byte: offsets stay exact and decoded text is read as Latin-1. EBCDIC NEL (0x15), a common
 * X12 segment terminator on mainframes, becomes U+0085.
 */
const CP037_HEX =
  '000102039c09867f978d8e0b0c0d0e0f101112139d8508871819928f1c1d1e1f' +
  '80818283840a171b88898a8b8c050607909116939495960498999a9b14159e1a' +
  '20a0e2e4e0e1e3e5e7f1a22e3c282b7c26e9eaebe8edeeefecdf21242a293bac' +
  '2d2fc2c4c0c1c3c5c7d1a62c255f3e3ff8c9cacbc8cdcecfcc603a2340273d22' +
  'd8616263646566676869abbbf0fdfeb1b06a6b6c6d6e6f707172aabae6b8c6a4' +
  'b57e737475767778797aa1bfd0dddeae5ea3a5b7a9a7b6bcbdbe5b5dafa8b4d7' +
  '7b414243444546474849adf4f6f2f3f57d4a4b4c4d4e4f505152b9fbfcf9faff' +
  '5cf7535455565758595ab2d4d6d2d3d530313233343536373839b3dbdcd9da9f';

export const CP037_TO_LATIN1: Uint8Array = Uint8Array.from({ length: 256 }, (_, i) =>
  parseInt(CP037_HEX.slice(i * 2, i * 2 + 2), 16),
);

/** The inverse permutation: a Latin-1 byte to its cp037 byte. */
const LATIN1_TO_CP037: Uint8Array = (() => {
  const table = new Uint8Array(256);
  CP037_TO_LATIN1.forEach((latin1, ebcdic) => (table[latin1] = ebcdic));
  return table;
})();

/** Latin-1 bytes as cp037 (the writer's side of `ebcdicToLatin1`), in a new buffer. */
export function latin1ToEbcdic(src: Uint8Array): Uint8Array {
  return src.map((b) => LATIN1_TO_CP037[b]!);
}

/** Translates `src[from..to)` into a new buffer of Latin-1 bytes. */
export function ebcdicToLatin1(src: Uint8Array, from = 0, to = src.length): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = CP037_TO_LATIN1[src[i]!]!;
  return out;
}
