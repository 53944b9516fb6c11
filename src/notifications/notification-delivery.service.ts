import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ExceptionCaseError, ExceptionCaseErrorCode } from '../exceptions/exception-case.exception.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { ALL_PARTNERS, type ExceptionCase } from '../exceptions/exception.types.js';
import { GatewayError, GatewayErrorCode } from '../gateway/gateway.exception.js';
import { IdentityService, type UserRecord } from '../gateway/identity.service.js';
import { PermanentJobError } from '../platform/jobs/job-definition.js';
import { MailSender } from './mail-sender.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from './notification-settings.js';
import { renderCaseMessage, renderDigestMessage, DIGEST_MAX_LISTED } from './notification-render.js';
import { NotificationRepository, type NewNotification } from './notification.repository.js';
import {
  WEBHOOK_RECIPIENT,
  type DigestRow,
  type NotificationChannel,
  type NotifyPayload,
} from './notification.types.js';
import { webhookDigestBody, webhookNotificationBody } from './webhook-render.js';
import { WebhookSender } from './webhook-sender.js';

/** What happened to one notification job's try. */
export type DeliveryOutcome = 'sent' | 'held' | 'already-sent' | 'digested' | 'skipped';

/**
 * Sends one notification or one digest. The decision (alone or held for the digest) is recorded
 * before anything is sent and never taken twice; the send itself is a remote effect, so it is
 * at-least-once: a crash between the SMTP server's "250 OK" and the commit of `sent` repeats the
 * mail on the next try, under the same Message-ID (and the webhook under the same delivery id),
 * by which clients and receivers recognise the copy.
 */
@Injectable()
export class NotificationDelivery {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    private readonly notifications: NotificationRepository,
    private readonly exceptions: ExceptionService,
    private readonly identity: IdentityService,
    private readonly mail: MailSender,
    private readonly webhook: WebhookSender,
  ) {}

  async deliver(channel: NotificationChannel, payload: NotifyPayload): Promise<DeliveryOutcome> {
    const c = await this.caseOf(payload.caseId);
    const ids = messageIds(this.settings, channel, c.id, payload.eventId);
    const base = {
      caseId: c.id,
      eventId: payload.eventId,
      reason: payload.reason,
      channel,
      messageId: ids.messageId,
    };
    let user: UserRecord | undefined;
    let n: NewNotification;
    if (channel === 'email') {
      if (!payload.userId) throw new PermanentJobError(`e-mail notification of case ${c.id} names no user`);
      user = await this.userOf(payload.userId);
      n = { ...base, recipient: user?.email ?? `user:${payload.userId}`, recipientUserId: user?.id ?? null };
      if (!user?.active) {
        await this.dataSource.transaction((tx) => this.notifications.skip(tx, n, 'the user is not active'));
        return 'skipped';
      }
    } else {
      n = { ...base, recipient: WEBHOOK_RECIPIENT, recipientUserId: null };
    }
    const row = await this.dataSource.transaction((tx) =>
      this.notifications.decide(tx, n, {
        digestAfter: this.settings.digestAfter,
        windowMs: this.settings.digestWindowMs,
      }),
    );
    if (row.status === 'sent') return 'already-sent';
    if (row.status !== 'sending') return row.status;

    const options = { workbenchUrl: this.settings.workbenchUrl };
    if (channel === 'email') {
      const message = renderCaseMessage(c, payload.reason, options);
      await this.mail.send({
        to: mailbox(user!),
        ...message,
        messageId: row.messageId,
        references: ids.thread ? [ids.thread] : [],
      });
    } else {
      await this.webhook.send(
        webhookNotificationBody(c, payload.reason, row.messageId, options),
        row.messageId,
      );
    }
    await this.notifications.markSent(this.dataSource, row.id);
    return 'sent';
  }

  async deliverDigest(digestId: string): Promise<'sent' | 'already-sent'> {
    const digest = await this.notifications.digest(this.dataSource, digestId);
    if (!digest) throw new PermanentJobError(`no notification digest ${digestId}`);
    if (digest.status === 'sent') return 'already-sent';
    const items = await this.notifications.digestItems(this.dataSource, digest.id);
    const entries: { case: ExceptionCase; reason: (typeof items)[number]['reason'] }[] = [];
    for (const item of items.slice(0, DIGEST_MAX_LISTED)) {
      entries.push({ case: await this.caseOf(item.caseId), reason: item.reason });
    }
    await this.sendDigest(digest, entries, items.length);
    await this.notifications.markDigestSent(this.dataSource, digest.id);
    return 'sent';
  }

  /** A new digest's Message-ID (or webhook delivery id), stored with it and reused on every try. */
  digestMessageId(channel: NotificationChannel): string {
    const local = `exception-digest.${randomUUID()}`;
    return channel === 'email' ? `<${local}@${this.settings.email?.messageIdDomain ?? 'localhost'}>` : local;
  }

  private async sendDigest(
    digest: DigestRow,
    entries: { case: ExceptionCase; reason: NotifyPayload['reason'] }[],
    total: number,
  ): Promise<void> {
    const options = { workbenchUrl: this.settings.workbenchUrl };
    if (digest.channel === 'email') {
      const user = digest.recipientUserId ? await this.userOf(digest.recipientUserId) : undefined;
      const message = renderDigestMessage(entries, total, options);
      await this.mail.send({
        to: user ? mailbox(user) : digest.recipient,
        ...message,
        messageId: digest.messageId,
      });
    } else {
      await this.webhook.send(webhookDigestBody(entries, total, digest.messageId, options), digest.messageId);
    }
  }

  private async caseOf(id: string): Promise<ExceptionCase> {
    try {
      return await this.exceptions.get(id, ALL_PARTNERS);
    } catch (error) {
      if (error instanceof ExceptionCaseError && error.code === ExceptionCaseErrorCode.NotFound) {
        throw new PermanentJobError(`exception case ${id} does not exist`, { cause: error });
      }
      throw error;
    }
  }

  private async userOf(id: string): Promise<UserRecord | undefined> {
    try {
      return await this.identity.user(id);
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.NotFound) return undefined;
      throw error;
    }
  }
}

/**
 * Deterministic ids: `<exception.<case>.<event>@<sender's domain>>` per notification (RFC 5322
 * §3.6.4), and a thread id per case that every mail about it references, so mail clients group them.
 */
export function messageIds(
  settings: Pick<NotificationSettings, 'email'>,
  channel: NotificationChannel,
  caseId: string,
  eventId: string,
): { messageId: string; thread?: string } {
  const local = `exception.${caseId}.${eventId}`;
  if (channel === 'webhook') return { messageId: local };
  const domain = settings.email?.messageIdDomain ?? 'localhost';
  return { messageId: `<${local}@${domain}>`, thread: `<exception.${caseId}@${domain}>` };
}

function mailbox(user: UserRecord): { name: string; address: string } {
  return { name: user.displayName, address: user.email };
}
