import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { eventually } from '../support/notification-peers.js';
import {
  FormClient,
  linkMailedTo,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/** What the gateway logged, line by line, instead of standard output. */
class LogCapture {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

describe('secrets in URLs stay out of logs and problem bodies', () => {
  let world: PortalWorld;
  const log = new LogCapture();

  beforeAll(async () => {
    world = await startPortalWorld('portal_log_redaction', { LOG_LEVEL: 'info' }, { logTo: log });
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
    await eventually('the last request line', () => log.lines.some((line) => line.includes('"url":"/me?')));
    // No line, nor the problem body, carries a secret ...
    for (const secret of [token, invitation, code, state, apiToken]) {
      expect(
        log.lines.filter((line) => line.includes(secret)),
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
        log.lines.some((line) => line.includes(`"url":"${url}"`)),
        url,
      ).toBe(true);
    expect(problem.body.instance).toBe('/me?access_token=[redacted]&page=2');
  });
});
