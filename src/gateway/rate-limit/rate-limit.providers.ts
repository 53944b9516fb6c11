import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG } from '../../config/config.module.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { RateLimiter } from './rate-limiter.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

/** Redis whenever REDIS_URL is set (several processes); in memory on the single embedded process. */
export const rateLimiterProvider: Provider = {
  provide: RateLimiter,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig): RateLimiter =>
    config.REDIS_URL
      ? new RedisRateLimiter(
          // Its own connection, failing fast: a request must not wait on a Redis that does not answer.
          new Redis(config.REDIS_URL, {
            connectionName: 'supplier-gateway:rate-limit',
            lazyConnect: true,
            maxRetriesPerRequest: 1,
            commandTimeout: 2_000,
          })
            // An outage surfaces on the command that fails (logged there); without a listener ioredis
            // would also print every failed reconnect to stderr.
            .on('error', () => undefined),
          config.REDIS_PREFIX,
        )
      : new MemoryRateLimiter(),
};

@Injectable()
export class RateLimiterShutdown implements OnApplicationShutdown {
  constructor(@Inject(RateLimiter) private readonly limiter: RateLimiter) {}

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}
