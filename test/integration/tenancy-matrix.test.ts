import type { INestApplication } from '@nestjs/common';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/gateway/api-keys.service.js';
import { IdentityService } from '../../src/gateway/identity.service.js';
import { OAuthClientService } from '../../src/gateway/oauth/oauth-clients.service.js';
import { PARTNER_SCOPES } from '../../src/gateway/principal.js';
import {
  ALPHA,
  BRAVO,
  edifactInterchange,
  jsonAcknowledgment,
  orderSnapshot,
  partnersDir,
  x12Acknowledgment,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/notification-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/**
 * Tenancy proven over the application's route table (DESIGN.md invariant 3, OWASP API1:2023): every
 * route the running application serves must have a row here, or this test fails. A partner-facing row
 * says how to call the route on an object of partner B; the call first succeeds with each of B's
 * credentials, then every credential of partner A gets zero successes on the same object. Every other
 * route refuses the credentials of both partners.
 */

const ADMIN_TOKEN = 'tenancy-matrix-admin-token-0123456789abcdef';
const PO_B = '4620000001';
const PO_A = '4610000001';

/** B's objects the partner-facing rows are called with. */
interface Objects {
  readonly poNumber: string;
  /** A JSON acknowledgment B submitted (processed). */
  readonly jsonInterchangeId: string;
  /** An X12 855 B submitted, processed, with its 997. */
  readonly x12InterchangeId: string;
  /** The 850 of B's order, offered to B for pickup (src/outbound). */
  readonly outboundDocumentId: string;
  /** B's webhook subscription, and a message of it still being tried (so a redelivery answers 409). */
  readonly webhookSubscriptionId: string;
  readonly webhookDeliveryId: string;
  /** Further subscriptions of B, one for each of B's calls of the delete row (taken as they are used). */
  readonly spareWebhookIds: string[];
  /** A ship notice draft of B (ASN builder), not ready to submit. */
  readonly shipNoticeDraftId: string;
}

/** A partner's credentials by name; `kindOf` says which are partner credentials and which users. */
type Credential = 'partner-token' | 'api-key' | 'oauth-access-token' | 'supplier-user' | 'supplier-admin';
type CredentialKind = 'partner' | 'user';
const kindOf = (name: Credential): CredentialKind =>
  name === 'supplier-user' || name === 'supplier-admin' ? 'user' : 'partner';

interface Call {
  readonly body?: string | object;
  readonly contentType?: string;
}

interface PartnerRow {
  readonly facing: 'partner';
  /** Which credential kinds the route admits (B's calls with them must succeed). */
  readonly admits: readonly CredentialKind[];
  /** The request on B's object; `n` makes every call's document number unique. */
  readonly call: (objects: Objects, n: number) => Call & { readonly path: string };
  /** Did the caller get B's data or act on B's object? For lists: B's object appears in the page. */
  readonly succeeded: (res: Response, objects: Objects) => boolean;
}

interface OtherRow {
  readonly facing: 'admin' | 'buyer' | 'system' | 'erp' | 'public';
  readonly why: string;
}

type Row = PartnerRow | OtherRow;

const ok = (res: Response) => res.status >= 200 && res.status < 300;
const mentions = (res: Response, text: string) =>
  ok(res) && JSON.stringify(res.body ?? res.text).includes(text);
const READERS: readonly CredentialKind[] = ['partner', 'user'];

const answerBody = (n: number, extra: object = {}) => ({
  document: { number: `B-ANSWER-${n}`, revision: '1' },
  status: 'accepted',
  lines: [
    { lineNumber: '10', status: 'accepted', quantity: { value: '4800', unit: 'H87' } },
    { lineNumber: '20', status: 'accepted', quantity: { value: '140', unit: 'H87' } },
  ],
  ...extra,
});

/** Every route of the application. Add the row of a new route here: the test fails until you do. */
const MATRIX: Readonly<Record<string, Row>> = {
  // The partner REST API (src/transports/api).
  'POST /partner/v1/documents': {
    facing: 'partner',
    admits: ['partner'],
    call: (o, n) => ({
      path: '/partner/v1/documents',
      contentType: 'application/json',
      body: JSON.stringify(jsonAcknowledgment(o.poNumber, { id: BRAVO.id }, `B-DOC-${n}`)),
    }),
    succeeded: ok,
  },
  'GET /partner/v1/documents/:id': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/documents/${o.jsonInterchangeId}` }),
    succeeded: ok,
  },
  'GET /partner/v1/documents/:id/acknowledgment': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/documents/${o.x12InterchangeId}/acknowledgment` }),
    succeeded: ok,
  },
  'GET /partner/v1/orders': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/partner/v1/orders' }),
    succeeded: (res, o) => mentions(res, o.poNumber),
  },
  'GET /partner/v1/orders/:poNumber': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/orders/${o.poNumber}` }),
    succeeded: ok,
  },
  'GET /partner/v1/orders/:poNumber/changes': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/orders/${o.poNumber}/changes` }),
    succeeded: ok,
  },
  'GET /partner/v1/order-changes': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/partner/v1/order-changes' }),
    succeeded: (res, o) => mentions(res, o.poNumber),
  },
  'POST /partner/v1/orders/:poNumber/acknowledgment': {
    facing: 'partner',
    admits: ['partner'],
    call: (o, n) => ({ path: `/partner/v1/orders/${o.poNumber}/acknowledgment`, body: answerBody(n) }),
    succeeded: ok,
  },
  'POST /partner/v1/orders/:poNumber/change-answer': {
    facing: 'partner',
    admits: ['partner'],
    call: (o, n) => ({ path: `/partner/v1/orders/${o.poNumber}/change-answer`, body: answerBody(n) }),
    succeeded: ok,
  },
  'GET /partner/v1/outbound-documents': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/partner/v1/outbound-documents' }),
    succeeded: (res, o) => mentions(res, o.poNumber),
  },
  'GET /partner/v1/outbound-documents/:id': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/outbound-documents/${o.outboundDocumentId}` }),
    succeeded: ok,
  },
  'GET /partner/v1/outbound-documents/:id/content': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/outbound-documents/${o.outboundDocumentId}/content` }),
    succeeded: ok,
  },
  'POST /partner/v1/outbound-documents/:id/received': {
    facing: 'partner',
    admits: ['partner'],
    call: (o) => ({ path: `/partner/v1/outbound-documents/${o.outboundDocumentId}/received` }),
    succeeded: ok,
  },
  // Webhook subscriptions (src/outbound/webhooks): partner credentials with webhooks:write.
  'GET /partner/v1/webhooks': {
    facing: 'partner',
    admits: ['partner'],
    call: () => ({ path: '/partner/v1/webhooks' }),
    succeeded: (res, o) =>
      ok(res) && (res.body.items as { id: string }[]).some((i) => i.id === o.webhookSubscriptionId),
  },
  'POST /partner/v1/webhooks': {
    facing: 'partner',
    admits: ['partner'],
    call: () => ({
      path: '/partner/v1/webhooks',
      body: { url: 'https://hooks.example.com/orders', eventTypes: ['purchase-order.changed'] },
    }),
    // Anyone may subscribe for themselves; a subscription for B is what would be a breach.
    succeeded: (res) => ok(res) && res.body.partnerId === BRAVO.id,
  },
  'GET /partner/v1/webhooks/:id': {
    facing: 'partner',
    admits: ['partner'],
    call: (o) => ({ path: `/partner/v1/webhooks/${o.webhookSubscriptionId}` }),
    succeeded: ok,
  },
  'PATCH /partner/v1/webhooks/:id': {
    facing: 'partner',
    admits: ['partner'],
    call: (o, n) => ({
      path: `/partner/v1/webhooks/${o.webhookSubscriptionId}`,
      body: { description: `call ${n}` },
    }),
    succeeded: ok,
  },
  'DELETE /partner/v1/webhooks/:id': {
    facing: 'partner',
    admits: ['partner'],
    // B's calls each delete a spare; A's calls, once the spares are gone, aim at the subscription that stays.
    call: (o) => ({ path: `/partner/v1/webhooks/${o.spareWebhookIds.shift() ?? o.webhookSubscriptionId}` }),
    succeeded: ok,
  },
  'POST /partner/v1/webhooks/:id/rotate-secret': {
    facing: 'partner',
    admits: ['partner'],
    call: (o) => ({ path: `/partner/v1/webhooks/${o.webhookSubscriptionId}/rotate-secret` }),
    succeeded: ok,
  },
  'POST /partner/v1/webhooks/:id/test': {
    facing: 'partner',
    admits: ['partner'],
    call: (o) => ({ path: `/partner/v1/webhooks/${o.webhookSubscriptionId}/test` }),
    succeeded: ok,
  },
  'GET /partner/v1/webhooks/:id/deliveries': {
    facing: 'partner',
    admits: ['partner'],
    call: (o) => ({ path: `/partner/v1/webhooks/${o.webhookSubscriptionId}/deliveries` }),
    succeeded: (res, o) => mentions(res, `webhook-delivery-${o.webhookDeliveryId}`),
  },
  'POST /partner/v1/webhooks/:id/deliveries/:deliveryId/redeliver': {
    facing: 'partner',
    admits: ['partner'],
    call: (o) => ({
      path: `/partner/v1/webhooks/${o.webhookSubscriptionId}/deliveries/${o.webhookDeliveryId}/redeliver`,
    }),
    // The message is still being tried, so B is told 409: B reached its object; A must not.
    succeeded: (res) => ok(res) || res.status === 409,
  },
  // The ASN builder (src/shipping): partner credentials and supplier users alike.
  'GET /partner/v1/ship-notice-drafts': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/partner/v1/ship-notice-drafts' }),
    succeeded: (res, o) =>
      ok(res) && (res.body.items as { id: string }[]).some((d) => d.id === o.shipNoticeDraftId),
  },
  'POST /partner/v1/ship-notice-drafts': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/partner/v1/ship-notice-drafts', body: { shippedAt: '2026-12-03T14:00:00Z' } }),
    // Anyone may start a notice of their own; one in B's name is what would be a breach.
    succeeded: (res) => ok(res) && res.body.partnerId === BRAVO.id,
  },
  'GET /partner/v1/ship-notice-drafts/:id': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/ship-notice-drafts/${o.shipNoticeDraftId}` }),
    succeeded: ok,
  },
  'PUT /partner/v1/ship-notice-drafts/:id': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({
      path: `/partner/v1/ship-notice-drafts/${o.shipNoticeDraftId}`,
      body: { shippedAt: '2026-12-04T14:00:00Z' },
    }),
    succeeded: ok,
  },
  'POST /partner/v1/ship-notice-drafts/:id/validate': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/ship-notice-drafts/${o.shipNoticeDraftId}/validate` }),
    succeeded: ok,
  },
  'POST /partner/v1/ship-notice-drafts/:id/submit': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/ship-notice-drafts/${o.shipNoticeDraftId}/submit` }),
    // B's draft has no cartons, so B is told what is missing (422): B reached its object; A must not.
    succeeded: (res) => ok(res) || res.status === 422,
  },
  'GET /partner/v1/ship-notice-drafts/:id/labels': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/ship-notice-drafts/${o.shipNoticeDraftId}/labels` }),
    succeeded: ok,
  },
  'POST /partner/v1/ship-notice-drafts/:id/cancel': {
    facing: 'partner',
    admits: READERS,
    call: (o) => ({ path: `/partner/v1/ship-notice-drafts/${o.shipNoticeDraftId}/cancel` }),
    succeeded: (res) => ok(res) && res.body.status === 'cancelled',
  },
  'GET /partner/v1/profile': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/partner/v1/profile' }),
    succeeded: (res) => mentions(res, BRAVO.id),
  },
  'GET /me': {
    facing: 'partner',
    admits: READERS,
    call: () => ({ path: '/me' }),
    succeeded: (res) => mentions(res, BRAVO.id),
  },

  // Open to anyone: no partner's data behind them.
  'GET /health': { facing: 'public', why: 'readiness' },
  'GET /health/live': { facing: 'public', why: 'liveness' },
  'GET /metrics': { facing: 'public', why: 'Prometheus metrics' },
  'GET /docs': { facing: 'public', why: 'Swagger UI' },
  'GET /docs/openapi.json': { facing: 'public', why: 'OpenAPI document' },
  'GET /docs/openapi.yaml': { facing: 'public', why: 'OpenAPI document' },
  'GET /docs/': { facing: 'public', why: 'Swagger UI' },
  'GET /docs/index.html': { facing: 'public', why: 'Swagger UI' },
  'GET /docs/LICENSE': { facing: 'public', why: 'Swagger UI asset' },
  'GET /docs/swagger-ui-init.js': { facing: 'public', why: 'Swagger UI asset' },
  'GET /docs/docs/swagger-ui-init.js': { facing: 'public', why: 'Swagger UI asset' },
  // AS2 (src/transports/as2): no bearer credential; each message is authenticated by the partner's
  // signature and bound to its AS2-From identity (proven by the AS2 tests, not with bearer tokens).
  'POST /as2': { facing: 'public', why: 'AS2 receive endpoint, message-level authentication' },
  'POST /as2/:partnerId': { facing: 'public', why: 'AS2 receive endpoint, message-level authentication' },
  'POST /as2/mdn/receipt': {
    facing: 'public',
    why: "asynchronous MDNs for our AS2 messages, verified against the partner's pinned certificate",
  },
  'ALL {/*splat}': { facing: 'public', why: 'the not-found answer for every other path (404 problem+json)' },
  'POST /oauth/token': { facing: 'public', why: 'OAuth2 token endpoint (authenticates the client itself)' },
  'GET /oauth/jwks.json': { facing: 'public', why: 'public signing keys' },
  'GET /.well-known/oauth-authorization-server': { facing: 'public', why: 'OAuth2 metadata (RFC 8414)' },

  // Operators.
  'GET /admin/dead-letters': { facing: 'admin', why: 'operations' },
  'GET /admin/dead-letters/:id': { facing: 'admin', why: 'operations' },
  'POST /admin/dead-letters/:id/replay': { facing: 'admin', why: 'operations' },
  'GET /admin/audit-log': { facing: 'admin', why: 'audit' },
  'GET /admin/partners': { facing: 'admin', why: 'partner registry' },
  'GET /admin/oauth-clients': { facing: 'admin', why: 'credentials' },
  'POST /admin/oauth-clients': { facing: 'admin', why: 'credentials' },
  'POST /admin/oauth-clients/:clientId/secrets': { facing: 'admin', why: 'credentials' },
  'DELETE /admin/oauth-clients/:clientId': { facing: 'admin', why: 'credentials' },
  'GET /admin/partners/:partnerId/api-keys': { facing: 'admin', why: 'credentials' },
  'POST /admin/partners/:partnerId/api-keys': { facing: 'admin', why: 'credentials' },
  'POST /admin/partners/:partnerId/api-keys/:lookup/rotate': { facing: 'admin', why: 'credentials' },
  'DELETE /admin/partners/:partnerId/api-keys/:lookup': { facing: 'admin', why: 'credentials' },
  'GET /admin/outbound-documents': { facing: 'admin', why: 'outbound delivery' },
  'GET /admin/outbound-documents/:id': { facing: 'admin', why: 'outbound delivery' },
  'GET /admin/outbound-documents/:id/content': { facing: 'admin', why: 'outbound delivery' },
  'POST /admin/outbound-documents/:id/resend': { facing: 'admin', why: 'outbound delivery' },
  'POST /admin/outbound-documents/:id/cancel': { facing: 'admin', why: 'outbound delivery' },
  'GET /admin/tracking': { facing: 'admin', why: 'message tracking' },
  'GET /admin/tracking/chain': { facing: 'admin', why: 'message tracking' },
  'GET /admin/interchanges/:id': { facing: 'admin', why: 'message tracking' },
  'GET /admin/interchanges/:id/content': { facing: 'admin', why: 'message tracking' },
  'GET /admin/webhooks': { facing: 'admin', why: 'partner webhook subscriptions' },
  'POST /admin/partners/:partnerId/webhooks': { facing: 'admin', why: 'partner webhook subscriptions' },
  'GET /admin/webhooks/:id/deliveries': { facing: 'admin', why: 'partner webhook subscriptions' },
  'DELETE /admin/webhooks/:id': { facing: 'admin', why: 'partner webhook subscriptions' },
  'GET /admin/erp/instances': { facing: 'admin', why: 'ERP connector' },
  'GET /admin/erp/postings': { facing: 'admin', why: 'ERP connector' },
  'GET /admin/erp/postings/:id': { facing: 'admin', why: 'ERP connector' },
  'POST /admin/erp/instances/:id/reconciliations': { facing: 'admin', why: 'ERP connector' },
  'GET /admin/erp-simulator/documents': { facing: 'admin', why: 'ERP simulator' },
  'GET /admin/erp-simulator/entries': { facing: 'admin', why: 'ERP simulator' },
  'GET /admin/erp-simulator/duplicates': { facing: 'admin', why: 'ERP simulator' },
  'GET /admin/erp-simulator/purchase-orders/:poNumber': { facing: 'admin', why: 'ERP simulator' },
  'POST /admin/erp-simulator/purchase-orders': { facing: 'admin', why: 'ERP simulator' },
  'POST /admin/erp-simulator/purchase-orders/:poNumber/changes': { facing: 'admin', why: 'ERP simulator' },
  'GET /admin/erp-simulator/outputs': { facing: 'admin', why: 'ERP simulator' },
  'GET /admin/erp-simulator/faults': { facing: 'admin', why: 'ERP simulator' },
  'PUT /admin/erp-simulator/faults/:operation/:mode': { facing: 'admin', why: 'ERP simulator' },
  'DELETE /admin/erp-simulator/faults': { facing: 'admin', why: 'ERP simulator' },
  'GET /admin/erp-simulator/settings': { facing: 'admin', why: 'ERP simulator' },
  'PUT /admin/erp-simulator/settings': { facing: 'admin', why: 'ERP simulator' },

  // Buyers' workbench.
  'GET /buyer/v1/purchase-orders/:poNumber': { facing: 'buyer', why: 'any partner’s order' },
  'GET /buyer/v1/exceptions': { facing: 'buyer', why: 'workbench' },
  'GET /buyer/v1/exceptions/:id': { facing: 'buyer', why: 'workbench' },
  'POST /buyer/v1/exceptions/accept': { facing: 'buyer', why: 'workbench' },
  'POST /buyer/v1/exceptions/:id/accept': { facing: 'buyer', why: 'workbench' },
  'POST /buyer/v1/exceptions/:id/counter': { facing: 'buyer', why: 'workbench' },
  'POST /buyer/v1/exceptions/:id/escalate': { facing: 'buyer', why: 'workbench' },
  'POST /buyer/v1/exceptions/:id/resolve': { facing: 'buyer', why: 'workbench' },
  'GET /replenishment/v1/policies': { facing: 'buyer', why: 'replenishment policies' },
  'GET /replenishment/v1/policies/:plant/:material': { facing: 'buyer', why: 'replenishment policies' },
  'PUT /replenishment/v1/policies/:plant/:material': { facing: 'buyer', why: 'replenishment policies' },
  'GET /replenishment/v1/reorder-points/:plant/:material': { facing: 'buyer', why: 'replenishment' },
  'POST /replenishment/v1/evaluations/:plant/:material': { facing: 'buyer', why: 'replenishment' },
  'GET /replenishment/v1/recommendations': { facing: 'buyer', why: 'replenishment recommendations' },
  'GET /replenishment/v1/recommendations/:id': { facing: 'buyer', why: 'replenishment recommendations' },
  'POST /replenishment/v1/recommendations/:id/approve': { facing: 'buyer', why: 'replenishment' },
  'POST /replenishment/v1/recommendations/:id/reject': { facing: 'buyer', why: 'replenishment' },

  // The ERP and the plants (system clients).
  'POST /erp/v1/purchase-orders': { facing: 'erp', why: 'orders from the ERP' },
  'POST /wms/v1/goods-receipts': { facing: 'system', why: 'WMS goods receipts' },
  'GET /plant-events/v1/master-data': { facing: 'system', why: 'plant master data' },
  'POST /plant-events/v1/master-data/import-from-erp': { facing: 'system', why: 'plant master data' },
  'POST /plant-events/v1/events': { facing: 'system', why: 'MES/WMS events' },
  'GET /plant-events/v1/rejected': { facing: 'system', why: 'MES/WMS events' },
  'GET /plant-events/v1/balances': { facing: 'system', why: 'inventory' },
  'GET /plant-events/v1/balances/:plant/:material': { facing: 'system', why: 'inventory' },
  'GET /plant-events/v1/balances/:plant/:material/history': { facing: 'system', why: 'inventory' },
  'POST /plant-events/v1/opening-balances': { facing: 'system', why: 'inventory' },
  'POST /plant-events/v1/opening-balances/erp/:plant': { facing: 'system', why: 'inventory' },
  'POST /plant-events/v1/stock-reconciliation': { facing: 'system', why: 'inventory' },
};

