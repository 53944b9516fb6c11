import { Module } from '@nestjs/common';
import type { GatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG } from '../config/config.module.js';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { GatewayModule } from '../gateway/gateway.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { ExceptionNotifier } from './exception-notifier.js';
import { MailSender } from './mail-sender.js';
import { NotificationDelivery } from './notification-delivery.service.js';
import { NotificationDigestSweep } from './notification-digest.sweep.js';
import {
  NotifyDigestJobHandler,
  NotifyEmailJobHandler,
  NotifyWebhookJobHandler,
} from './notification-job.handlers.js';
import { loadNotificationSettings, NOTIFICATION_SETTINGS } from './notification-settings.js';
import { NotificationRepository } from './notification.repository.js';
import { NOTIFICATION_JOBS } from './notification.jobs.js';
import { WebhookSender } from './webhook-sender.js';

/**
 * Exception notifications: e-mail to a case's owner and the operator's webhook when a case is
 * raised, escalated, made more severe or assigned, with a per-recipient digest against floods.
 * Without NOTIFY_SMTP_URL and NOTIFY_WEBHOOK_URL it loads, says so once, and does nothing.
 */
@Module({
  imports: [JobsModule.forFeature(NOTIFICATION_JOBS), ExceptionsModule, GatewayModule],
  providers: [
    {
      provide: NOTIFICATION_SETTINGS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => loadNotificationSettings(config),
    },
    NotificationRepository,
    MailSender,
    WebhookSender,
    NotificationDelivery,
    ExceptionNotifier,
    NotifyEmailJobHandler,
    NotifyWebhookJobHandler,
    NotifyDigestJobHandler,
    NotificationDigestSweep,
  ],
})
export class NotificationsModule {}
