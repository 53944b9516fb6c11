import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { queryRows } from '../database/sql.js';
import { LeaseService } from './lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from './leased-task.js';

/**
 * Deletes finished outbox rows after OUTBOX_RETENTION_DAYS, in small batches, in one process at a
 * time. Dead rows stay (their dead letters refer to them), and processed keys stay: they are what
 * keeps a late redelivery from repeating an effect.
 */
@Injectable()
export class OutboxRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly leases: LeaseService,
    @InjectPinoLogger(OutboxRetention.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api') return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'outbox-retention',
      everyMs: 10 * 60_000,
      ttlMs: 60_000,
      run: async (signal) => {
        await this.sweep(signal);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Returns the number of rows deleted. */
  async sweep(signal?: AbortSignal): Promise<number> {
    let deleted = 0;
    for (;;) {
      if (signal?.aborted) break;
      const rows = await queryRows<{ id: string }>(
        this.dataSource,
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox
            WHERE status = 'done' AND done_at < now() - make_interval(days => $1)
            ORDER BY id LIMIT 1000)
         RETURNING id`,
        [this.config.OUTBOX_RETENTION_DAYS],
      );
      deleted += rows.length;
      if (rows.length < 1000) break;
    }
    if (deleted > 0) this.logger.info({ deleted }, 'finished outbox rows removed');
    return deleted;
  }
}
