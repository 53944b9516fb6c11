import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  FormClient,
  linkMailedTo,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

describe('secrets in URLs stay out of logs and problem bodies; reset mails do not flood', () => {
  let world: PortalWorld;
  /** What the gateway logged, line by line, instead of standard output. */
  const logged: string[] = [];

  beforeAll(async () => {
    world = await startPortalWorld(
      'portal_log_redaction',
      { LOG_LEVEL: 'info' },
      { onLog: (line) => logged.push(line) },
    );
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('a reset link, an invitation link, an SSO callback’s code and a token parameter are never logged', async () => {
    const email = 'redact@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const before = world.smtp.to(email).length;
    const asked = await new FormClient(world.gateway.url).submit('/portal/password-reset', { email });
    expect(asked.status).toBe(303);
    const { path } = await linkMailedTo(world.smtp, email, 'password-reset', before);
    const token = path.split('/').pop()!;
    const browser = new FormClient(world.gateway.url);
    expect((await browser.get(path)).status).toBe(200);
    // A refused form on the link's page (400) is logged as a warning, with its URL.
    const differ = await browser.submit(path, { password: 'one passphrase 1', confirm: 'another 2' });
    expect(differ.status).toBe(400);

    const invitation = 'Inv1tat10nT0kenThatIsNotValidButSecretAnyway_123456';
    expect((await browser.get(`/portal/invitations/${invitation}`)).status).toBe(410);
    const code = 'AuthorizationCodeFromTheIdP42';
    const state = 'StateBoundToTheSession42';
    const callback = await browser.get(`/portal/sso/callback?code=${code}&state=${state}`);
    expect(callback.status).toBe(404);

    const apiToken = 'QueryStringTokenThatIsSecret42';
    const problem = await request(world.gateway.url).get(`/me?access_token=${apiToken}&page=2`);
    expect(problem.status).toBe(401);

    // The last request is logged once its answer is finished; the earlier ones were before it.
    await eventually('the last request line', () => logged.some((line) => line.includes('"url":"/me?')));
    // No line, nor the problem body, carries a secret ...
    for (const secret of [token, invitation, code, state, apiToken]) {
      expect(
        logged.filter((line) => line.includes(secret)),
        secret,
      ).toEqual([]);
      expect(JSON.stringify(problem.body), secret).not.toContain(secret);
    }
    // ... while the requests were logged, with their URLs masked.
    for (const url of [
      '/portal/password-reset/[redacted]',
      '/portal/invitations/[redacted]',
      '/portal/sso/callback?code=[redacted]&state=[redacted]',
      '/me?access_token=[redacted]&page=2',
    ])
      expect(
        logged.some((line) => line.includes(`"url":"${url}"`)),
        url,
      ).toBe(true);
    expect(problem.body.instance).toBe('/me?access_token=[redacted]&page=2');
  });

  it('mails one reset link while it is fresh and open, however often it is asked for, and answers alike', async () => {
    const email = 'flood@alpha.example.com';
    const id = await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const before = world.smtp.to(email).length;
    const ask = async (address: string) => {
      const client = new FormClient(world.gateway.url);
      const res = await client.submit('/portal/password-reset', { email: address });
      return {
        status: res.status,
        location: res.headers.location,
        page: (await client.get('/portal/login')).text,
      };
    };
    const answers = [await ask(email), await ask(email), await ask(email)];
    const { path } = await linkMailedTo(world.smtp, email, 'password-reset', before);
    // An unknown address, a first request and a held-back one read the same.
    const unknown = await ask('nobody-here@alpha.example.com');
    for (const answer of answers) {
      expect(answer.status).toBe(303);
      expect(answer.location).toBe(unknown.location);
      expect(answer.page).toContain('If an account exists for that address');
    }
    const refused = await queryOnce<{ reason: string }>(
      world.db.url,
      `SELECT after->>'reason' AS reason FROM audit_log WHERE action = 'portal.password-reset-refused' AND target_id = $1`,
      [id],
    );
    expect(world.smtp.to(email).length - before).toBe(1);
    expect(refused.map((r) => r.reason)).toEqual(['sent-recently', 'sent-recently']);

    // Once the link is older than the interval, a new request mails a new link and voids the old one.
    await queryOnce(
      world.db.url,
      `UPDATE portal_link SET created_at = created_at - interval '6 minutes' WHERE user_id = $1 AND used_at IS NULL`,
      [id],
    );
    await ask(email);
    const next = await linkMailedTo(world.smtp, email, 'password-reset', before + 1);
    expect(next.path).not.toBe(path);
    expect((await new FormClient(world.gateway.url).get(path)).status).toBe(410);
  });

  it('answers a reset request for a known address without waiting for the mail server; the mail follows', async () => {
    const email = 'slow-mail@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const before = world.smtp.to(email).length;
    // A mail server that takes its time: had the answer waited for it, it would come only after the
    // release below, and tell a known address from an unknown one by its delay.
    const held = world.smtp.hold();
    const releaseLater = setTimeout(() => held.release(), 5_000);
    try {
      const asked = await new FormClient(world.gateway.url).submit('/portal/password-reset', { email });
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe('/portal/login');
      expect(held.released, 'the answer waited for the mail server').toBe(false);
      expect(world.smtp.to(email).length).toBe(before);
    } finally {
      clearTimeout(releaseLater);
      held.release();
    }
    const { path } = await linkMailedTo(world.smtp, email, 'password-reset', before);
    expect((await new FormClient(world.gateway.url).get(path)).status).toBe(200);
  });

  it('with the mail server down, a known address is answered like an unknown one; the mail goes out once it is back', async () => {
    const email = 'mail-outage@alpha.example.com';
    await seedPortalUser(world, { email, role: 'supplier-user', partnerId: ALPHA.id });
    const before = world.smtp.to(email).length;
    /** The answer and the flash message of the page it leads to. */
    const ask = async (address: string) => {
      const client = new FormClient(world.gateway.url);
      const res = await client.submit('/portal/password-reset', { email: address });
      const page = (await client.get(res.headers.location!)).text;
      return {
        status: res.status,
        location: res.headers.location,
        flash: /<p class="message (?:info|error)">([^<]*)</.exec(page)?.[1],
      };
    };
    await world.smtp.stop();
    let known;
    try {
      known = await ask(email);
      expect(known.flash).toContain('If an account exists for that address');
      // The mail's first try fails while the server is down, and is logged; it is tried again.
      await eventually('a failed reset mail logged', () =>
        logged.some((line) => line.includes('"job":"portal.reset-mail"') && line.includes('will retry')),
      );
    } finally {
      await world.smtp.start();
    }
    expect(known).toEqual(await ask('nobody-at-all@alpha.example.com'));
    const { path } = await linkMailedTo(world.smtp, email, 'password-reset', before);
    expect((await new FormClient(world.gateway.url).get(path)).status).toBe(200);
  });
});

describe('the portal’s sign-in and reset pages are throttled per e-mail address and per client address', () => {
  let world: PortalWorld;

  beforeAll(async () => {
    world = await startPortalWorld('portal_throttle', {
      PORTAL_THROTTLE_PER_EMAIL: '3',
      PORTAL_THROTTLE_PER_IP: '5',
    });
  });
  afterAll(async () => {
    await world?.stop();
  });

  const attempt = (email: string) => new FormClient(world.gateway.url).login(email, 'some guessed password');

  it('asks politely to wait past the limits, checks no password then, and counts resets with sign-ins', async () => {
    const target = 'target@alpha.example.com';
    for (let i = 0; i < 3; i++) expect((await attempt(target)).status).toBe(401);
    const held = await attempt(target);
    expect(held.status).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect(held.text).toContain('Too many attempts for this address or from your network. Please wait');
    // The same address asking for a reset is held back too, before any mail or lookup.
    const reset = await new FormClient(world.gateway.url).submit('/portal/password-reset', { email: target });
    expect(reset.status).toBe(429);
    expect(reset.text).toContain('Please wait');
    const checked = await queryOnce<{ n: number }>(
      world.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'portal.login-failed' AND after->>'email' = $1`,
      [target],
    );
    expect(checked[0]?.n).toBe(3);

    // Other addresses from the same client: the two held back counted against neither limit, so this
    // client has 2 of its 5 left, and the attempt after them is held back by its address.
    expect((await attempt('other@alpha.example.com')).status).toBe(401);
    expect((await attempt('other@alpha.example.com')).status).toBe(401);
    const byAddress = await attempt('third@alpha.example.com');
    expect(byAddress.status).toBe(429);
    // Without TRUST_PROXY, X-Forwarded-For is the caller's own text: naming another address escapes nothing.
    const spoofing = new FormClient(world.gateway.url);
    spoofing.agent.set('x-forwarded-for', '203.0.113.99');
    expect((await spoofing.login('fourth@alpha.example.com', 'some guessed password')).status).toBe(429);
  });
});
