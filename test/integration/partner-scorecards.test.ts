import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { GoodsReceiptService } from '../../src/procurement/goods-receipt.service.js';
import { ShipNoticeService } from '../../src/procurement/ship-notice.service.js';
import { ALPHA, BRAVO } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  changeThroughErp,
  FormClient,
  issueThroughErp,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';
import { CHROMIUM, CHROMIUM_FLAGS, DOC_IMAGES } from '../support/browser.js';

/**
 * Scorecards and partner health (#20) over an event log seeded through the real paths — orders from
 * the ERP simulator, answers through the portal, ship notices and goods receipts through their
 * services — with the log's times then set to known instants in the two previous months, so every
 * figure on the pages can be computed by hand below.
 */

const pad = (n: number) => String(n).padStart(2, '0');
const today = new Date();
const monthBack = (back: number) =>
  new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
/** Two months ago and last month: always wholly in the past, inside a 3-month period. */
const M2 = monthBack(2);
const M1 = monthBack(1);
const M0 = monthBack(0);
const at = (month: string, day: number, hour = 0) => `${month}-${pad(day)}T${pad(hour)}:00:00.000Z`;
const day = (month: string, d: number) => `${month}-${pad(d)}`;
const label = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleString('en', {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });

const PASSWORD = 'correct horse battery staple';
const line = (deliveryDate: string, quantity = '100') => [
  { lineNumber: '10', material: 'CMP-BOLT-M8', quantity, unit: 'H87', netPrice: '1', deliveryDate },
];
const accept = (formKey: string) => ({ l0_line: '10', l0_action: 'accept', formKey });

/** The figures of one table row, as the page shows them. */
function tableRow(html: string, rowLabel: string): string[] {
  const rows = [...html.matchAll(/<tr[^>]*><th scope="row">([^<]+)<\/th>([\s\S]*?)<\/tr>/g)];
  const row = rows.find((r) => r[1] === rowLabel);
  if (!row) throw new Error(`no row ${rowLabel} in the scorecard table`);
  return [...row[2]!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!);
}

