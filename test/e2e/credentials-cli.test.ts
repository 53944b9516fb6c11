import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** `gateway …` as an operator runs it from a checkout, against the test database. */
function gateway(db: TestDatabase, args: string[]) {
  const result = spawnSync(process.execPath, ['bin/gateway.js', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'error',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const field = (stdout: string, name: string): string => {
  const match = new RegExp(`^${name}:\\s+(\\S+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no ${name} in:\n${stdout}`);
  return match[1]!;
};

describe('gateway clients | oauth-clients | api-keys', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('credentials_cli');
    expect(gateway(db, ['migrate']).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('registers OAuth2 clients and API keys that a running gateway accepts, and revokes them', async () => {
    const erp = gateway(db, [
      'clients',
      'add',
      '--name',
      'erp',
      '--system',
      'erp',
      '--scopes',
      'partners:read',
    ]);
    expect({ code: erp.code, stderr: erp.stderr }).toEqual({ code: 0, stderr: '' });
    const erpId = field(erp.stdout, 'client_id');
    const erpSecret = field(erp.stdout, 'client_secret');
    expect(erpSecret).toMatch(/^sgcs_/);

    const nordic = gateway(db, [
      'oauth-clients',
      'add',
      '--partner',
      'nordic-castings',
      '--scopes',
      'profile:read',
    ]);
    expect(nordic.code).toBe(0);
    const rotated = gateway(db, [
      'oauth-clients',
      'rotate-secret',
      field(nordic.stdout, 'client_id'),
      '--overlap',
      '0',
    ]);
    expect(rotated.code).toBe(0);
    expect(field(rotated.stdout, 'client_secret')).not.toBe(field(nordic.stdout, 'client_secret'));

    const key = gateway(db, [
      'api-keys',
      'add',
      'nordic-castings',
      '--scopes',
      'profile:read',
      '--label',
      'upload',
    ]);
    expect(key.code).toBe(0);
    const token = /^(sgp_\S+)$/m.exec(key.stdout)![1]!;
    const lookup = token.split('_')[1]!;
    expect(gateway(db, ['api-keys', 'add', 'no-such-partner', '--scopes', 'profile:read']).code).toBe(1);

    const running = await startTestGateway({
      DATABASE_URL: db.url,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      LOG_LEVEL: 'error',
    });
    try {
      const issued = await request(running.url)
        .post('/oauth/token')
        .auth(erpId, erpSecret)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
      await request(running.url)
        .get('/admin/partners')
        .set('authorization', `Bearer ${issued.body.access_token}`)
        .expect(200);
      await request(running.url)
        .post('/oauth/token')
        .auth(field(nordic.stdout, 'client_id'), field(nordic.stdout, 'client_secret'))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      await request(running.url).get('/me').set('authorization', `Bearer ${token}`).expect(200);
    } finally {
      await running.stop();
    }

    const listed = gateway(db, ['api-keys', 'list', 'nordic-castings']);
    expect(listed.stdout).toMatch(
      new RegExp(`^sgp_${lookup}\\tactive\\tprofile:read\\t\\d{4}-.*\\tupload$`, 'm'),
    );
    expect(listed.stdout).not.toContain(token);
    expect(gateway(db, ['api-keys', 'revoke', 'nordic-castings', lookup]).code).toBe(0);
    expect(gateway(db, ['api-keys', 'list', 'nordic-castings']).stdout).toContain(`sgp_${lookup}\trevoked`);
  });
});
