import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, partnersDir } from '../../src/transports/api/testing/partner-api.test-helper.js';
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
 * The ASN builder's pages without JavaScript (plain forms, post/redirect/get): a notice started from
 * two orders, the problems validation finds shown next to the header field, pallet, carton and item
 * they are about, a refused submit, and a draft resumed in a new session exactly as it was left.
 */
describe('ASN builder pages without JavaScript: validation in place and resuming a draft', () => {
  let world: PortalWorld;
  let client: FormClient;
  let draftPath: string;
  const USER = 'packer@alpha.example.com';
  const PO_1 = '4640000001';
  const PO_2 = '4640000002';

  /** Posts one of the editor's forms (a fresh CSRF token from the page) and follows the redirect. */
  const edit = async (fields: Record<string, string>) => {
    const csrf = csrfOf((await client.get(draftPath)).text);
    const res = await client.agent
      .post(`${draftPath}/edit`)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrf, ...fields });
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    return res;
  };
  /** The text of the element with this id (up to its matching end tag), tags stripped. */
  const section = (html: string, id: string) => {
    const start = html.lastIndexOf('<', html.indexOf(` id="${id}"`));
    expect(start, `no element ${id}`).toBeGreaterThan(0);
    const tag = /^<(\w+)/.exec(html.slice(start))![1]!;
    const tags = new RegExp(`<(/?)${tag}[\\s>]`, 'g');
    tags.lastIndex = start + 1;
    let depth = 1;
    let end = html.length;
    for (let m = tags.exec(html); m; m = tags.exec(html)) {
      depth += m[1] ? -1 : 1;
      if (depth === 0) {
        end = m.index;
        break;
      }
    }
    return html
      .slice(start, end)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
  };

  beforeAll(async () => {
    const partners = partnersDir();
    appendFileSync(
      join(partners, `${ALPHA.id}.yaml`),
      `shipping:\n  gs1CompanyPrefix: '0614141'\n  extensionDigit: 3\n`,
    );
    world = await startPortalWorld('portal_shipments', { PARTNERS_DIR: partners });
    await seedPortalUser(world, { email: USER, role: 'supplier-user', partnerId: ALPHA.id });
    client = new FormClient(world.gateway.url);
    expect((await client.login(USER)).status).toBe(303);
    for (const po of [PO_1, PO_2]) {
      await issueThroughErp(world, { poNumber: po, partnerId: ALPHA.id });
      const ack = await client.submit(
        `/portal/orders/${po}`,
        {
          l0_line: '10',
          l0_action: 'accept',
          l1_line: '20',
          l1_action: 'accept',
          formKey: po.padEnd(24, 'a'),
        },
        `/portal/orders/${po}/acknowledgment`,
      );
      expect(ack.status).toBe(303);
    }
    // The answers are applied by the intake jobs: wait until both orders can be shipped.
    await eventually('both orders acknowledged', async () => {
      const rows = await queryOnce<{ state: string }>(
        world.db.url,
        `SELECT state FROM purchase_order WHERE po_number = ANY($1) AND state = 'acknowledged'`,
        [[PO_1, PO_2]],
      );
      return rows.length === 2;
    });
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('starts a notice from the orders an order page preselects, one carton per order with its open lines', async () => {
    const order = await client.get(`/portal/orders/${PO_1}`);
    expect(order.text).toContain(`href="/portal/shipments/new?po=${PO_1}"`);
    const form = await client.get(`/portal/shipments/new?po=${PO_1}`);
    expect(form.status).toBe(200);
    expect(form.text).toMatch(new RegExp(`value="${PO_1}" checked`));
    expect(form.text).toMatch(new RegExp(`value="${PO_2}">`));
    const created = await client.agent
      .post('/portal/shipments')
      .redirects(0)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(form.text))}&po=${PO_1}&po=${PO_2}&shipmentNumber=PS-7001`);
    expect(created.status, created.text.slice(0, 300)).toBe(303);
    draftPath = created.headers.location!;
    expect(draftPath).toMatch(/^\/portal\/shipments\/\d+$/);
    const page = await client.get(draftPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ship notice PS-7001');
    // Two loose cartons, each with an SSCC of the partner's prefix (printed as GS1 groups it).
    expect(page.text.match(/data-sscc="306141410\d{9}"/g)).toHaveLength(2);
    expect(page.text).toContain('(00) 3 0614141 ');
    expect(section(page.text, 'pack-cartons-0')).toContain(`${PO_1} / 20`);
    expect(section(page.text, 'pack-cartons-1')).toContain(`${PO_2} / 10`);
    // A foreign or unknown order is refused on the form, not started.
    const refused = await client.submit('/portal/shipments/new', { po: '4999999999' }, '/portal/shipments');
    expect(refused.headers.location).toBe('/portal/shipments/new');
    expect((await client.get('/portal/shipments/new')).text).toContain(
      'A chosen order is not one of your open orders (acknowledged, with quantity left to ship).',
    );
  });

  it('shows every problem next to the field, pallet, carton or item it is about, and refuses to submit', async () => {
    await edit({ op: 'add-pallet' });
    // Line 10 of PO 1 over-shipped (4800 ordered, 2 % tolerance), and a unit that does not convert.
    await edit({ op: 'item', path: 'cartons.0.items.0', quantity: '9000', unit: 'H87' });
    await edit({ op: 'item', path: 'cartons.1.items.1', quantity: '5', unit: 'KGM' });
    const submit = await client.agent
      .post(`${draftPath}/submit`)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrfOf((await client.get(draftPath)).text) });
    expect(submit.status).toBe(303);
    expect(submit.headers.location).toBe(`${draftPath}?check=1#problems`);
    const page = (await client.get(`${draftPath}?check=1`)).text;
    expect(page).toContain('4 thing(s) to fix before submitting');
    expect(page).toContain('Not sent: ship notice PS-7001 is not ready: 4 problems');
    expect(section(page, 'pack-shippedAt')).toContain('say when the shipment leaves');
    expect(section(page, 'pack-pallets-0')).toContain('the pallet holds no cartons');
    expect(section(page, 'pack-cartons-0-items-0')).toContain(
      `line 10 of ${PO_1}: 9000 H87 shipped in all (0 before this notice) against 4800 confirmed`,
    );
    expect(section(page, 'pack-cartons-1-items-1')).toContain('KGM does not convert');
    // Each problem in the summary links to the thing.
    expect(page).toContain('href="#pack-cartons-0-items-0"');
    const [row] = await queryOnce<{ status: string }>(
      world.db.url,
      `SELECT status FROM ship_notice_draft WHERE id = $1`,
      [draftPath.split('/').pop()],
    );
    expect(row!.status).toBe('draft');
  });

  it('resumes the draft in a new session as it was left, then fixes it until it is ready', async () => {
    client = new FormClient(world.gateway.url);
    expect((await client.login(USER)).status).toBe(303);
    const list = (await client.get('/portal/shipments')).text;
    expect(list).toContain(`href="${draftPath}">PS-7001</a>`);
    expect(list).toContain(`${PO_1}, ${PO_2}`);
    const resumed = (await client.get(draftPath)).text;
    expect(resumed).toContain('id="pack-pallets-0"');
    expect(resumed).toMatch(
      /id="pack-cartons-0-items-0-qty" name="quantity" inputmode="decimal" value="9000"/,
    );

    await edit({
      op: 'header',
      shippedAt: '2026-12-03T14:00',
      carrierScac: 'abcd',
      carrierName: 'Road Freight AB',
      carrierMode: 'road',
      trackingNumbers: 'TRK-1, TRK-2',
    });
    await edit({ op: 'item', path: 'cartons.0.items.0', quantity: '4800', unit: 'H87' });
    await edit({ op: 'item', path: 'cartons.1.items.1', quantity: '140', unit: 'H87' });
    await edit({ op: 'move', carton: 'cartons.0', to: 'pallets.0' });
    const page = (await client.get(`${draftPath}?check=1`)).text;
    expect(page).toContain('Ready to submit');
    expect(page).toMatch(/id="shippedAt" name="shippedAt" type="datetime-local" value="2026-12-03T14:00"/);
    expect(page).toContain('value="ABCD"');
    expect(section(page, 'pack-pallets-0')).toContain('Carton 1 on pallet 1');
    const audit = await queryOnce<{ action: string; n: number }>(
      world.db.url,
      `SELECT action, count(*)::int AS n FROM audit_log WHERE target_type = 'ship-notice-draft' AND target_id = $1
        AND actor_kind = 'user' GROUP BY action ORDER BY action`,
      [draftPath.split('/').pop()],
    );
    expect(audit).toEqual([
      { action: 'ship-notice-draft.created', n: 1 },
      { action: 'ship-notice-draft.updated', n: 7 },
    ]);
  });
});
