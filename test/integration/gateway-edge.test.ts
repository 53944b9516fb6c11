import { request as httpRequest, type IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { PortalLinksService } from '../../src/portal/portal-links.service.js';
import { PORTAL_OFF } from '../../src/portal/portal-access.js';
import {
  ALPHA,
  partnersDir,
  x12Acknowledgment,
  type TestPartner,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { queryOnce } from '../support/postgres.js';
import {
  FormClient,
  linkMailedTo,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/** The API switched off, the portal on. */
const API_OFF: TestPartner = {
  id: 'charlie-api-off',
  isa: 'CHARLIEA',
  gs: 'CHARLIEA',
  unb: '4000000000031',
  channels: { api: { enabled: false }, portal: { enabled: true } },
};
/** The portal switched off; the API not named, so on (as in the shipped example profiles). */
const PORTAL_OFF_PARTNER: TestPartner = {
  id: 'delta-portal-off',
  isa: 'DELTAPRT',
  gs: 'DELTAPRT',
  unb: '4000000000048',
  channels: { portal: { enabled: false } },
};

/** Its X12 written in ISO 8859-1 (docs/partners.md, `x12.encoding`). */
const LATIN1_PARTNER: TestPartner = {
  id: 'echo-latin1',
  isa: 'ECHOLAT1',
  gs: 'ECHOLAT1',
  unb: '4000000000055',
  x12: { encoding: 'latin1' },
};

const SETUP = { kind: 'cli', name: 'gateway-edge-test' } as const;

/**
 * Starts a POST whose body never ends (the first kilobyte of a gzip stream), and resolves with the answer if one comes while the body is still unread; rejects after
 * `timeoutMs` (a server waiting for the body it wants to read).
 */
function postNeverEnding(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 5_000,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Record<string, unknown> }> {
  const start = gzipSync(Buffer.alloc(1024 * 1024)).subarray(0, 1024);
  const target = new URL('/partner/v1/documents', url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/edi-x12', 'content-encoding': 'gzip', ...headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms: the server waits for the body`));
    }, timeoutMs);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.flushHeaders();
    req.write(start);
  });
}

/**
 * Where two JSON values differ in shape (object keys, leaf types; arrays by their first element, an
 * empty array matching any array): the paths, empty when one could stand for the other.
 */
function shapeDifferences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (Array.isArray(actual) && Array.isArray(expected))
    return actual.length && expected.length ? shapeDifferences(actual[0], expected[0], `${path}[0]`) : [];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(actual) !== kind(expected)) return [`${path}: ${kind(actual)}, example ${kind(expected)}`];
  if (kind(actual) !== 'object') return [];
  const [a, e] = [actual as Record<string, unknown>, expected as Record<string, unknown>];
  return [...new Set([...Object.keys(a), ...Object.keys(e)])].flatMap((key) =>
    key in a && key in e
      ? shapeDifferences(a[key], e[key], `${path}.${key}`)
      : [`${path}.${key}: only in the ${key in a ? 'answer' : 'example'}`],
  );
}

