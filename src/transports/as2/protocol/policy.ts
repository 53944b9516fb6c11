import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

import type { ContentEncryption, MicAlgorithm } from './algorithms.js';

/** A key pair of ours: decrypts what partners encrypt to `certificate` and signs MDNs. */
export interface As2KeyPair {
  readonly privateKey: KeyObject;
  readonly certificate: X509Certificate;
}

/** What one partnership requires and allows; built from the partner profile and our configuration. */
export interface As2SecurityPolicy {
  readonly requireSigned: boolean;
  readonly requireEncrypted: boolean;
  /** The partner's pinned certificates (rollover: several, each with its validity window). */
  readonly partnerCertificates: readonly X509Certificate[];
  /** Our key pairs; the first signs MDNs, any of them may decrypt (rollover overlap). */
  readonly ourKeys: readonly As2KeyPair[];
  /** sha1 signatures and MICs and 3DES content encryption. */
  readonly allowLegacy: boolean;
  /** PKCS#1 v1.5 key transport (then with implicit rejection); RSA-OAEP is always allowed. */
  readonly allowRsaPkcs1v15: boolean;
  /** Digests accepted in signatures and offered for MICs; default sha-256/384/512 (+ sha1 with legacy). */
  readonly allowedDigests?: readonly MicAlgorithm[];
  /** Content encryption accepted; default every AES mode (+ 3DES with legacy). */
  readonly allowedContentEncryption?: readonly ContentEncryption[];
  /** Output cap of RFC 5402 decompression, in bytes. */
  readonly maxDecompressedBytes: number;
  /**
   * Secret for PKCS#1 v1.5 implicit rejection; default derived from our private key, so one
   * ciphertext always yields the same pseudo-random content key.
   */
  readonly implicitRejectionSecret?: Buffer;
  /** The clock certificates' validity is checked against; default now. */
  readonly now?: Date;
}

export function loadCertificate(pemOrDer: string | Buffer): X509Certificate {
  return new X509Certificate(pemOrDer);
}

export function loadKeyPair(privateKeyPem: string | Buffer, certificatePem: string | Buffer): As2KeyPair {
  return { privateKey: createPrivateKey(privateKeyPem), certificate: new X509Certificate(certificatePem) };
}

export function allowedDigests(policy: As2SecurityPolicy): readonly MicAlgorithm[] {
  const base = policy.allowedDigests ?? ['sha-256', 'sha-384', 'sha-512', 'sha1'];
  return base.filter((digest) => digest !== 'sha1' || policy.allowLegacy);
}

export function isWithinValidity(certificate: X509Certificate, at: Date): boolean {
  return at >= new Date(certificate.validFrom) && at <= new Date(certificate.validTo);
}
