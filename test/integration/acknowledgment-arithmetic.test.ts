import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { ErpPostingService } from '../../src/erp/posting/erp-posting.service.js';
import type { SimulatedErp } from '../../src/erp/simulator/simulated-erp.js';
import { ExceptionCaseErrorCode } from '../../src/exceptions/exception-case.exception.js';
import { AcknowledgmentService } from '../../src/procurement/acknowledgment.service.js';
import { BuyerDecisionService } from '../../src/procurement/buyer-decision.service.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { BOLT_LINE, simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/** Nordic Castings allows 1.5 % on price, Acme Fasteners 2 % on quantity (partners/*.yaml). */
const PARTNER = 'nordic-castings';
const ACME = 'acme-fasteners';

function answer(poNumber: string, line: Record<string, unknown>, partnerId = PARTNER) {
  return parseEventOf('purchase-order.acknowledged.v1', {
    id: randomUUID(),
    type: 'purchase-order.acknowledged',
    schemaVersion: 'v1',
    partnerId,
    occurredAt: '2026-11-27T09:00:00Z',
    receivedAt: '2026-11-27T09:00:05Z',
    correlationId: 'ack-arithmetic',
    causationId: null,
    document: { kind: 'original', number: `SO-${poNumber}`, revision: '1' },
    payload: {
      purchaseOrder: { number: poNumber },
      status: line['status'] === 'accepted' ? 'accepted' : 'accepted-with-changes',
      lines: [{ lineNumber: '10', ...line }],
    },
  });
}

