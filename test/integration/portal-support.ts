import request from 'supertest';
import { expect } from 'vitest';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import type { UserRole } from '../../src/gateway/principal.js';
import { PortalLinksService } from '../../src/portal/portal-links.service.js';
import { partnersDir } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, LocalSmtpServer, type ReceivedMail } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/** Shared by the portal's integration and browser tests (fixtures written for them, no corpus content). */

export const PORTAL_ADMIN_TOKEN = 'portal-tests-admin-token-0123456789abcdefgh';
export const PASSWORD = 'correct horse battery staple';

export interface PortalWorld {
  readonly db: TestDatabase;
  readonly smtp: LocalSmtpServer;
  readonly gateway: Awaited<ReturnType<typeof startTestGateway>>;
  stop(): Promise<void>;
}

/** A gateway with the two API-test partners, the ERP simulator and a local SMTP server. */
export async function startPortalWorld(
  label: string,
  env: Record<string, string> = {},
  options: Parameters<typeof startTestGateway>[1] = {},
): Promise<PortalWorld> {
  const db = await createTestDatabase(label);
  const smtp = await new LocalSmtpServer().start();
  const gateway = await startTestGateway(
    {
      ...simulatorGatewayEnv(db.url),
      PARTNERS_DIR: partnersDir(),
      BOOTSTRAP_ADMIN_TOKEN: PORTAL_ADMIN_TOKEN,
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      NOTIFY_SMTP_STARTTLS: 'off',
      NOTIFY_FROM: 'Supplier Gateway <gateway@gw.example.com>',
      ...env,
    },
    options,
  );
  return {
    db,
    smtp,
    gateway,
    stop: async () => {
      await gateway.stop();
      await smtp.stop();
      await db.drop();
    },
  };
}

/** The portal path of the newest invitation or reset link mailed to `address`. */
export async function linkMailedTo(
  smtp: LocalSmtpServer,
  address: string,
  kind: 'invitations' | 'password-reset',
  after = 0,
): Promise<{ path: string; mail: ReceivedMail }> {
  return eventually(`a ${kind} mail to ${address}`, () => {
    const mails = smtp.to(address).slice(after);
    for (const mail of mails.reverse()) {
      const match = new RegExp(`/portal/${kind}/[A-Za-z0-9_-]{43}`).exec(mail.text);
      if (match) return { path: match[0], mail };
    }
    return undefined;
  });
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF field in the page:\n${html.slice(0, 500)}`);
  return match[1]!;
}

/** A browser without JavaScript: a cookie jar, GET pages, submit their forms with the page's CSRF token. */
export class FormClient {
  readonly agent: ReturnType<typeof request.agent>;

  constructor(readonly baseUrl: string) {
    this.agent = request.agent(baseUrl);
  }

  get(path: string) {
    return this.agent.get(path).redirects(0);
  }

  /** Loads `page`, then posts `fields` with its CSRF token to `action` (default: the page itself). */
  async submit(page: string, fields: Record<string, string>, action = page) {
    const form = await this.get(page);
    expect(form.status, `GET ${page}: ${form.text.slice(0, 300)}`).toBe(200);
    return this.agent
      .post(action)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrfOf(form.text), ...fields });
  }

  async login(email: string, password = PASSWORD) {
    const res = await this.submit('/portal/login', { email, password });
    return res;
  }
}

/**
 * A portal user with a password: added to the directory, then through the real reset flow (a mailed
 * link, used once). Returns the user id.
 */
export async function seedPortalUser(
  world: PortalWorld,
  input: { email: string; role: UserRole; partnerId?: string | null; displayName?: string },
  password = PASSWORD,
): Promise<string> {
  const app = world.gateway.app;
  const user = await app.get(IdentityService).addUser(
    {
      email: input.email,
      displayName: input.displayName ?? input.email.split('@')[0]!,
      role: input.role,
      partnerId: input.partnerId ?? null,
    },
    { kind: 'cli', name: 'portal-tests' },
  );
  const before = world.smtp.to(input.email).length;
  await app.get(PortalLinksService).requestReset(input.email);
  const { path } = await linkMailedTo(world.smtp, input.email, 'password-reset', before);
  const client = new FormClient(world.gateway.url);
  const res = await client.submit(path, { password, confirm: password });
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  return user.id;
}

/** An order line of the test orders: two lines, as partner-api.test-helper's orderSnapshot has them. */
export function orderLines(overrides: { material?: string } = {}) {
  return [
    {
      lineNumber: '10',
      material: overrides.material ?? 'CMP-BOLT-M8',
      quantity: '4800',
      unit: 'H87',
      netPrice: '0.042',
      deliveryDate: '2026-12-04',
    },
    {
      lineNumber: '20',
      material: 'CMP-HOUSING-C1',
      quantity: '140',
      unit: 'H87',
      netPrice: '38.5',
      deliveryDate: '2026-12-10',
    },
  ];
}

/**
 * The ERP's buyer issues an order in the embedded simulator, and the gateway records it as it would
 * any ERP output (relayed, not posted around the ERP), so confirmations have an order to land on.
 */
export async function issueThroughErp(
  world: PortalWorld,
  order: { poNumber: string; partnerId: string; orderDate?: string; lines?: ReturnType<typeof orderLines> },
): Promise<void> {
  const simulator = world.gateway.app.get(ErpConnections).embeddedSimulator()!;
  await simulator.purchaseOrders.issue({
    poNumber: order.poNumber,
    supplier: order.partnerId,
    plant: '1000',
    currency: 'EUR',
    orderDate: order.orderDate ?? '2026-11-27',
    lines: order.lines ?? orderLines(),
  });
  await relayUntil(world, order.poNumber, 0);
}

/** The ERP's buyer changes lines of an order; the gateway records the change (revision + 1). */
export async function changeThroughErp(
  world: PortalWorld,
  poNumber: string,
  lines: { lineNumber: string; quantity?: string; deliveryDate?: string }[],
): Promise<void> {
  const simulator = world.gateway.app.get(ErpConnections).embeddedSimulator()!;
  const changed = await simulator.purchaseOrders.change(poNumber, { lines });
  await relayUntil(world, poNumber, changed.revision);
}

async function relayUntil(world: PortalWorld, poNumber: string, revision: number): Promise<void> {
  const relay = world.gateway.app.get(SimulatorOutputRelay);
  await eventually(`order ${poNumber} at revision ${revision}`, async () => {
    await relay.relay();
    const [row] = await queryOnce<{ revision: number }>(
      world.db.url,
      `SELECT revision FROM purchase_order WHERE po_number = $1`,
      [poNumber],
    );
    return row !== undefined && row.revision >= revision;
  });
}

/** Every route the running application serves, from Express's router stack (`METHOD /path`), as the tenancy matrix reads it. */
export function routeTable(app: PortalWorld['gateway']['app']): string[] {
  const server = app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
  }
  const stack = (server.router ?? server._router)!.stack;
  const routes = stack.flatMap((layer) => {
    if (!layer.route) return [];
    const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
    if (layer.route.methods._all || methods.length > 20) return [`ALL ${layer.route.path}`];
    return methods.map((m) => `${m.toUpperCase()} ${layer.route!.path}`);
  });
  return [...new Set(routes)].sort();
}

/** The portal's routes only (everything under /portal). */
export function portalRoutes(app: PortalWorld['gateway']['app']): string[] {
  return routeTable(app).filter((r) => r.split(' ')[1]!.startsWith('/portal'));
}
