import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { GatewayError } from '../gateway/gateway.exception.js';
import { IdentityService } from '../gateway/identity.service.js';
import type { UserRole } from '../gateway/principal.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows, type Queryable } from '../platform/database/sql.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { PortalLinksService } from './portal-links.service.js';
import { hashPassword, passwordMatches, passwordProblem, storePasswordHash } from './portal-passwords.js';
import {
  actorOf,
  findPortalUser,
  findPortalUserRow,
  listPortalUsers,
  SUPPLIER_ROLES,
  toPortalUser,
  type PortalUser,
} from './portal-user.js';

/**
 * Portal accounts, as the portal's pages and jobs use them: reading users, a supplier admin's
 * management of its own partner's users (invitations, deactivation), a signed-in user's change of
 * password, and the end of sessions that goes with them. Logins with lockout (PortalLoginService)
 * and the invitation and reset links (PortalLinksService, which mails the invitations made here) are
 * services of their own. Users themselves live in the identity directory (src/gateway); every change
 * here is audited in the same transaction.
 */
@Injectable()
export class PortalAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly partners: PartnerRegistry,
    private readonly links: PortalLinksService,
  ) {}

  async user(id: string, db: Queryable = this.dataSource): Promise<PortalUser | undefined> {
    return findPortalUser(db, id);
  }

  /** The users of one partner, or every portal user when `partnerId` is null (admins). */
  async users(partnerId: string | null): Promise<PortalUser[]> {
    return listPortalUsers(this.dataSource, partnerId);
  }

  /**
   * Invites a person to the partner's portal (or re-sends the invitation of one who has not accepted
   * yet): the user is added to the directory and mailed a single-use link to choose a password.
   */
  async invite(
    by: PortalUser,
    input: { email: string; displayName: string; role: UserRole; partnerId: string | null },
  ): Promise<PortalUser> {
    const partnerId = this.partnerFor(by, input.partnerId);
    if (partnerId !== null && !SUPPLIER_ROLES.includes(input.role))
      throw new PortalError(
        PortalErrorCode.InvalidInput,
        'A supplier’s user is a supplier user or a supplier admin.',
      );
    if (by.role !== 'admin' && !SUPPLIER_ROLES.includes(input.role))
      throw new PortalError(
        PortalErrorCode.Forbidden,
        'Only administrators invite buyers and administrators.',
      );
    const email = input.email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || email.length > 254)
      throw new PortalError(PortalErrorCode.InvalidInput, 'Enter a valid e-mail address.');
    const displayName = input.displayName.trim();
    if (displayName.length < 1 || displayName.length > 120)
      throw new PortalError(
        PortalErrorCode.InvalidInput,
        'Enter the person’s name (at most 120 characters).',
      );
    const actor = actorOf(by);
    let user: PortalUser;
    const existing = await findPortalUserRow(this.dataSource, email);
    if (existing) {
      // Only a pending invitation of the same partner may be sent again; anything else is someone else's.
      if (existing.password_hash || existing.partner_id !== partnerId || !existing.active)
        throw new PortalError(PortalErrorCode.InvalidInput, `${email} already has an account.`);
      user = toPortalUser(existing);
    } else {
      try {
        const added = await this.identity.addUser({ email, displayName, role: input.role, partnerId }, actor);
        user = (await this.user(added.id))!;
      } catch (error) {
        if (error instanceof GatewayError) throw new PortalError(PortalErrorCode.InvalidInput, error.message);
        throw error;
      }
    }
    await this.links.sendInvitation(user, actor);
    return user;
  }

  /** A signed-in user changes the password: the current one is checked, other sessions end. */
  async changePassword(user: PortalUser, current: string, next: string, keepSid: string): Promise<void> {
    const [row] = await queryRows<{ password_hash: string }>(
      this.dataSource,
      `SELECT password_hash FROM portal_credential WHERE user_id = $1`,
      [user.id],
    );
    if (!row || !(await passwordMatches(row.password_hash, current)))
      throw new PortalError(PortalErrorCode.InvalidInput, 'The current password is wrong.');
    const problem = passwordProblem(next, user.email);
    if (problem) throw new PortalError(PortalErrorCode.InvalidInput, problem);
    const passwordHash = await hashPassword(next);
    await this.dataSource.transaction(async (tx) => {
      await storePasswordHash(tx, user.id, passwordHash);
      const ended = await queryRows<{ sid: string }>(
        tx,
        `DELETE FROM portal_session WHERE user_id = $1 AND sid <> $2 RETURNING sid`,
        [user.id, keepSid],
      );
      await this.audit.record(tx, {
        actor: actorOf(user),
        action: 'portal.password-changed',
        target: { type: 'user', id: user.id },
        partnerId: user.partnerId,
        after: { otherSessionsEnded: ended.length },
      });
    });
  }

  /** A supplier admin (or an admin) deactivates or reactivates a user; deactivation ends the user's sessions. */
  async setActive(by: PortalUser, userId: string, active: boolean): Promise<PortalUser> {
    const target = await this.user(userId);
    if (!target || (by.role !== 'admin' && target.partnerId !== by.partnerId))
      throw new PortalError(PortalErrorCode.NotFound, 'No such user.');
    if (target.id === by.id)
      throw new PortalError(PortalErrorCode.InvalidInput, 'You cannot deactivate yourself.');
    if (by.role !== 'admin' && !SUPPLIER_ROLES.includes(target.role))
      throw new PortalError(PortalErrorCode.NotFound, 'No such user.');
    if (target.active === active) return target;
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE app_user SET active = $2 WHERE id = $1`, [target.id, active]);
      const ended = active
        ? []
        : await queryRows<{ sid: string }>(
            tx,
            `DELETE FROM portal_session WHERE user_id = $1 RETURNING sid`,
            [target.id],
          );
      if (!active)
        await tx.query(`UPDATE portal_link SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [
          target.id,
        ]);
      await this.audit.record(tx, {
        actor: actorOf(by),
        action: active ? 'user.reactivated' : 'user.deactivated',
        target: { type: 'user', id: target.id },
        partnerId: target.partnerId,
        before: { active: target.active },
        after: { active, sessionsEnded: ended.length },
      });
    });
    return (await this.user(target.id))!;
  }

  /** Re-sends a pending invitation (the earlier link stops working). */
  async resendInvitation(by: PortalUser, userId: string): Promise<PortalUser> {
    const target = await this.user(userId);
    if (!target || (by.role !== 'admin' && target.partnerId !== by.partnerId))
      throw new PortalError(PortalErrorCode.NotFound, 'No such user.');
    if (target.hasPassword || !target.active)
      throw new PortalError(
        PortalErrorCode.InvalidInput,
        `${target.email} has accepted the invitation already.`,
      );
    await this.links.sendInvitation(target, actorOf(by));
    return target;
  }

  private partnerFor(by: PortalUser, requested: string | null): string | null {
    if (by.role === 'supplier-admin') return by.partnerId;
    if (by.role !== 'admin')
      throw new PortalError(PortalErrorCode.Forbidden, 'Only administrators manage users.');
    if (requested && !this.partners.get(requested))
      throw new PortalError(PortalErrorCode.InvalidInput, `There is no partner ${requested}.`);
    return requested || null;
  }
}
