import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Limit } from '../gateway/rate-limit/gcra.js';
import { RateLimiter } from '../gateway/rate-limit/rate-limiter.js';

/** The window over which PORTAL_THROTTLE_PER_EMAIL and PORTAL_THROTTLE_PER_IP are allowed. */
const WINDOW_SECONDS = 15 * 60;

/**
 * Throttles the portal's anonymous doors, sign-in and password-reset requests, per e-mail address and
 * per client address on the gateway's rate limiter (in Redis across processes, else in memory): the
 * lockout stops guessing one account's password, this stops spraying many accounts from one place
 * and flooding one address with attempts and mails. The address is `req.ip`: the connection's, or the
 * client's as a proxy TRUST_PROXY trusts reports it, never a header any caller could vary; the
 * e-mail is counted whether or not it has an account, so a refusal tells nothing about accounts.
 */
@Injectable()
export class PortalThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: GatewayConfig,
    @InjectPinoLogger(PortalThrottle.name) private readonly logger: PinoLogger,
  ) {}

  /** Seconds to wait before trying again when this attempt is over a limit; undefined to go ahead. */
  async wait(request: Request, email: string): Promise<number | undefined> {
    const limits: Limit[] = [];
    const perEmail = this.config.PORTAL_THROTTLE_PER_EMAIL;
    const perIp = this.config.PORTAL_THROTTLE_PER_IP;
    if (perEmail > 0) {
      // Hashed, so the limiter's keys (in Redis, perhaps) hold no e-mail addresses.
      const hashed = createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
      limits.push({
        key: `portal-auth:email:${hashed}`,
        ratePerSecond: perEmail / WINDOW_SECONDS,
        burst: perEmail,
      });
    }
    if (perIp > 0) {
      // req.ip: the connection's address, or the client's behind a proxy TRUST_PROXY names.
      const address = request.ip ?? 'unknown';
      limits.push({ key: `portal-auth:ip:${address}`, ratePerSecond: perIp / WINDOW_SECONDS, burst: perIp });
    }
    if (limits.length === 0) return undefined;
    try {
      const verdict = await this.limiter.consume(limits);
      return verdict.allowed ? undefined : verdict.retryAfterSeconds;
    } catch (error) {
      // As for the API: a limiter that cannot answer must not keep everyone out; the lockout still holds.
      this.logger.warn({ err: error }, 'rate limiter unavailable; portal sign-in attempt not counted');
      return undefined;
    }
  }
}

/** What the portal tells a person asked to wait, in minutes a person reads. */
export function waitMessage(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Too many attempts for this address or from your network. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
}
