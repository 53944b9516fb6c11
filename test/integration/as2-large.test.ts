import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_STORE, type BlobStore } from '../../src/platform/blobs/blob-store.js';
import type { As2Request } from '../../src/transports/as2/protocol/index.js';
import {
  ediEntity,
  OpensslWorkbench,
  requestFromSmime,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

// Issue #14: a 24 MB signed and encrypted AS2 message (built by `openssl cms`) over Content-Length,
// chunked transfer coding and `Expect: 100-continue`; each is accepted with a correct MDN and archived
// byte for byte in the blob store. Then a 100 MiB payload, signed and encrypted by `openssl cms
// -stream` and posted by curl (a child process streaming it from a file), goes through the streaming
// core: accepted, archived byte for byte, the MIC right (openssl verifies the MDN), and the gateway
// process's RSS may grow by at most MAX_RSS_GROWTH while it is received (see docs/as2.md, "HTTP").

const OUR_AS2 = 'SUPPLIERGW-LARGE';
const PARTNER_AS2 = 'ACME-AS2';
const MB = 1024 * 1024;
const SIZE = 24 * MB;
const LARGE = 100 * MB;
/**
 * The bound for the 100 MiB message: the streaming path holds a 1 MiB spool buffer, 256 KiB read
 * pieces, cipher and hash state, and whatever garbage V8 has not collected yet; none of it grows with
 * the message. Holding the message whole would take several times 100 MiB (about +140 MB RSS per
 * 32.5 MB message was measured before streaming).
 */
const MAX_RSS_GROWTH = 64 * MB;
const run = promisify(execFile);

/** An X12 interchange of about SIZE bytes: one huge element, so the intake rejects it cheaply. */
function bigX12(control: string): string {
  const filler = 'X'.repeat(SIZE);
  return [
    `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*1200*U*00401*${control}*0*T*>`,
    `GS*SH*ACMEFAST*BUYERCO*20261127*1200*${Number(control)}*X*004010`,
    'ST*856*0001',
    `BSN*00*SHP-${control}*20261127*1200*0001`,
    `REF*ZZ*${filler}`,
    'SE*4*0001',
    `GE*1*${Number(control)}`,
    `IEA*1*${control}`,
    '',
  ].join('~\r\n');
}

type Framing = 'content-length' | 'chunked' | 'expect-100-continue';

describe('AS2 large messages', () => {
  let wb: OpensslWorkbench;
  let acme: TestIdentity;
  let ours: TestIdentity;
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let base: URL;
  const figures: string[] = [];

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    acme = await wb.identity('acme', { subject: '/O=Acme Fasteners/CN=ACME-AS2' });
    ours = await wb.identity('gateway', { subject: `/CN=${OUR_AS2}` });
    const partnersDir = mkdtempSync(join(tmpdir(), 'sg-as2-large-'));
    const as2 = { enabled: true, certificates: [acme.certPath] };
    const profile = readFileSync(new URL('../../partners/acme-fasteners.yaml', import.meta.url), 'utf8')
      .replace('  as2: []', `  as2: [${PARTNER_AS2}]`)
      .replace('  sftp: { enabled: true }', `  sftp: { enabled: true }\n  as2: ${JSON.stringify(as2)}`);
    writeFileSync(join(partnersDir, 'acme-fasteners.yaml'), profile);
    db = await createTestDatabase('as2_large');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      LOG_LEVEL: 'fatal',
      PARTNERS_DIR: partnersDir,
      AS2_ID: OUR_AS2,
      AS2_KEY_FILE: ours.keyPath,
      AS2_CERT_FILE: ours.certPath,
      AS2_MAX_MESSAGE_BYTES: String(200 * MB),
      // No intake job runs during the test: it would read a whole payload into this process's memory
      // while the next message is being measured (the intake is not what this test is about).
      JOBS_POLL_MS: '3600000',
    });
    base = new URL(`http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`);
  }, 120_000);

  afterAll(async () => {
    console.log(`\nAS2 large messages (${SIZE / MB} MB payload)\n${figures.join('\n')}`);
    await gateway?.stop();
    await db?.drop();
    await wb?.dispose();
  });

  async function build(control: string): Promise<{ request: As2Request; payload: Buffer }> {
    const payload = Buffer.from(bigX12(control), 'latin1');
    const signed = await wb.cms(
      ['-sign', '-binary', '-crlfeol', '-md', 'sha256', '-signer', acme.certPath, '-inkey', acme.keyPath],
      ediEntity(payload.toString('latin1')),
    );
    const entity = Buffer.concat([
      Buffer.from(`Content-Type: ${String(signed.headers['content-type'])}\r\n\r\n`, 'latin1'),
      signed.body,
    ]);
    const request = await wb.cms(
      ['-encrypt', '-binary', '-aes-256-cbc', '-recip', ours.certPath, '-keyopt', 'rsa_padding_mode:oaep'],
      entity,
    );
    return { request, payload };
  }

  function post(
    request: As2Request,
    framing: Framing,
    messageId: string,
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {
      'content-type': String(request.headers['content-type']),
      'mime-version': '1.0',
      'message-id': messageId,
      'as2-version': '1.2',
      'as2-from': PARTNER_AS2,
      'as2-to': OUR_AS2,
      'disposition-notification-to': 'mailto:as2@acme.example',
    };
    if (framing === 'chunked') headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(request.body.length);
    if (framing === 'expect-100-continue') headers.expect = '100-continue';
    return new Promise((resolve, reject) => {
      let continued = false;
      const req: ClientRequest = httpRequest(new URL('/as2', base), { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (framing === 'expect-100-continue' && !continued) reject(new Error('no 100 Continue'));
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('latin1') });
        });
      });
      req.on('error', reject);
      const write = () => {
        for (let at = 0; at < request.body.length; at += 64 * 1024)
          req.write(request.body.subarray(at, at + 64 * 1024));
        req.end();
      };
      if (framing === 'expect-100-continue')
        req.on('continue', () => {
          continued = true;
          write();
        });
      else write();
    });
  }

  it.each<[Framing, string]>([
    ['content-length', '000000701'],
    ['chunked', '000000702'],
    ['expect-100-continue', '000000703'],
  ])(
    'accepts a %s request, archives the payload byte for byte, and measures memory',
    async (framing, control) => {
      const { request, payload } = await build(control);
      const messageId = `<${randomUUID()}@acme>`;
      global.gc?.();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed + before.arrayBuffers;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
      }, 10);
      const started = Date.now();
      const answer = await post(request, framing, messageId).finally(() => clearInterval(sampler));
      const ms = Date.now() - started;
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/Disposition: automatic-action\/MDN-sent-automatically; processed\r\n/);
      const [row] = await queryOnce<{
        sha256: string;
        size_bytes: string;
        blob_key: string | null;
        raw: string;
      }>(
        db.url,
        `SELECT sha256, size_bytes::text AS size_bytes, blob_key, metadata->'rawRequest'->>'size' AS raw
         FROM interchange WHERE channel = 'as2' AND metadata->>'messageId' = $1`,
        [messageId],
      );
      expect(row!.sha256).toBe(createHash('sha256').update(payload).digest('hex'));
      expect(Number(row!.size_bytes)).toBe(payload.length);
      expect(row!.blob_key).not.toBeNull();
      expect(Number(row!.raw)).toBe(request.body.length);
      const extra = (peakHeap - (before.heapUsed + before.arrayBuffers)) / MB;
      figures.push(
        `${framing.padEnd(20)} body ${(request.body.length / MB).toFixed(1)} MB, ${ms} ms, ` +
          `peak heap+buffers +${extra.toFixed(0)} MB, peak RSS +${((peakRss - before.rss) / MB).toFixed(0)} MB ` +
          `(test process: client and gateway together)`,
      );
    },
    120_000,
  );

  /** Writes an AS2 entity with a LARGE X12 payload to disk in pieces; returns the payload's SHA-256. */
  async function writeLargeEntity(path: string, control: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    async function* pieces(): AsyncGenerator<Buffer> {
      yield Buffer.from('Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n');
      const payload = (text: string) => {
        const bytes = Buffer.from(text, 'latin1');
        hash.update(bytes);
        size += bytes.length;
        return bytes;
      };
      yield payload(
        `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*1200*U*00401*${control}*0*T*>~\r\n` +
          `GS*SH*ACMEFAST*BUYERCO*20261127*1200*${Number(control)}*X*004010~\r\nST*856*0001~\r\n` +
          `BSN*00*SHP-${control}*20261127*1200*0001~\r\nREF*ZZ*`,
      );
      const filler = 'X'.repeat(MB);
      for (let i = 0; i < LARGE / MB; i++) yield payload(filler);
      yield payload(`~\r\nSE*4*0001~\r\nGE*1*${Number(control)}~\r\nIEA*1*${control}~\r\n`);
    }
    await pipeline(pieces, createWriteStream(path));
    return { sha256: hash.digest('hex'), size };
  }

  /** Splits S/MIME output on disk into its headers and a body file, without reading the body. */
  async function splitSmime(path: string, bodyPath: string): Promise<Record<string, string>> {
    const handle = await open(path, 'r');
    const head = Buffer.alloc(16 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    await handle.close();
    const match = /\r?\n\r?\n/.exec(head.subarray(0, bytesRead).toString('latin1'));
    const { headers } = requestFromSmime(head.subarray(0, bytesRead));
    await pipeline(
      createReadStream(path, { start: match!.index + match![0].length }),
      createWriteStream(bodyPath),
    );
    return headers as Record<string, string>;
  }

  async function fileDigest(path: string, algorithm: string, encoding: 'hex' | 'base64'): Promise<string> {
    const hash = createHash(algorithm);
    await pipeline(createReadStream(path), hash);
    return hash.digest(encoding);
  }

  it('streams a 100 MiB payload signed and encrypted by openssl cms -stream, in bounded memory', async () => {
    const entityPath = wb.path('large-entity.bin');
    const payload = await writeLargeEntity(entityPath, '000000801');
    await wb.openssl([
      'cms',
      '-sign',
      '-binary',
      '-crlfeol',
      '-md',
      'sha256',
      '-stream',
      '-signer',
      acme.certPath,
      '-inkey',
      acme.keyPath,
      '-in',
      entityPath,
      '-out',
      wb.path('large-signed.eml'),
    ]);
    const signedBody = wb.path('large-signed.body');
    const signedHeaders = await splitSmime(wb.path('large-signed.eml'), signedBody);
    const signedEntity = wb.path('large-signed-entity.bin');
    await pipeline(async function* () {
      yield Buffer.from(`Content-Type: ${signedHeaders['content-type']}\r\n\r\n`, 'latin1');
      yield* createReadStream(signedBody);
    }, createWriteStream(signedEntity));
    await wb.openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-aes-256-cbc',
      '-stream',
      '-recip',
      ours.certPath,
      '-keyopt',
      'rsa_padding_mode:oaep',
      '-in',
      signedEntity,
      '-out',
      wb.path('large-encrypted.eml'),
    ]);
    const bodyPath = wb.path('large-request.body');
    const headers = await splitSmime(wb.path('large-encrypted.eml'), bodyPath);
    const bodySize = (await stat(bodyPath)).size;
    // The MIC covers exactly the signed MIME part, headers included (RFC 4130 §7.3.1).
    const expectedMic = await fileDigest(entityPath, 'sha256', 'base64');
    const messageId = `<${randomUUID()}@acme>`;

    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = Date.now();
    const curl = await run('curl', [
      '-sS',
      '-X',
      'POST',
      '-T',
      bodyPath,
      '-o',
      wb.path('large-mdn.body'),
      '-D',
      wb.path('large-mdn.head'),
      '-w',
      '%{http_code}',
      '-H',
      `Content-Type: ${headers['content-type']}`,
      '-H',
      `Content-Transfer-Encoding: ${headers['content-transfer-encoding']}`,
      '-H',
      'MIME-Version: 1.0',
      '-H',
      `Message-ID: ${messageId}`,
      '-H',
      'AS2-Version: 1.2',
      '-H',
      `AS2-From: ${PARTNER_AS2}`,
      '-H',
      `AS2-To: ${OUR_AS2}`,
      '-H',
      'Disposition-Notification-To: mailto:as2@acme.example',
      '-H',
      'Disposition-Notification-Options: signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
      new URL('/as2', base).toString(),
    ]).finally(() => clearInterval(sampler));
    const ms = Date.now() - started;
    expect(curl.stdout).toBe('200');

    const mdnHead = await readFile(wb.path('large-mdn.head'), 'latin1');
    const mdnType = /^content-type:\s*(.+)$/im.exec(mdnHead)![1]!.trim();
    const mdnFile = await wb.write(
      Buffer.concat([
        Buffer.from(`Content-Type: ${mdnType}\r\n\r\n`),
        await readFile(wb.path('large-mdn.body')),
      ]),
    );
    const verified = await wb.openssl([
      'cms',
      '-verify',
      '-in',
      mdnFile,
      '-CAfile',
      ours.certPath,
      '-purpose',
      'any',
    ]);
    expect(verified).toContain('Disposition: automatic-action/MDN-sent-automatically; processed\r\n');
    expect(verified).toContain(`Received-content-MIC: ${expectedMic}, sha-256\r\n`);

    const [row] = await queryOnce<{
      sha256: string;
      size_bytes: string;
      blob_key: string | null;
      raw: string;
      raw_sha: string;
    }>(
      db.url,
      `SELECT sha256, size_bytes::text AS size_bytes, blob_key, metadata->'rawRequest'->>'size' AS raw,
              metadata->'rawRequest'->>'sha256' AS raw_sha
         FROM interchange WHERE channel = 'as2' AND metadata->>'messageId' = $1`,
      [messageId],
    );
    expect(row!.sha256).toBe(payload.sha256);
    expect(Number(row!.size_bytes)).toBe(payload.size);
    expect(row!.blob_key).not.toBeNull();
    expect(Number(row!.raw)).toBe(bodySize);
    expect(row!.raw_sha).toBe(await fileDigest(bodyPath, 'sha256', 'hex'));
    // The archived payload read back from the blob store, hashed independently.
    const stored = createHash('sha256');
    await pipeline(gateway.app.get<BlobStore>(BLOB_STORE).open(row!.blob_key!), stored);
    expect(stored.digest('hex')).toBe(payload.sha256);

    const growth = peak - before;
    figures.push(
      `streamed (curl -T, Expect: 100-continue) payload ${(payload.size / MB).toFixed(1)} MiB, body ${(bodySize / MB).toFixed(1)} MiB, ` +
        `${ms} ms, peak RSS +${(growth / MB).toFixed(1)} MB (bound ${MAX_RSS_GROWTH / MB} MB; client in its own process)`,
    );
    expect(growth).toBeLessThan(MAX_RSS_GROWTH);
  }, 300_000);
});
