import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import {
  mintClientId,
  mintClientSecret,
  secretMatches,
  wellFormedClientCredentials,
} from '../access-token.js';
import { ExpiringCache } from '../expiring-cache.js';
import { GatewayError, GatewayErrorCode } from '../gateway.exception.js';
import {
  PARTNER_SCOPES,
  type PartnerScope,
  type Principal,
  type SystemKind,
  type SystemScope,
} from '../principal.js';
import type { AccessTokenClaims } from './jwt-access-tokens.js';

export interface OAuthClientRecord {
  readonly clientId: string;
  readonly subjectKind: 'partner' | 'system';
  readonly partnerId: string | null;
  readonly systemClient: string | null;
  readonly scopes: string[];
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Secrets currently valid, newest first, with when each stops being valid (null: until rotated). */
  readonly secrets: { createdAt: string; expiresAt: string | null }[];
}

export interface RegisteredClient {
  readonly client: OAuthClientRecord;
  /** Shown once, never stored. */
  readonly clientSecret: string;
}

interface ClientRow {
  id: string;
  client_id: string;
  subject_kind: 'partner' | 'system';
  partner_id: string | null;
  system_client_id: string | null;
  system_name: string | null;
  system_kind: SystemKind | null;
  system_scopes: string[] | null;
  system_active: boolean | null;
  scopes: string[];
  revoked: boolean;
}

/** The subject a token is issued for, once the client proved its secret. */
export type ClientGrant = AccessTokenClaims;

const CLIENT_COLUMNS = `c.id::text AS id, c.client_id, c.subject_kind, c.partner_id, c.system_client_id::text AS system_client_id,
  s.name AS system_name, s.system AS system_kind, s.scopes AS system_scopes, s.active AS system_active,
  c.scopes, (c.revoked_at IS NOT NULL) AS revoked`;

/**
 * OAuth2 clients (RFC 6749 §4.4 client credentials): registration for a partner or a system client,
 * secret rotation with an overlap, revocation, and the checks behind the token endpoint and behind
 * every bearer JWT (is the client still active?). Client state is cached per process for at most
 * CREDENTIAL_CACHE_SECONDS, so a revocation reaches every process within that time.
 */
