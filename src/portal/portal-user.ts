import type { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import type { UserRecord } from '../gateway/identity.service.js';
import type { UserRole } from '../gateway/principal.js';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';

/** A user as the portal knows it: the directory's user with the portal's own state. */
export interface PortalUser extends UserRecord {
  /** False until the user accepted an invitation (or reset a password) and so has one. */
  readonly hasPassword: boolean;
  readonly lockedUntil: string | null;
  readonly lastLoginAt: string | null;
}

/** A directory user joined with its portal credential, as the account queries read it. */
export interface PortalUserRow {
  id: string;
  email: string;
  display_name: string;
  role: UserRole;
  partner_id: string | null;
  active: boolean;
  password_hash: string | null;
  failed_attempts: number | null;
  locked: boolean;
  locked_until: string | null;
  last_login_at: string | null;
}

const USER_SELECT = `SELECT u.id::text AS id, u.email, u.display_name, u.role, u.partner_id, u.active,
       c.password_hash, c.failed_attempts, (c.locked_until IS NOT NULL AND c.locked_until > now()) AS locked,
       ${isoTimestamp('c.locked_until')} AS locked_until, ${isoTimestamp('c.last_login_at')} AS last_login_at
  FROM app_user u LEFT JOIN portal_credential c ON c.user_id = u.id`;

export const SUPPLIER_ROLES: readonly UserRole[] = ['supplier-user', 'supplier-admin'];

export async function findPortalUser(db: Queryable, id: string): Promise<PortalUser | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await queryRows<PortalUserRow>(db, `${USER_SELECT} WHERE u.id::text = $1`, [id]);
  return row && toPortalUser(row);
}

/** The row of the user with this address, which the caller has normalised (trimmed, lower case). */
export async function findPortalUserRow(db: Queryable, email: string): Promise<PortalUserRow | undefined> {
  const [row] = await queryRows<PortalUserRow>(db, `${USER_SELECT} WHERE u.email = $1`, [email]);
  return row;
}

/** The users of one partner, or every portal user when `partnerId` is null (admins). */
export async function listPortalUsers(db: Queryable, partnerId: string | null): Promise<PortalUser[]> {
  const rows = await queryRows<PortalUserRow>(
    db,
    `${USER_SELECT} WHERE ($1::text IS NULL OR u.partner_id = $1) ORDER BY u.partner_id NULLS FIRST, u.email`,
    [partnerId],
  );
  return rows.map(toPortalUser);
}

export function toPortalUser(row: PortalUserRow): PortalUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    partnerId: row.partner_id,
    active: row.active,
    hasPassword: row.password_hash !== null,
    lockedUntil: row.locked ? row.locked_until : null,
    lastLoginAt: row.last_login_at,
  };
}

export function actorOf(user: { id: string; email: string }): Actor {
  return { kind: 'user', userId: user.id, email: user.email };
}

/**
 * Audits an event about one user in a transaction of its own: for what happens outside any change
 * (a refused login, a refused reset request). Attempts nobody is known for are recorded with the
 * gateway as actor, its own observation.
 */
export async function auditUserEvent(
  dataSource: DataSource,
  audit: AuditService,
  entry: { actor: Actor; action: string; userId: string | null; partnerId: string | null; after: unknown },
): Promise<void> {
  await dataSource.transaction((tx) =>
    audit.record(tx, {
      actor: entry.actor,
      action: entry.action,
      target: { type: 'user', id: entry.userId },
      partnerId: entry.partnerId,
      after: entry.after,
    }),
  );
}
