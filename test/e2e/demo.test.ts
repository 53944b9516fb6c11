import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnGateway, waitForHealthy, type GatewayProcess } from '../support/process.js';

const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** Runs `gateway demo` as a newcomer would, and collects what it prints. */
async function demo(env: Record<string, string>, ...args: string[]) {
  const child = spawn(process.execPath, ['bin/gateway.js', 'demo', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/**
 * `gateway demo` against the embedded gateway exactly as `npm start` runs it (node dist/src/main.js,
 * a temporary data directory, a free port): every step of the reference scenario seen, exit 0 —
 * once with the completion over MQTT, once more over REST on the same gateway (a second run works).
 */
describe('gateway demo against an embedded npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-demo-'));
  const prefix = `d${randomBytes(4).toString('hex')}`;
  const token = randomBytes(24).toString('hex');
  let port: number;
  let gateway: GatewayProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    port = await freePort();
    env = {
      PORT: String(port),
      BOOTSTRAP_ADMIN_TOKEN: token,
      MQTT_URL,
      MQTT_CLIENT_ID: `${prefix}-gateway`,
      MQTT_TOPICS: `${prefix}/plants/+/mes/#`,
    };
    gateway = spawnGateway({ ...env, DATA_DIR: dataDir });
    await waitForHealthy(`http://127.0.0.1:${port}/health`, gateway, 90_000);
  }, 120_000);
  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const steps = [
    'master data',
    'reorder policy',
    'consumption history',
    'purchase order',
    'reorder point',
    'production completion',
    'ERP posting',
    'balance',
    'reorder point crossed',
    'recommendation',
    'PO change',
    'sent to the supplier',
    'supplier answer',
    'exception',
  ];

  it('plays the reference scenario over MQTT and exits 0 with every step seen', async () => {
    const run = await demo(env, '--timeout', '60');
    expect(run.code, run.output).toBe(0);
    for (const step of steps)
      expect(run.output, run.output).toMatch(new RegExp(`^\\s*\\d+\\. ${step} `, 'm'));
    expect(run.output).toContain(`sent over MQTT (${MQTT_URL})`);
    expect(run.output).toMatch(/expedite PO DEMO-\d+ line 10 from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
    expect(run.output).toMatch(/860 for revision 1 to acme-fasteners, once/);
    expect(run.output).toMatch(
      /po-change\.rejected \(high\): acme-fasteners cannot meet the change .* runs short on/,
    );
    expect(run.output).toContain(`http://localhost:${port}/buyer/v1/exceptions/`);
    expect(run.output).toContain('Every step was seen.');
  }, 180_000);

  it('plays it again on the same gateway over REST', async () => {
    const run = await demo(env, '--timeout', '60', '--transport', 'rest');
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('sent over REST');
    expect(run.output).toContain('Every step was seen.');
  }, 180_000);

  it('changes no order it did not make: another open order of the material stops it, naming the step', async () => {
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const other = '4599000001';
    const issued = await api('POST', '/admin/erp-simulator/purchase-orders', {
      poNumber: other,
      supplier: 'acme-fasteners',
      plant: '1000',
      currency: 'EUR',
      orderDate: new Date().toISOString().slice(0, 10),
      lines: [
        {
          lineNumber: '10',
          material: 'CMP-BOLT-M8',
          quantity: '1000',
          unit: 'H87',
          deliveryDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10),
          netPrice: '0.042',
        },
      ],
    });
    expect(issued.status, await issued.text()).toBeLessThan(300);
    const recorded = async () => (await api('GET', `/buyer/v1/purchase-orders/${other}`)).status === 200;
    for (let i = 0; i < 100 && !(await recorded()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await recorded()).toBe(true);

    const run = await demo(env, '--timeout', '30', '--transport', 'rest');
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(
      `demo incomplete: open orders: CMP-BOLT-M8 at plant 1000 is on order in ${other}, not made by the demo`,
    );
    expect(run.output).not.toMatch(/^\s*\d+\. (purchase order|recommendation) /m);
    const order = (await (await api('GET', `/buyer/v1/purchase-orders/${other}`)).json()) as {
      order: unknown;
    };
    expect(order.order).toMatchObject({ state: 'issued', revision: 0 });
  }, 180_000);

  it('exits non-zero naming what it misses: a wrong token, no gateway', async () => {
    const wrong = await demo({ ...env, BOOTSTRAP_ADMIN_TOKEN: 'x'.repeat(40) }, '--timeout', '5');
    expect(wrong.code).toBe(3);
    expect(wrong.output).toMatch(/401 — is the token an admin token of this gateway\?/);
    const nobody = await demo({ ...env, PORT: String(await freePort()) }, '--timeout', '5');
    expect(nobody.code).toBe(1);
    expect(nobody.output).toMatch(/demo incomplete: no gateway answers at http:\/\/localhost:\d+/);
  }, 180_000);
});
