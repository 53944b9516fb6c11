import { randomUUID } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import { withCorrelation } from '../logging/correlation.js';
import type { LeaseService } from './lease.service.js';

export interface LeasedTaskOptions {
  /** The lease's name: one holder across all processes. */
  readonly name: string;
  /** How often the task runs while this process holds the lease. */
  readonly everyMs: number;
  /** How long the lease outlives a holder that stopped renewing it (crashed, paused). */
  readonly ttlMs: number;
  /** One pass. The signal aborts when the lease is lost or the process stops. */
  readonly run: (signal: AbortSignal) => Promise<void>;
}

export interface LeasedTaskHandle {
  stop(): Promise<void>;
  /** True while this process holds the lease. */
  holding(): boolean;
}

/**
 * Runs work that must happen in one process at a time (pollers, sweeps, subscriptions): each pass
 * first takes or renews the lease; while a pass runs, the lease is renewed every third of its TTL,
 * and the pass is aborted if renewal fails (another process may have it now).
 */
export function startLeasedTask(
  leases: LeaseService,
  logger: PinoLogger,
  options: LeasedTaskOptions,
): LeasedTaskHandle {
  const holder = `${process.pid}:${randomUUID()}`;
  let stopped = false;
  let held = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let abort = new AbortController();

  const pass = async (): Promise<void> => {
    try {
      held = (await leases.acquire(options.name, holder, options.ttlMs)) !== undefined;
    } catch (error) {
      held = false;
      logger.warn({ err: error, lease: options.name }, 'could not take the lease');
    }
    if (!held || stopped) return;
    abort = new AbortController();
    const renew = setInterval(
      () => {
        leases.acquire(options.name, holder, options.ttlMs).then(
          (lease) => {
            if (!lease) {
              held = false;
              abort.abort(new Error(`lease ${options.name} lost`));
            }
          },
          (error: unknown) => logger.warn({ err: error, lease: options.name }, 'could not renew the lease'),
        );
      },
      Math.max(100, Math.floor(options.ttlMs / 3)),
    );
    try {
      await withCorrelation(`lease:${options.name}:${randomUUID()}`, () => options.run(abort.signal));
    } catch (error) {
      logger.error({ err: error, lease: options.name }, 'leased task failed');
    } finally {
      clearInterval(renew);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = pass().finally(schedule);
    }, options.everyMs);
    timer.unref();
  };
  current = pass().finally(schedule);

  return {
    holding: () => held,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      abort.abort(new Error('stopping'));
      await current;
      if (held) await leases.release(options.name, holder).catch(() => undefined);
      held = false;
    },
  };
}
