import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ssh2, { type ParsedKey } from 'ssh2';
import { SftpError, SftpErrorCode } from './sftp.exception.js';

/** The SHA256 fingerprint of a raw SSH public key blob, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Compares two fingerprints, ignoring base64 padding. */
export function sameFingerprint(a: string, b: string): boolean {
  const x = Buffer.from(a.replace(/=+$/, ''));
  const y = Buffer.from(b.replace(/=+$/, ''));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads a secret the profile names by file; the content is never logged. */
export function readSecretFile(path: string, what: string, trim = true): string {
  try {
    const text = readFileSync(path, 'utf8');
    return trim ? text.replace(/\r?\n$/, '') : text;
  } catch (error) {
    throw new SftpError(
      SftpErrorCode.SecretUnreadable,
      `${what} file ${path} cannot be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function scryptAsync(
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const DEFAULT_SCRYPT = { N: 16_384, r: 8, p: 1 } as const;

/** `scrypt$N$r$p$<salt base64>$<hash base64>`, the mailbox passwordHash format (docs/sftp.md). */
export async function hashMailboxPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = DEFAULT_SCRYPT;
  const hash = await scryptAsync(password, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyMailboxPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n);
  // Bounded so that a profile cannot make each login allocate gigabytes.
  if (!(N >= 2 && N <= 1_048_576) || expected.length < 16) return false;
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

/** The public keys of OpenSSH `authorized_keys` lines. */
export function parseAuthorizedKeys(lines: readonly string[]): ParsedKey[] {
  return lines.map((line) => {
    const key = ssh2.utils.parseKey(line);
    if (key instanceof Error)
      throw new SftpError(SftpErrorCode.MailboxConfig, `not an OpenSSH public key: ${line.slice(0, 40)}…`);
    return key;
  });
}
