import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { CLIENT_ID_FORMAT } from '../access-token.js';
import { JwtAccessTokens } from './jwt-access-tokens.js';
import { JWKS_EXAMPLE, TOKEN_EXAMPLE, TOKEN_EXAMPLE_ISSUER } from './oauth-examples.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-oauth-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI examples of the token endpoint and key set', () => {
  const token = TOKEN_EXAMPLE.access_token;
  const key = JWKS_EXAMPLE.keys[0]!;

  it('are a token that verifies against the example key set, for the default audience', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key, 'ES256'), {
      algorithms: ['ES256'],
      issuer: TOKEN_EXAMPLE_ISSUER,
      audience: config.OAUTH_AUDIENCE,
      typ: 'at+jwt',
      currentDate: new Date('2026-11-27T10:05:00Z'),
    });
    expect(protectedHeader.kid).toBe(await calculateJwkThumbprint(key));
    expect(payload.scope).toBe(TOKEN_EXAMPLE.scope);
    expect(payload.sub).toMatch(CLIENT_ID_FORMAT);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(TOKEN_EXAMPLE.expires_in);
  });

  it('carry the header and claims the gateway issues, and a key set shaped as it serves it', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    writeFileSync(join(dir, 'key.pem'), pem);
    const tokens = new JwtAccessTokens(
      loadConfig({ DATA_DIR: dir, TOKEN_SIGNING_KEY_FILE: join(dir, 'key.pem') }),
    );
    const issued = await tokens.sign({
      clientId: 'sgc_k3v7q2m4x6ab',
      subjectKind: 'partner',
      partnerId: 'acme-fasteners',
      scopes: ['orders:read', 'acknowledgments:write'],
    });
    expect(Object.keys(decodeProtectedHeader(token)).sort()).toEqual(
      Object.keys(decodeProtectedHeader(issued.token)).sort(),
    );
    expect(Object.keys(decodeJwt(token)).sort()).toEqual(Object.keys(decodeJwt(issued.token)).sort());
    const served = await tokens.jwks();
    expect(Object.keys(key).sort()).toEqual(Object.keys(served.keys[0]!).sort());
  });
});
