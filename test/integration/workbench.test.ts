import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ACTOR } from '../../src/audit/actor.js';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import { BULK_ACCEPT_LIMIT } from '../../src/procurement/buyer-decision.service.js';
import { compareImpact, PAGE_SIZE } from '../../src/portal/workbench/workbench-queue.js';
import { OpeningBalancesService } from '../../src/replenishment/balances/opening-balances.service.js';
import { ALPHA, BRAVO } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  csrfOf,
  FormClient,
  issueThroughErp,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/**
 * The buyer's exception workbench without JavaScript (FormClient): the queue's filters, impact
 * order and keyset pages over cases raised through ExceptionService, the exception page's asked
 * change and projection, and each decision through BuyerDecisionService, with its ERP effect and
 * audit rows.
 */
describe('the exception workbench (portal, no JavaScript)', () => {
  let world: PortalWorld;
  let buyer: FormClient;
  let supplier: FormClient;
  let buyerId: string;
  let colleagueId: string;
  const BUYER = 'bea.buyer@mfg.example.com';
  const SUPPLIER = 'anna@alpha.example.com';

  /** The case ids of a queue page, in the order shown. */
  const shown = (html: string) =>
    [...html.matchAll(/<a href="\/portal\/workbench\/([0-9a-f-]{36})">/g)].map((m) => m[1]!);
  const nextLink = (html: string) => {
    const href = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
    return href ? unescapeHtml(href) : null;
  };
  const messages = (html: string) =>
    [...html.matchAll(/<p class="message (info|error)">([^<]*)<\/p>/g)].map((m) => `${m[1]}: ${m[2]}`);

  /** A case raised as the gateway raises them, with the figures the test chooses. */
  const raise = async (o: {
    plant: string;
    partner?: string;
    value?: string | null;
    daysLate?: number | null;
    type?: string;
  }): Promise<string> => {
    const app = world.gateway.app;
    const result = await app.get(DataSource).transaction((tx) =>
      app.get(ExceptionService).raise(
        tx,
        {
          type: o.type ?? 'acknowledgment.quantity-changed',
          dedupeKey: `test-${randomUUID()}`,
          summary: `test case at ${o.plant}`,
          references: { partnerId: o.partner ?? ALPHA.id, plant: o.plant, material: 'CMP-BOLT-M8' },
          impact: {
            valueAtRisk: o.value ?? null,
            currency: o.value ? 'EUR' : null,
            daysLate: o.daysLate ?? null,
          },
        },
        GATEWAY_ACTOR,
      ),
    );
    return result.case.id;
  };

  /** The case a supplier's portal answer raised on a PO line. */
  const caseOf = async (poNumber: string, line: string) => {
    const [row] = await queryOnce<{ id: string; state: string }>(
      world.db.url,
      `SELECT id::text AS id, state FROM exception_case WHERE po_number = $1 AND po_line = $2`,
      [poNumber, line],
    );
    return row!;
  };

  /** The supplier answers the order in the portal: line 10 as ordered, line 20 changed. */
  const answer = async (poNumber: string, change: Record<string, string>) => {
    const res = await supplier.submit(
      `/portal/orders/${poNumber}`,
      {
        formKey: randomUUID().replaceAll('-', '').slice(0, 24),
        l0_line: '10',
        l0_action: 'accept',
        l1_line: '20',
        l1_action: 'change',
        ...change,
      },
      `/portal/orders/${poNumber}/acknowledgment`,
    );
    expect(res.status, res.text.slice(0, 300)).toBe(303);
  };

  beforeAll(async () => {
    world = await startPortalWorld('workbench');
    buyerId = await seedPortalUser(world, { email: BUYER, role: 'buyer', displayName: 'Bea Buyer' });
    colleagueId = await seedPortalUser(world, {
      email: 'carl.lead@mfg.example.com',
      role: 'buyer',
      displayName: 'Carl Lead',
    });
    await seedPortalUser(world, { email: SUPPLIER, role: 'supplier-admin', partnerId: ALPHA.id });
    buyer = new FormClient(world.gateway.url);
    expect((await buyer.login(BUYER)).headers.location).toBe('/portal/workbench');
    supplier = new FormClient(world.gateway.url);
    expect((await supplier.login(SUPPLIER)).headers.location).toBe('/portal/orders');
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('takes buyers to the workbench and keeps suppliers at their orders', async () => {
    expect((await buyer.get('/portal')).headers.location).toBe('/portal/workbench');
    expect((await supplier.get('/portal')).headers.location).toBe('/portal/orders');
    const page = await buyer.get('/portal/workbench');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Exceptions</h1>');
  });

  it('sorts by impact and filters by type, partner, plant, age, value at risk and owner', async () => {
    const ids = {
      big: await raise({ plant: 'WB1', value: '5000', daysLate: 1 }),
      bigLater: await raise({ plant: 'WB1', value: '5000', daysLate: 9 }),
      small: await raise({ plant: 'WB1', value: '12.5', daysLate: 30 }),
      none: await raise({ plant: 'WB1', value: null, daysLate: 40 }),
      bravo: await raise({
        plant: 'WB1',
        partner: BRAVO.id,
        value: '700',
        type: 'ship-notice.over-shipment',
      }),
      old: await raise({ plant: 'WB1', value: '300', daysLate: 2 }),
    };
    await queryOnce(
      world.db.url,
      `UPDATE exception_case SET created_at = now() - interval '10 days' WHERE id = $1`,
      [ids.old],
    );
    const queue = async (query: string) =>
      shown((await buyer.get(`/portal/workbench?plant=WB1${query}`)).text);

    expect(await queue('')).toEqual([ids.bigLater, ids.big, ids.bravo, ids.old, ids.small, ids.none]);
    expect(await queue('&type=ship-notice')).toEqual([ids.bravo]);
    expect(await queue('&type=acknowledgment')).not.toContain(ids.bravo);
    expect(await queue(`&partner=${BRAVO.id}`)).toEqual([ids.bravo]);
    expect(await queue('&age=7')).toEqual([ids.old]);
    expect(await queue('&minValue=300')).toEqual([ids.bigLater, ids.big, ids.bravo, ids.old]);
    expect(await queue('&minValue=5000.00')).toEqual([ids.bigLater, ids.big]);
    expect(shown((await buyer.get('/portal/workbench?plant=WB-NONE')).text)).toEqual([]);

    // Owner: assigned to the signed-in buyer, unassigned, escalated.
    await world.gateway.app.get(ExceptionService).assign(ids.small, buyerId, GATEWAY_ACTOR);
    expect(await queue('&owner=me')).toEqual([ids.small]);
    expect(await queue('&owner=none')).not.toContain(ids.small);
    await world.gateway.app.get(ExceptionService).transition(ids.none, 'escalate', GATEWAY_ACTOR, 'test');
    expect(await queue('&state=escalated')).toEqual([ids.none]);
    expect(await queue('&state=open')).not.toContain(ids.none);
    // The default queue (open or escalated) still holds the escalated case.
    expect(await queue('')).toContain(ids.none);
  });

  it('pages with a keyset cursor: every case once, in impact order, however the pages fall', async () => {
    const values = ['100', '100', '2500', null, '0.5', '99.99', '100', '7'];
    const ids: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 12; i++)
      ids.push(await raise({ plant: 'WB2', value: values[i % values.length]!, daysLate: i % 3 }));
    const seen: string[] = [];
    let path: string | null = '/portal/workbench?plant=WB2';
    let pages = 0;
    while (path && pages < 5) {
      const page = await buyer.get(path);
      expect(page.status).toBe(200);
      seen.push(...shown(page.text));
      path = nextLink(page.text);
      pages++;
    }
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(ids.length);
    const rows = await queryOnce<{
      id: string;
      valueAtRisk: string | null;
      daysLate: number | null;
      createdAt: string;
    }>(
      world.db.url,
      `SELECT id::text AS id, value_at_risk::text AS "valueAtRisk", days_late AS "daysLate",
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"
         FROM exception_case WHERE plant = 'WB2'`,
    );
    expect(seen).toEqual([...rows].sort(compareImpact).map((r) => r.id));
    // A forged cursor starts the queue at its top instead of failing.
    expect(shown((await buyer.get('/portal/workbench?plant=WB2&after=forged')).text)[0]).toBe(seen[0]);
  });

  it('shows what the supplier asked against the line and the projection with and without it; accept confirms to the ERP once, audited', async () => {
    const PO = '4630000101';
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id });
    await eventually('master data from the ERP', async () => {
      const [row] = await queryOnce<{ n: number }>(
        world.db.url,
        `SELECT count(*)::int AS n FROM master_material`,
      );
      return row!.n > 0;
    });
    // 100 housings on hand, 150 allocated to production: short from today until the 140 arrive.
    await world.gateway.app.get(OpeningBalancesService).apply('wms', new Date().toISOString(), [
      {
        plant: '1000',
        material: 'CMP-HOUSING-C1',
        quantity: { value: '100', unit: 'H87' },
        allocated: { value: '150', unit: 'H87' },
      },
    ]);
    await answer(PO, { l1_date: '2026-12-15' });
    const found = await caseOf(PO, '20');
    const page = await buyer.get(`/portal/workbench/${found.id}`);
    expect(page.status).toBe(200);
    const asked = /<table class="data" id="asked">[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(asked).toMatch(
      /<tr class="differs">\s*<th scope="row">Delivery date<\/th>\s*<td>2026-12-10<\/td>\s*<td>2026-12-15/,
    );
    expect(asked).toMatch(/<tr>\s*<th scope="row">Quantity<\/th>\s*<td>140<\/td>\s*<td>140<\/td>/);
    const projection = /<table class="data" id="projection">[\s\S]*?<\/table>/.exec(page.text)![0];
    // As ordered the 140 land on Dec 10 (−50 + 140 = 90); as asked, on Dec 15.
    expect(projection).toMatch(
      /<th scope="row">2026-12-10<\/th>\s*<td class="num">140<\/td>\s*<td class="num">90<\/td>\s*<td class="num">0<\/td>\s*<td class="num short">-50<\/td>/,
    );
    expect(projection).toMatch(
      /<th scope="row">2026-12-15<\/th>\s*<td class="num">0<\/td>\s*<td class="num">90<\/td>\s*<td class="num">140<\/td>\s*<td class="num">90<\/td>/,
    );
    expect(page.text).toContain('Shortage date with the change');

    const res = await buyer.submit(
      `/portal/workbench/${found.id}`,
      { note: 'plant can wait' },
      `/portal/workbench/${found.id}/accept`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/portal/workbench/${found.id}`);
    const after = await buyer.get(`/portal/workbench/${found.id}`);
    expect(messages(after.text)).toEqual(['info: Accepted. A held line is confirmed to the ERP.']);
    expect((await caseOf(PO, '20')).state).toBe('accepted');
    await waitForPostings(world.db.url, 30_000);
    const ledger = await queryOnce<{ lines: { lineNumber: string; deliveryDate: string }[] }>(
      world.db.url,
      `SELECT (SELECT jsonb_agg(jsonb_build_object('lineNumber', l->>'lineNumber', 'deliveryDate', l->>'deliveryDate'))
                 FROM jsonb_array_elements(d.body->'lines') l) AS lines
         FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number)
        WHERE d.po_number = $1 AND e.kind = 'po-confirmation' ORDER BY e.id`,
      [PO],
    );
    // The acknowledgment confirmed line 10; the buyer's accept confirmed line 20 as asked, once.
    expect(ledger.filter((e) => e.lines.some((l) => l.lineNumber === '20'))).toEqual([
      { lines: [{ lineNumber: '20', deliveryDate: '2026-12-15' }] },
    ]);
    const audit = await queryOnce<{ actor_id: string; note: string | null }>(
      world.db.url,
      `SELECT actor_id, note FROM audit_log WHERE action = 'exception.accepted' AND target_id = $1`,
      [found.id],
    );
    expect(audit).toEqual([{ actor_id: buyerId, note: 'plant can wait' }]);
    // Accepting again is refused on the page, and nothing more reaches the ERP.
    const again = await buyer.submit(
      `/portal/workbench/${found.id}`,
      {},
      `/portal/workbench/${found.id}/accept`,
    );
    expect(again.status).toBe(303);
    expect(messages((await buyer.get(`/portal/workbench/${found.id}`)).text)[0]).toMatch(/^error: /);
  });

  it('counters (a PO change requested from the ERP), escalates to a colleague and resolves with a note, each audited', async () => {
    const PO = '4630000102';
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id });
    await answer(PO, { l1_quantity: '100' });
    const found = await caseOf(PO, '20');
    const page = `/portal/workbench/${found.id}`;

    // A counter needs a reason: refused on the page, nothing requested.
    await buyer.submit(page, { quantity: '130', note: '' }, `${page}/counter`);
    expect(messages((await buyer.get(page)).text)).toEqual(['error: Say why: the note is required.']);
    expect((await caseOf(PO, '20')).state).toBe('open');

    await buyer.submit(page, { owner: colleagueId, note: 'needs the plant manager' }, `${page}/escalate`);
    const [escalated] = await queryOnce<{ state: string; owner: string }>(
      world.db.url,
      `SELECT state, owner_user_id::text AS owner FROM exception_case WHERE id = $1`,
      [found.id],
    );
    expect(escalated).toEqual({ state: 'escalated', owner: colleagueId });

    await buyer.submit(
      page,
      { quantity: '130', deliveryDate: '', note: 'we need 130 at least' },
      `${page}/counter`,
    );
    expect((await caseOf(PO, '20')).state).toBe('countered');
    const [change] = await queryOnce<{ body: { lines: { lineNumber: string; quantity: string }[] } }>(
      world.db.url,
      `SELECT body FROM erp_posting WHERE kind = 'po-change' AND po_number = $1`,
      [PO],
    );
    expect(change!.body.lines).toEqual([{ lineNumber: '20', quantity: '130' }]);

    await buyer.submit(page, { note: 'settled by phone' }, `${page}/resolve`);
    expect((await caseOf(PO, '20')).state).toBe('resolved');
    const audit = await queryOnce<{ action: string; actor_id: string; note: string | null }>(
      world.db.url,
      `SELECT action, actor_id, note FROM audit_log WHERE target_type = 'exception-case' AND target_id = $1 AND actor_kind = 'user' ORDER BY id`,
      [found.id],
    );
    expect(audit.map((a) => [a.action, a.note])).toEqual([
      ['exception.assigned', 'needs the plant manager'],
      ['exception.escalated', 'needs the plant manager'],
      ['exception.countered', 'we need 130 at least'],
      ['exception.resolved', 'settled by phone'],
    ]);
    expect(new Set(audit.map((a) => a.actor_id))).toEqual(new Set([buyerId]));
    // The page's history shows the decisions.
    const history = /<table class="data" id="case-history">[\s\S]*?<\/table>/.exec(
      (await buyer.get(page)).text,
    )![0];
    for (const what of ['raised', 'escalated', 'countered', 'resolved']) expect(history).toContain(what);
  });

  it(`bulk accepts the ticked cases, and refuses more than ${BULK_ACCEPT_LIMIT} at once with a clear message`, async () => {
    const ids = [await raise({ plant: 'WB3', value: '10' }), await raise({ plant: 'WB3', value: '20' })];
    const page = '/portal/workbench?plant=WB3';
    const tooMany = Array.from({ length: BULK_ACCEPT_LIMIT + 1 }, () => randomUUID());
    const form = await buyer.get(page);
    const refused = await buyer.agent
      .post('/portal/workbench/accept')
      .redirects(0)
      .type('form')
      .send(
        [`_csrf=${encodeURIComponent(csrfOf(form.text))}`, `back=${encodeURIComponent(page)}`]
          .concat([...tooMany, ...ids].map((id) => `ids=${id}`))
          .join('&'),
      );
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toBe(page);
    expect(messages((await buyer.get(page)).text)).toEqual([
      `error: At most ${BULK_ACCEPT_LIMIT} exceptions can be accepted at once; ${BULK_ACCEPT_LIMIT + 3} were ticked. Nothing was accepted.`,
    ]);
    const states = async () =>
      (
        await queryOnce<{ state: string }>(
          world.db.url,
          `SELECT state FROM exception_case WHERE id = ANY($1::uuid[]) ORDER BY state`,
          [ids],
        )
      ).map((r) => r.state);
    expect(await states()).toEqual(['open', 'open']);

    const form2 = await buyer.get(page);
    const accepted = await buyer.agent
      .post('/portal/workbench/accept')
      .redirects(0)
      .type('form')
      .send(
        [`_csrf=${encodeURIComponent(csrfOf(form2.text))}`, `back=${encodeURIComponent(page)}`]
          .concat(ids.map((id) => `ids=${id}`))
          .join('&'),
      );
    expect(accepted.status).toBe(303);
    expect(messages((await buyer.get(page)).text)).toEqual(['info: 2 exception(s) accepted.']);
    expect(await states()).toEqual(['accepted', 'accepted']);
    const [audit] = await queryOnce<{ n: number }>(
      world.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'exception.accepted' AND target_id = ANY($1) AND actor_id = $2`,
      [ids, buyerId],
    );
    expect(audit!.n).toBe(2);
  });

  it('answers 403 to a supplier on every workbench page and action, and changes nothing', async () => {
    const id = await raise({ plant: 'WB4', value: '1' });
    const csrf = csrfOf((await supplier.get('/portal/account')).text);
    expect((await supplier.get('/portal/workbench')).status).toBe(403);
    expect((await supplier.get(`/portal/workbench/${id}`)).status).toBe(403);
    for (const action of ['accept', 'counter', 'escalate', 'resolve']) {
      const res = await supplier.agent
        .post(`/portal/workbench/${id}/${action}`)
        .redirects(0)
        .type('form')
        .send({ _csrf: csrf, note: 'x', quantity: '1' });
      expect(res.status, action).toBe(403);
    }
    const bulk = await supplier.agent
      .post('/portal/workbench/accept')
      .redirects(0)
      .type('form')
      .send({ _csrf: csrf, ids: id });
    expect(bulk.status).toBe(403);
    const [row] = await queryOnce<{ state: string }>(
      world.db.url,
      `SELECT state FROM exception_case WHERE id = $1`,
      [id],
    );
    expect(row!.state).toBe('open');
  });
});

/** An attribute value as the browser reads it (handlebars escapes &, =, ', ", <, >, `). */
function unescapeHtml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#x27|#x3D|#x60);/g,
    (_, entity: string) =>
      ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`' })[entity]!,
  );
}
