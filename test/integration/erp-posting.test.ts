import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterService } from '../../src/platform/jobs/dead-letter.service.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { ErpPostingError, ErpPostingErrorCode } from '../../src/erp/posting/erp-posting.exception.js';
import { ErpPostingService } from '../../src/erp/posting/erp-posting.service.js';
import { ErpReconciliation } from '../../src/erp/posting/erp-reconciliation.js';
import type { SimulatedErp } from '../../src/erp/simulator/simulated-erp.js';
import { deliveryBody, erpConfigFile, waitForPostings } from '../support/erp.js';
import { eventually } from '../support/outbound-peers.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const simulatorInstance = (overrides: Record<string, unknown> = {}) => ({
  id: 'main',
  adapter: 'simulator',
  default: true,
  timeoutMs: 300,
  retry: { maxAttempts: 30, baseMs: 40, maxMs: 400 },
  limits: { ratePerSecond: 2000, concurrency: 8 },
  ...overrides,
});

const ADMIN_TOKEN = 'erp-admin-token-erp-admin-token-0123456789';

async function startWith(label: string, instance: Record<string, unknown>) {
  const db = await createTestDatabase(label);
  const gateway = await startTestGateway({
    DATABASE_URL: db.url,
    ERP_CONFIG_FILE: erpConfigFile([instance]),
    ERP_RECONCILE_EVERY_MINUTES: '0',
    JOBS_POLL_MS: '50',
    JOBS_CONCURRENCY: '8',
    LOG_LEVEL: 'error',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  const simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
  return {
    db,
    gateway,
    simulator,
    service: gateway.app.get(ErpPostingService),
    dataSource: gateway.app.get(DataSource),
  };
}

async function count(db: TestDatabase, sql: string, params: unknown[] = []): Promise<number> {
  return (await queryOnce<{ n: number }>(db.url, sql, params))[0]!.n;
}

/** A dead posting's case (by its dedupe key) and the history rows that moved it, oldest first. */
async function deadPostingCase(db: TestDatabase, dedupeKey: string) {
  const [found] = await queryOnce<{ id: string; type: string; state: string }>(
    db.url,
    `SELECT id::text AS id, type, state FROM exception_case WHERE dedupe_key = $1`,
    [dedupeKey],
  );
  const events = await queryOnce<{ action: string; actor_kind: string; note: string | null }>(
    db.url,
    `SELECT action, actor_kind, note FROM exception_event WHERE case_id = $1 ORDER BY id`,
    [found!.id],
  );
  return { type: found!.type, state: found!.state, events };
}

async function issuePo(simulator: SimulatedErp, poNumber: string) {
  return simulator.purchaseOrders.issue({
    poNumber,
    supplier: 'acme-fasteners',
    plant: '1000',
    currency: 'EUR',
    orderDate: '2026-11-27',
    lines: [
      {
        lineNumber: '10',
        material: 'CMP-BOLT-M8',
        quantity: '4800',
        unit: 'EA',
        deliveryDate: '2026-12-04',
        netPrice: '0.042',
      },
    ],
  });
}

describe('ERP posting through the embedded simulator', () => {
  let ctx: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    ctx = await startWith('erp_posting', simulatorInstance());
    await issuePo(ctx.simulator, '4500000001');
  });
  afterAll(async () => {
    await ctx?.gateway.stop();
    await ctx?.db.drop();
  });

  const post = (n: number, revision = 0, body = deliveryBody(n)) =>
    ctx.dataSource.transaction((tx) =>
      ctx.service.post(tx, {
        kind: 'inbound-delivery',
        businessKey: `SHP-${n}`,
        revision,
        poNumber: '4500000001',
        body,
      }),
    );

  it('posts once, records the ERP document number, and answers a repeated request with the first', async () => {
    const first = await post(1);
    const again = await post(1);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, posting: { id: first.posting.id } });
    await waitForPostings(ctx.db.url, 10_000);
    const [posting] = await queryOnce<{ status: string; document_number: string }>(
      ctx.db.url,
      `SELECT status, document_number FROM erp_posting WHERE id = $1`,
      [first.posting.id],
    );
    expect(posting).toMatchObject({ status: 'posted', document_number: expect.stringMatching(/^18\d{8}$/) });
    expect(
      await count(ctx.db, `SELECT count(*)::int AS n FROM erp_sim_entry WHERE external_reference = $1`, [
        'SG-ID-SHP-1-0',
      ]),
    ).toBe(1);
  });

  it('refuses the same revision with different content', async () => {
    await expect(post(1, 0, deliveryBody(1, '4500000001', '999'))).rejects.toMatchObject({
      code: ErpPostingErrorCode.RevisionReused,
    });
  });

  it('refuses an invalid body before anything is stored', async () => {
    const error = await post(2, 0, { ...deliveryBody(2), items: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpPostingError);
    expect((error as ErpPostingError).details.join()).toMatch(/items/);
    expect(
      await count(ctx.db, `SELECT count(*)::int AS n FROM erp_posting WHERE business_key = 'SHP-2'`),
    ).toBe(0);
  });

  it('amends a posted delivery with a replacement and reverses it on cancellation, never posting twice', async () => {
    await post(3);
    await ctx.dataSource.transaction((tx) =>
      ctx.service.amend(tx, {
        kind: 'inbound-delivery',
        businessKey: 'SHP-3',
        revision: 1,
        body: deliveryBody(3, '4500000001', '80'),
      }),
    );
    await ctx.dataSource.transaction((tx) =>
      ctx.service.reverse(tx, {
        kind: 'inbound-delivery',
        businessKey: 'SHP-3',
        revision: 2,
        reason: 'shipment cancelled',
      }),
    );
    await waitForPostings(ctx.db.url, 10_000);
    const entries = await queryOnce<{ operation: string; document_number: string }>(
      ctx.db.url,
      `SELECT operation, document_number FROM erp_sim_entry WHERE external_reference LIKE 'SG-ID-SHP-3-%' ORDER BY id`,
    );
    expect(entries.map((e) => e.operation)).toEqual(['post', 'amend', 'reverse']);
    expect(new Set(entries.map((e) => e.document_number)).size).toBe(1);
    const [document] = await queryOnce<{
      status: string;
      revision: number;
      body: { items: { quantity: string }[] };
    }>(ctx.db.url, `SELECT status, revision, body FROM erp_sim_document WHERE document_number = $1`, [
      entries[0]!.document_number,
    ]);
    expect(document).toMatchObject({ status: 'reversed', revision: 1 });
    expect(document!.body.items[0]!.quantity).toBe('80');
    await expect(
      ctx.dataSource.transaction((tx) =>
        ctx.service.amend(tx, {
          kind: 'inbound-delivery',
          businessKey: 'SHP-3',
          revision: 3,
          body: deliveryBody(3),
        }),
      ),
    ).rejects.toMatchObject({ code: ErpPostingErrorCode.AlreadyReversed });
  });

  it('keeps postings of one PO in order while the ERP refuses calls', async () => {
    await ctx.simulator.faults.set({ operation: 'post', mode: 'fail', rate: 1, remaining: 4 });
    const confirmation = (revision: number) => ({
      poNumber: '4500000001',
      poRevision: 0,
      supplier: 'acme-fasteners',
      acknowledgedAt: '2026-11-27T09:00:00Z',
      lines: [
        { lineNumber: '10', status: 'accepted' as const, quantity: String(4800 - revision), unit: 'EA' },
      ],
    });
    for (const revision of [0, 1, 2]) {
      await ctx.dataSource.transaction((tx) =>
        ctx.service.post(tx, {
          kind: 'po-confirmation',
          businessKey: '4500000001',
          revision,
          poNumber: '4500000001',
          body: confirmation(revision),
        }),
      );
    }
    await waitForPostings(ctx.db.url, 15_000);
    const refs = await queryOnce<{ external_reference: string }>(
      ctx.db.url,
      `SELECT external_reference FROM erp_sim_entry WHERE kind = 'po-confirmation' ORDER BY id`,
    );
    expect(refs.map((r) => r.external_reference)).toEqual([
      'SG-CF-4500000001-0',
      'SG-CF-4500000001-1',
      'SG-CF-4500000001-2',
    ]);
    const [fault] = await ctx.simulator.faults.list();
    expect(fault!.injected).toBe(4);
    await ctx.simulator.faults.clear();
  });

  it('dead-letters a posting the ERP rejects and raises an exception with the reason', async () => {
    await ctx.dataSource.transaction((tx) =>
      ctx.service.post(tx, {
        kind: 'po-confirmation',
        businessKey: '4599999999',
        revision: 0,
        poNumber: '4599999999',
        body: {
          poNumber: '4599999999',
          poRevision: 0,
          supplier: 'acme-fasteners',
          acknowledgedAt: '2026-11-27T09:00:00Z',
          lines: [{ lineNumber: '10', status: 'accepted', quantity: '1', unit: 'EA' }],
        },
      }),
    );
    await waitForPostings(ctx.db.url, 10_000);
    const [posting] = await queryOnce<{ status: string; last_error: string }>(
      ctx.db.url,
      `SELECT status, last_error FROM erp_posting WHERE business_key = '4599999999'`,
    );
    expect(posting).toMatchObject({ status: 'dead', last_error: 'no purchase order 4599999999' });
    const [exception] = await queryOnce<{ type: string; po_number: string; summary: string }>(
      ctx.db.url,
      `SELECT type, po_number, summary FROM exception_case WHERE dedupe_key = 'main:po-confirmation:4599999999:rev-0'`,
    );
    expect(exception).toMatchObject({ type: 'erp.posting-rejected', po_number: '4599999999' });
    expect(
      await count(ctx.db, `SELECT count(*)::int AS n FROM dead_letter WHERE job_key LIKE '%4599999999%'`),
    ).toBe(1);

    // The buyer creates the order in the ERP; the operator replays the dead letter; it posts once.
    await issuePo(ctx.simulator, '4599999999');
    const [letter] = await queryOnce<{ id: string }>(
      ctx.db.url,
      `SELECT id::text AS id FROM dead_letter WHERE job_key LIKE '%4599999999%'`,
    );
    await ctx.gateway.app.get(DeadLetterService).replay(letter!.id, { kind: 'gateway' });
    await waitForPostings(ctx.db.url, 10_000);
    const [replayed] = await queryOnce<{ status: string }>(
      ctx.db.url,
      `SELECT status FROM erp_posting WHERE business_key = '4599999999'`,
    );
    expect(replayed!.status).toBe('posted');
    expect(
      await count(
        ctx.db,
        `SELECT count(*)::int AS n FROM erp_sim_entry WHERE external_reference = 'SG-CF-4599999999-0'`,
      ),
    ).toBe(1);
    // The ERP took it: the case is resolved by the gateway, saying how, in the posting's transaction.
    const [posted] = await queryOnce<{ document_number: string }>(
      ctx.db.url,
      `SELECT document_number FROM erp_posting WHERE business_key = '4599999999'`,
    );
    expect(await deadPostingCase(ctx.db, 'main:po-confirmation:4599999999:rev-0')).toEqual({
      type: 'erp.posting-rejected',
      state: 'resolved',
      events: [
        { action: 'raised', actor_kind: 'gateway', note: null },
        {
          action: 'resolved',
          actor_kind: 'gateway',
          note: `posted to ERP main as document ${posted!.document_number} on a replay from the dead letters`,
        },
      ],
    });
  });

  it('finds a document deleted and one changed behind the gateway when reconciling', async () => {
    await post(10);
    await post(11);
    await waitForPostings(ctx.db.url, 10_000);
    await queryOnce(ctx.db.url, `DELETE FROM erp_sim_document WHERE external_reference = 'SG-ID-SHP-10-0'`);
    await queryOnce(
      ctx.db.url,
      `UPDATE erp_sim_document SET body = jsonb_set(body, '{items,0,quantity}', '"1"') WHERE external_reference = 'SG-ID-SHP-11-0'`,
    );
    const report = await ctx.gateway.app.get(ErpReconciliation).reconcile('main');
    expect(report.differences).toBe(2);
    const cases = await queryOnce<{ dedupe_key: string; type: string }>(
      ctx.db.url,
      `SELECT dedupe_key, type FROM exception_case WHERE type = 'erp.reconciliation-difference' ORDER BY dedupe_key`,
    );
    expect(cases.map((c) => c.dedupe_key)).toEqual([
      'main:SG-ID-SHP-10-0:missing',
      'main:SG-ID-SHP-11-0:content',
    ]);
    // The amended-then-reversed delivery and the untouched ones agree with the ERP.
    const again = await ctx.gateway.app.get(ErpReconciliation).reconcile('main');
    expect(again.differences).toBe(2);
    expect(
      await count(
        ctx.db,
        `SELECT count(*)::int AS n FROM exception_case WHERE type = 'erp.reconciliation-difference'`,
      ),
    ).toBe(2);
  });
});

