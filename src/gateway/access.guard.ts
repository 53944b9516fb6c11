import {
  Injectable,
  UnauthorizedException,
  ForbiddenException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { parseToken, sameSecret } from './access-token.js';
import { ACCESS_RULE, admits, type AccessRule } from './access-rules.js';
import { GatewayError, GatewayErrorCode } from './gateway.exception.js';
import { IdentityService } from './identity.service.js';
import { AccessTokenRejected, JwtAccessTokens } from './oauth/jwt-access-tokens.js';
import { OAuthClientService } from './oauth/oauth-clients.service.js';
import type { Principal } from './principal.js';
import { RateLimitPolicy } from './rate-limit/rate-limit.policy.js';
import { RateLimiter, unlessLimiterDown } from './rate-limit/rate-limiter.js';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The principal of the configured bootstrap admin token (for first setup and automation). */
export const BOOTSTRAP_ADMIN: Principal = {
  kind: 'user',
  userId: 'bootstrap-admin',
  email: 'admin@localhost',
  role: 'admin',
  partnerId: null,
};

/** What a request without a usable bearer credential is told (the guard's 401, and the partner API's before its body is read). */
export const BEARER_REQUIRED = 'a valid bearer token is required (Authorization: Bearer <token>)';

/** RFC 6750 §3: say which scheme is expected, and whether the credential given was refused. */
export function bearerChallenge(credentialSent: boolean): string {
  return credentialSent
    ? 'Bearer realm="supplier-gateway", error="invalid_token"'
    : 'Bearer realm="supplier-gateway"';
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
}

/**
 * Could this token authenticate anybody: one of our access tokens (shape and checksum), a JWT, or the
 * configured bootstrap token? No database work, so it can refuse a request before its body is read.
 */
export function wellFormedCredential(token: string, bootstrapToken: string | undefined): boolean {
  return (
    JwtAccessTokens.looksLikeJwt(token) ||
    parseToken(token) !== undefined ||
    (bootstrapToken !== undefined && sameSecret(token, bootstrapToken))
  );
}

/**
 * One guard for every route: authenticates the bearer credential (an OAuth2 access token, an API key
 * or another token of ours), applies the route's access rule, then counts the request against the
 * caller's rate limits (after authentication, so limits are keyed by who the caller is). Routes
 * without a rule never get here: the application refuses to start (route-rules.check.ts).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityService,
    private readonly partners: PartnerRegistry,
    private readonly jwt: JwtAccessTokens,
    private readonly oauthClients: OAuthClientService,
    private readonly limits: RateLimitPolicy,
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: GatewayConfig,
    @InjectPinoLogger(AccessGuard.name) private readonly logger: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ForbiddenException('this route has no access rule');
    if (rule.public) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    if (!principal) {
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('WWW-Authenticate', bearerChallenge(Boolean(request.header('authorization'))));
      throw new UnauthorizedException(BEARER_REQUIRED);
    }
    request.principal = principal;
    const partnerId = principal.kind === 'system' ? null : principal.partnerId;
    if (partnerId && !this.partners.channelOn(partnerId, 'api'))
      throw new GatewayError(
        GatewayErrorCode.ChannelDisabled,
        `the API channel of partner ${partnerId} is switched off (channels.api.enabled: false in its profile)`,
      );
    if (!admits(rule, principal)) {
      throw new ForbiddenException(`this route does not admit ${describeKind(principal)}`);
    }
    await this.countRequest(principal, context.switchToHttp().getResponse<Response>());
    return true;
  }

  private async countRequest(principal: Principal, response: Response): Promise<void> {
    const limits = this.limits.limitsFor(principal);
    if (limits.length === 0) return;
    const verdict = await unlessLimiterDown(this.limiter.consume(limits), this.logger);
    if (!verdict) return;
    const window = Math.ceil(verdict.limit.burst / verdict.limit.ratePerSecond);
    response.setHeader('RateLimit-Policy', `${verdict.limit.burst};w=${window}`);
    response.setHeader('RateLimit-Limit', String(verdict.limit.burst));
    response.setHeader('RateLimit-Remaining', String(verdict.remaining));
    response.setHeader('RateLimit-Reset', String(verdict.resetSeconds));
    if (!verdict.allowed) {
      response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw new GatewayError(
        GatewayErrorCode.RateLimited,
        `rate limit exceeded (${verdict.limit.key.split(':')[0]}: ${verdict.limit.ratePerSecond}/s, burst ${verdict.limit.burst}); retry after ${verdict.retryAfterSeconds} s`,
      );
    }
  }

  private async authenticate(request: Request): Promise<Principal | undefined> {
    const token = bearerToken(request.header('authorization'));
    if (!token) return undefined;
    if (this.config.BOOTSTRAP_ADMIN_TOKEN && sameSecret(token, this.config.BOOTSTRAP_ADMIN_TOKEN))
      return BOOTSTRAP_ADMIN;
    const principal = JwtAccessTokens.looksLikeJwt(token)
      ? await this.fromAccessToken(token)
      : await this.identity.authenticate(token);
    // A credential of a partner no longer in the registry authenticates nobody.
    if (principal?.kind === 'partner' && !this.partners.get(principal.partnerId)) return undefined;
    if (principal?.kind === 'user' && principal.partnerId && !this.partners.get(principal.partnerId))
      return undefined;
    return principal;
  }

  private async fromAccessToken(token: string): Promise<Principal | undefined> {
    try {
      return await this.oauthClients.principalFor(await this.jwt.verify(token));
    } catch (error) {
      if (!(error instanceof AccessTokenRejected)) throw error;
      this.logger.info({ reason: error.reason }, 'access token refused');
      return undefined;
    }
  }
}

function describeKind(principal: Principal): string {
  switch (principal.kind) {
    case 'partner':
      return `this partner credential (scopes: ${principal.scopes.join(', ') || 'none'})`;
    case 'system':
      return `this system client (scopes: ${principal.scopes.join(', ') || 'none'})`;
    case 'user':
      return `the role ${principal.role}`;
  }
}
