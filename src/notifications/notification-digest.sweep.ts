import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { LeaseService } from '../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../platform/jobs/leased-task.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { NotificationDelivery } from './notification-delivery.service.js';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from './notification-settings.js';
import { NotificationRepository } from './notification.repository.js';
import { NotifyDigestJob } from './notification.jobs.js';

/** Recipients taken per pass; the next pass takes the rest. */
const BATCH = 100;

/**
 * At the end of a recipient's window, gathers the notifications it held into one digest and queues
 * the digest's job in the same transaction (so held notifications are never lost nor sent twice by
 * two sweeps). Runs in one process at a time; sending is the job's, with its retries.
 */
@Injectable()
export class NotificationDigestSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly delivery: NotificationDelivery,
    private readonly outbox: OutboxService,
    private readonly leases: LeaseService,
    @InjectPinoLogger(NotificationDigestSweep.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api') return;
    if (!this.settings.email && !this.settings.webhook) return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'notification-digests',
      // A digest goes out at most a tenth of a window (5 s to 1 min) after its window ends.
      everyMs: Math.min(60_000, Math.max(5_000, Math.floor(this.settings.digestWindowMs / 10))),
      ttlMs: 60_000,
      run: async (signal) => {
        await this.sweep(signal);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** One pass; returns the number of digests queued. */
  async sweep(signal?: AbortSignal): Promise<number> {
    const due = await this.notifications.dueRecipients(this.dataSource, BATCH);
    let queued = 0;
    for (const { channel, recipient } of due) {
      if (signal?.aborted) break;
      const made = await this.dataSource.transaction(async (tx) => {
        const digest = await this.notifications.createDigest(
          tx,
          channel,
          recipient,
          this.delivery.digestMessageId(channel),
        );
        if (digest) {
          await this.outbox.enqueue(
            tx,
            NotifyDigestJob,
            { digestId: digest.digest.id },
            { key: digest.digest.id },
          );
        }
        return digest;
      });
      if (made) {
        queued += 1;
        this.logger.info(
          { channel, digestId: made.digest.id, notifications: made.items },
          'notification digest queued',
        );
      }
    }
    return queued;
  }
}
