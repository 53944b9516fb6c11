import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpCallError } from '../../src/erp/port/erp-errors.js';
import type { ErpCallOptions, ErpPostRequest } from '../../src/erp/port/erp-port.js';
import { RestErp } from '../../src/erp/rest/rest-erp.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/**
 * `gateway erp-simulator serve` as an operator or a test harness runs it: a separate process on its
 * own PostgreSQL database, reached only over HTTP through the REST adapter, stopped with SIGTERM.
 * Runs the compiled CLI (the root globalSetup builds dist/).
 */
describe('gateway erp-simulator serve', () => {
  let db: TestDatabase;
  let child: ChildProcess;
  let output = '';
  let exited: Promise<[number | null, NodeJS.Signals | null]>;
  let baseUrl: string;

  const call = (timeoutMs = 5_000): ErpCallOptions => ({ correlationId: 'e2e-erp-sim', timeoutMs });
  const request: ErpPostRequest<'inbound-delivery'> = {
    kind: 'inbound-delivery',
    idempotencyKey: 'inbound-delivery:acme-fasteners:ASN-E2E-1:rev-0',
    externalReference: 'sg:inbound-delivery:ASN-E2E-1',
    poNumber: '4500000001',
    body: {
      shipmentNumber: 'ASN-E2E-1',
      supplier: 'acme-fasteners',
      shippedAt: '2026-02-01T08:00:00Z',
      items: [
        { poNumber: '4500000001', lineNumber: '10', material: 'CMP-BOLT-M8', quantity: '100', unit: 'EA' },
      ],
    },
  };

  beforeAll(async () => {
    db = await createTestDatabase('erp_sim_e2e');
    child = spawn(process.execPath, ['dist/src/cli/main.js', 'erp-simulator', 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    const ready = /erp-simulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/;
    while (!ready.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the simulator did not start:\n${output}`);
      }
      await sleep(100);
    }
    baseUrl = ready.exec(output)![1]!;
  });

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await db?.drop();
  });

  it('answers a post through the REST adapter, once per key, from its own database', async () => {
    const erp = new RestErp({ id: 'e2e', rest: { baseUrl, auth: { type: 'none' } } });
    const first = await erp.post(request, call());
    expect(first).toMatchObject({ created: true, externalReference: request.externalReference });
    await expect(erp.post(request, call())).resolves.toEqual({ ...first, created: false });
    // The demo master data was seeded.
    await expect(erp.readStock('CMP-BOLT-M8', '1000', call())).resolves.toMatchObject({
      unrestricted: '4800',
    });
    const rows = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM erp_sim_entry WHERE external_reference = $1`,
      [request.externalReference],
    );
    expect(rows[0]!.n).toBe('1');
  });

  it('stops cleanly on SIGTERM, after finishing a late commit still in flight', async () => {
    const put = await fetch(`${baseUrl}/simulator/faults/post/commit-late`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ rate: 1, delayMs: 1_000, remaining: 1 }),
    });
    expect(put.status).toBe(200);
    const erp = new RestErp({ id: 'e2e', rest: { baseUrl, auth: { type: 'none' } } });
    const late = { ...request, idempotencyKey: 'late-key', externalReference: 'sg:late' };
    const error = await erp.post(late, call(200)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpCallError);
    expect((error as ErpCallError).failure).toBe('outcome-unknown');

    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).toContain('erp-simulator stopped (SIGTERM)');
    expect(output).not.toMatch(/error/i);
    const rows = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM erp_sim_entry WHERE external_reference = 'sg:late'`,
    );
    expect(rows[0]!.n).toBe('1');
    // Nothing listens any more.
    await expect(fetch(`${baseUrl}/simulator/settings`)).rejects.toThrow();
  });
});
