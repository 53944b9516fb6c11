/**
 * Who is calling. Every authenticated request carries exactly one principal; every route names
 * which kinds of principal it admits and with which scopes or roles (see access-rules.ts).
 */
export const USER_ROLES = ['supplier-user', 'supplier-admin', 'buyer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** What a partner credential may do (partner API). */
export const PARTNER_SCOPES = [
  'profile:read',
  'documents:read',
  'documents:write',
  'orders:read',
  'acknowledgments:write',
  'ship-notices:write',
  'webhooks:write',
] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/** What a system client (ERP, MES, WMS) may do. */
export const SYSTEM_SCOPES = [
  'partners:read',
  'purchase-orders:write',
  'plant-events:write',
  'operations:read',
  'operations:write',
] as const;
export type SystemScope = (typeof SYSTEM_SCOPES)[number];

export const SYSTEM_KINDS = ['erp', 'mes', 'wms', 'other'] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];

export interface PartnerPrincipal {
  readonly kind: 'partner';
  readonly partnerId: string;
  readonly credentialId: string;
  readonly scopes: readonly PartnerScope[];
}

export interface SystemPrincipal {
  readonly kind: 'system';
  readonly clientId: string;
  readonly name: string;
  readonly system: SystemKind;
  readonly scopes: readonly SystemScope[];
}

export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly email: string;
  readonly role: UserRole;
  /** Set for supplier users and supplier admins: the one partner they act for. */
  readonly partnerId: string | null;
}

export type Principal = PartnerPrincipal | SystemPrincipal | UserPrincipal;

/** The partner a principal acts for, if any: what every supplier-facing query is scoped by. */
export function actingPartner(principal: Principal): string | null {
  if (principal.kind === 'partner') return principal.partnerId;
  if (principal.kind === 'user') return principal.partnerId;
  return null;
}

export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'partner':
      return `partner ${principal.partnerId} (credential ${principal.credentialId})`;
    case 'system':
      return `system client ${principal.name} (${principal.system})`;
    case 'user':
      return `${principal.role} ${principal.email}`;
  }
}
