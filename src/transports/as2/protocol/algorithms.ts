/** Algorithm identifiers the AS2 core understands, and which of them are legacy. */

export type MicAlgorithm = 'sha1' | 'sha-256' | 'sha-384' | 'sha-512';

export const MODERN_MIC_ALGORITHMS: readonly MicAlgorithm[] = ['sha-256', 'sha-384', 'sha-512'];

const DIGEST_BY_OID: Readonly<Record<string, MicAlgorithm>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha-256',
  '2.16.840.1.101.3.4.2.2': 'sha-384',
  '2.16.840.1.101.3.4.2.3': 'sha-512',
};

export const OID_BY_DIGEST: Readonly<Record<MicAlgorithm, string>> = {
  sha1: '1.3.14.3.2.26',
  'sha-256': '2.16.840.1.101.3.4.2.1',
  'sha-384': '2.16.840.1.101.3.4.2.2',
  'sha-512': '2.16.840.1.101.3.4.2.3',
};

export function digestFromOid(oid: string): MicAlgorithm | undefined {
  return DIGEST_BY_OID[oid];
}

/** The `node:crypto` hash name of a MIC algorithm. */
export function nodeHash(algorithm: MicAlgorithm): string {
  return algorithm === 'sha1' ? 'sha1' : algorithm.replace('-', '');
}

/** The WebCrypto hash name of a MIC algorithm. */
export function webCryptoHash(algorithm: MicAlgorithm): string {
  return algorithm === 'sha1' ? 'SHA-1' : algorithm.toUpperCase();
}

/** Accepts the spellings senders use in `micalg` and `signed-receipt-micalg` (RFC 5751 §3.4.3.2, RFC 4130). */
export function parseMicAlgorithm(name: string): MicAlgorithm | undefined {
  const normalised = name
    .trim()
    .toLowerCase()
    .replace(/^sha-?1$/, 'sha1');
  if (normalised === 'sha1') return 'sha1';
  const match = /^sha-?(256|384|512)$/.exec(normalised);
  return match ? (`sha-${match[1]}` as MicAlgorithm) : undefined;
}

export type ContentEncryption =
  | 'aes-128-cbc'
  | 'aes-192-cbc'
  | 'aes-256-cbc'
  | 'aes-128-gcm'
  | 'aes-192-gcm'
  | 'aes-256-gcm'
  | 'des-ede3-cbc';

export interface ContentEncryptionInfo {
  readonly name: ContentEncryption;
  readonly keyLength: number;
  readonly mode: 'cbc' | 'gcm';
  readonly legacy: boolean;
}

const CONTENT_ENCRYPTION_BY_OID: Readonly<Record<string, ContentEncryptionInfo>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16, mode: 'cbc', legacy: false },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24, mode: 'cbc', legacy: false },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32, mode: 'cbc', legacy: false },
  '2.16.840.1.101.3.4.1.6': { name: 'aes-128-gcm', keyLength: 16, mode: 'gcm', legacy: false },
  '2.16.840.1.101.3.4.1.26': { name: 'aes-192-gcm', keyLength: 24, mode: 'gcm', legacy: false },
  '2.16.840.1.101.3.4.1.46': { name: 'aes-256-gcm', keyLength: 32, mode: 'gcm', legacy: false },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24, mode: 'cbc', legacy: true },
};

export function contentEncryptionFromOid(oid: string): ContentEncryptionInfo | undefined {
  return CONTENT_ENCRYPTION_BY_OID[oid];
}

export const MODERN_CONTENT_ENCRYPTION: readonly ContentEncryption[] = [
  'aes-128-cbc',
  'aes-192-cbc',
  'aes-256-cbc',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
];

export type KeyTransport = 'rsa-oaep' | 'rsa-pkcs1-v1_5';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  compressedData: '1.2.840.113549.1.9.16.1.9',
  zlibCompress: '1.2.840.113549.1.9.16.3.8',
  contentTypeAttribute: '1.2.840.113549.1.9.3',
  messageDigestAttribute: '1.2.840.113549.1.9.4',
  signingTimeAttribute: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

/** Signature algorithms verified with `crypto.verify(hash, …)`: RSA PKCS#1 v1.5 and ECDSA. */
const SIGNATURE_OIDS = new Set([
  OID.rsaEncryption,
  '1.2.840.113549.1.1.5',
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.2.1',
  '1.2.840.10045.4.1',
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
]);

export function isSupportedSignatureOid(oid: string): boolean {
  return SIGNATURE_OIDS.has(oid);
}
