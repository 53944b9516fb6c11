import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalLoginService } from '../../src/portal/portal-login.service.js';
import { ALPHA, BRAVO } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { queryOnce } from '../support/postgres.js';
import {
  csrfOf,
  FormClient,
  linkMailedTo,
  PASSWORD,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

const WRONG = 'The e-mail address or the password is wrong.';

const cookieOf = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sg_portal='));

describe('portal sign-in: sessions, CSRF, lockout, resets, invitations, users', () => {
  let world: PortalWorld;
  const ADMIN_A = 'admin@alpha.example.com';

  beforeAll(async () => {
    world = await startPortalWorld('portal_auth', {
      PORTAL_LOCKOUT_ATTEMPTS: '3',
      PORTAL_LOCKOUT_MINUTES: '15',
    });
    await seedPortalUser(world, { email: ADMIN_A, role: 'supplier-admin', partnerId: ALPHA.id });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('signs in with a new session id, stored in the database, with HttpOnly SameSite=Lax cookies on /portal', async () => {
    const client = new FormClient(world.gateway.url);
    const page = await client.get('/portal/login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="password">Password</label>');
    const before = cookieOf(page)!;
    expect(before).toMatch(/; Path=\/portal; .*HttpOnly/);
    expect(before).toMatch(/SameSite=Lax/);
    const res = await client.agent
      .post('/portal/login')
      .redirects(0)
      .type('form')
      .send({ _csrf: csrfOf(page.text), email: ADMIN_A.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/portal/orders');
    const after = cookieOf(res)!;
    expect(after.split(';')[0]).not.toBe(before.split(';')[0]);
    const sid = decodeURIComponent(after.split(';')[0]!.slice('sg_portal='.length)).slice(2).split('.')[0];
    const [row] = await queryOnce<{ email: string }>(
      world.db.url,
      `SELECT u.email FROM portal_session s JOIN app_user u ON u.id = s.user_id WHERE s.sid = $1`,
      [sid],
    );
    expect(row?.email).toBe(ADMIN_A);
    // The old, anonymous session id is gone.
    const oldSid = decodeURIComponent(before.split(';')[0]!.slice('sg_portal='.length))
      .slice(2)
      .split('.')[0];
    expect(await queryOnce(world.db.url, `SELECT 1 FROM portal_session WHERE sid = $1`, [oldSid])).toEqual(
      [],
    );
    expect((await client.get('/portal/account')).text).toContain(ADMIN_A);
  });

  it('rejects a form with a missing or wrong CSRF token, and one from another session', async () => {
    const client = new FormClient(world.gateway.url);
    await client.login(ADMIN_A);
    const other = new FormClient(world.gateway.url);
    const otherToken = csrfOf((await other.get('/portal/login')).text);
    const ownToken = csrfOf((await client.get('/portal/account')).text);
    for (const token of [undefined, '', 'x'.repeat(43), otherToken]) {
      const res = await client.agent
        .post('/portal/logout-everywhere')
        .redirects(0)
        .type('form')
        .send(token === undefined ? {} : { _csrf: token });
      expect(res.status, `token ${token}`).toBe(403);
      expect(res.text).toContain('did not come from this site');
    }
    // Still signed in: nothing happened.
    expect((await client.get('/portal/account')).status).toBe(200);
    const login = await new FormClient(world.gateway.url).agent
      .post('/portal/login')
      .type('form')
      .send({ email: ADMIN_A, password: PASSWORD });
    expect(login.status).toBe(403);
    const ok = await client.agent.post('/portal/logout').redirects(0).type('form').send({ _csrf: ownToken });
    expect(ok.status).toBe(303);
    expect((await client.get('/portal/account')).status).toBe(303);
  });

  it('locks an account after repeated failures, refuses even the right password while locked, and audits it', async () => {
    const email = 'locked@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    // The seed set the password through a reset mail; the lock notice (sent without being awaited)
    // is looked for among the mails after it.
    const seeded = world.smtp.to(email).length;
    const client = new FormClient(world.gateway.url);
    for (let i = 0; i < 3; i++) {
      const res = await client.login(email, 'wrong password number ' + i);
      expect(res.status).toBe(401);
    }
    const refused = await client.login(email);
    expect(refused.status).toBe(401);
    // The page tells a locked account what it tells anyone; its owner is told by mail, with a reset link.
    expect(refused.text).toContain(WRONG);
    expect(refused.text).not.toContain('is locked');
    const { mail } = await linkMailedTo(world.smtp, email, 'password-reset', seeded);
    expect(mail.headers['subject']).toBe('Your supplier portal account is locked');
    expect(mail.text).toContain('locked for 15 minutes after 3 failed sign-in attempts');
    const audit = await queryOnce<{ action: string }>(
      world.db.url,
      `SELECT a.action FROM audit_log a JOIN app_user u ON u.id::text = a.target_id WHERE u.email = $1 ORDER BY a.id`,
      [email],
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['portal.login-failed', 'portal.account-locked', 'portal.login-refused']),
    );
    // When the lock lapses, the right password works again.
    await queryOnce(
      world.db.url,
      `UPDATE portal_credential SET locked_until = now() - interval '1 second'
        WHERE user_id = (SELECT id FROM app_user WHERE email = $1)`,
      [email],
    );
    expect((await client.login(email)).status).toBe(303);
    // An unknown address is told exactly what a wrong password is told.
    const unknown = await new FormClient(world.gateway.url).login('nobody@alpha.example.com');
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('The e-mail address or the password is wrong.');
  });

  it('runs at most PORTAL_LOCKOUT_ATTEMPTS password checks for wrong guesses sent at once, then refuses even the right one', async () => {
    const email = 'race@alpha.example.com';
    const id = await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const guessers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const client = new FormClient(world.gateway.url);
        return { client, csrf: csrfOf((await client.get('/portal/login')).text) };
      }),
    );
    const answers = await Promise.all(
      guessers.map(({ client, csrf }, i) =>
        client.agent
          .post('/portal/login')
          .redirects(0)
          .type('form')
          .send({ _csrf: csrf, email, password: `wrong guess number ${i}` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    const right = await new FormClient(world.gateway.url).login(email);
    expect(right.status).toBe(401);
    expect(right.text).toContain(WRONG);
    // Every password check leaves one of these two rows; a refusal before any check leaves the third.
    const audit = await queryOnce<{ action: string; n: number }>(
      world.db.url,
      `SELECT action, count(*)::int AS n FROM audit_log WHERE target_id = $1 GROUP BY action`,
      [id],
    );
    const count = (action: string) => audit.find((a) => a.action === action)?.n ?? 0;
    expect(count('portal.login-failed') + count('portal.account-locked')).toBe(3);
    expect(count('portal.account-locked')).toBe(1);
    expect(count('portal.login-refused')).toBe(8);
  });

  it('answers a locked account and an unknown address alike, in the same time class', async () => {
    const email = 'locked-alike@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    for (let i = 0; i < 3; i++)
      expect((await new FormClient(world.gateway.url).login(email, `wrong ${i}`)).status).toBe(401);
    const locked = await new FormClient(world.gateway.url).login(email);
    const unknown = await new FormClient(world.gateway.url).login('nobody-alike@alpha.example.com');
    expect([locked.status, unknown.status]).toEqual([401, 401]);
    // The same page, but for the address typed in and the CSRF token.
    const page = (html: string, typed: string) =>
      html.replaceAll(typed, '<email>').replace(/name="_csrf" value="[^"]+"/, '');
    expect(page(locked.text, email)).toBe(page(unknown.text, 'nobody-alike@alpha.example.com'));

    // Refusing a locked account runs a password check as an unknown address does: without it the
    // refusal took a few milliseconds against a hash verification's tens, telling accounts apart.
    const logins = world.gateway.app.get(PortalLoginService);
    const median = async (address: string) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const start = performance.now();
        const result = await logins.login(address, 'a guessed password');
        times.push(performance.now() - start);
        expect(result.ok).toBe(false);
      }
      return times.sort((a, b) => a - b)[3]!;
    };
    const unknownMs = await median('nobody-timed@alpha.example.com');
    const lockedMs = await median(email);
    expect(lockedMs).toBeGreaterThan(unknownMs * 0.6);
  });

  it('the last allowed attempt still signs in with the right password, lifting the lock it set in advance', async () => {
    const email = 'last-try@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const client = new FormClient(world.gateway.url);
    for (let i = 0; i < 2; i++) expect((await client.login(email, `wrong password ${i}`)).status).toBe(401);
    expect((await client.login(email)).status).toBe(303);
    const [row] = await queryOnce<{ failed_attempts: number; locked_until: string | null }>(
      world.db.url,
      `SELECT c.failed_attempts, c.locked_until FROM portal_credential c JOIN app_user u ON u.id = c.user_id WHERE u.email = $1`,
      [email],
    );
    expect(row).toEqual({ failed_attempts: 0, locked_until: null });
  });

  it('a reset link works once, ends every session of the user, and a new password signs in', async () => {
    const email = 'reset@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const elsewhere = new FormClient(world.gateway.url);
    expect((await elsewhere.login(email)).status).toBe(303);
    const before = world.smtp.to(email).length;
    const asked = await new FormClient(world.gateway.url).submit('/portal/password-reset', { email });
    expect(asked.status).toBe(303);
    const { path, mail } = await linkMailedTo(world.smtp, email, 'password-reset', before);
    expect(mail.headers.subject).toContain('Reset');
    const browser = new FormClient(world.gateway.url);
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const next = 'a brand new passphrase 42';
    const used = await browser.submit(path, { password: next, confirm: next });
    expect(used.status).toBe(303);
    expect((await browser.get('/portal/orders')).status).toBe(200);
    // Second use: refused, whatever the password.
    const again = await new FormClient(world.gateway.url).agent
      .post(path)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        password: 'another passphrase 43',
        confirm: 'another passphrase 43',
      });
    expect([403, 410]).toContain(again.status);
    const second = new FormClient(world.gateway.url);
    const secondPage = await second.get(path);
    expect(secondPage.status).toBe(410);
    // The session opened before the reset is over; the old password no longer works.
    expect((await elsewhere.get('/portal/orders')).status).toBe(303);
    expect((await new FormClient(world.gateway.url).login(email)).status).toBe(401);
    expect((await new FormClient(world.gateway.url).login(email, next)).status).toBe(303);
    // An unknown address gets the same answer and no mail.
    const count = world.smtp.mails.length;
    const unknown = await new FormClient(world.gateway.url).submit('/portal/password-reset', {
      email: 'ghost@alpha.example.com',
    });
    expect(unknown.status).toBe(303);
    expect(world.smtp.mails.length).toBe(count);
  });

  it('logs out everywhere: every session of the user ends', async () => {
    const email = 'everywhere@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const laptop = new FormClient(world.gateway.url);
    const phone = new FormClient(world.gateway.url);
    await laptop.login(email);
    await phone.login(email);
    expect((await phone.get('/portal/orders')).status).toBe(200);
    const res = await laptop.submit('/portal/account', {}, '/portal/logout-everywhere');
    expect(res.status).toBe(303);
    expect((await phone.get('/portal/orders')).status).toBe(303);
    expect((await laptop.get('/portal/orders')).status).toBe(303);
    const [count] = await queryOnce<{ n: string }>(
      world.db.url,
      `SELECT count(*)::text AS n FROM portal_session s JOIN app_user u ON u.id = s.user_id WHERE u.email = $1`,
      [email],
    );
    expect(count?.n).toBe('0');
  });

  it('a supplier admin invites, the invitee accepts once, and the admin deactivates them (sessions end)', async () => {
    const admin = new FormClient(world.gateway.url);
    await admin.login(ADMIN_A);
    const email = 'new.colleague@alpha.example.com';
    const invited = await admin.submit('/portal/users', {
      displayName: 'New Colleague',
      email,
      role: 'supplier-user',
    });
    expect(invited.status).toBe(303);
    const { path, mail } = await linkMailedTo(world.smtp, email, 'invitations');
    expect(mail.text).toContain('New Colleague');
    const invitee = new FormClient(world.gateway.url);
    const accepted = await invitee.submit(path, {
      displayName: 'New Colleague',
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(accepted.status).toBe(303);
    expect((await invitee.get('/portal/orders')).status).toBe(200);
    expect((await new FormClient(world.gateway.url).get(path)).status).toBe(410);

    const users = (await admin.get('/portal/users')).text;
    expect(users).toContain(email);
    const [{ id } = { id: '' }] = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT id::text AS id FROM app_user WHERE email = $1`,
      [email],
    );
    expect(users).toContain(`/portal/users/${id}/deactivate`);
    expect((await admin.submit('/portal/users', {}, `/portal/users/${id}/deactivate`)).status).toBe(303);
    expect((await invitee.get('/portal/orders')).status).toBe(303);
    expect((await new FormClient(world.gateway.url).login(email)).status).toBe(401);

    const actions = await queryOnce<{ action: string; actor_display: string }>(
      world.db.url,
      `SELECT action, actor_display FROM audit_log WHERE target_id = $1 ORDER BY id`,
      [id],
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'user.added',
        'portal.invitation-sent',
        'portal.invitation-accepted',
        'user.deactivated',
      ]),
    );
    expect(actions.find((a) => a.action === 'user.deactivated')?.actor_display).toContain(ADMIN_A);
  });

  it("a supplier admin sees and changes only its own partner's users; a supplier user manages none", async () => {
    const bravoUser = 'user@bravo.example.com';
    const bravoId = await seedPortalUser(world, {
      email: bravoUser,
      role: 'supplier-user',
      partnerId: BRAVO.id,
    });
    const admin = new FormClient(world.gateway.url);
    await admin.login(ADMIN_A);
    expect((await admin.get('/portal/users')).text).not.toContain(bravoUser);
    const res = await admin.submit('/portal/users', {}, `/portal/users/${bravoId}/deactivate`);
    expect(res.status).toBe(404);
    const [row] = await queryOnce<{ active: boolean }>(
      world.db.url,
      `SELECT active FROM app_user WHERE id = $1`,
      [bravoId],
    );
    expect(row?.active).toBe(true);
    const user = new FormClient(world.gateway.url);
    await user.login(bravoUser);
    expect((await user.get('/portal/users')).status).toBe(403);
  });
});
