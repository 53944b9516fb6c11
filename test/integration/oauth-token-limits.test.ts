import { request as httpRequest } from 'node:http';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startCuttingProxy, type CuttingProxy } from '../support/openssh.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';

const ADMIN = 'bootstrap-admin-token-for-the-oauth-limits-test-0123456789';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;

/**
 * POST /oauth/token from a chosen loopback source address (the whole of 127.0.0.0/8 is local on
 * Linux), so one test can play the partner's deployment and a guesser somewhere else.
 */
function tokenFrom(
  gateway: Gateway,
  source: string,
  clientId: string,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown>; retryAfter?: string }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' }).toString();
  const url = new URL('/oauth/token', gateway.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: source,
        auth: `${clientId}:${secret}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': form.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as Record<string, unknown>,
            retryAfter: res.headers['retry-after'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

describe('the token endpoint limits failed authentications, not clients', () => {
  let db: TestDatabase;
  let strict: Gateway;
  let limiterDown: Gateway;
  let redisLink: CuttingProxy;
  const logs: string[] = [];
  const redis = redisPrefix('oauth-limits');

  beforeAll(async () => {
    db = await createTestDatabase('oauth_limits');
    const env = {
      DATABASE_URL: db.url,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      GATEWAY_ROLE: 'api',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'warn',
    };
    // Redis behind a proxy, cut once the gateway has started: its limiter cannot answer. Started
    // first: nestjs-pino keeps the first logger of the process.
    redisLink = await startCuttingProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
    limiterDown = await startTestGateway(
      { ...env, REDIS_URL: `redis://127.0.0.1:${redisLink.port}`, REDIS_PREFIX: redis.prefix },
      { onLog: (line) => logs.push(line) },
    );
    redisLink.cutAll();
    // Three failures at once, then one every 20 s: a guesser is visibly throttled.
    strict = await startTestGateway({
      ...env,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      RATE_LIMIT_REQUESTS_PER_SECOND: '0.05',
      RATE_LIMIT_BURST: '3',
    });
  }, 60_000);
  afterAll(async () => {
    await limiterDown?.stop();
    await redisLink?.close();
    await strict?.stop();
    await redis.cleanup();
    await db?.drop();
  });

  async function partnerClient(): Promise<{ clientId: string; secret: string }> {
    const res = await request(strict.url)
      .post('/admin/oauth-clients')
      .set('authorization', `Bearer ${ADMIN}`)
      .send({ partnerId: 'nordic-castings', scopes: ['profile:read'] })
      .expect(201);
    return { clientId: res.body.client.clientId as string, secret: res.body.clientSecret as string };
  }

  it("throttles a source's wrong guesses, while the client's own deployment still gets tokens", async () => {
    const client = await partnerClient();
    const other = await partnerClient(); // a well-formed secret that is not this client's
    const guesser = '127.0.0.2';
    const guesses = [];
    for (let i = 0; i < 5; i++) guesses.push(await tokenFrom(strict, guesser, client.clientId, other.secret));
    expect(guesses.map((g) => g.status)).toEqual([401, 401, 401, 429, 429]);
    expect(guesses[0]!.body).toEqual({ error: 'invalid_client' });
    expect(guesses[3]!.body).toMatchObject({ error: 'slow_down' });
    expect(Number(guesses[3]!.retryAfter)).toBeGreaterThanOrEqual(1);
    // The guessing source waits even with the right secret: guessing stays throttled.
    expect((await tokenFrom(strict, guesser, client.clientId, client.secret)).status).toBe(429);

    // The partner's deployment, elsewhere: tokens, again and again (successes never count).
    for (let i = 0; i < 5; i++) {
      const ok = await tokenFrom(strict, '127.0.0.1', client.clientId, client.secret);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: 'profile:read' });
    }
  });

  it('refuses a malformed client id or secret without making it a limiter key', async () => {
    const client = await partnerClient();
    const long = `sgc_${'a'.repeat(5000)}`;
    for (let i = 0; i < 5; i++) {
      const res = await tokenFrom(strict, '127.0.0.3', long, client.secret);
      expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    }
    // A mistyped secret (checksum) is no guess either: the source is not throttled for it.
    const typo = `${client.secret.slice(0, -1)}${client.secret.endsWith('0') ? '1' : '0'}`;
    for (let i = 0; i < 5; i++)
      expect((await tokenFrom(strict, '127.0.0.3', client.clientId, typo)).status).toBe(401);
    expect((await tokenFrom(strict, '127.0.0.3', client.clientId, client.secret)).status).toBe(200);
    const reader = new Redis(TEST_REDIS_URL);
    try {
      const keys = await reader.keys(`${redis.prefix}:rl:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).toMatch(/:rl:oauth-failures:sgc_[a-z2-7]{12}:[0-9a-f.:]+$/);
    } finally {
      reader.disconnect();
    }
  });

  it('issues tokens when the limiter cannot answer, with a warning (as every other route does)', async () => {
    const client = await partnerClient();
    const issued = await tokenFrom(limiterDown, '127.0.0.1', client.clientId, client.secret);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer' });
    // A wrong secret is still just refused, not a server error.
    const other = await partnerClient();
    const refused = await tokenFrom(limiterDown, '127.0.0.1', client.clientId, other.secret);
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const warnings = logs
      .map((line) => JSON.parse(line) as { level: number; context?: string; msg?: string })
      .filter(
        (entry) =>
          entry.level === 40 &&
          entry.context === 'TokenController' &&
          entry.msg === 'rate limiter unavailable; request not counted',
      );
    expect(warnings.length).toBeGreaterThanOrEqual(2);
  });
});
