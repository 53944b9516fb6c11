import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/gateway/api-keys.service.js';
import { AsnBuilderService } from '../../src/shipping/asn-builder.service.js';
import { makeSscc } from '../../src/shipping/sscc.js';
import { ALPHA, BRAVO, x12Acknowledgment } from '../../src/transports/api/testing/partner-api.test-helper.js';
import { eventually } from '../support/notification-peers.js';
import { queryOnce } from '../support/postgres.js';
import {
  changeThroughErp,
  csrfOf,
  FormClient,
  issueThroughErp,
  linkMailedTo,
  portalRoutes,
  seedPortalUser,
  startPortalWorld,
  type PortalWorld,
} from './portal-support.js';

/**
 * Tenancy of the supplier portal proven over the application's route table (DESIGN.md invariant 3):
 * test/integration/tenancy-matrix.test.ts delegates every route under /portal here, and this test
 * fails for a portal route without a row. A partner row says how to call the route on partner B's
 * object; B's signed-in users succeed, then every signed-in user of partner A gets zero successes on
 * the same object, object routes answer 404 (or 403 for a role the page does not admit), and nothing
 * A is shown ever contains B's orders, documents, keys, users or exceptions.
 */

type Who = 'supplier-user' | 'supplier-admin';

interface Objects {
  readonly poNumber: string;
  /** B's order in `changed` (a change to answer). */
  readonly changedPo: string;
  readonly documentId: string;
  readonly sentDocumentId: string;
  readonly keyPrefix: string;
  readonly victimId: string;
  readonly pendingId: string;
  /** ASN builder: B's acknowledged order to ship, B's ship notice draft and B's submitted notice. */
  readonly shipPo: string;
  readonly shipmentDraftId: string;
  readonly shipmentId: string;
  readonly markers: readonly string[];
  /** A fresh active API key of B (rotation and revocation use one up). */
  freshKey(): Promise<string>;
}

interface Call {
  readonly path: string;
  readonly fields?: Record<string, string>;
  /** A multipart upload of this file. */
  readonly file?: { readonly name: string; readonly content: string };
}

interface PartnerRow {
  readonly facing: 'partner';
  readonly admits: readonly Who[];
  readonly call: (o: Objects, n: number) => Promise<Call> | Call;
  /** Did the caller read B's data or act on B's object? */
  readonly succeeded: (res: Response, o: Objects, db: string, call: Call) => Promise<boolean> | boolean;
}

/** A page for buyers and admins only: every supplier user, of any partner, gets 403 and none of it. */
interface BuyerRow {
  readonly facing: 'buyer';
  readonly call: (o: Objects, n: number) => Promise<Call> | Call;
}

interface OtherRow {
  /** anonymous: sign-in pages and single-use links, no partner data; own: the caller's own account only. */
  readonly facing: 'anonymous' | 'own';
  readonly why: string;
}

const ok = (res: Response) => res.status >= 200 && res.status < 300;
const redirected = (res: Response) => res.status === 303;
const mentions = (res: Response, text: string) => ok(res) && res.text.includes(text);
const BOTH: readonly Who[] = ['supplier-user', 'supplier-admin'];
const ADMIN: readonly Who[] = ['supplier-admin'];