describe('ERP reconciliation while a change is still being posted', () => {
  let ctx: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    // An answer lost by the ERP leaves the change pending for a minute before it is looked up.
    ctx = await startWith('erp_reconcile_pending', simulatorInstance({ unknownOutcomeSettleMs: 60_000 }));
    await issuePo(ctx.simulator, '4500000001');
  });
  afterAll(async () => {
    await ctx?.gateway.stop();
    await ctx?.db.drop();
  });

  it('does not report an amend the ERP holds while its outcome is unknown here, and compares it once posted', async () => {
    await ctx.dataSource.transaction((tx) =>
      ctx.service.post(tx, {
        kind: 'inbound-delivery',
        businessKey: 'SHP-40',
        revision: 0,
        poNumber: '4500000001',
        body: deliveryBody(40),
      }),
    );
    await waitForPostings(ctx.db.url, 10_000);
    await ctx.simulator.faults.set({ operation: 'amend', mode: 'drop-answer', rate: 1, remaining: 1 });
    await ctx.dataSource.transaction((tx) =>
      ctx.service.amend(tx, {
        kind: 'inbound-delivery',
        businessKey: 'SHP-40',
        revision: 1,
        body: deliveryBody(40, '4500000001', '70'),
      }),
    );
    // The ERP committed the amend; its answer was lost, so the gateway does not know it yet.
    await eventually(async () => {
      const [state] = await queryOnce<{ erp: number; amend: string; unknown: boolean }>(
        ctx.db.url,
        `SELECT (SELECT revision FROM erp_sim_document WHERE external_reference = 'SG-ID-SHP-40-0') AS erp,
                a.status AS amend, a.outcome_unknown_at IS NOT NULL AS unknown
           FROM erp_posting a WHERE a.business_key = 'SHP-40' AND a.operation = 'amend'`,
      );
      return state?.erp === 1 && state.amend === 'pending' && state.unknown;
    }, 'the amend in the ERP, its answer lost');
    const cases = () =>
      count(
        ctx.db,
        `SELECT count(*)::int AS n FROM exception_case WHERE type = 'erp.reconciliation-difference'`,
      );
    const during = await ctx.gateway.app.get(ErpReconciliation).reconcile('main');
    expect(during).toMatchObject({ checked: 0, differences: 0 });
    expect(await cases()).toBe(0);

    // Once the gateway knows the amend, the document is compared with it, and agrees.
    await queryOnce(
      ctx.db.url,
      `UPDATE erp_posting SET outcome_unknown_at = now() - interval '2 minutes' WHERE business_key = 'SHP-40' AND operation = 'amend'`,
    );
    await queryOnce(
      ctx.db.url,
      `UPDATE outbox SET available_at = now() WHERE job_name = 'erp.post' AND status = 'pending'`,
    );
    await waitForPostings(ctx.db.url, 10_000);
    const after = await ctx.gateway.app.get(ErpReconciliation).reconcile('main');
    expect(after).toMatchObject({ checked: 1, differences: 0 });
    expect(await cases()).toBe(0);
  });
});

