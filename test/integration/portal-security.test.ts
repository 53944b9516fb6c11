import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/gateway/api-keys.service.js';
import { portalDir } from '../../src/portal/portal-paths.js';
import { ALPHA } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  csrfOf,
  FormClient,
  issueThroughErp,
  orderLines,
  portalRoutes,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(2)>';
const QUOTE = '"onmouseover="alert(3)';
/** What must never reach a page unescaped. */
const RAW = [SCRIPT, IMG, 'onmouseover="alert(3)'];

/** A partner's 855 with script in its fields (BAK08 supplier order number, PO1 product id). */
function hostile855(poNumber: string, control: number): string {
  const isa13 = String(control).padStart(9, '0');
  const body = [
    `BAK*00*AC*${poNumber}*20261127****${SCRIPT}`,
    `PO1*10*4800*PC***VP*${IMG}`,
    `ACK*IA*4800*PC`,
    `PO1*20*140*PC***VP*${QUOTE}`,
    `ACK*IA*140*PC`,
    'CTT*2',
  ];
  return (
    [
      `ISA*00*          *00*          *ZZ*${ALPHA.isa.padEnd(15)}*ZZ*${'MFGCO'.padEnd(15)}*261127*0900*U*00401*${isa13}*0*T*^`,
      `GS*PR*${ALPHA.gs}*MFGCO*20261127*0900*${control}*X*004010`,
      'ST*855*0001',
      ...body,
      `SE*${body.length + 2}*0001`,
      `GE*1*${control}`,
      `IEA*1*${isa13}`,
    ].join('~\n') + '~\n'
  );
}

