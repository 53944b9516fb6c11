import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { prove } from '../support/durability.js';
import { signingKeyFile } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';

/**
 * The durability proof (DESIGN.md invariant 2): 1,000 jobs whose handler writes an effect, workers
 * killed with SIGKILL again and again at named points, and in the end every effect exists exactly once.
 * The workers are the real gateway, built, in child processes. `npm run test:soak` runs it bigger.
 */
const JOBS = Number(process.env.DURABILITY_JOBS ?? 1000);
const ROUNDS = Number(process.env.DURABILITY_ROUNDS ?? 2);

describe('every job takes effect exactly once while workers are killed with SIGKILL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('durability');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('in-process driver on embedded PGlite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sg-durability-'));
    await prove({
      env: { DATA_DIR: dataDir },
      jobs: JOBS,
      rounds: ROUNDS,
      points: ['job.effect.in-transaction', 'job.after-commit'],
    });
    rmSync(dataDir, { recursive: true, force: true });
  }, 3_600_000);

  it('in-process driver on PostgreSQL', async () => {
    await prove({
      env: { DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'sg-durability-')) },
      jobs: JOBS,
      rounds: ROUNDS,
      points: ['job.effect.in-transaction', 'job.after-commit'],
    });
  }, 3_600_000);

  it('BullMQ driver on PostgreSQL and Redis', async () => {
    const bullDb = await createTestDatabase('durability_bull');
    const redis = redisPrefix('durability');
    try {
      await prove({
        env: {
          DATABASE_URL: bullDb.url,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_PREFIX: redis.prefix,
          TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
          DATA_DIR: mkdtempSync(join(tmpdir(), 'sg-durability-')),
        },
        points: ['job.after-dispatch', 'job.effect.in-transaction', 'job.after-commit'],
        jobs: JOBS,
        rounds: ROUNDS,
      });
    } finally {
      await redis.cleanup();
      await bullDb.drop();
    }
  }, 3_600_000);
});
