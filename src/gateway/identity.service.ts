import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../platform/database/sql.js';
import { mintToken, parseToken, secretMatches, type TokenKind } from './access-token.js';
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
  constructor(private readonly dataSource: DataSource) {}

  async addUser(input: {
    email: string;
    displayName: string;
    role: UserRole;
    partnerId?: string | null;
  }): Promise<UserRecord> {
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
      const [row] = await queryRows<{ id: string }>(
        this.dataSource,
        `INSERT INTO app_user (email, display_name, role, partner_id) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`,
        [input.email.trim().toLowerCase(), input.displayName, input.role, input.partnerId ?? null],
      );
      return this.user(row!.id);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new GatewayError(GatewayErrorCode.Conflict, `a user with the email ${input.email} exists`);
      }
      throw error;
    }
  }

  async user(idOrEmail: string): Promise<UserRecord> {
    const byEmail = idOrEmail.includes('@');
    const [row] = await queryRows<UserRecord>(
      this.dataSource,
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

  async addSystemClient(input: {
    name: string;
    system: SystemKind;
    scopes: SystemScope[];
  }): Promise<SystemClientRecord> {
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
      const [row] = await queryRows<SystemClientRecord>(
        this.dataSource,
        `INSERT INTO system_client (name, system, scopes) VALUES ($1, $2, $3)
         RETURNING id::text AS id, name, system, scopes, active`,
        [input.name, input.system, input.scopes],
      );
      return row!;
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

  async issueUserToken(userId: string, label?: string): Promise<IssuedToken> {
    const user = await this.user(userId);
    return this.issue('user', { user_id: user.id }, [], label);
  }

  async issueSystemToken(clientName: string, label?: string): Promise<IssuedToken> {
    const [client] = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id::text AS id FROM system_client WHERE name = $1`,
      [clientName],
    );
    if (!client) throw new GatewayError(GatewayErrorCode.NotFound, `no system client ${clientName}`);
    return this.issue('system', { client_id: client.id }, [], label);
  }

  /** A partner credential (test credentials until API keys and OAuth2 arrive). */
  async issuePartnerToken(partnerId: string, scopes: PartnerScope[], label?: string): Promise<IssuedToken> {
    const unknown = scopes.filter((s) => !PARTNER_SCOPES.includes(s));
    if (unknown.length > 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidInput,
        `unknown partner scopes ${unknown.join(', ')}; expected ${PARTNER_SCOPES.join(', ')}`,
      );
    }
    return this.issue('partner', { partner_id: partnerId }, scopes, label);
  }

  async revokeToken(lookup: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE access_token SET revoked_at = now() WHERE lookup = $1 AND revoked_at IS NULL RETURNING id`,
      [lookup],
    );
    return rows.length === 1;
  }

  /** The principal a token stands for, or undefined when it is unknown, revoked, expired or inactive. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const [row] = await queryRows<TokenRow>(
      this.dataSource,
      `SELECT t.id::text AS id, t.secret_hash, t.subject_kind, t.scopes, t.partner_id,
              (t.expires_at IS NOT NULL AND t.expires_at < now()) AS expired,
              u.id::text AS user_id, u.email, u.role, u.partner_id AS user_partner_id, u.active AS user_active,
              c.id::text AS client_id, c.name AS client_name, c.system AS client_system, c.scopes AS client_scopes,
              c.active AS client_active
         FROM access_token t
         LEFT JOIN app_user u ON u.id = t.user_id
         LEFT JOIN system_client c ON c.id = t.client_id
        WHERE t.lookup = $1 AND t.revoked_at IS NULL`,
      [parsed.lookup],
    );
    if (
      !row ||
      row.expired ||
      row.subject_kind !== parsed.kind ||
      !secretMatches(parsed.secret, row.secret_hash)
    ) {
      return undefined;
    }
    // Written at most once a minute per token, so authentication does not become a write per request.
    await this.dataSource.query(
      `UPDATE access_token SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.id],
    );
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
    label?: string,
  ): Promise<IssuedToken> {
    const minted = mintToken(kind);
    const [row] = await queryRows<{ id: string }>(
      this.dataSource,
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
    return { token: minted.token, id: row!.id, lookup: minted.lookup };
  }
}