async function answerStored(db: string, poNumber: string, res: Response): Promise<boolean> {
  if (!redirected(res)) return false;
  const [row] = await queryOnce<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM interchange WHERE metadata->>'poNumber' = $1 AND direction = 'inbound'
        AND received_at > now() - interval '5 seconds' AND status = 'processed'`,
    [poNumber],
  );
  return (row?.n ?? 0) > 0;
}

async function userActive(db: string, id: string): Promise<boolean> {
  const [row] = await queryOnce<{ active: boolean }>(db, `SELECT active FROM app_user WHERE id = $1`, [id]);
  return row!.active;
}

const answerFields = { l0_line: '10', l0_action: 'accept', l1_line: '20', l1_action: 'accept' };
/** A case id for the workbench's rows: a supplier is refused by role before any case is read. */
const WORKBENCH_CASE = '8a3f2c1e-5b7d-4e9a-8c2f-1d3e5f7a9b0c';

/** Every portal route. Add the row of a new route here: the test fails until you do. */
const MATRIX: Readonly<Record<string, PartnerRow | BuyerRow | OtherRow>> = {
  'GET /portal': { facing: 'anonymous', why: 'redirects to the inbox or the sign-in page' },
  'GET /portal/login': { facing: 'anonymous', why: 'sign-in form' },
  'POST /portal/login': { facing: 'anonymous', why: 'signs in (the session becomes the user’s)' },
  'GET /portal/password-reset': { facing: 'anonymous', why: 'asks for a reset link' },
  'POST /portal/password-reset': {
    facing: 'anonymous',
    why: 'mails a reset link; says nothing about the address',
  },
  'GET /portal/password-reset/:token': { facing: 'anonymous', why: 'single-use link bound to its user' },
  'POST /portal/password-reset/:token': { facing: 'anonymous', why: 'single-use link bound to its user' },
  'GET /portal/invitations/:token': { facing: 'anonymous', why: 'single-use link bound to its user' },
  'POST /portal/invitations/:token': { facing: 'anonymous', why: 'single-use link bound to its user' },
  'GET /portal/sso': { facing: 'anonymous', why: 'buyers’ single sign-on: to the identity provider' },
  'GET /portal/sso/callback': { facing: 'anonymous', why: 'buyers’ single sign-on: buyers and admins only' },
  'POST /portal/logout': { facing: 'own', why: 'ends the caller’s session' },
  'POST /portal/logout-everywhere': { facing: 'own', why: 'ends the caller’s sessions' },
  'GET /portal/account': { facing: 'own', why: 'the caller’s own account' },
  'POST /portal/account/password': { facing: 'own', why: 'the caller’s own password' },

  'GET /portal/orders': {
    facing: 'partner',
    admits: BOTH,
    call: () => ({ path: '/portal/orders?tab=all' }),
    succeeded: (res, o) => mentions(res, o.poNumber),
  },
  'GET /portal/orders/:poNumber': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/orders/${o.poNumber}` }),
    succeeded: ok,
  },
  'POST /portal/orders/:poNumber/acknowledgment': {
    facing: 'partner',
    admits: BOTH,
    call: (o, n) => ({
      path: `/portal/orders/${o.poNumber}/acknowledgment`,
      fields: { ...answerFields, formKey: n.toString(16).padStart(24, '0') },
    }),
    succeeded: (res, o, db) => answerStored(db, o.poNumber, res),
  },
  'POST /portal/orders/:poNumber/change-answer': {
    facing: 'partner',
    admits: BOTH,
    call: (o, n) => ({
      path: `/portal/orders/${o.changedPo}/change-answer`,
      fields: { ...answerFields, formKey: (n + 0xc0000).toString(16).padStart(24, '0') },
    }),
    succeeded: (res, o, db) => answerStored(db, o.changedPo, res),
  },
  'GET /portal/uploads': {
    facing: 'partner',
    admits: BOTH,
    call: () => ({ path: '/portal/uploads' }),
    succeeded: (res) => mentions(res, 'bravo-upload.edi'),
  },
  'POST /portal/uploads': {
    facing: 'partner',
    admits: BOTH,
    // An 855 in B's name (B's ISA/GS sender) for B's order.
    call: (o, n) => ({
      path: '/portal/uploads',
      file: {
        name: `upload-${n}.edi`,
        content: x12Acknowledgment({
          isaSender: BRAVO.isa,
          gsSender: BRAVO.gs,
          poNumber: o.poNumber,
          control: 5000 + n,
          lines: [{ lineNumber: '10', quantity: '4800' }],
        }),
      },
    }),
    succeeded: async (res, _o, db) => {
      const id = /\/portal\/documents\/(\d+)/.exec(res.headers.location ?? '')?.[1];
      if (!redirected(res) || !id) return false;
      const [row] = await queryOnce<{ partner_id: string; status: string }>(
        db,
        `SELECT partner_id, status FROM interchange WHERE id = $1`,
        [id],
      );
      return row?.partner_id === BRAVO.id && row.status !== 'rejected';
    },
  },
  'GET /portal/documents/:id': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/documents/${o.documentId}` }),
    succeeded: ok,
  },
  'GET /portal/documents/:id/raw': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/documents/${o.sentDocumentId}/raw` }),
    succeeded: ok,
  },
  // The ASN builder (test/integration/portal-shipments.test.ts); the notice's cancel comes last.
  'GET /portal/shipments': {
    facing: 'partner',
    admits: BOTH,
    call: () => ({ path: '/portal/shipments' }),
    succeeded: (res) => mentions(res, 'PS-B-DRAFT') && mentions(res, 'PS-B-SENT'),
  },
  'GET /portal/shipments/new': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/new?po=${o.shipPo}` }),
    succeeded: (res, o) => mentions(res, `value="${o.shipPo}" checked`),
  },
  'POST /portal/shipments': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: '/portal/shipments', fields: { po: o.shipPo } }),
    succeeded: async (res, _o, db) => {
      const id = /^\/portal\/shipments\/(\d+)$/.exec(String(res.headers.location ?? ''))?.[1];
      if (!redirected(res) || !id) return false;
      const [row] = await queryOnce<{ partner_id: string }>(
        db,
        `SELECT partner_id FROM ship_notice_draft WHERE id = $1`,
        [id],
      );
      return row?.partner_id === BRAVO.id;
    },
  },
  'GET /portal/shipments/:id': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/${o.shipmentDraftId}` }),
    succeeded: (res) => mentions(res, 'PS-B-DRAFT'),
  },
  'POST /portal/shipments/:id/edit': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({
      path: `/portal/shipments/${o.shipmentDraftId}/edit`,
      fields: { op: 'header', shippedAt: '2026-12-03T14:00' },
    }),
    // Only a saved change goes back to the header; a refused one gets an error page or no anchor.
    succeeded: (res, o) =>
      redirected(res) &&
      new RegExp(`^/portal/shipments/${o.shipmentDraftId}(/replace)?#header$`).test(
        res.headers.location ?? '',
      ),
  },
  'POST /portal/shipments/:id/submit': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/${o.shipmentDraftId}/submit` }),
    succeeded: (res, o) =>
      redirected(res) && res.headers.location === `/portal/shipments/${o.shipmentDraftId}`,
  },
  'GET /portal/shipments/:id/replace': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/${o.shipmentId}/replace` }),
    succeeded: (res) => mentions(res, 'Submit the replacement'),
  },
  'GET /portal/shipments/:id/labels': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/${o.shipmentId}/labels` }),
    succeeded: (res) => mentions(res, 'class="label"') && mentions(res, 'PS-B-SENT'),
  },
  'GET /portal/shipments/:id/cancel': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/${o.shipmentId}/cancel` }),
    succeeded: (res) => mentions(res, 'Yes, cancel the ship notice'),
  },
  'POST /portal/shipments/:id/cancel': {
    facing: 'partner',
    admits: BOTH,
    call: (o) => ({ path: `/portal/shipments/${o.shipmentId}/cancel` }),
    succeeded: async (res, o, db) => {
      if (!redirected(res)) return false;
      const [row] = await queryOnce<{ status: string }>(
        db,
        `SELECT status FROM ship_notice_draft WHERE id = $1`,
        [o.shipmentId],
      );
      return row?.status === 'cancelled';
    },
  },
  'GET /portal/credentials': {
    facing: 'partner',
    admits: BOTH,
    call: () => ({ path: '/portal/credentials' }),
    succeeded: (res, o) => mentions(res, o.keyPrefix),
  },
  'POST /portal/credentials/api-keys': {
    facing: 'partner',
    admits: ADMIN,
    call: () => ({
      path: '/portal/credentials/api-keys',
      fields: { scopes: 'profile:read', label: 'matrix' },
    }),
    succeeded: async (res, _o, db) => {
      const lookup = /value="sgp_([^_"]+)_/.exec(res.text)?.[1];
      if (res.status !== 201 || !lookup) return false;
      const [row] = await queryOnce<{ partner_id: string }>(
        db,
        `SELECT partner_id FROM access_token WHERE lookup = $1`,
        [lookup],
      );
      return row?.partner_id === BRAVO.id;
    },
  },
  'POST /portal/credentials/api-keys/:lookup/rotate': {
    facing: 'partner',
    admits: ADMIN,
    call: async (o) => ({
      path: `/portal/credentials/api-keys/${await o.freshKey()}/rotate`,
      fields: { overlapSeconds: '0' },
    }),
    succeeded: (res) => res.status === 201 && /value="sgp_/.test(res.text),
  },
  'POST /portal/credentials/api-keys/:lookup/revoke': {
    facing: 'partner',
    admits: ADMIN,
    call: async (o) => ({ path: `/portal/credentials/api-keys/${await o.freshKey()}/revoke` }),
    succeeded: redirected,
  },
  'GET /portal/users': {
    facing: 'partner',
    admits: ADMIN,
    call: () => ({ path: '/portal/users' }),
    succeeded: (res) => mentions(res, 'victim@bravo.example.com'),
  },
  'POST /portal/users': {
    facing: 'partner',
    admits: ADMIN,
    call: (_o, n) => ({
      path: '/portal/users',
      fields: {
        email: `invitee${n}@bravo.example.com`,
        displayName: `Invitee ${n}`,
        role: 'supplier-admin',
        partnerId: BRAVO.id,
      },
    }),
    succeeded: async (res, _o, db, call) => {
      if (!redirected(res)) return false;
      const [row] = await queryOnce<{ partner_id: string | null }>(
        db,
        `SELECT partner_id FROM app_user WHERE email = $1`,
        [call.fields!.email],
      );
      return row?.partner_id === BRAVO.id;
    },
  },
  'POST /portal/users/:userId/invitation': {
    facing: 'partner',
    admits: ADMIN,
    call: (o) => ({ path: `/portal/users/${o.pendingId}/invitation` }),
    succeeded: redirected,
  },
  'POST /portal/users/:userId/deactivate': {
    facing: 'partner',
    admits: ADMIN,
    call: (o) => ({ path: `/portal/users/${o.victimId}/deactivate` }),
    succeeded: async (res, o, db) => redirected(res) && !(await userActive(db, o.victimId)),
  },
  'POST /portal/users/:userId/activate': {
    facing: 'partner',
    admits: ADMIN,
    call: (o) => ({ path: `/portal/users/${o.victimId}/activate` }),
    succeeded: async (res, o, db) => redirected(res) && (await userActive(db, o.victimId)),
  },

  // The exception workbench (buyers and admins; test/integration/workbench.test.ts).
  'GET /portal/workbench': { facing: 'buyer', call: () => ({ path: '/portal/workbench?plant=1000' }) },
  'POST /portal/workbench/accept': {
    facing: 'buyer',
    call: () => ({ path: '/portal/workbench/accept', fields: { ids: WORKBENCH_CASE } }),
  },
  'GET /portal/workbench/:id': {
    facing: 'buyer',
    call: () => ({ path: `/portal/workbench/${WORKBENCH_CASE}` }),
  },
  'POST /portal/workbench/:id/accept': {
    facing: 'buyer',
    call: () => ({ path: `/portal/workbench/${WORKBENCH_CASE}/accept`, fields: { note: 'not a buyer' } }),
  },
  'POST /portal/workbench/:id/counter': {
    facing: 'buyer',
    call: () => ({
      path: `/portal/workbench/${WORKBENCH_CASE}/counter`,
      fields: { quantity: '1', note: 'not a buyer' },
    }),
  },
  'POST /portal/workbench/:id/escalate': {
    facing: 'buyer',
    call: () => ({ path: `/portal/workbench/${WORKBENCH_CASE}/escalate`, fields: { note: 'not a buyer' } }),
  },
  'POST /portal/workbench/:id/resolve': {
    facing: 'buyer',
    call: () => ({ path: `/portal/workbench/${WORKBENCH_CASE}/resolve`, fields: { note: 'not a buyer' } }),
  },

  // Message tracking and replay (buyers and admins; test/integration/portal-tracking.test.ts).
  'GET /portal/tracking': { facing: 'buyer', call: (o) => ({ path: `/portal/tracking?q=${o.poNumber}` }) },
  'GET /portal/tracking/chain': {
    facing: 'buyer',
    call: () => ({ path: '/portal/tracking/chain?c=po%3A1' }),
  },
  'GET /portal/tracking/interchanges/:id/raw': {
    facing: 'buyer',
    call: (o) => ({ path: `/portal/tracking/interchanges/${o.documentId}/raw` }),
  },
  'POST /portal/tracking/dead-letters/:id/replay': {
    facing: 'buyer',
    call: () => ({ path: '/portal/tracking/dead-letters/1/replay', fields: { note: 'not a buyer' } }),
  },
  'POST /portal/tracking/outbound-documents/:id/resend': {
    facing: 'buyer',
    call: () => ({ path: '/portal/tracking/outbound-documents/1/resend', fields: { note: 'not a buyer' } }),
  },

  // Partner health and scorecards (test/integration/partner-scorecards.test.ts): the list and any
  // partner's page for buyers; a supplier's own scorecard, headed with its partner id.
  'GET /portal/partners': { facing: 'buyer', call: () => ({ path: '/portal/partners?sort=status' }) },
  'GET /portal/partners/:partnerId': {
    facing: 'buyer',
    call: () => ({ path: `/portal/partners/${BRAVO.id}` }),
  },
  'GET /portal/scorecard': {
    facing: 'partner',
    admits: BOTH,
    call: () => ({ path: '/portal/scorecard?months=12' }),
    succeeded: (res) => mentions(res, `(${BRAVO.id})</span></h2>`),
  },
};

