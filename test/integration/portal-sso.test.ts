import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { queryOnce } from '../support/postgres.js';
import { FormClient, startPortalWorld, type PortalWorld } from './portal-support.js';

/**
 * A small OAuth2 authorization server standing in for the company's identity provider: it signs in
 * whoever `nextEmail` names, checks the client, the redirect URI and the PKCE verifier (RFC 7636), and
 * serves a UserInfo document for the token it issued.
 */
class LocalIdentityProvider {
  nextEmail = '';
  /** The UserInfo's `email_verified`; undefined leaves the claim out, as some providers do. */
  verified: boolean | undefined = true;
  readonly url: string = '';
  private server?: Server;
  private readonly codes = new Map<
    string,
    { email: string; verified: boolean | undefined; challenge: string; redirect: string }
  >();
  private readonly tokens = new Map<string, { email: string; verified: boolean | undefined }>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://idp');
      if (url.pathname === '/authorize') {
        const code = randomBytes(8).toString('hex');
        const redirect = url.searchParams.get('redirect_uri')!;
        this.codes.set(code, {
          email: this.nextEmail,
          verified: this.verified,
          challenge: url.searchParams.get('code_challenge') ?? '',
          redirect,
        });
        const back = new URL(redirect);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      if (url.pathname === '/token') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          const grant = this.codes.get(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (!grant || grant.challenge !== challenge || grant.redirect !== form.get('redirect_uri')) {
            res
              .writeHead(400, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: 'invalid_grant' }));
            return;
          }
          this.codes.delete(form.get('code')!);
          const token = randomBytes(8).toString('hex');
          this.tokens.set(token, { email: grant.email, verified: grant.verified });
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ access_token: token, token_type: 'Bearer' }));
        });
        return;
      }
      if (url.pathname === '/userinfo') {
        const who = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        if (!who) return void res.writeHead(401).end();
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sub: who.email, email: who.email, email_verified: who.verified }));
        // JSON.stringify leaves out a claim whose value is undefined.
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    (this as { url: string }).url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The browser's round trip: portal → provider → portal callback. */
async function ssoRoundTrip(
  idp: LocalIdentityProvider,
  client: FormClient,
  tamper?: (callback: URL) => void,
) {
  const start = await client.get('/portal/sso');
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.location!);
  expect(authorize.origin).toBe(idp.url);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toBeTruthy();
  const provider = await fetch(authorize, { redirect: 'manual' });
  const callback = new URL(provider.headers.get('location')!);
  tamper?.(callback);
  return client.get(`${callback.pathname}${callback.search}`);
}

function ssoEnv(idp: LocalIdentityProvider): Record<string, string> {
  return {
    PORTAL_SSO_AUTHORIZATION_URL: `${idp.url}/authorize`,
    PORTAL_SSO_TOKEN_URL: `${idp.url}/token`,
    PORTAL_SSO_USERINFO_URL: `${idp.url}/userinfo`,
    PORTAL_SSO_CLIENT_ID: 'supplier-portal',
  };
}

const BUYER = { email: 'bea.buyer@mfg.example.com', displayName: 'Bea Buyer', role: 'buyer' } as const;

describe('buyers’ single sign-on with passport-oauth2 (optional, configured)', () => {
  let world: PortalWorld;
  let idp: LocalIdentityProvider;

  beforeAll(async () => {
    idp = await new LocalIdentityProvider().start();
    world = await startPortalWorld('portal_sso', ssoEnv(idp));
    const identity = world.gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'portal-sso' } as const;
    await identity.addUser(BUYER, setup);
    await identity.addUser(
      { email: 'sup@alpha.example.com', displayName: 'Sup', role: 'supplier-user', partnerId: ALPHA.id },
      setup,
    );
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
    await idp?.stop();
  });

  const roundTrip = (client: FormClient, tamper?: (callback: URL) => void) =>
    ssoRoundTrip(idp, client, tamper);

  it('signs in a buyer the provider verified, with a new session id, and audits it', async () => {
    const client = new FormClient(world.gateway.url);
    expect((await client.get('/portal/login')).text).toContain('Sign in with your company account');
    idp.nextEmail = 'Bea.Buyer@mfg.example.com';
    const sid = (r: { headers: Record<string, unknown> }) =>
      ([] as string[])
        .concat((r.headers['set-cookie'] as string[] | undefined) ?? [])
        .find((c) => c.startsWith('sg_portal='))
        ?.split(';')[0];
    const before = sid(await client.get('/portal/login'));
    const res = await roundTrip(client);
    expect(res.status).toBe(303);
    expect(sid(res)).toBeDefined();
    expect(sid(res)).not.toBe(before);
    expect(res.headers.location).toBe('/portal/account');
    const account = await client.get('/portal/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('bea.buyer@mfg.example.com');
    const [audit] = await queryOnce<{ after: { method: string } }>(
      world.db.url,
      `SELECT after FROM audit_log WHERE action = 'portal.signed-in' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit?.after.method).toBe('sso');
  });

  it('refuses a supplier, an unknown person, an unverified e-mail, one not said to be verified, and a forged state', async () => {
    for (const [email, verified] of [
      ['sup@alpha.example.com', true],
      ['stranger@mfg.example.com', true],
      ['bea.buyer@mfg.example.com', false],
      ['bea.buyer@mfg.example.com', undefined],
    ] as const) {
      idp.nextEmail = email;
      idp.verified = verified;
      const client = new FormClient(world.gateway.url);
      const res = await roundTrip(client);
      expect(res.status, email).toBe(403);
      expect((await client.get('/portal/account')).status).toBe(303);
    }
    idp.verified = true;
    idp.nextEmail = 'bea.buyer@mfg.example.com';
    const client = new FormClient(world.gateway.url);
    const forged = await roundTrip(client, (callback) => callback.searchParams.set('state', 'forged'));
    expect(forged.status).toBe(403);
    expect((await client.get('/portal/account')).status).toBe(303);
  });
});

describe('single sign-on with a provider that sends no email_verified (PORTAL_SSO_REQUIRE_EMAIL_VERIFIED=false)', () => {
  let world: PortalWorld;
  let idp: LocalIdentityProvider;

  beforeAll(async () => {
    idp = await new LocalIdentityProvider().start();
    world = await startPortalWorld('portal_sso_unverified', {
      ...ssoEnv(idp),
      PORTAL_SSO_REQUIRE_EMAIL_VERIFIED: 'false',
    });
    await world.gateway.app.get(IdentityService).addUser(BUYER, { kind: 'cli', name: 'portal-sso' });
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
    await idp?.stop();
  });

  it('signs in a buyer whose e-mail the provider does not mark, and still refuses one marked unverified', async () => {
    idp.nextEmail = BUYER.email;
    idp.verified = undefined;
    const trusted = new FormClient(world.gateway.url);
    expect((await ssoRoundTrip(idp, trusted)).status).toBe(303);
    expect((await trusted.get('/portal/account')).status).toBe(200);
    idp.verified = false;
    const refused = new FormClient(world.gateway.url);
    expect((await ssoRoundTrip(idp, refused)).status).toBe(403);
    expect((await refused.get('/portal/account')).status).toBe(303);
  });
});
