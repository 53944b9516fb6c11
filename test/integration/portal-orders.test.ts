import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, BRAVO, x12Acknowledgment } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  changeThroughErp,
  csrfOf,
  FormClient,
  issueThroughErp,
  orderLines,
  PORTAL_ADMIN_TOKEN,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/** Every field of the answer form as the page renders it (the browser would post these). */
function answerForm(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[m[1]!] = m[2]!;
  for (const m of html.matchAll(/<input id="l\d+_\w+" name="([^"]+)"[^>]*?value="([^"]*)"/g))
    fields[m[1]!] = m[2]!;
  return fields;
}

describe('portal orders: inbox, timeline, answers through the canonical path, uploads, credentials', () => {
  let world: PortalWorld;
  const USER_A = 'clerk@alpha.example.com';
  const ADMIN_A = 'boss@alpha.example.com';
  const USER_B = 'clerk@bravo.example.com';
  const alpha = (n: number) => `461${String(n).padStart(7, '0')}`;

  beforeAll(async () => {
    world = await startPortalWorld('portal_orders');
    await seedPortalUser(world, { email: USER_A, role: 'supplier-user', partnerId: ALPHA.id });
    await seedPortalUser(world, { email: ADMIN_A, role: 'supplier-admin', partnerId: ALPHA.id });
    await seedPortalUser(world, { email: USER_B, role: 'supplier-user', partnerId: BRAVO.id });
    // 23 orders for A over several dates (a page holds 20), one for B; one of A's orders a special item.
    for (let n = 1; n <= 23; n++)
      await issueThroughErp(world, {
        poNumber: alpha(n),
        partnerId: ALPHA.id,
        orderDate: `2026-11-${String(n + 1).padStart(2, '0')}`,
        lines: orderLines(n === 7 ? { material: 'CMP-SPECIAL-77' } : {}),
      });
    await issueThroughErp(world, { poNumber: '4620000001', partnerId: BRAVO.id });
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('the inbox lists, searches by PO number, item and date, sorts and pages, and marks what is new', async () => {
    const a = new FormClient(world.gateway.url);
    await a.login(USER_A);
    const first = await a.get('/portal/orders?tab=awaiting&sort=po&dir=asc');
    expect(first.status).toBe(200);
    expect(first.text).toContain('23 order(s)');
    expect(first.text).toContain('page 1 of 2');
    expect(first.text.indexOf(alpha(1))).toBeLessThan(first.text.indexOf(alpha(2)));
    expect(first.text).not.toContain(alpha(21));
    expect(first.text).not.toContain('4620000001');
    const second = await a.get('/portal/orders?tab=awaiting&sort=po&dir=asc&page=2');
    expect(second.text).toContain(alpha(23));
    expect(second.text).not.toContain(`>${alpha(1)}<`);
    const byNumber = await a.get(`/portal/orders?tab=all&q=${alpha(12)}`);
    expect(byNumber.text).toContain('1 order(s)');
    const byItem = await a.get('/portal/orders?tab=all&q=special-77');
    expect(byItem.text).toContain('1 order(s)');
    expect(byItem.text).toContain(alpha(7));
    const byDate = await a.get('/portal/orders?tab=all&from=2026-11-05&to=2026-11-07');
    expect(byDate.text).toContain('3 order(s)');
    const wildcard = await a.get('/portal/orders?tab=all&q=%25');
    expect(wildcard.text).toContain('0 order(s)');
    // Opening an order takes it out of "new".
    expect((await a.get('/portal/orders?tab=new')).text).toContain('23 order(s)');
    expect((await a.get(`/portal/orders/${alpha(3)}`)).status).toBe(200);
    const fresh = await a.get('/portal/orders?tab=new');
    expect(fresh.text).toContain('22 order(s)');
  });

  it('shows an order with lines and a timeline; another partner’s order is not found', async () => {
    const a = new FormClient(world.gateway.url);
    await a.login(USER_A);
    const page = await a.get(`/portal/orders/${alpha(4)}`);
    expect(page.text).toContain('CMP-BOLT-M8');
    expect(page.text).toContain('Order issued');
    const sent = await eventually('the 850 in the timeline', async () => {
      const res = await a.get(`/portal/orders/${alpha(4)}`);
      return res.text.includes('Purchase order sent to you') ? res.text : undefined;
    });
    const doc = /href="\/portal\/documents\/(\d+)"/.exec(sent)![1];
    const raw = await a.get(`/portal/documents/${doc}`);
    expect(raw.status).toBe(200);
    expect(raw.text).toMatch(/BEG\*00\*SA\*4610000004/);
    expect((await a.get('/portal/orders/4620000001')).status).toBe(404);
    expect((await a.get(`/portal/documents/${doc}/raw`)).headers['content-disposition']).toMatch(
      /attachment/,
    );
    const b = new FormClient(world.gateway.url);
    await b.login(USER_B);
    expect((await b.get(`/portal/orders/${alpha(4)}`)).status).toBe(404);
    expect((await b.get(`/portal/documents/${doc}`)).status).toBe(404);
    expect((await b.get(`/portal/documents/${doc}/raw`)).status).toBe(404);
  });

  it('acknowledges line by line through the canonical path: the ERP gets exactly what an 855 gives it', async () => {
    const a = new FormClient(world.gateway.url);
    await a.login(USER_A);
    // Through the portal: line 10 accepted, line 20 delivered five days late (beyond the 0-day tolerance).
    const portalPo = alpha(5);
    const page = await a.get(`/portal/orders/${portalPo}`);
    const fields = answerForm(page.text);
    expect(fields.l0_line).toBe('10');
    const res = await a.agent
      .post(`/portal/orders/${portalPo}/acknowledgment`)
      .redirects(0)
      .type('form')
      .send({
        ...fields,
        _csrf: csrfOf(page.text),
        l0_action: 'accept',
        l1_action: 'change',
        l1_date: '2026-12-15',
      });
    expect(res.status).toBe(303);
    // Sent twice (a double click): one receipt, one answer.
    await a.agent
      .post(`/portal/orders/${portalPo}/acknowledgment`)
      .redirects(0)
      .type('form')
      .send({
        ...fields,
        _csrf: csrfOf(page.text),
        l0_action: 'accept',
        l1_action: 'change',
        l1_date: '2026-12-15',
      });
    const after = await a.get(`/portal/orders/${portalPo}`);
    expect(after.text).toContain('acknowledged-with-changes');
    expect(after.text).toContain('acknowledgment.date-changed');
    expect(after.text).toContain('You acknowledged the order');
    const archived = await queryOnce<{ channel: string; status: string; route: string; email: string }>(
      world.db.url,
      `SELECT channel, status, metadata->>'route' AS route, metadata->'portalUser'->>'email' AS email
         FROM interchange WHERE metadata->>'poNumber' = $1 AND direction = 'inbound' AND status <> 'duplicate'`,
      [portalPo],
    );
    expect(archived, JSON.stringify(archived)).toEqual([
      { channel: 'api', status: 'processed', route: 'portal acknowledgment', email: USER_A },
    ]);

    // The same answer for another order as an X12 855 over the partner API (line 10 only; the API
    // helper's 855 accepts what it lists), and the portal's answer accepting line 10 only as well.
    const token = (
      await request(world.gateway.url)
        .post('/admin/partners/alpha-supply/api-keys')
        .set('authorization', `Bearer ${PORTAL_ADMIN_TOKEN}`)
        .send({ scopes: ['documents:write', 'documents:read'] })
        .expect(201)
    ).body.token as string;
    const ediPo = alpha(6);
    await request(world.gateway.url)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/edi-x12')
      .send(
        x12Acknowledgment({
          isaSender: ALPHA.isa,
          gsSender: ALPHA.gs,
          poNumber: ediPo,
          control: 9001,
          lines: [{ lineNumber: '10', quantity: '4800' }],
        }),
      )
      .expect(202);
    await eventually('the 855 applied', async () => {
      const [row] = await queryOnce<{ state: string }>(
        world.db.url,
        `SELECT state FROM purchase_order WHERE po_number = $1`,
        [ediPo],
      );
      return row?.state !== 'issued';
    });
    await waitForPostings(world.db.url, 20_000);
    const ledger = await queryOnce<{ po: string; kind: string; lines: unknown }>(
      world.db.url,
      `SELECT d.po_number AS po, e.kind, d.body->'lines' AS lines
         FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number)
        WHERE d.po_number = ANY($1::text[]) ORDER BY d.po_number, e.id`,
      [[portalPo, ediPo]],
    );
    expect(ledger.map((l) => [l.po, l.kind])).toEqual([
      [portalPo, 'po-confirmation'],
      [ediPo, 'po-confirmation'],
    ]);
    // Line for line the same confirmation (line 20 held for the buyer in the portal's case).
    expect(ledger[0]!.lines).toEqual(ledger[1]!.lines);
  });

  it('answers a PO change through the change-answer path', async () => {
    const a = new FormClient(world.gateway.url);
    await a.login(USER_A);
    const po = alpha(8);
    const page = await a.get(`/portal/orders/${po}`);
    await a.agent
      .post(`/portal/orders/${po}/acknowledgment`)
      .type('form')
      .send({ ...answerForm(page.text), _csrf: csrfOf(page.text) })
      .expect(303);
    await changeThroughErp(world, po, [{ lineNumber: '20', quantity: '150' }]);
    const changePage = await a.get(`/portal/orders/${po}`);
    expect(changePage.text).toContain('Answer the change (revision 1)');
    const res = await a.agent
      .post(`/portal/orders/${po}/change-answer`)
      .redirects(0)
      .type('form')
      .send({ ...answerForm(changePage.text), _csrf: csrfOf(changePage.text) });
    expect(res.status).toBe(303);
    const [row] = await queryOnce<{ state: string }>(
      world.db.url,
      `SELECT state FROM purchase_order WHERE po_number = $1`,
      [po],
    );
    expect(row?.state).toBe('acknowledged');
    const [event] = await queryOnce<{ revision: string }>(
      world.db.url,
      `SELECT payload->'payload'->'purchaseOrder'->>'revision' AS revision FROM canonical_event
        WHERE type = 'purchase-order.change-answered' AND payload->'payload'->'purchaseOrder'->>'number' = $1`,
      [po],
    );
    expect(event?.revision).toBe('1');
    const audit = await queryOnce<{ action: string }>(
      world.db.url,
      `SELECT action FROM audit_log WHERE action LIKE 'portal.%answered' OR action = 'portal.order-acknowledged'`,
    );
    expect(audit.map((r) => r.action)).toContain('portal.change-answered');
  });

  it('refuses an incomplete answer with reasons and changes nothing', async () => {
    const a = new FormClient(world.gateway.url);
    await a.login(USER_A);
    const po = alpha(9);
    const page = await a.get(`/portal/orders/${po}`);
    const res = await a.agent
      .post(`/portal/orders/${po}/acknowledgment`)
      .redirects(0)
      .type('form')
      .send({
        ...answerForm(page.text),
        _csrf: csrfOf(page.text),
        l0_action: 'reject',
        l1_action: 'change',
        l1_quantity: 'lots',
      });
    expect(res.status).toBe(303);
    const shown = await a.get(`/portal/orders/${po}`);
    expect(shown.text).toContain('Line 10: say why you reject it.');
    expect(shown.text).toContain('Line 20: the quantity must be a number');
    const [row] = await queryOnce<{ state: string }>(
      world.db.url,
      `SELECT state FROM purchase_order WHERE po_number = $1`,
      [po],
    );
    expect(row?.state).toBe('issued');
  });

  it('uploads an EDI file by hand and shows its result, its 997 and its errors next to the segment', async () => {
    const a = new FormClient(world.gateway.url);
    await a.login(USER_A);
    const upload = async (content: string, name: string) => {
      const page = await a.get('/portal/uploads');
      return a.agent
        .post('/portal/uploads')
        .redirects(0)
        .field('_csrf', csrfOf(page.text))
        .attach('file', Buffer.from(content), name);
    };
    const good = await upload(
      x12Acknowledgment({
        isaSender: ALPHA.isa,
        gsSender: ALPHA.gs,
        poNumber: alpha(10),
        control: 9101,
        lines: [{ lineNumber: '10', quantity: '4800' }],
      }),
      '855.edi',
    );
    expect(good.status).toBe(303);
    const goodPage = await eventually('the upload processed', async () => {
      const res = await a.get(good.headers.location!);
      return res.text.includes('badge processed') ? res.text : undefined;
    });
    expect(goodPage).toContain('purchase-order.acknowledged');
    expect(goodPage).toMatch(/AK1\*PR\*9101/);
    const broken = x12Acknowledgment({
      isaSender: ALPHA.isa,
      gsSender: ALPHA.gs,
      poNumber: alpha(11),
      control: 9102,
      lines: [{ lineNumber: '10', quantity: '4800' }],
    }).replace('BAK*00*AD*4610000011*20261127', 'BAK*00*AD*4610000011*2026XX27');
    const bad = await upload(broken, 'broken.edi');
    // Its 997 is on the page as soon as the intake wrote it; the rejection once the receipt is final.
    const badPage = await eventually('the broken upload answered and rejected', async () => {
      const res = await a.get(bad.headers.location!);
      return res.text.includes('id="acknowledgment"') && res.text.includes('badge rejected')
        ? res.text
        : undefined;
    });
    expect(badPage).toMatch(
      /<li class="error"><code>BAK\*00\*AD\*4610000011\*2026XX27[^<]*<\/code>[^<]*<span class="explain">[^<]*<\/span><span class="explain">⚠ Field BAK04: the date is not a valid date/,
    );
    expect(badPage).toContain('badge rejected');
    expect((await a.get('/portal/uploads')).text).toContain('broken.edi');
    // Not EDI: refused before anything is stored.
    const page = await a.get('/portal/uploads');
    const text = await a.agent
      .post('/portal/uploads')
      .field('_csrf', csrfOf(page.text))
      .attach('file', Buffer.from('hello'), 'x.txt');
    expect(text.status).toBe(400);
    // Without the CSRF token: refused.
    const forged = await a.agent.post('/portal/uploads').attach('file', Buffer.from('ISA*'), 'x.edi');
    expect(forged.status).toBe(403);
  });

  it('a supplier admin creates (shown once), rotates and revokes API keys; a supplier user only sees them', async () => {
    const admin = new FormClient(world.gateway.url);
    await admin.login(ADMIN_A);
    const created = await admin.submit(
      '/portal/credentials',
      { label: 'ERP connector', scopes: 'profile:read' },
      '/portal/credentials/api-keys',
    );
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = /value="(sgp_[^"]+)"/.exec(created.text)![1]!;
    await request(world.gateway.url)
      .get('/partner/v1/profile')
      .set('authorization', `Bearer ${key}`)
      .expect(200);
    const listed = await admin.get('/portal/credentials');
    expect(listed.text).not.toContain(key);
    expect(listed.text).toContain('ERP connector');
    const lookup = key.split('_')[1]!;
    const rotated = await admin.submit(
      '/portal/credentials',
      { overlapSeconds: '0' },
      `/portal/credentials/api-keys/${lookup}/rotate`,
    );
    expect(rotated.status).toBe(201);
    const next = /value="(sgp_[^"]+)"/.exec(rotated.text)![1]!;
    expect(next).not.toBe(key);
    await request(world.gateway.url)
      .get('/partner/v1/profile')
      .set('authorization', `Bearer ${next}`)
      .expect(200);
    const revoked = await admin.submit(
      '/portal/credentials',
      {},
      `/portal/credentials/api-keys/${next.split('_')[1]}/revoke`,
    );
    expect(revoked.status).toBe(303);
    await request(world.gateway.url)
      .get('/partner/v1/profile')
      .set('authorization', `Bearer ${next}`)
      .expect(401);
    const clerk = new FormClient(world.gateway.url);
    await clerk.login(USER_A);
    const view = await clerk.get('/portal/credentials');
    expect(view.text).toContain('ERP connector');
    expect(view.text).toContain('Rate limits');
    expect(view.text).not.toContain('Create the key');
    expect(
      (await clerk.submit('/portal/credentials', { scopes: 'profile:read' }, '/portal/credentials/api-keys'))
        .status,
    ).toBe(403);
    const audit = await queryOnce<{ action: string; actor_display: string }>(
      world.db.url,
      `SELECT action, actor_display FROM audit_log WHERE action IN ('access-token.issued', 'api-key.rotated', 'access-token.revoked') AND actor_display LIKE $1`,
      [`%${ADMIN_A}%`],
    );
    expect(audit.map((r) => r.action).sort()).toEqual([
      'access-token.issued',
      'access-token.issued',
      'access-token.revoked',
      'api-key.rotated',
    ]);
  });
});
