import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_THRESHOLD } from '../../src/transports/as2/as2-failure-alerts.service.js';
import { THROTTLED_QUEUE, THROTTLED_SPACING_MS } from '../../src/transports/as2/as2-failure-throttle.js';
import type { As2Request } from '../../src/transports/as2/protocol/index.js';
import { opensslVerifyMultipartSigned } from '../../src/transports/as2/protocol/testing/openssl-receiver.test-helper.js';
import {
  ediEntity,
  OpensslWorkbench,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

// Issue #14 over HTTP: our keys from a PKCS#12 file plus a rollover pair (PEM): partners' messages
// encrypted by `openssl cms` to either certificate are accepted, and MDNs are signed with the newer
// one; and a partner that enables PKCS#1 v1.5 key transport gets its failure answers paced once
// failures pile up, while its good messages are answered at once.

const OUR_AS2 = 'SUPPLIERGW-KEYS';
const PARTNER_AS2 = 'ACME-AS2';
const PASSWORD = 'pkcs12-password-for-the-test';

const x12 = (control: string) =>
  [
    `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*1200*U*00401*${control}*0*T*>`,
    `GS*SH*ACMEFAST*BUYERCO*20261127*1200*${Number(control)}*X*004010`,
    'ST*856*0001',
    `BSN*00*SHP-${control}*20261127*1200*0001`,
    'SE*3*0001',
    `GE*1*${Number(control)}`,
    `IEA*1*${control}`,
    '',
  ].join('~\r\n');

interface Answer {
  readonly status: number;
  readonly disposition?: string;
  readonly ms: number;
  readonly contentType?: string;
  readonly body: Buffer;
}

describe('AS2 keys from PKCS#12 with a rollover pair; paced PKCS#1 v1.5 failure answers', () => {
  let wb: OpensslWorkbench;
  let acme: TestIdentity;
  let stranger: TestIdentity;
  let older: TestIdentity;
  let newer: TestIdentity;
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let base: URL;
  let control = 100;

  /** Signed by acme, encrypted to `recipient` (OAEP, or PKCS#1 v1.5 as openssl does by default). */
  async function message(recipient: TestIdentity, v15 = false): Promise<As2Request> {
    const signed = await wb.cms(
      ['-sign', '-binary', '-crlfeol', '-md', 'sha256', '-signer', acme.certPath, '-inkey', acme.keyPath],
      ediEntity(x12(String(++control).padStart(9, '0'))),
    );
    const entity = Buffer.concat([
      Buffer.from(`Content-Type: ${String(signed.headers['content-type'])}\r\n\r\n`, 'latin1'),
      signed.body,
    ]);
    return wb.cms(
      [
        '-encrypt',
        '-binary',
        '-aes-256-cbc',
        '-recip',
        recipient.certPath,
        ...(v15 ? [] : ['-keyopt', 'rsa_padding_mode:oaep']),
      ],
      entity,
    );
  }

  function post(request: As2Request): Promise<Answer> {
    const started = Date.now();
    const headers = {
      'content-type': String(request.headers['content-type']),
      'mime-version': '1.0',
      'message-id': `<${randomUUID()}@acme>`,
      'as2-version': '1.2',
      'as2-from': PARTNER_AS2,
      'as2-to': OUR_AS2,
      'disposition-notification-to': 'mailto:as2@acme.example',
      'disposition-notification-options':
        'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
      'content-length': String(request.body.length),
    };
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL('/as2', base), { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            disposition: /Disposition: [^;\r\n]+; ([^\r\n]+)/.exec(body.toString('latin1'))?.[1],
            ms: Date.now() - started,
            contentType: res.headers['content-type'],
            body,
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(request.body);
    });
  }

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    acme = await wb.identity('acme', { subject: '/O=Acme Fasteners/CN=ACME-AS2' });
    stranger = await wb.identity('stranger');
    older = await wb.identity('gateway-old', { subject: `/CN=${OUR_AS2} 2026`, days: 30 });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a later notBefore
    newer = await wb.identity('gateway-new', { subject: `/CN=${OUR_AS2} 2027`, days: 400 });
    const p12 = wb.path('gateway-old.p12');
    await wb.openssl([
      'pkcs12',
      '-export',
      '-inkey',
      older.keyPath,
      '-in',
      older.certPath,
      '-out',
      p12,
      '-passout',
      `pass:${PASSWORD}`,
    ]);
    const partnersDir = mkdtempSync(join(tmpdir(), 'sg-as2-keys-'));
    const as2 = {
      enabled: true,
      certificates: [acme.certPath],
      security: { legacy: { rsaPkcs1v15: true } },
    };
    const profile = readFileSync(new URL('../../partners/acme-fasteners.yaml', import.meta.url), 'utf8')
      .replace('  as2: []', `  as2: [${PARTNER_AS2}]`)
      .replace('  sftp: { enabled: true }', `  sftp: { enabled: true }\n  as2: ${JSON.stringify(as2)}`);
    expect(profile).toContain('rsaPkcs1v15');
    writeFileSync(join(partnersDir, 'acme-fasteners.yaml'), profile);
    db = await createTestDatabase('as2_keys_throttle');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      LOG_LEVEL: 'fatal',
      PARTNERS_DIR: partnersDir,
      AS2_ID: OUR_AS2,
      AS2_PKCS12_FILE: p12,
      AS2_PKCS12_PASSWORD: PASSWORD,
      AS2_ROLLOVER_KEY_FILE: newer.keyPath,
      AS2_ROLLOVER_CERT_FILE: newer.certPath,
    });
    base = new URL(`http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await wb?.dispose();
  });

  it('accepts messages encrypted to either of our certificates; the newer one signs the MDNs', async () => {
    for (const recipient of [older, newer]) {
      const answer = await post(await message(recipient));
      expect(answer.disposition, recipient.name).toBe('processed');
      const signed = await opensslVerifyMultipartSigned(wb, answer.contentType!, answer.body, newer.certPath);
      expect(signed.toString('latin1')).toContain('Disposition:');
      await expect(
        opensslVerifyMultipartSigned(wb, answer.contentType!, answer.body, older.certPath),
      ).rejects.toThrow();
    }
  });

  it('paces failure answers once failures pile up, answers overflow 503, never slows a good message', async () => {
    const garbage = await message(stranger, true); // PKCS#1 v1.5 to someone else: decryption-failed
    for (let i = 0; i < FAILURE_THRESHOLD - 1; i++) {
      const answer = await post(garbage);
      expect(answer).toMatchObject({ status: 200, disposition: 'processed/error: decryption-failed' });
      expect(answer.ms).toBeLessThan(THROTTLED_SPACING_MS);
    }
    // From the threshold on, failure answers come one per THROTTLED_SPACING_MS; a good message meanwhile
    // is answered at once.
    const started = Date.now();
    const failures = Array.from({ length: 3 }, () => post(garbage));
    const good = await post(await message(newer, true));
    expect(good.disposition).toBe('processed');
    expect(good.ms).toBeLessThan(THROTTLED_SPACING_MS);
    const paced = await Promise.all(failures);
    expect(paced.every((a) => a.disposition === 'processed/error: decryption-failed')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * THROTTLED_SPACING_MS - 100);

    // More failures at once than the queue holds: those beyond it get 503 with Retry-After (the
    // receive path stores messages of one partner one at a time, so they reach the queue staggered).
    const burst = await Promise.all(Array.from({ length: THROTTLED_QUEUE + 3 }, () => post(garbage)));
    const overflow = burst.filter((a) => a.status === 503);
    expect(overflow.length).toBeGreaterThanOrEqual(1);
    expect(overflow[0]!.body.toString()).toContain('as2.throttled');
    expect(burst.filter((a) => a.disposition === 'processed/error: decryption-failed').length).toBe(
      burst.length - overflow.length,
    );
    console.log(
      `paced failure answers (ms): ${paced.map((a) => a.ms).join(', ')}; good message: ${good.ms} ms; ` +
        `burst of ${burst.length}: ${overflow.length} answered 503`,
    );
  }, 60_000);
});
