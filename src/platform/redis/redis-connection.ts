import { Redis } from 'ioredis';

export class RedisPolicyError extends Error {
  constructor(policy: string) {
    super(
      `REDIS_URL points at a Redis whose maxmemory-policy is "${policy}"; the gateway needs "noeviction" ` +
        '(an evicting Redis drops queued jobs silently): set maxmemory-policy noeviction in redis.conf',
    );
    this.name = 'RedisPolicyError';
  }
}

/** Opens a Redis connection for BullMQ (which needs `maxRetriesPerRequest: null` on workers). */
export function openRedis(url: string, name: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: `supplier-gateway:${name}`,
    lazyConnect: true,
  });
}

/**
 * Refuses a Redis that may evict keys: BullMQ keeps jobs only in Redis, and an evicted job is a job
 * lost without a trace. Read from INFO, since managed Redis services often disable CONFIG.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const info = await redis.info('memory');
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  if (policy !== 'noeviction') throw new RedisPolicyError(policy);
}