describe('partner scorecards and health from a seeded event log', () => {
  let world: PortalWorld;
  let buyer: FormClient;
  let alphaUser: FormClient;
  let bravoUser: FormClient;

  const signedIn = async (email: string) => {
    const client = new FormClient(world.gateway.url);
    expect((await client.login(email, PASSWORD)).status).toBe(303);
    return client;
  };
  const answer = async (
    client: FormClient,
    po: string,
    kind: 'acknowledgment' | 'change-answer',
    key: string,
  ) => {
    const before = await logCount(po);
    const res = await client.submit(
      `/portal/orders/${po}`,
      accept(key.padEnd(24, '0')),
      `/portal/orders/${po}/${kind}`,
    );
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    await eventually(`answer to ${po} applied`, async () => (await logCount(po)) > before);
  };
  const logCount = async (po: string) =>
    (
      await queryOnce<{ n: number }>(
        world.db.url,
        `SELECT count(*)::int AS n FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
          WHERE o.po_number = $1 AND h.what IN ('purchase-order.acknowledged', 'purchase-order.change-answered')`,
        [po],
      )
    )[0]!.n;
  /** Sets the times of an order's requests and answers, in log order. */
  const setLogTimes = async (po: string, times: string[]) => {
    const rows = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT h.id::text AS id FROM purchase_order_history h JOIN purchase_order o ON o.id = h.po_id
        WHERE o.po_number = $1 AND h.what IN ('purchase-order.issued', 'purchase-order.changed',
              'purchase-order.acknowledged', 'purchase-order.change-answered')
        ORDER BY h.id`,
      [po],
    );
    expect(rows.length, `log of ${po}`).toBe(times.length);
    for (const [i, row] of rows.entries())
      await queryOnce(world.db.url, `UPDATE purchase_order_history SET at = $2 WHERE id = $1`, [
        row.id,
        times[i],
      ]);
  };
  /**
   * Waits until the partner's order documents have all left 'pending': delivery stamps delivered_at
   * (when still empty), so clearing it before the delivery job ran would be undone by it.
   */
  const deliveriesSettled = async (partnerId: string, documents: number) =>
    eventually(`${documents} documents to ${partnerId} delivered`, async () => {
      const [row] = await queryOnce<{ total: number; pending: number }>(
        world.db.url,
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'pending')::int AS pending
           FROM outbound_document WHERE partner_id = $1 AND kind <> 'functional-ack'`,
        [partnerId],
      );
      return row!.total === documents && row!.pending === 0;
    });
  const shipNotice = async (shipmentNumber: string, po: string, quantity: string, shippedAt: string) => {
    const notice = parseEventOf('ship-notice.received.v1', {
      id: randomUUID(),
      type: 'ship-notice.received',
      schemaVersion: 'v1',
      partnerId: ALPHA.id,
      occurredAt: shippedAt,
      receivedAt: shippedAt,
      correlationId: `asn-${shipmentNumber}`,
      causationId: null,
      document: { kind: 'original', number: shipmentNumber, revision: '1' },
      payload: {
        shipmentNumber,
        shippedAt,
        carrier: { scac: 'ABFS' },
        shipTo: '1000',
        orders: [
          {
            purchaseOrder: { number: po },
            packs: [
              {
                items: [
                  { lineNumber: '10', material: 'CMP-BOLT-M8', quantity: { value: quantity, unit: 'H87' } },
                ],
              },
            ],
          },
        ],
      },
    });
    const dataSource = world.gateway.app.get(DataSource);
    await dataSource.transaction((tx) => world.gateway.app.get(ShipNoticeService).apply(tx, notice));
  };
  let receiptNo = 0;
  const receive = async (po: string, quantity: string, receivedAt: string, shipmentNumber?: string) => {
    const dataSource = world.gateway.app.get(DataSource);
    const result = await dataSource.transaction((tx) =>
      world.gateway.app.get(GoodsReceiptService).receive(tx, {
        receiptNumber: `GR-${++receiptNo}`,
        plant: '1000',
        receivedAt,
        ...(shipmentNumber ? { shipmentNumber } : {}),
        lines: [
          {
            poNumber: po,
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: { value: quantity, unit: 'H87' },
          },
        ],
      }),
    );
    expect(result.outcome).toBe('received');
  };

  beforeAll(async () => {
    world = await startPortalWorld('partner_scorecards');
    await seedPortalUser(world, { email: 'buyer@mfg.example.com', role: 'buyer' });
    await seedPortalUser(world, {
      email: 'clerk@alpha.example.com',
      role: 'supplier-user',
      partnerId: ALPHA.id,
    });
    await seedPortalUser(world, {
      email: 'clerk@bravo.example.com',
      role: 'supplier-user',
      partnerId: BRAVO.id,
    });
    buyer = await signedIn('buyer@mfg.example.com');
    alphaUser = await signedIn('clerk@alpha.example.com');
    bravoUser = await signedIn('clerk@bravo.example.com');

    // ALPHA's orders, single lines of 100 pieces (A3 changed to 120).
    await issueThroughErp(world, {
      poNumber: '4630000001',
      partnerId: ALPHA.id,
      orderDate: day(M2, 1),
      lines: line(day(M2, 10)),
    });
    await issueThroughErp(world, {
      poNumber: '4630000002',
      partnerId: ALPHA.id,
      orderDate: day(M2, 1),
      lines: line(day(M2, 15)),
    });
    await issueThroughErp(world, {
      poNumber: '4630000003',
      partnerId: ALPHA.id,
      orderDate: day(M1, 1),
      lines: line(day(M1, 20)),
    });
    await issueThroughErp(world, {
      poNumber: '4630000004',
      partnerId: ALPHA.id,
      orderDate: day(M1, 1),
      lines: line(day(M1, 25)),
    });
    await issueThroughErp(world, {
      poNumber: '4630000005',
      partnerId: ALPHA.id,
      orderDate: day(M1, 1),
      lines: line(day(M1, 12)),
    });
    await answer(alphaUser, '4630000001', 'acknowledgment', 'a1');
    await answer(alphaUser, '4630000001', 'acknowledgment', 'a1b'); // a corrected acknowledgment: not a new answer
    await answer(alphaUser, '4630000002', 'acknowledgment', 'a2');
    await answer(alphaUser, '4630000003', 'acknowledgment', 'a3');
    await changeThroughErp(world, '4630000003', [{ lineNumber: '10', quantity: '120' }]);
    await answer(alphaUser, '4630000003', 'change-answer', 'a3c');
    await answer(alphaUser, '4630000005', 'acknowledgment', 'a5');
    // 4630000004 is never answered.

    await setLogTimes('4630000001', [at(M2, 3), at(M2, 4, 10), at(M2, 6)]);
    await setLogTimes('4630000002', [at(M2, 5), at(M2, 8)]);
    await setLogTimes('4630000003', [at(M1, 2), at(M1, 2, 6), at(M1, 3), at(M1, 3, 12)]);
    await setLogTimes('4630000004', [at(M1, 10)]);
    await setLogTimes('4630000005', [at(M1, 5), at(M1, 5, 1)]);
    await deliveriesSettled(ALPHA.id, 6); // five orders and A3's change
    // A1's order reached the supplier at noon on the 3rd (the SLA clock starts at delivery); the
    // others' delivery times (the test's own now) are cleared, so their clocks start when recorded.
    await queryOnce(world.db.url, `UPDATE outbound_document SET delivered_at = NULL WHERE partner_id = $1`, [
      ALPHA.id,
    ]);
    await queryOnce(
      world.db.url,
      `UPDATE outbound_document SET delivered_at = $2 WHERE partner_id = $1 AND po_number = '4630000001' AND po_revision = 0`,
      [ALPHA.id, at(M2, 3, 12)],
    );

    await shipNotice('S1', '4630000001', '100', at(M2, 8));
    await shipNotice('S2', '4630000002', '100', at(M2, 13));
    await shipNotice('S3', '4630000003', '120', at(M1, 17));
    await receive('4630000001', '100', at(M2, 9), 'S1');
    await receive('4630000002', '90', at(M2, 14), 'S2');
    await receive('4630000002', '10', at(M2, 17));
    await receive('4630000003', '120', at(M1, 18), 'S3');
    await receive('4630000005', '50', at(M1, 11));

    // BRAVO: one order answered four days late, which would change ALPHA's figures if it leaked in.
    await issueThroughErp(world, {
      poNumber: '4639999001',
      partnerId: BRAVO.id,
      orderDate: day(M1, 1),
      lines: line(day(M1, 20)),
    });
    await answer(bravoUser, '4639999001', 'acknowledgment', 'b1');
    await setLogTimes('4639999001', [at(M1, 2), at(M1, 6)]);
    await deliveriesSettled(BRAVO.id, 1);
    await queryOnce(world.db.url, `UPDATE outbound_document SET delivered_at = NULL WHERE partner_id = $1`, [
      BRAVO.id,
    ]);

    // ALPHA's channel: two documents whose 997 fell due in the last days, one answered late (the
    // answer arrived now, after its due time), one never; and one AS2 authentication failure.
    const [inbound] = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT id::text AS id FROM interchange WHERE partner_id = $1 AND direction = 'inbound' ORDER BY id LIMIT 1`,
      [ALPHA.id],
    );
    await queryOnce(world.db.url, `UPDATE outbound_document SET fa_expected = false WHERE partner_id = $1`, [
      ALPHA.id,
    ]);
    await queryOnce(
      world.db.url,
      `UPDATE outbound_document SET fa_expected = true, fa_due_at = now() - interval '2 days', fa_status = 'accepted',
              fa_interchange_id = $2
        WHERE partner_id = $1 AND po_number = '4630000001'`,
      [ALPHA.id, inbound!.id],
    );
    await queryOnce(
      world.db.url,
      `UPDATE interchange SET received_at = now() - interval '1 day' WHERE id = $1`,
      [inbound!.id],
    );
    await queryOnce(
      world.db.url,
      `UPDATE outbound_document SET fa_expected = true, fa_due_at = now() - interval '1 day', fa_status = 'overdue'
        WHERE partner_id = $1 AND po_number = '4630000002'`,
      [ALPHA.id],
    );
    await queryOnce(
      world.db.url,
      `INSERT INTO as2_security_failure (partner_id, disposition) VALUES ($1, 'authentication-failed')`,
      [ALPHA.id],
    );
  }, 180_000);
  afterAll(async () => {
    await world?.stop();
  });

  /*
   * ALPHA by hand (SLA 48 h from the partner profile):
   * acknowledgments — M2: A1 delivered 3rd 12:00, answered 4th 10:00 = 22 h (on time; the corrected
   *   acknowledgment on the 6th is not a new answer); A2 5th 00:00 → 8th 00:00 = 72 h (late).
   *   M1: A3 rev 0 2nd 00:00 → 06:00 = 6 h; A3 rev 1 (change) 3rd 00:00 → 12:00 = 12 h; A5 5th 00:00 →
   *   01:00 = 1 h; A4 10th, never answered, past 48 h (late).
   *   M2 on time 1/2 = 50 %, latencies {22, 72}: median (22+72)/2 = 47, p90 rank ⌈0.9×2⌉ = 2 → 72.
   *   M1 on time 3/4 = 75 %, latencies {1, 6, 12}: median 6, p90 rank ⌈2.7⌉ = 3 → 12.
   *   Period 4/6 = 66.7 %, latencies {1, 6, 12, 22, 72}: median 12, p90 rank ⌈4.5⌉ = 5 → 72.
   * ASN accuracy — S1 100 announced, 100 received (M2, accurate); S2 100 announced, 90 received (M2,
   *   not); S3 120/120 (M1, accurate). M2 1/2 = 50 %, M1 1/1 = 100 %, period 2/3 = 66.7 %.
   * On time in full — A1 due M2-10, 100 by M2-09 (yes); A2 due M2-15, 90 on the 14th + 10 on the 17th
   *   (late); A3 120 due M1-20, 120 on M1-18 (yes); A4 due M1-25, nothing (no); A5 due M1-12, 50 of
   *   100 (no). M2 1/2 = 50 %, M1 1/3 = 33.3 %, period 2/5 = 40 %.
   * Columns: on time %, on time / judged, median, p90, answered, ASN %, accurate / received, OTIF %, OTIF / due.
   */
  const ALPHA_M2 = ['50 %', '1 / 2', '47 h', '72 h', '2', '50 %', '1 / 2', '50 %', '1 / 2'];
  const ALPHA_M1 = ['75 %', '3 / 4', '6 h', '12 h', '3', '100 %', '1 / 1', '33.3 %', '1 / 3'];
  const EMPTY = ['–', '0 / 0', '–', '–', '0', '–', '0 / 0', '–', '0 / 0'];
  const ALPHA_TOTAL = ['66.7 %', '4 / 6', '12 h', '72 h', '5', '66.7 %', '2 / 3', '40 %', '2 / 5'];

  it("a supplier's user sees exactly its own figures, computed from the log, on /portal/scorecard", async () => {
    const res = await alphaUser.get('/portal/scorecard?months=3');
    expect(res.status).toBe(200);
    expect(tableRow(res.text, label(M2))).toEqual(ALPHA_M2);
    expect(tableRow(res.text, label(M1))).toEqual(ALPHA_M1);
    expect(tableRow(res.text, label(M0))).toEqual(EMPTY);
    expect(tableRow(res.text, 'Period')).toEqual(ALPHA_TOTAL);
    // Charts as inline SVG with titles; the bars carry the same figures.
    expect(res.text).toContain('<title id="chart-ack-on-time-title">Acknowledgments on time</title>');
    expect(res.text).toContain(`<title>${label(M1)}: 75 % (3 of 4)</title>`);
    expect(res.text).toContain(`${label(M2)} median 47 h, p90 72 h`);
    // Never BRAVO's orders or name.
    expect(res.text).not.toContain('4639999001');
    expect(res.text).not.toContain(BRAVO.id);
  });

  it('BRAVO sees its own scorecard only: one answer, 96 h late', async () => {
    const res = await bravoUser.get('/portal/scorecard?months=3');
    expect(res.status).toBe(200);
    // B1 2nd 00:00 → 6th 00:00 = 96 h > 48 h: 0 of 1 on time.
    expect(tableRow(res.text, label(M1)).slice(0, 5)).toEqual(['0 %', '0 / 1', '96 h', '96 h', '1']);
    expect(res.text).not.toContain('4630000001');
    expect(res.text).not.toContain(ALPHA.id);
  });

  it('the period selector narrows to fewer months and defaults to six', async () => {
    const twelve = await alphaUser.get('/portal/scorecard?months=12');
    expect([...twelve.text.matchAll(/<tr><th scope="row">/g)]).toHaveLength(12);
    expect(tableRow(twelve.text, 'Period')).toEqual(ALPHA_TOTAL);
    const fallback = await alphaUser.get('/portal/scorecard?months=7');
    expect([...fallback.text.matchAll(/<tr><th scope="row">/g)]).toHaveLength(6);
  });

  it('suppliers get 403 on the buyer pages and never see another partner', async () => {
    for (const path of ['/portal/partners', `/portal/partners/${BRAVO.id}`, `/portal/partners/${ALPHA.id}`]) {
      const res = await alphaUser.get(path);
      expect(res.status, path).toBe(403);
      expect(res.text).not.toContain('4639999001');
    }
    expect((await buyer.get('/portal/scorecard')).status).toBe(403);
  });

  it('a buyer sees the health list sorted by status, and a partner’s health with its scorecard', async () => {
    const list = await buyer.get('/portal/partners?sort=status');
    expect(list.status).toBe(200);
    // ALPHA: 997s 0 of 2 on time (1 late, 1 missing) → failing; one AS2 failure → attention.
    expect(list.text.indexOf(`id="partner-${ALPHA.id}"`)).toBeGreaterThan(-1);
    expect(list.text.indexOf(`id="partner-${ALPHA.id}"`)).toBeLessThan(
      list.text.indexOf(`id="partner-${BRAVO.id}"`),
    );
    const detail = await buyer.get(`/portal/partners/${ALPHA.id}?months=3`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('<span class="badge health-failing" id="health-status">failing</span>');
    expect(detail.text).toContain('997/CONTRL on time 0 % (0 of 2; 1 late, 1 missing)');
    expect(detail.text).toContain(
      '1 channel error(s) in 7 days (0 rejected inbound, 0 failed deliveries, 1 AS2 security failures)',
    );
    // The late and the missing 997 are listed: one arrived (a time), one did not.
    const misses = /<table class="data" id="fa-misses">([\s\S]*?)<\/table>/.exec(detail.text)?.[1] ?? '';
    expect([...misses.matchAll(/<tr><td>/g)]).toHaveLength(2);
    expect(misses).toContain('4630000001');
    expect(misses).toContain('4630000002');
    expect([...misses.matchAll(/>missing</g)]).toHaveLength(1);
    expect(tableRow(detail.text, 'Period')).toEqual(ALPHA_TOTAL);
    expect((await buyer.get('/portal/partners/no-such-partner')).status).toBe(404);
  });

  it('renders the charts in Chromium (README screenshots with PORTAL_DOC_SCREENSHOTS=1)', async () => {
    const artifacts = resolve('test-artifacts', 'scorecards');
    mkdirSync(artifacts, { recursive: true });
    const userDataDir = mkdtempSync(join(tmpdir(), 'sg-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const signIn = async (email: string) => {
        await page.goto(`${world.gateway.url}/portal/login`);
        await page.getByLabel('E-mail address').fill(email);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      };
      await signIn('clerk@alpha.example.com');
      await page.goto(`${world.gateway.url}/portal/scorecard`);
      await page.getByLabel('Period', { exact: true }).selectOption('3');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/months=3/);
      const chart = page.getByRole('img', { name: 'Acknowledgments on time' });
      const box = await chart.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(50);
      const bar = await page.locator('#chart-ack-on-time rect.chart-bar').first().boundingBox();
      expect(bar!.height).toBeGreaterThan(0);
      await page.screenshot({ path: join(artifacts, 'scorecard.png'), fullPage: true });
      if (DOC_IMAGES) await page.screenshot({ path: join(DOC_IMAGES, 'scorecard.png'), fullPage: true });

      await context.clearCookies();
      await signIn('buyer@mfg.example.com');
      await page.goto(`${world.gateway.url}/portal/partners`);
      await expect(page.locator(`#partner-${ALPHA.id} .badge`).textContent()).resolves.toBe('failing');
      await page.screenshot({ path: join(artifacts, 'partners.png'), fullPage: true });
      if (DOC_IMAGES) await page.screenshot({ path: join(DOC_IMAGES, 'partners.png'), fullPage: true });
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
