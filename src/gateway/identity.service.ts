import { Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { queryRows, type Queryable } from '../platform/database/sql.js';
import { mintToken, parseToken, secretMatches, type TokenKind } from './access-token.js';
import { ExpiringCache } from './expiring-cache.js';
import { GatewayError, GatewayErrorCode } from './gateway.exception.js';
import {
  PARTNER_SCOPES,
  SYSTEM_KINDS,
  SYSTEM_SCOPES,
  USER_ROLES,
  type PartnerScope,
  type Principal,
  type SystemKind,
  type SystemScope,
  type UserRole,
} from './principal.js';

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly partnerId: string | null;
  readonly active: boolean;
}

export interface SystemClientRecord {
  readonly id: string;
  readonly name: string;
  readonly system: SystemKind;
  readonly scopes: SystemScope[];
  readonly active: boolean;
}

export interface IssuedToken {
  /** The token itself: shown once, never stored. */
  readonly token: string;
  readonly id: string;
  readonly lookup: string;
}

interface TokenRow {
  id: string;
  secret_hash: string;
  subject_kind: TokenKind;
  scopes: string[];
  partner_id: string | null;
  expired: boolean;
  expires_in_ms: number | null;
  user_id: string | null;
  email: string | null;
  role: UserRole | null;
  user_partner_id: string | null;
  user_active: boolean | null;
  client_id: string | null;
  client_name: string | null;
  client_system: SystemKind | null;
  client_scopes: string[] | null;
  client_active: boolean | null;
}

/**
 * The user directory, system clients and access tokens. Until OAuth2, API keys and portal logins
 * arrive, these tokens are how every principal authenticates.
 */
