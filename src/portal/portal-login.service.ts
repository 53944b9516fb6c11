import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isoTimestamp, queryRows } from '../platform/database/sql.js';
import { PortalLinksService } from './portal-links.service.js';
import { decoyHash, passwordMatches } from './portal-passwords.js';
import {
  actorOf,
  auditUserEvent,
  findPortalUser,
  findPortalUserRow,
  toPortalUser,
  type PortalUser,
  type PortalUserRow,
} from './portal-user.js';

export type LoginResult =
  | { readonly ok: true; readonly user: PortalUser }
  /** `portal-off`: the password was right, but the user's partner has its portal channel switched off. */
  | { readonly ok: false; readonly reason: 'invalid' | 'locked' | 'portal-off' };

/**
 * Password logins with lockout, and log-outs. A wrong password counts against the account; after
 * PORTAL_LOCKOUT_ATTEMPTS of them it is locked for PORTAL_LOCKOUT_MINUTES and its owner is mailed a
 * reset link. Every answer takes as long as a password check and says the same to a guesser whether
 * the address is unknown, inactive or locked. Every attempt is audited.
 */
@Injectable()
export class PortalLoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly partners: PartnerRegistry,
    private readonly links: PortalLinksService,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async login(email: string, password: string): Promise<LoginResult> {
    const normalized = email.trim().toLowerCase();
    const row = await findPortalUserRow(this.dataSource, normalized);
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
      if (attempt.lock) this.noticeLock(toPortalUser(row));
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
    return { ok: true, user: (await findPortalUser(this.dataSource, row.id))! };
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
    this.links.queueResetMail(user, { kind: 'gateway' }, 'locked').catch((error: unknown) =>
      this.auditAnonymous('portal.lock-notice-failed', user.id, user.partnerId, {
        reason: (error as Error).message,
      }).catch(() => undefined),
    );
  }

  private async refuseLocked(actor: Actor, row: PortalUserRow): Promise<LoginResult> {
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

  private async auditAs(actor: Actor, action: string, row: PortalUserRow, after: unknown): Promise<void> {
    await auditUserEvent(this.dataSource, this.audit, {
      actor,
      action,
      userId: row.id,
      partnerId: row.partner_id,
      after,
    });
  }

  /** Attempts nobody is known for are recorded as the gateway's own observation. */
  private async auditAnonymous(
    action: string,
    userId: string | null,
    partnerId: string | null,
    after: unknown,
  ): Promise<void> {
    await auditUserEvent(this.dataSource, this.audit, {
      actor: { kind: 'gateway' },
      action,
      userId,
      partnerId,
      after,
    });
  }
}
