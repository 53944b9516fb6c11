import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpConfigFile } from '../support/erp.js';
import { signingKeyFile } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { freePort, spawnGateway, waitForHealthy, type GatewayProcess } from '../support/process.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';
import { consumed, MQTT_URL, publisher, until } from '../integration/plant-events.support.js';

/** The built gateway (TEST_GATEWAY_ENTRY points at another build). */
const ENTRY = process.env.TEST_GATEWAY_ENTRY ?? 'dist/src/main.js';

/**
 * One MQTT subscriber across all processes: two gateways share the database and the broker session
 * (one fixed client id), and only the holder of the `plant-events-mqtt` lease connects. When the
 * holder is killed, the other takes the lease once it expires and the broker hands it the session
 * with everything queued meanwhile; every event counts once.
 */
describe('MQTT plant events with two gateway processes', () => {
  let db: TestDatabase;
  let pub: MqttClient;
  let env: Record<string, string>;
  const dirs: string[] = [];
  const prefix = `l${randomBytes(4).toString('hex')}`;
  const topic = `${prefix}/plants/1000/mes/consumption`;
  const gateways: GatewayProcess[] = [];
  // Several processes on one database run their jobs through Redis (BullMQ).
  const redis = redisPrefix('plantlease');

  const count = async () =>
    (await queryOnce<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM plant_event`))[0]!.n;
  const onHand = async () =>
    (
      await queryOnce<{ on_hand: string }>(
        db.url,
        `SELECT on_hand::text FROM stock_balance WHERE plant = '1000' AND material = 'CMP-BOLT-M8'`,
      )
    )[0]?.on_hand;
  const holder = async () =>
    (
      await queryOnce<{ holder: string }>(
        db.url,
        `SELECT holder FROM lease WHERE name = 'plant-events-mqtt' AND expires_at >= now()`,
      )
    )[0]?.holder;
  const pidOf = (gateway: GatewayProcess) => gateway.child.pid!;

  async function start(): Promise<GatewayProcess> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'sg-lease-'));
    dirs.push(dataDir);
    const gateway = spawnGateway({ ...env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }, ENTRY);
    gateways.push(gateway);
    await waitForHealthy(`http://127.0.0.1:${port}/health`, gateway);
    return gateway;
  }

  async function publish(from: number, to: number): Promise<void> {
    const sent: Promise<unknown>[] = [];
    for (let i = from; i < to; i++)
      sent.push(
        pub.publishAsync(topic, JSON.stringify(consumed({ number: `LEASE-${i}` }, 'CMP-BOLT-M8', '2')), {
          qos: 1,
        }),
      );
    await Promise.all(sent);
  }

  beforeAll(async () => {
    db = await createTestDatabase('plantlease');
    env = {
      DATABASE_URL: db.url,
      ERP_CONFIG_FILE: erpConfigFile([{ id: 'main', adapter: 'simulator', default: true }]),
      ERP_RECONCILE_EVERY_MINUTES: '0',
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      // info: the subscriber logs each connection, which shows who subscribed.
      LOG_LEVEL: 'info',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      MQTT_URL,
      MQTT_CLIENT_ID: `${prefix}-gateway`,
      MQTT_TOPICS: `${prefix}/plants/+/mes/#`,
      MQTT_BATCH_SIZE: '20',
      MQTT_BATCH_MS: '100',
    };
    pub = await publisher(MQTT_URL);
  }, 60_000);
  afterAll(async () => {
    for (const gateway of gateways) if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await pub?.endAsync();
    await db?.drop();
    await redis.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'subscribes in one process only, and in the other once the first is killed; each event counts once',
    { timeout: 180_000 },
    async () => {
      const first = await start();
      const second = await start();
      await until('a lease holder', async () => (await holder()) !== undefined);
      const holding = (await holder())!;
      const [leader, follower] = holding.startsWith(`${pidOf(first)}:`) ? [first, second] : [second, first];
      expect(holding.startsWith(`${pidOf(leader)}:`), holding).toBe(true);

      await until('the subscription', async () => {
        await pub.publishAsync(topic, JSON.stringify(consumed({ number: 'PROBE' }, 'CMP-BOLT-M8', '1')), {
          qos: 1,
        });
        return (await count()) === 1;
      });
      await publish(0, 200);
      await until('200 events through the leader', async () => (await count()) === 201);
      // The lease never moved while both ran, and only the leader ever connected to the broker.
      expect((await holder())!.startsWith(`${pidOf(leader)}:`)).toBe(true);
      const connected = (gateway: GatewayProcess) =>
        gateway
          .output()
          .split('\n')
          .filter((line) => line.includes('MQTT plant-event subscriber connected')).length;
      expect(connected(leader)).toBe(1);
      expect(connected(follower)).toBe(0);

      leader.child.kill('SIGKILL');
      await leader.exited;
      // Published while nobody holds the lease: the broker queues them in the persistent session.
      await publish(200, 400);
      await until(
        'the follower holding the lease',
        async () => (await holder())?.startsWith(`${pidOf(follower)}:`) === true,
        40_000,
      );
      await until('400 events after the takeover', async () => (await count()) === 401, 60_000);
      expect(connected(follower)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await count()).toBe(401);
      expect(await onHand()).toBe('-801');
      follower.child.kill('SIGTERM');
      await follower.exited;
    },
  );
});
