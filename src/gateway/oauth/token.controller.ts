import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { Public } from '../access-rules.js';
import { wellFormedClientCredentials } from '../access-token.js';
import { RateLimiter, unlessLimiterDown } from '../rate-limit/rate-limiter.js';
import { issuerOf, JwtAccessTokens } from './jwt-access-tokens.js';
import { JWKS_EXAMPLE, TOKEN_EXAMPLE } from './oauth-examples.js';
import { OAuthClientService } from './oauth-clients.service.js';

/** RFC 6749 §5.2 error codes. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';

interface TokenRequest {
  grant_type?: unknown;
  scope?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
}

/**
 * How a client authenticates at the token endpoint (RFC 8414 §2, the IANA OAuth token endpoint
 * authentication methods): exactly what `clientCredentials` reads. No JWT client authentication
 * (`private_key_jwt`, `client_secret_jwt`), so the metadata has no
 * `token_endpoint_auth_signing_alg_values_supported`: that entry lists the algorithms of those
 * methods' client assertions, not of the access tokens (ES256, in the key set).
 */
const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * The OAuth2 token endpoint (RFC 6749 §4.4, client credentials) for partner and system clients. Its
 * answers follow RFC 6749 (JSON, `error` codes, `Cache-Control: no-store`) rather than problem+json,
 * because OAuth client libraries read exactly that shape.
 */
@ApiTags('oauth')
@Controller()
export class TokenController {
  constructor(
    private readonly clients: OAuthClientService,
    private readonly tokens: JwtAccessTokens,
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: GatewayConfig,
    @InjectPinoLogger(TokenController.name) private readonly logger: PinoLogger,
  ) {}

