import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { Allow } from './access-rules.js';
import { ApiKeyService, type ApiKeyRecord } from './api-keys.service.js';
import {
  CLIENT_EXAMPLE,
  CLIENT_SECRET_EXAMPLE,
  KEY_EXAMPLE,
  KEY_TOKEN_EXAMPLE,
  ROTATED_CLIENT_EXAMPLE,
  ROTATED_KEY_EXAMPLE,
  ROTATED_KEY_TOKEN_EXAMPLE,
  ROTATED_SECRET_EXAMPLE,
} from './credentials-examples.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { OAuthClientService, type OAuthClientRecord } from './oauth/oauth-clients.service.js';
import { PARTNER_SCOPES, type Principal } from './principal.js';

const partnerScopes = z.array(z.enum(PARTNER_SCOPES)).min(1, 'expected at least one scope');

const newClient = z.union([
  z.strictObject({
    partnerId: z.string().min(1),
    scopes: partnerScopes,
    label: z.string().max(200).optional(),
  }),
  z.strictObject({ systemClient: z.string().min(1), label: z.string().max(200).optional() }),
]);

const rotation = z.strictObject({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400, 'at most 30 days')
    .default(86_400),
});

const newKey = z.strictObject({ scopes: partnerScopes, label: z.string().max(200).optional() });

/** Registering OAuth2 clients and issuing partner API keys: admins only; every action audited. */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin')
@Allow({ roles: ['admin'] })
export class CredentialsAdminController {
  constructor(
    private readonly clients: OAuthClientService,
    private readonly keys: ApiKeyService,
  ) {}

  @Get('oauth-clients')
  @ApiOperation({
    summary: 'OAuth2 clients, optionally of one partner',
    description:
      'Every registered client credentials client (partner or system), without secrets; filter by partner.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: [CLIENT_EXAMPLE] } } })
  listClients(@Query('partnerId') partnerId?: string): Promise<OAuthClientRecord[]> {
    return this.clients.list({ partnerId });
  }

  @Post('oauth-clients')
  @ApiOperation({
    summary: 'Register an OAuth2 client for a partner (with scopes) or for a system client (ERP, MES, WMS)',
    description: 'The answer holds the client secret: it is shown once and cannot be read back.',
  })
  @ApiCreatedResponse({
    content: {
      'application/json': { example: { client: CLIENT_EXAMPLE, clientSecret: CLIENT_SECRET_EXAMPLE } },
    },
  })
  register(
    @Body(new ZodBody(newClient)) input: z.output<typeof newClient>,
    @CurrentPrincipal() actor: Principal,
  ) {
    return 'partnerId' in input
      ? this.clients.registerForPartner(input, actor)
      : this.clients.registerForSystem(input, actor);
  }

  @Post('oauth-clients/:clientId/secrets')
  @ApiOperation({
    summary:
      'Rotate a client secret: a new secret now, the old ones valid for overlapSeconds (default a day)',
    description:
      'Issues a new secret, shown once; the previous secrets keep working for the overlap so deployments can switch. Audited.',
  })
  @ApiCreatedResponse({
    content: {
      'application/json': {
        example: { client: ROTATED_CLIENT_EXAMPLE, clientSecret: ROTATED_SECRET_EXAMPLE },
      },
    },
  })
  @ApiNotFoundResponse({ description: 'No active client with this id' })
  rotateSecret(
    @Param('clientId') clientId: string,
    @Body(new ZodBody(rotation)) input: z.output<typeof rotation>,
    @CurrentPrincipal() actor: Principal,
  ) {
    return this.clients.rotateSecret(clientId, input.overlapSeconds, actor);
  }

  @Delete('oauth-clients/:clientId')
  @ApiOperation({
    summary: 'Revoke a client: no new tokens at once; its tokens stop within CREDENTIAL_CACHE_SECONDS',
    description:
      'Revokes the client and all its secrets; access tokens already issued are refused once the credential cache expires. Audited.',
  })
  @ApiOkResponse({
    content: {
      'application/json': { example: { ...CLIENT_EXAMPLE, revokedAt: '2026-11-27T10:00:00.000000Z' } },
    },
  })
  revokeClient(@Param('clientId') clientId: string, @CurrentPrincipal() actor: Principal) {
    return this.clients.revoke(clientId, actor);
  }

  @Get('partners/:partnerId/api-keys')
  @ApiOperation({
    summary: 'A partner’s API keys (never their secrets), newest first, with last use',
    description:
      "Each key's visible prefix, scopes, state, creation and last use; the secrets are stored only as hashes and never shown again.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: [KEY_EXAMPLE] } } })
  listKeys(@Param('partnerId') partnerId: string): Promise<ApiKeyRecord[]> {
    return this.keys.list(partnerId);
  }

  @Post('partners/:partnerId/api-keys')
  @ApiOperation({
    summary: 'Issue an API key for a partner',
    description: 'The answer holds the key: it is shown once and cannot be read back.',
  })
  @ApiCreatedResponse({
    content: {
      'application/json': { example: { token: KEY_TOKEN_EXAMPLE, key: KEY_EXAMPLE } },
    },
  })
  async createKey(
    @Param('partnerId') partnerId: string,
    @Body(new ZodBody(newKey)) input: z.output<typeof newKey>,
    @CurrentPrincipal() actor: Principal,
  ) {
    const created = await this.keys.create(partnerId, input, actor);
    return { token: created.token, key: created.key };
  }

  @Post('partners/:partnerId/api-keys/:lookup/rotate')
  @ApiOperation({
    summary: 'Rotate an API key: a new key now, the old one valid for overlapSeconds (default a day)',
    description:
      'Issues a replacement key, shown once; the old key keeps working for the overlap, then stops. ' +
      '`overlapSeconds: 0` stops the old key at once on this process and on every other within ' +
      'CREDENTIAL_CACHE_SECONDS (a leaked key). Audited.',
  })
  @ApiCreatedResponse({
    content: {
      'application/json': { example: { token: ROTATED_KEY_TOKEN_EXAMPLE, key: ROTATED_KEY_EXAMPLE } },
    },
  })
  async rotateKey(
    @Param('partnerId') partnerId: string,
    @Param('lookup') lookup: string,
    @Body(new ZodBody(rotation)) input: z.output<typeof rotation>,
    @CurrentPrincipal() actor: Principal,
  ) {
    const rotated = await this.keys.rotate(partnerId, lookup, input.overlapSeconds, actor);
    return { token: rotated.token, key: rotated.key };
  }

  @Delete('partners/:partnerId/api-keys/:lookup')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an API key: refused at once here, on every process within CREDENTIAL_CACHE_SECONDS',
    description:
      'The key is refused at once on this process and on every other within CREDENTIAL_CACHE_SECONDS. Audited.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...KEY_EXAMPLE, state: 'revoked' } } } })
  revokeKey(
    @Param('partnerId') partnerId: string,
    @Param('lookup') lookup: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<ApiKeyRecord> {
    return this.keys.revoke(partnerId, lookup, actor);
  }
}
