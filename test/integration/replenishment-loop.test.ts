import { randomBytes, randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ACTOR } from '../../src/audit/actor.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { todayIn } from '../../src/replenishment/balances/balances.service.js';
import { addDays } from '../../src/replenishment/balances/projection.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { eventually, LocalSmtpServer } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { PortalLinksService } from '../../src/portal/portal-links.service.js';
import { MQTT_URL, publisher } from './plant-events.support.js';
import { FormClient, linkMailedTo, PASSWORD, seedPortalUser } from './portal-support.js';

/**
 * The reference scenario of DESIGN.md on real PostgreSQL and Mosquitto, with the embedded ERP
 * simulator and a local SMTP server: a production completion over MQTT → the ERP gets its production
 * confirmation → balances move → the dynamic reorder point is crossed → a PO change through the ERP
 * simulator, sent to the supplier once → the supplier refuses the new date (an X12 865; in the
 * second run an EDIFACT ORDRSP) → a buyer case naming plant, material, order, supplier, shortage
 * date and the production orders at risk, its owner mailed.
 */
describe('the replenishment loop, end to end', () => {
  const smtp = new LocalSmtpServer();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const buyerEmail = 'buyer.replenishment@manufacturer.example.com';
  const today = todayIn('Europe/Berlin');
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let pub: MqttClient;
  let admin: string;
  let buyerId: string;
  let acme: string;
  let nordic: string;

  const api = () => request(gateway.url);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase('replenishment_loop');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      STOCK_RECONCILE_EVERY_MINUTES: '0',
      REPLENISHMENT_EVALUATE_EVERY_SECONDS: '1',
      MQTT_URL,
      MQTT_CLIENT_ID: `${prefix}-gateway`,
      MQTT_TOPICS: `${prefix}/plants/+/mes/#`,
      MQTT_BATCH_MS: '50',
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      NOTIFY_SMTP_STARTTLS: 'off',
      NOTIFY_FROM: 'Supplier Gateway <gateway@gw.example.com>',
    });
    const identity = gateway.app.get(IdentityService);
    const adminUser = await identity.addUser(
      { email: 'admin.replenishment@manufacturer.example.com', displayName: 'Admin', role: 'admin' },
      GATEWAY_ACTOR,
    );
    admin = (await identity.issueUserToken(adminUser.id, GATEWAY_ACTOR)).token;
    buyerId = (
      await identity.addUser(
        { email: buyerEmail, displayName: 'Replenishment Buyer', role: 'buyer' },
        GATEWAY_ACTOR,
      )
    ).id;
    acme = (
      await identity.issuePartnerToken('acme-fasteners', ['documents:write', 'documents:read'], GATEWAY_ACTOR)
    ).token;
    nordic = (
      await identity.issuePartnerToken(
        'nordic-castings',
        ['documents:write', 'documents:read'],
        GATEWAY_ACTOR,
      )
    ).token;
    pub = await publisher();
    await eventually('master data from the ERP', async () => {
      const [row] = await queryOnce<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM master_material`);
      return row!.n > 0;
    });
  }, 120_000);
  afterAll(async () => {
    await pub?.endAsync();
    await gateway?.stop();
    await db?.drop();
    await smtp.stop();
  });

  /** Policy, opening stock, 13 days of steady consumption and an open PO due after the lead time. */
  async function prepare(o: {
    material: string;
    supplier: string;
    poNumber: string;
    opening: string;
    perDay: string;
    orderQuantity: string;
    price: string;
    dueInDays: number;
    roundingQuantity: string;
    autoMaxValue: string;
  }): Promise<void> {
    await api()
      .put(`/replenishment/v1/policies/1000/${o.material}`)
      .set(as(admin))
      .send({
        method: 'dynamic',
        serviceLevel: '0.95',
        smoothing: '0.3',
        historyDays: 14,
        minHistoryDays: 7,
        roundingQuantity: o.roundingQuantity,
        autoApply: true,
        autoMaxQuantity: '100000',
        autoMaxValue: o.autoMaxValue,
        ownerUserId: buyerId,
      })
      .expect(200)
      .expect(({ body }) =>
        expect(body).toMatchObject({ autoApply: true, ownerUserId: buyerId, isDefault: false }),
      );
    await api()
      .post('/plant-events/v1/opening-balances')
      .set(as(admin))
      .send({
        asOf: new Date(Date.now() - 20 * 86_400_000).toISOString(),
        items: [{ plant: '1000', material: o.material, quantity: { value: o.opening, unit: 'H87' } }],
      })
      .expect(200);
    const history = Array.from({ length: 13 }, (_, i) => ({
      id: randomUUID(),
      type: 'material.consumed',
      schemaVersion: 'v1',
      plant: '1000',
      occurredAt: `${addDays(today, i - 13)}T10:00:00+01:00`,
      receivedAt: new Date().toISOString(),
      correlationId: `mes:history-${o.material}-${i}`,
      causationId: null,
      document: { kind: 'original', number: `HIST-${o.material}-${i}`, revision: '1' },
      source: { channel: 'mes' },
      payload: {
        purpose: 'production',
        items: [{ material: o.material, quantity: { value: o.perDay, unit: 'H87' } }],
      },
    }));
    await api()
      .post('/plant-events/v1/events')
      .set(as(admin))
      .send({ events: history })
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ accepted: 13, rejected: [] }));
    const simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    await simulator.purchaseOrders.issue({
      poNumber: o.poNumber,
      supplier: o.supplier,
      plant: '1000',
      currency: 'EUR',
      orderDate: addDays(today, -3),
      lines: [
        {
          lineNumber: '10',
          material: o.material,
          quantity: o.orderQuantity,
          unit: 'H87',
          deliveryDate: addDays(today, o.dueInDays),
          netPrice: o.price,
        },
      ],
    });
    const relay = gateway.app.get(SimulatorOutputRelay);
    await eventually('the order recorded', async () => {
      await relay.relay();
      const [row] = await queryOnce<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM purchase_order WHERE po_number = $1`,
        [o.poNumber],
      );
      return row!.n === 1;
    });
    // Steady consumption, stock above the threshold: evaluated, nothing recommended.
    await eventually('the steady state evaluated', async () => {
      const res = await api().post(`/replenishment/v1/evaluations/1000/${o.material}`).set(as(admin));
      return res.status === 200 && res.body.decision.basis === 'dynamic' && res.body.decision.below === false;
    });
  }

  /** The production completion, published by the MES over MQTT (QoS 1). */
  async function complete(
    order: string,
    material: string,
    actual: string,
    standard: string,
  ): Promise<string> {
    const id = randomUUID();
    await pub.publishAsync(
      `${prefix}/plants/1000/mes/production`,
      JSON.stringify({
        id,
        type: 'production.completed',
        schemaVersion: 'v1',
        plant: '1000',
        occurredAt: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
        correlationId: `prod:${order}`,
        causationId: null,
        document: { kind: 'original', number: `MES-${order}-1`, revision: '1' },
        source: { channel: 'mes' },
        payload: {
          productionOrder: order,
          workCenter: 'LINE-4',
          material: 'FG-PUMP-100',
          finishedQuantity: { value: '60', unit: 'H87' },
          scrapQuantity: { value: '0', unit: 'H87' },
          final: false,
          components: [
            {
              material,
              quantity: { value: actual, unit: 'H87' },
              standardQuantity: { value: standard, unit: 'H87' },
            },
          ],
        },
      }),
      { qos: 1 },
    );
    return id;
  }

  async function recommendationFor(material: string) {
    return eventually(
      `the recommendation for ${material}`,
      async () => {
        const res = await api().get(`/replenishment/v1/recommendations?material=${material}`).set(as(admin));
        return res.body.length > 0 && res.body[0].state !== 'proposed' && res.body;
      },
      30_000,
    );
  }

  async function exceptionFor(poNumber: string) {
    return eventually(
      `the buyer's case for PO ${poNumber}`,
      async () => {
        const res = await api()
          .get(`/buyer/v1/exceptions?poNumber=${poNumber}&type=po-change.rejected`)
          .set(as(admin))
          .expect(200);
        return res.body.items.length > 0 && res.body.items;
      },
      30_000,
    );
  }

  it('an X12 865 refuses the new date: the buyer knows at once', async () => {
    const PO = '4500001701';
    await prepare({
      material: 'CMP-BOLT-M8',
      supplier: 'acme-fasteners',
      poNumber: PO,
      opening: '5520', // 2400 left after 13 days of 240
      perDay: '240',
      orderQuantity: '4800',
      price: '0.042',
      dueInDays: 10,
      roundingQuantity: '100',
      autoMaxValue: '1000',
    });

    // 1. Line 4 completes 60 pumps with 620 bolts instead of the standard 480.
    const completion = await complete('PRD-7001', 'CMP-BOLT-M8', '620', '480');

    // 2. The ERP gets the production confirmation, once; on-hand moves.
    await eventually('the production confirmation posted', async () => {
      const rows = await queryOnce<{ status: string }>(
        db.url,
        `SELECT status FROM erp_posting WHERE kind = 'production-confirmation' AND causation_id = $1`,
        [completion],
      );
      return rows.length === 1 && rows[0]!.status === 'posted';
    });
    const balance = await api().get('/plant-events/v1/balances/1000/CMP-BOLT-M8').set(as(admin)).expect(200);
    expect(balance.body.onHand).toBe('1780');

    // 3. The reorder point is crossed: series 240 × 13 then 620, α 0.3 → D = 354, σ = √30324;
    //    ROP = 354 × 5 + 1.6449 × √(5 × 30324) = 2410.52… → 2500; position 1780 → expedite.
    const [rec] = await recommendationFor('CMP-BOLT-M8');
    expect(rec).toMatchObject({
      plant: '1000',
      material: 'CMP-BOLT-M8',
      action: 'expedite',
      state: 'applied',
      automatic: true,
      supplier: 'acme-fasteners',
      poNumber: PO,
      lineNumber: '10',
      currentDueDate: addDays(today, 10),
      newDeliveryDate: addDays(today, 3),
      shortageDate: addDays(today, 5),
      value: '201.6',
      currency: 'EUR',
      causationId: completion,
      correlationId: 'prod:PRD-7001',
      ownerUserId: buyerId,
    });
    expect(rec.productionOrders.map((p: { productionOrder: string }) => p.productionOrder)).toEqual([
      'PRD-7001',
    ]);
    const explained = await api()
      .get(`/replenishment/v1/recommendations/${rec.id}`)
      .set(as(admin))
      .expect(200);
    expect(explained.body.decision).toMatchObject({
      basis: 'dynamic',
      reorderPoint: '2500',
      safetyStock: '700',
      averageDailyUsage: '354',
      leadTimeDays: 5,
      position: '1780',
      below: true,
    });
    expect(explained.body.decision.inputs.usage.daily).toEqual([...Array(13).fill('240'), '620']);
    expect(explained.body.decision.inputs.leadTime).toMatchObject({ days: 5, source: 'source-list' });
    expect(explained.body.decision.inputs.threshold).toMatchObject({
      z: '1.6449',
      usageDeviation: '174.1379',
    });

    // 4. The PO change goes through the ERP simulator and reaches the supplier once (an 860).
    await waitForPostings(db.url, 30_000);
    const simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    const erpOrder = await simulator.purchaseOrders.read(PO);
    expect(erpOrder).toMatchObject({ revision: 1 });
    expect(erpOrder!.lines[0]).toMatchObject({ deliveryDate: addDays(today, 3) });
    const sent = await eventually('the 860 for the supplier', async () => {
      const rows = await queryOnce<{ message_type: string; po_revision: number; status: string }>(
        db.url,
        `SELECT message_type, po_revision, status FROM outbound_document WHERE po_number = $1 AND po_revision = 1`,
        [PO],
      );
      return rows.length > 0 && rows[0]!.status !== 'pending' && rows;
    });
    expect(sent).toEqual([expect.objectContaining({ message_type: '860', po_revision: 1 })]);

    // Evaluated again (and again by the loop): the same crossing makes no second change.
    await api()
      .post('/replenishment/v1/evaluations/1000/CMP-BOLT-M8')
      .set(as(admin))
      .expect(200)
      .expect(({ body }) => expect(body.recommendation).toBeNull());

    // 5. The supplier answers with an 865: rejected (BCA02 RJ), answering change revision 1.
    const x12 = interchange('ACMEFAST', '000001701', 'CA', [
      'ST*865*0001',
      `BCA*00*RJ*${PO}**1*${compact(addDays(today, -3))}***SO-1701*${compact(today)}`,
      'CTT*0',
      'SE*4*0001',
    ]);
    await api()
      .post('/partner/v1/documents')
      .set({ ...as(acme), 'Content-Type': 'application/edi-x12', 'Idempotency-Key': randomUUID() })
      .send(x12)
      .expect(202);

    // 6. A buyer case naming plant, material, order, supplier, shortage date and production orders at risk.
    const [found] = await exceptionFor(PO);
    expect(found).toMatchObject({
      type: 'po-change.rejected',
      references: {
        partnerId: 'acme-fasteners',
        poNumber: PO,
        poLine: '10',
        material: 'CMP-BOLT-M8',
        plant: '1000',
      },
      ownerUserId: buyerId,
    });
    expect(found.summary).toContain(`runs short on ${addDays(today, 5)}`);
    expect(found.summary).toContain('PRD-7001');
    expect(found.differences).toMatchObject({
      deliveryDate: { expected: addDays(today, 3), actual: addDays(today, 10) },
      shortageDate: { actual: addDays(today, 5) },
      productionOrdersAtRisk: { actual: ['PRD-7001'] },
    });
    const [mail] = await eventually(
      'the mail to the owner',
      () => smtp.to(buyerEmail).length > 0 && smtp.to(buyerEmail),
    );
    expect(mail!.headers['subject']).toContain(PO);
    const after = await api().get(`/replenishment/v1/recommendations/${rec.id}`).set(as(admin)).expect(200);
    expect(after.body).toMatchObject({ state: 'refused', changeRevision: 1, exceptionId: found.id });

    // 7. The supplier's order page tells the refusal in the supplier's terms, never the buyer's
    //    shortage analysis (the plant's shortage date, its production orders); the buyer's workbench has it.
    const world = { db, smtp, gateway, stop: () => Promise.resolve() };
    const planner = 'planner.replenishment@acme.example';
    await seedPortalUser(world, { email: planner, role: 'supplier-user', partnerId: 'acme-fasteners' });
    const supplier = new FormClient(gateway.url);
    expect((await supplier.login(planner)).status).toBe(303);
    const page = await supplier.get(`/portal/orders/${PO}`).expect(200);
    for (const internal of ['PRD-7001', 'runs short', 'production orders', addDays(today, 5)])
      expect(page.text).not.toContain(internal);
    expect(page.text).toContain('You answered that you cannot meet the change to this order.');
    const mailed = smtp.to(buyerEmail).length;
    await gateway.app.get(PortalLinksService).requestReset(buyerEmail);
    const { path } = await linkMailedTo(smtp, buyerEmail, 'password-reset', mailed);
    const buyer = new FormClient(gateway.url);
    expect((await buyer.submit(path, { password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
    const workbench = await buyer.get(`/portal/workbench/${found.id}`).expect(200);
    expect(workbench.text).toContain('PRD-7001');
    expect(workbench.text).toContain(`runs short on ${addDays(today, 5)}`);
    expect(after.body.tracking.erpPosting).toMatchObject({ kind: 'po-change', status: 'posted' });
    expect(after.body.tracking.supplierDocuments).toHaveLength(1);

    // Exactly once: one production confirmation, one PO change, one 860.
    const counts = await queryOnce<{ kind: string; n: number }>(
      db.url,
      `SELECT kind, count(*)::int AS n FROM erp_posting WHERE kind IN ('production-confirmation', 'po-change') GROUP BY kind ORDER BY kind`,
    );
    expect(counts).toEqual([
      { kind: 'po-change', n: 1 },
      { kind: 'production-confirmation', n: 1 },
    ]);
    const [{ n: journal }] = (await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM erp_sim_entry WHERE kind = 'po-change'`,
    )) as [{ n: number }];
    expect(journal).toBe(1);
  }, 180_000);

  it('in a second run, an EDIFACT ORDRSP refuses the new date of an ORDCHG', async () => {
    const PO = '4500001702';
    await prepare({
      material: 'CMP-HOUSING-C1',
      supplier: 'nordic-castings',
      poNumber: PO,
      opening: '760', // 500 left after 13 days of 20
      perDay: '20',
      orderQuantity: '200',
      price: '38.5',
      dueInDays: 30,
      roundingQuantity: '1',
      autoMaxValue: '10000',
    });
    const completion = await complete('PRD-7002', 'CMP-HOUSING-C1', '32', '30');

    // D = 23.6, σ = √30.24, lead time 21 days: ROP = 495.6 + 1.6449 × √635.04 = 537.05… → 538.
    const [rec] = await recommendationFor('CMP-HOUSING-C1');
    expect(rec).toMatchObject({
      action: 'expedite',
      state: 'applied',
      supplier: 'nordic-castings',
      poNumber: PO,
      newDeliveryDate: addDays(today, 18),
      shortageDate: addDays(today, 19),
      value: '7700',
      causationId: completion,
    });
    await waitForPostings(db.url, 30_000);
    const sent = await eventually('the ORDCHG for the supplier', async () => {
      const rows = await queryOnce<{ message_type: string }>(
        db.url,
        `SELECT message_type FROM outbound_document WHERE po_number = $1 AND po_revision = 1`,
        [PO],
      );
      return rows.length > 0 && rows;
    });
    expect(sent).toEqual([{ message_type: 'ORDCHG' }]);

    const edifact =
      `UNB+UNOC:3+7350000123457:14+SUPPLIERGW:ZZZ+${compact(today).slice(2)}:1200+NC1702'` +
      "UNH+1+ORDRSP:D:96A:UN'" +
      `BGM+231+NC-SO-1702+27'DTM+137:${compact(today)}1200:203'RFF+ON:${PO}'RFF+PP:1'` +
      "LIN+10+7'UNS+S'UNT+8+1'UNZ+1+NC1702'";
    await api()
      .post('/partner/v1/documents')
      .set({ ...as(nordic), 'Content-Type': 'application/edifact', 'Idempotency-Key': randomUUID() })
      .send(edifact)
      .expect(202);

    const [found] = await exceptionFor(PO);
    expect(found).toMatchObject({
      references: { partnerId: 'nordic-castings', poNumber: PO, material: 'CMP-HOUSING-C1', plant: '1000' },
      ownerUserId: buyerId,
    });
    expect(found.summary).toContain(`runs short on ${addDays(today, 19)}`);
    expect(found.summary).toContain('PRD-7002');
    await eventually('the mail about the housing', () =>
      smtp.to(buyerEmail).some((m) => String(m.headers['subject']).includes(PO)),
    );
    const after = await api().get(`/replenishment/v1/recommendations/${rec.id}`).set(as(admin)).expect(200);
    expect(after.body.state).toBe('refused');
  }, 180_000);

  it('waits for a buyer outside the policy, who approves through the API (audited), once', async () => {
    // Steel: no source list and no open order; the policy gives the lead time and applies nothing itself.
    await api()
      .put('/replenishment/v1/policies/1000/RAW-STEEL-S235')
      .set(as(admin))
      .send({
        leadTimeSource: 'policy',
        leadTimeDays: 7,
        minHistoryDays: 1,
        historyDays: 7,
        ownerUserId: buyerId,
      })
      .expect(200);
    await api()
      .put('/replenishment/v1/policies/1000/RAW-STEEL-S235')
      .set(as(admin))
      .send({ leadTimeSource: 'policy' })
      .expect(400);
    await api()
      .get('/replenishment/v1/policies/1000/FG-PUMP-100')
      .set(as(admin))
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ isDefault: true, autoApply: false }));
    const consumption = (n: number, value: string) => ({
      id: randomUUID(),
      type: 'material.consumed',
      schemaVersion: 'v1',
      plant: '1000',
      occurredAt: new Date().toISOString(),
      receivedAt: new Date().toISOString(),
      correlationId: `mes:steel-${n}`,
      causationId: null,
      document: { kind: 'original', number: `STEEL-${n}`, revision: '1' },
      source: { channel: 'mes' },
      payload: {
        purpose: 'production',
        items: [{ material: 'RAW-STEEL-S235', quantity: { value, unit: 'KGM' } }],
      },
    });
    await api()
      .post('/plant-events/v1/events')
      .set(as(admin))
      .send({ events: [consumption(1, '300')] })
      .expect(200);
    const evaluated = await api()
      .post('/replenishment/v1/evaluations/1000/RAW-STEEL-S235')
      .set(as(admin))
      .expect(200);
    const rec =
      evaluated.body.recommendation ??
      (await recommendationsOf('RAW-STEEL-S235').then((list) =>
        list.find((r: { state: string }) => r.state === 'proposed'),
      ));
    expect(rec).toMatchObject({
      action: 'order',
      state: 'proposed',
      automatic: false,
      unit: 'KGM',
      policyReason: 'waits for a buyer: automatic application is off for this material',
    });
    // Partners and plain system callers cannot decide; a buyer can.
    await api()
      .post(`/replenishment/v1/recommendations/${rec.id}/approve`)
      .set(as(acme))
      .send({})
      .expect(403);
    const buyer = (await gateway.app.get(IdentityService).issueUserToken(buyerId, GATEWAY_ACTOR)).token;
    const approved = await api()
      .post(`/replenishment/v1/recommendations/${rec.id}/approve`)
      .set(as(buyer))
      .send({ note: 'order the steel', quantity: '4000' })
      .expect(200);
    expect(approved.body).toMatchObject({
      state: 'applied',
      note: 'order the steel',
      tracking: { erpPosting: { kind: 'po-request' } },
    });
    await api()
      .post(`/replenishment/v1/recommendations/${rec.id}/approve`)
      .set(as(buyer))
      .send({})
      .expect(409);
    await api()
      .post(`/replenishment/v1/recommendations/${rec.id}/reject`)
      .set(as(buyer))
      .send({ note: 'no' })
      .expect(409);
    await api()
      .post(`/replenishment/v1/recommendations/${randomUUID()}/reject`)
      .set(as(buyer))
      .send({ note: 'no' })
      .expect(404);
    await waitForPostings(db.url, 30_000);
    const [posting] = await queryOnce<{ status: string; body: { quantity: string; unit: string } }>(
      db.url,
      `SELECT status, body FROM erp_posting WHERE kind = 'po-request' AND causation_id = $1`,
      [rec.id],
    );
    expect(posting).toMatchObject({ status: 'posted', body: { quantity: '4000', unit: 'KGM' } });
    const audit = await queryOnce<{ action: string }>(
      db.url,
      `SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`,
      [rec.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['replenishment.recommendation-approved']);
    const events = await queryOnce<{ type: string; causation_id: string }>(
      db.url,
      `SELECT type, causation_id FROM canonical_event WHERE type LIKE 'replenishment.%' AND (id::text = $1 OR causation_id = $1) ORDER BY type`,
      [rec.id],
    );
    expect(events.map((e) => e.type)).toEqual(['replenishment.decided', 'replenishment.recommended']);
  }, 120_000);

  it('marks a change the ERP never took as failed, and applied again once a replay reaches it', async () => {
    await api()
      .put('/replenishment/v1/policies/1000/FG-PUMP-100')
      .set(as(admin))
      .send({ leadTimeSource: 'policy', leadTimeDays: 3, minHistoryDays: 1, historyDays: 7, autoApply: true })
      .expect(200);
    // The ERP refuses every posting (retryable) until the posting runs out of tries.
    await api().put('/admin/erp-simulator/faults/post/fail').set(as(admin)).send({ rate: 1 }).expect(200);
    const scrap = {
      id: randomUUID(),
      type: 'inventory.adjusted',
      schemaVersion: 'v1',
      plant: '1000',
      occurredAt: new Date().toISOString(),
      receivedAt: new Date().toISOString(),
      correlationId: 'wms:pump-count',
      causationId: null,
      document: { kind: 'original', number: 'PUMP-COUNT-1', revision: '1' },
      source: { channel: 'wms' },
      payload: { material: 'FG-PUMP-100', change: { value: '-500', unit: 'H87' }, reason: 'cycle-count' },
    };
    const used = {
      ...scrap,
      id: randomUUID(),
      type: 'material.consumed',
      document: { ...scrap.document, number: 'PUMP-USE-1' },
    };
    await api()
      .post('/plant-events/v1/events')
      .set(as(admin))
      .send({
        events: [
          scrap,
          {
            ...used,
            payload: {
              purpose: 'sample',
              items: [{ material: 'FG-PUMP-100', quantity: { value: '10', unit: 'H87' } }],
            },
          },
        ],
      })
      .expect(200);
    const failed = await eventually(
      'the recommendation failed',
      async () =>
        (await recommendationsOf('FG-PUMP-100')).find((r: { state: string }) => r.state === 'failed'),
      30_000,
    );
    expect(failed).toMatchObject({ action: 'order', exceptionId: expect.any(String) });
    expect(failed.answer).toMatch(/./);
    await api().delete('/admin/erp-simulator/faults').set(as(admin)).expect(200);
    const [letter] = await queryOnce<{ id: string }>(
      db.url,
      `SELECT d.id::text AS id FROM dead_letter d JOIN erp_posting p ON d.job_key LIKE '%' || p.idempotency_key
        WHERE p.id = $1`,
      [failed.postingId],
    );
    await api().post(`/admin/dead-letters/${letter!.id}/replay`).set(as(admin)).send({}).expect(200);
    await eventually(
      'the recommendation applied again',
      async () =>
        (await api().get(`/replenishment/v1/recommendations/${failed.id}`).set(as(admin))).body.state ===
        'applied',
      30_000,
    );
  }, 120_000);

  async function recommendationsOf(material: string) {
    return (
      await api().get(`/replenishment/v1/recommendations?material=${material}`).set(as(admin)).expect(200)
    ).body;
  }
});

function compact(date: string): string {
  return date.replaceAll('-', '');
}

function interchange(sender: string, control: string, functional: string, body: string[]): string {
  const group = String(Number(control));
  return (
    [
      `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*SUPPLIERGW     *${compact(new Date().toISOString().slice(0, 10)).slice(2)}*1200*U*00401*${control}*0*P*>`,
      `GS*${functional}*${sender}*SUPPLIERGW*${compact(new Date().toISOString().slice(0, 10))}*1200*${group}*X*004010`,
      ...body,
      `GE*1*${group}`,
      `IEA*1*${control}`,
    ]
      .map((s) => `${s}~`)
      .join('\n') + '\n'
  );
}