describe('exactly once when the embedded ERP loses answers and commits late', () => {
  const run = async (
    label: string,
    idempotency: 'honour' | 'ignore',
    gatewaySays: 'honoured' | 'ignored',
  ) => {
    const ctx = await startWith(
      label,
      simulatorInstance({
        idempotencyKeys: gatewaySays,
        unknownOutcomeSettleMs: gatewaySays === 'ignored' ? 700 : 0,
      }),
    );
    try {
      await ctx.simulator.faults.setSettings({ idempotency });
      await ctx.simulator.faults.set({ operation: 'post', mode: 'commit-late', rate: 0.05, delayMs: 500 });
      await ctx.simulator.faults.set({ operation: 'post', mode: 'drop-answer', rate: 0.2 });
      for (let n = 0; n < 120; n += 1) {
        await ctx.dataSource.transaction((tx) =>
          ctx.service.post(tx, {
            kind: 'inbound-delivery',
            businessKey: `SHP-${n}`,
            revision: 0,
            body: deliveryBody(n),
          }),
        );
      }
      await waitForPostings(ctx.db.url, 90_000);
      await ctx.simulator.drain();
      const faults = await ctx.simulator.faults.list();
      const entries = await count(ctx.db, `SELECT count(*)::int AS n FROM erp_sim_entry`);
      const distinct = await count(
        ctx.db,
        `SELECT count(DISTINCT external_reference)::int AS n FROM erp_sim_entry`,
      );
      const posted = await count(
        ctx.db,
        `SELECT count(*)::int AS n FROM erp_posting WHERE status = 'posted'`,
      );
      const lookups = await count(ctx.db, `SELECT coalesce(sum(lookups), 0)::int AS n FROM erp_posting`);
      return { faults, entries, distinct, posted, lookups };
    } finally {
      await ctx.gateway.stop();
      await ctx.db.drop();
    }
  };

  it('with an ERP that honours keys: every posting once', async () => {
    const result = await run('erp_once_honour', 'honour', 'honoured');
    expect(result.faults.find((f) => f.mode === 'drop-answer')!.injected).toBeGreaterThan(5);
    expect(result).toMatchObject({ entries: 120, distinct: 120, posted: 120 });
  }, 120_000);

  it('with an ERP that ignores keys: the look-up by external reference keeps every posting once', async () => {
    const result = await run('erp_once_lookup', 'ignore', 'ignored');
    expect(result.faults.find((f) => f.mode === 'drop-answer')!.injected).toBeGreaterThan(5);
    expect(result.lookups).toBeGreaterThan(5);
    expect(result).toMatchObject({ entries: 120, distinct: 120, posted: 120 });
  }, 120_000);

  it('control: without the look-up, an ERP that ignores keys books duplicates', async () => {
    const result = await run('erp_once_control', 'ignore', 'honoured');
    expect(result.distinct).toBe(120);
    expect(result.entries).toBeGreaterThan(120);
  }, 120_000);
});