describe('portal tenancy over every /portal route: supplier A never reaches supplier B’s data', () => {
  let world: PortalWorld;
  let objects: Objects;
  const sessions = new Map<string, Record<Who, FormClient>>();
  const PO_B = '4620000101';
  const PO_B_CHANGED = '4620000102';
  const PO_B_SHIP = '4620000103';
  let n = 0;

  const signedIn = async (email: string) => {
    const client = new FormClient(world.gateway.url);
    expect((await client.login(email)).status).toBe(303);
    return client;
  };

  beforeAll(async () => {
    world = await startPortalWorld('portal_tenancy');
    for (const p of [ALPHA.id, BRAVO.id]) {
      const short = p.split('-')[0];
      await seedPortalUser(world, {
        email: `user@${short}.example.com`,
        role: 'supplier-user',
        partnerId: p,
      });
      await seedPortalUser(world, {
        email: `admin@${short}.example.com`,
        role: 'supplier-admin',
        partnerId: p,
      });
      sessions.set(p, {
        'supplier-user': await signedIn(`user@${short}.example.com`),
        'supplier-admin': await signedIn(`admin@${short}.example.com`),
      });
    }
    await issueThroughErp(world, { poNumber: '4610000101', partnerId: ALPHA.id });
    await issueThroughErp(world, { poNumber: PO_B, partnerId: BRAVO.id });
    await issueThroughErp(world, { poNumber: PO_B_CHANGED, partnerId: BRAVO.id });
    const bAdmin = sessions.get(BRAVO.id)!['supplier-admin'];
    // B answers its changed order once, then the ERP changes it: it awaits B's answer to the change.
    await bAdmin.submit(
      `/portal/orders/${PO_B_CHANGED}`,
      { ...answerFields, formKey: 'b'.repeat(24) },
      `/portal/orders/${PO_B_CHANGED}/acknowledgment`,
    );
    await changeThroughErp(world, PO_B_CHANGED, [{ lineNumber: '20', quantity: '150' }]);
    // B's answer with a line five days late: an exception for the buyer, shown on B's order.
    await bAdmin.submit(
      `/portal/orders/${PO_B}`,
      { ...answerFields, l1_action: 'change', l1_date: '2026-12-15', formKey: 'c'.repeat(24) },
      `/portal/orders/${PO_B}/acknowledgment`,
    );
    const page = await bAdmin.get('/portal/uploads');
    const upload = await bAdmin.agent
      .post('/portal/uploads')
      .field('_csrf', csrfOf(page.text))
      .attach(
        'file',
        Buffer.from(
          x12Acknowledgment({
            isaSender: BRAVO.isa,
            gsSender: BRAVO.gs,
            poNumber: PO_B,
            control: 4242,
            lines: [{ lineNumber: '10', quantity: '4800' }],
          }),
        ),
        'bravo-upload.edi',
      );
    expect(upload.status).toBe(303);
    const [sent] = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT interchange_id::text AS id FROM outbound_document WHERE partner_id = $1 AND po_number = $2 ORDER BY id LIMIT 1`,
      [BRAVO.id, PO_B],
    );
    const keys = world.gateway.app.get(ApiKeyService);
    const setup = { kind: 'cli', name: 'portal-tenancy' } as const;
    const key = await keys.create(BRAVO.id, { scopes: ['profile:read'], label: 'bravo-key' }, setup);
    const victimId = await seedPortalUser(world, {
      email: 'victim@bravo.example.com',
      role: 'supplier-user',
      partnerId: BRAVO.id,
    });
    await bAdmin.submit('/portal/users', {
      email: 'pending@bravo.example.com',
      displayName: 'Pending',
      role: 'supplier-user',
    });
    await linkMailedTo(world.smtp, 'pending@bravo.example.com', 'invitations');
    const [pending] = await queryOnce<{ id: string }>(
      world.db.url,
      `SELECT id::text AS id FROM app_user WHERE email = $1`,
      ['pending@bravo.example.com'],
    );
    const [exception] = await queryOnce<{ summary: string }>(
      world.db.url,
      `SELECT summary FROM exception_case WHERE partner_id = $1 AND po_number = $2 LIMIT 1`,
      [BRAVO.id, PO_B],
    );
    expect(exception?.summary).toBeTruthy();
    // The ASN builder: B acknowledges an order, keeps a draft of a notice for it and sends another.
    await issueThroughErp(world, { poNumber: PO_B_SHIP, partnerId: BRAVO.id });
    await bAdmin.submit(
      `/portal/orders/${PO_B_SHIP}`,
      { ...answerFields, formKey: 'd'.repeat(24) },
      `/portal/orders/${PO_B_SHIP}/acknowledgment`,
    );
    await eventually(`B's order ${PO_B_SHIP} acknowledged`, async () => {
      const [row] = await queryOnce<{ state: string }>(
        world.db.url,
        `SELECT state FROM purchase_order WHERE po_number = $1`,
        [PO_B_SHIP],
      );
      return row?.state === 'acknowledged';
    });
    const builder = world.gateway.app.get(AsnBuilderService);
    // B has no GS1 prefix in its profile: its SSCCs are typed in, as a supplier printing its own labels does.
    const notice = (sscc: bigint) => ({
      shippedAt: '2026-12-03T14:00:00Z',
      cartons: [
        {
          sscc: makeSscc(0, '0614142', sscc),
          items: [{ poNumber: PO_B_SHIP, lineNumber: '10', quantity: { value: '100', unit: 'H87' } }],
        },
      ],
    });
    const bActor = { kind: 'cli', name: 'portal-tenancy' } as const;
    const shipmentDraft = await builder.create(
      BRAVO.id,
      { shipmentNumber: 'PS-B-DRAFT', body: notice(1n) },
      bActor,
    );
    const shipment = await builder.create(
      BRAVO.id,
      { shipmentNumber: 'PS-B-SENT', body: notice(2n) },
      bActor,
    );
    await builder.submit(BRAVO.id, shipment.id, bActor);
    objects = {
      shipPo: PO_B_SHIP,
      shipmentDraftId: shipmentDraft.id,
      shipmentId: shipment.id,
      poNumber: PO_B,
      changedPo: PO_B_CHANGED,
      documentId: /\/portal\/documents\/(\d+)/.exec(upload.headers.location!)![1]!,
      sentDocumentId: sent!.id,
      keyPrefix: key.key.prefix,
      victimId,
      pendingId: pending!.id,
      markers: [
        PO_B,
        PO_B_CHANGED,
        key.key.prefix,
        'victim@bravo.example.com',
        'bravo-upload.edi',
        exception!.summary,
        PO_B_SHIP,
        'PS-B-DRAFT',
        'PS-B-SENT',
      ],
      freshKey: async () => (await keys.create(BRAVO.id, { scopes: ['profile:read'] }, setup)).lookup,
    };
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('has a row for every /portal route the application serves, and none for a route it does not serve', () => {
    const served = portalRoutes(world.gateway.app);
    expect(served.length).toBeGreaterThan(25);
    expect(
      served.filter((r) => !(r in MATRIX)),
      'portal routes missing from the matrix',
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((r) => !served.includes(r)),
      'rows of routes that do not exist',
    ).toEqual([]);
  });

  const send = async (client: FormClient, method: string, call: Call) => {
    if (method === 'GET') return client.get(call.path);
    // A fresh token of the caller's own session: CSRF is not what this test is about.
    const csrf = csrfOf((await client.get('/portal/account')).text);
    if (call.file)
      return client.agent
        .post(call.path)
        .redirects(0)
        .field('_csrf', csrf)
        .attach('file', Buffer.from(call.file.content), call.file.name);
    return client.agent
      .post(call.path)
      .redirects(0)
      .type('form')
      .send({ _csrf: csrf, ...call.fields });
  };

  it('partner rows: B’s users succeed on B’s objects; A’s users get zero successes and never see B’s data', async () => {
    const cells: string[] = [];
    const seenByA: { text: string; sent: string }[] = [];
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.facing !== 'partner') continue;
      const [method, pattern] = route.split(' ') as [string, string];
      for (const who of row.admits) {
        const call = await row.call(objects, ++n);
        const res = await send(sessions.get(BRAVO.id)![who], method, call);
        expect(
          await row.succeeded(res, objects, world.db.url, call),
          `${route} as B's ${who}: ${res.status} ${String(res.text ?? '').slice(0, 300)}`,
        ).toBe(true);
      }
      for (const who of BOTH) {
        const call = await row.call(objects, ++n);
        const res = await send(sessions.get(ALPHA.id)![who], method, call);
        expect(
          await row.succeeded(res, objects, world.db.url, call),
          `${route} as A's ${who}: ${res.status}`,
        ).toBe(false);
        if (pattern.includes(':')) expect([403, 404], `${route} as A's ${who}`).toContain(res.status);
        seenByA.push({
          text: `${res.text ?? ''} ${String(res.headers.location ?? '')}`,
          sent: JSON.stringify(call),
        });
        cells.push(`${route} × A's ${who}: ${res.status}`);
      }
    }
    // Nothing A was shown, on any page or redirect, names B's orders, documents, keys, users or exceptions
    // (beyond echoing what A itself asked for, such as "no purchase order 4620000101").
    for (const marker of objects.markers)
      expect(
        seenByA
          .filter((seen) => !seen.sent.includes(marker) && seen.text.includes(marker))
          .map((s) => s.sent),
        `B's ${marker} shown to A`,
      ).toEqual([]);
    // A's own pages as well.
    for (const path of [
      '/portal/orders?tab=all',
      '/portal/uploads',
      '/portal/credentials',
      '/portal/users',
      '/portal/account',
      '/portal/shipments',
      '/portal/shipments/new',
    ]) {
      const text = (await sessions.get(ALPHA.id)!['supplier-admin'].get(path)).text;
      for (const marker of objects.markers)
        expect(text.includes(marker), `${path} shows B's ${marker} to A`).toBe(false);
    }
    expect(cells.length).toBe(
      Object.values(MATRIX).filter((r) => r.facing === 'partner').length * BOTH.length,
    );
    expect(cells.length).toBeGreaterThanOrEqual(17 * 2);
    // B's objects are as B left them: the victim active again, the pending invitee pending.
    expect(await userActive(world.db.url, objects.victimId)).toBe(true);
  });

  it('buyer rows: every supplier user of either partner gets 403 (the error page, not the page)', async () => {
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.facing !== 'buyer') continue;
      const method = route.split(' ')[0]!;
      for (const partner of [ALPHA.id, BRAVO.id])
        for (const who of BOTH) {
          const res = await send(sessions.get(partner)![who], method, await row.call(objects, ++n));
          expect(res.status, `${route} as ${partner}'s ${who}`).toBe(403);
        }
    }
  });
});