describe('the gateway edge: unread bodies, encodings and channel switches', () => {
  let world: PortalWorld;
  let url: string;
  let alpha: string;
  let apiOff: string;
  let portalOff: string;
  const logs: string[] = [];

  /** The request log's line for the request with this correlation id. */
  const requestLogged = (correlationId: unknown) =>
    logs
      .map((line) => JSON.parse(line) as { correlationId?: string; res?: { statusCode: number } })
      .find((line) => line.correlationId === correlationId && line.res !== undefined);

  beforeAll(async () => {
    world = await startPortalWorld(
      'gateway_edge',
      { PARTNERS_DIR: partnersDir([ALPHA, API_OFF, PORTAL_OFF_PARTNER, LATIN1_PARTNER]), LOG_LEVEL: 'warn' },
      { onLog: (line) => logs.push(line) },
    );
    url = world.gateway.url;
    const identity = world.gateway.app.get(IdentityService);
    const scopes = ['documents:write', 'documents:read', 'profile:read', 'orders:read'] as const;
    alpha = (await identity.issuePartnerToken(ALPHA.id, [...scopes], SETUP)).token;
    apiOff = (await identity.issuePartnerToken(API_OFF.id, [...scopes], SETUP)).token;
    portalOff = (await identity.issuePartnerToken(PORTAL_OFF_PARTNER.id, [...scopes], SETUP)).token;
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  describe('a submission is refused before its body is read', () => {
    it('without a credential that could authenticate anybody: 401 while the body is still arriving', async () => {
      const none = await postNeverEnding(url, {});
      expect(none.status).toBe(401);
      expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="supplier-gateway"');
      expect(none.body).toMatchObject({
        type: 'urn:supplier-gateway:problem:unauthenticated',
        status: 401,
        detail: 'a valid bearer token is required (Authorization: Bearer <token>)',
      });
      // The request's own correlation id (not the process's), the one a partner quotes, and logged.
      expect(none.body.correlationId).toBe(none.headers['x-correlation-id']);
      expect(none.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(requestLogged(none.body.correlationId)?.res).toEqual({ statusCode: 401 });
      const malformed = await postNeverEnding(url, { authorization: 'Bearer not-one-of-our-tokens' });
      expect(malformed.status).toBe(401);
      expect(malformed.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });

    it('compressed: 415 before inflating, so 30 KB of gzip never becomes 20 MB of buffers', async () => {
      const before = await interchanges(world);
      const bomb = gzipSync(Buffer.alloc(30 * 1024 * 1024));
      const res = await request(url)
        .post('/partner/v1/documents')
        .set({
          authorization: `Bearer ${alpha}`,
          'content-type': 'application/edi-x12',
          'content-encoding': 'gzip',
        })
        .send(bomb);
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toBe('Content-Encoding gzip is not accepted; send the body uncompressed');
      expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
      expect(res.body.correlationId).not.toMatch(/^process-/);
      expect(requestLogged(res.body.correlationId)?.res).toEqual({ statusCode: 415 });
      expect(await interchanges(world)).toBe(before);

      // The same partner, uncompressed: accepted as always.
      const plain = await request(url)
        .post('/partner/v1/documents')
        .set({ authorization: `Bearer ${alpha}`, 'content-type': 'application/edi-x12' })
        .send(ack(ALPHA, '4500009901', 901));
      expect(plain.status).toBe(202);
    });
  });

  describe('channels.api.enabled and channels.portal.enabled', () => {
    it("refuses every credential of a partner whose API is switched off, its supplier users' tokens too", async () => {
      const refused = await request(url).get('/partner/v1/profile').set('authorization', `Bearer ${apiOff}`);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:supplier-gateway:problem:channel-disabled',
        detail: `the API channel of partner ${API_OFF.id} is switched off (channels.api.enabled: false in its profile)`,
      });
      const submitted = await request(url)
        .post('/partner/v1/documents')
        .set({ authorization: `Bearer ${apiOff}`, 'content-type': 'application/edi-x12' })
        .send(ack(API_OFF, '4500009902', 902));
      expect(submitted.status).toBe(403);
      expect(submitted.body.type).toBe('urn:supplier-gateway:problem:channel-disabled');

      const identity = world.gateway.app.get(IdentityService);
      const user = await identity.addUser(
        {
          email: 'api-user@charlie.example',
          displayName: 'Charlie',
          role: 'supplier-user',
          partnerId: API_OFF.id,
        },
        SETUP,
      );
      const userToken = (await identity.issueUserToken(user.id, SETUP)).token;
      const asUser = await request(url).get('/partner/v1/orders').set('authorization', `Bearer ${userToken}`);
      expect(asUser.status).toBe(403);
      expect(asUser.body.type).toBe('urn:supplier-gateway:problem:channel-disabled');

      // A profile that does not name the API leaves it on; one that enables it, too. The profile lists
      // the channels that are on (the portal unless switched off), in the shape its OpenAPI example shows.
      const example = (await request(url).get('/docs/openapi.json').expect(200)).body.paths[
        '/partner/v1/profile'
      ].get.responses['200'].content['application/json'].example;
      for (const [token, channels] of [
        [portalOff, ['api']],
        [alpha, ['api', 'portal']],
      ] as const) {
        const profile = await request(url).get('/partner/v1/profile').set('authorization', `Bearer ${token}`);
        expect(profile.status).toBe(200);
        expect(profile.body.channels).toEqual(channels);
        expect(shapeDifferences(profile.body, example)).toEqual([]);
      }
    });

    it('refuses the portal to supplier users of a partner whose portal is switched off, at sign-in and on every page', async () => {
      const email = 'portal-user@delta.example';
      await seedPortalUser(world, { email, role: 'supplier-user', partnerId: PORTAL_OFF_PARTNER.id });
      const refusedClient = new FormClient(url);
      const login = await refusedClient.login(email);
      expect(login.status).toBe(403);
      expect(login.text).toContain(escaped(PORTAL_OFF));
      const notSignedIn = await refusedClient.get('/portal/orders');
      expect(notSignedIn.status).toBe(303);
      expect(notSignedIn.headers.location).toMatch(/^\/portal\/login/);
      // A wrong password is just wrong: the switch is only told to whoever knows the password.
      const wrong = await new FormClient(url).login(email, 'not the password at all');
      expect(wrong.status).toBe(401);
      expect(wrong.text).not.toContain(escaped(PORTAL_OFF));

      // Signed in by a reset link (which signs in), every page is still refused.
      const browser = new FormClient(url);
      const before = world.smtp.to(email).length;
      await world.gateway.app.get(PortalLinksService).requestReset(email);
      const { path } = await linkMailedTo(world.smtp, email, 'password-reset', before);
      const reset = await browser.submit(path, {
        password: 'another horse battery staple',
        confirm: 'another horse battery staple',
      });
      expect(reset.status).toBe(303);
      const page = await browser.get('/portal/orders');
      expect(page.status).toBe(403);
      expect(page.text).toContain(escaped(PORTAL_OFF));

      // The partner whose API is off still has its portal.
      const charlie = 'portal-user@charlie.example';
      await seedPortalUser(world, { email: charlie, role: 'supplier-user', partnerId: API_OFF.id });
      const other = new FormClient(url);
      expect((await other.login(charlie)).status).toBe(303);
      expect((await other.get('/portal/orders')).status).toBe(200);
    });
  });

  it("shows a partner the X12 encoding of its own profile, and another partner's profile its own", async () => {
    const identity = world.gateway.app.get(IdentityService);
    const latin1 = (await identity.issuePartnerToken(LATIN1_PARTNER.id, ['profile:read'], SETUP)).token;
    const profileOf = async (token: string) =>
      (await request(url).get('/partner/v1/profile').set('authorization', `Bearer ${token}`).expect(200))
        .body;
    expect(await profileOf(latin1)).toMatchObject({ id: LATIN1_PARTNER.id, x12: { encoding: 'latin1' } });
    // No `x12` in the profile: the default, UTF-8, what the gateway writes for it.
    expect(await profileOf(alpha)).toMatchObject({ id: ALPHA.id, x12: { encoding: 'utf8' } });
    const example = (await request(url).get('/docs/openapi.json').expect(200)).body.paths[
      '/partner/v1/profile'
    ].get.responses['200'].content['application/json'].example;
    expect(example.x12).toEqual({ encoding: 'utf8' });
  });
});

function ack(partner: TestPartner, poNumber: string, control: number): string {
  return x12Acknowledgment({
    isaSender: partner.isa,
    gsSender: partner.gs,
    poNumber,
    control,
    lines: [{ lineNumber: '10', quantity: '5' }],
  });
}

async function interchanges(world: PortalWorld): Promise<number> {
  const [row] = await queryOnce<{ n: number }>(world.db.url, `SELECT count(*)::int AS n FROM interchange`);
  return row!.n;
}

/** As handlebars writes text into a page. */
function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');
}
