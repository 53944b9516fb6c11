import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { GatewayError } from '../gateway/gateway.exception.js';
import { IdentityService } from '../gateway/identity.service.js';
import type { UserRole } from '../gateway/principal.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from '../notifications/notification-settings.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { linkTokenHash, newLinkToken, PortalLinkMailer, type LinkReason } from './portal-link-mail.js';
import { PortalResetMailJob } from './portal.jobs.js';
import {
  decoyHash,
  hashPassword,
  passwordMatches,
  passwordProblem,
  storePasswordHash,
} from './portal-passwords.js';

export type LinkKind = 'invitation' | 'password-reset';

/** A user as the portal knows it: the directory's user with the portal's own state. */
export interface PortalUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly partnerId: string | null;
  readonly active: boolean;
  /** False until the user accepted an invitation (or reset a password) and so has one. */
  readonly hasPassword: boolean;
  readonly lockedUntil: string | null;
  readonly lastLoginAt: string | null;
}

export type LoginResult =
  | { readonly ok: true; readonly user: PortalUser }
  /** `portal-off`: the password was right, but the user's partner has its portal channel switched off. */
  | { readonly ok: false; readonly reason: 'invalid' | 'locked' | 'portal-off' };

interface UserRow {
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

const SUPPLIER_ROLES: readonly UserRole[] = ['supplier-user', 'supplier-admin'];

/** A further reset mail is sent only once the last one is used, expired, or this many minutes old. */
export const RESET_MAIL_INTERVAL_MINUTES = 5;

/**
 * Portal accounts: password logins with lockout, invitations and password resets by single-use
 * expiring links sent by e-mail, a supplier admin's management of its own partner's users, and the
 * end of sessions (log out everywhere, deactivation, a new password). Users themselves live in the
 * identity directory (src/gateway); every change here is audited in the same transaction.
 */
@Injectable()
export class PortalAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly partners: PartnerRegistry,
    private readonly mailer: PortalLinkMailer,
    private readonly outbox: OutboxService,
    @Inject(NOTIFICATION_SETTINGS) private readonly mailSettings: NotificationSettings,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async user(id: string, db: Queryable = this.dataSource): Promise<PortalUser | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await queryRows<UserRow>(db, `${USER_SELECT} WHERE u.id::text = $1`, [id]);
    return row && toUser(row);
  }

  /** The users of one partner, or every portal user when `partnerId` is null (admins). */
  async users(partnerId: string | null): Promise<PortalUser[]> {
    const rows = await queryRows<UserRow>(
      this.dataSource,
      `${USER_SELECT} WHERE ($1::text IS NULL OR u.partner_id = $1) ORDER BY u.partner_id NULLS FIRST, u.email`,
      [partnerId],
    );
    return rows.map(toUser);
  }

  async login(email: string, password: string): Promise<LoginResult> {
    const normalized = email.trim().toLowerCase();
    const [row] = await queryRows<UserRow>(this.dataSource, `${USER_SELECT} WHERE u.email = $1`, [
      normalized,
    ]);
    const partnerGone = row?.partner_id ? !this.partners.get(row.partner_id) : false;
    if (!row || !row.password_hash || !row.active || partnerGone) {
      await passwordMatches(await decoyHash(), password);
      await this.auditAnonymous('portal.login-failed', row?.id ?? null, row?.partner_id ?? null, {
        email: normalized,
        reason: !row ? 'unknown-email' : !row.active || partnerGone ? 'inactive' : 'no-password',
      });
      return { ok: false, reason: 'invalid' };
    }
    const actor = actorOf(row);
    const attempt = await this.reserveAttempt(row.id);
    if (!attempt) {
      // No password is checked while locked, but as long as one is, so the answer's timing does not
      // set a locked account apart from an unknown address (the page says the same for both).
      await passwordMatches(await decoyHash(), password);
      return this.refuseLocked(actor, row);
    }
    if (!(await passwordMatches(row.password_hash, password))) {
      await this.auditAs(
        actor,
        attempt.lock ? 'portal.account-locked' : 'portal.login-failed',
        row,
        attempt.lock
          ? { lockedForMinutes: this.config.PORTAL_LOCKOUT_MINUTES }
          : { reason: 'wrong-password', failedAttempts: attempt.number },
      );
      if (attempt.lock) this.noticeLock(toUser(row));
      return { ok: false, reason: attempt.lock ? 'locked' : 'invalid' };
    }
    // Told only after the password proved who asks, so the answer reveals nothing to a guesser.
    if (row.partner_id && !this.partners.channelOn(row.partner_id, 'portal')) {
      await this.auditAs(actor, 'portal.login-refused', row, { reason: 'portal-channel-disabled' });
      return { ok: false, reason: 'portal-off' };
    }
    const signedIn = await this.dataSource.transaction(async (tx) => {
      // Lifts only the lock this attempt set itself: one set by a concurrent failure stands.
      const [cleared] = await queryRows<{ user_id: string }>(
        tx,
        `UPDATE portal_credential SET failed_attempts = 0, locked_until = NULL, last_login_at = now()
          WHERE user_id = $1 AND (locked_until IS NULL OR locked_until <= now() OR locked_until = $2::timestamptz)
        RETURNING user_id::text AS user_id`,
        [row.id, attempt.lock],
      );
      if (!cleared) return false;
      await this.audit.record(tx, {
        actor,
        action: 'portal.signed-in',
        target: { type: 'user', id: row.id },
        partnerId: row.partner_id,
      });
      return true;
    });
    if (!signedIn) return this.refuseLocked(actor, row);
    return { ok: true, user: (await this.user(row.id))! };
  }

  /**
   * Counts a password attempt before the slow check runs, in one statement, so attempts arriving at
   * once cannot all pass a lock check made on a snapshot: at most PORTAL_LOCKOUT_ATTEMPTS checks run
   * per lockout window. The last allowed attempt locks the account in advance (`lock`, lifted again
   * by a right password); none is reserved while the account is locked.
   */
  private async reserveAttempt(userId: string): Promise<{ number: number; lock: string | null } | undefined> {
    const [attempt] = await queryRows<{ number: number; lock: string | null }>(
      this.dataSource,
      `UPDATE portal_credential
          SET failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
              locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) END
        WHERE user_id = $1 AND (locked_until IS NULL OR locked_until <= now())
      RETURNING CASE WHEN locked_until IS NULL THEN failed_attempts ELSE $2::int END AS number,
                locked_until::text AS lock`,
      [userId, this.config.PORTAL_LOCKOUT_ATTEMPTS, this.config.PORTAL_LOCKOUT_MINUTES],
    );
    return attempt;
  }

  /**
   * The locked user learns it by mail (the page tells everyone the same), with a reset link: the
   * reset path's queued mail, its audit and its one-mail-per-interval limit. Not awaited, so the
   * answer that locks takes no longer than any other wrong password; a failure to queue it is audited
   * here, a mail that cannot be delivered by its job.
   */
  private noticeLock(user: PortalUser): void {
    this.queueResetMail(user, { kind: 'gateway' }, 'locked').catch((error: unknown) =>
      this.auditAnonymous('portal.lock-notice-failed', user.id, user.partnerId, {
        reason: (error as Error).message,
      }).catch(() => undefined),
    );
  }

  private async refuseLocked(actor: Actor, row: UserRow): Promise<LoginResult> {
    const [lock] = await queryRows<{ locked_until: string | null }>(
      this.dataSource,
      `SELECT ${isoTimestamp('locked_until')} AS locked_until FROM portal_credential WHERE user_id = $1`,
      [row.id],
    );
    await this.auditAs(actor, 'portal.login-refused', row, {
      reason: 'locked',
      lockedUntil: lock?.locked_until ?? null,
    });
    return { ok: false, reason: 'locked' };
  }

  async recordLogout(user: PortalUser, everywhere: boolean): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      let ended = 0;
      if (everywhere) {
        const rows = await queryRows<{ sid: string }>(
          tx,
          `DELETE FROM portal_session WHERE user_id = $1 RETURNING sid`,
          [user.id],
        );
        ended = rows.length;
      }
      await this.audit.record(tx, {
        actor: actorOf(user),
        action: everywhere ? 'portal.signed-out-everywhere' : 'portal.signed-out',
        target: { type: 'user', id: user.id },
        partnerId: user.partnerId,
        ...(everywhere ? { after: { sessionsEnded: ended } } : {}),
      });
      return ended;
    });
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
    const [existing] = await queryRows<UserRow>(this.dataSource, `${USER_SELECT} WHERE u.email = $1`, [
      email,
    ]);
    if (existing) {
      // Only a pending invitation of the same partner may be sent again; anything else is someone else's.
      if (existing.password_hash || existing.partner_id !== partnerId || !existing.active)
        throw new PortalError(PortalErrorCode.InvalidInput, `${email} already has an account.`);
      user = toUser(existing);
    } else {
      try {
        const added = await this.identity.addUser({ email, displayName, role: input.role, partnerId }, actor);
        user = (await this.user(added.id))!;
      } catch (error) {
        if (error instanceof GatewayError) throw new PortalError(PortalErrorCode.InvalidInput, error.message);
        throw error;
      }
    }
    await this.sendInvitation(user, actor);
    return user;
  }

  /**
   * Queues a reset link's mail to an active user with that address; says nothing about unknown
   * addresses. It returns without waiting for the mail server, whose delay (or outage) would otherwise
   * set a known address apart from an unknown one.
   */
  async requestReset(email: string): Promise<void> {
    // Said to everyone alike, before the address is looked up, so it tells nothing about accounts.
    if (!this.mailSettings.email) throw mailNotConfigured();
    const [row] = await queryRows<UserRow>(this.dataSource, `${USER_SELECT} WHERE u.email = $1`, [
      email.trim().toLowerCase(),
    ]);
    if (!row || !row.active) {
      await this.auditAnonymous('portal.password-reset-refused', row?.id ?? null, row?.partner_id ?? null, {
        email: email.trim().toLowerCase().slice(0, 254),
        reason: row ? 'inactive' : 'unknown-email',
      });
      return;
    }
    const user = toUser(row);
    await this.queueResetMail(user, actorOf(user));
  }

  /** The user a link is for, when it is valid (unused, unexpired), without using it. */
  async linkUser(kind: LinkKind, token: string): Promise<PortalUser | undefined> {
    const [row] = await queryRows<{ user_id: string }>(
      this.dataSource,
      `SELECT user_id::text AS user_id FROM portal_link
        WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now()`,
      [linkTokenHash(token), kind],
    );
    const user = row && (await this.user(row.user_id));
    return user?.active ? user : undefined;
  }

  /**
   * Uses a link once: sets the password (and the name, for an invitation), clears a lockout, ends
   * every session of the user and voids the user's other links of the same kind.
   */
  async completeLink(
    kind: LinkKind,
    token: string,
    input: { password: string; displayName?: string },
  ): Promise<PortalUser> {
    const user = await this.dataSource.transaction(async (tx) => {
      const [link] = await queryRows<{ id: string; user_id: string }>(
        tx,
        `SELECT id::text AS id, user_id::text AS user_id FROM portal_link
          WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now() FOR UPDATE`,
        [linkTokenHash(token), kind],
      );
      const user = link && (await this.user(link.user_id, tx));
      if (!link || !user?.active)
        throw new PortalError(
          PortalErrorCode.LinkInvalid,
          'This link was used already, has expired or is not valid. Ask for a new one.',
        );
      const problem = passwordProblem(input.password, user.email);
      if (problem) throw new PortalError(PortalErrorCode.InvalidInput, problem);
      await tx.query(
        `UPDATE portal_link SET used_at = now() WHERE user_id = $1 AND kind = $2 AND used_at IS NULL`,
        [user.id, kind],
      );
      await this.storePassword(tx, user.id, await hashPassword(input.password));
      const name = input.displayName?.trim();
      if (kind === 'invitation' && name && name.length <= 120 && name !== user.displayName)
        await tx.query(`UPDATE app_user SET display_name = $2 WHERE id = $1`, [user.id, name]);
      const ended = await queryRows<{ sid: string }>(
        tx,
        `DELETE FROM portal_session WHERE user_id = $1 RETURNING sid`,
        [user.id],
      );
      await this.audit.record(tx, {
        actor: actorOf(user),
        action: kind === 'invitation' ? 'portal.invitation-accepted' : 'portal.password-reset',
        target: { type: 'user', id: user.id },
        partnerId: user.partnerId,
        after: { linkId: link.id, sessionsEnded: ended.length },
      });
      return user;
    });
    return (await this.user(user.id))!;
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
      await this.storePassword(tx, user.id, passwordHash);
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
    await this.sendInvitation(target, actorOf(by));
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

  private async storePassword(tx: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await storePasswordHash(tx, userId, passwordHash);
  }

  /**
   * Creates an invitation link and mails it while the inviting person waits, so they learn at once
   * when the mail server could not take it (the link is then void).
   */
  private async sendInvitation(user: PortalUser, actor: Actor): Promise<void> {
    if (!this.mailSettings.email) throw mailNotConfigured();
    const token = newLinkToken();
    const linkId = await this.dataSource.transaction((tx) =>
      this.createLink(tx, 'invitation', user, actor, linkTokenHash(token)),
    );
    try {
      await this.mailer.send('invitation', user, { id: linkId, token });
    } catch (error) {
      await this.dataSource.query(`UPDATE portal_link SET used_at = now() WHERE id = $1`, [linkId]);
      throw new PortalError(
        PortalErrorCode.MailUnavailable,
        `The e-mail to ${user.email} could not be sent (${(error as Error).message}); try again later.`,
      );
    }
  }

  /**
   * Creates a reset link and queues its mail (PortalResetMailJob) in the same transaction; nobody
   * waits for the mail server. Nothing is sent while a reset link mailed within
   * RESET_MAIL_INTERVAL_MINUTES is still open, so nobody can flood a mailbox through the reset page.
   */
  private async queueResetMail(user: PortalUser, actor: Actor, because?: LinkReason): Promise<void> {
    if (!this.mailSettings.email) throw mailNotConfigured();
    await this.dataSource.transaction(async (tx) => {
      // One request per user at a time, so two at once cannot both find no recent link.
      await tx.query(`SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE`, [user.id]);
      const [recent] = await queryRows<{ id: string }>(
        tx,
        `SELECT id::text AS id FROM portal_link
          WHERE user_id = $1 AND kind = 'password-reset' AND used_at IS NULL AND expires_at > now()
            AND created_at > now() - make_interval(mins => $2)`,
        [user.id, RESET_MAIL_INTERVAL_MINUTES],
      );
      if (recent) {
        await this.audit.record(tx, {
          actor: { kind: 'gateway' },
          action: 'portal.password-reset-refused',
          target: { type: 'user', id: user.id },
          partnerId: user.partnerId,
          after: { reason: 'sent-recently', linkId: recent.id, withinMinutes: RESET_MAIL_INTERVAL_MINUTES },
        });
        return;
      }
      // A placeholder nobody learns: the job mints the token it mails.
      const linkId = await this.createLink(tx, 'password-reset', user, actor, linkTokenHash(newLinkToken()));
      await this.outbox.enqueue(
        tx,
        PortalResetMailJob,
        { linkId, ...(because ? { because } : {}) },
        { key: linkId },
      );
    });
  }

  /** A new link of `kind` (the user's earlier open ones are void), audited; the token itself is never stored. */
  private async createLink(
    tx: EntityManager,
    kind: LinkKind,
    user: PortalUser,
    actor: Actor,
    tokenHash: string,
  ): Promise<string> {
    const minutes =
      kind === 'invitation' ? this.config.PORTAL_INVITATION_HOURS * 60 : this.config.PORTAL_RESET_MINUTES;
    await tx.query(
      `UPDATE portal_link SET used_at = now() WHERE user_id = $1 AND kind = $2 AND used_at IS NULL`,
      [user.id, kind],
    );
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO portal_link (kind, user_id, token_hash, expires_at, created_by)
       VALUES ($1, $2, $3, now() + make_interval(mins => $4), $5) RETURNING id::text AS id`,
      [kind, user.id, tokenHash, minutes, actor.kind === 'user' ? actor.email : actor.kind],
    );
    await this.audit.record(tx, {
      actor,
      action: kind === 'invitation' ? 'portal.invitation-sent' : 'portal.password-reset-requested',
      target: { type: 'user', id: user.id },
      partnerId: user.partnerId,
      after: { linkId: row!.id, email: user.email, role: user.role, validMinutes: minutes },
    });
    return row!.id;
  }

  private async auditAs(actor: Actor, action: string, row: UserRow, after: unknown): Promise<void> {
    await this.dataSource.transaction((tx) =>
      this.audit.record(tx, {
        actor,
        action,
        target: { type: 'user', id: row.id },
        partnerId: row.partner_id,
        after,
      }),
    );
  }

  /** Attempts nobody is known for are recorded as the gateway's own observation. */
  private async auditAnonymous(
    action: string,
    userId: string | null,
    partnerId: string | null,
    after: unknown,
  ): Promise<void> {
    await this.dataSource.transaction((tx) =>
      this.audit.record(tx, {
        actor: { kind: 'gateway' },
        action,
        target: { type: 'user', id: userId },
        partnerId,
        after,
      }),
    );
  }
}

export function actorOf(user: { id: string; email: string }): Actor {
  return { kind: 'user', userId: user.id, email: user.email };
}

function toUser(row: UserRow): PortalUser {
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

function mailNotConfigured(): PortalError {
  return new PortalError(
    PortalErrorCode.MailNotConfigured,
    'E-mail is not configured on this gateway (NOTIFY_SMTP_URL), so no link can be sent: an operator sets the password with `gateway users set-password EMAIL`.',
  );
}
