import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ProbeReport } from '../../src/platform/diagnostics/diagnostics.service.js';
import type { FaultPointName } from '../../src/platform/faults/fault-point.js';
import { freePort, spawnGateway, waitForHealthy } from './process.js';

/**
 * The durability proof (DESIGN.md invariant 2): 1,000 jobs whose handler writes an effect, workers
 * killed with SIGKILL again and again at named points, and in the end every effect exists exactly once.
 * The workers are the real gateway, built, in child processes.
 */
export interface Setup {
  readonly env: Record<string, string>;
  readonly points: FaultPointName[];
  /** How many probe jobs to flood. */
  readonly jobs: number;
  /** Rounds of kills at each named point. */
  readonly rounds?: number;
}

function cli(
  env: Record<string, string>,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export async function prove(setup: Setup): Promise<void> {
  const run = `crash-${Date.now()}`;
  const markers = mkdtempSync(join(tmpdir(), 'sg-faults-'));
  const env = { ...setup.env, JOBS_LOCK_MS: '1500', JOBS_POLL_MS: '50', JOBS_CONCURRENCY: '8' };
  expect(cli(env, ['migrate']).status).toBe(0);
  const enqueued = cli(env, ['diagnostics', 'enqueue-probes', '--count', String(setup.jobs), '--run', run]);
  expect(enqueued.stderr).toBe('');
  expect(enqueued.status).toBe(0);

  // Each named point kills the worker on one of its passes; then an outside SIGKILL at a random moment.
  // The relay passes its point once per batch of up to 500 rows, so it is killed on its first pass,
  // and first of all (a kill there rolls the dispatch back, so the rows are still due next time).
  const passes = (point: FaultPointName, round: number) =>
    point === 'job.after-dispatch' ? 1 : 25 + 40 * round + Math.floor(Math.random() * 20);
  const kills: { point: FaultPointName | 'external'; after: number }[] = [
    ...setup.points.flatMap((point) =>
      Array.from({ length: setup.rounds ?? 2 }, (_, round) => ({ point, after: passes(point, round) })),
    ),
    { point: 'external', after: 0 },
  ];
  for (const kill of kills) {
    const port = await freePort();
    const faultEnv: Record<string, string> =
      kill.point === 'external'
        ? {}
        : {
            GATEWAY_FAULT_POINT: kill.point,
            GATEWAY_FAULT_AFTER: String(kill.after),
            GATEWAY_FAULT_MARKER_DIR: markers,
          };
    const worker = spawnGateway({ ...env, ...faultEnv, PORT: String(port), HOST: '127.0.0.1' });
    if (kill.point === 'external') {
      await waitForHealthy(`http://127.0.0.1:${port}/health/live`, worker);
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 300));
      worker.child.kill('SIGKILL');
    }
    // A point that is never reached would leave the worker running: stop waiting after a minute.
    const deadline = setTimeout(() => worker.child.kill('SIGTERM'), 60_000);
    const exit = await worker.exited;
    clearTimeout(deadline);
    expect(exit.signal, `${kill.point} after ${kill.after}:\n${worker.output().slice(-2000)}`).toBe(
      'SIGKILL',
    );
  }
  const hit = new Set(readdirSync(markers).map((file) => file.replace(/\.\d+$/, '')));
  expect([...hit].sort()).toEqual([...new Set(setup.points)].sort());

  // Then workers run undisturbed until every job is finished.
  let report: ProbeReport | undefined;
  for (let round = 0; round < 10 + setup.jobs / 500; round++) {
    const port = await freePort();
    const worker = spawnGateway({ ...env, PORT: String(port), HOST: '127.0.0.1' });
    await waitForHealthy(`http://127.0.0.1:${port}/health`, worker);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    const result = cli(env, ['diagnostics', 'probe-report', run]);
    report = JSON.parse(result.stdout) as ProbeReport;
    if (result.status === 0 && report.outbox.done === setup.jobs) break;
  }
  expect(report).toMatchObject({
    expected: setup.jobs,
    once: setup.jobs,
    missing: [],
    doubled: [],
    outbox: { done: setup.jobs },
  });
  rmSync(markers, { recursive: true, force: true });
}