describe('acknowledgment arithmetic against the ERP contract', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let dataSource: DataSource;
  let simulator: SimulatedErp;
  let acks: AcknowledgmentService;

  const issue = async (
    poNumber: string,
    line: Partial<Record<keyof typeof BOLT_LINE, string>> = {},
    supplier = PARTNER,
  ) => {
    await simulator.purchaseOrders.issue({
      poNumber,
      supplier,
      plant: '1000',
      currency: 'EUR',
      orderDate: '2026-11-27',
      lines: [{ ...BOLT_LINE, ...line }],
    });
    await gateway.app.get(SimulatorOutputRelay).relay();
  };
  const confirmations = (poNumber: string) =>
    queryOnce<{ body: { lines: { quantity: string; netPrice?: string }[] } }>(
      db.url,
      `SELECT body FROM erp_posting WHERE kind = 'po-confirmation' AND po_number = $1`,
      [poNumber],
    );
  const cases = (poNumber: string) =>
    queryOnce<{ type: string; differences: unknown }>(
      db.url,
      `SELECT type, differences FROM exception_case WHERE po_number = $1`,
      [poNumber],
    );
  /** Another request takes the key a confirmation of the order would take (`po-confirmation:<PO>:rev-<n>`). */
  const takeConfirmationKey = (poNumber: string, revision: number) =>
    dataSource.transaction((tx) =>
      gateway.app.get(ErpPostingService).post(tx, {
        kind: 'po-confirmation',
        businessKey: poNumber,
        revision,
        poNumber,
        body: {
          poNumber,
          poRevision: 0,
          supplier: PARTNER,
          acknowledgedAt: '2026-11-27T08:00:00Z',
          lines: [{ lineNumber: '10', status: 'accepted', quantity: '1', unit: 'H87' }],
        },
      }),
    );
  /** A new revision of the supplier's answer accepting the line (a corrected answer). */
  const answerRevision = (poNumber: string, revision: string) =>
    parseEventOf('purchase-order.acknowledged.v1', {
      ...answer(poNumber, { status: 'accepted' }),
      document: { kind: 'original', number: `SO-${poNumber}`, revision },
    });

  beforeAll(async () => {
    db = await createTestDatabase('acknowledgment_arithmetic');
    gateway = await startTestGateway(simulatorGatewayEnv(db.url));
    dataSource = gateway.app.get(DataSource);
    simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
    acks = gateway.app.get(AcknowledgmentService);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('confirms a price of seven decimals within tolerance, rounded to the ERP scale', async () => {
    await issue('4500007001');
    const result = await dataSource.transaction((tx) =>
      acks.apply(
        tx,
        answer('4500007001', { status: 'accepted', unitPrice: { amount: '0.0421875', currency: 'EUR' } }),
      ),
    );
    expect(result).toMatchObject({ outcome: 'applied', state: 'acknowledged' });
    await waitForPostings(db.url, 10_000);
    const postings = await confirmations('4500007001');
    expect(postings).toHaveLength(1);
    expect(postings[0]!.body.lines).toEqual([
      expect.objectContaining({ quantity: '4800', netPrice: '0.042188' }),
    ]);
  });

  it('confirms pieces against a line in dozens without a conversion error', async () => {
    await issue('4500007002', { quantity: '400', unit: 'DZN', netPrice: '0.504' }, ACME);
    const result = await dataSource.transaction((tx) =>
      acks.apply(
        tx,
        answer(
          '4500007002',
          {
            status: 'changed',
            changes: ['quantity'],
            quantity: { value: '4790', unit: 'EA' },
          },
          ACME,
        ),
      ),
    );
    expect(result).toMatchObject({ outcome: 'applied', verdicts: [{ decision: 'accept' }] });
    await waitForPostings(db.url, 10_000);
    const postings = await confirmations('4500007002');
    expect(postings.map((p) => p.body.lines[0]!.quantity)).toEqual(['399.166667']);
  });

  it('holds a price in another currency as a case and confirms nothing', async () => {
    await issue('4500007003');
    const result = await dataSource.transaction((tx) =>
      acks.apply(
        tx,
        answer('4500007003', { status: 'accepted', unitPrice: { amount: '0.042', currency: 'USD' } }),
      ),
    );
    expect(result).toMatchObject({ outcome: 'applied', verdicts: [{ decision: 'hold' }] });
    await expect(cases('4500007003')).resolves.toEqual([
      expect.objectContaining({
        type: 'acknowledgment.price-changed',
        differences: expect.objectContaining({ currency: { expected: 'EUR', actual: 'USD' } }),
      }),
    ]);
    await expect(confirmations('4500007003')).resolves.toEqual([]);
  });

  it('holds the accepted lines with a case when the ERP posting refuses their confirmation', async () => {
    await issue('4500007004');
    // The key the confirmation would take already names another request (revision 0 of this order).
    await takeConfirmationKey('4500007004', 0);
    const result = await dataSource.transaction((tx) =>
      acks.apply(tx, answer('4500007004', { status: 'accepted' })),
    );
    expect(result).toMatchObject({
      outcome: 'applied',
      problems: ['acknowledgment.not-postable'],
      verdicts: [{ decision: 'accept' }],
    });
    expect(result.confirmationPostingId).toBeUndefined();
    await expect(cases('4500007004')).resolves.toEqual([
      expect.objectContaining({
        type: 'acknowledgment.not-postable',
        differences: { erpPosting: { expected: 'accepted', actual: expect.stringContaining('revision') } },
      }),
    ]);
    const [line] = await queryOnce<{ decision: string; ack_status: string }>(
      db.url,
      `SELECT l.decision, l.ack_status FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
        WHERE o.po_number = '4500007004'`,
    );
    expect(line).toEqual({ decision: 'held', ack_status: 'accepted' });
    // Only the request that held the key: nothing was confirmed for the supplier's answer.
    await expect(confirmations('4500007004')).resolves.toHaveLength(1);

    // Through the event store, as a translation applies it: the refusal may not roll the answer back.
    // The refusal spent revision 0: the next confirmation takes revision 1, another request's too here.
    await takeConfirmationKey('4500007004', 1);
    const again = answerRevision('4500007004', '2');
    await dataSource.transaction((tx) => gateway.app.get(CanonicalEventStore).append(tx, again));
    await expect(cases('4500007004')).resolves.toHaveLength(2);

    // Each refusal spent its revision, so the supplier's next answer is confirmed under revision 2
    // rather than refused like every one before it.
    const third = await dataSource.transaction((tx) => acks.apply(tx, answerRevision('4500007004', '3')));
    expect(third).toMatchObject({ outcome: 'applied', confirmationPostingId: expect.any(String) });
    const [posted] = await queryOnce<{ idempotency_key: string }>(
      db.url,
      `SELECT idempotency_key FROM erp_posting WHERE id = $1`,
      [third.confirmationPostingId],
    );
    expect(posted).toEqual({ idempotency_key: 'po-confirmation:4500007004:rev-2' });
    await expect(cases('4500007004')).resolves.toHaveLength(2);
  });

  it("lets a buyer accept a case a reused key raised, and the order's next confirmation posts", async () => {
    const po = '4500007005';
    await issue(po);
    await takeConfirmationKey(po, 0);
    const refused = await dataSource.transaction((tx) => acks.apply(tx, answer(po, { status: 'accepted' })));
    expect(refused.problems).toEqual(['acknowledgment.not-postable']);
    // Whatever took revision 0 took the order's next revision too (or the case was raised before a
    // refusal spent its revision): the accept cannot count on the order's revisions being free.
    await takeConfirmationKey(po, 1);
    const [held] = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM exception_case WHERE type = 'acknowledgment.not-postable' AND po_number = $1`,
      [po],
    );
    const keys = async () =>
      (
        await queryOnce<{ idempotency_key: string }>(
          db.url,
          `SELECT idempotency_key FROM erp_posting WHERE kind = 'po-confirmation' AND po_number = $1 ORDER BY id`,
          [po],
        )
      ).map((p) => p.idempotency_key);

    // The buyer's accept posts under a key of its own, named after the case: not the refused one,
    // and the same one however often the accept is tried.
    const decisions = gateway.app.get(BuyerDecisionService);
    const buyer = { kind: 'cli', name: 'buyer' } as const;
    const accepted = await decisions.accept(held!.id, buyer, 'confirm it');
    expect(accepted.state).toBe('accepted');
    expect(await keys()).toEqual([
      `po-confirmation:${po}:rev-0`,
      `po-confirmation:${po}:rev-1`,
      `po-confirmation:${po}/accept-${held!.id}:rev-0`,
    ]);
    const [line] = await queryOnce<{ decision: string }>(
      db.url,
      `SELECT l.decision FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id WHERE o.po_number = $1`,
      [po],
    );
    expect(line).toEqual({ decision: 'buyer-accepted' });
    // A second accept (a retried request) finds the case decided and posts nothing more.
    await expect(decisions.accept(held!.id, buyer)).rejects.toMatchObject({
      code: ExceptionCaseErrorCode.InvalidTransition,
    });
    expect(await keys()).toHaveLength(3);

    // The supplier's corrected answer is confirmed under the order's next free revision: the refusal
    // spent revision 0, and the buyer's confirmation counted as one.
    const corrected = await dataSource.transaction((tx) => acks.apply(tx, answerRevision(po, '2')));
    expect(corrected).toMatchObject({ outcome: 'applied', confirmationPostingId: expect.any(String) });
    expect(corrected.problems).toBeUndefined();
    expect((await keys()).at(-1)).toBe(`po-confirmation:${po}:rev-2`);
    // The ERP took every one of them.
    await waitForPostings(db.url, 10_000);
    const statuses = await queryOnce<{ status: string }>(
      db.url,
      `SELECT DISTINCT status FROM erp_posting WHERE kind = 'po-confirmation' AND po_number = $1`,
      [po],
    );
    expect(statuses).toEqual([{ status: 'posted' }]);
  });
});