  @Post('oauth/token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange client credentials for a short-lived access token (OAuth2 client credentials)',
    description:
      'Authenticate with HTTP Basic (client id and secret) or with `client_id` and `client_secret` in the form. ' +
      'The token is a signed JWT (ES256) valid for ACCESS_TOKEN_TTL_SECONDS (at most 15 minutes); send it as ' +
      '`Authorization: Bearer <token>`. `scope` narrows the token to some of the client’s scopes.',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        scope: { type: 'string', description: 'Space-separated scopes, a subset of the client’s' },
        client_id: { type: 'string', description: 'When not sent with HTTP Basic' },
        client_secret: { type: 'string', description: 'When not sent with HTTP Basic' },
      },
      example: { grant_type: 'client_credentials', scope: 'orders:read' },
    },
  })
  @ApiOkResponse({
    description: 'An access token',
    content: { 'application/json': { example: TOKEN_EXAMPLE } },
  })
  @ApiBadRequestResponse({
    description: 'RFC 6749 error',
    content: {
      'application/json': {
        example: {
          error: 'invalid_scope',
          error_description: 'not granted to this client: ship-notices:write',
        },
      },
    },
  })
  @ApiUnauthorizedResponse({
    description: 'Unknown client, wrong or expired secret, or a revoked client',
    content: { 'application/json': { example: { error: 'invalid_client' } } },
  })
  @ApiTooManyRequestsResponse({
    description:
      'Too many failed authentications for this client id from this source address; the source waits ' +
      '`Retry-After` seconds before its next attempt is even checked. Requests with the right secret never count, ' +
      'and other sources are not affected. If the limiter cannot answer, requests pass (and a warning is logged).',
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', example: 3 } } },
    content: {
      'application/json': {
        example: { error: 'slow_down', error_description: 'too many failed token requests for this client' },
      },
    },
  })
  async token(@Req() request: Request, @Body() body: TokenRequest, @Res() response: Response): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    const fail = (status: number, error: OAuthError, description?: string): void => {
      if (error === 'invalid_client')
        response.setHeader('WWW-Authenticate', 'Basic realm="supplier-gateway"');
      response.status(status).json(description ? { error, error_description: description } : { error });
    };

    const credentials = clientCredentials(request.header('authorization'), body);
    if ('error' in credentials) return fail(400, 'invalid_request', credentials.error);
    if (body?.grant_type !== 'client_credentials')
      return fail(400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');

    // A malformed id or secret is no guess worth counting: refused before any limiter key or query.
    if (!wellFormedClientCredentials(credentials.clientId, credentials.secret))
      return fail(401, 'invalid_client');

    // Failed authentications are limited per client id and source address: a source that guessed
    // wrong too often waits, before its secret is even checked, while the client's own deployment
    // (elsewhere) still gets tokens. Counting every request per client id instead let anyone who
    // knew an id keep its partner at 429.
    const guesses = [
      { key: `oauth-failures:${credentials.clientId}:${request.ip ?? 'unknown'}`, ...this.defaults() },
    ];
    const verdict = await unlessLimiterDown(this.limiter.peek(guesses), this.logger);
    if (verdict && !verdict.allowed) {
      response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      response
        .status(429)
        .json({ error: 'slow_down', error_description: 'too many failed token requests for this client' });
      return;
    }

    const grant = await this.clients.authenticateClient(credentials.clientId, credentials.secret);
    if (!grant) {
      await unlessLimiterDown(this.limiter.charge(guesses), this.logger);
      return fail(401, 'invalid_client');
    }

    let scopes = grant.scopes;
    if (body.scope !== undefined) {
      if (typeof body.scope !== 'string') return fail(400, 'invalid_request', 'scope must be a string');
      const requested = body.scope.split(' ').filter(Boolean);
      const refused = requested.filter((s) => !grant.scopes.includes(s));
      if (refused.length > 0)
        return fail(400, 'invalid_scope', `not granted to this client: ${refused.join(' ')}`);
      scopes = requested;
    }
    const signed = await this.tokens.sign({ ...grant, scopes });
    response.status(200).json({
      access_token: signed.token,
      token_type: 'Bearer',
      expires_in: signed.expiresIn,
      scope: scopes.join(' '),
    });
  }

  @Get('oauth/jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'The public key that verifies access tokens (JWK set)',
    description:
      "The JSON Web Key Set (RFC 7517) of the keys that sign the gateway's access tokens, for resource servers that verify them.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: JWKS_EXAMPLE,
      },
    },
  })
  jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    return this.tokens.jwks();
  }

  @Get('.well-known/oauth-authorization-server')
  @Public()
  @ApiOperation({
    summary: 'Authorization server metadata (RFC 8414)',
    description:
      'Where the token endpoint and the key set are, and which grant types and authentication methods the gateway supports.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          issuer: 'https://gateway.example.com',
          token_endpoint: 'https://gateway.example.com/oauth/token',
          jwks_uri: 'https://gateway.example.com/oauth/jwks.json',
          grant_types_supported: ['client_credentials'],
          token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
        },
      },
    },
  })
  metadata(@Req() request: Request): Record<string, unknown> {
    // RFC 8414 wants absolute URLs: PUBLIC_URL, else how this request reached us.
    const base = (
      this.config.PUBLIC_URL ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`
    ).replace(/\/$/, '');
    return {
      issuer: issuerOf(this.config),
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/oauth/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
    };
  }

  private defaults(): { ratePerSecond: number; burst: number } {
    return { ratePerSecond: this.config.RATE_LIMIT_REQUESTS_PER_SECOND, burst: this.config.RATE_LIMIT_BURST };
  }
}

/** Client id and secret from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or the body, never both. */
function clientCredentials(
  authorization: string | undefined,
  body: TokenRequest | undefined,
): { clientId: string; secret: string } | { error: string } {
  const inBody = body?.client_id !== undefined || body?.client_secret !== undefined;
  const basic = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization) : null;
  if (basic && inBody)
    return { error: 'send the client credentials one way: HTTP Basic or the body, not both' };
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { error: 'malformed HTTP Basic credentials' };
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      return { error: 'malformed HTTP Basic credentials' };
    }
  }
  if (typeof body?.client_id === 'string' && typeof body.client_secret === 'string')
    return { clientId: body.client_id, secret: body.client_secret };
  return { error: 'client authentication is required (HTTP Basic or client_id and client_secret)' };
}
