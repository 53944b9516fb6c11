import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PartnersModule } from '../partners/partners.module.js';
import { AccessGuard } from './access.guard.js';
import { ApiKeyService } from './api-keys.service.js';
import { CredentialsAdminController } from './credentials-admin.controller.js';
import { IdentityService } from './identity.service.js';
import { MeController } from './me.controller.js';
import { JwtAccessTokens } from './oauth/jwt-access-tokens.js';
import { OAuthClientService } from './oauth/oauth-clients.service.js';
import { TokenController } from './oauth/token.controller.js';
import { RateLimitPolicy } from './rate-limit/rate-limit.policy.js';
import { rateLimiterProvider, RateLimiterShutdown } from './rate-limit/rate-limit.providers.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { RouteRulesCheck } from './route-rules.check.js';

/**
 * Identity and access: principals, OAuth2 client credentials, API keys and other tokens, the guard on
 * every route with its rate limits, and the boot check of rules.
 */
@Module({
  imports: [DiscoveryModule, PartnersModule],
  controllers: [MeController, TokenController, CredentialsAdminController],
  providers: [
    IdentityService,
    ApiKeyService,
    JwtAccessTokens,
    OAuthClientService,
    RateLimitPolicy,
    rateLimiterProvider,
    RateLimiterShutdown,
    RouteRulesCheck,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  // RateLimiter: the portal throttles its sign-in on the same limiter (one Redis script, or memory).
  exports: [IdentityService, ApiKeyService, OAuthClientService, JwtAccessTokens, RateLimiter],
})
export class GatewayModule {}
