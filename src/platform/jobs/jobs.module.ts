import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { GatewayConfig } from '../../config/config.js';
import { BullMqJobDriver, JOBS_QUEUE } from './bullmq.driver.js';
import { DeadLetterService } from './dead-letter.service.js';
import { DeadLettersController } from './dead-letters.controller.js';
import type { JobDefinition } from './job-definition.js';
import { JOB_DRIVER } from './job-driver.js';
import { JobExecutor } from './job-executor.js';
import { JobMetrics } from './job-metrics.js';
import { JobDefinitionSet, JobRegistry } from './job-registry.js';
import { IdempotencyService } from './idempotency.service.js';
import { InProcessJobDriver } from './in-process.driver.js';
import { JobsLifecycle } from './jobs.lifecycle.js';
import { LeaseService } from './lease.service.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxRetention } from './outbox-retention.js';
import { OutboxService } from './outbox.service.js';

let featureCount = 0;

/**
 * Jobs: the outbox, the registry of handlers, the driver that delivers them (BullMQ with
 * REDIS_URL, in-process without), dead letters, idempotent consumers and leases.
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const bull = config.REDIS_URL !== undefined;
    const driver: Provider = bull
      ? { provide: JOB_DRIVER, useClass: BullMqJobDriver }
      : { provide: JOB_DRIVER, useClass: InProcessJobDriver };
    return {
      module: JobsModule,
      controllers: [DeadLettersController],
      imports: [
        DiscoveryModule,
        ...(bull
          ? [
              BullModule.forRoot({
                connection: redisConnection(config.REDIS_URL!),
                prefix: config.REDIS_PREFIX,
              }),
              BullModule.registerQueue({ name: JOBS_QUEUE }),
            ]
          : []),
      ],
      providers: [
        OutboxRepository,
        OutboxService,
        JobRegistry,
        JobExecutor,
        JobMetrics,
        IdempotencyService,
        LeaseService,
        DeadLetterService,
        driver,
        JobsLifecycle,
        OutboxRetention,
      ],
      exports: [
        OutboxService,
        IdempotencyService,
        LeaseService,
        DeadLetterService,
        JobRegistry,
        JOB_DRIVER,
        OutboxRetention,
      ],
    };
  }

  /** Declares the jobs a module enqueues; each needs exactly one `@HandlesJob` provider. */
  static forFeature(definitions: readonly JobDefinition<any>[]): DynamicModule {
    const token = Symbol(`jobs:${++featureCount}`);
    return {
      module: JobDeclarationsModule,
      providers: [{ provide: token, useValue: new JobDefinitionSet(definitions) }],
    };
  }
}

/** Carries one module's job declarations for the registry to discover. */
@Module({})
export class JobDeclarationsModule {}

/** ioredis options from a redis:// or rediss:// URL. */
export function redisConnection(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
  maxRetriesPerRequest: null;
} {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