describe('per-ERP limits', () => {
  it('keeps to the rate and the concurrency across the workers', async () => {
    const ctx = await startWith(
      'erp_limits',
      simulatorInstance({ timeoutMs: 3000, limits: { ratePerSecond: 10, concurrency: 2 } }),
    );
    try {
      // Every call takes 150 ms, so two slots and ten calls a second both bind.
      await ctx.simulator.faults.set({ operation: 'post', mode: 'commit-late', rate: 1, delayMs: 150 });
      for (let n = 0; n < 12; n += 1) {
        await ctx.dataSource.transaction((tx) =>
          ctx.service.post(tx, {
            kind: 'inbound-delivery',
            businessKey: `SHP-${n}`,
            revision: 0,
            body: deliveryBody(n),
          }),
        );
      }
      await waitForPostings(ctx.db.url, 30_000);
      const [span] = await queryOnce<{ ms: number; n: number }>(
        ctx.db.url,
        `SELECT (extract(epoch FROM max(posted_at) - min(posted_at)) * 1000)::float8 AS ms, count(*)::int AS n
           FROM erp_sim_entry`,
      );
      expect(span!.n).toBe(12);
      // 12 calls at 10 a second: the last starts at least 1.1 s after the first.
      expect(span!.ms).toBeGreaterThan(1000);
      const slots = await queryOnce<{ slot: number }>(
        ctx.db.url,
        `SELECT slot FROM erp_call_slot WHERE erp_instance = 'main' ORDER BY slot`,
      );
      expect(slots.map((s) => s.slot)).toEqual([0, 1]);
    } finally {
      await ctx.gateway.stop();
      await ctx.db.drop();
    }
  }, 60_000);
});

