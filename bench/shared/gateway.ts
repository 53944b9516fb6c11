import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * What bench:ingest and bench:portal share: a fresh database on a PostgreSQL server, the built gateway
 * started on it as a child process, and percentiles of latencies.
 */

/** The server the benches make their databases on; BENCH_DATABASE_URL points at another. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The built gateway (`npm run build`); BENCH_GATEWAY_ENTRY points at another build. */
const ENTRY = process.env.BENCH_GATEWAY_ENTRY ?? 'dist/src/main.js';

/** Runs `fn` on a database of its own (`<prefix>_<hex>`), dropped afterwards. */
export async function withDatabase<T>(prefix: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface BenchGateway {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Stops the gateway and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The built gateway on `databaseUrl`, answering /health: quiet logs, no stock reconciliation, a data
 * directory of its own, and `env` on top. Master data is imported while it boots, before it listens.
 */
export async function startGateway(databaseUrl: string, env: Record<string, string>): Promise<BenchGateway> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-bench-gateway-'));
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 300 || child.exitCode !== null)
        throw new Error('the gateway did not start (npm run build first?)');
      await sleep(200);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

/** The q-quantile (0 < q <= 1) of `values` (nearest rank). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
