import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { SecretFiles } from '../../platform/secrets/secret-files.js';

/** The one signing algorithm: ECDSA P-256 (the key in TOKEN_SIGNING_KEY_FILE). Nothing else is accepted. */
const ALGORITHM = 'ES256';

/** What an access token says about its bearer, beyond the registered claims. */
export interface AccessTokenClaims {
  /** The OAuth client id (`sub`). */
  readonly clientId: string;
  readonly subjectKind: 'partner' | 'system';
  readonly partnerId?: string;
  readonly systemClientId?: string;
  readonly scopes: readonly string[];
}

export interface SignedAccessToken {
  readonly token: string;
  readonly expiresIn: number;
}

/** Why a bearer JWT was refused; logged, never told to the caller in more detail than "invalid". */
export type TokenRejection =
  'malformed' | 'signature' | 'expired' | 'issuer' | 'audience' | 'algorithm' | 'claims';

export class AccessTokenRejected extends Error {
  constructor(readonly reason: TokenRejection) {
    super(`access token refused: ${reason}`);
    this.name = 'AccessTokenRejected';
  }
}

export function issuerOf(config: Pick<GatewayConfig, 'OAUTH_ISSUER' | 'PUBLIC_URL'>): string {
  return config.OAUTH_ISSUER ?? config.PUBLIC_URL ?? 'urn:supplier-gateway';
}

/**
 * Signs and verifies the short-lived access tokens of the OAuth2 token endpoint (RFC 9068 style JWTs:
 * `iss`, `aud`, `sub`, `exp`, `iat`, `jti`, `scope`). Every process reads the same signing key from
 * configuration, so a token issued by one api process is accepted by all of them. Verification pins
 * the algorithm, issuer and audience, so `alg: none`, an HMAC token keyed with our public key, a token
 * for another audience and a tampered or expired one are all refused.
 */
@Injectable()
export class JwtAccessTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly issuer: string;
  private keyId: Promise<string> | undefined;

  constructor(@InjectConfig() private readonly config: GatewayConfig) {
    this.privateKey = SecretFiles.for(config).tokenSigningKey(config);
    this.publicKey = createPublicKey(this.privateKey);
    this.issuer = issuerOf(config);
  }

  /** Does this bearer string look like a JWT (three base64url parts) rather than one of our opaque tokens? */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  async sign(claims: AccessTokenClaims): Promise<SignedAccessToken> {
    const expiresIn = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({
      scope: claims.scopes.join(' '),
      client_id: claims.clientId,
      sg_kind: claims.subjectKind,
      ...(claims.partnerId ? { sg_partner: claims.partnerId } : {}),
      ...(claims.systemClientId ? { sg_system_client: claims.systemClientId } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'at+jwt', kid: await this.kid() })
      .setIssuer(this.issuer)
      .setAudience(this.config.OAUTH_AUDIENCE)
      .setSubject(claims.clientId)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expiresIn };
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: [ALGORITHM],
        issuer: this.issuer,
        audience: this.config.OAUTH_AUDIENCE,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        // Refuse tokens older than our own maximum lifetime even if their `exp` says otherwise.
        maxTokenAge: 900,
        clockTolerance: 5,
      }));
    } catch (error) {
      throw new AccessTokenRejected(rejectionOf(error));
    }
    const kind = payload.sg_kind;
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const sub = payload.sub as string;
    if (kind === 'partner' && typeof payload.sg_partner === 'string')
      return { clientId: sub, subjectKind: 'partner', partnerId: payload.sg_partner, scopes };
    if (kind === 'system' && typeof payload.sg_system_client === 'string')
      return { clientId: sub, subjectKind: 'system', systemClientId: payload.sg_system_client, scopes };
    throw new AccessTokenRejected('claims');
  }

  /** The verification key as a JWK set, for resource servers outside the gateway. */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const jwk = await exportJWK(this.publicKey);
    return { keys: [{ ...jwk, kid: await this.kid(), alg: ALGORITHM, use: 'sig' }] };
  }

  private kid(): Promise<string> {
    this.keyId ??= exportJWK(this.publicKey).then((jwk) => calculateJwkThumbprint(jwk));
    return this.keyId;
  }
}

function rejectionOf(error: unknown): TokenRejection {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'iat' && error.reason === 'check_failed') return 'expired';
    return 'claims';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported)
    return 'algorithm';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  return 'malformed';
}
