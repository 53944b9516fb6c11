import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpeningBalancesService } from '../../src/replenishment/balances/opening-balances.service.js';
import { ALPHA, BRAVO } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  FormClient,
  issueThroughErp,
  orderLines,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from '../integration/portal-support.js';
import { CHROMIUM, CHROMIUM_FLAGS, DOC_IMAGES } from '../support/browser.js';

const ARTIFACTS = resolve('test-artifacts', 'workbench');

describe('the buyer’s exception workbench in a real browser (Chromium, no test hooks in the pages)', () => {
  let world: PortalWorld;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const BUYER = 'bea.buyer@mfg.example.com';
  const SUPPLIER = 'anna.admin@alpha.example.com';
  const PASSWORD = 'correct horse battery staple';
  const PO = '4640000101';
  let shot = 0;

  const snap = async (name: string) => {
    await page.screenshot({
      path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };

  /** A supplier's answer without a browser, for the other rows of the queue. */
  const answered = async (client: FormClient, poNumber: string, change: Record<string, string>) => {
    const res = await client.submit(
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
    expect(res.status).toBe(303);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    world = await startPortalWorld('workbench_browser');
    await seedPortalUser(world, { email: BUYER, role: 'buyer', displayName: 'Bea Buyer' });
    await seedPortalUser(world, { email: SUPPLIER, role: 'supplier-admin', partnerId: ALPHA.id });
    await seedPortalUser(world, {
      email: 'bo@bravo.example.com',
      role: 'supplier-admin',
      partnerId: BRAVO.id,
    });
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id });
    // Other suppliers' changes, so the queue has an order to show.
    const alpha = new FormClient(world.gateway.url);
    await alpha.login(SUPPLIER);
    const bravo = new FormClient(world.gateway.url);
    await bravo.login('bo@bravo.example.com');
    for (const [n, client, change] of [
      [102, alpha, { l1_quantity: '100' }],
      [103, bravo, { l1_date: '2026-12-22' }],
      [104, bravo, { l1_price: '41.9' }],
    ] as const) {
      const poNumber = `4640000${n}`;
      await issueThroughErp(world, {
        poNumber,
        partnerId: client === alpha ? ALPHA.id : BRAVO.id,
        // Another material on line 20, so the projection below has one order line of housings.
        lines: orderLines().map((l) => (l.lineNumber === '20' ? { ...l, material: 'CMP-BOLT-M8' } : l)),
      });
      await answered(client, poNumber, change);
    }
    // The plant has 100 housings and 150 allocated to production: short until the ordered 140 arrive.
    await eventually('master data from the ERP', async () => {
      const [row] = await queryOnce<{ n: number }>(
        world.db.url,
        `SELECT count(*)::int AS n FROM master_material`,
      );
      return row!.n > 0;
    });
    await world.gateway.app.get(OpeningBalancesService).apply('wms', new Date().toISOString(), [
      {
        plant: '1000',
        material: 'CMP-HOUSING-C1',
        quantity: { value: '100', unit: 'H87' },
        allocated: { value: '150', unit: 'H87' },
      },
    ]);
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

  const send = async (button: string) => {
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 303),
      page.getByRole('button', { name: button }).click(),
    ]);
    await page.waitForLoadState();
  };
  const signIn = async (email: string) => {
    await page.goto(`${world.gateway.url}/portal/login`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await send('Sign in');
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  };

  it('a supplier’s changed line reaches the buyer, who sees its projected impact and accepts it; the ERP gets the confirmation once', async () => {
    // The supplier confirms line 10 and moves line 20 five days later (beyond the 0-day tolerance).
    await signIn(SUPPLIER);
    await page.goto(`${world.gateway.url}/portal/orders/${PO}`);
    await page.getByRole('radio', { name: 'Change' }).nth(1).check();
    await page.getByLabel('Delivery date').nth(1).fill('2026-12-15');
    await send('Send the answer');
    await expect(page.locator('.message.info').textContent()).resolves.toContain(
      'Your acknowledgment was received',
    );
    await snap('supplier-answered');
    await send('Sign out');

    // The buyer lands on the workbench: the case is in the queue.
    await signIn(BUYER);
    expect(new URL(page.url()).pathname).toBe('/portal/workbench');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Exceptions');
    const row = page.locator('#exceptions tbody tr', { hasText: PO });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain('acknowledgment.date-changed');
    await expect(page.locator('#exceptions tbody tr').count()).resolves.toBeGreaterThanOrEqual(4);
    await snap('queue');
    if (DOC_IMAGES) await page.screenshot({ path: join(DOC_IMAGES, 'workbench.png') });

    // The exception: the asked date against the ordered one, and the projection with and without it.
    await row.getByRole('link').click();
    await page.waitForURL(/\/portal\/workbench\/[0-9a-f-]{36}$/);
    const asked = page.locator('#asked tr.differs');
    await expect(asked.count()).resolves.toBe(1);
    await expect(asked.textContent()).resolves.toMatch(/Delivery date\s*2026-12-10\s*2026-12-15/);
    const day = (date: string) =>
      page
        .locator('#projection tbody tr', { has: page.locator('th', { hasText: date }) })
        .locator('td')
        .allTextContents();
    // As ordered the 140 arrive on Dec 10 (−50 + 140 = 90); as asked, the plant is still 50 short that day.
    await expect(day('2026-12-10')).resolves.toEqual(['140', '90', '0', '-50']);
    await expect(day('2026-12-15')).resolves.toEqual(['0', '90', '140', '90']);
    const shortage = await page.locator('#shortage').textContent();
    expect(shortage).toMatch(/Short until, without the change\s*2026-12-10/);
    expect(shortage).toMatch(/Short until, with the change\s*2026-12-15/);
    await snap('exception');
    if (DOC_IMAGES)
      await page.screenshot({ path: join(DOC_IMAGES, 'workbench-exception.png'), fullPage: true });

    await page.getByLabel('Note (optional)').fill('production can start on the 16th');
    await send('Accept the change');
    await expect(page.locator('.message.info').textContent()).resolves.toContain('Accepted.');
    await expect(page.locator('#case-state').textContent()).resolves.toBe('accepted');
    await expect(page.locator('#case-history').textContent()).resolves.toContain(
      'production can start on the 16th',
    );
    await snap('accepted');

    // The ERP simulator's ledger: the acknowledgment confirmed line 10, the buyer's accept line 20 — once.
    await waitForPostings(world.db.url, 30_000);
    const ledger = await queryOnce<{
      kind: string;
      operation: string;
      lines: { lineNumber: string; deliveryDate: string }[];
    }>(
      world.db.url,
      `SELECT e.kind, e.operation,
              (SELECT jsonb_agg(jsonb_build_object('lineNumber', l->>'lineNumber', 'deliveryDate', l->>'deliveryDate') ORDER BY l->>'lineNumber')
                 FROM jsonb_array_elements(d.body->'lines') l) AS lines
         FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number)
        WHERE d.po_number = $1 ORDER BY e.id`,
      [PO],
    );
    expect(ledger).toEqual([
      {
        kind: 'po-confirmation',
        operation: 'post',
        lines: [{ lineNumber: '10', deliveryDate: '2026-12-04' }],
      },
      {
        kind: 'po-confirmation',
        operation: 'post',
        lines: [{ lineNumber: '20', deliveryDate: '2026-12-15' }],
      },
    ]);
    // Back in the queue, the accepted case is gone from what waits for a buyer.
    await page.getByRole('link', { name: '← Exceptions' }).click();
    await expect(page.locator('#exceptions tbody tr', { hasText: PO }).count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
  }, 180_000);
});
