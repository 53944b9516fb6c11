import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OpensslAs2Receiver,
  post,
} from '../../src/transports/as2/protocol/testing/openssl-receiver.test-helper.js';
import {
  OpensslWorkbench,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { BOLT_LINE, issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

// Issue #15: asynchronous MDNs over time. The partner (an openssl-built receiver) takes each message
// and posts no MDN by itself; the test posts MDNs (built and signed by `openssl cms -sign`) to the
// gateway's receipt URL when it chooses: late after a closed window, after an operator's resend, from
// a certificate the partner profile does not pin, and under another partner's AS2-From. The
// operator's resend and cancel go through the admin API.

const OUR_AS2 = 'SUPPLIERGW-ASYNC';
const ADMIN = 'bootstrap-admin-token-for-the-as2-async-test-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AS2 asynchronous MDNs: late, resend, cancel, forged, wrong sender', () => {
  let db: TestDatabase;
  let wb: OpensslWorkbench;
  let us: TestIdentity;
  let partner: TestIdentity;
  let stranger: TestIdentity;
  let receiver: OpensslAs2Receiver;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let receiptUrl: string;
  let po = 4500093000;
  const auth = { authorization: `Bearer ${ADMIN}` };

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    us = await wb.identity('gateway');
    partner = await wb.identity('partner');
    // The same subject as the partner's certificate, another key: a look-alike the profile does not pin.
    stranger = await wb.identity('stranger', { subject: '/CN=partner' });
    receiver = new OpensslAs2Receiver(wb, partner, us.certPath);
    const receiverUrl = await receiver.start();
    db = await createTestDatabase('as2async');
    const port = await freePort();
    receiptUrl = `http://127.0.0.1:${port}/as2/mdn/receipt`;
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      LOG_LEVEL: 'fatal',
      PORT: String(port),
      AS2_RECEIPT_URL: receiptUrl,
      AS2_ID: OUR_AS2,
      AS2_KEY_FILE: us.keyPath,
      AS2_CERT_FILE: us.certPath,
      BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      PARTNERS_DIR: partnersDir(partner.certPath, `${receiverUrl}/async/none`),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
      JOBS_POLL_MS: '100',
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    receiver?.stop();
    await wb?.dispose();
  });

  const issue = async (supplier: string): Promise<string> => {
    const poNumber = String(++po);
    await issueSimulatorOrder(gateway.app, {
      poNumber,
      supplier,
      lines: [{ ...BOLT_LINE, quantity: '100', netPrice: '1.5' }],
    });
    return poNumber;
  };
  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<{ id: string; status: string; status_detail: string | null }>(
        db.url,
        `SELECT id::text AS id, status, status_detail FROM outbound_document WHERE po_number = $1`,
        [poNumber],
      )
    )[0]!;
  const renderedDocument = async (poNumber: string) => {
    await eventually(
      async () => (await documentOf(poNumber)) !== undefined,
      `PO ${poNumber} rendered`,
      15_000,
    );
    return documentOf(poNumber);
  };
  const statusIs = (poNumber: string, status: string, timeoutMs = 30_000) =>
    eventually(
      async () => (await documentOf(poNumber))?.status === status,
      `PO ${poNumber} ${status}`,
      timeoutMs,
    );
  const messageIdOf = (id: string) => `<outbound-${id}@${OUR_AS2}>`;
  const firstSend = async (messageId: string) => {
    await eventually(async () => receiver.for(messageId).length > 0, `a send of ${messageId}`, 15_000);
    return receiver.for(messageId)[0]!;
  };
  const mdnRow = async (id: string) =>
    (
      await queryOnce<{ status: string; status_detail: string; unmatched: string | null }>(
        db.url,
        `SELECT status, status_detail, metadata->>'unmatched' AS unmatched FROM interchange WHERE id = $1`,
        [id],
      )
    )[0]!;
  const latestMdnId = async () =>
    (
      await queryOnce<{ id: string }>(
        db.url,
        `SELECT i.id::text AS id FROM interchange i WHERE i.channel = 'as2-mdn' ORDER BY i.id DESC LIMIT 1`,
      )
    )[0]!.id;
  /** The case an MDN raised: late and refused ones one per message, unmatched ones one per sender and hour. */
  const caseOf = async (interchangeId: string, kind: 'late' | 'refused' | 'unmatched') =>
    (
      await queryOnce<{ type: string; summary: string; partner_id: string | null }>(
        db.url,
        `SELECT c.type, c.summary, c.partner_id FROM exception_case c, interchange i
          WHERE i.id = $1 AND c.dedupe_key = 'as2-mdn-' || $2 || ':' || CASE $2
            WHEN 'unmatched' THEN coalesce(i.metadata->>'as2From', '(none)') || ':' ||
                                  to_char(i.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')
            ELSE i.metadata->>'originalMessageId' END`,
        [interchangeId, kind],
      )
    )[0];

  it('a verified MDN after the window closed is kept and reported as late; a resend reuses the Message-ID and delivers', async () => {
    const poNumber = await issue('as2-short');
    await statusIs(poNumber, 'failed');
    const doc = await documentOf(poNumber);
    const messageId = messageIdOf(doc.id);
    expect(doc.status_detail).toMatch(/no acceptable asynchronous MDN .* within 0\.10 minutes/);
    const sendsBefore = receiver.for(messageId).length;
    expect(sendsBefore).toBeGreaterThanOrEqual(2);

    // The partner's MDN comes after all: verified, archived, reported, and the document stays failed.
    const late = await receiver.buildMdn(receiver.for(messageId)[0]!, 'good');
    expect(await post(receiptUrl, late.headers, late.body)).toBe(200);
    const lateId = await latestMdnId();
    expect(await mdnRow(lateId)).toMatchObject({ status: 'processed' });
    expect((await mdnRow(lateId)).status_detail).toMatch(/^late AS2 MDN/);
    expect((await caseOf(lateId, 'late'))?.summary).toMatch(/came after the message was decided/);
    expect((await documentOf(poNumber)).status).toBe('failed');

    // The operator resends: a new round under the same Message-ID, delivered by the MDN of the resend.
    const resent = await request(gateway.url)
      .post(`/admin/outbound-documents/${doc.id}/resend`)
      .set(auth)
      .expect(200);
    expect(resent.body.status).toBe('pending');
    await eventually(
      async () => receiver.for(messageId).length > sendsBefore,
      'the resend reaches the partner',
      30_000,
    );
    const resend = receiver.for(messageId)[sendsBefore]!;
    expect(resend.headers['message-id']).toBe(messageId);
    const mdn = await receiver.buildMdn(resend, 'good');
    expect(await post(receiptUrl, mdn.headers, mdn.body)).toBe(200);
    await statusIs(poNumber, 'delivered');
    expect((await documentOf(poNumber)).status_detail).toMatch(/signed MDN: .*processed/);
    const decidingId = await latestMdnId();

    // The partner did not get our 200 and posts the same MDN again: answered 200, kept as a
    // duplicate of the one that decided, and no false "came after the message was decided" case.
    expect(await post(receiptUrl, mdn.headers, mdn.body)).toBe(200);
    const repeatId = await latestMdnId();
    expect(repeatId).not.toBe(decidingId);
    expect((await mdnRow(repeatId)).status).toBe('duplicate');
    const lateCases = await queryOnce<{ interchange_id: string }>(
      db.url,
      `SELECT interchange_id::text AS interchange_id FROM exception_case WHERE dedupe_key = $1`,
      [`as2-mdn-late:${messageId}`],
    );
    // Only the first round's late MDN raised one.
    expect(lateCases).toEqual([{ interchange_id: lateId }]);
    expect((await documentOf(poNumber)).status).toBe('delivered');
  });

  it('a cancelled document stops resending; its resend continues under the same Message-ID', async () => {
    const poNumber = await issue('as2-long');
    const doc = await renderedDocument(poNumber);
    const messageId = messageIdOf(doc.id);
    await firstSend(messageId);
    // While it waits, the document says so (status pending: its delivery job is deferred, not failed).
    await eventually(
      async () =>
        /waiting for its asynchronous MDN until/.test((await documentOf(poNumber)).status_detail ?? ''),
      'the waiting shown on the document',
      10_000,
    );
    expect((await documentOf(poNumber)).status).toBe('pending');
    await request(gateway.url)
      .post(`/admin/outbound-documents/${doc.id}/cancel`)
      .set(auth)
      .send({ note: 'partner asked us to hold it' })
      .expect(200);
    const sendsAtCancel = receiver.for(messageId).length;
    // A quarter of the 0.2-minute window is 3 s: two resend periods pass without a send.
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(receiver.for(messageId)).toHaveLength(sendsAtCancel);
    expect((await documentOf(poNumber)).status).toBe('cancelled');

    await request(gateway.url).post(`/admin/outbound-documents/${doc.id}/resend`).set(auth).expect(200);
    await eventually(
      async () => receiver.for(messageId).length > sendsAtCancel,
      'the resend reaches the partner',
      30_000,
    );
    const mdn = await receiver.buildMdn(receiver.for(messageId).at(-1)!, 'good');
    expect(await post(receiptUrl, mdn.headers, mdn.body)).toBe(200);
    await statusIs(poNumber, 'delivered');
  });

  it('an MDN proving delivery after the document was cancelled delivers it all the same, saying so', async () => {
    const poNumber = await issue('as2-long');
    const doc = await renderedDocument(poNumber);
    const messageId = messageIdOf(doc.id);
    const sent = await firstSend(messageId);
    await eventually(
      async () =>
        /waiting for its asynchronous MDN until/.test((await documentOf(poNumber)).status_detail ?? ''),
      'the waiting shown on the document',
      10_000,
    );
    await request(gateway.url)
      .post(`/admin/outbound-documents/${doc.id}/cancel`)
      .set(auth)
      .send({ note: 'too late, as it turns out' })
      .expect(200);
    // The partner had it: its MDN, signed and matching, proves delivery; a cancel does not unsend.
    const mdn = await receiver.buildMdn(sent, 'good');
    expect(await post(receiptUrl, mdn.headers, mdn.body)).toBe(200);
    await statusIs(poNumber, 'delivered');
    expect((await documentOf(poNumber)).status_detail).toMatch(
      /signed MDN: .*processed.*\(by a try under way when the document was cancelled\)$/,
    );
  });

  it('an MDN signed by a look-alike certificate, or under another AS2-From, decides nothing and is reported', async () => {
    const poNumber = await issue('as2-long');
    const doc = await renderedDocument(poNumber);
    const messageId = messageIdOf(doc.id);
    const sent = await firstSend(messageId);

    const forged = await receiver.buildMdn(sent, 'good', stranger);
    expect(await post(receiptUrl, forged.headers, forged.body)).toBe(200);
    const forgedId = await latestMdnId();
    expect(await mdnRow(forgedId)).toMatchObject({ status: 'rejected' });
    expect((await mdnRow(forgedId)).status_detail).toMatch(/signature does not verify/);
    expect(await caseOf(forgedId, 'refused')).toMatchObject({
      type: 'interchange.rejected',
      partner_id: 'as2-long',
    });

    const good = await receiver.buildMdn(sent, 'good');
    const wrongSender = { ...good.headers, 'as2-from': 'SHORT-AS2' };
    expect(await post(receiptUrl, wrongSender, good.body)).toBe(200);
    const wrongId = await latestMdnId();
    expect(await mdnRow(wrongId)).toMatchObject({ status: 'rejected', unmatched: 'true' });
    expect((await caseOf(wrongId, 'unmatched'))?.summary).toMatch(/AS2-From SHORT-AS2 is not as2-long's/);
    expect((await documentOf(poNumber)).status).toBe('pending');

    // The real partner's MDN still decides.
    expect(await post(receiptUrl, good.headers, good.body)).toBe(200);
    await statusIs(poNumber, 'delivered');
  });

  it('answers an unreadable MDN 200, archived and reported', async () => {
    expect(
      await post(
        receiptUrl,
        { 'content-type': 'text/plain', 'as2-from': 'LONG-AS2', 'as2-to': OUR_AS2 },
        Buffer.from('not an MDN'),
      ),
    ).toBe(200);
    const id = await latestMdnId();
    expect(await mdnRow(id)).toMatchObject({ status: 'rejected', unmatched: 'true' });
    expect((await caseOf(id, 'unmatched'))?.summary).toMatch(/matches no message of ours: unreadable MDN/);
  });
});

function partnersDir(certPath: string, url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-as2-async-partners-'));
  const partner = (id: string, tag: string, minutes: number) => `id: ${id}
name: ${id}
status: test
identities:
  x12: [{ qualifier: ZZ, id: ${tag} }]
  gs: [${tag}]
  as2: ['${tag}-AS2']
documents:
  inbound: [{ standard: x12, version: '004010', type: '997' }]
  outbound: [{ standard: x12, version: '004010', type: '850' }]
channels:
  as2:
    enabled: true
    certificates: ['${certPath}']
    url: '${url}'
    sendMdn: async
    asyncMdnWaitMinutes: ${minutes}
acknowledgments: { functional: none }
delivery: { channel: as2, maxAttempts: 3 }
`;
  writeFileSync(join(dir, 'as2-short.yaml'), partner('as2-short', 'SHORT', 0.1));
  writeFileSync(join(dir, 'as2-long.yaml'), partner('as2-long', 'LONG', 0.2));
  return dir;
}
