import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import type { As2Request } from '../../src/transports/as2/protocol/index.js';
import {
  ediEntity,
  OpensslWorkbench,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { eventually } from '../support/notification-peers.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

// The AS2 receive endpoint over real HTTP (issue #14): `openssl cms` builds what a partner's AS2
// software sends, the gateway answers with MDNs that `openssl cms -verify` checks, and the payload
// goes through the archive and the intake to the ERP simulator.

const PO = '4500077001';
// The end-to-end test's own order, so the other tests' ship notices do not over-ship it.
const E2E_PO = '4500077002';
const OUR_AS2 = 'SUPPLIERGW-TEST';
const PARTNER_AS2 = 'ACME-AS2';

function asn856(control: string, shipment: string, po = PO): string {
  return [
    `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*1200*U*00401*${control}*0*T*>`,
    `GS*SH*ACMEFAST*BUYERCO*20261127*1200*${Number(control)}*X*004010`,
    'ST*856*0001',
    `BSN*00*${shipment}*20261127*1200*0001`,
    'DTM*011*20261127*1100*UT',
    'HL*1**S*1',
    'TD5**2*ABFS',
    'REF*BM*BOL-1',
    'N1*ST**92*MFGCO DETROIT DOCK 2',
    'HL*2*1*O*1',
    `PRF*${po}**1`,
    'HL*3*2*I*0',
    'LIN*10*BP*100-20455*VP*AF-HHCS-M8X25-ZP',
    'SN1**4800*PC',
    'SE*13*0001',
    `GE*1*${Number(control)}`,
    `IEA*1*${control}`,
    '',
  ].join('~\r\n');
}

let wb: OpensslWorkbench;
let acme: TestIdentity;
let stranger: TestIdentity;
let gatewayId: TestIdentity;

const sign = (signer: TestIdentity) => [
  '-sign',
  '-binary',
  '-crlfeol',
  '-md',
  'sha256',
  '-signer',
  signer.certPath,
  '-inkey',
  signer.keyPath,
];
const encrypt = () => [
  '-encrypt',
  '-binary',
  '-aes-256-cbc',
  '-recip',
  gatewayId.certPath,
  '-keyopt',
  'rsa_padding_mode:oaep',
];

function entityOf(request: As2Request): Buffer {
  return Buffer.concat([
    Buffer.from(`Content-Type: ${String(request.headers['content-type'])}\r\n\r\n`, 'latin1'),
    request.body,
  ]);
}

/** Signed (sha-256, detached) then encrypted (AES-256-CBC, RSA-OAEP), as AS2 software sends. */
async function signedEncrypted(payload: string, signer: TestIdentity = acme): Promise<As2Request> {
  const signed = await wb.cms(sign(signer), ediEntity(payload));
  return wb.cms(encrypt(), entityOf(signed));
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function as2Headers(messageId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'message-id': messageId,
    'as2-version': '1.2',
    'as2-from': PARTNER_AS2,
    'as2-to': OUR_AS2,
    'disposition-notification-to': 'mailto:as2@acme.example',
    'disposition-notification-options':
      'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
    ...overrides,
  };
}

describe('AS2 receive over HTTP', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let base: URL;
  let mdnSink: Server;
  let mdnSinkUrl: string;
  const asyncMdns: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const matrix: string[] = [];

  function post(
    message: As2Request,
    messageId: string,
    options: {
      path?: string;
      headers?: Record<string, string>;
      mode?: 'length' | 'chunked' | 'expect-continue';
    } = {},
  ): Promise<Answer> {
    const mode = options.mode ?? 'length';
    const headers: Record<string, string> = {
      'content-type': String(message.headers['content-type']),
      ...(message.headers['content-transfer-encoding']
        ? { 'content-transfer-encoding': String(message.headers['content-transfer-encoding']) }
        : {}),
      'mime-version': '1.0',
      ...as2Headers(messageId, options.headers),
      ...(mode === 'chunked'
        ? { 'transfer-encoding': 'chunked' }
        : { 'content-length': String(message.body.length) }),
      ...(mode === 'expect-continue' ? { expect: '100-continue' } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL(options.path ?? '/as2', base), { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      if (mode === 'expect-continue') {
        req.on('continue', () => req.end(message.body));
        return;
      }
      if (mode === 'chunked') {
        for (let i = 0; i < message.body.length; i += 1000) req.write(message.body.subarray(i, i + 1000));
        req.end();
        return;
      }
      req.end(message.body);
    });
  }

  /** `openssl cms -verify` of an MDN against our certificate; returns the verified MDN text. */
  async function verifyMdn(answer: Answer): Promise<string> {
    const file = await wb.write(
      Buffer.concat([Buffer.from(`Content-Type: ${answer.headers['content-type']}\r\n\r\n`), answer.body]),
    );
    return wb.openssl(['cms', '-verify', '-in', file, '-CAfile', gatewayId.certPath, '-purpose', 'any']);
  }

  const intakeJobs = async () =>
    (
      await queryOnce<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM outbox WHERE job_name IN ('translation.x12-intake', 'translation.edifact-intake')`,
      )
    )[0]!.n;

  const rows = (messageId: string) =>
    queryOnce<{ id: string; status: string; caller_key: string | null; partner_id: string | null }>(
      db.url,
      `SELECT id::text AS id, status, caller_key, partner_id FROM interchange
        WHERE channel = 'as2' AND metadata->>'messageId' = $1 ORDER BY id`,
      [messageId],
    );

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    [acme, stranger, gatewayId] = await Promise.all([
      wb.identity('acme'),
      wb.identity('stranger'),
      wb.identity('gateway', { subject: `/CN=${OUR_AS2}` }),
    ]);
    mdnSink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        asyncMdns.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => mdnSink.listen(0, '127.0.0.1', resolve));
    mdnSinkUrl = `http://127.0.0.1:${(mdnSink.address() as AddressInfo).port}/mdn`;

    // The demo partner's profile with AS2 added: its AS2 name, its certificate, an allowed async MDN URL.
    const partnersDir = mkdtempSync(join(tmpdir(), 'sg-as2-partners-'));
    const as2 = {
      enabled: true,
      certificates: [acme.certPath],
      mdn: { allowAsync: true, asyncUrls: [mdnSinkUrl] },
    };
    const profile = readFileSync(new URL('../../partners/acme-fasteners.yaml', import.meta.url), 'utf8')
      .replace('  as2: []', `  as2: [${PARTNER_AS2}]`)
      .replace('  sftp: { enabled: true }', `  sftp: { enabled: true }\n  as2: ${JSON.stringify(as2)}`);
    expect(profile).toContain(mdnSinkUrl);
    writeFileSync(join(partnersDir, 'acme-fasteners.yaml'), profile);

    db = await createTestDatabase('as2_receive');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      PARTNERS_DIR: partnersDir,
      AS2_ID: OUR_AS2,
      AS2_KEY_FILE: gatewayId.keyPath,
      AS2_CERT_FILE: gatewayId.certPath,
      OUTBOUND_ALLOW_PRIVATE_TARGETS: 'true',
    });
    const address = gateway.app.getHttpServer().address() as AddressInfo;
    base = new URL(`http://127.0.0.1:${address.port}`);

    // The ERP's buyer issues the orders the ship notices refer to.
    for (const poNumber of [PO, E2E_PO])
      await gateway.app
        .get(ErpConnections)
        .embeddedSimulator()!
        .purchaseOrders.issue({
          poNumber,
          supplier: 'acme-fasteners',
          plant: '1000',
          currency: 'USD',
          orderDate: '2026-11-20',
          lines: [
            {
              lineNumber: '10',
              material: '100-20455',
              quantity: '9600',
              unit: 'H87',
              netPrice: '4.25',
              deliveryDate: '2026-12-04',
            },
          ],
        });
    await gateway.app.get(SimulatorOutputRelay).relay();
  });

  afterAll(async () => {
    console.log(`AS2 receive matrix:\n${matrix.map((m) => `  ${m}`).join('\n')}`);
    await gateway?.stop();
    await db?.drop();
    await new Promise((resolve) => mdnSink?.close(resolve));
    await wb?.dispose();
  });

  it('accepts a signed and encrypted 856 with a signed MDN openssl verifies, and queues the intake', async () => {
    const payload = asn856('000000501', 'SHP-501');
    const signed = await wb.cms(sign(acme), ediEntity(payload));
    const message = await wb.cms(encrypt(), entityOf(signed));
    const messageId = `<${randomUUID()}@acme>`;
    const answer = await post(message, messageId);

    expect(answer.status).toBe(200);
    expect(answer.headers['as2-from']).toBe(OUR_AS2);
    expect(answer.headers['as2-to']).toBe(PARTNER_AS2);
    expect(String(answer.headers['content-type'])).toMatch(/^multipart\/signed/);
    const mdn = await verifyMdn(answer);
    // The MIC covers the signed MIME part, headers included (RFC 4130 §7.3.1): computed independently.
    expect(mdn).toContain(`Original-Message-ID: ${messageId}`);
    expect(mdn).toContain(
      `Received-content-MIC: ${await wb.digestBase64(ediEntity(payload), 'sha256')}, sha-256`,
    );
    expect(mdn).toContain('Disposition: automatic-action/MDN-sent-automatically; processed');

    const [row] = await rows(messageId);
    expect(row).toMatchObject({ partner_id: 'acme-fasteners', caller_key: `as2:${messageId}` });
    const [stored] = await queryOnce<{ content: Buffer; raw: string; answer: unknown }>(
      db.url,
      `SELECT content, metadata->'rawRequest'->>'blobKey' AS raw, answer FROM interchange WHERE id = $1`,
      [row!.id],
    );
    expect(stored!.content.toString('latin1')).toBe(payload); // exact bytes, line endings kept
    expect(stored!.raw).toBeTruthy();
    const [job] = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM outbox WHERE job_name = 'translation.x12-intake' AND payload->>'interchangeId' = $1`,
      [row!.id],
    );
    expect(job!.n).toBe(1);
    matrix.push(
      'signed sha-256 + AES-256-CBC/RSA-OAEP 856 → processed, signed MDN verified by openssl, intake queued',
    );
  });

  const negative: {
    name: string;
    build: () => Promise<As2Request>;
    headers?: Record<string, string>;
    disposition: string;
  }[] = [
    {
      name: 'encrypted but unsigned where signing is required',
      build: () => wb.cms(encrypt(), ediEntity(asn856('000000601', 'SHP-601'))),
      disposition: 'processed/error: insufficient-message-security',
    },
    {
      name: 'signed with a certificate the profile does not pin',
      build: () => signedEncrypted(asn856('000000602', 'SHP-602'), stranger),
      disposition: 'processed/error: authentication-failed',
    },
    {
      name: 'tampered payload under a valid signature',
      build: async () => {
        const signed = await wb.cms(sign(acme), ediEntity(asn856('000000603', 'SHP-603')));
        const tampered = entityOf(signed);
        const at = tampered.indexOf('SN1**4800');
        tampered.write('SN1**9800', at, 'latin1');
        return wb.cms(encrypt(), tampered);
      },
      disposition: 'processed/error: integrity-check-failed',
    },
    {
      name: 'encrypted to another certificate',
      build: async () => {
        const signed = await wb.cms(sign(acme), ediEntity(asn856('000000604', 'SHP-604')));
        return wb.cms(
          [
            '-encrypt',
            '-binary',
            '-aes-256-cbc',
            '-recip',
            stranger.certPath,
            '-keyopt',
            'rsa_padding_mode:oaep',
          ],
          entityOf(signed),
        );
      },
      disposition: 'processed/error: decryption-failed',
    },
    {
      name: 'unknown AS2-To',
      build: () => signedEncrypted(asn856('000000605', 'SHP-605')),
      headers: { 'as2-to': 'SOMEONE-ELSE' },
      disposition: 'processed/error: unexpected-processing-error',
    },
    {
      name: 'unknown AS2-From',
      build: () => signedEncrypted(asn856('000000606', 'SHP-606')),
      headers: { 'as2-from': 'NOT-A-PARTNER' },
      disposition: 'processed/error: authentication-failed',
    },
    {
      name: 'a required MIC algorithm the policy does not allow',
      build: () => signedEncrypted(asn856('000000607', 'SHP-607')),
      headers: {
        'disposition-notification-options':
          'signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, md5',
      },
      disposition: 'failed/Failure: unsupported MIC-algorithms',
    },
    {
      name: 'an async MDN URL the profile does not list',
      build: () => signedEncrypted(asn856('000000608', 'SHP-608')),
      headers: { 'receipt-delivery-option': 'http://169.254.169.254/latest' },
      disposition: 'processed/error: unexpected-processing-error',
    },
  ];

  for (const cell of negative) {
    it(`answers ${cell.name} with ${cell.disposition} and queues nothing`, async () => {
      const before = await intakeJobs();
      const messageId = `<${randomUUID()}@acme>`;
      const answer = await post(await cell.build(), messageId, { headers: cell.headers });
      expect(answer.status).toBe(200);
      const mdn = await verifyMdn(answer);
      expect(mdn).toContain(`Disposition: automatic-action/MDN-sent-automatically; ${cell.disposition}`);
      expect(await intakeJobs()).toBe(before);
      const archived = await rows(messageId);
      expect(archived).toHaveLength(1);
      expect(archived[0]).toMatchObject({ status: 'rejected', caller_key: null });
      matrix.push(`${cell.name} → ${cell.disposition}, archived rejected, nothing queued`);
    });
  }

  it('answers a request without AS2 headers with problem+json and keeps it in the archive', async () => {
    const message = await signedEncrypted(asn856('000000609', 'SHP-609'));
    const answer = await post(message, '', { headers: { 'message-id': '' } });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(answer.body.toString()).type).toBe('urn:supplier-gateway:problem:as2.missing-header');
  });

  it("lets the intake refuse an interchange in another sender's name, though AS2 accepted it", async () => {
    // AS2 authenticates the partner; the ISA sender must still be one of that partner's (DESIGN.md).
    const payload = asn856('000000650', 'SHP-650').replaceAll('ACMEFAST', 'OTHERCO ');
    const messageId = `<${randomUUID()}@acme>`;
    const answer = await post(await signedEncrypted(payload), messageId);
    expect(await verifyMdn(answer)).toContain('; processed\r\n');
    let status = '';
    for (let i = 0; i < 100 && status !== 'rejected'; i++) {
      await sleep(100);
      status = (await rows(messageId))[0]!.status;
    }
    expect(status).toBe('rejected');
    const [detail] = await queryOnce<{ status_detail: string }>(
      db.url,
      `SELECT status_detail FROM interchange WHERE id = $1`,
      [(await rows(messageId))[0]!.id],
    );
    expect(detail!.status_detail).toMatch(/OTHERCO/);
    const events = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM erp_sim_document WHERE body::text LIKE '%SHP-650%'`,
    );
    expect(events[0]!.n).toBe(0);
    matrix.push("856 with another sender's ISA over acme's AS2 → MDN processed, intake rejects it");
  });

  it("archives the payload part's declared Content-Type with its charset, while the reader still decides how the bytes are read", async () => {
    // The partner declares ISO-8859-1 but its translator wrote the Ü of the carrier's name in UTF-8
    // (C3 9C): the declaration is kept with the interchange as information, the X12 reader's own
    // detection reads the bytes (DESIGN.md: the archive keeps what was received; docs/as2.md).
    const payload = asn856('000000670', 'SHP-670').replace('TD5**2*ABFS', 'TD5**2*ABFS**MÜLLER SPEDITION');
    const entity = Buffer.concat([
      Buffer.from(
        'Content-Type: application/edi-x12; name="asn.x12"; charset=ISO-8859-1\r\n' +
          'Content-Transfer-Encoding: binary\r\n\r\n',
        'latin1',
      ),
      Buffer.from(payload, 'utf8'),
    ]);
    const signed = await wb.cms(sign(acme), entity);
    const messageId = `<${randomUUID()}@acme>`;
    const answer = await post(await wb.cms(encrypt(), entityOf(signed)), messageId);
    expect(await verifyMdn(answer)).toContain('; processed\r\n');
    const [row] = await rows(messageId);
    const [stored] = await queryOnce<{ content_type: string; content: Buffer }>(
      db.url,
      `SELECT content_type, content FROM interchange WHERE id = $1`,
      [row!.id],
    );
    expect(stored!.content_type).toBe('application/edi-x12; charset=ISO-8859-1');
    expect(stored!.content.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    const carrier = await eventually('the ship notice event of the interchange', async () => {
      const [event] = await queryOnce<{ name: string | null }>(
        db.url,
        `SELECT payload->'payload'->'carrier'->>'name' AS name FROM canonical_event WHERE interchange_id = $1`,
        [row!.id],
      );
      return event;
    });
    // Read as UTF-8 by the reader, not as the declared Latin-1 (which would give "MÃ\u009cLLER").
    expect(carrier.name).toBe('MÜLLER SPEDITION');
    matrix.push('856 declared charset=ISO-8859-1 in UTF-8 → Content-Type archived with it, read as UTF-8');
  });

  it('recognises an interchange after blank lines as far into the payload as the SFTP channels do', async () => {
    // One sniff length for every channel (EDI_SNIFF_BYTES): 100 bytes of line breaks before the ISA
    // were "neither X12 nor EDIFACT" over AS2 (64 bytes) and X12 over SFTP (512).
    const payload = '\r\n'.repeat(50) + asn856('000000660', 'SHP-660');
    const messageId = `<${randomUUID()}@acme>`;
    const answer = await post(await signedEncrypted(payload), messageId);
    const mdn = await verifyMdn(answer);
    expect(mdn).toContain('; processed\r\n');
    expect(mdn).not.toContain('unexpected-processing-error');
    matrix.push('856 after 100 bytes of line breaks → MDN processed');
  });

  it('answers a duplicate with the same MDN without reprocessing, and quarantines a reused Message-ID', async () => {
    const payload = asn856('000000701', 'SHP-701');
    const messageId = `<${randomUUID()}@acme>`;
    const first = await post(await signedEncrypted(payload), messageId);
    const before = await intakeJobs();
    // The resend is encrypted again (a new content key), but carries the same signed payload.
    const again = await post(await signedEncrypted(payload), messageId);
    expect(again.body.equals(first.body)).toBe(true);
    expect(await intakeJobs()).toBe(before);

    const other = await post(await signedEncrypted(asn856('000000702', 'SHP-702')), messageId);
    const mdn = await verifyMdn(other);
    expect(mdn).toContain('processed/error: unexpected-processing-error');
    expect(await intakeJobs()).toBe(before);
    expect((await rows(messageId)).map((r) => r.status).slice(1)).toEqual(['duplicate', 'quarantined']);
    const cases = await queryOnce<{ type: string }>(
      db.url,
      `SELECT type FROM exception_case WHERE interchange_id = $1`,
      [(await rows(messageId))[2]!.id],
    );
    expect(cases).toEqual([{ type: 'as2.message-id-reused' }]);
    matrix.push('duplicate Message-ID, same payload → the same MDN bytes, not reprocessed');
    matrix.push('duplicate Message-ID, other payload → quarantined, as2.message-id-reused raised');
  });

  it("answers the same payload under a new Message-ID with an MDN of its own and the first one's 997 again, not reprocessed", async () => {
    const payload = asn856('000001201', 'SHP-1201');
    const first = `<${randomUUID()}@acme>`;
    const second = `<${randomUUID()}@acme>`;
    expect(await verifyMdn(await post(await signedEncrypted(payload), first))).toContain(
      `Original-Message-ID: ${first}`,
    );
    const before = await intakeJobs();
    // The sender's software sends the document again as a new message, this time asking for sha-512.
    const again = await post(await signedEncrypted(payload), second, {
      headers: {
        'disposition-notification-options':
          'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-512',
      },
    });
    const mdn = await verifyMdn(again);
    expect(mdn).toContain(`Original-Message-ID: ${second}`);
    expect(mdn).toContain(
      `Received-content-MIC: ${await wb.digestBase64(ediEntity(payload), 'sha512')}, sha-512`,
    );
    expect(mdn).toContain('; processed\r\n');
    expect(await intakeJobs()).toBe(before);
    const [original] = await rows(first);
    const [repeat] = await rows(second);
    expect(repeat!.status).toBe('duplicate');
    // Answered, not reprocessed: the first message's 997 goes out again, for this receipt.
    const acks = await eventually('the 997 of the first message, sent again for the second', async () => {
      const found = await queryOnce<{ answers: string; content: Buffer }>(
        db.url,
        `SELECT metadata->>'answers' AS answers, content FROM interchange
          WHERE direction = 'outbound' AND metadata->>'answers' IN ($1, $2) ORDER BY id`,
        [original!.id, repeat!.id],
      );
      return found.length === 2 && found;
    });
    expect(acks.map((a) => a.answers)).toEqual([original!.id, repeat!.id]);
    expect(acks[1]!.content.equals(acks[0]!.content)).toBe(true);
    expect(acks[0]!.content.toString('latin1')).toContain('ST*997*');
    matrix.push(
      'same payload, new Message-ID → its own MDN (Message-ID, sha-512 MIC), the 997 again, not reprocessed',
    );
  });

  it('answers a failed message that asks for an async MDN at an unlisted URL in the response, queueing no MDN job', async () => {
    const messageId = `<${randomUUID()}@acme>`;
    const garbage = { headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(2_000) };
    const answer = await post(garbage, messageId, {
      headers: { 'receipt-delivery-option': 'https://not-listed.example/mdn' },
    });
    expect(answer.status).toBe(200);
    const mdn = await verifyMdn(answer);
    expect(mdn).toContain(`Original-Message-ID: ${messageId}`);
    expect(mdn).toMatch(/Disposition: automatic-action\/MDN-sent-automatically; processed\/error: /);
    const [row] = await rows(messageId);
    expect(row!.status).toBe('rejected');
    // No job aimed at a URL the profile does not list, so no dead letter can come of it.
    const jobs = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM outbox WHERE job_name = 'as2.send-mdn' AND payload->>'interchangeId' = $1`,
      [row!.id],
    );
    expect(jobs).toEqual([]);
    const dead = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM dead_letter WHERE job_name = 'as2.send-mdn' AND payload->>'interchangeId' = $1`,
      [row!.id],
    );
    expect(dead).toEqual([]);
    matrix.push('garbage asking for an async MDN at an unlisted URL → MDN processed/error in the response');
  });

  it('keeps a failed message rejected when its raw body equals an accepted payload', async () => {
    const payload = asn856('000001301', 'SHP-1301');
    expect(await verifyMdn(await post(await signedEncrypted(payload), `<${randomUUID()}@acme>`))).toContain(
      '; processed\r\n',
    );
    // The same EDI, sent plain: the policy requires signing, so it fails, and must stay rejected.
    const messageId = `<${randomUUID()}@acme>`;
    const plain = {
      headers: { 'content-type': 'application/edi-x12' },
      body: Buffer.from(payload, 'latin1'),
    };
    const answer = await post(plain, messageId);
    expect(await verifyMdn(answer)).toContain('processed/error: insufficient-message-security');
    const [row] = await queryOnce<{
      status: string;
      status_detail: string | null;
      duplicate_of: string | null;
    }>(
      db.url,
      `SELECT status, status_detail, duplicate_of::text AS duplicate_of FROM interchange
        WHERE channel = 'as2' AND metadata->>'messageId' = $1`,
      [messageId],
    );
    expect(row).toMatchObject({ status: 'rejected', duplicate_of: null });
    expect(row!.status_detail).toMatch(/insufficient-message-security/);
    matrix.push(
      'a plain body equal to an accepted payload → rejected (insufficient security), not a duplicate',
    );
  });

  it('does not let a failed first attempt block a good resend with the same Message-ID', async () => {
    const payload = asn856('000000801', 'SHP-801');
    const messageId = `<${randomUUID()}@acme>`;
    const bad = await post(await signedEncrypted(payload, stranger), messageId);
    expect(await verifyMdn(bad)).toContain('processed/error: authentication-failed');
    const good = await post(await signedEncrypted(payload), messageId);
    expect(await verifyMdn(good)).toContain('; processed\r\n');
    expect((await rows(messageId)).map((r) => r.status)).toEqual([
      'rejected',
      expect.stringMatching(/received|processing|processed/),
    ]);
  });

  it('reads chunked requests and answers Expect: 100-continue, on the per-partner URL too', async () => {
    for (const [mode, path] of [
      ['chunked', '/as2'],
      ['expect-continue', '/as2/acme-fasteners'],
    ] as const) {
      const payload = asn856(mode === 'chunked' ? '000000901' : '000000902', `SHP-9-${mode}`);
      const messageId = `<${randomUUID()}@acme>`;
      const answer = await post(await signedEncrypted(payload), messageId, { mode, path });
      expect(await verifyMdn(answer)).toContain('; processed\r\n');
      matrix.push(`${mode} on ${path} → processed`);
    }
    // Another partner's URL does not accept acme's AS2-From.
    const wrong = await post(
      await signedEncrypted(asn856('000000903', 'SHP-903')),
      `<${randomUUID()}@acme>`,
      {
        path: '/as2/nordic-castings',
      },
    );
    expect(await verifyMdn(wrong)).toContain('processed/error: authentication-failed');
  });

  it('posts an asynchronous MDN to an allowed Receipt-Delivery-Option URL', async () => {
    const messageId = `<${randomUUID()}@acme>`;
    const answer = await post(await signedEncrypted(asn856('000001001', 'SHP-1001')), messageId, {
      headers: { 'receipt-delivery-option': mdnSinkUrl },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(0);
    for (let i = 0; i < 100 && !asyncMdns.some((m) => m.body.includes(messageId)); i++) await sleep(100);
    const delivered = asyncMdns.find((m) => m.body.includes(messageId));
    expect(delivered).toBeDefined();
    expect(delivered!.headers['as2-to']).toBe(PARTNER_AS2);
    const mdn = await verifyMdn({ status: 200, headers: delivered!.headers, body: delivered!.body });
    expect(mdn).toContain('Disposition: automatic-action/MDN-sent-automatically; processed');
    matrix.push('async MDN to an allowed URL → delivered by the job, signed, verified');
  });

  it('turns an 856 over AS2 into one inbound delivery even when the sender retries after a dropped connection', async () => {
    const payload = asn856('000001101', 'SHP-1101', E2E_PO);
    const messageId = `<${randomUUID()}@acme>`;
    const first = await signedEncrypted(payload);
    // The sender's connection drops after the body is sent, before the MDN arrives.
    let sawMdn = false;
    await new Promise<void>((resolve) => {
      const req = httpRequest(new URL('/as2', base), {
        method: 'POST',
        headers: {
          'content-type': String(first.headers['content-type']),
          'content-transfer-encoding': String(first.headers['content-transfer-encoding']),
          'content-length': String(first.body.length),
          ...as2Headers(messageId),
        },
      });
      req.on('error', () => resolve());
      req.on('response', () => (sawMdn = true));
      req.end(first.body, () => {
        req.destroy();
        resolve();
      });
    });
    expect(sawMdn).toBe(false);
    for (let i = 0; i < 100 && (await rows(messageId)).length === 0; i++) await sleep(100);
    // It retries with the same Message-ID, encrypted anew.
    const retry = await post(await signedEncrypted(payload), messageId);
    expect(await verifyMdn(retry)).toContain('; processed\r\n');
    expect((await rows(messageId)).map((r) => r.status)).toEqual([expect.any(String), 'duplicate']);

    const deliveries = () =>
      queryOnce<{ operation: string; n: number }>(
        db.url,
        `SELECT e.operation, count(*)::int AS n FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number)
          WHERE e.kind = 'inbound-delivery' AND d.body::text LIKE '%SHP-1101%' GROUP BY e.operation`,
      );
    for (let i = 0; i < 150 && (await deliveries()).length === 0; i++) await sleep(100);
    await waitForPostings(db.url, 15_000);
    expect(await deliveries()).toEqual([{ operation: 'post', n: 1 }]);
    matrix.push('856 over AS2 with a dropped connection and a retry → one inbound delivery in the ERP');
  });
});
