import type { Redis } from 'ioredis';
import { intervalMs, verdictOf, type Limit, type Verdict } from './gcra.js';
import { RateLimiter, type LimitMode } from './rate-limiter.js';

/**
 * The same algorithm as gcra.ts `step`, in one atomic script over every key of the request, with the
 * clock of Redis (so processes with skewed clocks still share one limit). KEYS: the limit keys; ARGV:
 * the mode (`LimitMode`: which answers store the new TATs), then per key its interval and burst ×
 * interval in milliseconds. Returns whether allowed, the time, and each key's new TAT and wait, as
 * strings (Lua numbers would be truncated to integers).
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local allowed = 1
local out = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local tau = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local newTat = tat + interval
  local wait = newTat - tau - now
  if wait > 0 then allowed = 0 else wait = 0 end
  out[2 * i - 1] = newTat
  out[2 * i] = wait
end
if ARGV[1] == 'charge' or (ARGV[1] == 'consume' and allowed == 1) then
  for i = 1, #KEYS do
    redis.call('SET', KEYS[i], string.format('%.3f', out[2 * i - 1]), 'PX', math.ceil(out[2 * i - 1] - now) + 1000)
  end
end
local result = { tostring(allowed), string.format('%.3f', now) }
for i = 1, #out do result[#result + 1] = string.format('%.3f', out[i]) end
return result
`;

export class RedisRateLimiter extends RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
    redis.defineCommand('sgRateLimit', { lua: SCRIPT });
  }

  protected async apply(limits: readonly Limit[], mode: LimitMode): Promise<Verdict> {
    const args = limits.flatMap((l) => [String(intervalMs(l)), String(l.burst * intervalMs(l))]);
    const keys = limits.map((l) => `${this.prefix}:rl:${l.key}`);
    const command = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<string[]>>)[
      'sgRateLimit'
    ]!;
    const reply = await command.call(this.redis, keys.length, ...keys, mode, ...args);
    const now = Number(reply[1]);
    const tats = limits.map((_, i) => Number(reply[2 + 2 * i]));
    const waits = limits.map((_, i) => Number(reply[3 + 2 * i]));
    return verdictOf(limits, tats, waits, now);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