@Injectable()
export class OAuthClientService {
  private readonly subjects: ExpiringCache<string, Principal | null>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly partners: PartnerRegistry,
    @InjectConfig() config: GatewayConfig,
  ) {
    this.subjects = new ExpiringCache(config.CREDENTIAL_CACHE_SECONDS * 1000);
  }

  async registerForPartner(
    input: { partnerId: string; scopes: PartnerScope[]; label?: string },
    actor: Actor,
  ): Promise<RegisteredClient> {
    if (!this.partners.get(input.partnerId))
      throw new GatewayError(GatewayErrorCode.NotFound, `no partner ${input.partnerId}`);
    const unknown = input.scopes.filter((s) => !PARTNER_SCOPES.includes(s));
    if (unknown.length > 0 || input.scopes.length === 0)
      throw new GatewayError(
        GatewayErrorCode.InvalidInput,
        unknown.length > 0
          ? `unknown partner scopes ${unknown.join(', ')}; expected ${PARTNER_SCOPES.join(', ')}`
          : 'a partner client needs at least one scope',
      );
    return this.register(
      { kind: 'partner', partnerId: input.partnerId, scopes: input.scopes },
      input.label,
      actor,
    );
  }

  /** A client for a registered system client; its tokens carry that system client's scopes. */
  async registerForSystem(
    input: { systemClient: string; label?: string },
    actor: Actor,
  ): Promise<RegisteredClient> {
    const [system] = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id::text AS id FROM system_client WHERE name = $1`,
      [input.systemClient],
    );
    if (!system) throw new GatewayError(GatewayErrorCode.NotFound, `no system client ${input.systemClient}`);
    return this.register({ kind: 'system', systemClientId: system.id, scopes: [] }, input.label, actor);
  }

  /**
   * A new secret; the older ones stay valid for `overlapSeconds` (0: revoked at once), so a client
   * can be redeployed with the new secret without an outage.
   */
  async rotateSecret(clientId: string, overlapSeconds: number, actor: Actor): Promise<RegisteredClient> {
    const minted = mintClientSecret();
    await this.dataSource.transaction(async (tx) => {
      const [client] = await queryRows<{ id: string; partner_id: string | null }>(
        tx,
        `SELECT id::text AS id, partner_id FROM oauth_client WHERE client_id = $1 AND revoked_at IS NULL FOR UPDATE`,
        [clientId],
      );
      if (!client) throw new GatewayError(GatewayErrorCode.NotFound, `no active OAuth client ${clientId}`);
      await tx.query(
        `UPDATE oauth_client_secret SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), now() + make_interval(secs => $2))
          WHERE client_id = $1`,
        [client.id, overlapSeconds],
      );
      await tx.query(`INSERT INTO oauth_client_secret (client_id, secret_hash) VALUES ($1, $2)`, [
        client.id,
        minted.secretHash,
      ]);
      await this.audit.record(tx, {
        actor,
        action: 'oauth-client.secret-rotated',
        target: { type: 'oauth-client', id: clientId },
        partnerId: client.partner_id,
        after: { overlapSeconds },
      });
    });
    return { client: await this.get(clientId), clientSecret: minted.secret };
  }

  async revoke(clientId: string, actor: Actor): Promise<OAuthClientRecord> {
    await this.dataSource.transaction(async (tx) => {
      const [row] = await queryRows<{ partner_id: string | null }>(
        tx,
        `UPDATE oauth_client SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL RETURNING partner_id`,
        [clientId],
      );
      if (!row) throw new GatewayError(GatewayErrorCode.NotFound, `no active OAuth client ${clientId}`);
      await this.audit.record(tx, {
        actor,
        action: 'oauth-client.revoked',
        target: { type: 'oauth-client', id: clientId },
        partnerId: row.partner_id,
      });
    });
    this.subjects.delete(clientId);
    return this.get(clientId);
  }

  async get(clientId: string, db: Queryable = this.dataSource): Promise<OAuthClientRecord> {
    const [record] = await this.records(db, `c.client_id = $1`, [clientId]);
    if (!record) throw new GatewayError(GatewayErrorCode.NotFound, `no OAuth client ${clientId}`);
    return record;
  }

  async list(filter: { partnerId?: string } = {}): Promise<OAuthClientRecord[]> {
    return filter.partnerId
      ? this.records(this.dataSource, `c.partner_id = $1`, [filter.partnerId])
      : this.records(this.dataSource, `true`, []);
  }

  /**
   * The token endpoint's check: the client exists, is active, and one of its valid secrets matches.
   * Undefined for any failure, so the caller cannot tell an unknown client from a wrong secret.
   */
  async authenticateClient(clientId: string, secret: string): Promise<ClientGrant | undefined> {
    if (!wellFormedClientCredentials(clientId, secret)) return undefined;
    const [row] = await queryRows<ClientRow & { hashes: string[] }>(
      this.dataSource,
      `SELECT ${CLIENT_COLUMNS},
              ARRAY(SELECT secret_hash FROM oauth_client_secret x
                     WHERE x.client_id = c.id AND (x.expires_at IS NULL OR x.expires_at > now())) AS hashes
         FROM oauth_client c LEFT JOIN system_client s ON s.id = c.system_client_id
        WHERE c.client_id = $1`,
      [clientId],
    );
    if (!row) return undefined;
    // Compare against every valid secret, whatever matches first, so timing says nothing.
    const matched = row.hashes.map((hash) => secretMatches(secret, hash)).includes(true);
    if (!matched || !this.subjectOf(row)) return undefined;
    await this.dataSource.query(
      `UPDATE oauth_client SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.id],
    );
    return row.subject_kind === 'partner'
      ? { clientId, subjectKind: 'partner', partnerId: row.partner_id!, scopes: row.scopes }
      : {
          clientId,
          subjectKind: 'system',
          systemClientId: row.system_client_id!,
          scopes: row.system_scopes ?? [],
        };
  }

  /**
   * The principal a verified access token stands for now: undefined when its client was revoked, its
   * system client deactivated or its partner removed since the token was issued. The token's scopes
   * are kept only as far as the client still holds them.
   */
  async principalFor(claims: AccessTokenClaims): Promise<Principal | undefined> {
    let subject = this.subjects.get(claims.clientId);
    if (subject === undefined) {
      const [row] = await queryRows<ClientRow>(
        this.dataSource,
        `SELECT ${CLIENT_COLUMNS} FROM oauth_client c LEFT JOIN system_client s ON s.id = c.system_client_id
          WHERE c.client_id = $1`,
        [claims.clientId],
      );
      subject = row ? (this.subjectOf(row) ?? null) : null;
      this.subjects.set(claims.clientId, subject);
    }
    if (!subject) return undefined;
    if (subject.kind === 'partner') {
      if (subject.partnerId !== claims.partnerId) return undefined;
      return { ...subject, scopes: subject.scopes.filter((s) => claims.scopes.includes(s)) };
    }
    if (subject.kind === 'system') {
      if (subject.clientId !== claims.systemClientId) return undefined;
      return { ...subject, scopes: subject.scopes.filter((s) => claims.scopes.includes(s)) };
    }
    return undefined;
  }

  private subjectOf(row: ClientRow): Principal | undefined {
    if (row.revoked) return undefined;
    if (row.subject_kind === 'partner') {
      if (!row.partner_id || !this.partners.get(row.partner_id)) return undefined;
      return {
        kind: 'partner',
        partnerId: row.partner_id,
        credentialId: row.client_id,
        scopes: row.scopes as PartnerScope[],
      };
    }
    if (!row.system_active) return undefined;
    return {
      kind: 'system',
      clientId: row.system_client_id!,
      name: row.system_name!,
      system: row.system_kind!,
      scopes: (row.system_scopes ?? []) as SystemScope[],
    };
  }

  private async register(
    subject:
      | { kind: 'partner'; partnerId: string; scopes: string[] }
      | { kind: 'system'; systemClientId: string; scopes: string[] },
    label: string | undefined,
    actor: Actor,
  ): Promise<RegisteredClient> {
    const clientId = mintClientId();
    const minted = mintClientSecret();
    await this.dataSource.transaction(async (tx) => {
      const [row] = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO oauth_client (client_id, subject_kind, partner_id, system_client_id, scopes, label)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id`,
        [
          clientId,
          subject.kind,
          subject.kind === 'partner' ? subject.partnerId : null,
          subject.kind === 'system' ? subject.systemClientId : null,
          subject.scopes,
          label ?? null,
        ],
      );
      await tx.query(`INSERT INTO oauth_client_secret (client_id, secret_hash) VALUES ($1, $2)`, [
        row!.id,
        minted.secretHash,
      ]);
      // The secret itself is never recorded.
      await this.audit.record(tx, {
        actor,
        action: 'oauth-client.registered',
        target: { type: 'oauth-client', id: clientId },
        partnerId: subject.kind === 'partner' ? subject.partnerId : null,
        after: { subjectKind: subject.kind, scopes: subject.scopes, label: label ?? null },
      });
    });
    return { client: await this.get(clientId), clientSecret: minted.secret };
  }

  private async records(db: Queryable, where: string, params: unknown[]): Promise<OAuthClientRecord[]> {
    const rows = await queryRows<{
      client_id: string;
      subject_kind: 'partner' | 'system';
      partner_id: string | null;
      system_name: string | null;
      scopes: string[];
      system_scopes: string[] | null;
      label: string | null;
      created_at: string;
      revoked_at: string | null;
      last_used_at: string | null;
      secrets: { createdAt: string; expiresAt: string | null }[];
    }>(
      db,
      `SELECT c.client_id, c.subject_kind, c.partner_id, s.name AS system_name, c.scopes, s.scopes AS system_scopes,
              c.label, ${isoTimestamp('c.created_at')} AS created_at, ${isoTimestamp('c.revoked_at')} AS revoked_at,
              ${isoTimestamp('c.last_used_at')} AS last_used_at,
              COALESCE((SELECT json_agg(json_build_object('createdAt', ${isoTimestamp('x.created_at')},
                                                          'expiresAt', ${isoTimestamp('x.expires_at')})
                                        ORDER BY x.created_at DESC)
                          FROM oauth_client_secret x
                         WHERE x.client_id = c.id AND (x.expires_at IS NULL OR x.expires_at > now())), '[]') AS secrets
         FROM oauth_client c LEFT JOIN system_client s ON s.id = c.system_client_id
        WHERE ${where} ORDER BY c.created_at, c.client_id`,
      params,
    );
    return rows.map((r) => ({
      clientId: r.client_id,
      subjectKind: r.subject_kind,
      partnerId: r.partner_id,
      systemClient: r.system_name,
      scopes: r.subject_kind === 'partner' ? r.scopes : (r.system_scopes ?? []),
      label: r.label,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
      secrets: r.secrets,
    }));
  }
}
