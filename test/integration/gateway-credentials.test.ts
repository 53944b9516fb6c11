import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';

const ADMIN = 'bootstrap-admin-token-for-the-credentials-test-0123456789';
const ISSUER = 'https://gateway.test.example';
const AUDIENCE = 'supplier-gateway-api';

/** The repository's demo partners, with a tiny rate limit for Acme: 10 at once, then one per 20 s. */
function partnersDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-partners-'));
  for (const file of readdirSync('partners')) {
    if (!file.endsWith('.yaml')) continue;
    if (file !== 'acme-fasteners.yaml') {
      copyFileSync(join('partners', file), join(dir, file));
      continue;
    }
    const yaml = readFileSync(join('partners', file), 'utf8');
    if (!/^channels:\n/m.test(yaml)) throw new Error('the demo profile has no channels block to extend');
    const api = '  api: { enabled: true, rateLimit: { requestsPerSecond: 0.05, burst: 10 } }\n';
    writeFileSync(join(dir, file), yaml.replace(/^channels:\n/m, `channels:\n${api}`));
  }
  return dir;
}

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;

describe('OAuth2 client credentials, API keys and rate limits, across two api processes sharing Redis', () => {
  let db: TestDatabase;
  let one: Gateway;
  let two: Gateway;
  let keyFile: string;
  const redis = redisPrefix('credentials');

  beforeAll(async () => {
    db = await createTestDatabase('credentials');
    keyFile = signingKeyFile();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      TOKEN_SIGNING_KEY_FILE: keyFile,
      GATEWAY_ROLE: 'api',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      OAUTH_ISSUER: ISSUER,
      PARTNERS_DIR: partnersDir(),
      CREDENTIAL_CACHE_SECONDS: '3',
      LOG_LEVEL: 'error',
    };
    one = await startTestGateway(env);
    two = await startTestGateway(env);
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await redis.cleanup();
    await db?.drop();
  });

  const admin = (gateway: Gateway) => ({
    post: (path: string, body: object) =>
      request(gateway.url).post(path).set('authorization', `Bearer ${ADMIN}`).send(body),
    del: (path: string) => request(gateway.url).delete(path).set('authorization', `Bearer ${ADMIN}`),
    get: (path: string) => request(gateway.url).get(path).set('authorization', `Bearer ${ADMIN}`),
  });
  const me = (gateway: Gateway, token: string) =>
    request(gateway.url).get('/me').set('authorization', `Bearer ${token}`);

  async function partnerClient(partnerId: string, scopes: string[]) {
    const res = await admin(one)
      .post('/admin/oauth-clients', { partnerId, scopes, label: 'test' })
      .expect(201);
    return { clientId: res.body.client.clientId as string, secret: res.body.clientSecret as string };
  }

  describe('the token endpoint', () => {
    it('issues a short-lived ES256 token that every process accepts, with HTTP Basic or form credentials', async () => {
      const client = await partnerClient('nordic-castings', ['orders:read', 'profile:read']);
      const basic = await request(one.url)
        .post('/oauth/token')
        .auth(client.clientId, client.secret)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
      expect(basic.headers['cache-control']).toBe('no-store');
      expect(basic.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'orders:read profile:read',
      });
      const [header, payload] = (basic.body.access_token as string)
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(payload).toMatchObject({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: client.clientId,
        sg_partner: 'nordic-castings',
      });
      expect(payload.exp - payload.iat).toBeLessThanOrEqual(900);

      // Issued by process one, accepted by process two.
      const who = await me(two, basic.body.access_token).expect(200);
      expect(who.body).toMatchObject({
        kind: 'partner',
        partnerId: 'nordic-castings',
        credentialId: client.clientId,
      });

      const posted = await request(two.url)
        .post('/oauth/token')
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.secret,
          scope: 'profile:read',
        })
        .expect(200);
      expect(posted.body.scope).toBe('profile:read');
      expect((await me(one, posted.body.access_token).expect(200)).body.scopes).toEqual(['profile:read']);
    });

    it('publishes its metadata (RFC 8414) with absolute URLs and the key that verifies its tokens', async () => {
      const meta = await request(one.url).get('/.well-known/oauth-authorization-server').expect(200);
      expect(meta.body).toMatchObject({
        issuer: ISSUER,
        token_endpoint: `${one.url}/oauth/token`,
        jwks_uri: `${one.url}/oauth/jwks.json`,
        grant_types_supported: ['client_credentials'],
      });
      const jwks = await request(one.url).get(new URL(meta.body.jwks_uri).pathname).expect(200);
      expect(jwks.body.keys).toEqual([
        expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' }),
      ]);
    });

    it('advertises exactly the client authentication its token endpoint accepts (RFC 8414 §2)', async () => {
      const meta = await request(one.url).get('/.well-known/oauth-authorization-server').expect(200);
      const client = await partnerClient('nordic-castings', ['profile:read']);
      const token = () => request(one.url).post('/oauth/token').type('form');
      const byMethod: Record<string, () => request.Test> = {
        client_secret_basic: () =>
          token().auth(client.clientId, client.secret).send({ grant_type: 'client_credentials' }),
        client_secret_post: () =>
          token().send({
            grant_type: 'client_credentials',
            client_id: client.clientId,
            client_secret: client.secret,
          }),
      };
      // Every advertised method gets a token.
      expect(meta.body.token_endpoint_auth_methods_supported).toEqual(Object.keys(byMethod));
      for (const method of meta.body.token_endpoint_auth_methods_supported as string[])
        expect((await byMethod[method]!()).status, method).toBe(200);
      // JWT client authentication (private_key_jwt, client_secret_jwt; RFC 7523) is not accepted, so
      // no algorithm is advertised for it: the entry belongs only with those methods.
      expect(meta.body).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(client.clientId)
        .setSubject(client.clientId)
        .setAudience(meta.body.token_endpoint)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('2m')
        .sign(privateKey);
      const jwtClient = await token().send({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
      expect(jwtClient.status).toBe(400);
      expect(jwtClient.body.error).toBe('invalid_request');
    });

    it('answers RFC 6749 errors: unknown client, wrong secret, unsupported grant, scope not granted', async () => {
      const client = await partnerClient('nordic-castings', ['profile:read']);
      const token = (body: object, auth?: [string, string]) => {
        const req = request(one.url).post('/oauth/token').type('form');
        return (auth ? req.auth(...auth) : req).send(body);
      };
      // A well-formed secret of another client, and a mistyped one (its checksum no longer matches).
      const other = await partnerClient('nordic-castings', ['profile:read']);
      const wrong = await token({ grant_type: 'client_credentials' }, [client.clientId, other.secret]);
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ error: 'invalid_client' });
      expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
      const typo = `${client.secret.slice(0, 5)}${client.secret[5] === 'A' ? 'B' : 'A'}${client.secret.slice(6)}`;
      expect((await token({ grant_type: 'client_credentials' }, [client.clientId, typo])).status).toBe(401);
      expect(
        (await token({ grant_type: 'client_credentials' }, ['sgc_aaaaaaaaaaaa', client.secret])).body,
      ).toEqual({
        error: 'invalid_client',
      });
      expect((await token({ grant_type: 'password' }, [client.clientId, client.secret])).body.error).toBe(
        'unsupported_grant_type',
      );
      const scope = await token({ grant_type: 'client_credentials', scope: 'orders:read' }, [
        client.clientId,
        client.secret,
      ]);
      expect(scope.status).toBe(400);
      expect(scope.body.error).toBe('invalid_scope');
      expect((await token({ grant_type: 'client_credentials' })).body.error).toBe('invalid_request');
    });

    it('serves system clients (the ERP) with their own scopes', async () => {
      await admin(one).post('/admin/oauth-clients', { systemClient: 'missing' }).expect(404);
      const { IdentityService } = await import('../../src/gateway/identity.service.js');
      await one.app
        .get(IdentityService)
        .addSystemClient(
          { name: 'erp-oauth', system: 'erp', scopes: ['partners:read'] },
          { kind: 'cli', name: 'test' },
        );
      const res = await admin(one).post('/admin/oauth-clients', { systemClient: 'erp-oauth' }).expect(201);
      const issued = await request(one.url)
        .post('/oauth/token')
        .auth(res.body.client.clientId, res.body.clientSecret)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
      await request(two.url)
        .get('/admin/partners')
        .set('authorization', `Bearer ${issued.body.access_token}`)
        .expect(200);
      await request(two.url)
        .get('/admin/audit-log')
        .set('authorization', `Bearer ${issued.body.access_token}`)
        .expect(403);
    });

    it('rotates a secret with an overlap, and a revoked client gets no tokens and its tokens stop working', async () => {
      const client = await partnerClient('nordic-castings', ['profile:read']);
      const tokenWith = (secret: string) =>
        request(one.url)
          .post('/oauth/token')
          .auth(client.clientId, secret)
          .type('form')
          .send({ grant_type: 'client_credentials' });
      const rotated = await admin(one)
        .post(`/admin/oauth-clients/${client.clientId}/secrets`, { overlapSeconds: 3600 })
        .expect(201);
      expect(rotated.body.client.secrets).toHaveLength(2);
      await tokenWith(client.secret).expect(200);
      const issued = await tokenWith(rotated.body.clientSecret).expect(200);

      const again = await admin(one)
        .post(`/admin/oauth-clients/${client.clientId}/secrets`, { overlapSeconds: 0 })
        .expect(201);
      await tokenWith(client.secret).expect(401);
      await tokenWith(rotated.body.clientSecret).expect(401);
      await tokenWith(again.body.clientSecret).expect(200);

      await me(two, issued.body.access_token).expect(200);
      await admin(one).del(`/admin/oauth-clients/${client.clientId}`).expect(200);
      await tokenWith(again.body.clientSecret).expect(401);
      await me(one, issued.body.access_token).expect(401);
      const started = Date.now();
      await eventually(async () => (await me(two, issued.body.access_token)).status === 401);
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  });

  describe('a bearer JWT the gateway did not issue as it is', () => {
    let client: { clientId: string; secret: string };
    const key = () => createPrivateKey(readFileSync(keyFile, 'utf8'));
    const forge = (
      claims: Record<string, unknown>,
      options: { iss?: string; aud?: string; exp?: number; iat?: number } = {},
    ) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        scope: 'profile:read',
        sg_kind: 'partner',
        sg_partner: 'nordic-castings',
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
        .setIssuer(options.iss ?? ISSUER)
        .setAudience(options.aud ?? AUDIENCE)
        .setSubject(client.clientId)
        .setIssuedAt(options.iat ?? now)
        .setExpirationTime(options.exp ?? now + 300)
        .setJti(randomUUID())
        .sign(key());
    };

    beforeAll(async () => {
      client = await partnerClient('nordic-castings', ['profile:read']);
    });

    it('accepts the control: a well-formed token signed with our key', async () => {
      await me(one, await forge({})).expect(200);
    });

    it('refuses an expired token, a wrong audience and a wrong issuer', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const token of [
        await forge({}, { iat: now - 1000, exp: now - 60 }),
        await forge({}, { aud: 'another-api' }),
        await forge({}, { iss: 'https://evil.example' }),
      ]) {
        const res = await me(one, token);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.headers['www-authenticate']).toContain('invalid_token');
      }
    });

    it('refuses alg none, a tampered payload, another key, and HMAC keyed with our public key', async () => {
      const good = await forge({});
      const [, payload, signature] = good.split('.');
      const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`;
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const tampered = `${good.split('.')[0]}.${base64url.encode(JSON.stringify({ ...claims, sg_partner: 'acme-fasteners' }))}.${signature}`;
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const foreign = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
        .sign(otherKey);
      const publicPem = (await request(one.url).get('/oauth/jwks.json').expect(200)).body;
      const hmac = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(new TextEncoder().encode(JSON.stringify(publicPem)));
      for (const token of [none, tampered, foreign, hmac]) await me(one, token).expect(401);
    });

    it('refuses a token naming another partner than its client acts for', async () => {
      await me(one, await forge({ sg_partner: 'acme-fasteners' })).expect(401);
    });
  });

  describe('API keys', () => {
    it('are shown once, stored as a hash, record their last use, rotate with an overlap, and a revocation reaches every process within 60 s', async () => {
      const created = await admin(one)
        .post('/admin/partners/nordic-castings/api-keys', { scopes: ['profile:read'], label: 'script' })
        .expect(201);
      const key = created.body.token as string;
      expect(key).toMatch(/^sgp_[a-z2-7]{12}_[A-Za-z0-9]{32}[0-9a-f]{8}$/);
      expect(created.body.key).toMatchObject({
        prefix: `sgp_${created.body.key.lookup}`,
        state: 'active',
        lastUsedAt: null,
      });
      expect(
        JSON.stringify(
          await admin(one)
            .get('/admin/partners/nordic-castings/api-keys')
            .expect(200)
            .then((r) => r.body),
        ),
      ).not.toContain(key.split('_')[2]!);
      await me(two, key).expect(200);
      const listed = (await admin(one).get('/admin/partners/nordic-castings/api-keys').expect(200)).body as {
        lookup: string;
        lastUsedAt: string | null;
      }[];
      expect(listed.find((k) => k.lookup === created.body.key.lookup)?.lastUsedAt).not.toBeNull();
      // Another partner's admin path does not reach this key.
      await admin(one).del(`/admin/partners/acme-fasteners/api-keys/${created.body.key.lookup}`).expect(404);

      const rotated = await admin(one)
        .post(`/admin/partners/nordic-castings/api-keys/${created.body.key.lookup}/rotate`, {
          overlapSeconds: 600,
        })
        .expect(201);
      await me(one, key).expect(200);
      await me(one, rotated.body.token).expect(200);
      const old = (await admin(one).get('/admin/partners/nordic-castings/api-keys').expect(200)).body.find(
        (k: { lookup: string }) => k.lookup === created.body.key.lookup,
      );
      expect(old).toMatchObject({ state: 'expiring', replacedBy: rotated.body.key.lookup });

      await me(two, rotated.body.token).expect(200); // now cached on process two
      await admin(one).del(`/admin/partners/nordic-castings/api-keys/${rotated.body.key.lookup}`).expect(200);
      await me(one, rotated.body.token).expect(401); // at once where it was revoked
      const started = Date.now();
      await eventually(async () => (await me(two, rotated.body.token)).status === 401);
      expect(Date.now() - started).toBeLessThan(60_000);
    });

    it('a rotation with no overlap stops the old key at once where it was made, though the key was cached', async () => {
      const created = await admin(one)
        .post('/admin/partners/nordic-castings/api-keys', { scopes: ['profile:read'] })
        .expect(201);
      const key = created.body.token as string;
      await me(one, key).expect(200); // now cached on process one
      const rotated = await admin(one)
        .post(`/admin/partners/nordic-castings/api-keys/${created.body.key.lookup}/rotate`, {
          overlapSeconds: 0,
        })
        .expect(201);
      await me(one, key).expect(401);
      await me(one, rotated.body.token).expect(200);
    });

    it('refuses a mistyped key before any lookup, and one of a partner no longer configured', async () => {
      const created = await admin(one)
        .post('/admin/partners/nordic-castings/api-keys', { scopes: ['profile:read'] })
        .expect(201);
      const key = created.body.token as string;
      await me(one, `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`).expect(401);
      await admin(one)
        .post('/admin/partners/no-such-partner/api-keys', { scopes: ['profile:read'] })
        .expect(404);
    });
  });

  describe('rate limits', () => {
    it('a partner at 10× its quota gets 429 from request quota+1 on, on both processes; another partner is unaffected', async () => {
      const acme = (
        await admin(one)
          .post('/admin/partners/acme-fasteners/api-keys', { scopes: ['profile:read'] })
          .expect(201)
      ).body.token;
      const nordic = (
        await admin(one)
          .post('/admin/partners/nordic-castings/api-keys', { scopes: ['profile:read'] })
          .expect(201)
      ).body.token;
      const statuses: number[] = [];
      let refused: request.Response | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await me(i % 2 === 0 ? one : two, acme);
        statuses.push(res.status);
        if (res.status === 429) refused ??= res;
        if (i % 10 === 0) await me(i % 2 === 0 ? two : one, nordic).expect(200);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
      expect(statuses.slice(10)).toEqual(Array(90).fill(429));
      expect(refused!.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused!.body.type).toBe('urn:supplier-gateway:problem:rate-limited');
      expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused!.headers['retry-after'])).toBeLessThanOrEqual(20);
      expect(refused!.headers['ratelimit-limit']).toBe('10');
      expect(refused!.headers['ratelimit-remaining']).toBe('0');
      const fine = await me(two, nordic).expect(200);
      expect(Number(fine.headers['ratelimit-remaining'])).toBeGreaterThan(50);
    });
  });
});

async function eventually(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
