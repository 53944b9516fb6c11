import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ACTOR } from '../../src/audit/actor.js';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { AcknowledgmentService } from '../../src/procurement/acknowledgment.service.js';
import { ShipNoticeService } from '../../src/procurement/ship-notice.service.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { eventually, LocalSmtpServer } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const PO = '4500000901';

function ack(revision: string, line20Date: string) {
  return parseEventOf('purchase-order.acknowledged.v1', {
    id: randomUUID(),
    type: 'purchase-order.acknowledged',
    schemaVersion: 'v1',
    partnerId: 'acme-fasteners',
    occurredAt: '2026-11-27T12:00:00Z',
    receivedAt: '2026-11-27T12:00:02Z',
    correlationId: 'from-the-855',
    causationId: null,
    document: { kind: revision === '1' ? 'original' : 'replacement', number: 'SO-901', revision },
    payload: {
      purchaseOrder: { number: PO },
      status: 'accepted-with-changes',
      lines: [
        { lineNumber: '10', status: 'accepted' },
        {
          lineNumber: '20',
          status: 'changed',
          changes: ['date'],
          schedule: [{ quantity: { value: '140', unit: 'H87' }, deliveryDate: line20Date }],
        },
      ],
    },
  });
}

function asn(kind: 'original' | 'replacement', revision: string, line10: string) {
  return parseEventOf('ship-notice.received.v1', {
    id: randomUUID(),
    type: 'ship-notice.received',
    schemaVersion: 'v1',
    partnerId: 'acme-fasteners',
    occurredAt: '2026-11-28T07:00:00Z',
    receivedAt: '2026-11-28T07:00:03Z',
    correlationId: 'from-the-856',
    causationId: null,
    document: { kind, number: 'SHP-901', revision },
    payload: {
      shipmentNumber: 'SHP-901',
      shippedAt: '2026-11-28T06:30:00Z',
      shipTo: '1000',
      orders: [
        {
          purchaseOrder: { number: PO },
          packs: [
            {
              items: [
                { lineNumber: '10', material: 'CMP-BOLT-M8', quantity: { value: line10, unit: 'H87' } },
                { lineNumber: '20', material: 'CMP-HOUSING-C1', quantity: { value: '140', unit: 'H87' } },
              ],
            },
          ],
        },
      ],
    },
  });
}

/**
 * The issue's reference chain on real PostgreSQL and Redis (BullMQ jobs), with the embedded ERP
 * simulator and a local SMTP server: from the ERP's purchase order to the goods receipt, every ERP
 * effect exactly once, every deviation in front of its owner, one correlation id throughout.
 */
