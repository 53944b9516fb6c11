import { createHmac, type KeyObject } from 'node:crypto';

/**
 * Implicit rejection for PKCS#1 v1.5 key transport (the approach of draft-irtf-cfrg-rsa-guidance and
 * OpenSSL 3.2): a padding failure or a key of the wrong length does not fail; it yields a pseudo-random
 * key derived from the ciphertext and a secret, so every failure takes the same path as a wrong key and
 * ends in the same content-decryption failure. Otherwise the distinct answer is a Bleichenbacher oracle.
 */
export function implicitRejectionKey(
  encryptedKey: Buffer,
  keyLength: number,
  privateKey: KeyObject,
  secret: Buffer | undefined,
): Buffer {
  const keyDerivationKey =
    secret ??
    createHmac('sha256', 'as2 pkcs1 v1.5 implicit rejection')
      .update(privateKey.export({ format: 'der', type: 'pkcs8' }))
      .digest();
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < keyLength; counter++) {
    blocks.push(
      createHmac('sha256', keyDerivationKey)
        .update(Buffer.from([counter]))
        .update(encryptedKey)
        .digest(),
    );
  }
  return Buffer.concat(blocks).subarray(0, keyLength);
}

/**
 * Checks an EME-PKCS1-v1_5 block (RFC 8017 §7.2.2: 00 02 PS(≥ 8 non-zero) 00 M) and returns M when it is
 * well formed and `keyLength` long, else `synthetic`. It scans the whole block and selects with masks,
 * without branching on secret data.
 */
export function unwrapPkcs1v15(encoded: Buffer, keyLength: number, synthetic: Buffer): Buffer {
  const length = encoded.length;
  let good = length >= keyLength + 11 ? 1 : 0;
  good &= constantEquals(length > 0 ? encoded[0]! : 1, 0);
  good &= constantEquals(length > 1 ? encoded[1]! : 0, 2);
  let separator = 0;
  let found = 0;
  for (let i = 2; i < length; i++) {
    const isZero = constantEquals(encoded[i]!, 0);
    const first = isZero & (found ^ 1);
    separator = select(first, i, separator);
    found |= isZero;
  }
  good &= found;
  // The padding string is at least 8 bytes and the message exactly the key length.
  good &= separator >= 10 ? 1 : 0;
  good &= constantEquals(length - separator - 1, keyLength);
  const result = Buffer.alloc(keyLength);
  const offset = length - keyLength;
  for (let i = 0; i < keyLength; i++) {
    const real = offset + i >= 0 && offset + i < length ? encoded[offset + i]! : 0;
    result[i] = select(good, real, synthetic[i]!);
  }
  return result;
}

function constantEquals(a: number, b: number): number {
  const diff = (a ^ b) >>> 0;
  return ((diff - 1) >>> 31) & 1 & ((~diff >>> 31) & 1);
}

function select(condition: number, a: number, b: number): number {
  const mask = -condition;
  return (a & mask) | (b & ~mask);
}