describe('portal security: CSRF on every form, inert partner data, secure cookies', () => {
  let world: PortalWorld;
  const ADMIN = 'admin@alpha.example.com';
  const PO = '4610000201';
  let admin: FormClient;

  beforeAll(async () => {
    world = await startPortalWorld('portal_security');
    await seedPortalUser(world, {
      email: ADMIN,
      role: 'supplier-admin',
      partnerId: ALPHA.id,
      displayName: `Eve ${SCRIPT}`,
    });
    await issueThroughErp(world, { poNumber: PO, partnerId: ALPHA.id, lines: orderLines({ material: IMG }) });
    admin = new FormClient(world.gateway.url);
    expect((await admin.login(ADMIN)).status).toBe(303);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('every POST route under /portal refuses a missing or wrong CSRF token and changes nothing', async () => {
    const [user] = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT id::text AS id FROM app_user WHERE email = $1`,
      [ADMIN],
    );
    const key = await world.gateway.app
      .get(ApiKeyService)
      .create(ALPHA.id, { scopes: ['profile:read'] }, { kind: 'cli', name: 'portal-security' });
    const values: Record<string, string> = {
      ':poNumber': PO,
      ':userId': user!.id,
      ':lookup': key.lookup,
      ':token': 'A'.repeat(43),
      ':id': '1',
    };
    const posts = portalRoutes(world.gateway.app).filter((r) => r.startsWith('POST '));
    expect(posts.length).toBeGreaterThan(15);
    // Everything but the gateway's own background entries (a periodic sweep may land meanwhile): what
    // a forged request could cause is recorded under the user, the partner or a client.
    const recorded = `SELECT count(*)::int AS n FROM audit_log WHERE actor_kind <> 'gateway'`;
    const before = await queryOnce<{ n: number }>(world.db.url, recorded);
    for (const route of posts) {
      const path = route.slice(5).replace(/:[A-Za-z]+/g, (p) => values[p]!);
      for (const token of [undefined, 'forged-token-'.padEnd(43, 'x')]) {
        const res = route.endsWith('/uploads')
          ? await (
              token === undefined ? admin.agent.post(path) : admin.agent.post(path).field('_csrf', token)
            )
              .attach('file', Buffer.from(hostile855(PO, 7)), 'x.edi')
              .redirects(0)
          : await admin.agent
              .post(path)
              .redirects(0)
              .type('form')
              .send({
                ...(token === undefined ? {} : { _csrf: token }),
                email: ADMIN,
                password: 'x',
                scopes: 'profile:read',
              });
        expect(res.status, `${route} with ${token ?? 'no'} token`).toBe(403);
      }
    }
    // Still signed in (logout refused), the key still active, nothing recorded.
    expect((await admin.get('/portal/orders')).status).toBe(200);
    await request(world.gateway.url)
      .get('/partner/v1/profile')
      .set('authorization', `Bearer ${key.token}`)
      .expect(200);
    const after = await queryOnce<{ n: number }>(world.db.url, recorded);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('script in a partner’s EDI fields, an ERP field, a user name and a reason renders inert on every page', async () => {
    // The partner uploads an 855 with script in its fields; it is processed and shown.
    const page = await admin.get('/portal/uploads');
    const upload = await admin.agent
      .post('/portal/uploads')
      .redirects(0)
      .field('_csrf', csrfOf(page.text))
      .attach('file', Buffer.from(hostile855(PO, 31)), `${SCRIPT}.edi`);
    expect(upload.status).toBe(303);
    const documentPath = upload.headers.location!;
    await eventually('the hostile 855 processed', async () =>
      (await admin.get(documentPath)).text.includes('id="acknowledgment"'),
    );
    // A reason with script, through the portal's own answer form (it reaches the buyer's exception).
    const order = await admin.get(`/portal/orders/${PO}`);
    const formKey = /name="formKey" value="([0-9a-f]+)"/.exec(order.text)![1]!;
    await admin.agent
      .post(`/portal/orders/${PO}/acknowledgment`)
      .type('form')
      .send({
        _csrf: csrfOf(order.text),
        formKey,
        l0_line: '10',
        l0_action: 'reject',
        l0_reason: SCRIPT,
        l1_line: '20',
        l1_action: 'accept',
      })
      .expect(303);

    // Every GET page of the portal, from the route table, with this partner's objects.
    const [doc] = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT max(id)::text AS id FROM interchange WHERE partner_id = $1 AND direction = 'inbound'`,
      [ALPHA.id],
    );
    const values: Record<string, string> = { ':poNumber': PO, ':id': doc!.id, ':token': 'A'.repeat(43) };
    const gets = portalRoutes(world.gateway.app).filter((r) => r.startsWith('GET '));
    const shown: string[] = [];
    let downloads = 0;
    for (const route of gets) {
      const path = route.slice(4).replace(/:[A-Za-z]+/g, (p) => values[p]!);
      const res = await admin.get(path);
      const body = String(res.text ?? '');
      if (route.endsWith('/raw') && res.status === 403) continue; // a buyer's download, refused to a supplier
      if (route.endsWith('/raw')) {
        // The raw download is bytes as received: never HTML.
        downloads++;
        expect(res.headers['content-type']).toBe('application/octet-stream');
        expect(res.headers['content-disposition']).toMatch(/^attachment/);
        continue;
      }
      for (const raw of RAW) expect(body.includes(raw), `${route} renders ${raw} unescaped`).toBe(false);
      if (body.includes('&lt;script&gt;alert(1)&lt;/script&gt;') || body.includes('&lt;img src&#x3D;x'))
        shown.push(route);
    }
    expect(downloads, 'the supplier’s own raw download was checked').toBeGreaterThan(0);
    // The payloads are there, escaped, where the data is shown: the inbox and order (ERP material, the
    // reason), the document (EDI fields), the uploads list (file name), users and every header (user name).
    expect(shown).toEqual(
      expect.arrayContaining([
        'GET /portal/orders',
        'GET /portal/orders/:poNumber',
        'GET /portal/documents/:id',
        'GET /portal/account',
      ]),
    );
    expect((await admin.get(`/portal/orders/${PO}`)).text).toContain(
      '&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;',
    );
    const docPage = (await admin.get(documentPath)).text;
    expect(docPage).toContain('BAK*00*AC*4610000201*20261127****&lt;script&gt;alert(1)&lt;/script&gt;');
    // Pages forbid inline script and framing.
    const headers = (await admin.get('/portal/orders')).headers;
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('the shell’s templates never switch escaping off, but for the layout’s body slot', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.hbs')) files.push(path);
      }
    };
    // The shell's layouts, partials and pages (other folders, such as label templates, are reviewed by their owners).
    for (const folder of ['layouts', 'partials', 'views']) walk(join(portalDir(), folder));
    expect(files.length).toBeGreaterThan(10);
    const tripleStash = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\{\{\{\s*([^}]*)\}\}\}|\{\{&/g)].map((m) => `${f}: ${m[0]}`),
    );
    expect(tripleStash).toEqual([`${join(portalDir(), 'layouts', 'main.hbs')}: {{{body}}}`]);
  });
});

describe('portal cookies behind TLS', () => {
  let world: PortalWorld;
  beforeAll(async () => {
    world = await startPortalWorld('portal_cookie_tls', { PUBLIC_URL: 'https://portal.example.com' });
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('sets Secure, HttpOnly, SameSite=Lax, Path=/portal when PUBLIC_URL is https (behind a TLS-terminating proxy)', async () => {
    const res = await request(world.gateway.url).get('/portal/login').set('x-forwarded-proto', 'https');
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('sg_portal='));
    expect(cookie).toMatch(/; Path=\/portal;/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
  });
});
