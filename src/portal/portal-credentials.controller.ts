import { As2Partnerships } from '../transports/as2/as2-partnerships.service.js';
import { Body, Controller, Get, Param, Post, Render, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { Public } from '../gateway/access-rules.js';
import { ApiKeyService } from '../gateway/api-keys.service.js';
import { GatewayError } from '../gateway/gateway.exception.js';
import { OAuthClientService } from '../gateway/oauth/oauth-clients.service.js';
import { PARTNER_SCOPES, type PartnerScope } from '../gateway/principal.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isoTimestamp, queryRows } from '../platform/database/sql.js';
import {
  partnerOf,
  PortalGuard,
  PortalRoles,
  portalUser,
  SUPPLIER,
  type PortalRequest,
} from './portal-access.js';
import { actorOf } from './portal-user.js';
import { connectionDetails } from './portal-connections.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { flash, pageLocals, redirectAfterSave } from './portal-view.js';

const OVERLAPS = [
  { seconds: 0, label: 'stop the old key now' },
  { seconds: 3600, label: 'keep the old key for 1 hour' },
  { seconds: 86_400, label: 'keep the old key for 1 day' },
  { seconds: 7 * 86_400, label: 'keep the old key for 7 days' },
];

const SCOPE_TEXT: Partial<Record<PartnerScope, string>> = {
  'profile:read': 'read your partner profile',
  'documents:read': 'read your documents and acknowledgments',
  'documents:write': 'send documents (EDI or JSON)',
  'orders:read': 'read your orders and changes',
  'acknowledgments:write': 'acknowledge orders and answer changes',
  'ship-notices:write': 'send ship notices',
  'webhooks:write': 'manage your webhooks',
} as Partial<Record<string, string>>;

/**
 * Self-service credentials: the partner's API keys (a supplier admin creates, rotates and revokes
 * them; the secret is shown once, in the answer to that request, and stored nowhere), its OAuth
 * clients, rate limits and recent API use, and the SFTP and AS2 connection details with certificate
 * expiry.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles(...SUPPLIER)
@Controller('portal/credentials')
export class PortalCredentialsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeyService,
    private readonly clients: OAuthClientService,
    private readonly partners: PartnerRegistry,
    private readonly as2: As2Partnerships,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Render('credentials')
  async page(@Req() request: PortalRequest) {
    return this.locals(request);
  }

  @Post('api-keys')
  @PortalRoles('supplier-admin')
  async create(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Body() form: Record<string, unknown>,
  ) {
    const partnerId = partnerOf(request);
    const chosen = ([] as unknown[])
      .concat(form.scopes ?? [])
      .filter((s): s is PartnerScope => PARTNER_SCOPES.includes(s as PartnerScope));
    if (chosen.length === 0)
      throw new PortalError(PortalErrorCode.InvalidInput, 'Choose at least one permission for the key.');
    const label = typeof form.label === 'string' ? form.label.trim().slice(0, 80) : '';
    const issued = await this.keys.create(
      partnerId,
      { scopes: chosen, label: label || undefined },
      actorOf(portalUser(request)),
    );
    await this.showOnce(request, response, `New API key ${issued.key.prefix}`, issued.token);
  }

  @Post('api-keys/:lookup/rotate')
  @PortalRoles('supplier-admin')
  async rotate(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('lookup') lookup: string,
    @Body() form: Record<string, unknown>,
  ) {
    const partnerId = partnerOf(request);
    const overlap = OVERLAPS.find((o) => String(o.seconds) === form.overlapSeconds)?.seconds ?? 0;
    try {
      const issued = await this.keys.rotate(partnerId, lookup, overlap, actorOf(portalUser(request)));
      await this.showOnce(
        request,
        response,
        `New API key ${issued.key.prefix} (replaces sgp_${lookup})`,
        issued.token,
      );
    } catch (error) {
      throw this.portalError(error);
    }
  }

  @Post('api-keys/:lookup/revoke')
  @PortalRoles('supplier-admin')
  async revoke(@Req() request: PortalRequest, @Res() response: Response, @Param('lookup') lookup: string) {
    const partnerId = partnerOf(request);
    try {
      const key = await this.keys.revoke(partnerId, lookup, actorOf(portalUser(request)));
      flash(
        request,
        'info',
        `API key ${key.prefix} is revoked; it stops working within ${this.config.CREDENTIAL_CACHE_SECONDS} seconds everywhere.`,
      );
    } catch (error) {
      throw this.portalError(error);
    }
    await redirectAfterSave(request, response, '/portal/credentials');
  }

  /** The secret goes into this one answer only (never into the session or a redirect), not cached. */
  private async showOnce(
    request: PortalRequest,
    response: Response,
    label: string,
    secret: string,
  ): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    response.status(201).render('credentials', await this.locals(request, { label, secret }));
  }

  private portalError(error: unknown): unknown {
    if (error instanceof GatewayError && error.httpStatus === 404)
      return new PortalError(PortalErrorCode.NotFound, 'There is no such active API key of yours.');
    return error;
  }

  private async locals(request: PortalRequest, reveal?: { label: string; secret: string }) {
    const partnerId = partnerOf(request);
    const user = portalUser(request);
    const profile = this.partners.require(partnerId);
    const [keys, clients, usage, recent] = await Promise.all([
      this.keys.list(partnerId),
      this.clients.list({ partnerId }),
      queryRows<{ day: string; documents: number; rejected: number }>(
        this.dataSource,
        `SELECT to_char(date_trunc('day', received_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS documents,
                count(*) FILTER (WHERE status = 'rejected')::int AS rejected
           FROM interchange
          WHERE partner_id = $1 AND direction = 'inbound' AND channel = 'api' AND received_at > now() - interval '14 days'
          GROUP BY 1 ORDER BY 1 DESC`,
        [partnerId],
      ),
      queryRows<{ id: string; at: string; route: string | null; status: string }>(
        this.dataSource,
        `SELECT id::text AS id, ${isoTimestamp('received_at')} AS at, metadata->>'route' AS route, status
           FROM interchange WHERE partner_id = $1 AND direction = 'inbound' AND channel = 'api'
          ORDER BY interchange.id DESC LIMIT 10`,
        [partnerId],
      ),
    ]);
    return pageLocals(
      request,
      this.partners,
      { title: 'Credentials and connections', nav: 'credentials' },
      {
        reveal,
        canManage: user.role === 'supplier-admin',
        keys: keys.map((k) => ({
          ...k,
          active: k.state === 'active' || k.state === 'expiring',
          scopes: k.scopes.join(', '),
        })),
        scopes: PARTNER_SCOPES.map((s) => ({ value: s, text: SCOPE_TEXT[s] ?? s })),
        overlaps: OVERLAPS,
        clients: clients.map((c) => ({
          ...c,
          scopes: c.scopes.join(', '),
          secretExpiry: c.secrets.map((s) => s.expiresAt ?? 'until rotated').join('; '),
        })),
        usage,
        recent,
        connections: connectionDetails(
          profile,
          this.config,
          // Without our AS2 key (AS2 not set up) there is no certificate of ours to show.
          (await this.as2.allKeys().catch(() => [])).map((pair) => pair.certificate),
        ),
      },
    );
  }
}
