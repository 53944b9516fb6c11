import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { ErpPostingService } from '../../src/erp/posting/erp-posting.service.js';
import { deliveryBody, erpConfigFile, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/**
 * The evidence for exactly-once posting: the gateway posts through the generic REST adapter
 * to the ERP simulator running as a separate HTTP process on its own database, which loses 20 % of
 * its answers after committing, commits 5 % late (after the caller's timeout), and is down for 30
 * seconds in the middle of the run. Its ledger must end with every posting exactly once.
 */

const POSTINGS = 1_000;
const TIMEOUT_MS = 1_000;
const LATE_COMMIT_MS = 1_500;
const OUTAGE_MS = 30_000;

interface Simulator {
  readonly db: TestDatabase;
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<unknown>;
}

async function startSimulator(label: string): Promise<Simulator> {
  const db = await createTestDatabase(label);
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'erp-simulator', 'serve', '--port', '0'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = /erp-simulator listening on (http:\/\/127\.0\.0\.1:\d+)/;
  const deadline = Date.now() + 60_000;
  while (!ready.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the simulator did not start:\n${output}`);
    await sleep(100);
  }
  return { db, child, url: ready.exec(output)![1]!, exited };
}

async function admin(simulator: Simulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${simulator.url}/simulator${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

const count = async (db: TestDatabase, sql: string) => (await queryOnce<{ n: number }>(db.url, sql))[0]!.n;

describe('exactly-once posting to an ERP over REST, under lost answers, late commits and an outage', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function run(options: {
    label: string;
    erpIdempotency: 'honour' | 'ignore';
    gatewaySays: 'honoured' | 'ignored';
    postings: number;
    outage: boolean;
  }) {
    const simulator = await startSimulator(`${options.label}_erp`);
    cleanups.push(async () => {
      if (simulator.child.exitCode === null) simulator.child.kill('SIGTERM');
      await simulator.exited;
      await simulator.db.drop();
    });
    await admin(simulator, 'PUT', '/settings', { idempotency: options.erpIdempotency });
    await admin(simulator, 'PUT', '/faults/post/drop-answer', { rate: 0.2 });
    await admin(simulator, 'PUT', '/faults/post/commit-late', { rate: 0.05, delayMs: LATE_COMMIT_MS });

    const db = await createTestDatabase(`${options.label}_gw`);
    const gateway = await startTestGateway({
      DATABASE_URL: db.url,
      ERP_CONFIG_FILE: erpConfigFile([
        {
          id: 'erp',
          adapter: 'rest',
          default: true,
          idempotencyKeys: options.gatewaySays,
          timeoutMs: TIMEOUT_MS,
          // Longer than the simulator's latest commit after a caller gave up.
          unknownOutcomeSettleMs: options.gatewaySays === 'ignored' ? LATE_COMMIT_MS + 1_500 : 0,
          limits: { ratePerSecond: 1_000, concurrency: 16 },
          retry: { maxAttempts: 40, baseMs: 250, maxMs: 4_000 },
          rest: { baseUrl: simulator.url },
        },
      ]),
      ERP_RECONCILE_EVERY_MINUTES: '0',
      JOBS_POLL_MS: '50',
      JOBS_CONCURRENCY: '16',
      LOG_LEVEL: 'fatal',
    });
    cleanups.push(async () => {
      await gateway.stop();
      await db.drop();
    });
    const service = gateway.app.get(ErpPostingService);
    const dataSource = gateway.app.get(DataSource);

    const started = Date.now();
    for (let batch = 0; batch < options.postings; batch += 100) {
      await dataSource.transaction(async (tx) => {
        for (let n = batch; n < Math.min(batch + 100, options.postings); n += 1) {
          await service.post(tx, {
            kind: 'inbound-delivery',
            businessKey: `SHP-${n}`,
            revision: 0,
            body: deliveryBody(n),
          });
        }
      });
    }
    if (options.outage) {
      // The ERP goes down once a third of the postings are in.
      while (
        (await count(db, `SELECT count(*)::int AS n FROM erp_posting WHERE status = 'posted'`)) <
        options.postings / 3
      ) {
        await sleep(100);
      }
      await admin(simulator, 'PUT', '/faults/*/fail', { rate: 1, forMs: OUTAGE_MS });
    }
    await waitForPostings(db.url, 300_000);
    const seconds = (Date.now() - started) / 1000;

    const faults = (await admin(simulator, 'GET', '/faults')) as {
      items: { mode: string; injected: number }[];
    };
    const injected = Object.fromEntries(faults.items.map((f) => [f.mode, f.injected]));
    const ledger = (
      await queryOnce<{ entries: number; refs: number }>(
        simulator.db.url,
        `SELECT count(*)::int AS entries, count(DISTINCT external_reference)::int AS refs FROM erp_sim_entry`,
      )
    )[0]!;
    const postings = (
      await queryOnce<{ posted: number; dead: number; max_attempts: number; lookups: number }>(
        db.url,
        `SELECT count(*) FILTER (WHERE status = 'posted')::int AS posted, count(*) FILTER (WHERE status = 'dead')::int AS dead,
                max(attempts)::int AS max_attempts, sum(lookups)::int AS lookups FROM erp_posting`,
      )
    )[0]!;
    const deadLetters = await queryOnce<{ payload: { postingId: string } }>(
      db.url,
      `SELECT payload FROM dead_letter`,
    );
    console.log(
      `[erp exactly-once] ${options.label}: ${options.postings} postings in ${seconds.toFixed(1)} s; ` +
        `faults ${JSON.stringify(injected)}; ledger ${ledger.entries} entries for ${ledger.refs} references; ` +
        `postings ${JSON.stringify(postings)}`,
    );
    return { injected, ledger, postings, deadLetters };
  }

  it('with an ERP that honours idempotency keys: 0 duplicates, 0 missing', async () => {
    const result = await run({
      label: 'erp_once_rest_keys',
      erpIdempotency: 'honour',
      gatewaySays: 'honoured',
      postings: POSTINGS,
      outage: true,
    });
    expect(result.injected['drop-answer']).toBeGreaterThan(POSTINGS * 0.1);
    expect(result.injected['commit-late']).toBeGreaterThan(POSTINGS * 0.02);
    expect(result.injected.fail).toBeGreaterThan(0);
    expect(result.ledger).toEqual({ entries: POSTINGS, refs: POSTINGS });
    expect(result.postings).toMatchObject({ posted: POSTINGS, dead: 0 });
    expect(result.postings.max_attempts).toBeLessThanOrEqual(40);
    expect(result.deadLetters).toEqual([]);
  }, 400_000);

  it('with an ERP that ignores them: the look-up by external reference keeps 0 duplicates, 0 missing', async () => {
    const result = await run({
      label: 'erp_once_rest_lookup',
      erpIdempotency: 'ignore',
      gatewaySays: 'ignored',
      postings: POSTINGS,
      outage: true,
    });
    expect(result.injected['drop-answer']).toBeGreaterThan(POSTINGS * 0.1);
    expect(result.injected['commit-late']).toBeGreaterThan(POSTINGS * 0.02);
    expect(result.injected.fail).toBeGreaterThan(0);
    expect(result.ledger).toEqual({ entries: POSTINGS, refs: POSTINGS });
    expect(result.postings).toMatchObject({ posted: POSTINGS, dead: 0 });
    expect(result.postings.lookups).toBeGreaterThan(POSTINGS * 0.1);
    expect(result.deadLetters).toEqual([]);
  }, 400_000);

  it('control: with the look-up disabled, the same ERP books duplicates', async () => {
    const result = await run({
      label: 'erp_once_rest_control',
      erpIdempotency: 'ignore',
      gatewaySays: 'honoured',
      postings: 200,
      outage: false,
    });
    expect(result.ledger.refs).toBe(200);
    expect(result.ledger.entries).toBeGreaterThan(200);
  }, 400_000);
});
