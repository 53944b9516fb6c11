import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { StockReconciliation } from '../../src/replenishment/balances/stock-reconciliation.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { adjusted, completed, consumed, minutesFromNow, ndjson } from './plant-events.support.js';

const ADMIN_TOKEN = 'plant-events-admin-token-0123456789abcdef';

describe('plant events over REST: master data, ingestion, balances, ERP confirmation, reconciliation', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let mes: string;
  let ops: string;

  const send = (events: readonly unknown[], token = mes) =>
    request(gateway.url)
      .post('/plant-events/v1/events')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(events));
  const balance = async (material: string) =>
    (
      await request(gateway.url)
        .get(`/plant-events/v1/balances/1000/${material}?horizonDays=1`)
        .set('Authorization', `Bearer ${ops}`)
        .expect(200)
    ).body as { onHand: string; allocated: string };

  beforeAll(async () => {
    db = await createTestDatabase('plantevents');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      PLANT_EVENTS_LATE_MINUTES: '30',
    });
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'test-setup' } as const;
    await identity.addSystemClient({ name: 'mes', system: 'mes', scopes: ['plant-events:write'] }, setup);
    await identity.addSystemClient(
      { name: 'ops', system: 'other', scopes: ['operations:read', 'operations:write'] },
      setup,
    );
    mes = (await identity.issueSystemToken('mes', setup)).token;
    ops = (await identity.issueSystemToken('ops', setup)).token;
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('imported the master data from the ERP at the first start, as version 1', async () => {
    const res = await request(gateway.url)
      .get('/plant-events/v1/master-data')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    expect(res.body.versions).toHaveLength(1);
    expect(res.body.versions[0]).toMatchObject({
      source: 'erp',
      counts: { plants: 2, materials: 4, unitConversions: 3, billsOfMaterial: 3, sourceList: 2 },
    });
    // The same content again is no new version.
    const again = await request(gateway.url)
      .post('/plant-events/v1/master-data/import-from-erp')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    expect(again.body).toMatchObject({ changed: false, version: { id: res.body.versions[0].id } });
  });

  it('opens balances from the ERP stock, and applying the same snapshot again changes nothing', async () => {
    const first = await request(gateway.url)
      .post('/plant-events/v1/opening-balances/erp/1000')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    expect(first.body).toMatchObject({ source: 'erp', applied: 4, unchanged: 0 });
    const second = await request(gateway.url)
      .post('/plant-events/v1/opening-balances/erp/1000')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    expect(second.body).toMatchObject({ applied: 0, unchanged: 4 });
    expect((await balance('CMP-BOLT-M8')).onHand).toBe('4800');
    expect((await balance('RAW-STEEL-S235')).onHand).toBe('2250.5');
    // A WMS snapshot naming one material twice, or an unknown one, is refused whole.
    const refused = await request(gateway.url)
      .post('/plant-events/v1/opening-balances')
      .set('Authorization', `Bearer ${mes}`)
      .send({
        asOf: new Date().toISOString(),
        items: [
          { plant: '1000', material: 'CMP-BOLT-M8', quantity: { value: '1', unit: 'H87' } },
          { plant: '1000', material: 'CMP-BOLT-M8', quantity: { value: '2', unit: 'H87' } },
          { plant: '1000', material: 'NO-SUCH', quantity: { value: '2', unit: 'H87' } },
        ],
      })
      .expect(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([
      'items.1: CMP-BOLT-M8 at plant 1000 appears twice',
      'items.2: unknown material NO-SUCH',
    ]);
    expect((await balance('CMP-BOLT-M8')).onHand).toBe('4800');
  });

  it('applies a batch once, converts units exactly, and answers a resend as duplicates', async () => {
    const batch = [
      consumed({ number: 'MES-1' }, 'CMP-BOLT-M8', '16'),
      // 2 boxes of 100 bolts (master data: XBX → 100 H87)
      consumed({ number: 'MES-2' }, 'CMP-BOLT-M8', '2', 'XBX'),
      // 0.0105 t of steel = 10.5 kg
      consumed({ number: 'MES-3' }, 'RAW-STEEL-S235', '0.0105', 'TNE'),
      adjusted({ number: 'WMS-1' }, 'CMP-HOUSING-C1', '-3'),
    ];
    const res = await send(batch).expect(200);
    expect(res.body).toEqual({ received: 4, accepted: 4, duplicates: 0, late: 0, rejected: [] });
    const again = await send([...batch, batch[0]]).expect(200);
    expect(again.body).toMatchObject({ received: 5, accepted: 0, duplicates: 5 });
    const metrics = await request(gateway.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/gateway_plant_events_total\{channel="api",outcome="accepted"\} 4\b/);
    expect(metrics.text).toMatch(/gateway_plant_events_total\{channel="api",outcome="duplicate"\} 5\b/);
    expect((await balance('CMP-BOLT-M8')).onHand).toBe('4584');
    expect((await balance('RAW-STEEL-S235')).onHand).toBe('2240');
    expect((await balance('CMP-HOUSING-C1')).onHand).toBe('137');
  });

  it('refuses unknown plants and materials, invalid events and unconvertible units, and keeps them', async () => {
    const res = await send([
      consumed({ number: 'MES-10', plant: '9999' }, 'CMP-BOLT-M8', '1'),
      consumed({ number: 'MES-11' }, 'NO-SUCH-PART', '1'),
      consumed({ number: 'MES-12' }, 'CMP-BOLT-M8', '1.5', 'KGM'),
      { ...consumed({ number: 'MES-13' }, 'CMP-BOLT-M8', '1'), type: 'material.eaten' },
      consumed({ number: 'MES-14' }, 'CMP-BOLT-M8', '1'),
    ]).expect(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual([
      [0, 'unknown-plant'],
      [1, 'unknown-material'],
      [2, 'unit-not-convertible'],
      [3, 'invalid-event'],
    ]);
    const text = await request(gateway.url)
      .post('/plant-events/v1/events')
      .set('Authorization', `Bearer ${mes}`)
      .set('Content-Type', 'application/x-ndjson')
      .send('{not json\n')
      .expect(200);
    expect(text.body.rejected).toEqual([
      expect.objectContaining({ index: 0, producerKey: null, reason: 'invalid-event' }),
    ]);
    const kept = await request(gateway.url)
      .get('/plant-events/v1/rejected')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    expect(kept.body.map((r: { reason: string }) => r.reason).sort()).toEqual([
      'invalid-event',
      'invalid-event',
      'unit-not-convertible',
      'unknown-material',
      'unknown-plant',
    ]);
    expect(kept.body.find((r: { producerKey: string }) => r.producerKey === '/MES-11/1')).toBeUndefined();
    expect(kept.body.find((r: { producerKey: string }) => r.producerKey === '1000/MES-11/1')).toMatchObject({
      details: ['unknown material NO-SUCH-PART at plant 1000'],
      body: { document: { number: 'MES-11' } },
    });
  });

  it('refuses an event PostgreSQL cannot store (U+0000) on its own, and keeps the rest of the batch', async () => {
    const bad = consumed({ number: 'MES-NUL' }, 'CMP-BOLT-M8', '1') as {
      payload: { items: { description?: string }[] };
    };
    bad.payload.items[0]!.description = 'bolt\u0000';
    const res = await send([bad, consumed({ number: 'MES-OK' }, 'CMP-BOLT-M8', '1')]).expect(200);
    expect(res.body).toMatchObject({
      accepted: 1,
      rejected: [{ index: 0, producerKey: '1000/MES-NUL/1', reason: 'invalid-event' }],
    });
    const [kept] = await queryOnce<{ body: { payload: { items: { description: string }[] } } }>(
      db.url,
      `SELECT body FROM plant_event_rejected WHERE producer_key = '1000/MES-NUL/1'`,
    );
    expect(kept!.body.payload.items[0]!.description).toBe('bolt\ufffd');
  });

  it('answers bad requests with problem+json: wrong media type, empty batch, no credentials', async () => {
    const media = await request(gateway.url)
      .post('/plant-events/v1/events')
      .set('Authorization', `Bearer ${mes}`)
      .set('Content-Type', 'text/plain')
      .send('x')
      .expect(415);
    expect(media.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(media.body.type).toMatch(/replenishment\.unsupported-media-type/);
    await request(gateway.url)
      .post('/plant-events/v1/events')
      .set('Authorization', `Bearer ${mes}`)
      .set('Content-Type', 'application/json')
      .send({ events: [] })
      .expect(400);
    await request(gateway.url).post('/plant-events/v1/events').send({ events: [] }).expect(401);
    // A reader cannot write events, a writer cannot read balances.
    await send([consumed({ number: 'MES-X' }, 'CMP-BOLT-M8', '1')], ops).expect(403);
    await request(gateway.url)
      .get('/plant-events/v1/balances')
      .set('Authorization', `Bearer ${mes}`)
      .expect(403);
  });

  it('flags events older than the window as late, applies them once, and orders history by occurred-at', async () => {
    await send([
      consumed({ number: 'MES-20', occurredAt: minutesFromNow(60) }, 'CMP-HOUSING-C1', '1'),
    ]).expect(200);
    const late = await send([
      consumed({ number: 'MES-21', occurredAt: minutesFromNow(1) }, 'CMP-HOUSING-C1', '2'),
      consumed({ number: 'MES-22', occurredAt: minutesFromNow(45) }, 'CMP-HOUSING-C1', '4'),
    ]).expect(200);
    expect(late.body).toMatchObject({ accepted: 2, late: 1 });
    expect((await balance('CMP-HOUSING-C1')).onHand).toBe('130');
    const history = await request(gateway.url)
      .get('/plant-events/v1/balances/1000/CMP-HOUSING-C1/history')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    const tail = (history.body as { producerKey: string; balance: string; late: boolean }[]).slice(-3);
    expect(tail).toEqual([
      expect.objectContaining({ producerKey: '1000/MES-21/1', balance: '135', late: true }),
      expect.objectContaining({ producerKey: '1000/MES-22/1', balance: '131', late: false }),
      expect.objectContaining({ producerKey: '1000/MES-20/1', balance: '130', late: false }),
    ]);
  });

  it('posts a production completion to the ERP as one production confirmation, however often it arrives', async () => {
    const done = completed({ number: 'MES-PC-1', occurredAt: minutesFromNow(61) }, 'PRO-7001', '10', [
      { material: 'CMP-BOLT-M8', value: '80', lot: 'L-42' },
      { material: 'CMP-HOUSING-C1', value: '10' },
    ]);
    await send([done]).expect(200);
    await send([done, done]).expect(200);
    await waitForPostings(db.url, 20_000);
    const postings = await queryOnce<{
      kind: string;
      idempotency_key: string;
      status: string;
      body: unknown;
    }>(
      db.url,
      `SELECT kind, idempotency_key, status, body FROM erp_posting WHERE kind = 'production-confirmation'`,
    );
    expect(postings).toHaveLength(1);
    expect(postings[0]).toMatchObject({
      idempotency_key: 'production-confirmation:1000/MES-PC-1/1:rev-0',
      status: 'posted',
      body: {
        productionOrder: 'PRO-7001',
        yieldQuantity: '10',
        components: [
          { material: 'CMP-BOLT-M8', quantity: '80', unit: 'H87', lot: 'L-42' },
          { material: 'CMP-HOUSING-C1', quantity: '10', unit: 'H87' },
        ],
      },
    });
    const ledger = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM erp_sim_document WHERE kind = 'production-confirmation'`,
    );
    expect(ledger[0]!.n).toBe(1);
    expect((await balance('FG-PUMP-100')).onHand).toBe('45');
    expect((await balance('CMP-BOLT-M8')).onHand).toBe('4502');
  });

  it("raises an inventory variance when on-hand and the ERP's stock differ beyond the threshold", async () => {
    const results = await gateway.app.get(StockReconciliation).reconcile();
    const byMaterial = Object.fromEntries(results.map((r) => [r.material, r]));
    // Bolts: 4502 here, 4800 in the ERP (−6.2 %); steel: 2240 vs 2250.5 (−0.47 %, within 2 %).
    expect(byMaterial['CMP-BOLT-M8']).toMatchObject({
      erpOnHand: '4800',
      variance: '-298',
      beyondThreshold: true,
    });
    expect(byMaterial['RAW-STEEL-S235']).toMatchObject({ variance: '-10.5', beyondThreshold: false });
    const cases = await queryOnce<{ type: string; material: string; plant: string }>(
      db.url,
      `SELECT type, material, plant FROM exception_case WHERE type = 'inventory.variance' ORDER BY material`,
    );
    expect(cases.map((c) => c.material)).toContain('CMP-BOLT-M8');
    expect(cases.map((c) => c.material)).not.toContain('RAW-STEEL-S235');
    // A second pass the same day raises no second case.
    await gateway.app.get(StockReconciliation).reconcile();
    const again = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM exception_case WHERE type = 'inventory.variance'`,
    );
    expect(again[0]!.n).toBe(cases.length);
  });

  it('refuses an event with a lone surrogate on its own (invalid-event, kept), and applies the rest of the batch', async () => {
    const bad = adjusted({ number: 'MES-SURROGATE' }, 'CMP-BOLT-M8', '-1') as { payload: { note?: string } };
    bad.payload.note = 'broken \ud83d';
    const res = await send([bad, consumed({ number: 'MES-AFTER-SURROGATE' }, 'CMP-BOLT-M8', '1')]).expect(
      200,
    );
    expect(res.body).toMatchObject({
      received: 2,
      accepted: 1,
      rejected: [
        {
          index: 0,
          producerKey: '1000/MES-SURROGATE/1',
          reason: 'invalid-event',
          details: expect.arrayContaining([expect.stringContaining('unpaired surrogates')]),
        },
      ],
    });
    const [kept] = await queryOnce<{ body: { payload: { note: string } } }>(
      db.url,
      `SELECT body FROM plant_event_rejected WHERE producer_key = '1000/MES-SURROGATE/1'`,
    );
    expect(kept!.body.payload.note).toBe('broken \ufffd');
    const applied = await queryOnce(
      db.url,
      `SELECT 1 FROM plant_event WHERE producer_key = '1000/MES-AFTER-SURROGATE/1'`,
    );
    expect(applied).toHaveLength(1);
  });
});
