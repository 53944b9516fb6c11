import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { dataSourceOptions, runMigrations } from '../../src/platform/database/data-source.js';
import {
  openDatabaseEndpoint,
  type DatabaseEndpoint,
} from '../../src/platform/database/database-endpoint.js';
import { ScorecardRepository } from '../../src/portal/scorecards/scorecard.repository.js';
import { acknowledgmentOutcomes } from '../../src/portal/scorecards/scorecard.js';
import { revisionOf } from '../../src/procurement/answer-revision.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/**
 * The acknowledgment log behind partner health and the scorecards (docs/scorecards.md, Performance)
 * matches each answer to the revision it names from the answer's history entry
 * (`answered_revision`, migration 043). Read from each answer's canonical event instead, the planner
 * hashed every stored event once the window held many answers: the plan test below keeps the query
 * off the event table and on its indexes; the second checks that the stored revision matches as the
 * event's did.
 */

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** The repository on a data source that also hands back every statement it runs, with its parameters. */
function recordingRepository(dataSource: DataSource) {
  const statements: { sql: string; params: unknown[] }[] = [];
  const recording = {
    transaction: (isolation: string, work: (tx: EntityManager) => Promise<unknown>) =>
      dataSource.transaction(isolation as 'READ COMMITTED', (tx) =>
        work(
          new Proxy(tx, {
            get: (target, property, receiver) =>
              property === 'query'
                ? (sql: string, params: unknown[] = []) => {
                    statements.push({ sql, params });
                    return target.query(sql, params);
                  }
                : Reflect.get(target, property, receiver),
          }),
        ),
      ),
  };
  return { repository: new ScorecardRepository(recording as unknown as DataSource), statements };
}

const PARTNERS = ['plan-supplier-1', 'plan-supplier-2', 'plan-supplier-3', 'plan-supplier-4'];
const ORDERS = 8000;

describe('the acknowledgment log at volume', () => {
  let db: TestDatabase;
  let endpoint: DatabaseEndpoint;
  let dataSource: DataSource;
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-answer-lookup-'));

  beforeAll(async () => {
    db = await createTestDatabase('answer_lookup');
    endpoint = await openDatabaseEndpoint({ DATABASE_URL: db.url, DATA_DIR: dataDir, DATABASE_POOL_SIZE: 2 });
    await runMigrations(endpoint);
    dataSource = new DataSource(dataSourceOptions(endpoint));
    await dataSource.initialize();
    await seedVolume(db.url);
  }, 120_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await endpoint?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    { view: 'every partner over 30 days (the health list)', partners: PARTNERS, days: 30 },
    { view: 'one partner over a year (its scorecard)', partners: PARTNERS.slice(0, 1), days: 365 },
  ])(
    'reads $view from the history and delivery indexes, never the event table',
    async ({ partners, days }) => {
      const { repository, statements } = recordingRepository(dataSource);
      const log = await repository.acknowledgmentLog(partners, new Date(Date.now() - days * 86_400_000));
      // The seeded answers name their revision: every one is read back with it.
      const answers = log.filter((r) => r.event.kind === 'answer');
      expect(answers.length).toBeGreaterThan(1000);
      expect(answers.every((r) => r.event.revision !== null)).toBe(true);

      const query = statements.find((s) => s.sql.includes('purchase_order_history'))!;
      const [{ 'QUERY PLAN': plan }] = (await dataSource.query(
        `EXPLAIN (FORMAT JSON) ${query.sql}`,
        query.params,
      )) as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
      const nodes = nodesOf(plan![0]!.Plan);
      const relations = nodes.map((n) => n['Relation Name']).filter(Boolean);
      expect(relations).not.toContain('canonical_event');
      const scans = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
      expect(scans).not.toContain('outbound_document');
      // Each order's log and each request's delivery: probes of the indexes migration 043 adds.
      const indexes = nodes.map((n) => n['Index Name']);
      expect(indexes).toContain('ix_purchase_order_history_answer_log');
      expect(indexes).toContain('ix_outbound_document_po_revision');
    },
  );
});