describe('the ERP admin API', () => {
  let ctx: Awaited<ReturnType<typeof startWith>>;
  const api = () => request(ctx.gateway.url);
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    ctx = await startWith('erp_admin', simulatorInstance());
  });
  afterAll(async () => {
    await ctx?.gateway.stop();
    await ctx?.db.drop();
  });

  it('issues and changes a PO like a buyer, each revision in the output queue', async () => {
    const issued = await api()
      .post('/admin/erp-simulator/purchase-orders')
      .set(auth)
      .send({
        supplier: 'acme-fasteners',
        plant: '1000',
        currency: 'EUR',
        orderDate: '2026-11-27',
        lines: [
          {
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: '4800',
            unit: 'EA',
            deliveryDate: '2026-12-04',
          },
        ],
      })
      .expect(201);
    expect(issued.body).toMatchObject({
      poNumber: expect.stringMatching(/^45\d{8}$/),
      revision: 0,
      status: 'open',
    });
    const po = issued.body.poNumber as string;
    await api()
      .post(`/admin/erp-simulator/purchase-orders/${po}/changes`)
      .set(auth)
      .send({ lines: [{ lineNumber: '10', quantity: '5200' }] })
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ revision: 1, lines: [{ quantity: '5200' }] }));
    const outputs = await api().get('/admin/erp-simulator/outputs').set(auth).expect(200);
    expect(outputs.body.map((o: { message: string; revision: number }) => [o.message, o.revision])).toEqual([
      ['po-issued', 0],
      ['po-changed', 1],
    ]);
    await api()
      .post(`/admin/erp-simulator/purchase-orders/${po}/changes`)
      .set(auth)
      .send({ lines: [{ lineNumber: '99', quantity: '1' }] })
      .expect(409)
      .expect('content-type', /problem\+json/);
  });

  it('answers a malformed fault rule with every problem, and reports rules with their counters', async () => {
    const bad = await api()
      .put('/admin/erp-simulator/faults/post/drop-answer')
      .set(auth)
      .send({ rate: 2, delayMs: -1 })
      .expect(400);
    expect(bad.body.errors).toEqual([expect.stringMatching(/^rate:/), expect.stringMatching(/^delayMs:/)]);
    await api().put('/admin/erp-simulator/faults/post/explode').set(auth).send({ rate: 1 }).expect(400);
    await api()
      .put('/admin/erp-simulator/faults/post/drop-answer')
      .set(auth)
      .send({ rate: 0.2 })
      .expect(200)
      .expect(({ body }) =>
        expect(body).toMatchObject([{ operation: 'post', mode: 'drop-answer', rate: 0.2, injected: 0 }]),
      );
    await api()
      .delete('/admin/erp-simulator/faults')
      .set(auth)
      .expect(200)
      .expect(({ body }) => expect(body).toEqual([]));
  });

  it('lists postings and shows one, and refuses callers without the right', async () => {
    await ctx.dataSource.transaction((tx) =>
      ctx.service.post(tx, {
        kind: 'inbound-delivery',
        businessKey: 'SHP-A1',
        revision: 0,
        body: deliveryBody(1),
      }),
    );
    await waitForPostings(ctx.db.url, 10_000);
    const list = await api().get('/admin/erp/postings?status=posted').set(auth).expect(200);
    expect(list.body.items).toHaveLength(1);
    const one = await api().get(`/admin/erp/postings/${list.body.items[0].id}`).set(auth).expect(200);
    expect(one.body).toMatchObject({ businessKey: 'SHP-A1', status: 'posted', attempts: 1, lookups: 0 });
    await api().get('/admin/erp/postings/nope').set(auth).expect(404);
    await api().get('/admin/erp/postings?limit=0').set(auth).expect(422);
    await api().get('/admin/erp/postings').expect(401);
    const instances = await api().get('/admin/erp/instances').set(auth).expect(200);
    expect(instances.body).toMatchObject([{ id: 'main', adapter: 'simulator', default: true }]);
  });
});

