import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OpensslAs2Receiver,
  opensslVerifyMultipartSigned,
  type ReceivedAs2,
} from '../../src/transports/as2/protocol/testing/openssl-receiver.test-helper.js';
import {
  OpensslWorkbench,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { issueSimulatorOrder, simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

// Issue #15 evidence: the gateway sends POs issued by the ERP simulator over AS2 to a partner server
// whose cryptography is `openssl cms` (src/transports/as2/protocol/testing/openssl-receiver.test-helper.ts).
// It decrypts and verifies every message with openssl and answers, per partner, a good MDN, a wrong
// MIC, an unsigned MDN, an MDN for another Message-ID, or none, synchronously or posted to the
// gateway's receipt URL (PUBLIC_URL + /as2/mdn/receipt). Only a verified MDN delivers; every MDN is
// archived as evidence (channel as2-mdn).

const OUR_AS2 = 'SUPPLIERGW-MDN';
/** 0.1 minute: a 6 s window, resent every 1.5 s. */
const WINDOW_MINUTES = 0.1;

interface Cell {
  readonly partner: string;
  readonly path: string;
  readonly profile?: string;
  readonly maxAttempts?: number;
}

const CELLS = {
  good: { partner: 'as2-good', path: '/sync/good' },
  wrongMic: { partner: 'as2-wrongmic', path: '/sync/wrong-mic' },
  unsigned: { partner: 'as2-unsigned', path: '/sync/unsigned' },
  otherId: { partner: 'as2-otherid', path: '/sync/other-message-id' },
  noMdn: { partner: 'as2-nomdn', path: '/sync/none', maxAttempts: 3 },
  asyncGood: { partner: 'as2-agood', path: '/async/good', profile: 'sendMdn: async' },
  asyncWrongMic: { partner: 'as2-awrongmic', path: '/async/wrong-mic', profile: 'sendMdn: async' },
  asyncUnsigned: { partner: 'as2-aunsigned', path: '/async/unsigned', profile: 'sendMdn: async' },
  asyncOtherId: { partner: 'as2-aotherid', path: '/async/other-message-id', profile: 'sendMdn: async' },
  asyncNoMdn: { partner: 'as2-anomdn', path: '/async/none', profile: 'sendMdn: async' },
  noMic: { partner: 'as2-nomic', path: '/sync/no-mic' },
  unsignedNoMic: {
    partner: 'as2-unsignednomic',
    path: '/sync/unsigned-no-mic',
    profile: 'requestSignedMdn: false',
  },
  asyncUnsignedNoMic: {
    partner: 'as2-aunsignednomic',
    path: '/async/unsigned-no-mic',
    profile: 'requestSignedMdn: false\n    sendMdn: async',
  },
  // Signed with sha-384 / sha-512, and no MIC algorithm asked for: the receiver picks its own.
  unsignedSha384: {
    partner: 'as2-unsigned384',
    path: '/sync/unsigned',
    profile: 'requestSignedMdn: false\n    sendSigning: sha-384',
  },
  asyncUnsignedSha512: {
    partner: 'as2-aunsigned512',
    path: '/async/unsigned',
    profile: 'requestSignedMdn: false\n    sendSigning: sha-512\n    sendMdn: async',
  },
} satisfies Record<string, Cell>;

/** Every combination of the send profile, each answered with a good synchronous MDN. */
const PROFILE_CELLS: readonly (Cell & { readonly label: string })[] = [
  { label: 'sha-256 / aes-256-cbc', partner: 'as2-good', path: '/sync/good' },
  {
    label: 'sha-512 / aes-128-cbc',
    partner: 'cell-sha512-aes128',
    path: '/sync/good',
    profile: 'sendSigning: sha-512\n    sendEncryption: aes-128-cbc',
  },
  {
    label: 'sha-384 / not encrypted',
    partner: 'cell-sha384-plain',
    path: '/sync/good',
    profile: 'sendSigning: sha-384\n    sendEncryption: none',
  },
  {
    label: 'unsigned / aes-256-cbc',
    partner: 'cell-unsigned-aes',
    path: '/sync/good',
    profile: 'sendSigning: none',
  },
  {
    label: 'compressed, then signed, encrypted',
    partner: 'cell-compress-before',
    path: '/sync/good',
    profile: 'sendCompression: before-signing',
  },
  {
    label: 'signed, then compressed, encrypted',
    partner: 'cell-compress-after',
    path: '/sync/good',
    profile: 'sendCompression: after-signing',
  },
  {
    label: 'compressed only',
    partner: 'cell-compress-only',
    path: '/sync/good',
    profile: 'sendSigning: none\n    sendEncryption: none\n    sendCompression: before-signing',
  },
  {
    label: 'plain (no signature, encryption or compression)',
    partner: 'cell-plain',
    path: '/sync/good',
    profile: 'sendSigning: none\n    sendEncryption: none',
  },
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface DocumentRow {
  id: string;
  status: string;
  status_detail: string | null;
}

describe('AS2 MDNs against an openssl-built partner (issue #15)', () => {
  let db: TestDatabase;
  let wb: OpensslWorkbench;
  let us: TestIdentity;
  let partnerId: TestIdentity;
  let receiver: OpensslAs2Receiver;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let po = 4500092000;

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    us = await wb.identity('gateway');
    partnerId = await wb.identity('partner');
    receiver = new OpensslAs2Receiver(wb, partnerId, us.certPath);
    const receiverUrl = await receiver.start();
    db = await createTestDatabase('as2mdn');
    const port = await freePort();
    const cells = [...Object.values(CELLS), ...PROFILE_CELLS];
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      LOG_LEVEL: 'fatal',
      PORT: String(port),
      // No AS2_RECEIPT_URL: the receipt URL is PUBLIC_URL + /as2/mdn/receipt.
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      AS2_ID: OUR_AS2,
      AS2_KEY_FILE: us.keyPath,
      AS2_CERT_FILE: us.certPath,
      AS2_ASYNC_MDN_WAIT_MINUTES: String(WINDOW_MINUTES),
      PARTNERS_DIR: partnersDir(partnerId.certPath, receiverUrl, cells),
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

  /** Issues a PO to the partner in the ERP simulator; returns the PO number. */
  const issue = async (supplier: string): Promise<string> => {
    const poNumber = String(++po);
    await issueSimulatorOrder(gateway.app, { poNumber, supplier });
    return poNumber;
  };
  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<DocumentRow>(
        db.url,
        `SELECT id::text AS id, status, status_detail FROM outbound_document WHERE po_number = $1`,
        [poNumber],
      )
    )[0];
  const settle = async (poNumber: string, timeoutMs = 60_000): Promise<DocumentRow> => {
    await eventually(
      async () => ['delivered', 'failed'].includes((await documentOf(poNumber))?.status ?? ''),
      `the document of PO ${poNumber} delivered or failed`,
      timeoutMs,
    );
    return (await documentOf(poNumber))!;
  };
  const messageIdOf = (doc: DocumentRow) => `<outbound-${doc.id}@${OUR_AS2}>`;
  const mdnRows = (messageId: string) =>
    queryOnce<{ id: string; status: string; status_detail: string; delivery: string; document: string }>(
      db.url,
      `SELECT i.id::text AS id, status, status_detail, metadata->>'delivery' AS delivery,
              metadata->>'documentId' AS document
         FROM interchange i WHERE channel = 'as2-mdn' AND metadata->>'originalMessageId' = $1 ORDER BY i.id`,
      [messageId],
    );
  const record = async (messageId: string) =>
    (
      await queryOnce<{ mdn_status: string; sends: number; mdn_interchange_id: string | null }>(
        db.url,
        `SELECT mdn_status, sends, mdn_interchange_id::text AS mdn_interchange_id
           FROM as2_outbound_message WHERE message_id = $1`,
        [messageId],
      )
    )[0];
  const table: string[] = [];
  const print = (cell: string, tries: ReceivedAs2[], doc: DocumentRow) =>
    table.push(
      `${cell.padEnd(44)} | ${String(tries.length).padStart(2)} POST(s), same Message-ID: ${new Set(tries.map((t) => t.messageId)).size === 1} | ${doc.status.padEnd(9)} | ${(doc.status_detail ?? '').slice(0, 110)}`,
    );
  afterAll(() => console.log(`\nAS2 MDN matrix (openssl receiver)\n${table.join('\n')}`));

  it('every cell of the send profile is decrypted and verified by openssl and delivered on a verified MDN', async () => {
    const lines: string[] = [];
    for (const cell of PROFILE_CELLS) {
      const poNumber = await issue(cell.partner);
      const doc = await settle(poNumber);
      const tries = receiver.for(messageIdOf(doc));
      lines.push(
        `${cell.label.padEnd(48)} | ${tries[0]?.steps.join(' → ') ?? '(nothing received)'} | ${doc.status}`,
      );
      expect(tries, cell.label).toHaveLength(1);
      expect(tries[0]!.error, cell.label).toBeUndefined();
      expect(tries[0]!.payload!.toString('latin1'), cell.label).toContain(`BEG*00*SA*${poNumber}`);
      expect(doc.status, `${cell.label}: ${doc.status_detail}`).toBe('delivered');
    }
    console.log(`\nAS2 send profile cells, unwrapped by openssl\n${lines.join('\n')}`);
    // What openssl did, per cell (the steps are recorded only when the openssl command succeeded).
    const steps = PROFILE_CELLS.map((cell) => lines.find((l) => l.startsWith(cell.label))!);
    expect(steps[0]).toMatch(/cms -decrypt \(aes-256-cbc, rsaesOaep\) → openssl cms -verify \(sha-256\)/);
    expect(steps[1]).toMatch(/cms -decrypt \(aes-128-cbc, rsaesOaep\) → openssl cms -verify \(sha-512\)/);
    expect(steps[2]).toMatch(/\| openssl cms -verify \(sha-384\) \|/);
    expect(steps[3]).toMatch(/\| openssl cms -decrypt \(aes-256-cbc, rsaesOaep\) \|/);
    expect(steps[4]).toMatch(
      /decrypt .* → openssl cms -verify \(sha-256\) → openssl cms -cmsout \(CompressedData\)/,
    );
    expect(steps[5]).toMatch(/decrypt .* → openssl cms -cmsout \(CompressedData\).* → openssl cms -verify/);
    expect(steps[6]).toMatch(/\| openssl cms -cmsout \(CompressedData\), inflated by node zlib \|/);
    expect(steps[7]).toMatch(/\| plain \|/);
  });

  it('an 850 from the ERP simulator reaches the receiver once, with its verified MDN archived as evidence', async () => {
    const poNumber = await issue(CELLS.good.partner);
    const doc = await settle(poNumber);
    const messageId = messageIdOf(doc);
    const tries = receiver.for(messageId);
    print('sync good MDN', tries, doc);
    expect(doc.status).toBe('delivered');
    expect(doc.status_detail).toMatch(/signed MDN: .*processed; MIC .*; MDN archived as interchange \d+/);
    expect(tries).toHaveLength(1);
    expect(tries[0]!.payload!.toString('latin1')).toMatch(/^ISA\*.*ST\*850\*/s);
    const mdns = await mdnRows(messageId);
    expect(mdns).toHaveLength(1);
    expect(mdns[0]).toMatchObject({ status: 'processed', delivery: 'sync', document: doc.id });
    expect(await record(messageId)).toMatchObject({
      mdn_status: 'delivered',
      sends: 1,
      mdn_interchange_id: mdns[0]!.id,
    });
    // The archived MDN is the partner's bytes: openssl verifies its signature.
    const [archived] = await queryOnce<{ content: Buffer; content_type: string }>(
      db.url,
      `SELECT content, content_type FROM interchange WHERE id = $1`,
      [mdns[0]!.id],
    );
    const signed = await opensslVerifyMultipartSigned(
      wb,
      archived!.content_type,
      archived!.content,
      partnerId.certPath,
    );
    expect(signed.toString('latin1')).toContain(`Original-Message-ID: ${messageId}`);
  });

  it.each([
    ['sync MDN with a wrong MIC', CELLS.wrongMic, /Received-content-MIC .* is not ours/],
    [
      'sync unsigned MDN (signed requested)',
      CELLS.unsigned,
      /a signed MDN was requested but the MDN is not signed/,
    ],
    ['sync MDN for another Message-ID', CELLS.otherId, /the MDN answers Message-ID <someone-else-/],
    ['sync signed MDN without a MIC', CELLS.noMic, /the MDN has no Received-content-MIC/],
  ])('%s: failed with the reason, after one POST, MDN archived', async (label, cell, reason) => {
    const poNumber = await issue(cell.partner);
    const doc = await settle(poNumber);
    const messageId = messageIdOf(doc);
    const tries = receiver.for(messageId);
    print(label, tries, doc);
    expect(doc.status).toBe('failed');
    expect(doc.status_detail).toMatch(reason);
    expect(tries).toHaveLength(1);
    const mdns = await mdnRows(messageId);
    expect(mdns).toHaveLength(1);
    expect(mdns[0]!.status).toBe('rejected');
    expect((await record(messageId))?.mdn_status).toBe('rejected');
  });

  // RFC 4130 §7.4.3: the Received-content-MIC "is required for signed receipts but optional for
  // unsigned receipts". A partner asked for an unsigned MDN may leave it out.
  it.each([
    ['sync', CELLS.unsignedNoMic],
    ['async', CELLS.asyncUnsignedNoMic],
  ])(
    '%s, unsigned MDN without a MIC when no signed MDN was requested: delivered, MDN archived',
    async (delivery, cell) => {
      const poNumber = await issue(cell.partner);
      const doc = await settle(poNumber);
      const messageId = messageIdOf(doc);
      const tries = receiver.for(messageId);
      print(`${delivery} unsigned MDN without MIC (unsigned requested)`, tries, doc);
      expect(tries[0]!.headers['disposition-notification-options']).toBeUndefined();
      expect(tries[0]!.mdn).toMatchObject({ signed: false });
      expect(doc.status, doc.status_detail ?? '').toBe('delivered');
      expect(doc.status_detail).toMatch(/unsigned MDN: .*processed; no Received-content-MIC/);
      const mdns = await mdnRows(messageId);
      expect(mdns[0]).toMatchObject({ status: 'processed', delivery, document: doc.id });
      expect((await record(messageId))?.mdn_status).toBe('delivered');
    },
  );

  // RFC 4130 leaves open which algorithm an unsigned receipt's MIC uses when the request names none (no
  // Disposition-Notification-Options); implementations differ (Oxalis #447, phase2 #93). The openssl
  // receiver then uses sha-256, as our own receive side does, though the message is signed with
  // sha-384 or sha-512: the MIC is compared with ours in every algorithm the partnership allows.
  it.each([
    ['sync', 'sha-384', CELLS.unsignedSha384],
    ['async', 'sha-512', CELLS.asyncUnsignedSha512],
  ])(
    '%s, unsigned MDN with a sha-256 MIC for a message signed with %s, no MIC algorithm requested: delivered',
    async (delivery, signing, cell) => {
      const poNumber = await issue(cell.partner);
      const doc = await settle(poNumber);
      const messageId = messageIdOf(doc);
      const tries = receiver.for(messageId);
      print(`${delivery} unsigned MDN, sha-256 MIC, signed ${signing}`, tries, doc);
      expect(tries[0]!.headers['disposition-notification-options']).toBeUndefined();
      expect(tries[0]!.steps.join(' → ')).toContain(`openssl cms -verify (${signing})`);
      expect(tries[0]!.mic).toMatch(/, sha-256$/);
      expect(tries[0]!.mdn).toMatchObject({ signed: false });
      expect(doc.status, doc.status_detail ?? '').toBe('delivered');
      // Which of our MICs the partner's matched is recorded with the verdict.
      expect(doc.status_detail).toContain(
        `unsigned MDN: automatic-action/MDN-sent-automatically; processed; MIC ${tries[0]!.mic} ` +
          '(no MIC algorithm requested: it matches ours computed with sha-256)',
      );
      const mdns = await mdnRows(messageId);
      expect(mdns[0]).toMatchObject({ status: 'processed', delivery, document: doc.id });
      expect((await record(messageId))?.mdn_status).toBe('delivered');
    },
  );

  it('sync, no MDN: retried with the same Message-ID until the last try, then failed', async () => {
    const poNumber = await issue(CELLS.noMdn.partner);
    const doc = await settle(poNumber);
    const messageId = messageIdOf(doc);
    const tries = receiver.for(messageId);
    print('sync no MDN (connection dropped)', tries, doc);
    expect(doc.status).toBe('failed');
    expect(doc.status_detail).toMatch(/after 3 tries/);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((t) => t.headers['message-id']))).toEqual(new Set([messageId]));
    // Each try is built afresh (new content key) around the same payload.
    expect(tries[0]!.body.equals(tries[1]!.body)).toBe(false);
    expect(tries[0]!.payload!.equals(tries[2]!.payload!)).toBe(true);
    expect(await mdnRows(messageId)).toHaveLength(0);
  });

  it('async, good MDN: requested at our receipt URL, verified, joined and delivered', async () => {
    const poNumber = await issue(CELLS.asyncGood.partner);
    const doc = await settle(poNumber);
    const messageId = messageIdOf(doc);
    const tries = receiver.for(messageId);
    print('async good MDN', tries, doc);
    expect(doc.status).toBe('delivered');
    expect(doc.status_detail).toMatch(/signed MDN: .*processed; MIC .*; MDN archived as interchange \d+/);
    expect(tries[0]!.headers['receipt-delivery-option']).toBe(`${gateway.url}/as2/mdn/receipt`);
    expect(tries[0]!.mdn).toMatchObject({ async: true, status: 200 });
    const mdns = await mdnRows(messageId);
    expect(mdns.length).toBeGreaterThanOrEqual(1);
    expect(mdns[0]).toMatchObject({ status: 'processed', delivery: 'async', document: doc.id });
    expect((await record(messageId))?.mdn_status).toBe('delivered');
  });

  it('async, signed MDN with a wrong MIC: failed at once with the reason', async () => {
    const poNumber = await issue(CELLS.asyncWrongMic.partner);
    const doc = await settle(poNumber);
    const tries = receiver.for(messageIdOf(doc));
    print('async MDN with a wrong MIC', tries, doc);
    expect(doc.status).toBe('failed');
    expect(doc.status_detail).toMatch(/Received-content-MIC .* is not ours/);
    expect((await mdnRows(messageIdOf(doc)))[0]!.status).toBe('rejected');
  });

  it('async, unsigned MDN when signed was requested: decides nothing, the window closes with the reason', async () => {
    const started = Date.now();
    const poNumber = await issue(CELLS.asyncUnsigned.partner);
    const doc = await settle(poNumber);
    const tries = receiver.for(messageIdOf(doc));
    print('async unsigned MDN (signed requested)', tries, doc);
    expect(doc.status).toBe('failed');
    expect(doc.status_detail).toMatch(/no acceptable asynchronous MDN .* within 0\.10 minutes/);
    expect(doc.status_detail).toMatch(
      /last MDN refused: a signed MDN was requested but the MDN is not signed/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(WINDOW_MINUTES * 60_000 - 500);
    const mdns = await mdnRows(messageIdOf(doc));
    expect(mdns.length).toBeGreaterThanOrEqual(1);
    expect(mdns.every((m) => m.status === 'rejected')).toBe(true);
    // Reported to operators, one case for the message: anyone could have sent it.
    const cases = await queryOnce<{ summary: string }>(
      db.url,
      `SELECT summary FROM exception_case WHERE dedupe_key = $1`,
      [`as2-mdn-refused:${messageIdOf(doc)}`],
    );
    expect(cases[0]?.summary).toMatch(/refused \(it decides nothing; the message still waits\)/);
  });

  it('async, MDN for another Message-ID: reported as unmatched; the window closes, resending the same Message-ID', async () => {
    const poNumber = await issue(CELLS.asyncOtherId.partner);
    const doc = await settle(poNumber);
    const messageId = messageIdOf(doc);
    const tries = receiver.for(messageId);
    print('async MDN for another Message-ID', tries, doc);
    expect(doc.status).toBe('failed');
    expect(doc.status_detail).toMatch(/no acceptable asynchronous MDN/);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    const unmatched = await queryOnce<{ id: string; status: string; claimed: string }>(
      db.url,
      `SELECT id::text AS id, status, metadata->>'originalMessageId' AS claimed FROM interchange
        WHERE channel = 'as2-mdn' AND status = 'rejected' AND metadata->>'unmatched' = 'true'
          AND metadata->>'as2From' = 'AOTHERID-AS2'`,
    );
    expect(unmatched.length).toBeGreaterThanOrEqual(1);
    expect(unmatched[0]!.claimed).toMatch(/^<someone-else-/);
    const cases = await queryOnce<{ summary: string; partner_id: string | null }>(
      db.url,
      `SELECT summary, partner_id FROM exception_case WHERE dedupe_key LIKE 'as2-mdn-unmatched:AOTHERID-AS2:%'`,
    );
    expect(cases[0]).toMatchObject({ partner_id: null });
    expect(cases[0]!.summary).toMatch(/matches no message of ours/);
  });

  it('async, no MDN: resent with the same Message-ID until the window closes, then failed', async () => {
    const started = Date.now();
    const poNumber = await issue(CELLS.asyncNoMdn.partner);
    const doc = await settle(poNumber);
    const messageId = messageIdOf(doc);
    const tries = receiver.for(messageId);
    print('async no MDN', tries, doc);
    expect(doc.status).toBe('failed');
    expect(doc.status_detail).toMatch(
      /no acceptable asynchronous MDN for .* within 0\.10 minutes \(sent \d+ times/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(WINDOW_MINUTES * 60_000 - 500);
    // A quarter of the window between sends: 3 to 4 sends before it closes.
    expect(tries.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tries.map((t) => t.headers['message-id']))).toEqual(new Set([messageId]));
    expect(
      tries.every((t) => t.headers['receipt-delivery-option'] === `${gateway.url}/as2/mdn/receipt`),
    ).toBe(true);
    expect((await record(messageId))?.sends).toBe(tries.length);
  });
});

function partnersDir(certPath: string, receiverUrl: string, cells: readonly Cell[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-as2-mdn-partners-'));
  const seen = new Set<string>();
  for (const cell of cells) {
    if (seen.has(cell.partner)) continue;
    seen.add(cell.partner);
    const tag = cell.partner
      .replace(/^(as2|cell)-/, '')
      .replace(/-/g, '')
      .toUpperCase()
      .slice(0, 12);
    writeFileSync(
      join(dir, `${cell.partner}.yaml`),
      `id: ${cell.partner}
name: ${cell.partner}
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
    url: '${receiverUrl}${cell.path}'
    asyncMdnWaitMinutes: ${WINDOW_MINUTES}
    ${cell.profile ?? ''}
acknowledgments: { functional: none }
delivery: { channel: as2, maxAttempts: ${cell.maxAttempts ?? 2} }
`,
    );
  }
  return dir;
}
