import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import type { LeaseService } from './lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from './leased-task.js';

export interface SweepSchedule {
  /** The lease's name: one process sweeps at a time. */
  readonly name: string;
  readonly everyMs: number;
  readonly ttlMs?: number;
}

/**
 * A periodic pass that one process runs at a time (timers, pollers): started with the application on
 * every role but `api`, stopped before it shuts down. Subclasses say what one pass does.
 */
export abstract class LeasedSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;

  protected constructor(
    private readonly schedule: SweepSchedule,
    private readonly gatewayConfig: GatewayConfig,
    private readonly leaseService: LeaseService,
    private readonly sweepLogger: PinoLogger,
  ) {}

  /** One pass at `now`; the signal aborts when the lease is lost or the process stops. */
  protected abstract pass(now: Date, signal: AbortSignal): Promise<unknown>;

  /** Whether this process should sweep at all (e.g. only when some partner needs it). */
  protected wanted(): boolean {
    return true;
  }

  onApplicationBootstrap(): void {
    if (this.gatewayConfig.GATEWAY_ROLE === 'api' || !this.wanted()) return;
    this.task = startLeasedTask(this.leaseService, this.sweepLogger, {
      name: this.schedule.name,
      everyMs: this.schedule.everyMs,
      ttlMs: this.schedule.ttlMs ?? 60_000,
      run: async (signal) => {
        await this.pass(new Date(), signal);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