describe('a posting that runs out of tries', () => {
  it('is dead-lettered with its payload intact, raised as an exception, and posts once when replayed', async () => {
    const ctx = await startWith(
      'erp_exhausted',
      simulatorInstance({ retry: { maxAttempts: 3, baseMs: 20, maxMs: 40 } }),
    );
    try {
      await ctx.simulator.faults.set({ operation: '*', mode: 'fail', rate: 1 });
      await ctx.dataSource.transaction((tx) =>
        ctx.service.post(tx, {
          kind: 'inbound-delivery',
          businessKey: 'SHP-X',
          revision: 0,
          body: deliveryBody(7),
        }),
      );
      await waitForPostings(ctx.db.url, 10_000);
      const [posting] = await queryOnce<{ id: string; status: string; attempts: number; body: unknown }>(
        ctx.db.url,
        `SELECT id::text AS id, status, attempts, body FROM erp_posting WHERE business_key = 'SHP-X'`,
      );
      expect(posting).toMatchObject({ status: 'dead', attempts: 3, body: deliveryBody(7) });
      const [letter] = await queryOnce<{ id: string; payload: unknown }>(
        ctx.db.url,
        `SELECT id::text AS id, payload FROM dead_letter`,
      );
      expect(letter!.payload).toEqual({ postingId: posting!.id });
      const [exception] = await queryOnce<{ type: string }>(
        ctx.db.url,
        `SELECT type FROM exception_case WHERE dedupe_key = 'main:inbound-delivery:SHP-X:rev-0'`,
      );
      expect(exception!.type).toBe('erp.posting-failed');

      await ctx.simulator.faults.clear();
      await ctx.gateway.app.get(DeadLetterService).replay(letter!.id, { kind: 'gateway' });
      await waitForPostings(ctx.db.url, 10_000);
      expect(
        await count(
          ctx.db,
          `SELECT count(*)::int AS n FROM erp_sim_entry WHERE external_reference = 'SG-ID-SHP-X-0'`,
        ),
      ).toBe(1);
      const resolved = await deadPostingCase(ctx.db, 'main:inbound-delivery:SHP-X:rev-0');
      expect(resolved).toMatchObject({ type: 'erp.posting-failed', state: 'resolved' });
      expect(resolved.events.at(-1)).toEqual({
        action: 'resolved',
        actor_kind: 'gateway',
        note: expect.stringMatching(/^posted to ERP main as document \S+ on a replay from the dead letters$/),
      });
    } finally {
      await ctx.gateway.stop();
      await ctx.db.drop();
    }
  }, 60_000);
});

