import type { ApiKeyRecord } from './api-keys.service.js';
import type { OAuthClientRecord } from './oauth/oauth-clients.service.js';

/**
 * The OpenAPI examples of the credential endpoints, with ids, secrets and keys in the exact shapes the
 * gateway mints (`access-token.ts`: base32 lookups, base62 secrets, the CRC-32 check), so that the
 * documented values pass the same checks a real one does (`credentials-examples.spec.ts`). None of
 * them is or was a live credential.
 */
export const CLIENT_EXAMPLE: OAuthClientRecord = {
  clientId: 'sgc_k3v7q2m4x6ab',
  subjectKind: 'partner',
  partnerId: 'acme-fasteners',
  systemClient: null,
  scopes: ['orders:read', 'acknowledgments:write'],
  label: 'Acme ERP integration',
  createdAt: '2026-11-27T09:00:00.000000Z',
  revokedAt: null,
  lastUsedAt: null,
  secrets: [{ createdAt: '2026-11-27T09:00:00.000000Z', expiresAt: null }],
};

export const KEY_EXAMPLE: ApiKeyRecord = {
  lookup: 'q4z7m2k6x3ab',
  prefix: 'sgp_q4z7m2k6x3ab',
  partnerId: 'acme-fasteners',
  scopes: ['documents:write', 'documents:read'],
  label: 'EDI upload script',
  createdAt: '2026-11-27T09:00:00.000000Z',
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: '2026-11-27T09:14:02.120000Z',
  replacedBy: null,
  state: 'active',
};

/** A client secret as `POST /admin/oauth-clients` shows it, once. */
export const CLIENT_SECRET_EXAMPLE = 'sgcs_Jmm6Nkl8P9MSLJm4BcZ9YTVGeIH5vIa52ae13f45';

/** The client after a secret rotation at 10:00 with a day's overlap: the old secret expires then. */
export const ROTATED_CLIENT_EXAMPLE: OAuthClientRecord = {
  ...CLIENT_EXAMPLE,
  lastUsedAt: '2026-11-27T09:58:31.440000Z',
  secrets: [
    { createdAt: '2026-11-27T09:00:00.000000Z', expiresAt: '2026-11-28T10:00:00.000000Z' },
    { createdAt: '2026-11-27T10:00:00.000000Z', expiresAt: null },
  ],
};
export const ROTATED_SECRET_EXAMPLE = 'sgcs_4CLC9XUryRdwwiwZF8LCNLvABeXObv6Wd5a327e0';

/** The key `KEY_EXAMPLE` describes, as `POST …/api-keys` shows it, once. */
export const KEY_TOKEN_EXAMPLE = 'sgp_q4z7m2k6x3ab_UICruTCBh9FDF1uCEqFQDWeWIxBsczk114e0c1e8';

/** The replacement key a rotation issues (the answer describes the new key). */
export const ROTATED_KEY_EXAMPLE: ApiKeyRecord = {
  ...KEY_EXAMPLE,
  lookup: 'm6w2d5k7r3tq',
  prefix: 'sgp_m6w2d5k7r3tq',
  createdAt: '2026-11-27T10:00:00.000000Z',
  lastUsedAt: null,
};
export const ROTATED_KEY_TOKEN_EXAMPLE = 'sgp_m6w2d5k7r3tq_5kJDvfRo18TofkmNcQqlPbwIRK4cr6YE7df08152';
