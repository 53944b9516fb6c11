import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsService } from '../../src/platform/diagnostics/diagnostics.service.js';
import { bodyHandlers } from '../../src/platform/http/openapi-bodies.js';
import { JOB_DRIVER, type JobDriver } from '../../src/platform/jobs/job-driver.js';
import { SecondProcessError } from '../../src/platform/database/single-process-guard.js';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/process.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';

describe('the gateway on PostgreSQL with in-process jobs', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    db = await createTestDatabase('platform');
    gateway = await startTestGateway({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('reports every dependency on /health', async () => {
    const res = await request(gateway.url).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.database).toMatchObject({ status: 'up', embedded: false });
    expect(res.body.details.jobs).toMatchObject({ status: 'up', driver: 'in-process', role: 'all' });
  });

  it('serves the OpenAPI document with an example for every operation', async () => {
    const res = await request(gateway.url).get('/docs/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const operations = Object.values(res.body.paths as Record<string, Record<string, any>>).flatMap((p) =>
      Object.values(p),
    );
    expect(operations.length).toBeGreaterThanOrEqual(3);
    for (const op of operations) {
      const examples = Object.values(op.responses as Record<string, any>).flatMap((r) =>
        Object.values((r.content ?? {}) as Record<string, any>).map((c) => c.example),
      );
      expect(
        examples.some((e) => e !== undefined),
        `${op.operationId} has a response example`,
      ).toBe(true);
    }
    await request(gateway.url).get('/docs').expect(200).expect('content-type', /html/);
  });

  it('elides no value of any example (an example is what the endpoint really says)', async () => {
    const document = (await request(gateway.url).get('/docs/openapi.json').expect(200)).body;
    const elided: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (typeof value === 'string') {
        if (value.includes('…')) elided.push(`${at}: ${value.slice(0, 80)}`);
      } else if (value !== null && typeof value === 'object')
        for (const [key, inner] of Object.entries(value)) walk(inner, `${at}/${key}`);
    };
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>))
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, any>))
          for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, any>))
            walk(media.example, `${method} ${path} ${status} ${type}`);
        for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Record<string, any>))
          walk(media.example, `${method} ${path} request ${type}`);
      }
    expect(elided).toEqual([]);
  });

  it('declares the request body, with an example, of every operation whose handler reads one', async () => {
    const document = (await request(gateway.url).get('/docs/openapi.json').expect(200)).body;
    const operations = new Map(
      Object.values(document.paths as Record<string, Record<string, any>>)
        .flatMap((p) => Object.values(p))
        .map((op) => [op.operationId, op]),
    );
    const handlers = bodyHandlers(gateway.app).filter((h) => operations.has(h.operationId));
    expect(handlers.length).toBeGreaterThanOrEqual(25);
    for (const { operationId } of handlers) {
      const content = operations.get(operationId).requestBody?.content as Record<string, any> | undefined;
      expect(content, `${operationId} declares its request body`).toBeDefined();
      for (const [type, media] of Object.entries(content!))
        expect(
          media.example ?? media.schema?.example,
          `${operationId} has a ${type} request example`,
        ).toBeDefined();
    }
  });

  it('exposes Prometheus metrics, including its own request timings', async () => {
    await request(gateway.url).get('/health').expect(200);
    const res = await request(gateway.url)
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    expect(res.text).toMatch(
      /gateway_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/,
    );
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it("gives each request a correlation id and keeps a caller's plausible one", async () => {
    const own = await request(gateway.url).get('/health/live').expect(200);
    expect(own.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await request(gateway.url)
      .get('/health/live')
      .set('x-correlation-id', 'po-4711.chain')
      .expect(200);
    expect(given.headers['x-correlation-id']).toBe('po-4711.chain');
    const hostile = await request(gateway.url)
      .get('/health/live')
      .set('x-correlation-id', 'a b<script>')
      .expect(200);
    expect(hostile.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names every constraint and index explicitly', async () => {
    const constraints = await queryOnce<{ conname: string }>(
      db.url,
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND c.contype IN ('p', 'f', 'u', 'c')`,
    );
    const indexes = await queryOnce<{ indexname: string; tablename: string }>(
      db.url,
      `SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migration'`,
    );
    expect(constraints.length).toBeGreaterThan(5);
    for (const { conname } of constraints.filter((c) => !c.conname.startsWith('PK_'))) {
      expect(conname).toMatch(/^(pk|fk|uq|ck)_[a-z0-9_]+$/);
    }
    for (const { indexname } of indexes) expect(indexname).toMatch(/^(pk|uq|ix)_[a-z0-9_]+$/);
  });

  it('refuses a second process on the same database without Redis', async () => {
    await expect(startTestGateway({ DATABASE_URL: db.url })).rejects.toBeInstanceOf(SecondProcessError);
  });

  it('answers 503 problem+json naming the dependency that is down', async () => {
    await gateway.app.get<JobDriver>(JOB_DRIVER).stop();
    const res = await request(gateway.url).get('/health').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:supplier-gateway:problem:unavailable',
      status: 503,
      errors: { status: 'error', error: { jobs: { status: 'down', problem: 'stopped' } } },
    });
  });
});

describe('the gateway with REDIS_URL', () => {
  it('runs jobs on BullMQ and says so on /health', async () => {
    const db = await createTestDatabase('bullmq');
    const redis = redisPrefix('platform');
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
    };
    const gateway = await startTestGateway(env);
    try {
      const res = await request(gateway.url).get('/health').expect(200);
      expect(res.body.details.jobs).toMatchObject({ status: 'up', driver: 'bullmq' });
      // With Redis, several processes may share the database: a second one starts.
      const second = await startTestGateway(env);
      await second.stop();
    } finally {
      await gateway.stop();
      await redis.cleanup();
      await db.drop();
    }
  });
});

describe('Redis that may evict keys', () => {
  it('is refused at start: an evicted job is a lost job', async () => {
    const port = await freePort();
    const redis = spawn('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    const db = await createTestDatabase('evicting');
    try {
      await until(async () => {
        const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      });
      await expect(
        startTestGateway({
          DATABASE_URL: db.url,
          REDIS_URL: `redis://127.0.0.1:${port}`,
          TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
        }),
      ).rejects.toThrow(/maxmemory-policy is "allkeys-lru"; the gateway needs "noeviction"/);
    } finally {
      redis.kill('SIGTERM');
      await db.drop();
    }
  });
});

describe('GATEWAY_ROLE=api', () => {
  it('serves HTTP and enqueues, but leaves running jobs to workers', async () => {
    const db = await createTestDatabase('api_role');
    const redis = redisPrefix('api-role');
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      GATEWAY_ROLE: 'api',
    };
    const api = await startTestGateway(env);
    try {
      const res = await request(api.url).get('/health').expect(200);
      expect(res.body.details.jobs).toMatchObject({ status: 'up', role: 'api' });
      await api.app.get(DiagnosticsService).enqueueProbes('api-role', 3);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await api.app.get(DiagnosticsService).report('api-role')).outbox).toEqual({ pending: 3 });
      const worker = await startTestGateway({ ...env, GATEWAY_ROLE: 'worker', JOBS_POLL_MS: '50' });
      try {
        await until(async () => (await api.app.get(DiagnosticsService).report('api-role')).once === 3);
      } finally {
        await worker.stop();
      }
    } finally {
      await api.stop();
      await redis.cleanup();
      await db.drop();
    }
  });
});

async function until(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
