import type { ServerResponse } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import {
  ALPHA,
  orderSnapshot,
  partnersDir,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually, json, ScriptedHttpPeer } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN = 'bootstrap-admin-token-for-the-webhook-race-test-0123456789';

/**
 * A partner disables its webhook subscription while a message to it is under way (its endpoint has
 * the request and has not answered). When that try then fails for good, the subscription, disabled
 * meanwhile, is not marked failing, and nobody is asked to look at it.
 */
describe('partner webhooks: a subscription disabled while a message is under way', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let alpha: string;
  let hookUrl: string;
  const held: ServerResponse[] = [];
  const peer = new ScriptedHttpPeer((_req, res) => {
    held.push(res);
  });

  beforeAll(async () => {
    const url = await peer.start();
    db = await createTestDatabase('webhook_race');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partnersDir(),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
    alpha = (
      await gateway.app
        .get(IdentityService)
        .issuePartnerToken(ALPHA.id, ['webhooks:write'], { kind: 'cli', name: 'webhook-race-test' })
    ).token;
    hookUrl = `${url}/held`;
  });
  afterAll(async () => {
    for (const res of held) if (!res.writableEnded) res.destroy();
    await gateway?.stop();
    await db?.drop();
    await peer.stop();
  });

  it('a try that fails for good after the subscription was disabled marks nothing failing and raises nothing', async () => {
    const created = await request(gateway.url)
      .post('/partner/v1/webhooks')
      .set('authorization', `Bearer ${alpha}`)
      .send({ url: hookUrl, eventTypes: ['purchase-order.issued'] })
      .expect(201);
    const id = created.body.id as string;
    await request(gateway.url)
      .post('/erp/v1/purchase-orders')
      .set('authorization', `Bearer ${ADMIN}`)
      .send(orderSnapshot('4510009001', ALPHA.id))
      .expect(200);
    await eventually(async () => held.length === 1, 'the message at the partner endpoint');

    await request(gateway.url)
      .patch(`/partner/v1/webhooks/${id}`)
      .set('authorization', `Bearer ${alpha}`)
      .send({ enabled: false })
      .expect(200);
    // The endpoint refuses it for good (410): the last try of this message.
    json(held[0]!, 410, { error: 'no such hook' });

    const statusOf = async () =>
      (
        await queryOnce<{ status: string }>(
          db.url,
          `SELECT status FROM webhook_delivery WHERE subscription_id = $1`,
          [id],
        )
      )[0]?.status;
    await eventually(async () => (await statusOf()) === 'failed', 'the message settled as failed');
    const [subscription] = await queryOnce<{ enabled: boolean; failing: boolean }>(
      db.url,
      `SELECT enabled, failing_since IS NOT NULL AS failing FROM webhook_subscription WHERE id = $1`,
      [id],
    );
    expect(subscription).toEqual({ enabled: false, failing: false });
    const cases = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM exception_case WHERE type = 'webhook.delivery-failed'`,
    );
    expect(cases).toEqual([{ n: 0 }]);
    // Nothing to replay either: no dead letter for it.
    const letters = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM dead_letter WHERE job_name = 'webhook.deliver'`,
    );
    expect(letters).toEqual([{ n: 0 }]);
  });
});
