import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { assertNoEviction, openRedis } from '../redis/redis-connection.js';
import { JOB_DRIVER, type JobDriver } from './job-driver.js';

/** Checks the queue backend at boot, starts consuming in worker roles, drains on shutdown. */
@Injectable()
export class JobsLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    @Inject(JOB_DRIVER) private readonly driver: JobDriver,
    @InjectPinoLogger(JobsLifecycle.name) private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.REDIS_URL) return;
    const redis = openRedis(this.config.REDIS_URL, 'boot-check');
    try {
      await redis.connect();
      await assertNoEviction(redis);
    } finally {
      redis.disconnect();
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.GATEWAY_ROLE === 'api') {
      this.logger.info('api role: jobs are enqueued here and run by worker processes');
      return;
    }
    await this.driver.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.driver.stop();
  }
}
