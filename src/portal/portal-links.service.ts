import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from '../notifications/notification-settings.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import {
  linkTokenHash,
  newLinkToken,
  PortalLinkMailer,
  type LinkKind,
  type LinkReason,
} from './portal-link-mail.js';
import { PortalResetMailJob } from './portal.jobs.js';
import { hashPassword, passwordProblem, storePasswordHash } from './portal-passwords.js';
import {
  actorOf,
  auditUserEvent,
  findPortalUser,
  findPortalUserRow,
  toPortalUser,
  type PortalUser,
} from './portal-user.js';

/** A further reset mail is sent only once the last one is used, expired, or this many minutes old. */
export const RESET_MAIL_INTERVAL_MINUTES = 5;

/**
 * Invitations and password resets by single-use expiring links sent by e-mail: a link is made (the
 * user's earlier open links of its kind are void), mailed, looked at and used once. Only a token's
 * hash is stored. Every link made or used is audited in the same transaction.
 */
@Injectable()
export class PortalLinksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly mailer: PortalLinkMailer,
    private readonly outbox: OutboxService,
    @Inject(NOTIFICATION_SETTINGS) private readonly mailSettings: NotificationSettings,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /**
   * Queues a reset link's mail to an active user with that address; says nothing about unknown
   * addresses. It returns without waiting for the mail server, whose delay (or outage) would otherwise
   * set a known address apart from an unknown one.
   */
  async requestReset(email: string): Promise<void> {
    // Said to everyone alike, before the address is looked up, so it tells nothing about accounts.
    if (!this.mailSettings.email) throw mailNotConfigured();
    const row = await findPortalUserRow(this.dataSource, email.trim().toLowerCase());
    if (!row || !row.active) {
      await auditUserEvent(this.dataSource, this.audit, {
        actor: { kind: 'gateway' },
        action: 'portal.password-reset-refused',
        userId: row?.id ?? null,
        partnerId: row?.partner_id ?? null,
        after: {
          email: email.trim().toLowerCase().slice(0, 254),
          reason: row ? 'inactive' : 'unknown-email',
        },
      });
      return;
    }
    const user = toPortalUser(row);
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
    const user = row && (await findPortalUser(this.dataSource, row.user_id));
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
      const user = link && (await findPortalUser(tx, link.user_id));
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
      await storePasswordHash(tx, user.id, await hashPassword(input.password));
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
    return (await findPortalUser(this.dataSource, user.id))!;
  }

  /**
   * Creates an invitation link and mails it while the inviting person waits, so they learn at once
   * when the mail server could not take it (the link is then void).
   */
  async sendInvitation(user: PortalUser, actor: Actor): Promise<void> {
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
  async queueResetMail(user: PortalUser, actor: Actor, because?: LinkReason): Promise<void> {
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
}

function mailNotConfigured(): PortalError {
  return new PortalError(
    PortalErrorCode.MailNotConfigured,
    'E-mail is not configured on this gateway (NOTIFY_SMTP_URL), so no link can be sent: an operator sets the password with `gateway users set-password EMAIL`.',
  );
}
