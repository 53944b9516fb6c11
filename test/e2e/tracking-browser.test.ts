import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { queryOnce } from '../support/postgres.js';
import {
  FormClient,
  issueThroughErp,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from '../integration/portal-support.js';
import { CHROMIUM, CHROMIUM_FLAGS, DOC_IMAGES } from '../support/browser.js';

/** Screenshots of every step, kept as test artifacts (gitignored). */
const ARTIFACTS = resolve('test-artifacts', 'tracking');

describe('message tracking in a real browser: a dead-lettered posting found by its PO number and replayed once', () => {
  let world: PortalWorld;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const BUYER = 'bea.buyer@mfg.example.com';
  const PO = '4640000101';
  let shot = 0;

  const snap = async (target: Page, name: string) => {
    await target.screenshot({
      path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const ledger = async () =>
    queryOnce<{ idempotency_key: string }>(
      world.db.url,
      `SELECT idempotency_key FROM erp_sim_entry WHERE external_reference = $1`,
      [`SG-CF-${PO}-0`],
    );

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    world = await startPortalWorld('tracking_browser');
    await seedPortalUser(world, { email: BUYER, role: 'buyer', displayName: 'Bea Buyer' });
    await seedPortalUser(world, {
      email: 'sam@alpha.example.com',
      role: 'supplier-user',
      partnerId: ALPHA.id,
    });
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id });
    // The ERP refuses every post while the supplier confirms the order: the confirmation's posting
    // exhausts its attempts (5, 50–200 ms apart in the test ERP settings) and is dead-lettered.
    const simulator = world.gateway.app.get(ErpConnections).embeddedSimulator()!;
    await simulator.faults.set({ operation: 'post', mode: 'fail', rate: 1 });
    const supplier = new FormClient(world.gateway.url);
    expect((await supplier.login('sam@alpha.example.com')).status).toBe(303);
    const answered = await supplier.submit(
      `/portal/orders/${PO}`,
      { l0_line: '10', l0_action: 'accept', l1_line: '20', l1_action: 'accept', formKey: 'd'.repeat(24) },
      `/portal/orders/${PO}/acknowledgment`,
    );
    expect(answered.status).toBe(303);
    await waitForPostings(world.db.url, 30_000);
    const [posting] = await queryOnce<{ status: string }>(
      world.db.url,
      `SELECT status FROM erp_posting WHERE kind = 'po-confirmation' AND business_key = $1`,
      [PO],
    );
    expect(posting!.status).toBe('dead');
    // The ERP is back; the posting stays dead until a person replays it.
    await simulator.faults.clear();

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

  /** Submits the form of the named button and waits for the page the answer redirects to. */
  const send = async (target: Page, button: string) => {
    await Promise.all([
      target.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 303),
      target.getByRole('button', { name: button }).click(),
    ]);
    await target.waitForLoadState();
  };

  it('a buyer finds the posting by PO number, opens its chain, replays it with a note; the ERP gets it once; a second replay is refused', async () => {
    await page.goto(`${world.gateway.url}/portal/login`);
    await page.getByLabel('E-mail address').fill(BUYER);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await send(page, 'Sign in');
    await page.goto(`${world.gateway.url}/portal/account`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tracking' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Message tracking');

    await page.getByRole('searchbox').fill(PO);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/\/portal\/tracking\?q=/);
    await expect(page.locator('caption').allTextContents()).resolves.toContain('Matched by Purchase order');
    await snap(page, 'search');
    await page.getByRole('link', { name: 'Open the whole chain' }).click();
    await page.waitForURL(/\/portal\/tracking\/chain/);
    const dead = page.locator('#chain li.erp-posting.problem');
    await expect(dead.locator('.badge').textContent()).resolves.toBe('dead-lettered');
    await expect(page.locator('#chain').textContent()).resolves.toContain(
      `purchase-order.issued ${PO} rev 0`,
    );
    await snap(page, 'chain-dead');
    if (DOC_IMAGES) await page.locator('main').screenshot({ path: join(DOC_IMAGES, 'tracking.png') });

    // A second tab keeps the chain as it was, replay form included (another operator, or a stale tab).
    const stale = await context.newPage();
    await stale.goto(page.url());

    const replayButton = dead.getByRole('button', { name: /^Replay dead letter \d+$/ });
    const letterId = /\d+$/.exec((await replayButton.textContent())!)![0];
    // The note is required: the browser does not send the form without it.
    await replayButton.click();
    await expect(
      dead
        .getByLabel('Why replay it (kept in the audit log)')
        .evaluate((el) => (el as unknown as { validity: { valid: boolean } }).validity.valid),
    ).resolves.toBe(false);
    await dead.getByLabel('Why replay it (kept in the audit log)').fill('ERP maintenance is over');
    await send(page, `Replay dead letter ${letterId}`);
    await expect(page.locator('.message.info').textContent()).resolves.toContain(
      `Dead letter ${letterId} (erp.post) was put back in the queue`,
    );
    await waitForPostings(world.db.url, 30_000);
    await page.reload();
    await expect(page.locator('#chain li.erp-posting .badge').textContent()).resolves.toBe('posted');
    await expect(page.locator('#chain').textContent()).resolves.toContain(`by user ${BUYER}`);
    await expect(page.getByRole('button', { name: `Replay dead letter ${letterId}` }).count()).resolves.toBe(
      0,
    );
    await snap(page, 'chain-replayed');

    // The ERP simulator's ledger: the confirmation exactly once, under the posting's own key.
    const [posting] = await queryOnce<{ idempotency_key: string }>(
      world.db.url,
      `SELECT idempotency_key FROM erp_posting WHERE kind = 'po-confirmation' AND business_key = $1`,
      [PO],
    );
    expect(await ledger()).toEqual([{ idempotency_key: posting!.idempotency_key }]);

    // The stale tab's form: refused, with the reason, and still nothing posted twice.
    await stale.getByLabel('Why replay it (kept in the audit log)').fill('again, to be sure');
    await send(stale, `Replay dead letter ${letterId}`);
    await expect(stale.locator('.message.error').textContent()).resolves.toContain(
      `Dead letter ${letterId} was already replayed`,
    );
    await snap(stale, 'second-replay-refused');
    await waitForPostings(world.db.url, 30_000);
    expect(await ledger()).toHaveLength(1);
    const audit = await queryOnce<{ actor_display: string; note: string }>(
      world.db.url,
      `SELECT actor_display, note FROM audit_log WHERE action = 'dead-letter.replayed' AND target_id = $1`,
      [letterId],
    );
    expect(audit).toEqual([{ actor_display: `user ${BUYER}`, note: 'ERP maintenance is over' }]);
    expect(dialogs).toEqual([]);
    await stale.close();
  }, 180_000);
});
