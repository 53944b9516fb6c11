import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ACTOR } from '../../src/audit/actor.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { ACKNOWLEDGMENT_EXAMPLE } from '../../src/transports/api/schemas/partner-document.examples.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  changeThroughErp,
  csrfOf,
  FormClient,
  issueThroughErp,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/**
 * Answers and buyer decisions are bound to the order revision they were made on: a supplier's answer
 * to a revision the ERP has moved on from is refused (API 409, a message in the portal) instead of
 * being applied to values the supplier never saw, and a buyer cannot accept a deviation answered
 * before the order changed. A second rejection of one change reopens the case a buyer had closed.
 */
describe('answers and decisions bound to the revision they were made on', () => {
  let world: PortalWorld;
  let alpha: string;
  let buyerApi: string;
  const SUPPLIER = 'clerk@alpha.example.com';
  const BUYER = 'bob.buyer@mfg.example.com';
  const po = (n: number) => `464${String(n).padStart(7, '0')}`;

  const answer = (poNumber: string, kind: 'acknowledgment' | 'change-answer', body: object) =>
    request(world.gateway.url)
      .post(`/partner/v1/orders/${poNumber}/${kind}`)
      .set('authorization', `Bearer ${alpha}`)
      .send(body);
  const accepted = (document: string, revision?: string) => ({
    document: { number: document, revision: '1' },
    ...(revision === undefined ? {} : { revision }),
    status: 'accepted',
    lines: [],
  });
  /** Line 10 as ordered, line 20 two days late: beyond alpha's tolerance of 0 days, held for a buyer. */
  const lateLine20 = (document: string, revision: string) => ({
    document: { number: document, revision: '1' },
    revision,
    status: 'accepted-with-changes',
    lines: ACKNOWLEDGMENT_EXAMPLE.payload.lines,
  });
  const order = async (poNumber: string) =>
    (
      await queryOnce<{ state: string; revision: number }>(
        world.db.url,
        `SELECT state, revision FROM purchase_order WHERE po_number = $1`,
        [poNumber],
      )
    )[0]!;
  const answersApplied = async (poNumber: string) =>
    (
      await queryOnce<{ n: number }>(
        world.db.url,
        `SELECT count(*)::int AS n FROM canonical_event
          WHERE type IN ('purchase-order.acknowledged', 'purchase-order.change-answered')
            AND payload->'payload'->'purchaseOrder'->>'number' = $1`,
        [poNumber],
      )
    )[0]!.n;
  const casesOf = (poNumber: string, type: string) =>
    queryOnce<{ id: string; state: string; po_revision: number | null }>(
      world.db.url,
      `SELECT id::text AS id, state, po_revision FROM exception_case WHERE po_number = $1 AND type = $2 ORDER BY created_at`,
      [poNumber, type],
    );
  const confirmations = async (poNumber: string) =>
    (
      await queryOnce<{ n: number }>(
        world.db.url,
        `SELECT count(*)::int AS n FROM erp_posting WHERE kind = 'po-confirmation' AND po_number = $1`,
        [poNumber],
      )
    )[0]!.n;
  const messages = (html: string) =>
    [...html.matchAll(/<p class="message (info|error)">([^<]*)<\/p>/g)].map((m) => `${m[1]}: ${m[2]}`);

  beforeAll(async () => {
    world = await startPortalWorld('answer_revisions');
    await seedPortalUser(world, { email: SUPPLIER, role: 'supplier-user', partnerId: ALPHA.id });
    const buyerId = await seedPortalUser(world, { email: BUYER, role: 'buyer', displayName: 'Bob Buyer' });
    const identity = world.gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'answer-revisions-test' } as const;
    alpha = (await identity.issuePartnerToken(ALPHA.id, ['documents:write', 'acknowledgments:write'], setup))
      .token;
    buyerApi = (await identity.issueUserToken(buyerId, GATEWAY_ACTOR)).token;
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('refuses an API answer to a revision the order has moved on from (409) and applies nothing', async () => {
    await issueThroughErp(world, { poNumber: po(1), partnerId: ALPHA.id });
    await changeThroughErp(world, po(1), [{ lineNumber: '20', quantity: '150' }]);
    expect(await order(po(1))).toEqual({ state: 'changed', revision: 1 });

    // The supplier's system acknowledges the order as it first got it, after the change was sent.
    const stale = await answer(po(1), 'acknowledgment', accepted('SO-1', '0'));
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({
      type: 'urn:supplier-gateway:problem:partner-api.revision-conflict',
      status: 409,
      detail: expect.stringMatching(
        new RegExp(
          `^purchase order ${po(1)} changed after revision 0: the revision to answer is 1 \\(kept as interchange \\d+, rejected\\)$`,
        ),
      ),
      errors: [expect.stringMatching(/^revision: 0 is not the revision to answer; answer revision 1 /)],
    });
    expect(await order(po(1))).toEqual({ state: 'changed', revision: 1 });
    expect(await answersApplied(po(1))).toBe(0);
    const [kept] = await queryOnce<{ status: string }>(
      world.db.url,
      `SELECT status FROM interchange WHERE id = $1`,
      [/interchange (\d+)/.exec(stale.body.detail as string)![1]],
    );
    expect(kept).toEqual({ status: 'rejected' });
    // A revision the order does not have answers nothing either; one that is no number is invalid.
    expect((await answer(po(1), 'change-answer', accepted('SO-1-C9', '2'))).status).toBe(409);
    const garbled = await answer(po(1), 'change-answer', accepted('SO-1-CX', 'one'));
    expect(garbled.status).toBe(422);
    expect(garbled.body.errors).toEqual([expect.stringMatching(/^revision: /)]);

    // The answer to the change as it was sent is applied.
    expect((await answer(po(1), 'change-answer', accepted('SO-1-C1', '1'))).status).toBe(201);
    expect(await order(po(1))).toEqual({ state: 'acknowledged', revision: 1 });
  });

  it('answers the latest revision when the API answer names none, as before', async () => {
    await issueThroughErp(world, { poNumber: po(2), partnerId: ALPHA.id });
    await changeThroughErp(world, po(2), [{ lineNumber: '20', quantity: '150' }]);
    expect((await answer(po(2), 'change-answer', accepted('SO-2-C1'))).status).toBe(201);
    expect(await order(po(2))).toEqual({ state: 'acknowledged', revision: 1 });
  });

  it('refuses an API change answer to an order never changed (409) and records an 865 to one without a case', async () => {
    await issueThroughErp(world, { poNumber: po(6), partnerId: ALPHA.id });
    const rejectChange = {
      document: { number: 'CA-99', revision: '1' },
      revision: '0',
      status: 'rejected',
      lines: [{ lineNumber: '10', status: 'rejected' }],
    };
    for (const body of [rejectChange, { ...rejectChange, revision: undefined }]) {
      const refused = await answer(po(6), 'change-answer', body);
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:supplier-gateway:problem:partner-api.no-change-to-answer',
        detail: expect.stringMatching(
          new RegExp(`^purchase order ${po(6)} has no change to answer: it was never changed `),
        ),
        errors: [`answer the order with POST /partner/v1/orders/${po(6)}/acknowledgment`],
      });
    }
    expect(await answersApplied(po(6))).toBe(0);

    // The same rejection as an X12 865 (BCA02 RJ, naming revision 0) is translated and kept in the history.
    const isa13 = '000006601';
    const x12 = [
      `ISA*00*          *00*          *ZZ*${ALPHA.isa.padEnd(15)}*ZZ*${'MFGCO'.padEnd(15)}*261128*0900*U*00401*${isa13}*0*T*>`,
      `GS*CA*${ALPHA.gs}*MFGCO*20261128*0900*6601*X*004010`,
      'ST*865*0001',
      `BCA*00*RJ*${po(6)}**0*20261127***SO-6601*20261128`,
      'CTT*0',
      'SE*4*0001',
      'GE*1*6601',
      `IEA*1*${isa13}`,
    ].join('~\n');
    await request(world.gateway.url)
      .post('/partner/v1/documents')
      .set({ authorization: `Bearer ${alpha}`, 'content-type': 'application/edi-x12' })
      .send(`${x12}~\n`)
      .expect(202);
    const recorded = await eventually('the 865 in the order history', async () => {
      const rows = await queryOnce<{ summary: string; from_state: string; to_state: string }>(
        world.db.url,
        `SELECT h.summary, h.from_state, h.to_state FROM purchase_order_history h
           JOIN purchase_order o ON o.id = h.po_id
          WHERE o.po_number = $1 AND h.what = 'purchase-order.change-answered'`,
        [po(6)],
      );
      return rows.length > 0 && rows;
    });
    expect(recorded).toEqual([
      {
        summary: `purchase order ${po(6)} has no change to answer: it was never changed (answer the order with an acknowledgment): recorded only`,
        from_state: 'issued',
        to_state: 'issued',
      },
    ]);
    expect(await casesOf(po(6), 'po-change.rejected')).toEqual([]);
    expect(await order(po(6))).toEqual({ state: 'issued', revision: 0 });
  });

  it('tells a portal supplier the order changed while the page was open, shows the new revision, and sends nothing', async () => {
    await issueThroughErp(world, { poNumber: po(3), partnerId: ALPHA.id });
    const supplier = new FormClient(world.gateway.url);
    await supplier.login(SUPPLIER);
    const page = await supplier.get(`/portal/orders/${po(3)}`);
    expect(page.text).toContain('<input type="hidden" name="revision" value="0">');
    // The ERP changes the order while the supplier fills in the form shown for revision 0.
    await changeThroughErp(world, po(3), [{ lineNumber: '20', quantity: '150' }]);
    const sent = await supplier.agent
      .post(`/portal/orders/${po(3)}/acknowledgment`)
      .redirects(0)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        formKey: 'f'.repeat(24),
        revision: '0',
        l0_line: '10',
        l0_action: 'accept',
        l1_line: '20',
        l1_action: 'accept',
      });
    expect(sent.status).toBe(303);
    const shown = await supplier.get(sent.headers.location!);
    expect(messages(shown.text)).toContain(
      'error: The order changed while you were answering it: your answer was to revision 0, and the order ' +
        'is now at revision 1. Nothing was sent to the buyer. Check the order below and answer again.',
    );
    expect(shown.text).toContain('Answer the change (revision 1)');
    expect(shown.text).toContain('<input type="hidden" name="revision" value="1">');
    expect(await order(po(3))).toEqual({ state: 'changed', revision: 1 });
    expect(await answersApplied(po(3))).toBe(0);

    // Answered again from the page as it now is: applied.
    const again = await supplier.agent
      .post(`/portal/orders/${po(3)}/change-answer`)
      .redirects(0)
      .type('form')
      .send({
        _csrf: csrfOf(shown.text),
        formKey: 'e'.repeat(24),
        revision: '1',
        l0_line: '10',
        l0_action: 'accept',
        l1_line: '20',
        l1_action: 'accept',
      });
    expect(again.status).toBe(303);
    expect(await order(po(3))).toEqual({ state: 'acknowledged', revision: 1 });
  });

  it("refuses a buyer's accept of a deviation answered before the order changed, and accepts one answered after", async () => {
    await issueThroughErp(world, { poNumber: po(4), partnerId: ALPHA.id });
    expect((await answer(po(4), 'acknowledgment', lateLine20('SO-4', '0'))).status).toBe(201);
    const [early] = await casesOf(po(4), 'acknowledgment.date-changed');
    expect(early).toMatchObject({ state: 'open', po_revision: 0 });
    const before = await confirmations(po(4));

    // The ERP changes the order (line 10), which reaches the supplier as revision 1.
    await changeThroughErp(world, po(4), [{ lineNumber: '10', quantity: '5000' }]);
    const refused = await request(world.gateway.url)
      .post(`/buyer/v1/exceptions/${early!.id}/accept`)
      .set('authorization', `Bearer ${buyerApi}`)
      .send({});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: 'urn:supplier-gateway:problem:procurement.case-superseded',
      detail: expect.stringContaining(
        `This case answers revision 0 of PO ${po(4)}, and the order has changed since (the supplier now answers revision 1)`,
      ),
    });
    const bulk = await request(world.gateway.url)
      .post('/buyer/v1/exceptions/accept')
      .set('authorization', `Bearer ${buyerApi}`)
      .send({ ids: [early!.id] })
      .expect(200);
    expect(bulk.body).toEqual([
      { id: early!.id, ok: false, problem: expect.stringContaining('has changed since') },
    ]);

    // In the workbench: the page says why there is no Accept; a stale page's Accept gets the reason.
    const buyer = new FormClient(world.gateway.url);
    await buyer.login(BUYER);
    const page = await buyer.get(`/portal/workbench/${early!.id}`);
    expect(page.text).toContain('id="superseded"');
    expect(page.text).not.toContain(`action="/portal/workbench/${early!.id}/accept"`);
    const posted = await buyer.agent
      .post(`/portal/workbench/${early!.id}/accept`)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(posted.status).toBe(303);
    const after = await buyer.get(posted.headers.location!);
    expect(messages(after.text)).toEqual([
      expect.stringMatching(
        /^error: This case answers revision 0 of PO \d+, and the order has changed since/,
      ),
    ]);
    expect(await casesOf(po(4), 'acknowledgment.date-changed')).toEqual([
      { id: early!.id, state: 'open', po_revision: 0 },
    ]);
    expect(await confirmations(po(4))).toBe(before);

    // The supplier answers revision 1 with the same late line: that case is the buyer's to accept.
    expect((await answer(po(4), 'change-answer', lateLine20('SO-4-C1', '1'))).status).toBe(201);
    const current = (await casesOf(po(4), 'acknowledgment.date-changed')).find((c) => c.id !== early!.id)!;
    expect(current).toMatchObject({ state: 'open', po_revision: 1 });
    const acceptedNow = await request(world.gateway.url)
      .post(`/buyer/v1/exceptions/${current.id}/accept`)
      .set('authorization', `Bearer ${buyerApi}`)
      .send({});
    expect(acceptedNow.status).toBe(200);
    expect(acceptedNow.body).toMatchObject({ state: 'accepted', references: { poRevision: 1 } });
    expect(await confirmations(po(4))).toBeGreaterThan(before);
  });

  it('reopens the rejected-change case a buyer closed when the supplier rejects the same change again', async () => {
    await issueThroughErp(world, { poNumber: po(5), partnerId: ALPHA.id });
    await changeThroughErp(world, po(5), [{ lineNumber: '10', quantity: '5200' }]);
    const reject = (document: string) =>
      answer(po(5), 'change-answer', {
        document: { number: document, revision: '1' },
        revision: '1',
        status: 'rejected',
        reason: { text: 'cannot make 5200 by then' },
        lines: [{ lineNumber: '10', status: 'rejected' }],
      });
    expect((await reject('SO-5-C1')).status).toBe(201);
    const [rejected] = await casesOf(po(5), 'po-change.rejected');
    expect(rejected).toMatchObject({ state: 'open', po_revision: 1 });
    await request(world.gateway.url)
      .post(`/buyer/v1/exceptions/${rejected!.id}/resolve`)
      .set('authorization', `Bearer ${buyerApi}`)
      .send({ note: 'agreed on the phone: they will take it' })
      .expect(200);

    // They did not: a second rejection of the same change.
    expect((await reject('SO-5-C2')).status).toBe(201);
    expect(await casesOf(po(5), 'po-change.rejected')).toEqual([
      { id: rejected!.id, state: 'open', po_revision: 1 },
    ]);
    const history = await request(world.gateway.url)
      .get(`/buyer/v1/exceptions/${rejected!.id}`)
      .set('authorization', `Bearer ${buyerApi}`)
      .expect(200);
    expect(history.body).toMatchObject({ state: 'open', occurrence: 'answer SO-5-C2 revision 1' });
  });
});
