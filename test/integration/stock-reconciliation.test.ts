import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import type { SimulatedErp } from '../../src/erp/simulator/simulated-erp.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { StockReconciliation } from '../../src/replenishment/balances/stock-reconciliation.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { consumed, ndjson, until } from './plant-events.support.js';

/**
 * The stock reconciliation compares each balance with the ERP's stock as of one moment. The ERP's
 * stock read is held up (the simulator's `commit-late` fault on reads: the read runs after the delay)
 * while the MES reports consumption that the ERP books as well, as a plant does all day.
 */
describe('the stock reconciliation while consumption keeps arriving', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let simulator: SimulatedErp;
  let reconciliation: StockReconciliation;
  let mes: string;
  let sent = 0;

  /** The MES consumes `quantity` at plant 1000 and the ERP books the same consumption. */
  async function consumeEverywhere(material: string, quantity: string, unit = 'H87'): Promise<void> {
    sent += 1;
    await request(gateway.url)
      .post('/plant-events/v1/events')
      .set('Authorization', `Bearer ${mes}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([consumed({ number: `MES-RECON-${sent}` }, material, quantity, unit)]))
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ accepted: 1, rejected: [] }));
    await setErpStock(material, `unrestricted - ${quantity}`);
  }

  const setErpStock = (material: string, expression: string) =>
    queryOnce(
      db.url,
      `UPDATE erp_sim_stock SET unrestricted = ${expression}, as_of = now() WHERE plant = '1000' AND material = $1`,
      [material],
    );

  /** Holds up the next `reads` ERP reads by `delayMs` each. */
  const slowReads = (reads: number, delayMs = 1500) =>
    simulator.faults.set({ operation: 'read', mode: 'commit-late', rate: 1, delayMs, remaining: reads });
  const readsHeld = async () =>
    (await simulator.faults.list()).find((f) => f.operation === 'read')?.injected ?? 0;

  const cases = () =>
    queryOnce<{ material: string }>(
      db.url,
      `SELECT material FROM exception_case WHERE type = 'inventory.variance' ORDER BY material`,
    );

  beforeAll(async () => {
    db = await createTestDatabase('stockrecon');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url, { timeoutMs: 10_000 }),
      STOCK_RECONCILE_EVERY_MINUTES: '0',
    });
    simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    reconciliation = gateway.app.get(StockReconciliation);
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'test-setup' } as const;
    await identity.addSystemClient({ name: 'mes', system: 'mes', scopes: ['plant-events:write'] }, setup);
    mes = (await identity.issueSystemToken('mes', setup)).token;
    await identity.addSystemClient({ name: 'ops', system: 'other', scopes: ['operations:write'] }, setup);
    const ops = (await identity.issueSystemToken('ops', setup)).token;
    // Balances start equal to the ERP's stock: bolts 4800, housings 140, pumps 35, steel 2250.5.
    await request(gateway.url)
      .post('/plant-events/v1/opening-balances/erp/1000')
      .set('Authorization', `Bearer ${ops}`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ applied: 4 }));
  });

  beforeEach(async () => {
    await simulator.faults.clear();
  });

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('raises no variance for consumption booked while the ERP was read, and still raises a real one', async () => {
    // A real variance: the ERP counts 40 housings fewer than the gateway (140 here).
    await setErpStock('CMP-HOUSING-C1', '100');
    // The pass reads bolts first (plant, then material order); their ERP read is held up.
    await slowReads(1);
    const pass = reconciliation.reconcile();
    await until('the bolts ERP read is held up', async () => (await readsHeld()) === 1, 10_000);
    // Meanwhile the line consumes bolts (the read in flight) and steel (not read yet), and the ERP
    // books both: the ERP answers with stock after the consumption.
    await consumeEverywhere('CMP-BOLT-M8', '300');
    await consumeEverywhere('RAW-STEEL-S235', '500', 'KGM');
    const results = await pass;

    const byMaterial = Object.fromEntries(results.map((r) => [r.material, r]));
    expect(byMaterial['CMP-BOLT-M8']).toEqual({
      plant: '1000',
      material: 'CMP-BOLT-M8',
      gatewayOnHand: '4500',
      erpOnHand: '4500',
      variance: '0',
      beyondThreshold: false,
      settled: true,
    });
    expect(byMaterial['RAW-STEEL-S235']).toMatchObject({
      gatewayOnHand: '1750.5',
      erpOnHand: '1750.5',
      variance: '0',
      beyondThreshold: false,
    });
    expect(byMaterial['CMP-HOUSING-C1']).toMatchObject({
      gatewayOnHand: '140',
      erpOnHand: '100',
      variance: '40',
      beyondThreshold: true,
      settled: true,
    });
    expect(await cases()).toEqual([{ material: 'CMP-HOUSING-C1' }]);
    const recorded = await queryOnce<{ material: string; variance: string }>(
      db.url,
      `SELECT material, variance::text AS variance FROM stock_reconciliation ORDER BY material`,
    );
    expect(recorded).toEqual([
      { material: 'CMP-BOLT-M8', variance: '0' },
      { material: 'CMP-HOUSING-C1', variance: '40' },
      { material: 'FG-PUMP-100', variance: '0' },
      { material: 'RAW-STEEL-S235', variance: '0' },
    ]);
  });

  it('leaves a balance that moved during every ERP read for the next pass, unjudged and unrecorded', async () => {
    const recordedBefore = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM stock_reconciliation WHERE material = 'CMP-BOLT-M8'`,
    );
    // Every bolts read is held up, and bolts are consumed during each of them (the ERP does not
    // book these: a real difference, once the balance holds still).
    await slowReads(3);
    const pass = reconciliation.reconcile();
    for (let read = 1; read <= 3; read++) {
      await until(`bolts ERP read ${read} is held up`, async () => (await readsHeld()) === read, 10_000);
      await request(gateway.url)
        .post('/plant-events/v1/events')
        .set('Authorization', `Bearer ${mes}`)
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson([consumed({ number: `MES-BUSY-${read}` }, 'CMP-BOLT-M8', '100')]))
        .expect(200);
    }
    const results = await pass;
    expect(results.find((r) => r.material === 'CMP-BOLT-M8')).toEqual({
      plant: '1000',
      material: 'CMP-BOLT-M8',
      gatewayOnHand: '4200',
      erpOnHand: '4500',
      variance: null,
      beyondThreshold: false,
      settled: false,
    });
    const recordedAfter = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM stock_reconciliation WHERE material = 'CMP-BOLT-M8'`,
    );
    expect(recordedAfter[0]!.n).toBe(recordedBefore[0]!.n);
    expect(await cases()).toEqual([{ material: 'CMP-HOUSING-C1' }]);
    // Once the line pauses, the next pass judges it: the ERP never booked these 300, a real variance.
    const next = await reconciliation.reconcile();
    expect(next.find((r) => r.material === 'CMP-BOLT-M8')).toMatchObject({
      variance: '-300',
      beyondThreshold: true,
      settled: true,
    });
  });
});