describe('the reference chain: PO → acknowledgment → buyer → ASN → replacement → goods receipt', () => {
  const smtp = new LocalSmtpServer();
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let dataSource: DataSource;
  let buyerToken: string;
  const buyerEmail = 'buyer.chain@manufacturer.example.com';

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase('reference_chain');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      REDIS_URL: 'redis://127.0.0.1:6379',
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      REDIS_PREFIX: `sg-chain-${randomUUID().slice(0, 8)}`,
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      NOTIFY_SMTP_STARTTLS: 'off',
      NOTIFY_FROM: 'Supplier Gateway <gateway@gw.example.com>',
    });
    dataSource = gateway.app.get(DataSource);
    const identity = gateway.app.get(IdentityService);
    const buyer = await identity.addUser(
      { email: buyerEmail, displayName: 'Chain Buyer', role: 'buyer' },
      GATEWAY_ACTOR,
    );
    buyerToken = (await identity.issueUserToken(buyer.id, GATEWAY_ACTOR)).token;
    await gateway.app
      .get(ExceptionService)
      .addRoutingRule({ partnerId: 'acme-fasteners', ownerUserId: buyer.id }, GATEWAY_ACTOR);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await smtp.stop();
  });

  it('keeps production, procurement and the ERP in step, exactly once', async () => {
    const simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    const relay = gateway.app.get(SimulatorOutputRelay);
    const acks = gateway.app.get(AcknowledgmentService);
    const asns = gateway.app.get(ShipNoticeService);

    // 1. The ERP's buyer issues the order; the gateway records it and the document for the supplier.
    await simulator.purchaseOrders.issue({
      poNumber: PO,
      supplier: 'acme-fasteners',
      plant: '1000',
      currency: 'EUR',
      orderDate: '2026-11-27',
      lines: [
        {
          lineNumber: '10',
          material: 'CMP-BOLT-M8',
          quantity: '4800',
          unit: 'H87',
          deliveryDate: '2026-12-04',
          netPrice: '0.042',
        },
        {
          lineNumber: '20',
          material: 'CMP-HOUSING-C1',
          quantity: '140',
          unit: 'H87',
          deliveryDate: '2026-12-10',
          netPrice: '38.5',
        },
      ],
    });
    await eventually('the order', async () => (await relay.relay()) >= 0 && (await orderRow()));
    const [intent] = await queryOnce<{ event_type: string }>(
      db.url,
      `SELECT event_type FROM outbound_intent`,
    );
    expect(intent!.event_type).toBe('purchase-order.issued');

    // 2. The supplier confirms line 20 five days late: an exception, its owner mailed, nothing posted for it.
    await dataSource.transaction((tx) => acks.apply(tx, ack('1', '2026-12-15')));
    const [late] = await queryOnce<{ id: string; type: string; owner_user_id: string }>(
      db.url,
      `SELECT id::text AS id, type, owner_user_id::text AS owner_user_id FROM exception_case WHERE po_number = $1`,
      [PO],
    );
    expect(late!.type).toBe('acknowledgment.date-changed');
    const [mail] = await eventually(
      'the mail to the owner',
      () => smtp.to(buyerEmail).length > 0 && smtp.to(buyerEmail),
    );
    expect(mail!.headers['subject']).toContain(`PO ${PO} line 20`);
    await waitForPostings(db.url, 20_000);
    expect(await confirmedLines()).toEqual([['10']]);

    // 3. The buyer accepts through the API: the ERP gets line 20's confirmation, once.
    await request(gateway.url)
      .post(`/buyer/v1/exceptions/${late!.id}/accept`)
      .set({ Authorization: `Bearer ${buyerToken}` })
      .send({ note: 'the line can wait five days' })
      .expect(200)
      .expect(({ body }) => expect(body.state).toBe('accepted'));
    await request(gateway.url)
      .post(`/buyer/v1/exceptions/${late!.id}/accept`)
      .set({ Authorization: `Bearer ${buyerToken}` })
      .send({})
      .expect(409);
    await waitForPostings(db.url, 20_000);
    expect(await confirmedLines()).toEqual([['10'], ['20']]);

    // 4. The ship notice arrives before the supplier's corrected acknowledgment.
    expect((await dataSource.transaction((tx) => asns.apply(tx, asn('original', '1', '4800')))).outcome).toBe(
      'posted',
    );
    const second = await dataSource.transaction((tx) => acks.apply(tx, ack('2', '2026-12-10')));
    expect(second).toMatchObject({ outcome: 'applied', state: 'shipped' });

    // 5. A replacement notice amends the inbound delivery.
    expect(
      (await dataSource.transaction((tx) => asns.apply(tx, asn('replacement', '2', '4700')))).outcome,
    ).toBe('amended');

    // 6. The plant receives less than announced.
    await request(gateway.url)
      .post('/wms/v1/goods-receipts')
      .set({ Authorization: `Bearer ${buyerToken}` })
      .send({
        receiptNumber: 'GR-901',
        plant: '1000',
        receivedAt: '2026-11-29T10:00:00Z',
        shipmentNumber: 'SHP-901',
        lines: [],
      })
      .expect(403);
    const admin = await gateway.app
      .get(IdentityService)
      .addUser(
        { email: 'wms-admin@manufacturer.example.com', displayName: 'WMS admin', role: 'admin' },
        GATEWAY_ACTOR,
      );
    const adminToken = (await gateway.app.get(IdentityService).issueUserToken(admin.id, GATEWAY_ACTOR)).token;
    await request(gateway.url)
      .post('/wms/v1/goods-receipts')
      .set({ Authorization: `Bearer ${adminToken}` })
      .send({
        receiptNumber: 'GR-901',
        plant: '1000',
        receivedAt: '2026-11-29T10:00:00Z',
        shipmentNumber: 'SHP-901',
        lines: [
          {
            poNumber: PO,
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: { value: '4600', unit: 'H87' },
          },
          {
            poNumber: PO,
            lineNumber: '20',
            material: 'CMP-HOUSING-C1',
            quantity: { value: '140', unit: 'H87' },
          },
        ],
      })
      .expect(200)
      .expect(({ body }) => expect(body.problems).toEqual(['goods-receipt.short']));

    // 7. The ledger holds exactly the expected postings; one correlation id links the chain.
    await waitForPostings(db.url, 20_000);
    const ledger = await queryOnce<{ kind: string; operation: string; n: number }>(
      db.url,
      `SELECT kind, operation, count(*)::int AS n FROM erp_sim_entry GROUP BY kind, operation ORDER BY kind, operation`,
    );
    expect(ledger).toEqual([
      { kind: 'goods-receipt', operation: 'post', n: 1 },
      { kind: 'inbound-delivery', operation: 'amend', n: 1 },
      { kind: 'inbound-delivery', operation: 'post', n: 1 },
      { kind: 'po-confirmation', operation: 'post', n: 3 },
    ]);
    const { correlation_id: chain } = (await orderRow())!;
    const linked = await queryOnce<{ source: string; ids: string[] }>(
      db.url,
      `SELECT 'postings' AS source, array_agg(DISTINCT correlation_id) AS ids FROM erp_posting
       UNION ALL SELECT 'exceptions', array_agg(DISTINCT correlation_id) FROM exception_case
       UNION ALL SELECT 'history', array_agg(DISTINCT correlation_id) FROM purchase_order_history
       UNION ALL SELECT 'intents', array_agg(DISTINCT correlation_id) FROM outbound_intent
       UNION ALL SELECT 'ledger', array_agg(DISTINCT correlation_id) FROM erp_sim_entry`,
    );
    for (const row of linked)
      expect({ source: row.source, ids: row.ids }).toEqual({ source: row.source, ids: [chain] });
    expect(
      (await queryOnce<{ type: string }>(db.url, `SELECT type FROM exception_case ORDER BY type`)).map(
        (c) => c.type,
      ),
    ).toEqual(['acknowledgment.date-changed', 'goods-receipt.short']);

    async function orderRow() {
      return (
        await queryOnce<{ state: string; correlation_id: string }>(
          db.url,
          `SELECT state, correlation_id FROM purchase_order WHERE po_number = $1`,
          [PO],
        )
      )[0];
    }
    async function confirmedLines() {
      const rows = await queryOnce<{ lines: string[] }>(
        db.url,
        `SELECT array(SELECT l->>'lineNumber' FROM jsonb_array_elements(d.body->'lines') l) AS lines
           FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number)
          WHERE e.kind = 'po-confirmation' ORDER BY e.id`,
      );
      return rows.map((r) => r.lines);
    }
  }, 120_000);
});
