import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../integration/portal-support.js';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/** `gateway …` as an operator runs it from a checkout, against the test database, with `input` on stdin. */
function gateway(db: TestDatabase, args: string[], input = '') {
  const result = spawnSync(process.execPath, ['bin/gateway.js', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'error',
    },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const messages = (html: string) =>
  [...html.matchAll(/<p class="message (info|error)">([^<]*)<\/p>/g)].map((m) => `${m[1]}: ${m[2]}`);

/**
 * Without e-mail (the README's `npm start`) nobody could sign in: passwords were only set through
 * mailed links. `gateway users set-password` sets one from standard input, and the reset page says
 * what is wrong instead of "try again later".
 */
describe('gateway users set-password', () => {
  let db: TestDatabase;
  const EMAIL = 'olga.operator@mfg.example.com';
  const PASSWORD = 'a long enough passphrase';

  beforeAll(async () => {
    db = await createTestDatabase('users_cli');
    expect(gateway(db, ['migrate']).code).toBe(0);
    const added = gateway(db, [
      'users',
      'add',
      '--email',
      EMAIL,
      '--name',
      'Olga',
      '--role',
      'admin',
      '--no-token',
    ]);
    expect({ code: added.code, stderr: added.stderr }).toEqual({ code: 0, stderr: '' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('sets a password read from stdin with the portal policy, never from argv, and the user signs in', async () => {
    const inArgv = gateway(db, ['users', 'set-password', EMAIL, PASSWORD]);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toMatch(/too many arguments/);
    expect(gateway(db, ['users', 'set-password', EMAIL], '')).toMatchObject({
      code: 2,
      stderr: 'no password on standard input\n',
    });
    expect(gateway(db, ['users', 'set-password', EMAIL], 'too short\n')).toMatchObject({
      code: 1,
      stderr: 'The password needs at least 12 characters.\n',
    });
    expect(gateway(db, ['users', 'set-password', 'nobody@mfg.example.com'], `${PASSWORD}\n`)).toMatchObject({
      code: 1,
      stderr: 'There is no user nobody@mfg.example.com.\n',
    });
    expect(gateway(db, ['users', 'set-password', EMAIL], `${PASSWORD}\n`)).toEqual({
      code: 0,
      stdout: `password set for ${EMAIL}\n`,
      stderr: '',
    });
    const [hash] = await queryOnce<{ password_hash: string }>(
      db.url,
      `SELECT c.password_hash FROM portal_credential c JOIN app_user u ON u.id = c.user_id WHERE u.email = $1`,
      [EMAIL],
    );
    expect(hash!.password_hash).toMatch(/^\$argon2id\$/);
    const [audited] = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'portal.password-set-by-operator'`,
    );
    expect(audited!.n).toBe(1);

    const logs: string[] = [];
    const running = await startTestGateway(
      { DATABASE_URL: db.url, TOKEN_SIGNING_KEY_FILE: signingKeyFile(), LOG_LEVEL: 'warn' },
      { onLog: (line) => logs.push(line) },
    );
    try {
      const wrong = await new FormClient(running.url).login(EMAIL, 'not the password at all');
      expect(wrong.status).toBe(401);
      const signedIn = await new FormClient(running.url).login(EMAIL, PASSWORD);
      expect(signedIn.status, signedIn.text.slice(0, 300)).toBe(303);
      expect(signedIn.headers.location).not.toMatch(/login/);

      // Without SMTP the reset page says so (for every address alike) and the operator is told at warn.
      for (const email of [EMAIL, 'nobody@mfg.example.com']) {
        const client = new FormClient(running.url);
        const asked = await client.submit('/portal/password-reset', { email });
        expect(asked.status).toBe(303);
        const page = await client.get(asked.headers.location!);
        expect(messages(page.text)).toEqual([
          'error: This gateway cannot send e-mail, so no reset link was sent. Ask the gateway administrator to set your password.',
        ]);
      }
      const warned = logs.map((l) => JSON.parse(l) as { level: number; msg: string; email?: string });
      expect(warned.filter((l) => l.msg.includes('gateway users set-password'))).toEqual([
        expect.objectContaining({ level: 40, email: EMAIL }),
        expect.objectContaining({ level: 40, email: 'nobody@mfg.example.com' }),
      ]);
    } finally {
      await running.stop();
    }
  });
});
