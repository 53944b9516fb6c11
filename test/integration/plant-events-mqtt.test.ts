import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { adjusted, consumed, publisher, until } from './plant-events.support.js';

const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('plant events over MQTT: QoS 1, batched commits, acknowledgments after commit', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let pub: MqttClient;
  // Topics and client id of this run only: other tests may use the same broker.
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const count = async (sql: string) => (await queryOnce<{ n: number }>(db.url, sql))[0]!.n;

  beforeAll(async () => {
    db = await createTestDatabase('plantmqtt');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      MQTT_URL,
      MQTT_CLIENT_ID: `${prefix}-gateway`,
      MQTT_TOPICS: `${prefix}/plants/+/mes/#,${prefix}/plants/+/wms/#`,
      MQTT_BATCH_SIZE: '20',
      MQTT_BATCH_MS: '100',
    });
    pub = await publisher();
    // The subscription exists once a probe published now is applied.
    await until('the subscriber', async () => {
      await pub.publishAsync(
        `${prefix}/plants/1000/mes/probe`,
        JSON.stringify(consumed({ number: 'PROBE' }, 'CMP-BOLT-M8', '1')),
        { qos: 1 },
      );
      return (
        (await count(`SELECT count(*)::int AS n FROM plant_event WHERE producer_key = '1000/PROBE/1'`)) === 1
      );
    });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await gateway?.stop();
    await db?.drop();
  });

  it('applies every message once, in batches, and keeps refused ones with their topic', async () => {
    const publishes: Promise<unknown>[] = [];
    for (let i = 0; i < 400; i++)
      publishes.push(
        pub.publishAsync(
          `${prefix}/plants/1000/mes/consumption`,
          JSON.stringify(consumed({ number: `MQ-${i}` }, 'CMP-BOLT-M8', '2')),
          { qos: 1 },
        ),
      );
    // A producer that resends (after a lost PUBACK of its own) and one that sends garbage.
    for (let i = 0; i < 40; i++)
      publishes.push(
        pub.publishAsync(
          `${prefix}/plants/1000/wms/consumption`,
          JSON.stringify(consumed({ number: `MQ-${i}` }, 'CMP-BOLT-M8', '2')),
          { qos: 1 },
        ),
      );
    publishes.push(pub.publishAsync(`${prefix}/plants/1000/mes/garbage`, 'not an event', { qos: 1 }));
    // An event of plant 2000 on a topic of plant 1000.
    publishes.push(
      pub.publishAsync(
        `${prefix}/plants/1000/mes/consumption`,
        JSON.stringify(consumed({ number: 'MQ-OTHER', plant: '2000' }, 'CMP-BOLT-M8', '2')),
        { qos: 1 },
      ),
    );
    await Promise.all(publishes);
    await until(
      '400 events',
      async () => (await count(`SELECT count(*)::int AS n FROM plant_event WHERE channel = 'mqtt'`)) >= 401,
    );
    await until(
      'the refused messages',
      async () => (await count(`SELECT count(*)::int AS n FROM plant_event_rejected`)) === 2,
    );
    await sleep(500);
    expect(await count(`SELECT count(*)::int AS n FROM plant_event WHERE channel = 'mqtt'`)).toBe(401);
    const [bolts] = await queryOnce<{ on_hand: string }>(
      db.url,
      `SELECT on_hand::text FROM stock_balance WHERE plant = '1000' AND material = 'CMP-BOLT-M8'`,
    );
    expect(bolts!.on_hand).toBe('-801');
    // Events of one batch share their transaction's time: far fewer commits than messages.
    const commits = await count(
      `SELECT count(DISTINCT received_at)::int AS n FROM plant_event WHERE channel = 'mqtt'`,
    );
    expect(commits).toBeLessThan(401 / 4);
    const refused = await queryOnce<{ topic: string; reason: string; body: unknown }>(
      db.url,
      `SELECT topic, reason, body FROM plant_event_rejected ORDER BY reason`,
    );
    expect(refused).toEqual([
      { topic: `${prefix}/plants/1000/mes/garbage`, reason: 'invalid-event', body: 'not an event' },
      {
        topic: `${prefix}/plants/1000/mes/consumption`,
        reason: 'plant-mismatch',
        body: expect.objectContaining({ plant: '2000' }),
      },
    ]);
  });

  it('keeps a message the database refuses as not storable, and the rest of its batch goes through', async () => {
    // A trigger stands in for whatever makes PostgreSQL refuse one row: the batch fails as a whole.
    await queryOnce(
      db.url,
      `CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.producer_key = '1000/POISON/1' THEN RAISE EXCEPTION 'poison row'; END IF;
         RETURN NEW;
       END $$`,
    );
    await queryOnce(
      db.url,
      `CREATE TRIGGER refuse_poison BEFORE INSERT ON plant_event FOR EACH ROW EXECUTE FUNCTION refuse_poison()`,
    );
    const before = await count(`SELECT count(*)::int AS n FROM plant_event WHERE channel = 'mqtt'`);
    await Promise.all(
      ['P-1', 'POISON', 'P-2', 'P-3'].map((number) =>
        pub.publishAsync(
          `${prefix}/plants/1000/mes/consumption`,
          JSON.stringify(consumed({ number }, 'CMP-BOLT-M8', '1')),
          { qos: 1 },
        ),
      ),
    );
    await until(
      'the poison message kept',
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM plant_event_rejected WHERE producer_key = '1000/POISON/1' AND reason = 'not-storable'`,
        )) === 1,
    );
    await until(
      'the other three',
      async () =>
        (await count(`SELECT count(*)::int AS n FROM plant_event WHERE channel = 'mqtt'`)) === before + 3,
    );
    // Acknowledged: the broker does not bring the poison back (it would be counted again).
    await sleep(1_500);
    const [kept] = await queryOnce<{ times: number; details: string[] }>(
      db.url,
      `SELECT times, details FROM plant_event_rejected WHERE producer_key = '1000/POISON/1'`,
    );
    expect(kept).toEqual({ times: 1, details: [expect.stringContaining('poison row')] });
  });

  /** Publishes `poison`, then a valid event, and waits until the valid one is applied. */
  const poisonThenValid = async (topic: string, poison: string, number: string) => {
    await pub.publishAsync(topic, poison, { qos: 1 });
    const valid = consumed({ number }, 'CMP-BOLT-M8', '1');
    await pub.publishAsync(topic, JSON.stringify(valid), { qos: 1 });
    const applied = `SELECT count(*)::int AS n FROM plant_event WHERE producer_key = '1000/${number}/1'`;
    await until(`the event after the poison on ${topic}`, async () => (await count(applied)) === 1);
  };

  it('refuses an event with a lone surrogate and keeps ingesting: the next event of any plant is applied', async () => {
    const topic = `${prefix}/plants/1000/mes/adjustment`;
    const poison = adjusted({ number: 'SURROGATE' }, 'CMP-BOLT-M8', '-1') as { payload: { note?: string } };
    poison.payload.note = 'broken \ud83d';
    // As a producer writes it: JSON.stringify escapes the lone surrogate as \ud83d.
    await poisonThenValid(topic, JSON.stringify(poison), 'AFTER-SURROGATE');
    const [kept] = await queryOnce<{ reason: string; topic: string; note: string }>(
      db.url,
      `SELECT reason, topic, body #>> '{payload,note}' AS note
         FROM plant_event_rejected WHERE producer_key = '1000/SURROGATE/1'`,
    );
    expect(kept).toEqual({ reason: 'invalid-event', topic, note: 'broken \ufffd' });
  });

  it('keeps a message whose body cannot be stored even as a refusal with only its start, and acknowledges it', async () => {
    const topic = `${prefix}/plants/1000/mes/deep`;
    // Valid JSON, nested deeper than PostgreSQL's JSON parser (and JSON.stringify) can follow.
    await poisonThenValid(topic, `${'['.repeat(200_000)}${']'.repeat(200_000)}`, 'AFTER-DEEP');
    const kept = await queryOnce<{ reason: string; body: unknown; details: string[]; times: number }>(
      db.url,
      `SELECT reason, body, details, times FROM plant_event_rejected WHERE topic = $1`,
      [topic],
    );
    expect(kept).toEqual([
      {
        reason: 'not-storable',
        body: `${'['.repeat(4096)}…`,
        details: [expect.any(String), expect.stringContaining('the body is not kept, only its start')],
        times: 1,
      },
    ]);
  });
});
