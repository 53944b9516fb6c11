import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/gateway/identity.service.js';
import {
  ALPHA,
  jsonAcknowledgment,
  orderSnapshot,
  partnersDir,
} from '../../src/transports/api/testing/partner-api.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ADMIN_TOKEN = 'partner-api-unstorable-admin-0123456789abcdef';

/**
 * Text PostgreSQL cannot store (U+0000, unpaired surrogates) in a partner's JSON document: a precise
 * 422 and a receipt archived as rejected, never a 500 with nothing kept.
 */
describe('the partner REST API refuses text PostgreSQL cannot store', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let alpha: string;

  const submit = (body: string) =>
    request(gateway.url)
      .post('/partner/v1/documents')
      .set('authorization', `Bearer ${alpha}`)
      .set('content-type', 'application/json')
      .send(body);
  const archived = async (detail: string) => {
    const id = /interchange (\d+)/.exec(detail)![1]!;
    const rows = await queryOnce<{ status: string; status_detail: string }>(
      db.url,
      `SELECT status, status_detail FROM interchange WHERE id = $1`,
      [id],
    );
    return { id, ...rows[0]! };
  };
  const eventsOf = async (interchangeId: string) =>
    (
      await queryOnce<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM canonical_event WHERE interchange_id = $1`,
        [interchangeId],
      )
    )[0]!.n;

  beforeAll(async () => {
    db = await createTestDatabase('partner_api_unstorable');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      PARTNERS_DIR: partnersDir(),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    const setup = { kind: 'cli', name: 'partner-api-unstorable-test' } as const;
    alpha = (
      await gateway.app
        .get(IdentityService)
        .issuePartnerToken(ALPHA.id, ['documents:write', 'acknowledgments:write'], setup)
    ).token;
    const order = await request(gateway.url)
      .post('/erp/v1/purchase-orders')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(orderSnapshot('4510000001', ALPHA.id, '2026-11-20'));
    expect(order.status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('answers a document number holding U+0000 with 422 invalid-document and archives it as rejected', async () => {
    const res = await submit(
      JSON.stringify(jsonAcknowledgment('4510000001', { id: ALPHA.id }, 'ACK\u00001')),
    );
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('urn:supplier-gateway:problem:partner-api.invalid-document');
    expect(res.body.errors).toEqual([expect.stringMatching(/^document\.number: .*U\+0000/)]);
    const row = await archived(res.body.detail);
    expect(row.status).toBe('rejected');
    expect(await eventsOf(row.id)).toBe(0);
  });

  it('answers a lone surrogate, in the payload or in the sender, with 422 and archives it as rejected', async () => {
    const doc = jsonAcknowledgment('4510000001', { id: `${ALPHA.id}\ud83d` }, 'ACK-2') as {
      payload: { lines: { supplierPartNumber?: string }[] };
    };
    doc.payload.lines[0]!.supplierPartNumber = 'broken \ud83d';
    const res = await submit(JSON.stringify(doc));
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:supplier-gateway:problem:partner-api.invalid-document');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sender\.id: .*unpaired surrogates/),
        expect.stringMatching(/^payload\.lines\.0\.supplierPartNumber: .*unpaired surrogates/),
      ]),
    );
    expect((await archived(res.body.detail)).status).toBe('rejected');
  });

  it('turns a value the database refuses on store (SQLSTATE class 22) into 422, archived as rejected', async () => {
    // A trigger stands in for any value that passes validation and that PostgreSQL still refuses.
    await queryOnce(
      db.url,
      `CREATE FUNCTION refuse_document() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.document_number = 'ACK-REFUSED' THEN
           RAISE EXCEPTION 'unsupported Unicode escape sequence' USING ERRCODE = '22P05';
         END IF;
         RETURN NEW;
       END $$`,
    );
    await queryOnce(
      db.url,
      `CREATE TRIGGER refuse_document BEFORE INSERT ON canonical_event FOR EACH ROW EXECUTE FUNCTION refuse_document()`,
    );
    const res = await submit(
      JSON.stringify(jsonAcknowledgment('4510000001', { id: ALPHA.id }, 'ACK-REFUSED')),
    );
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:supplier-gateway:problem:partner-api.invalid-document');
    expect(res.body.errors).toEqual(['unsupported Unicode escape sequence']);
    const row = await archived(res.body.detail);
    expect(row).toMatchObject({ status: 'rejected', status_detail: expect.stringContaining('cannot store') });
    expect(await eventsOf(row.id)).toBe(0);
    // The order is untouched: the event's effects rolled back with it.
    const [order] = await queryOnce<{ state: string }>(
      db.url,
      `SELECT state FROM purchase_order WHERE po_number = '4510000001'`,
    );
    expect(order!.state).toBe('issued');
  });
});