/** Every route the running application serves, from Express's router stack (`METHOD /path`). */
function routeTable(app: INestApplication): string[] {
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
    // A route on every HTTP method (`app.all`) is one row, not thirty.
    if (layer.route.methods._all || methods.length > 20) return [`ALL ${layer.route.path}`];
    return methods.map((m) => `${m.toUpperCase()} ${layer.route!.path}`);
  });
  return [...new Set(routes)].sort();
}

describe('tenancy over every route: partner A never reaches partner B’s data', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let objects: Objects;
  const credentials = new Map<string, Record<Credential, string>>();
  let n = 0;

  /**
   * The bearer credentials of one partner, by name: a partner token, an API key, an OAuth2 access
   * token (client credentials) and its supplier users. Every row of the matrix runs with each of them;
   * a new kind of credential is added here.
   */
  async function credentialsFor(partnerId: string): Promise<Record<Credential, string>> {
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'tenancy-matrix' } as const;
    const user = async (role: 'supplier-user' | 'supplier-admin') => {
      const u = await identity.addUser(
        {
          email: `${role}@${partnerId}.example.com`,
          displayName: `${role} of ${partnerId}`,
          role,
          partnerId,
        },
        setup,
      );
      return (await identity.issueUserToken(u.id, setup)).token;
    };
    const scopes = [...PARTNER_SCOPES];
    const client = await gateway.app.get(OAuthClientService).registerForPartner({ partnerId, scopes }, setup);
    const token = await request(gateway.url)
      .post('/oauth/token')
      .auth(client.client.clientId, client.clientSecret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    return {
      'partner-token': (await identity.issuePartnerToken(partnerId, scopes, setup)).token,
      'api-key': (await gateway.app.get(ApiKeyService).create(partnerId, { scopes }, setup)).token,
      'oauth-access-token': token.body.access_token as string,
      'supplier-user': await user('supplier-user'),
      'supplier-admin': await user('supplier-admin'),
    };
  }

  const send = (token: string, method: string, path: string, call: Call = {}) => {
    const agent = request(gateway.url);
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = agent[verb](path).set('authorization', `Bearer ${token}`);
    if (call.contentType) req = req.set('content-type', call.contentType);
    return call.body === undefined ? req : req.send(call.body);
  };

  beforeAll(async () => {
    db = await createTestDatabase('tenancy_matrix');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      PARTNERS_DIR: partnersDir(),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      // The matrix sends A's every credential at every route within seconds, past the default burst
      // of 100 per partner: a 429 would stand where the tenancy answer (404/403) is asserted. Rate
      // limits have their own tests (gateway-credentials.test.ts).
      RATE_LIMIT_BURST: '100000',
      RATE_LIMIT_REQUESTS_PER_SECOND: '100000',
    });
    credentials.set(ALPHA.id, await credentialsFor(ALPHA.id));
    credentials.set(BRAVO.id, await credentialsFor(BRAVO.id));
    for (const [po, partner] of [
      [PO_A, ALPHA.id],
      [PO_B, BRAVO.id],
    ] as const)
      await request(gateway.url)
        .post('/erp/v1/purchase-orders')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send(orderSnapshot(po, partner))
        .expect(200);
    // A change of B's order, so its changes list is not empty.
    const changed = orderSnapshot(PO_B, BRAVO.id, '2026-11-27', 1);
    changed.lines[1]!.quantity = '150';
    await request(gateway.url)
      .post('/erp/v1/purchase-orders')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(changed)
      .expect(200);
    const b = credentials.get(BRAVO.id)!['partner-token'];
    const json = await send(b, 'POST', '/partner/v1/documents', {
      contentType: 'application/json',
      body: JSON.stringify(jsonAcknowledgment(PO_B, { id: BRAVO.id }, 'B-SETUP')),
    });
    expect(json.status).toBe(201);
    const x12 = await send(b, 'POST', '/partner/v1/documents', {
      contentType: 'application/edi-x12',
      body: x12Acknowledgment({
        isaSender: BRAVO.isa,
        gsSender: BRAVO.gs,
        poNumber: PO_B,
        control: 7001,
        lines: [{ lineNumber: '10', quantity: '4800' }],
      }),
    });
    expect(x12.status).toBe(202);
    await eventually('B’s X12 interchange processed', async () => {
      const s = await send(b, 'GET', `/partner/v1/documents/${x12.body.interchangeId}`);
      return s.body.acknowledgment?.available === true;
    });
    const outbound = await eventually('the 850 of B’s order offered for pickup', async () => {
      const [row] = await queryOnce<{ id: string }>(
        db.url,
        `SELECT id::text AS id FROM outbound_document WHERE partner_id = $1 AND po_number = $2 AND status = 'awaiting-pickup'
          ORDER BY id LIMIT 1`,
        [BRAVO.id, PO_B],
      );
      return row?.id;
    });
    const subscribe = async () => {
      const res = await send(b, 'POST', '/partner/v1/webhooks', {
        body: { url: 'https://hooks.bravo.example/orders', eventTypes: ['purchase-order.issued'] },
      });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const webhookSubscriptionId = await subscribe();
    const spareWebhookIds = [await subscribe(), await subscribe(), await subscribe()];
    const ping = await send(b, 'POST', `/partner/v1/webhooks/${webhookSubscriptionId}/test`);
    expect(ping.status, ping.text).toBe(202);
    const draft = await send(b, 'POST', '/partner/v1/ship-notice-drafts', {
      body: { shipmentNumber: 'B-ASN-1' },
    });
    expect(draft.status, draft.text).toBe(201);
    objects = {
      shipNoticeDraftId: draft.body.id,
      webhookSubscriptionId,
      webhookDeliveryId: ping.body.id,
      spareWebhookIds,
      outboundDocumentId: outbound,
      poNumber: PO_B,
      jsonInterchangeId: json.body.interchangeId,
      x12InterchangeId: x12.body.interchangeId,
    };
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('has a row for every route the application serves, and no row for a route it does not serve', () => {
    // Routes under /portal are session-authenticated HTML pages, not bearer-credential routes: their rows
    // live in test/integration/portal-tenancy.test.ts, which enumerates them from this same route table.
    const served = routeTable(gateway.app).filter((r) => !r.split(' ')[1]!.startsWith('/portal'));
    expect(served.length).toBeGreaterThan(20);
    expect(
      served.filter((r) => !(r in MATRIX)),
      'routes missing from the matrix',
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((r) => !served.includes(r)),
      'rows of routes that do not exist',
    ).toEqual([]);
  });

  it('partner-facing routes: B succeeds on its own object, A gets zero successes on it', async () => {
    const cells: string[] = [];
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.facing !== 'partner') continue;
      const [method, pattern] = route.split(' ') as [string, string];
      for (const [name, token] of Object.entries(credentials.get(BRAVO.id)!) as [Credential, string][]) {
        if (!row.admits.includes(kindOf(name))) continue;
        const call = row.call(objects, ++n);
        const res = await send(token, method, call.path, call);
        expect(row.succeeded(res, objects), `${route} with B's ${name}: ${res.status} ${res.text}`).toBe(
          true,
        );
      }
      for (const [name, token] of Object.entries(credentials.get(ALPHA.id)!) as [Credential, string][]) {
        const call = row.call(objects, ++n);
        const res = await send(token, method, call.path, call);
        expect(row.succeeded(res, objects), `${route} with A's ${name}: ${res.status} ${res.text}`).toBe(
          false,
        );
        // An object route answers 404 (or 403 for a kind it does not admit; 422 for a document in B's name).
        if (pattern.includes(':')) expect([403, 404], `${route} with A's ${name}`).toContain(res.status);
        cells.push(`${route} × ${name}: ${res.status}`);
      }
    }
    expect(cells.length).toBeGreaterThanOrEqual(15 * 5);
  });

  it('every other route refuses the credentials of both partners', async () => {
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.facing === 'partner' || row.facing === 'public') continue;
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:[A-Za-z]+/g, (p) => (p === ':poNumber' ? PO_B : '1'));
      for (const partner of [ALPHA.id, BRAVO.id])
        for (const [name, token] of Object.entries(credentials.get(partner)!)) {
          const res = await send(token, method, path, { body: {} });
          expect(res.status, `${route} with ${partner}'s ${name}: ${res.text}`).toBe(403);
        }
    }
  });

  it('documents A sends in B’s name are rejected: X12 with B’s ISA sender, EDIFACT with B’s UNB sender, JSON with B as sender', async () => {
    const readB = () =>
      send(credentials.get(BRAVO.id)!['supplier-user'], 'GET', `/partner/v1/orders/${PO_B}`);
    const before = (await readB()).body;
    for (const [name, token] of Object.entries(credentials.get(ALPHA.id)!) as [Credential, string][]) {
      const attempts = [
        {
          contentType: 'application/edi-x12',
          body: x12Acknowledgment({
            isaSender: BRAVO.isa,
            gsSender: BRAVO.gs,
            poNumber: PO_B,
            control: 8000 + ++n,
            lines: [{ lineNumber: '10', quantity: '1' }],
          }),
        },
        { contentType: 'application/edifact', body: edifactInterchange(BRAVO.unb, `R${++n}`) },
        {
          contentType: 'application/json',
          body: JSON.stringify(jsonAcknowledgment(PO_B, { id: BRAVO.id }, `A-AS-B-${++n}`)),
        },
        {
          contentType: 'application/json',
          body: JSON.stringify(jsonAcknowledgment(PO_B, { scheme: 'gs', id: BRAVO.gs }, `A-AS-B-${++n}`)),
        },
      ];
      for (const attempt of attempts) {
        const res = await send(token, 'POST', '/partner/v1/documents', attempt);
        expect(ok(res), `${attempt.contentType} by A's ${name}`).toBe(false);
        // The partner credential gets the precise refusal; users may not submit at all.
        expect(res.status).toBe(kindOf(name) === 'partner' ? 422 : 403);
      }
    }
    // A answering B's order in its own name is told what an unknown order would be told (so the
    // order's existence does not leak), and the PO lifecycle refuses it: nothing changes on B's order.
    const own = await send(credentials.get(ALPHA.id)!['partner-token'], 'POST', '/partner/v1/documents', {
      contentType: 'application/json',
      body: JSON.stringify(jsonAcknowledgment(PO_B, { id: ALPHA.id }, `A-OWN-${++n}`)),
    });
    expect(own.status).toBe(201);
    expect((await readB()).body).toEqual(before);
  });
});
