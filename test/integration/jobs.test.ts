import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeActor } from '../../src/audit/actor.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { DiagnosticsService } from '../../src/platform/diagnostics/diagnostics.service.js';
import {
  DeadLetterAlreadyReplayedError,
  DeadLetterBusyError,
  DeadLetterService,
} from '../../src/platform/jobs/dead-letter.service.js';
import { LeaseService } from '../../src/platform/jobs/lease.service.js';
import { startLeasedTask } from '../../src/platform/jobs/leased-task.js';
import { OutboxRetention } from '../../src/platform/jobs/outbox-retention.js';
import type { PinoLogger } from 'nestjs-pino';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('jobs: retries, dead letters, replay', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    db = await createTestDatabase('jobs');
    gateway = await startTestGateway({ DATABASE_URL: db.url, JOBS_POLL_MS: '50' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  const outboxRow = (run: string) =>
    queryOnce<{ status: string; attempts: number; attempt_log: { attempt: number; error: string }[] }>(
      db.url,
      `SELECT status, attempts, attempt_log FROM outbox WHERE payload->>'run' = $1`,
      [run],
    ).then((rows) => rows[0]);

  it('retries a failing job with backoff and records every failed attempt', async () => {
    await gateway.app.get(DiagnosticsService).enqueueProbes('retry-run', 1, { failAttempts: 2 });
    const row = await until('the job to succeed', async () => {
      const r = await outboxRow('retry-run');
      return r?.status === 'done' ? r : undefined;
    });
    expect(row.attempts).toBe(3);
    expect(row.attempt_log.map((a) => a.attempt)).toEqual([1, 2]);
    expect(row.attempt_log[0]!.error).toContain('failing attempt 1 on purpose');
    expect((await gateway.app.get(DiagnosticsService).report('retry-run')).once).toBe(1);
  });

  it('dead-letters a permanent failure with its payload and history, and replays it under the same key', async () => {
    await gateway.app.get(DiagnosticsService).enqueueProbes('dead-run', 1, { permanent: true });
    await until('the dead letter', async () =>
      (await outboxRow('dead-run'))?.status === 'dead' ? true : undefined,
    );
    const letters = gateway.app.get(DeadLetterService);
    const [letter] = (await letters.list()).filter((l) => (l.payload as { run: string }).run === 'dead-run');
    expect(letter).toMatchObject({
      jobName: 'diagnostics.probe',
      jobKey: 'diagnostics.probe:dead-run:0',
      error: expect.stringContaining('PermanentJobError: probe dead-run/0 asked to fail'),
      replayedAt: null,
    });
    expect(letter!.attempts).toHaveLength(1);

    const ops = {
      kind: 'user',
      userId: 'u-ops',
      email: 'ops@example.com',
      role: 'admin',
      partnerId: null,
    } as const;
    await letters.replay(letter!.id, ops, 'ERP is back');
    await expect(letters.replay(letter!.id, ops)).rejects.toBeInstanceOf(DeadLetterAlreadyReplayedError);
    // The replay is in the audit log, with who, why and the job it concerned.
    const audit = await gateway.app.get(AuditService).query({ action: 'dead-letter.replayed' });
    expect(audit.items[0]).toMatchObject({
      actor: { kind: 'user', id: 'u-ops' },
      target: { type: 'dead-letter', id: letter!.id },
      after: { jobKey: 'diagnostics.probe:dead-run:0' },
      note: 'ERP is back',
    });
    // It fails permanently again, so it comes back as a new dead letter for the same job key.
    await until('the second dead letter', async () => {
      const all = (await letters.list({ includeReplayed: true })).filter(
        (l) => l.jobKey === 'diagnostics.probe:dead-run:0',
      );
      return all.length === 2 ? all : undefined;
    });
    expect((await letters.get(letter!.id)).replayedBy).toBe(describeActor(ops));
  });

  it('answers `gateway dead-letters list` and `replay` from the command line', async () => {
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
    const list = spawnSync(process.execPath, ['dist/src/cli/main.js', 'dead-letters', 'list', '--json'], {
      env,
      encoding: 'utf8',
    });
    expect(list.status).toBe(0);
    const letters = JSON.parse(list.stdout) as { id: string; jobKey: string }[];
    const open = letters.find((l) => l.jobKey === 'diagnostics.probe:dead-run:0');
    expect(open).toBeDefined();
    const replay = spawnSync(
      process.execPath,
      ['dist/src/cli/main.js', 'dead-letters', 'replay', open!.id, '--by', 'ops'],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(replay.stdout).toContain(`replayed dead letter ${open!.id}`);
    expect(replay.status).toBe(0);
    const missing = spawnSync(
      process.execPath,
      ['dist/src/cli/main.js', 'dead-letters', 'replay', '999999'],
      { env, encoding: 'utf8' },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('dead letter 999999 does not exist');
  });

  it('does not replay a dead letter while another job of the same kind for the same payload is unfinished', async () => {
    await replayWaitsForAnotherRound(gateway.app, 'busy-run');
  });

  it('replays one of two dead letters of the same subject replayed at once, and refuses the other', async () => {
    await gateway.app.get(DiagnosticsService).enqueueProbes('pair-run', 1, { permanent: true });
    await until('the first dead letter', async () =>
      (await outboxRow('pair-run'))?.status === 'dead' ? true : undefined,
    );
    // A second round of the same subject under another key (as a resend's would be) dies too.
    await queryOnce(
      db.url,
      `INSERT INTO outbox (job_key, job_name, payload, correlation_id, max_attempts)
       SELECT 'pair-run:second-round', job_name, payload, correlation_id, 1
         FROM outbox WHERE job_key = 'diagnostics.probe:pair-run:0'`,
    );
    const letters = gateway.app.get(DeadLetterService);
    const pair = await until('both dead letters', async () => {
      const open = (await letters.list()).filter((l) => (l.payload as { run: string }).run === 'pair-run');
      return open.length === 2 ? open : undefined;
    });

    // Both replays get as far as their own outbox row, which this connection holds, before either
    // commits: the moment where both could find the subject idle.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    const ops = { kind: 'cli', name: 'ops' } as const;
    let replays: Promise<PromiseSettledResult<unknown>[]>;
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT id FROM outbox WHERE payload->>'run' = 'pair-run' FOR UPDATE`);
      replays = Promise.allSettled(pair.map((letter) => letters.replay(letter.id, ops)));
      await until('both replays waiting on a lock', async () => {
        const [{ n }] = (await queryOnce<{ n: number }>(
          db.url,
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )) as [{ n: number }];
        return n === 2 ? true : undefined;
      });
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    const outcomes = await replays;
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(DeadLetterBusyError);
    expect((refused.reason as Error).message).toMatch(
      /another diagnostics\.probe job for the same subject \(outbox row \d+\) is still (queued|under way)/,
    );
    const replayed = await Promise.all(pair.map((letter) => letters.get(letter.id)));
    expect(replayed.filter((l) => l.replayedAt !== null)).toHaveLength(1);
  });

  it('makes one job of the same key enqueued twice', async () => {
    const diagnostics = gateway.app.get(DiagnosticsService);
    await diagnostics.enqueueProbes('twice-run', 3);
    await diagnostics.enqueueProbes('twice-run', 3);
    const [{ n }] = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM outbox WHERE payload->>'run' = 'twice-run'`,
    );
    expect(n).toBe(3);
  });
});

describe('dead-letter replay on the embedded database', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('takes the lock of the subject on PGlite too, and refuses while another round is unfinished', async () => {
    expect(gateway.endpoint.embedded).toBe(true);
    await replayWaitsForAnotherRound(gateway.app, 'embedded-run');
  });
});

/**
 * A probe of `run` dies; another round of the same subject is queued under another key (as a resend
 * would be): the replay is refused until that round is over, then goes through.
 */
async function replayWaitsForAnotherRound(app: INestApplication, run: string): Promise<void> {
  const db = app.get(DataSource);
  const letters = app.get(DeadLetterService);
  await app.get(DiagnosticsService).enqueueProbes(run, 1, { permanent: true });
  const letter = await until('the dead letter', async () =>
    (await letters.list()).find((l) => (l.payload as { run: string }).run === run),
  );
  await db.query(
    `INSERT INTO outbox (job_key, job_name, payload, correlation_id, max_attempts, status, available_at)
     SELECT $2, job_name, payload, correlation_id, 1, 'pending', now() + interval '1 hour'
       FROM dead_letter WHERE id = $1`,
    [letter.id, `${run}:another-round`],
  );
  const ops = { kind: 'cli', name: 'ops' } as const;
  const refused = letters.replay(letter.id, ops);
  await expect(refused).rejects.toBeInstanceOf(DeadLetterBusyError);
  await expect(refused).rejects.toThrow(/is still queued \(due \d{4}-/);
  expect((await letters.get(letter.id)).replayedAt).toBeNull();
  const [row] = await db.query(`SELECT status FROM outbox WHERE id = $1`, [letter.outboxId]);
  expect(row.status).toBe('dead');

  await db.query(`UPDATE outbox SET status = 'done' WHERE job_key = $1`, [`${run}:another-round`]);
  await letters.replay(letter.id, ops, 'the other round is over');
  expect((await letters.get(letter.id)).replayedAt).not.toBeNull();
}

describe('outbox retention', () => {
  it('removes finished jobs past the retention, keeps recent, unfinished and dead ones', async () => {
    const db = await createTestDatabase('retention');
    const gateway = await startTestGateway({ DATABASE_URL: db.url, OUTBOX_RETENTION_DAYS: '7' });
    try {
      await queryOnce(
        db.url,
        `INSERT INTO outbox (job_key, job_name, payload, correlation_id, max_attempts, status, done_at)
         VALUES ('t:old', 'diagnostics.probe', '{}', 'c', 1, 'done', now() - interval '8 days'),
                ('t:recent', 'diagnostics.probe', '{}', 'c', 1, 'done', now() - interval '6 days'),
                ('t:dead', 'diagnostics.probe', '{}', 'c', 1, 'dead', NULL),
                ('t:pending', 'diagnostics.probe', '{}', 'c', 1, 'pending', NULL)`,
      );
      await queryOnce(
        db.url,
        `UPDATE outbox SET available_at = now() + interval '1 day' WHERE job_key = 't:pending'`,
      );
      expect(await gateway.app.get(OutboxRetention).sweep()).toBe(1);
      const left = await queryOnce<{ job_key: string }>(
        db.url,
        `SELECT job_key FROM outbox ORDER BY job_key`,
      );
      expect(left.map((r) => r.job_key)).toEqual(['t:dead', 't:pending', 't:recent']);
    } finally {
      await gateway.stop();
      await db.drop();
    }
  });
});

describe('leased tasks', () => {
  it('run in one process at a time, and move to another when the holder stops', async () => {
    const db = await createTestDatabase('leased');
    const migrated = await startTestGateway({ DATABASE_URL: db.url });
    await migrated.stop();
    const sources = await Promise.all(
      [1, 2].map(async () => {
        const ds = new DataSource({ type: 'postgres', url: db.url, poolSize: 2 });
        await ds.initialize();
        return ds;
      }),
    );
    const logger = {
      warn: () => undefined,
      error: () => undefined,
      info: () => undefined,
    } as unknown as PinoLogger;
    const runs: string[] = [];
    let running = 0;
    let overlapped = false;
    const task = (who: string) =>
      startLeasedTask(new LeaseService(sources[who === 'a' ? 0 : 1]!), logger, {
        name: 'poll:test',
        everyMs: 100,
        ttlMs: 1000,
        run: async () => {
          running += 1;
          if (running > 1) overlapped = true;
          runs.push(who);
          await sleep(30);
          running -= 1;
        },
      });
    try {
      const a = task('a');
      await sleep(300);
      const b = task('b');
      await sleep(500);
      expect(a.holding()).toBe(true);
      expect(b.holding()).toBe(false);
      expect(runs.filter((r) => r === 'b')).toEqual([]);
      await a.stop();
      await until('b to take over', async () => (b.holding() ? true : undefined), 5000);
      await sleep(300);
      await b.stop();
      expect(runs.filter((r) => r === 'a').length).toBeGreaterThan(3);
      expect(runs.filter((r) => r === 'b').length).toBeGreaterThan(1);
      expect(runs.lastIndexOf('a')).toBeLessThan(runs.indexOf('b'));
      expect(overlapped).toBe(false);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
      await db.drop();
    }
  });
});

describe('leases', () => {
  it('belong to one holder until they expire, then another process takes over', async () => {
    const db = await createTestDatabase('leases');
    // Two data sources stand for two processes: separate connections, separate holders.
    const connect = async () => {
      const ds = new DataSource({ type: 'postgres', url: db.url, poolSize: 1 });
      await ds.initialize();
      return ds;
    };
    const migrated = await startTestGateway({ DATABASE_URL: db.url });
    await migrated.stop();
    const [one, two] = [await connect(), await connect()];
    try {
      const a = new LeaseService(one);
      const b = new LeaseService(two);
      expect(await a.acquire('sftp-poll:acme', 'process-a', 800)).toMatchObject({ holder: 'process-a' });
      expect(await b.acquire('sftp-poll:acme', 'process-b', 800)).toBeUndefined();
      // Renewal by the holder keeps it.
      expect(await a.acquire('sftp-poll:acme', 'process-a', 800)).toMatchObject({ holder: 'process-a' });
      await sleep(1000);
      expect(await b.acquire('sftp-poll:acme', 'process-b', 800)).toMatchObject({ holder: 'process-b' });
      expect(await a.acquire('sftp-poll:acme', 'process-a', 800)).toBeUndefined();
      expect((await a.current('sftp-poll:acme'))?.holder).toBe('process-b');
      await b.release('sftp-poll:acme', 'process-b');
      expect(await a.acquire('sftp-poll:acme', 'process-a', 800)).toMatchObject({ holder: 'process-a' });
    } finally {
      await one.destroy();
      await two.destroy();
      await db.drop();
    }
  });
});
