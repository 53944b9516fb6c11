import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, decimal, negate, type DecimalString } from '../../src/canonical/decimal.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { adjusted, consumed, minutesFromNow, ndjson } from './plant-events.support.js';

const ADMIN_TOKEN = 'plant-events-volume-admin-token-0123456789';
const EVENTS = 100_000;
const DUPLICATE_SHARE = 0.05;
const BATCH = 1_000;
const CONCURRENCY = 2;

/** A small deterministic generator (mulberry32), so a failure can be replayed with the same seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('100,000 plant events with 5 % duplicates, reordered, through the REST batch path', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    db = await createTestDatabase('plantvolume');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      STOCK_RECONCILE_EVERY_MINUTES: '0',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('ends with totals equal to the producer’s truth, exactly', { timeout: 600_000 }, async () => {
    const seed = 16_2026;
    const next = random(seed);
    const truth = new Map<string, DecimalString>();
    const events: unknown[] = [];
    for (let i = 0; i < EVENTS; i++) {
      // Up to three decimals; bolts sometimes in boxes of 100, steel sometimes in tonnes.
      const value = ((Math.floor(next() * 100_000) + 1) / 1000).toFixed(3).replace(/\.?0+$/, '');
      const occurredAt = minutesFromNow(-Math.floor(next() * 600));
      const pick = next();
      let event: unknown;
      let material: string;
      let base: DecimalString;
      if (pick < 0.35) {
        material = 'CMP-BOLT-M8';
        const boxes = next() < 0.2;
        event = consumed({ number: `MES-${i}`, occurredAt }, material, value, boxes ? 'XBX' : 'H87');
        base = negate(boxes ? multiplyBy100(value) : decimal(value));
      } else if (pick < 0.6) {
        material = 'RAW-STEEL-S235';
        const tonnes = next() < 0.2;
        event = consumed({ number: `MES-${i}`, occurredAt }, material, value, tonnes ? 'TNE' : 'KGM');
        base = negate(tonnes ? multiplyBy1000(value) : decimal(value));
      } else if (pick < 0.85) {
        material = 'CMP-HOUSING-C1';
        const change = next() < 0.5 ? `-${value}` : value;
        event = adjusted({ number: `WMS-${i}`, occurredAt }, material, change);
        base = decimal(change);
      } else {
        material = 'FG-PUMP-100';
        event = adjusted({ number: `WMS-${i}`, occurredAt }, material, value);
        base = decimal(value);
      }
      truth.set(material, add(truth.get(material) ?? ('0' as DecimalString), base));
      events.push(event);
    }
    // 5 % resent: the same events again (a producer retrying), then everything shuffled.
    const sent = [...events];
    for (let i = 0; i < EVENTS * DUPLICATE_SHARE; i++) sent.push(events[Math.floor(next() * EVENTS)]);
    for (let i = sent.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [sent[i], sent[j]] = [sent[j], sent[i]];
    }
    const batches: unknown[][] = [];
    for (let i = 0; i < sent.length; i += BATCH) batches.push(sent.slice(i, i + BATCH));

    let accepted = 0;
    let duplicates = 0;
    let cursor = 0;
    const worker = async () => {
      while (cursor < batches.length) {
        const batch = batches[cursor++]!;
        const res = await request(gateway.url)
          .post('/plant-events/v1/events')
          .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
          .set('Content-Type', 'application/x-ndjson')
          .send(ndjson(batch));
        expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
        expect(res.body.rejected).toEqual([]);
        accepted += res.body.accepted as number;
        duplicates += res.body.duplicates as number;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(accepted).toBe(EVENTS);
    expect(duplicates).toBe(sent.length - EVENTS);
    const balances = await queryOnce<{ material: string; on_hand: string; movements: string }>(
      db.url,
      `SELECT material, on_hand::text, movements::text FROM stock_balance WHERE plant = '1000' ORDER BY material`,
    );
    expect(Object.fromEntries(balances.map((b) => [b.material, decimal(b.on_hand)]))).toEqual(
      Object.fromEntries([...truth.entries()].sort()),
    );
    const [counts] = await queryOnce<{ events: number; movements: number; sum_check: boolean }>(
      db.url,
      `SELECT (SELECT count(*)::int FROM plant_event) AS events, (SELECT count(*)::int FROM stock_movement) AS movements,
              (SELECT bool_and(b.on_hand = m.total) FROM stock_balance b
                 JOIN (SELECT plant, material, sum(quantity) AS total FROM stock_movement GROUP BY plant, material) m
                   USING (plant, material)) AS sum_check`,
    );
    expect(counts).toEqual({ events: EVENTS, movements: EVENTS, sum_check: true });
  });
});

function multiplyBy100(value: string): DecimalString {
  return shift(value, 2);
}
function multiplyBy1000(value: string): DecimalString {
  return shift(value, 3);
}
/** value × 10^places, by moving the decimal point (the test's own arithmetic, independent of the gateway's). */
function shift(value: string, places: number): DecimalString {
  const [integer, fraction = ''] = value.split('.');
  const padded = fraction.padEnd(places, '0');
  return decimal(
    `${integer}${padded.slice(0, places)}${padded.length > places ? `.${padded.slice(places)}` : ''}`,
  );
}
