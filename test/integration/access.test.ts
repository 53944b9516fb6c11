import { Controller, Get, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Allow, Public } from '../../src/gateway/access-rules.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { RouteRulesCheck } from '../../src/gateway/route-rules.check.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const ADMIN_TOKEN = 'bootstrap-admin-token-for-the-access-test-0123456789';

type Who =
  | 'nobody'
  | 'bootstrap-admin'
  | 'admin'
  | 'buyer'
  | 'acme-user'
  | 'nordic-user'
  | 'acme-profile'
  | 'acme-documents-only'
  | 'erp'
  | 'ops'
  | 'mes';

describe('every principal kind, allowed and refused on a sample route of each scope', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  const tokens = new Map<Who, string>();

  beforeAll(async () => {
    db = await createTestDatabase('access');
    gateway = await startTestGateway({ DATABASE_URL: db.url, BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN });
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'test-setup' } as const;
    tokens.set('bootstrap-admin', ADMIN_TOKEN);
    const user = async (who: Who, role: 'admin' | 'buyer' | 'supplier-user', partnerId?: string) => {
      const u = await identity.addUser(
        { email: `${who}@example.com`, displayName: who, role, partnerId },
        setup,
      );
      tokens.set(who, (await identity.issueUserToken(u.id, setup)).token);
    };
    await user('admin', 'admin');
    await user('buyer', 'buyer');
    await user('acme-user', 'supplier-user', 'acme-fasteners');
    await user('nordic-user', 'supplier-user', 'nordic-castings');
    tokens.set(
      'acme-profile',
      (await identity.issuePartnerToken('acme-fasteners', ['profile:read'], setup)).token,
    );
    tokens.set(
      'acme-documents-only',
      (await identity.issuePartnerToken('acme-fasteners', ['documents:write'], setup)).token,
    );
    const client = async (
      who: Who,
      system: 'erp' | 'mes' | 'other',
      scopes: ('partners:read' | 'operations:read' | 'operations:write' | 'plant-events:write')[],
    ) => {
      await identity.addSystemClient({ name: who, system, scopes }, setup);
      tokens.set(who, (await identity.issueSystemToken(who, setup)).token);
    };
    await client('erp', 'erp', ['partners:read']);
    await client('ops', 'other', ['operations:read', 'operations:write']);
    await client('mes', 'mes', ['plant-events:write']);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  const call = (who: Who, method: 'get' | 'post', path: string) => {
    const req = request(gateway.url)[method](path);
    return who === 'nobody' ? req : req.set('authorization', `Bearer ${tokens.get(who)}`);
  };

  const everyone: Who[] = [
    'nobody',
    'bootstrap-admin',
    'admin',
    'buyer',
    'acme-user',
    'nordic-user',
    'acme-profile',
    'acme-documents-only',
    'erp',
    'ops',
    'mes',
  ];
  const authenticated = everyone.filter((who) => who !== 'nobody');

  // route → who gets in (everyone else: 401 without a token, 403 with one)
  const matrix: { method: 'get' | 'post'; path: string; admits: Who[]; okStatus?: number }[] = [
    { method: 'get', path: '/me', admits: authenticated },
    { method: 'get', path: '/partner/v1/profile', admits: ['acme-user', 'nordic-user', 'acme-profile'] },
    { method: 'get', path: '/admin/partners', admits: ['bootstrap-admin', 'admin', 'buyer', 'erp'] },
    { method: 'get', path: '/admin/dead-letters', admits: ['bootstrap-admin', 'admin', 'ops'] },
    // No such dead letter: admitted callers get 404, which proves they got past the guard.
    {
      method: 'post',
      path: '/admin/dead-letters/999999/replay',
      admits: ['bootstrap-admin', 'admin', 'ops'],
      okStatus: 404,
    },
    { method: 'get', path: '/admin/audit-log', admits: ['bootstrap-admin', 'admin', 'ops'] },
    { method: 'get', path: '/health/live', admits: everyone },
  ];

  for (const route of matrix) {
    it(`${route.method.toUpperCase()} ${route.path}`, async () => {
      const seen: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const who of everyone) {
        seen[who] = (await call(who, route.method, route.path)).status;
        expected[who] = route.admits.includes(who) ? (route.okStatus ?? 200) : who === 'nobody' ? 401 : 403;
      }
      expect(seen).toEqual(expected);
    });
  }

  it('answers refusals with problem+json and the correlation id', async () => {
    const res = await call('nobody', 'get', '/admin/partners')
      .set('x-correlation-id', 'corr-401')
      .expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:supplier-gateway:problem:unauthenticated',
      status: 401,
      instance: '/admin/partners',
      correlationId: 'corr-401',
    });
    const forbidden = await call('mes', 'get', '/admin/partners').expect(403);
    expect(forbidden.body.detail).toContain('plant-events:write');
  });

  it('scopes partner routes by the credential, never by anything the caller sends', async () => {
    expect((await call('acme-profile', 'get', '/partner/v1/profile').expect(200)).body.id).toBe(
      'acme-fasteners',
    );
    expect(
      (await call('acme-user', 'get', '/partner/v1/profile?partner=nordic-castings').expect(200)).body.id,
    ).toBe('acme-fasteners');
    expect((await call('nordic-user', 'get', '/partner/v1/profile').expect(200)).body.id).toBe(
      'nordic-castings',
    );
  });

  it('shows administrative actions in the audit log, with who did them', async () => {
    const res = await call('admin', 'get', '/admin/audit-log?action=access-token.issued&limit=500').expect(
      200,
    );
    const issuedForAcme = res.body.items.filter(
      (e: { partnerId: string | null }) => e.partnerId === 'acme-fasteners',
    );
    expect(issuedForAcme.length).toBeGreaterThanOrEqual(3);
    expect(issuedForAcme[0]).toMatchObject({
      actor: { kind: 'cli', display: expect.stringContaining('test-setup') },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/sg[usp]_[a-z2-7]{12}_[A-Za-z0-9]{40}/);
    const bad = await call('admin', 'get', '/admin/audit-log?from=yesterday').expect(400);
    expect(bad.body).toMatchObject({ status: 400, detail: 'from is not an ISO 8601 date-time' });
  });

  it('rejects malformed, tampered, unknown and revoked tokens', async () => {
    const good = tokens.get('acme-profile')!;
    const tampered = `${good.slice(0, 20)}${good[20] === 'A' ? 'B' : 'A'}${good.slice(21)}`;
    for (const bad of [
      'nonsense',
      tampered,
      good.replace(/_[A-Za-z0-9]{40}$/, '_' + 'a'.repeat(40)),
      `${ADMIN_TOKEN}x`,
    ]) {
      await request(gateway.url).get('/me').set('authorization', `Bearer ${bad}`).expect(401);
    }
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'test' } as const;
    const issued = await identity.issuePartnerToken('acme-fasteners', ['profile:read'], setup);
    await request(gateway.url).get('/me').set('authorization', `Bearer ${issued.token}`).expect(200);
    expect(await identity.revokeToken(issued.lookup, setup)).toBe(true);
    await request(gateway.url).get('/me').set('authorization', `Bearer ${issued.token}`).expect(401);
  });
});

describe('a route without an access rule', () => {
  it('makes the application refuse to start', async () => {
    @Controller('open-by-mistake')
    class ForgotController {
      @Get()
      @Public()
      fine(): string {
        return 'ok';
      }

      @Get('oops')
      oops(): string {
        return 'nobody decided who may call this';
      }
    }
    @Controller('guarded')
    @Allow({ roles: ['admin'] })
    class GuardedController {
      @Get()
      guarded(): string {
        return 'ok';
      }
    }
    @Module({
      imports: [DiscoveryModule],
      controllers: [ForgotController, GuardedController],
      providers: [RouteRulesCheck],
    })
    class AppWithAHole {}

    const moduleRef = await Test.createTestingModule({ imports: [AppWithAHole] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(
      'routes without an access rule (@Allow or @Public): ForgotController.oops (GET)',
    );
  });
});
