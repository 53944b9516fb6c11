import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import {
  ALPHA,
  BRAVO,
  orderSnapshot,
  partnersDir,
  x12Acknowledgment,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, json, ScriptedHttpPeer, type RecordedRequest } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-webhook-test-0123456789';
const PO = '4510000001';
const PO_2 = '4510000002';

interface Envelope {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { document?: { number: string; kind: string } };
}

describe('partner webhook subscriptions: documents announced to subscribed URLs, signed, retried, per type', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let base: string;
  let alpha: string;
  let bravo: string;
  let goneFixed = false;
  const subscriptions: Record<'json' | 'native' | 'gone', { id: string; secret: string }> = {} as never;

  // The partner's endpoints: /json fails twice before it takes anything; /native takes everything;
  // /gone answers 410 until the partner fixes it.
  const peer = new ScriptedHttpPeer((req, res) => {
    if (req.path === '/json' && at('/json').length <= 2) return json(res, 500, { error: 'deploying' });
    if (req.path === '/gone' && !goneFixed) return json(res, 410, { error: 'no such hook' });
    json(res, 200, { ok: true });
  });
  const at = (path: string): RecordedRequest[] => peer.requests.filter((r) => r.path === path);
  const bodyOf = (r: RecordedRequest) => JSON.parse(r.body.toString('utf8')) as Envelope;
  const headersOf = (r: RecordedRequest) => ({
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
  const api = (token: string) => ({
    get: (path: string) => request(base).get(path).set('authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(base)
        .post(path)
        .set('authorization', `Bearer ${token}`)
        .send(body ?? {}),
    patch: (path: string, body: object) =>
      request(base).patch(path).set('authorization', `Bearer ${token}`).send(body),
  });
  const issue = (snapshot: ReturnType<typeof orderSnapshot>) =>
    api(ADMIN).post('/erp/v1/purchase-orders', snapshot).expect(200);
  const deliveriesOf = async (id: string) =>
    (await api(alpha).get(`/partner/v1/webhooks/${id}/deliveries`).expect(200)).body.items as {
      id: string;
      eventType: string;
      messageId: string;
      status: string;
      attempts: number;
      lastResponseStatus: number | null;
      lastError: string | null;
    }[];

  beforeAll(async () => {
    const url = await peer.start();
    db = await createTestDatabase('partner_webhooks');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partnersDir(),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
    base = gateway.url;
    const identity = gateway.app.get(IdentityService);
    const setup = { kind: 'cli', name: 'webhook-test' } as const;
    alpha = (await identity.issuePartnerToken(ALPHA.id, ['webhooks:write', 'documents:write'], setup)).token;
    bravo = (await identity.issuePartnerToken(BRAVO.id, ['webhooks:write'], setup)).token;

    const subscribe = async (
      token: string,
      path: string,
      body: { url: string; eventTypes: string[]; format?: string },
    ) => {
      const res = await api(token).post(path, body);
      expect(res.status, res.text).toBe(201);
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(res.body.partnerId).toBe(ALPHA.id);
      return { id: res.body.id as string, secret: res.body.secret as string };
    };
    subscriptions.json = await subscribe(alpha, '/partner/v1/webhooks', {
      url: `${url}/json`,
      eventTypes: ['purchase-order.issued', 'purchase-order.changed'],
    });
    subscriptions.native = await subscribe(alpha, '/partner/v1/webhooks', {
      url: `${url}/native`,
      eventTypes: ['purchase-order.changed', 'functional-acknowledgment.sent'],
      format: 'native',
    });
    // An operator sets one up for the partner at onboarding.
    subscriptions.gone = await subscribe(ADMIN, `/admin/partners/${ALPHA.id}/webhooks`, {
      url: `${url}/gone`,
      eventTypes: ['purchase-order.issued'],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await peer.stop();
  });

  it('shows a subscription without its secret, and refuses URLs, event types and other partners it must', async () => {
    const listed = await api(alpha).get('/partner/v1/webhooks').expect(200);
    expect(listed.body.items.map((s: { id: string }) => s.id)).toEqual([
      subscriptions.json.id,
      subscriptions.native.id,
      subscriptions.gone.id,
    ]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect(listed.body.items[1]).toMatchObject({ format: 'native', enabled: true, failingSince: null });

    const bad = await api(alpha).post('/partner/v1/webhooks', {
      url: 'https://hooks.example.com/x',
      eventTypes: ['purchase-order.deleted'],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const creds = await api(alpha).post('/partner/v1/webhooks', {
      url: 'https://user:pw@hooks.example.com/x',
      eventTypes: ['purchase-order.issued'],
    });
    expect(creds.status).toBe(400);
    expect(creds.body.detail).toContain('credentials');

    // B sees and touches none of A's subscriptions.
    expect((await api(bravo).get(`/partner/v1/webhooks/${subscriptions.json.id}`)).status).toBe(404);
    expect(
      (await api(bravo).patch(`/partner/v1/webhooks/${subscriptions.json.id}`, { enabled: false })).status,
    ).toBe(404);
    expect((await api(bravo).get('/partner/v1/webhooks').expect(200)).body.items).toEqual([]);
  });

  it('announces an issued PO to the subscribed URLs in the partner JSON schema, signed, once after two failures', async () => {
    await issue(orderSnapshot(PO, ALPHA.id));
    await eventually(async () => at('/json').length >= 3, 'the third try at /json', 60_000);
    const tries = at('/json');
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(tries.map((r) => r.body.toString('utf8'))).size).toBe(1);
    const last = tries[2]!;
    const verified = new Webhook(subscriptions.json.secret).verify(
      last.body.toString('utf8'),
      headersOf(last),
    );
    expect(verified).toMatchObject({
      type: 'purchase-order.issued',
      data: { type: 'purchase-order', version: 'v1', document: { number: PO, kind: 'original' } },
    });
    const forged = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    expect(() => new Webhook(forged).verify(last.body.toString('utf8'), headersOf(last))).toThrow();

    await eventually(
      async () => (await deliveriesOf(subscriptions.json.id))[0]?.status === 'delivered',
      'the /json message delivered',
    );
    const [delivery] = await deliveriesOf(subscriptions.json.id);
    expect(delivery).toMatchObject({
      eventType: 'purchase-order.issued',
      status: 'delivered',
      attempts: 3,
      lastResponseStatus: 200,
      messageId: last.headers['webhook-id'],
    });
    // The partner's own channel is untouched: the 850 waits for pickup as before.
    const [document] = await queryOnce<{ status: string; message_type: string }>(
      db.url,
      `SELECT status, message_type FROM outbound_document WHERE po_number = $1`,
      [PO],
    );
    expect(document).toEqual({ status: 'awaiting-pickup', message_type: '850' });
    // /native did not subscribe to issued orders.
    expect(at('/native')).toEqual([]);
  });

  it('fails a message the endpoint refuses at once, raises one case for the subscription, and redelivers it later', async () => {
    await eventually(
      async () => (await deliveriesOf(subscriptions.gone.id))[0]?.status === 'failed',
      'the /gone message failed',
    );
    const [failed] = await deliveriesOf(subscriptions.gone.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastResponseStatus: 410 });
    expect(failed!.lastError).toContain('410');
    const subscription = (await api(alpha).get(`/partner/v1/webhooks/${subscriptions.gone.id}`).expect(200))
      .body;
    expect(subscription.failingSince).not.toBeNull();
    const cases = await queryOnce<{ type: string; partner_id: string }>(
      db.url,
      `SELECT type, partner_id FROM exception_case WHERE type = 'webhook.delivery-failed'`,
    );
    expect(cases).toEqual([{ type: 'webhook.delivery-failed', partner_id: ALPHA.id }]);

    // The try that failed it has finished (dead-lettered): a redelivery waits for that.
    await eventually(
      async () =>
        (
          await queryOnce<{ n: number }>(
            db.url,
            `SELECT count(*)::int AS n FROM dead_letter WHERE job_name = 'webhook.deliver' AND payload->>'deliveryId' = $1`,
            [failed!.id],
          )
        )[0]!.n === 1,
      'the failed try dead-lettered',
    );
    goneFixed = true;
    const again = await api(alpha).post(
      `/partner/v1/webhooks/${subscriptions.gone.id}/deliveries/${failed!.id}/redeliver`,
    );
    expect(again.status, again.text).toBe(202);
    await eventually(
      async () => (await deliveriesOf(subscriptions.gone.id))[0]?.status === 'delivered',
      'the redelivered message delivered',
    );
    const gone = at('/gone');
    expect(gone).toHaveLength(2);
    expect(gone[1]!.headers['webhook-id']).toBe(gone[0]!.headers['webhook-id']);
    expect(gone[1]!.body.equals(gone[0]!.body)).toBe(true);
    const healed = (await api(alpha).get(`/partner/v1/webhooks/${subscriptions.gone.id}`).expect(200)).body;
    expect(healed.failingSince).toBeNull();
  });

  it('sends a change as JSON to one subscription and as the 860 itself to a native one, signed by both secrets after a rotation', async () => {
    const rotated = await api(alpha).post(`/partner/v1/webhooks/${subscriptions.native.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(subscriptions.native.secret);
    expect(rotated.body.previousSecretUntil).not.toBeNull();

    const changed = orderSnapshot(PO, ALPHA.id, '2026-11-27', 1);
    changed.lines[1]!.quantity = '150';
    await issue(changed);
    await eventually(async () => at('/native').length >= 1, 'the change at /native');
    await eventually(async () => at('/json').length >= 4, 'the change at /json');

    const native = at('/native')[0]!;
    expect(String(native.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [subscriptions.native.secret, rotated.body.secret as string])
      expect(new Webhook(secret).verify(native.body.toString('utf8'), headersOf(native))).toMatchObject({
        type: 'purchase-order.changed',
      });
    const body = bodyOf(native);
    expect(body.data).toMatchObject({
      standard: 'x12',
      messageType: '860',
      contentType: 'application/edi-x12; charset=UTF-8',
    });
    expect(String(body.data.content)).toMatch(/^ISA\*/);
    expect(String(body.data.content)).toContain(`BCH*`);

    const change = bodyOf(at('/json')[3]!);
    expect(change.type).toBe('purchase-order.changed');
    expect(change.data).toMatchObject({ type: 'purchase-order-change', document: { number: PO } });
    // /gone did not subscribe to changes.
    expect(at('/gone')).toHaveLength(2);
  });

  it("sends the gateway's 997 for the partner's interchange to the subscription that asked for functional acknowledgments", async () => {
    const submitted = await request(base)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${alpha}`)
      .set('content-type', 'application/edi-x12')
      .send(
        x12Acknowledgment({
          isaSender: ALPHA.isa,
          gsSender: ALPHA.gs,
          poNumber: PO,
          control: 4242,
          lines: [{ lineNumber: '10', quantity: '4800' }],
        }),
      );
    expect(submitted.status, submitted.text).toBe(202);
    await eventually(
      async () => at('/native').some((r) => bodyOf(r).type === 'functional-acknowledgment.sent'),
      'the 997 at /native',
    );
    const ack = bodyOf(at('/native').find((r) => bodyOf(r).type === 'functional-acknowledgment.sent')!);
    // The 997 is written the way the partner's (single-byte) interchange was read, and says so.
    expect(ack.data).toMatchObject({
      kind: 'functional-ack',
      standard: 'x12',
      messageType: '997',
      contentType: 'application/edi-x12; charset=ISO-8859-1',
    });
    expect(String(ack.data.content)).toContain('AK1*PR*4242');
  });

  it('sends nothing to a disabled subscription, and a test message to it on request', async () => {
    await api(alpha).patch(`/partner/v1/webhooks/${subscriptions.json.id}`, { enabled: false }).expect(200);
    const before = at('/json').length;
    await issue(orderSnapshot(PO_2, ALPHA.id));
    // /gone (enabled) announces the second order; /json stays silent.
    await eventually(
      async () => at('/gone').some((r) => bodyOf(r).data.document?.number === PO_2),
      'the second order at /gone',
    );
    expect(at('/json')).toHaveLength(before);
    expect((await deliveriesOf(subscriptions.json.id)).map((d) => d.eventType)).toEqual([
      'purchase-order.changed',
      'purchase-order.issued',
    ]);

    const ping = await api(alpha).post(`/partner/v1/webhooks/${subscriptions.json.id}/test`);
    expect(ping.status).toBe(202);
    await eventually(async () => at('/json').length === before + 1, 'the test message at /json');
    const test = at('/json')[before]!;
    expect(
      new Webhook(subscriptions.json.secret).verify(test.body.toString('utf8'), headersOf(test)),
    ).toMatchObject({
      type: 'webhook.test',
      data: { subscriptionId: subscriptions.json.id, partnerId: ALPHA.id },
    });
  });

  it('deletes a subscription with its history; an operator sees what is left', async () => {
    await request(base)
      .delete(`/partner/v1/webhooks/${subscriptions.native.id}`)
      .set('authorization', `Bearer ${alpha}`)
      .expect(200)
      .expect(({ body }) => expect(body.id).toBe(subscriptions.native.id));
    expect((await api(alpha).get(`/partner/v1/webhooks/${subscriptions.native.id}`)).status).toBe(404);
    const all = await api(ADMIN).get(`/admin/webhooks?partnerId=${ALPHA.id}`).expect(200);
    expect(all.body.items.map((s: { id: string }) => s.id)).toEqual([
      subscriptions.json.id,
      subscriptions.gone.id,
    ]);
    const audit = await queryOnce<{ action: string }>(
      db.url,
      `SELECT action FROM audit_log WHERE target_type = 'webhook-subscription' ORDER BY id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'webhook-subscription.created',
      'webhook-subscription.created',
      'webhook-subscription.created',
      'webhook-subscription.secret-rotated',
      'webhook-subscription.updated',
      'webhook-subscription.tested',
      'webhook-subscription.deleted',
    ]);
  });
});
