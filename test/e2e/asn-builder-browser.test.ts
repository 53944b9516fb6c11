import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidSscc } from '../../src/shipping/sscc.js';
import { ALPHA, partnersDir } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import { decodeBarcode } from '../support/zbar.js';
import {
  issueThroughErp,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from '../integration/portal-support.js';
import { CHROMIUM, CHROMIUM_FLAGS, DOC_IMAGES } from '../support/browser.js';

const ARTIFACTS = resolve('test-artifacts', 'asn-builder');
const PREFIX = '0614141';

describe('the ASN builder in a real browser: two orders, a pallet of two cartons and a loose carton', () => {
  let world: PortalWorld;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let noticeUrl: string;
  const dialogs: string[] = [];
  const USER = 'paula.packer@alpha.example.com';
  const PO_1 = '4650000001';
  const PO_2 = '4650000002';
  let shot = 0;

  const snap = async (name: string) => {
    await page.screenshot({
      path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  /** Clicks a button whose form posts, and waits for the page the answer redirects to. */
  const send = async (button: string, within = page.locator('main')) => {
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 303),
      within.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.waitForLoadState();
  };
  const carton = (label: string) => page.getByRole('article', { name: label, exact: true });
  const inboundDeliveries = () =>
    queryOnce<{ operation: string; document: string }>(
      world.db.url,
      `SELECT operation, document_number AS document FROM erp_sim_entry WHERE kind = 'inbound-delivery' ORDER BY id`,
    );

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const partners = partnersDir();
    appendFileSync(
      join(partners, `${ALPHA.id}.yaml`),
      `shipping:\n  gs1CompanyPrefix: '${PREFIX}'\n  extensionDigit: 1\n`,
    );
    world = await startPortalWorld('asn_builder_browser', { PARTNERS_DIR: partners });
    await seedPortalUser(world, {
      email: USER,
      role: 'supplier-user',
      partnerId: ALPHA.id,
      displayName: 'Paula Packer',
    });
    for (const po of [PO_1, PO_2]) await issueThroughErp(world, { poNumber: po, partnerId: ALPHA.id });
    userDataDir = mkdtempSync(join(tmpdir(), 'sg-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await world?.stop();
  });

  it('builds, checks and submits one notice for two orders; the ERP records one inbound delivery', async () => {
    await page.goto(`${world.gateway.url}/portal/login`);
    await page.getByLabel('E-mail address').fill(USER);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await send('Sign in');
    // The supplier acknowledges both orders as ordered.
    for (const po of [PO_1, PO_2]) {
      await page.goto(`${world.gateway.url}/portal/orders/${po}`);
      await send('Send the answer');
    }
    await eventually('both orders acknowledged', async () => {
      const rows = await queryOnce(
        world.db.url,
        `SELECT 1 FROM purchase_order WHERE po_number = ANY($1) AND state = 'acknowledged'`,
        [[PO_1, PO_2]],
      );
      return rows.length === 2;
    });

    // From the first order's page: a new notice with that order chosen; the supplier adds the second.
    await page.goto(`${world.gateway.url}/portal/orders/${PO_1}`);
    await page.getByRole('link', { name: 'Ship this order' }).click();
    await expect(page.getByLabel(`Purchase order ${PO_1}`).isChecked()).resolves.toBe(true);
    await page.getByLabel(`Purchase order ${PO_2}`).check();
    await page.getByLabel(/^Shipment number/).fill('PS-90001');
    await snap('new-notice');
    await send('Start the ship notice');
    noticeUrl = page.url();
    expect(noticeUrl).toMatch(/\/portal\/shipments\/\d+$/);

    // The shipment: date, carrier and tracking.
    await page.getByLabel('Ship date and time (UTC)').fill('2026-12-03T14:00');
    await page.getByLabel('Expected delivery (UTC)').fill('2026-12-05T08:00');
    await page.getByLabel('Ship from').fill('Alpha Supply, Plant 2');
    await page.getByLabel('Carrier SCAC').fill('ABCD');
    await page.getByLabel('Carrier name').fill('Road Freight AB');
    await page.getByLabel('Transport').selectOption('road');
    await page.getByLabel('Tracking numbers (comma separated)').fill('TRK-0001');
    await send('Save the shipment details');

    // Pack: one pallet with both orders' cartons, line 20 of the first order in a loose carton.
    await send('Add a pallet');
    for (let i = 0; i < 2; i++) {
      await carton('Loose carton 1').getByLabel('Move to').selectOption({ label: 'Pallet 1' });
      await send('Move Loose carton 1');
    }
    await send('Add a loose carton');
    await send(`Take ${PO_1} / 20 out`, carton('Carton 1 on pallet 1'));
    await send(`Take ${PO_2} / 20 out`, carton('Carton 2 on pallet 1'));
    const loose = carton('Loose carton 1');
    await loose.getByLabel('Order line').selectOption({ label: `${PO_1} / 20 · CMP-HOUSING-C1 · 140 H87` });
    await loose.getByLabel('Quantity to pack').fill('140');
    await loose.getByLabel('Lots to pack').fill('L-2026-48');
    await send('Put into Loose carton 1', loose);
    await carton('Carton 1 on pallet 1').getByLabel('Quantity', { exact: true }).fill('2400');
    await send(`Save ${PO_1} / 10`);

    await page.goto(`${noticeUrl}?check=1`);
    await expect(page.locator('#problems h2').textContent()).resolves.toBe('Ready to submit');
    const ssccs = await page
      .locator('#packs [data-sscc]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-sscc')));
    expect(ssccs).toHaveLength(4);
    for (const sscc of ssccs) expect(sscc!.startsWith(`1${PREFIX}`) && isValidSscc(sscc!), sscc!).toBe(true);
    await snap('editor');
    if (DOC_IMAGES) await page.locator('main').screenshot({ path: join(DOC_IMAGES, 'asn-builder.png') });

    await send('Submit the ship notice');
    await expect(page.locator('.message.info').textContent()).resolves.toContain(
      'Ship notice PS-90001 was sent',
    );
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('submitted');
    await snap('submitted');
    await waitForPostings(world.db.url, 30_000);
    const posted = await inboundDeliveries();
    expect(posted.map((d) => d.operation)).toEqual(['post']);
    expect(dialogs).toEqual([]);
  }, 240_000);

  it('prints a label per pallet and carton whose barcode, screenshotted in Chromium, decodes to the SSCC', async () => {
    await page.goto(noticeUrl);
    await page.getByRole('link', { name: 'Print labels' }).click();
    await page.waitForLoadState();
    const labels = page.locator('section.label');
    await expect(labels.count()).resolves.toBe(4);
    const work = mkdtempSync(join(tmpdir(), 'sg-asn-labels-'));
    try {
      for (let i = 0; i < 4; i++) {
        const sscc = (await labels.nth(i).getAttribute('data-sscc'))!;
        const png = join(work, `label-${i}.png`);
        await labels.nth(i).locator('.barcode svg').screenshot({ path: png });
        const decoded = decodeBarcode(png);
        expect(decoded).toBe(`00${sscc}`);
        expect(isValidSscc(decoded.slice(2))).toBe(true);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    // A carton label (the second: the first carton on the pallet), as a printed label shows it.
    await labels.nth(1).screenshot({ path: join(ARTIFACTS, 'carton-label.png') });
    if (DOC_IMAGES) await labels.nth(1).screenshot({ path: join(DOC_IMAGES, 'asn-label.png') });
    await expect(labels.nth(1).textContent()).resolves.toContain(PO_1);
  }, 120_000);

  it('replacing the notice amends the same ERP delivery; cancelling, after confirming, reverses it', async () => {
    await page.goto(noticeUrl);
    await page.getByRole('link', { name: 'Replace' }).click();
    await page.waitForURL(/\/replace$/);
    await carton('Carton 1 on pallet 1').getByLabel('Quantity', { exact: true }).fill('2000');
    await send(`Save ${PO_1} / 10`);
    await send('Submit the replacement');
    await expect(page.locator('.message.info').textContent()).resolves.toContain('was replaced (revision 1)');
    await waitForPostings(world.db.url, 30_000);
    const amended = await inboundDeliveries();
    expect(amended.map((d) => d.operation)).toEqual(['post', 'amend']);
    expect(new Set(amended.map((d) => d.document)).size).toBe(1);
    const [line] = await queryOnce<{ shipped: string }>(
      world.db.url,
      `SELECT l.shipped_quantity::text AS shipped FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
        WHERE o.po_number = $1 AND l.line_number = '10'`,
      [PO_1],
    );
    expect(line!.shipped).toBe('2000');
    await page.goto(`${world.gateway.url}/portal/shipments`);
    await expect(page.locator('#shipments tbody').textContent()).resolves.toContain('replaced (revision 1)');
    await snap('list');

    await page.goto(noticeUrl);
    await page.getByRole('link', { name: 'Cancel', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Cancel ship notice',
    );
    await send('Yes, cancel the ship notice');
    await expect(page.locator('.message.info').textContent()).resolves.toContain('was cancelled');
    await waitForPostings(world.db.url, 30_000);
    expect((await inboundDeliveries()).map((d) => d.operation)).toEqual(['post', 'amend', 'reverse']);
    const audit = await queryOnce<{ action: string }>(
      world.db.url,
      `SELECT DISTINCT action FROM audit_log WHERE target_type = 'ship-notice-draft' AND actor_kind = 'user' ORDER BY action`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'ship-notice-draft.cancelled',
      'ship-notice-draft.created',
      'ship-notice-draft.submitted',
      'ship-notice-draft.updated',
    ]);
    expect(dialogs).toEqual([]);
  }, 120_000);
});
