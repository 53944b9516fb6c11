import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import type { SimulatedErp } from '../../src/erp/simulator/simulated-erp.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { buildMdn, loadKeyPair } from '../../src/transports/as2/protocol/index.js';
import {
  OpensslWorkbench,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { eventually } from '../support/outbound-peers.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

// AS2 send (issue #15) over real HTTP: the gateway sends a PO to a partner whose AS2 URL is the
// gateway's own POST /as2 (through a relay, since the gateway's port is only known after it starts)
// and whose certificate is our own; the receive side decrypts, verifies and answers a signed MDN that
// the send side verifies. A second partner's "AS2 server" answers a signed MDN with a wrong MIC.

const OUR_AS2 = 'SUPPLIERGW-SEND';

interface Relayed {
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('AS2 send through the outbound delivery', () => {
  let db: TestDatabase;
  let wb: OpensslWorkbench;
  let us: TestIdentity;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let simulator: SimulatedErp;
  let relay: Server;
  let badMic: Server;
  const relayed: Relayed[] = [];
  // Forwards the next message whose Subject names this PO, then drops the connection instead of
  // answering: the partner got it, we never see its MDN. (The gateway's own 997s to the loopback partner
  // cross the relay too, so the drop must pick the PO's message, not the next one.)
  let dropFor: string | undefined;
  const badMicRequests: Relayed[] = [];

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    us = await wb.identity('gateway');
    const keys = loadKeyPair(readFileSync(us.keyPath), readFileSync(us.certPath));
    // Forwards to the gateway's /as2 and records what crossed the wire.
    relay = await listen((req, res) => {
      void (async () => {
        const body = await readBody(req);
        relayed.push({ headers: req.headers, body });
        const drop = dropFor !== undefined && String(req.headers.subject ?? '').includes(dropFor);
        if (drop) dropFor = undefined;
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name),
          ) as [string, string][],
        );
        const answer = await fetch(`${gateway.url}/as2`, { method: 'POST', headers, body });
        if (drop) return void req.socket.destroy();
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      })().catch((error: unknown) => {
        res.writeHead(502).end(String(error));
      });
    });
    // A partner that answers every message with a signed, processed MDN carrying a wrong MIC.
    badMic = await listen((req, res) => {
      void (async () => {
        const body = await readBody(req);
        badMicRequests.push({ headers: req.headers, body });
        const mdn = await buildMdn(
          {
            reportingUa: 'bad-mic partner',
            originalRecipient: 'BADMIC-AS2',
            finalRecipient: 'BADMIC-AS2',
            originalMessageId: String(req.headers['message-id']),
            disposition: { kind: 'processed' },
            mic: { algorithm: 'sha-256', digest: Buffer.alloc(32, 7).toString('base64') },
          },
          { keys, digest: 'sha-256' },
        );
        res.writeHead(200, { 'content-type': mdn.contentType });
        res.end(mdn.body);
      })();
    });
    db = await createTestDatabase('as2send');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      LOG_LEVEL: 'error',
      AS2_ID: OUR_AS2,
      AS2_KEY_FILE: us.keyPath,
      AS2_CERT_FILE: us.certPath,
      PARTNERS_DIR: partnersDir(us.certPath, `${urlOf(relay)}/as2`, `${urlOf(badMic)}/as2`),
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
    simulator = gateway.app.get(ErpConnections).embeddedSimulator()!;
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    relay?.close();
    badMic?.close();
    await wb?.dispose();
  });

  const issue = async (poNumber: string, supplier: string) => {
    await simulator.purchaseOrders.issue({
      poNumber,
      supplier,
      plant: '1000',
      currency: 'EUR',
      orderDate: '2026-11-27',
      lines: [
        {
          lineNumber: '10',
          material: 'CMP-BOLT-M8',
          quantity: '4800',
          unit: 'H87',
          deliveryDate: '2026-12-04',
          netPrice: '0.042',
        },
      ],
    });
    await gateway.app.get(SimulatorOutputRelay).relay();
  };
  const documentOf = async (poNumber: string) =>
    (
      await queryOnce<{ id: string; status: string; status_detail: string | null; channel: string }>(
        db.url,
        `SELECT id::text AS id, status, status_detail, channel FROM outbound_document WHERE po_number = $1`,
        [poNumber],
      )
    )[0];
  const settled = (poNumber: string, statuses: string[]) =>
    eventually(
      async () => statuses.includes((await documentOf(poNumber))?.status ?? ''),
      `the document of PO ${poNumber} ${statuses.join(' or ')}`,
      60_000,
    );

  it('delivers a PO over AS2, signed and encrypted, on a verified signed MDN', async () => {
    await issue('4500081001', 'loop-as2');
    await settled('4500081001', ['delivered', 'failed']);
    const doc = (await documentOf('4500081001'))!;
    expect(doc).toMatchObject({ channel: 'as2', status: 'delivered' });
    expect(doc.status_detail).toContain('signed MDN');
    expect(doc.status_detail).toContain('processed');

    const messageId = `<outbound-${doc.id}@${OUR_AS2}>`;
    const sent = relayed.filter((r) => r.headers['message-id'] === messageId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['content-type']).toMatch(/^application\/pkcs7-mime; smime-type=enveloped-data/);
    expect(sent[0]!.headers['as2-to']).toBe(OUR_AS2);
    // The wire bytes are ciphertext: the 850 is not readable in them.
    expect(sent[0]!.body.toString('latin1')).not.toContain('4500081001');
    // openssl decrypts what went over the wire, and the content is our 850, signed.
    const decrypted = await wb.openssl([
      'cms',
      '-decrypt',
      '-inform',
      'DER',
      '-in',
      await wb.write(sent[0]!.body),
      '-recip',
      us.certPath,
      '-inkey',
      us.keyPath,
    ]);
    expect(decrypted).toMatch(/^Content-Type: multipart\/signed/);
    expect(decrypted).toContain('BEG*00*SA*4500081001');
    // openssl verifies our signature over the payload part as it went, and that part's Content-Type
    // names the charset the 850 is written in (inside what is signed, so inside what the MIC covers).
    const signedPart = await wb.openssl([
      'cms',
      '-verify',
      '-inform',
      'SMIME',
      '-in',
      await wb.write(Buffer.from(decrypted, 'latin1')),
      '-CAfile',
      us.certPath,
      '-purpose',
      'any',
    ]);
    expect(signedPart).toMatch(
      /^Content-Type: application\/edi-x12; charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\n\r\nISA\*/,
    );

    // The receiving side stored it once, under our Message-ID.
    const stored = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM interchange WHERE channel = 'as2' AND metadata->>'messageId' = $1`,
      [messageId],
    );
    expect(stored[0]!.n).toBe(1);
  });

  it('retries a message that got no MDN with the same Message-ID until an MDN verifies', async () => {
    dropFor = '4500081003';
    await issue('4500081003', 'loop-as2');
    await settled('4500081003', ['delivered', 'failed']);
    const doc = (await documentOf('4500081003'))!;
    expect(doc.status).toBe('delivered');
    const messageId = `<outbound-${doc.id}@${OUR_AS2}>`;
    const tries = relayed.filter((r) => r.headers['message-id'] === messageId);
    expect(tries).toHaveLength(2);
    // Same Message-ID, freshly built (new content key) around the same payload: the receiver sees a
    // repeat of one message, not a reused Message-ID with other content (which it would quarantine).
    // (Here the receiver's intake rejects our own 850 as from an unknown ISA sender, and a rejected
    // interchange may be sent again, so the repeat is processed again rather than marked duplicate.)
    expect(tries[0]!.body.equals(tries[1]!.body)).toBe(false);
    const stored = await queryOnce<{ status: string }>(
      db.url,
      `SELECT status FROM interchange WHERE channel = 'as2' AND metadata->>'messageId' = $1 ORDER BY id`,
      [messageId],
    );
    expect(stored).toHaveLength(2);
    expect(stored.map((r) => r.status)).not.toContain('quarantined');
  });

  it('does not deliver when the partner answers an MDN with a wrong MIC', async () => {
    await issue('4500081002', 'badmic-as2');
    await settled('4500081002', ['delivered', 'failed']);
    const doc = (await documentOf('4500081002'))!;
    expect(doc).toMatchObject({ channel: 'as2', status: 'failed' });
    expect(doc.status_detail).toContain('Received-content-MIC');
    expect(
      badMicRequests.filter((r) => r.headers['message-id'] === `<outbound-${doc.id}@${OUR_AS2}>`),
    ).toHaveLength(1);
  });
});

function partnersDir(certPath: string, loopUrl: string, badMicUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-as2-send-partners-'));
  const partner = (id: string, x12: string, as2: string, url: string) => `id: ${id}
name: ${id}
status: test
identities:
  x12: [{ qualifier: ZZ, id: ${x12} }]
  gs: [${x12}]
  as2: ['${as2}']
documents:
  inbound: [{ standard: x12, version: '004010', type: '997' }]
  outbound: [{ standard: x12, version: '004010', type: '850' }]
channels:
  as2:
    enabled: true
    certificates: ['${certPath}']
    url: '${url}'
acknowledgments: { functional: none }
delivery: { channel: as2, maxAttempts: 2 }
`;
  // The loop partner is ourselves: AS2-From on its messages is our own AS2 id.
  writeFileSync(join(dir, 'loop-as2.yaml'), partner('loop-as2', 'LOOPAS2', OUR_AS2, loopUrl));
  writeFileSync(join(dir, 'badmic-as2.yaml'), partner('badmic-as2', 'BADMICAS2', 'BADMIC-AS2', badMicUrl));
  return dir;
}