@Injectable()
export class IdentityService {
  /** Checked tokens by lookup: a revocation reaches every process within CREDENTIAL_CACHE_SECONDS. */
  private readonly checked: ExpiringCache<string, { secretHash: string; principal: Principal | undefined }>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Optional() @InjectConfig() config?: GatewayConfig,
  ) {
    this.checked = new ExpiringCache((config?.CREDENTIAL_CACHE_SECONDS ?? 0) * 1000);
  }

  async addUser(
    input: { email: string; displayName: string; role: UserRole; partnerId?: string | null },
    actor: Actor,
  ): Promise<UserRecord> {
    if (!USER_ROLES.includes(input.role))
      throw new GatewayError(GatewayErrorCode.InvalidInput, `unknown role ${input.role}`);
    const supplier = input.role === 'supplier-user' || input.role === 'supplier-admin';
    if (supplier !== Boolean(input.partnerId)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidInput,
        supplier
          ? `a ${input.role} belongs to one partner: give the partner`
          : `a ${input.role} belongs to no partner`,
      );
    }
    try {
      return await this.dataSource.transaction(async (tx) => {
        const [row] = await queryRows<{ id: string }>(
          tx,
          `INSERT INTO app_user (email, display_name, role, partner_id) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`,
          [input.email.trim().toLowerCase(), input.displayName, input.role, input.partnerId ?? null],
        );
        const user = await this.user(row!.id, tx);
        await this.audit.record(tx, {
          actor,
          action: 'user.added',
          target: { type: 'user', id: user.id },
          partnerId: user.partnerId,
          after: { email: user.email, role: user.role, partnerId: user.partnerId },
        });
        return user;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new GatewayError(GatewayErrorCode.Conflict, `a user with the email ${input.email} exists`);
      }
      throw error;
    }
  }

  async user(idOrEmail: string, db: Queryable = this.dataSource): Promise<UserRecord> {
    const byEmail = idOrEmail.includes('@');
    const [row] = await queryRows<UserRecord>(
      db,
      `SELECT id::text AS id, email, display_name AS "displayName", role, partner_id AS "partnerId", active
         FROM app_user WHERE ${byEmail ? 'email = lower($1)' : 'id::text = $1'}`,
      [idOrEmail],
    );
    if (!row) throw new GatewayError(GatewayErrorCode.NotFound, `no user ${idOrEmail}`);
    return row;
  }

  async users(): Promise<UserRecord[]> {
    return queryRows<UserRecord>(
      this.dataSource,
      `SELECT id::text AS id, email, display_name AS "displayName", role, partner_id AS "partnerId", active
         FROM app_user ORDER BY email`,
    );
  }

  async addSystemClient(
    input: { name: string; system: SystemKind; scopes: SystemScope[] },
    actor: Actor,
  ): Promise<SystemClientRecord> {
    if (!SYSTEM_KINDS.includes(input.system)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidInput,
        `unknown system ${input.system}; expected ${SYSTEM_KINDS.join(', ')}`,
      );
    }
    const unknown = input.scopes.filter((s) => !SYSTEM_SCOPES.includes(s));
    if (unknown.length > 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidInput,
        `unknown system scopes ${unknown.join(', ')}; expected ${SYSTEM_SCOPES.join(', ')}`,
      );
    }
    try {
      return await this.dataSource.transaction(async (tx) => {
        const [row] = await queryRows<SystemClientRecord>(
          tx,
          `INSERT INTO system_client (name, system, scopes) VALUES ($1, $2, $3)
           RETURNING id::text AS id, name, system, scopes, active`,
          [input.name, input.system, input.scopes],
        );
        await this.audit.record(tx, {
          actor,
          action: 'system-client.added',
          target: { type: 'system-client', id: row!.id },
          after: { name: row!.name, system: row!.system, scopes: row!.scopes },
        });
        return row!;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new GatewayError(GatewayErrorCode.Conflict, `a system client named ${input.name} exists`);
      }
      throw error;
    }
  }

  async systemClients(): Promise<SystemClientRecord[]> {
    return queryRows<SystemClientRecord>(
      this.dataSource,
      `SELECT id::text AS id, name, system, scopes, active FROM system_client ORDER BY name`,
    );
  }

  async issueUserToken(userId: string, actor: Actor, label?: string): Promise<IssuedToken> {
    const user = await this.user(userId);
    return this.issue('user', { user_id: user.id }, [], actor, label, user.partnerId);
  }

  async issueSystemToken(clientName: string, actor: Actor, label?: string): Promise<IssuedToken> {
    const [client] = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id::text AS id FROM system_client WHERE name = $1`,
      [clientName],
    );
    if (!client) throw new GatewayError(GatewayErrorCode.NotFound, `no system client ${clientName}`);
    return this.issue('system', { client_id: client.id }, [], actor, label, null);
  }

  /** A partner credential (test credentials until API keys and OAuth2 arrive). */
  async issuePartnerToken(
    partnerId: string,
    scopes: PartnerScope[],
    actor: Actor,
    label?: string,
  ): Promise<IssuedToken> {
    const unknown = scopes.filter((s) => !PARTNER_SCOPES.includes(s));
    if (unknown.length > 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidInput,
        `unknown partner scopes ${unknown.join(', ')}; expected ${PARTNER_SCOPES.join(', ')}`,
      );
    }
    return this.issue('partner', { partner_id: partnerId }, scopes, actor, label, partnerId);
  }

  async revokeToken(lookup: string, actor: Actor): Promise<boolean> {
    const revoked = await this.dataSource.transaction(async (tx) => {
      const [row] = await queryRows<{ id: string; subject_kind: string; partner_id: string | null }>(
        tx,
        `UPDATE access_token SET revoked_at = now() WHERE lookup = $1 AND revoked_at IS NULL
         RETURNING id::text AS id, subject_kind, partner_id`,
        [lookup],
      );
      if (!row) return false;
      await this.audit.record(tx, {
        actor,
        action: 'access-token.revoked',
        target: { type: 'access-token', id: row.id },
        partnerId: row.partner_id,
        after: { lookup, subjectKind: row.subject_kind },
      });
      return true;
    });
    if (revoked) this.forget(lookup);
    return revoked;
  }

  /**
   * Drops what this process remembers of a token whose validity just changed (revoked, or rotated to
   * expire sooner), so it is looked up again at its next use here; other processes notice within
   * CREDENTIAL_CACHE_SECONDS. Called after the change commits: evicted earlier, a request in between
   * could cache the old state again.
   */
  forget(lookup: string): void {
    this.checked.delete(lookup);
  }

  /** The principal a token stands for, or undefined when it is unknown, revoked, expired or inactive. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const cached = this.checked.get(parsed.lookup);
    if (cached) return secretMatches(parsed.secret, cached.secretHash) ? cached.principal : undefined;
    const principal = await this.lookUp(parsed);
    return principal;
  }

  private async lookUp(parsed: NonNullable<ReturnType<typeof parseToken>>): Promise<Principal | undefined> {
    const [row] = await queryRows<TokenRow>(
      this.dataSource,
      `SELECT t.id::text AS id, t.secret_hash, t.subject_kind, t.scopes, t.partner_id,
              (t.expires_at IS NOT NULL AND t.expires_at < now()) AS expired,
              (EXTRACT(EPOCH FROM (t.expires_at - now())) * 1000)::float8 AS expires_in_ms,
              u.id::text AS user_id, u.email, u.role, u.partner_id AS user_partner_id, u.active AS user_active,
              c.id::text AS client_id, c.name AS client_name, c.system AS client_system, c.scopes AS client_scopes,
              c.active AS client_active
         FROM access_token t
         LEFT JOIN app_user u ON u.id = t.user_id
         LEFT JOIN system_client c ON c.id = t.client_id
        WHERE t.lookup = $1 AND t.revoked_at IS NULL`,
      [parsed.lookup],
    );
    if (!row || row.subject_kind !== parsed.kind || !secretMatches(parsed.secret, row.secret_hash))
      return undefined;
    const principal = row.expired ? undefined : this.principalOf(row);
    // Remembered only for a caller who proved the secret, and never past the token's own expiry.
    this.checked.set(
      parsed.lookup,
      { secretHash: row.secret_hash, principal },
      row.expires_in_ms === null ? undefined : Date.now() + Math.max(0, row.expires_in_ms),
    );
    if (principal) await this.touch(row.id);
    return principal;
  }

  private async touch(id: string): Promise<void> {
    // Written at most once a minute per token, so authentication does not become a write per request.
    await this.dataSource.query(
      `UPDATE access_token SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  private principalOf(row: TokenRow): Principal | undefined {
    switch (row.subject_kind) {
      case 'user':
        if (!row.user_active) return undefined;
        return {
          kind: 'user',
          userId: row.user_id!,
          email: row.email!,
          role: row.role!,
          partnerId: row.user_partner_id,
        };
      case 'system':
        if (!row.client_active) return undefined;
        return {
          kind: 'system',
          clientId: row.client_id!,
          name: row.client_name!,
          system: row.client_system!,
          scopes: row.client_scopes as SystemScope[],
        };
      case 'partner':
        return {
          kind: 'partner',
          partnerId: row.partner_id!,
          credentialId: row.id,
          scopes: row.scopes as PartnerScope[],
        };
    }
  }

  private async issue(
    kind: TokenKind,
    subject: { user_id?: string; client_id?: string; partner_id?: string },
    scopes: string[],
    actor: Actor,
    label: string | undefined,
    partnerId: string | null,
  ): Promise<IssuedToken> {
    const minted = mintToken(kind);
    return this.dataSource.transaction((tx) =>
      this.insertToken(tx, minted, kind, subject, scopes, actor, label, partnerId),
    );
  }

  /** Stores a minted token in the caller's transaction, audited (the token itself is never recorded). */
  async insertToken(
    tx: EntityManager,
    minted: ReturnType<typeof mintToken>,
    kind: TokenKind,
    subject: { user_id?: string; client_id?: string; partner_id?: string },
    scopes: string[],
    actor: Actor,
    label: string | undefined,
    partnerId: string | null,
  ): Promise<IssuedToken> {
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO access_token (lookup, secret_hash, subject_kind, user_id, client_id, partner_id, scopes, label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text AS id`,
      [
        minted.lookup,
        minted.secretHash,
        kind,
        subject.user_id ?? null,
        subject.client_id ?? null,
        subject.partner_id ?? null,
        scopes,
        label ?? null,
      ],
    );
    // The token itself is never recorded; its lookup id is enough to find and revoke it.
    await this.audit.record(tx, {
      actor,
      action: 'access-token.issued',
      target: { type: 'access-token', id: row!.id },
      partnerId,
      after: { lookup: minted.lookup, subjectKind: kind, ...subject, scopes, label: label ?? null },
    });
    return { token: minted.token, id: row!.id, lookup: minted.lookup };
  }
}
