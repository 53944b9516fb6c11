import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { MailSender, type OutgoingMail } from '../notifications/mail-sender.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from '../notifications/notification-settings.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import type { PortalUser } from './portal-user.js';

export type LinkKind = 'invitation' | 'password-reset';

/** Why a reset link is mailed without being asked for: the account was just locked. */
export type LinkReason = 'locked';

/** 32 random bytes: what a link carries. Only its hash (`linkTokenHash`) is stored. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function linkTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Writes and sends the mail carrying an invitation or a reset link. */
@Injectable()
export class PortalLinkMailer {
  constructor(
    private readonly mail: MailSender,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    private readonly partners: PartnerRegistry,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /** Throws what MailSender throws (a PermanentJobError for an SMTP 5xx). */
  async send(
    kind: LinkKind,
    user: PortalUser,
    link: { readonly id: string; readonly token: string },
    because?: LinkReason,
  ): Promise<void> {
    await this.mail.send(this.compose(kind, user, link, because));
  }

  private compose(
    kind: LinkKind,
    user: PortalUser,
    link: { readonly id: string; readonly token: string },
    because?: LinkReason,
  ): OutgoingMail {
    const url = `${this.baseUrl()}/portal/${kind === 'invitation' ? 'invitations' : 'password-reset'}/${link.token}`;
    const lines =
      kind === 'invitation' ? this.invitationLines(user, url) : this.resetLines(user, url, because);
    const domain = this.settings.email?.from.match(/@([^>\s]+)/)?.[1] ?? 'supplier-gateway.invalid';
    return {
      to: { name: user.displayName, address: user.email },
      subject:
        kind === 'invitation'
          ? 'Your invitation to the supplier portal'
          : because === 'locked'
            ? 'Your supplier portal account is locked'
            : 'Reset your supplier portal password',
      text: lines.join('\n'),
      html: `<p>${lines.map(escapeHtml).join('<br>')}</p>`.replace(
        escapeHtml(url),
        `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`,
      ),
      // The link's id: every try of one link's mail is recognisably the same mail.
      messageId: `<portal-${link.id}@${domain}>`,
    };
  }

  private invitationLines(user: PortalUser, url: string): string[] {
    const partner = user.partnerId ? (this.partners.get(user.partnerId)?.name ?? user.partnerId) : null;
    return [
      `Hello ${user.displayName},`,
      '',
      `you are invited to the supplier portal${partner ? ` for ${partner}` : ''} as ${user.role}.`,
      'Open this link to choose your password (it works once):',
      '',
      url,
      '',
      `The link is valid for ${this.config.PORTAL_INVITATION_HOURS} hours. If you did not expect this mail, ignore it.`,
    ];
  }

  private resetLines(user: PortalUser, url: string, because?: LinkReason): string[] {
    const validity = `${this.config.PORTAL_RESET_MINUTES} minutes`;
    return [
      `Hello ${user.displayName},`,
      '',
      because === 'locked'
        ? `your supplier portal account is locked for ${this.config.PORTAL_LOCKOUT_MINUTES} minutes after ${this.config.PORTAL_LOCKOUT_ATTEMPTS} failed sign-in attempts. You can sign in again once it lapses. If the attempts were not yours, choose a new password.`
        : 'someone (hopefully you) asked to reset your supplier portal password.',
      'Open this link to choose a new one (it works once):',
      '',
      url,
      '',
      because === 'locked'
        ? `The link is valid for ${validity}. Your password stays as it is unless you choose a new one.`
        : `The link is valid for ${validity}. If you did not ask for it, ignore this mail; your password stays as it is.`,
    ];
  }

  private baseUrl(): string {
    return (this.config.PUBLIC_URL ?? `http://localhost:${this.config.PORT}`).replace(/\/+$/, '');
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
