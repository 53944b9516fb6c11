import type { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { queryRows } from '../platform/database/sql.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { hashPassword, passwordProblem, storePasswordHash } from './portal-passwords.js';

export interface OperatorPasswordResult {
  readonly userId: string;
  readonly active: boolean;
  readonly sessionsEnded: number;
}

/**
 * An operator sets a user's portal password (`gateway users set-password`): the way in on an
 * installation without e-mail, where invitation and reset links cannot be sent. The portal's own
 * policy and Argon2id hashing; like a used reset link it clears a lockout and ends the user's
 * sessions; audited as the operator, in the same transaction.
 */
export async function setPasswordAsOperator(
  db: DataSource,
  audit: AuditService,
  input: { email: string; password: string },
  actor: Actor,
): Promise<OperatorPasswordResult> {
  const email = input.email.trim().toLowerCase();
  const problem = passwordProblem(input.password, email);
  if (problem) throw new PortalError(PortalErrorCode.InvalidInput, problem);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [user] = await queryRows<{ id: string; active: boolean; partner_id: string | null }>(
      tx,
      `SELECT id::text AS id, active, partner_id FROM app_user WHERE email = $1 FOR UPDATE`,
      [email],
    );
    if (!user) throw new PortalError(PortalErrorCode.NotFound, `There is no user ${email}.`);
    await storePasswordHash(tx, user.id, passwordHash);
    const ended = await queryRows<{ sid: string }>(
      tx,
      `DELETE FROM portal_session WHERE user_id = $1 RETURNING sid`,
      [user.id],
    );
    await audit.record(tx, {
      actor,
      action: 'portal.password-set-by-operator',
      target: { type: 'user', id: user.id },
      partnerId: user.partner_id,
      after: { sessionsEnded: ended.length },
    });
    return { userId: user.id, active: user.active, sessionsEnded: ended.length };
  });
}
