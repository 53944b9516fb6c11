import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpConfigFile } from '../support/erp.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { freePort, spawnGateway, waitForHealthy, type GatewayProcess } from '../support/process.js';
import { consumed, publisher, until } from '../integration/plant-events.support.js';

const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** The built gateway (TEST_GATEWAY_ENTRY points at another build). */
const ENTRY = process.env.TEST_GATEWAY_ENTRY ?? 'dist/src/main.js';

/**
 * Crash safety of the MQTT path with the built gateway in a child process: it kills itself (SIGKILL)
 * after receiving a batch and before committing it, and in a second round after committing and
 * before acknowledging. Mosquitto keeps the persistent session and redelivers what was not
 * acknowledged; in the end every event counts exactly once.
 */
describe('MQTT plant events across a gateway crash', () => {
  let db: TestDatabase;
  let dataDir: string;
  let markers: string;
  let pub: MqttClient;
  let env: Record<string, string>;
  const prefix = `c${randomBytes(4).toString('hex')}`;
  const topic = `${prefix}/plants/1000/mes/consumption`;
  const running: GatewayProcess[] = [];

  const count = async () =>
    (await queryOnce<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM plant_event`))[0]!.n;
  const onHand = async () =>
    (
      await queryOnce<{ on_hand: string }>(
        db.url,
        `SELECT on_hand::text FROM stock_balance WHERE plant = '1000' AND material = 'CMP-BOLT-M8'`,
      )
    )[0]?.on_hand;

  async function start(fault?: { point: string; after: number }): Promise<GatewayProcess> {
    const port = await freePort();
    const gateway = spawnGateway(
      {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...(fault
          ? {
              GATEWAY_FAULT_POINT: fault.point,
              GATEWAY_FAULT_AFTER: String(fault.after),
              GATEWAY_FAULT_MARKER_DIR: markers,
            }
          : {}),
      },
      ENTRY,
    );
    running.push(gateway);
    // One that is to crash may do so before it answers /health (the broker delivers as soon as it
    // subscribes): the test waits for its exit instead, for at most a minute.
    if (fault) {
      const deadline = setTimeout(() => gateway.child.kill('SIGTERM'), 60_000);
      void gateway.exited.then(() => clearTimeout(deadline));
      return gateway;
    }
    await waitForHealthy(`http://127.0.0.1:${port}/health`, gateway);
    return gateway;
  }

  async function stop(gateway: GatewayProcess): Promise<void> {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }

  async function publish(from: number, to: number): Promise<void> {
    const sent: Promise<unknown>[] = [];
    for (let i = from; i < to; i++)
      sent.push(
        pub.publishAsync(topic, JSON.stringify(consumed({ number: `CRASH-${i}` }, 'CMP-BOLT-M8', '3')), {
          qos: 1,
        }),
      );
    await Promise.all(sent);
  }

  beforeAll(async () => {
    db = await createTestDatabase('plantcrash');
    dataDir = mkdtempSync(join(tmpdir(), 'sg-crash-'));
    markers = mkdtempSync(join(tmpdir(), 'sg-crash-markers-'));
    env = {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      ERP_CONFIG_FILE: erpConfigFile([{ id: 'main', adapter: 'simulator', default: true }]),
      ERP_RECONCILE_EVERY_MINUTES: '0',
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      LOG_LEVEL: 'error',
      MQTT_URL,
      MQTT_CLIENT_ID: `${prefix}-gateway`,
      MQTT_TOPICS: `${prefix}/plants/+/mes/#`,
      MQTT_BATCH_SIZE: '20',
      MQTT_BATCH_MS: '100',
    };
    pub = await publisher(MQTT_URL);
    // A first start creates the persistent session and its subscription (a probe proves it).
    const first = await start();
    await until('the subscription', async () => {
      await pub.publishAsync(topic, JSON.stringify(consumed({ number: 'PROBE' }, 'CMP-BOLT-M8', '1')), {
        qos: 1,
      });
      return (await count()) === 1;
    });
    await stop(first);
  }, 120_000);
  afterAll(async () => {
    for (const gateway of running) if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await pub?.endAsync();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(markers, { recursive: true, force: true });
  });

  it('counts each event once when killed between receipt and commit', { timeout: 180_000 }, async () => {
    // Published while the gateway is down: the broker queues them in the session.
    await publish(0, 300);
    const crashing = await start({ point: 'plant-events.mqtt.before-commit', after: 4 });
    const exit = await crashing.exited;
    expect(exit.signal, crashing.output().slice(-2000)).toBe('SIGKILL');
    expect(readdirSync(markers).some((f) => f.startsWith('plant-events.mqtt.before-commit.'))).toBe(true);
    const afterCrash = await count();
    // Killed mid-stream: earlier batches committed, the killed one and the rest did not.
    expect(afterCrash).toBeGreaterThan(1);
    expect(afterCrash).toBeLessThan(301);

    const gateway = await start();
    await until('300 events after the restart', async () => (await count()) === 301, 60_000);
    expect(await onHand()).toBe('-901');
    await stop(gateway);
  });

  it(
    'counts each event once when killed between commit and acknowledgment',
    { timeout: 180_000 },
    async () => {
      await publish(300, 500);
      const crashing = await start({ point: 'plant-events.mqtt.after-commit', after: 3 });
      const exit = await crashing.exited;
      expect(exit.signal, crashing.output().slice(-2000)).toBe('SIGKILL');
      expect(readdirSync(markers).some((f) => f.startsWith('plant-events.mqtt.after-commit.'))).toBe(true);
      // The killed batch committed, yet the broker still holds it unacknowledged …
      const afterCrash = await count();
      expect(afterCrash).toBeGreaterThan(301);

      const gateway = await start();
      await until('500 events after the restart', async () => (await count()) === 501, 60_000);
      // … and redelivers it: applied once all the same.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await count()).toBe(501);
      expect(await onHand()).toBe('-1501');
      await stop(gateway);
    },
  );
});