/**
 * Orders issued over the last 100 days across four partners, each delivered; 90 % acknowledged naming
 * revision 0, every fifth changed to revision 1 and most changes answered; every answer a canonical
 * event, and three other events per order (ship notices, receipts, the order) with bigger payloads.
 */
async function seedVolume(url: string): Promise<void> {
  await queryOnce(
    url,
    `INSERT INTO purchase_order (partner_id, po_number, revision, state, currency, order_date, ship_to, correlation_id, created_at)
     SELECT 'plan-supplier-' || (1 + g % 4), (4660000000 + g)::text, CASE WHEN g % 5 = 0 THEN 1 ELSE 0 END, 'acknowledged',
            'EUR', current_date, '1000', 'po:' || g, now() - make_interval(mins => g * 18)
       FROM generate_series(1, ${ORDERS}) g`,
  );
  await queryOnce(
    url,
    `INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, to_state, summary, correlation_id, at)
     SELECT o.id, r.what, o.po_number, r.revision::text, 'issued', 'seeded', o.correlation_id, o.created_at + make_interval(hours => 2 * r.revision)
       FROM purchase_order o
       JOIN (VALUES ('purchase-order.issued', 0), ('purchase-order.changed', 1)) r(what, revision) ON r.revision <= o.revision
      ORDER BY o.id, r.revision`,
  );
  await queryOnce(
    url,
    `CREATE TEMP TABLE answer AS
     SELECT gen_random_uuid() AS id, o.id AS po_id, o.partner_id, o.po_number, o.correlation_id, a.what, a.revision,
            o.created_at + make_interval(hours => 1 + 2 * a.revision) AS at
       FROM purchase_order o
       JOIN (VALUES ('purchase-order.acknowledged', 0), ('purchase-order.change-answered', 1)) a(what, revision)
         ON a.revision <= o.revision
      WHERE (a.revision = 0 AND o.id % 10 <> 0) OR (a.revision = 1 AND o.id % 4 <> 0);
     INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, to_state, summary, event_id,
                                         correlation_id, at, answered_revision)
     SELECT po_id, what, 'SO-' || po_number, '1', 'acknowledged', 'seeded', id, correlation_id, at, revision::text
       FROM answer ORDER BY at;
     INSERT INTO canonical_event (id, type, schema_version, partner_id, document_kind, document_number, document_revision,
                                  correlation_id, occurred_at, payload)
     SELECT id, what, 'v1', partner_id, 'original', 'SO-' || po_number || '-' || revision, '1', correlation_id, at,
            jsonb_build_object('id', id, 'type', what, 'payload', jsonb_build_object(
              'purchaseOrder', jsonb_build_object('number', po_number, 'revision', revision::text),
              'status', 'accepted', 'note', repeat('a', 600)))
       FROM answer;`,
  );
  await queryOnce(
    url,
    `INSERT INTO canonical_event (id, type, schema_version, partner_id, document_kind, document_number, document_revision,
                                  correlation_id, occurred_at, payload)
     SELECT gen_random_uuid(), (ARRAY['ship-notice.received', 'goods-receipt.recorded', 'purchase-order.issued'])[k], 'v1',
            o.partner_id, 'original', 'DOC-' || o.po_number || '-' || k, '1', o.correlation_id, o.created_at,
            jsonb_build_object('payload', jsonb_build_object('note', repeat('b', 900)))
       FROM purchase_order o CROSS JOIN generate_series(1, 3) k`,
  );
  await queryOnce(
    url,
    `INSERT INTO interchange (direction, channel, partner_id, received_at, sha256, size_bytes, content, status, correlation_id, metadata)
     SELECT 'outbound', 'api', o.partner_id, h.at, encode(sha256(h.id::text::bytea), 'hex'), 1, '\\x41', 'sent', o.correlation_id,
            jsonb_build_object('poNumber', o.po_number, 'revision', h.document_revision)
       FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
      WHERE h.what IN ('purchase-order.issued', 'purchase-order.changed')`,
  );
  await queryOnce(
    url,
    `INSERT INTO outbound_document (partner_id, source_key, kind, po_number, po_revision, standard, message_type, channel,
                                    interchange_id, filename, status, delivered_at, correlation_id)
     SELECT i.partner_id, 'seed:' || i.id, CASE i.metadata ->> 'revision' WHEN '0' THEN 'purchase-order' ELSE 'po-change' END,
            i.metadata ->> 'poNumber', (i.metadata ->> 'revision')::integer, 'json', 'purchase-order', 'api', i.id, 'po.json',
            'delivered', i.received_at + interval '5 minutes', i.correlation_id
       FROM interchange i`,
  );
  // As autovacuum leaves tables after a burst of writes: statistics and the visibility map current.
  await queryOnce(url, 'VACUUM ANALYZE');
}

