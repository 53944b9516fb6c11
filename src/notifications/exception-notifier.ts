import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';
import {
  ExceptionService,
  type ExceptionCaseChange,
  type ExceptionCaseListener,
} from '../exceptions/exception.service.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from './notification-settings.js';
import { notificationPlan } from './notification-triggers.js';
import { NotifyEmailJob, NotifyWebhookJob } from './notification.jobs.js';

/**
 * Queues the notifications of a case change in the change's own transaction: the outbox jobs commit
 * with the case or not at all, and their keys (case id + history event id) make one job per change
 * and channel however often the change's transaction is retried.
 */
@Injectable()
export class ExceptionNotifier implements ExceptionCaseListener, OnModuleInit {
  constructor(
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    private readonly exceptions: ExceptionService,
    private readonly outbox: OutboxService,
    @InjectPinoLogger(ExceptionNotifier.name) private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    const { email, webhook, digestAfter, digestWindowMs } = this.settings;
    if (!email && !webhook) {
      this.logger.info(
        'exception notifications are off: neither NOTIFY_SMTP_URL nor NOTIFY_WEBHOOK_URL is set',
      );
      return;
    }
    this.exceptions.listen(this);
    this.logger.info(
      {
        email: email ? `${email.implicitTls ? 'smtps' : 'smtp'}://${email.host}:${email.port}` : 'off',
        // The path of a chat webhook is its secret: only the origin is logged.
        webhook: webhook ? new URL(webhook.url).origin : 'off',
        digestAfter,
        digestWindowMinutes: digestWindowMs / 60_000,
      },
      'exception notifications are on',
    );
  }

  async caseChanged(tx: EntityManager, change: ExceptionCaseChange): Promise<void> {
    const plan = notificationPlan(change);
    if (!plan) return;
    const key = `${change.case.id}:${change.eventId}`;
    const options = { key, correlationId: change.case.correlationId };
    const base = { caseId: change.case.id, eventId: change.eventId, reason: plan.reason };
    if (this.settings.email && plan.emailUserId) {
      await this.outbox.enqueue(tx, NotifyEmailJob, { ...base, userId: plan.emailUserId }, options);
    }
    if (this.settings.webhook && plan.webhook) {
      await this.outbox.enqueue(tx, NotifyWebhookJob, base, options);
    }
  }
}