describe('an ERP that ignores keys, when the look-up itself fails', () => {
  it('never sends again on a failed look-up: it waits until the ERP can say', async () => {
    const ctx = await startWith('erp_lookup_fails', simulatorInstance({ idempotencyKeys: 'ignored' }));
    try {
      await ctx.simulator.faults.setSettings({ idempotency: 'ignore' });
      await ctx.simulator.faults.set({ operation: 'post', mode: 'drop-answer', rate: 1, remaining: 1 });
      await ctx.simulator.faults.set({ operation: 'read', mode: 'fail', rate: 1, remaining: 3 });
      await ctx.dataSource.transaction((tx) =>
        ctx.service.post(tx, {
          kind: 'inbound-delivery',
          businessKey: 'SHP-L',
          revision: 0,
          body: deliveryBody(1),
        }),
      );
      await waitForPostings(ctx.db.url, 20_000);
      const [posting] = await queryOnce<{ status: string; lookups: number }>(
        ctx.db.url,
        `SELECT status, lookups FROM erp_posting WHERE business_key = 'SHP-L'`,
      );
      expect(posting).toEqual({ status: 'posted', lookups: 4 });
      expect(await count(ctx.db, `SELECT count(*)::int AS n FROM erp_sim_entry`)).toBe(1);
    } finally {
      await ctx.gateway.stop();
      await ctx.db.drop();
    }
  }, 60_000);
});