describe('answers matched to the revision they name', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let dataSource: DataSource;
  const PARTNER = 'acme-fasteners';

  /** Stores an answer as the translation does: the event first, the order's lifecycle from it. */
  const answer = async (
    type: 'purchase-order.acknowledged' | 'purchase-order.change-answered',
    poNumber: string,
    document: { number: string; revision: string },
    revision?: string,
  ) => {
    const event = parseEventOf(`${type}.v1`, {
      id: randomUUID(),
      type,
      schemaVersion: 'v1',
      partnerId: PARTNER,
      occurredAt: '2026-11-28T09:00:00Z',
      receivedAt: '2026-11-28T09:00:01Z',
      correlationId: `po:${poNumber}`,
      causationId: null,
      document: { kind: 'original', ...document },
      payload: {
        purchaseOrder: { number: poNumber, ...(revision === undefined ? {} : { revision }) },
        status: 'accepted',
        lines: [],
      },
    });
    await dataSource.transaction((tx) => gateway.app.get(CanonicalEventStore).append(tx, event));
  };
  /** When each of the order's answers was recorded, by its document number and revision. */
  const answeredAt = async (poNumber: string) =>
    new Map(
      (
        await queryOnce<{ document: string; at: string }>(
          db.url,
          `SELECT h.document_number || '/' || h.document_revision AS document,
                  to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
             FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
            WHERE o.po_number = $1 AND h.what IN ('purchase-order.acknowledged', 'purchase-order.change-answered')`,
          [poNumber],
        )
      ).map((r) => [r.document, r.at]),
    );
  const outcomes = async (poNumber: string) => {
    const log = await gateway.app
      .get(ScorecardRepository)
      .acknowledgmentLog([PARTNER], new Date(Date.now() - 86_400_000));
    return acknowledgmentOutcomes(
      log.map((r) => r.event).filter((e) => e.poNumber === poNumber),
      48,
      new Date(),
    ).map((o) => ({ revision: o.revision, answeredAt: o.answeredAt }));
  };

  beforeAll(async () => {
    db = await createTestDatabase('answer_lookup_revisions');
    gateway = await startTestGateway(simulatorGatewayEnv(db.url));
    dataSource = gateway.app.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('counts the first of two acknowledgments of one revision, not the second', async () => {
    await issueSimulatorOrder(gateway.app, { poNumber: '4670000001', supplier: PARTNER });
    await answer('purchase-order.acknowledged', '4670000001', { number: 'SO-1', revision: '1' }, '0');
    await answer('purchase-order.acknowledged', '4670000001', { number: 'SO-1', revision: '2' }, '0');
    const at = await answeredAt('4670000001');
    expect(at.size).toBe(2);
    expect(await outcomes('4670000001')).toEqual([{ revision: 0, answeredAt: at.get('SO-1/1') }]);
  });

  it('leaves a change open when an answer to the older revision arrives, and closes it with the answer to the change', async () => {
    await issueSimulatorOrder(gateway.app, { poNumber: '4670000002', supplier: PARTNER });
    await gateway.app
      .get(ErpConnections)
      .embeddedSimulator()!
      .purchaseOrders.change('4670000002', { lines: [{ lineNumber: '10', quantity: '5000' }] });
    await gateway.app.get(SimulatorOutputRelay).relay();
    // The supplier's system acknowledges revision 0 after revision 1 was sent: recorded only.
    await answer('purchase-order.acknowledged', '4670000002', { number: 'SO-2', revision: '1' }, '0');
    expect(await outcomes('4670000002')).toEqual([{ revision: 1, answeredAt: null }]);
    await answer('purchase-order.change-answered', '4670000002', { number: 'CA-2', revision: '1' }, '1');
    const at = await answeredAt('4670000002');
    expect(await outcomes('4670000002')).toEqual([{ revision: 1, answeredAt: at.get('CA-2/1') }]);
  });

  it('takes an acknowledgment naming no revision as the answer to the order as it stands', async () => {
    await issueSimulatorOrder(gateway.app, { poNumber: '4670000003', supplier: PARTNER });
    await answer('purchase-order.acknowledged', '4670000003', { number: 'SO-3', revision: '1' });
    const at = await answeredAt('4670000003');
    expect(await outcomes('4670000003')).toEqual([{ revision: 0, answeredAt: at.get('SO-3/1') }]);
  });

  it('reads a revision beyond int range as the acknowledgment does: as naming none', async () => {
    // Ten digits: no revision the gateway sends (revisionOf, answer-revision.ts), so the acknowledgment
    // answers the order as it stands; the scorecard read it as revision 1234567890 and left the order
    // unanswered.
    const named = '1234567890';
    expect(revisionOf(named)).toBeUndefined();
    await issueSimulatorOrder(gateway.app, { poNumber: '4670000004', supplier: PARTNER });
    await answer('purchase-order.acknowledged', '4670000004', { number: 'SO-4', revision: '1' }, named);
    const [order] = await queryOnce<{ state: string }>(
      db.url,
      `SELECT state FROM purchase_order WHERE po_number = $1`,
      ['4670000004'],
    );
    expect(order!.state).toBe('acknowledged');
    const log = await gateway.app
      .get(ScorecardRepository)
      .acknowledgmentLog([PARTNER], new Date(Date.now() - 86_400_000));
    const answers = log.filter((r) => r.event.poNumber === '4670000004' && r.event.kind === 'answer');
    expect(answers.map((r) => r.event.revision)).toEqual([null]);
    const at = await answeredAt('4670000004');
    expect(await outcomes('4670000004')).toEqual([{ revision: 0, answeredAt: at.get('SO-4/1') }]);
  });

  it('leaves a change open when its answer names a revision beyond int range, as the answer is recorded only', async () => {
    await issueSimulatorOrder(gateway.app, { poNumber: '4670000005', supplier: PARTNER });
    await gateway.app
      .get(ErpConnections)
      .embeddedSimulator()!
      .purchaseOrders.change('4670000005', { lines: [{ lineNumber: '10', quantity: '5000' }] });
    await gateway.app.get(SimulatorOutputRelay).relay();
    // A change answer must name the change (revisionOf): ten digits name none, so it is stale.
    await answer(
      'purchase-order.change-answered',
      '4670000005',
      { number: 'CA-5', revision: '1' },
      '1234567890',
    );
    const [entry] = await queryOnce<{ summary: string }>(
      db.url,
      `SELECT h.summary FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
        WHERE o.po_number = $1 AND h.what = 'purchase-order.change-answered'`,
      ['4670000005'],
    );
    expect(entry!.summary).toContain('recorded only');
    expect(await outcomes('4670000005')).toEqual([{ revision: 1, answeredAt: null }]);
  });
});
