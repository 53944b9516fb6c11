import { Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import type { Principal } from '../principal.js';
import type { Limit } from './gcra.js';

/**
 * Which limits a request counts against, after authentication and keyed by who the credential is
 * (never by a header a caller could vary): a partner's requests count against the partner's limit and
 * against the limit of the credential used (API key, OAuth client, or supplier user), both from the
 * partner profile's `channels.api.rateLimit` or the configured defaults. System clients and staff are
 * not limited here: they are the plant's own systems and people.
 */
@Injectable()
export class RateLimitPolicy {
  constructor(
    private readonly partners: PartnerRegistry,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  limitsFor(principal: Principal): Limit[] {
    const partnerId =
      principal.kind === 'partner'
        ? principal.partnerId
        : principal.kind === 'user'
          ? principal.partnerId
          : null;
    if (!partnerId) return [];
    const configured = this.partners.get(partnerId)?.channels.api?.rateLimit;
    const partner = {
      ratePerSecond: configured?.requestsPerSecond ?? this.config.RATE_LIMIT_REQUESTS_PER_SECOND,
      burst: configured?.burst ?? this.config.RATE_LIMIT_BURST,
    };
    const perCredential = configured?.perCredential
      ? { ratePerSecond: configured.perCredential.requestsPerSecond, burst: configured.perCredential.burst }
      : partner;
    const credential =
      principal.kind === 'partner'
        ? `credential:${principal.credentialId}`
        : principal.kind === 'user'
          ? `user:${principal.userId}`
          : `system:${principal.clientId}`;
    return [
      { key: `partner:${partnerId}`, ...partner },
      { key: credential, ...perCredential },
    ];
  }
}
