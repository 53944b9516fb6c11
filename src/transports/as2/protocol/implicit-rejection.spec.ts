import { generateKeyPairSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { implicitRejectionKey, unwrapPkcs1v15 } from './implicit-rejection.js';

const key = Buffer.alloc(16, 0xab);
const synthetic = Buffer.alloc(16, 0x5a);

function block(
  options: { type?: number; first?: number; padding?: number; message?: Buffer; size?: number } = {},
): Buffer {
  const message = options.message ?? key;
  const size = options.size ?? 256;
  const padding = options.padding ?? size - 3 - message.length;
  const out = Buffer.concat([
    Buffer.from([options.first ?? 0, options.type ?? 2]),
    Buffer.alloc(padding, 0x11),
    Buffer.from([0]),
    message,
  ]);
  return out;
}

describe('PKCS#1 v1.5 implicit rejection', () => {
  it('returns the key from a well-formed block', () => {
    expect(unwrapPkcs1v15(block(), 16, synthetic)).toEqual(key);
  });

  it('returns the synthetic key, never an error, for every kind of bad block', () => {
    const bad = {
      'first byte not zero': block({ first: 1 }),
      'block type 1': block({ type: 1 }),
      'padding shorter than 8 bytes': block({ padding: 7, size: 2 + 7 + 1 + 16 }),
      'no separator': Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(254, 0x11)]),
      'key of the wrong length': block({ message: Buffer.alloc(24, 0xab) }),
      empty: Buffer.alloc(0),
    };
    for (const [name, encoded] of Object.entries(bad)) {
      expect(unwrapPkcs1v15(encoded, 16, synthetic), name).toEqual(synthetic);
    }
  });

  it('derives the same pseudo-random key from the same ciphertext, another from another', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ciphertext = Buffer.alloc(128, 7);
    const a = implicitRejectionKey(ciphertext, 32, privateKey, undefined);
    expect(a).toHaveLength(32);
    expect(implicitRejectionKey(ciphertext, 32, privateKey, undefined)).toEqual(a);
    expect(implicitRejectionKey(Buffer.alloc(128, 8), 32, privateKey, undefined)).not.toEqual(a);
    expect(implicitRejectionKey(ciphertext, 32, privateKey, Buffer.from('secret'))).not.toEqual(a);
    expect(implicitRejectionKey(ciphertext, 24, privateKey, undefined)).toEqual(a.subarray(0, 24));
  });
});
