import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnGateway, waitForHealthy, type GatewayProcess } from '../support/process.js';

describe('npm start on a bare machine (embedded PostgreSQL, in-process jobs)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-e2e-'));
  let port: number;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    port = await freePort();
    gateway = spawnGateway({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const ms = await waitForHealthy(`http://127.0.0.1:${port}/health`, gateway, 60_000);
    expect(ms).toBeLessThan(60_000);
  });
  afterAll(async () => {
    if (gateway.child.exitCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health with the embedded database up', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as any;
    expect(body.details.database).toMatchObject({ status: 'up', embedded: true });
    expect(body.details.jobs).toMatchObject({ status: 'up', driver: 'in-process' });
  });

  it('prints the URLs it serves and logs JSON lines that each carry a correlation id', () => {
    const output = gateway.output();
    expect(output).toContain(`health   http://localhost:${port}/health`);
    expect(output).toContain(`API docs http://localhost:${port}/docs`);
    const jsonLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(3);
    for (const line of jsonLines) expect(JSON.parse(line)).toHaveProperty('correlationId');
  });

  it('generates its token signing key once into DATA_DIR', () => {
    expect(existsSync(join(dataDir, 'secrets', 'token-signing-key.pem'))).toBe(true);
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    const second = spawnGateway({ PORT: String(await freePort()), DATA_DIR: dataDir });
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.output()).toMatch(
      new RegExp(
        `gateway did not start: the data directory .*${dataDir.split('/').pop()} is in use by another gateway process \\(pid ${gateway.child.pid}`,
      ),
    );
  });

  it('stops cleanly on SIGTERM, releases the directory, and starts again on the same data', async () => {
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false);
    gateway = spawnGateway({ PORT: String(port), DATA_DIR: dataDir });
    await waitForHealthy(`http://127.0.0.1:${port}/health`, gateway, 60_000);
  });
});

describe('a wrong configuration', () => {
  it('stops the process at boot with one line naming the variable and what is expected', async () => {
    const gateway = spawnGateway({ PORT: 'eighty', DATA_DIR: join(tmpdir(), 'never-created') });
    const { code } = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.output().trim()).toBe(
      'configuration error: PORT ="eighty" is invalid: expected a TCP port number',
    );
  });

  it('refuses split roles without PostgreSQL and Redis', async () => {
    const gateway = spawnGateway({ GATEWAY_ROLE: 'worker' });
    expect((await gateway.exited).code).toBe(1);
    expect(gateway.output().trim()).toMatch(
      /^configuration error: GATEWAY_ROLE ="worker" needs DATABASE_URL and REDIS_URL/,
    );
  });
});
