import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { isoTimestamp, queryRows } from '../platform/database/sql.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { mintToken } from './access-token.js';
import { GatewayError, GatewayErrorCode } from './gateway.exception.js';
import { IdentityService, type IssuedToken } from './identity.service.js';
import type { PartnerScope } from './principal.js';

/** An API key as listed: everything but the secret, which exists only in the caller's hands. */
export interface ApiKeyRecord {
  /** The visible part (`sgp_<lookup>_…`) that names the key in lists, logs and the audit trail. */
  readonly lookup: string;
  readonly prefix: string;
  readonly partnerId: string;
  readonly scopes: string[];
  readonly label: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Set on a rotated key: the lookup of the key that replaces it. */
  readonly replacedBy: string | null;
  readonly state: 'active' | 'expiring' | 'expired' | 'revoked';
}

/**
 * Partner API keys (`sgp_<lookup>_<secret><crc32>`, GitHub-token style): shown once, stored as a
 * SHA-256, found by their lookup, revocable, rotatable with an overlap during which both keys work.
 * A revocation, or a rotation that ends the old key sooner, takes effect on the process that made it
 * at once and on every other process within CREDENTIAL_CACHE_SECONDS (≤ 60).
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly partners: PartnerRegistry,
  ) {}

  async create(
    partnerId: string,
    input: { scopes: PartnerScope[]; label?: string },
    actor: Actor,
  ): Promise<IssuedToken & { key: ApiKeyRecord }> {
    if (!this.partners.get(partnerId))
      throw new GatewayError(GatewayErrorCode.NotFound, `no partner ${partnerId}`);
    if (input.scopes.length === 0)
      throw new GatewayError(GatewayErrorCode.InvalidInput, 'an API key needs at least one scope');
    const issued = await this.identity.issuePartnerToken(partnerId, input.scopes, actor, input.label);
    return { ...issued, key: await this.get(partnerId, issued.lookup) };
  }

  /**
   * A new key with the same scopes and label; the old one keeps working for `overlapSeconds`
   * (0: it stops at once), so the partner can deploy the new key without an outage.
   */
  async rotate(
    partnerId: string,
    lookup: string,
    overlapSeconds: number,
    actor: Actor,
  ): Promise<IssuedToken & { key: ApiKeyRecord }> {
    const minted = mintToken('partner');
    const issued = await this.dataSource.transaction(async (tx) => {
      const [old] = await queryRows<{ id: string; scopes: string[]; label: string | null }>(
        tx,
        `SELECT id::text AS id, scopes, label FROM access_token
          WHERE lookup = $1 AND partner_id = $2 AND subject_kind = 'partner' AND revoked_at IS NULL
            AND replaced_by IS NULL AND (expires_at IS NULL OR expires_at > now())
          FOR UPDATE`,
        [lookup, partnerId],
      );
      if (!old)
        throw new GatewayError(GatewayErrorCode.NotFound, `no active API key ${lookup} of ${partnerId}`);
      const issued = await this.identity.insertToken(
        tx,
        minted,
        'partner',
        { partner_id: partnerId },
        old.scopes,
        actor,
        old.label ?? undefined,
        partnerId,
      );
      await tx.query(
        `UPDATE access_token
            SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), now() + make_interval(secs => $2)), replaced_by = $3
          WHERE id = $1`,
        [old.id, overlapSeconds, issued.id],
      );
      await this.audit.record(tx, {
        actor,
        action: 'api-key.rotated',
        target: { type: 'access-token', id: old.id },
        partnerId,
        after: { lookup, replacedBy: issued.lookup, overlapSeconds },
      });
      return issued;
    });
    // The old key may be cached as valid until the cache's own expiry; its new expiry applies at once.
    this.identity.forget(lookup);
    return { ...issued, key: await this.get(partnerId, issued.lookup) };
  }

  async revoke(partnerId: string, lookup: string, actor: Actor): Promise<ApiKeyRecord> {
    const key = await this.get(partnerId, lookup);
    if (key.state === 'revoked') return key;
    await this.identity.revokeToken(lookup, actor);
    return this.get(partnerId, lookup);
  }

  async list(partnerId: string): Promise<ApiKeyRecord[]> {
    return this.query(`t.partner_id = $1`, [partnerId]);
  }

  async get(partnerId: string, lookup: string): Promise<ApiKeyRecord> {
    const [key] = await this.query(`t.partner_id = $1 AND t.lookup = $2`, [partnerId, lookup]);
    if (!key) throw new GatewayError(GatewayErrorCode.NotFound, `no API key ${lookup} of ${partnerId}`);
    return key;
  }

  private async query(where: string, params: unknown[]): Promise<ApiKeyRecord[]> {
    return queryRows<ApiKeyRecord>(
      this.dataSource,
      `SELECT t.lookup, 'sgp_' || t.lookup AS prefix, t.partner_id AS "partnerId", t.scopes, t.label,
              ${isoTimestamp('t.created_at')} AS "createdAt", ${isoTimestamp('t.expires_at')} AS "expiresAt",
              ${isoTimestamp('t.revoked_at')} AS "revokedAt", ${isoTimestamp('t.last_used_at')} AS "lastUsedAt",
              r.lookup AS "replacedBy",
              CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'
                   WHEN t.expires_at IS NOT NULL AND t.expires_at <= now() THEN 'expired'
                   WHEN t.expires_at IS NOT NULL THEN 'expiring'
                   ELSE 'active' END AS state
         FROM access_token t LEFT JOIN access_token r ON r.id = t.replaced_by
        WHERE t.subject_kind = 'partner' AND ${where}
        ORDER BY t.created_at DESC, t.lookup`,
      params,
    );
  }
}
