import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { waitForPostings } from '../support/erp.js';
import { queryOnce } from '../support/postgres.js';
import {
  changeThroughErp,
  issueThroughErp,
  linkMailedTo,
  orderLines,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from '../integration/portal-support.js';
import { CHROMIUM, CHROMIUM_FLAGS, DOC_IMAGES } from '../support/browser.js';

/** Screenshots of every step, kept as test artifacts (gitignored). */
const ARTIFACTS = resolve('test-artifacts', 'portal');

describe('the supplier portal in a real browser (Chromium, no test hooks in the pages)', () => {
  let world: PortalWorld;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const OPERATOR = 'operator@mfg.example.com';
  const SUPPLIER_ADMIN = 'anna.admin@alpha.example.com';
  const SUPPLIER_USER = 'sam.clerk@alpha.example.com';
  const PASSWORD_ADMIN = 'a long admin passphrase 2026';
  const PASSWORD_USER = 'the clerk passphrase is long';
  const PO = '4610000301';
  let shot = 0;

  const snap = async (name: string) => {
    await page.screenshot({
      path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    world = await startPortalWorld('portal_browser');
    await seedPortalUser(world, { email: OPERATOR, role: 'admin', displayName: 'Olga Operator' });
    // Orders of the supplier: the one the test answers, and a few more for the inbox.
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id, orderDate: '2026-11-27' });
    for (const [n, date] of [
      [302, '2026-11-20'],
      [303, '2026-11-24'],
      [304, '2026-11-25'],
    ] as const)
      await issueThroughErp(world, {
        poNumber: `4610000${n}`,
        partnerId: ALPHA.id,
        orderDate: date,
        lines: orderLines(n === 303 ? { material: '<img src=x onerror=alert(1)>' } : {}),
      });
    userDataDir = mkdtempSync(join(tmpdir(), 'sg-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Any script a partner's data could smuggle in would open a dialog: there must be none.
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
  const send = async (button: string) => {
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 303),
      page.getByRole('button', { name: button }).click(),
    ]);
    await page.waitForLoadState();
  };
  const signIn = async (email: string, password: string) => {
    await page.goto(`${world.gateway.url}/portal/login`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await send('Sign in');
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  };
  const signOut = async () => {
    await send('Sign out');
    await page.waitForURL(/\/portal\/login/);
  };
  const acceptInvitation = async (email: string, name: string, password: string) => {
    const { path } = await linkMailedTo(world.smtp, email, 'invitations');
    await page.goto(`${world.gateway.url}${path}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Accept your invitation',
    );
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('New password again').fill(password);
    await snap(`invitation-${email.split('@')[0]}`);
    await send('Accept and sign in');
    await page.waitForURL(/\/portal\/orders/);
  };

  it('invitations, sign-in, an acknowledgment with one changed line and a change answer reach the ERP as EDI would', async () => {
    // The operator invites the supplier's first admin.
    await signIn(OPERATOR, 'correct horse battery staple');
    await page.goto(`${world.gateway.url}/portal/users`);
    await page.getByLabel('Name', { exact: true }).fill('Anna Admin');
    await page.getByLabel('E-mail address').fill(SUPPLIER_ADMIN);
    await page.getByLabel('Role', { exact: true }).selectOption('supplier-admin');
    await page.getByLabel('Partner (for supplier roles)').selectOption(ALPHA.id);
    await send('Send the invitation');
    await snap('operator-invited');
    await expect(page.locator('.message.info').textContent()).resolves.toContain(
      `Invitation sent to ${SUPPLIER_ADMIN}`,
    );
    await signOut();

    // The supplier admin accepts (link from the mail caught by the local SMTP server) and invites a colleague.
    await acceptInvitation(SUPPLIER_ADMIN, 'Anna Admin', PASSWORD_ADMIN);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Sam Clerk');
    await page.getByLabel('E-mail address').fill(SUPPLIER_USER);
    await page.getByLabel('Role', { exact: true }).selectOption('supplier-user');
    await send('Send the invitation');
    await snap('users');
    await signOut();
    await acceptInvitation(SUPPLIER_USER, 'Sam Clerk', PASSWORD_USER);
    await signOut();

    // The supplier user signs in with the password and finds the order in the inbox.
    await signIn(SUPPLIER_USER, PASSWORD_USER);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Purchase orders');
    await expect(page.locator('#orders tbody tr').count()).resolves.toBe(4);
    await snap('inbox');
    if (DOC_IMAGES) await page.screenshot({ path: join(DOC_IMAGES, 'portal-inbox.png') });
    await page.getByLabel('PO number or item').fill(PO);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('#orders tbody tr').count()).resolves.toBe(1);
    await page.getByRole('link', { name: PO }).click();

    // Line 10 accepted, line 20 five days later than ordered (beyond the partner's 0-day tolerance).
    await page.getByRole('radio', { name: 'Change' }).nth(1).check();
    await page.getByLabel('Delivery date').nth(1).fill('2026-12-15');
    await snap('acknowledgment-form');
    await send('Send the answer');
    await snap('acknowledgment-sent');
    await expect(page.locator('.message.info').textContent()).resolves.toContain(
      'Your acknowledgment was received',
    );
    await expect(page.locator('#lines').textContent()).resolves.toContain('changed');
    await snap('acknowledged');

    // The ERP changes line 10; the supplier answers the change, accepting it.
    await changeThroughErp(world, PO, [{ lineNumber: '10', quantity: '5200' }]);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Answer the change (revision 1)' }).count()).resolves.toBe(
      1,
    );
    await send('Send the answer');
    await snap('change-answered');
    await expect(page.locator('.message.info').textContent()).resolves.toContain(
      'Your answer to the change was received',
    );
    await snap('timeline');
    if (DOC_IMAGES) await page.locator('main').screenshot({ path: join(DOC_IMAGES, 'portal-timeline.png') });
    const timeline = await page.locator('#timeline').textContent();
    expect(timeline).toContain('Order issued');
    expect(timeline).toContain('You acknowledged the order');
    expect(timeline).toContain('Order changed by the buyer');
    expect(timeline).toContain('You answered the change');
    expect(timeline).toContain('acknowledgment.date-changed');

    // The ERP simulator's ledger: the acknowledgment confirmed line 10 only (line 20 waits for the
    // buyer), the change answer confirmed both lines of revision 1, exactly as 855/865 answers would.
    await waitForPostings(world.db.url, 30_000);
    const ledger = await queryOnce<{
      kind: string;
      operation: string;
      lines: { lineNumber: string; quantity: string }[];
    }>(
      world.db.url,
      `SELECT e.kind, e.operation,
              (SELECT jsonb_agg(jsonb_build_object('lineNumber', l->>'lineNumber', 'quantity', l->>'quantity') ORDER BY l->>'lineNumber')
                 FROM jsonb_array_elements(d.body->'lines') l) AS lines
         FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number)
        WHERE d.po_number = $1 ORDER BY e.id`,
      [PO],
    );
    expect(ledger).toEqual([
      { kind: 'po-confirmation', operation: 'post', lines: [{ lineNumber: '10', quantity: '4800' }] },
      {
        kind: 'po-confirmation',
        operation: 'post',
        lines: [
          { lineNumber: '10', quantity: '5200' },
          { lineNumber: '20', quantity: '140' },
        ],
      },
    ]);
    const archived = await queryOnce<{ route: string; status: string }>(
      world.db.url,
      `SELECT metadata->>'route' AS route, status FROM interchange
        WHERE metadata->>'poNumber' = $1 AND direction = 'inbound' ORDER BY id`,
      [PO],
    );
    expect(archived).toEqual([
      { route: 'portal acknowledgment', status: 'processed' },
      { route: 'portal change-answer', status: 'processed' },
    ]);

    // The order with a hostile item name, and the inbox showing it: shown as text, nothing runs.
    await page.goto(`${world.gateway.url}/portal/orders/4610000303`);
    await expect(page.locator('#lines').textContent()).resolves.toContain('<img src=x onerror=alert(1)>');
    await page.goto(`${world.gateway.url}/portal/orders?tab=all`);
    await snap('inbox-after');
    expect(dialogs).toEqual([]);
  }, 180_000);

  it('is usable from the keyboard: a skip link first, labelled fields, focus that can be seen', async () => {
    await context.clearCookies();
    await seedPortalUser(world, {
      email: 'kim.keyboard@alpha.example.com',
      role: 'supplier-user',
      partnerId: ALPHA.id,
    });
    await signIn('kim.keyboard@alpha.example.com', 'correct horse battery staple');
    await page.goto(`${world.gateway.url}/portal/orders`);
    await page.keyboard.press('Tab');
    const first = await page.evaluate('document.activeElement?.textContent?.trim()');
    expect(first).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    // Every visible form control has a label (or a labelled group).
    const unlabelled =
      await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => !el.labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML)`);
    expect(unlabelled).toEqual([]);
    // Printing an order hides navigation and forms.
    await page.goto(`${world.gateway.url}/portal/orders/4610000302`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header nav').isVisible()).toBe(false);
    expect(await page.locator('#lines').isVisible()).toBe(true);
    expect(await page.locator('form[action$="/acknowledgment"]').isVisible()).toBe(false);
    await page.pdf?.({ path: join(ARTIFACTS, 'order-print.pdf') }).catch(() => undefined);
    await page.emulateMedia({ media: 'screen' });
  });
});
