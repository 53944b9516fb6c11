import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Access tokens: `sg<kind>_<lookup>_<secret><check>`. The kind letter says what the token is for
 * (u user, s system client, p partner); the lookup finds the row without revealing anything; the
 * secret is stored only as its SHA-256; the CRC-32 check rejects a mistyped or truncated token
 * before any database work. Shown once, at creation.
 */
export type TokenKind = 'user' | 'system' | 'partner';

const LETTER: Record<TokenKind, string> = { user: 'u', system: 's', partner: 'p' };
const FORMAT = /^sg([usp])_([a-z2-7]{12})_([A-Za-z0-9]{32})([0-9a-f]{8})$/;

export interface MintedToken {
  readonly token: string;
  readonly lookup: string;
  readonly secretHash: string;
}

export interface ParsedToken {
  readonly kind: TokenKind;
  readonly lookup: string;
  readonly secret: string;
}

export function mintToken(kind: TokenKind): MintedToken {
  const lookup = base32(randomBytes(8)).slice(0, 12);
  const secret = base62(randomBytes(32)).slice(0, 32);
  const body = `sg${LETTER[kind]}_${lookup}_${secret}`;
  return { token: `${body}${check(body)}`, lookup, secretHash: hashSecret(secret) };
}

/** Undefined when the string is not a well-formed token of ours (wrong shape or checksum). */
export function parseToken(token: string): ParsedToken | undefined {
  const match = FORMAT.exec(token);
  if (!match) return undefined;
  const [, letter, lookup, secret, sum] = match as unknown as [string, string, string, string, string];
  if (check(token.slice(0, -8)) !== sum) return undefined;
  const kind = (Object.keys(LETTER) as TokenKind[]).find((k) => LETTER[k] === letter)!;
  return { kind, lookup, secret };
}

/**
 * OAuth2 client credentials: a public client id `sgc_<lookup>` and a secret `sgcs_<secret><check>`
 * (same alphabet and CRC-32 check as access tokens, so a truncated secret is refused before any
 * database work). Only the secret's SHA-256 is stored.
 */
export function mintClientId(): string {
  return `sgc_${base32(randomBytes(8)).slice(0, 12)}`;
}

export function mintClientSecret(): { secret: string; secretHash: string } {
  const body = `sgcs_${base62(randomBytes(32)).slice(0, 32)}`;
  const secret = `${body}${check(body)}`;
  return { secret, secretHash: hashSecret(secret) };
}

/** Is this a well-formed client secret of ours (shape and checksum)? */
export function isClientSecret(secret: string): boolean {
  return /^sgcs_[A-Za-z0-9]{32}[0-9a-f]{8}$/.test(secret) && check(secret.slice(0, -8)) === secret.slice(-8);
}

export const CLIENT_ID_FORMAT = /^sgc_[a-z2-7]{12}$/;

/** Could these be a client id and secret of ours at all (shape and checksum, no database work)? */
export function wellFormedClientCredentials(clientId: string, secret: string): boolean {
  return CLIENT_ID_FORMAT.test(clientId) && isClientSecret(secret);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of two strings (for the configured bootstrap token). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function check(body: string): string {
  return crc32(body).toString(16).padStart(8, '0');
}

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function base62(bytes: Buffer): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  // Rejection sampling keeps every character uniformly likely.
  let out = '';
  for (const byte of bytes) if (byte < 248) out += alphabet[byte % 62];
  return out.length >= 32 ? out : out + base62(randomBytes(32));
}
