import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { EntityManager } from 'typeorm';

/** Argon2id (RFC 9106), the library's defaults: 19 MiB, 2 passes, 1 lane (OWASP's minimum profile). */
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/** Compares in constant time inside the library; false for a malformed hash rather than throwing. */
export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of nothing anybody knows, verified when the email is unknown so that an unknown address
 * takes as long to refuse as a wrong password (no account enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
  return decoy;
}

/** What is wrong with a new password, or null (NIST SP 800-63B §5.1.1: length, not composition rules). */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `The password needs at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `The password may have at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    return 'The password must not be your e-mail address.';
  if (new Set(password).size < 4) return 'The password repeats too few characters; choose another.';
  return null;
}

/** Stores a user's new password hash; clears a lockout and the count of failed attempts. */
export async function storePasswordHash(
  tx: EntityManager,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO portal_credential (user_id, password_hash) VALUES ($1, $2)
     ON CONFLICT ON CONSTRAINT pk_portal_credential DO UPDATE
       SET password_hash = EXCLUDED.password_hash, failed_attempts = 0, locked_until = NULL, password_changed_at = now()`,
    [userId, passwordHash],
  );
}
