import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { As2CertificateSweep } from '../../src/transports/as2/as2-certificate-sweep.service.js';
import {
  As2FailureAlerts,
  FAILURE_THRESHOLD,
  FAILURE_WINDOW_MS,
} from '../../src/transports/as2/as2-failure-alerts.service.js';
import type { As2Request } from '../../src/transports/as2/protocol/index.js';
import {
  ediEntity,
  OpensslWorkbench,
  type TestIdentity,
} from '../../src/transports/as2/protocol/testing/openssl.test-helper.js';
import { simulatorGatewayEnv } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

// AS2 certificates (issue #14): expiry warnings from a leased sweep over certificates `openssl` made
// with chosen validity, and decryption / authentication failure alerts that never block the partner.

const OUR_AS2 = 'SUPPLIERGW-CERTS';
const PARTNER_AS2 = 'ACME-AS2';
const DAY = 86_400_000;

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

interface CaseRow {
  type: string;
  dedupe_key: string;
  partner_id: string | null;
  summary: string;
  differences: { certificate?: { actual: { subject: string; fingerprint: string; notAfter: string } } };
}

describe('AS2 certificates', () => {
  let wb: OpensslWorkbench;
  let acme: TestIdentity; // 10 days left: warned about now
  let acmeNext: TestIdentity; // the rollover certificate, 400 days: quiet
  let stranger: TestIdentity;
  let ours: TestIdentity; // 1 day: expiring now, expired tomorrow
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let base: URL;

  const cases = (type: string) =>
    queryOnce<CaseRow>(
      db.url,
      `SELECT type, dedupe_key, partner_id, summary, differences FROM exception_case WHERE type = $1 ORDER BY dedupe_key`,
      [type],
    );
  const fingerprint = (identity: TestIdentity) =>
    new X509Certificate(readFileSync(identity.certPath)).fingerprint256;
  const notAfter = (identity: TestIdentity) =>
    new Date(new X509Certificate(readFileSync(identity.certPath)).validTo);

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
  const encryptTo = (recipient: TestIdentity) => [
    '-encrypt',
    '-binary',
    '-aes-256-cbc',
    '-recip',
    recipient.certPath,
    '-keyopt',
    'rsa_padding_mode:oaep',
  ];
  const entityOf = (request: As2Request) =>
    Buffer.concat([
      Buffer.from(`Content-Type: ${String(request.headers['content-type'])}\r\n\r\n`, 'latin1'),
      request.body,
    ]);
  async function message(signer: TestIdentity, recipient: TestIdentity, control: string) {
    const signed = await wb.cms(sign(signer), ediEntity(x12(control)));
    return wb.cms(encryptTo(recipient), entityOf(signed));
  }

  /** Posts a message with a fresh Message-ID; returns the MDN's disposition line. */
  function post(request: As2Request, as2From = PARTNER_AS2): Promise<string> {
    const headers = {
      'content-type': String(request.headers['content-type']),
      'mime-version': '1.0',
      'message-id': `<${randomUUID()}@acme>`,
      'as2-version': '1.2',
      'as2-from': as2From,
      'as2-to': OUR_AS2,
      'disposition-notification-to': 'mailto:as2@acme.example',
      'content-length': String(request.body.length),
    };
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL('/as2', base), { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('latin1');
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          resolve(/Disposition: ([^\r\n]+)/.exec(text)?.[1] ?? `no disposition in ${text}`);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(request.body);
    });
  }

  beforeAll(async () => {
    wb = await OpensslWorkbench.create();
    [acme, acmeNext, stranger, ours] = await Promise.all([
      wb.identity('acme', { days: 10, subject: '/O=Acme Fasteners/CN=ACME-AS2' }),
      wb.identity('acme-next', { days: 400, subject: '/O=Acme Fasteners/CN=ACME-AS2 2027' }),
      wb.identity('stranger'),
      wb.identity('gateway', { days: 1, subject: `/CN=${OUR_AS2}` }),
    ]);
    const partnersDir = mkdtempSync(join(tmpdir(), 'sg-as2-certs-'));
    const as2 = { enabled: true, certificates: [acme.certPath, acmeNext.certPath] };
    const profile = readFileSync(new URL('../../partners/acme-fasteners.yaml', import.meta.url), 'utf8')
      .replace('  as2: []', `  as2: [${PARTNER_AS2}]`)
      .replace('  sftp: { enabled: true }', `  sftp: { enabled: true }\n  as2: ${JSON.stringify(as2)}`);
    expect(profile).toContain(acmeNext.certPath);
    writeFileSync(join(partnersDir, 'acme-fasteners.yaml'), profile);

    db = await createTestDatabase('as2_certificates');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
      LOG_LEVEL: 'error',
      PARTNERS_DIR: partnersDir,
      AS2_ID: OUR_AS2,
      AS2_KEY_FILE: ours.keyPath,
      AS2_CERT_FILE: ours.certPath,
    });
    base = new URL(`http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    await wb?.dispose();
  });

  it('warns 30 days ahead about a partner certificate and ours, once each, with what identifies them', async () => {
    // The daily sweep started with the gateway: it holds (or held) its lease.
    await expect
      .poll(
        async () =>
          (await queryOnce(db.url, `SELECT 1 FROM lease WHERE name = 'as2-certificate-expiry'`)).length,
        { timeout: 10_000 },
      )
      .toBe(1);
    const sweep = gateway.app.get(As2CertificateSweep);
    const now = new Date();
    const findings = await sweep.sweep(now);
    expect(findings.map((f) => [f.type, f.partnerId, f.fingerprint]).sort()).toEqual(
      [
        ['as2.certificate-expiring', 'acme-fasteners', fingerprint(acme)],
        ['as2.certificate-expiring', null, fingerprint(ours)],
      ].sort(),
    );
    await sweep.sweep(new Date(now.getTime() + 60_000)); // the next day's pass: no second case

    const expiring = await cases('as2.certificate-expiring');
    expect(expiring).toHaveLength(2);
    const partnerCase = expiring.find((c) => c.partner_id === 'acme-fasteners')!;
    expect(partnerCase.dedupe_key).toBe(`acme-fasteners:${fingerprint(acme)}`);
    expect(partnerCase.differences.certificate!.actual).toEqual({
      subject: 'O=Acme Fasteners, CN=ACME-AS2',
      fingerprint: fingerprint(acme),
      notAfter: notAfter(acme).toISOString(),
    });
    expect(partnerCase.summary).toContain('acme-fasteners');
    expect(partnerCase.summary).toContain(notAfter(acme).toISOString());
    const ourCase = expiring.find((c) => c.partner_id === null)!;
    expect(ourCase.summary).toContain(`our AS2 certificate CN=${OUR_AS2}`);
    // The rollover certificate (400 days) is not mentioned anywhere.
    expect(JSON.stringify(expiring)).not.toContain(fingerprint(acmeNext));
    expect(await cases('as2.certificate-expired')).toHaveLength(0);
  });

  it('reports a certificate once it has expired, as its own case', async () => {
    const sweep = gateway.app.get(As2CertificateSweep);
    // Two days on, our 1-day certificate has expired; acme's still has about 8 days.
    await sweep.sweep(new Date(Date.now() + 2 * DAY));
    let expired = await cases('as2.certificate-expired');
    expect(expired.map((c) => [c.partner_id, c.dedupe_key])).toEqual([
      [null, `gateway:${fingerprint(ours)}`],
    ]);

    // Eleven days on, acme's too; sweeping again adds nothing.
    await sweep.sweep(new Date(Date.now() + 11 * DAY));
    await sweep.sweep(new Date(Date.now() + 12 * DAY));
    expired = await cases('as2.certificate-expired');
    expect(expired.map((c) => c.dedupe_key).sort()).toEqual(
      [`acme-fasteners:${fingerprint(acme)}`, `gateway:${fingerprint(ours)}`].sort(),
    );
    expect(await cases('as2.certificate-expiring')).toHaveLength(2);
    expect(JSON.stringify(expired)).not.toContain(fingerprint(acmeNext));
  });

  it('alerts once when decryption and authentication failures pile up, and keeps accepting good messages', async () => {
    const undecryptable = await message(acme, stranger, '000000901'); // encrypted for someone else
    const forged = await message(stranger, ours, '000000902'); // AS2-From acme, signed by a stranger

    for (let i = 0; i < FAILURE_THRESHOLD - 2; i++)
      expect(await post(undecryptable)).toBe(
        'automatic-action/MDN-sent-automatically; processed/error: decryption-failed',
      );
    expect(await post(forged)).toBe(
      'automatic-action/MDN-sent-automatically; processed/error: authentication-failed',
    );
    // Unknown AS2-From: no partner to count against.
    expect(await post(forged, 'NOBODY-AS2')).toMatch(/authentication-failed/);
    expect(await cases('as2.decryption-failures')).toHaveLength(0);
    // A good message between the failures is processed as usual.
    expect(await post(await message(acme, ours, '000000903'))).toBe(
      'automatic-action/MDN-sent-automatically; processed',
    );

    expect(await post(forged)).toMatch(/authentication-failed/); // the threshold is reached
    let alerts = await cases('as2.decryption-failures');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.partner_id).toBe('acme-fasteners');
    expect(alerts[0]!.dedupe_key).toMatch(/^acme-fasteners:\d{4}-\d\d-\d\dT\d\d$/); // per partner per hour
    expect(alerts[0]!.summary).toContain(`AS2-From ${PARTNER_AS2}`);

    // More failures within the hour: still one case, and the partner's good messages still go through.
    for (let i = 0; i < 3; i++) expect(await post(undecryptable)).toMatch(/decryption-failed/);
    alerts = await cases('as2.decryption-failures');
    expect(alerts).toHaveLength(1);
    expect(await post(await message(acme, ours, '000000904'))).toBe(
      'automatic-action/MDN-sent-automatically; processed',
    );

    const counted = await queryOnce<{ partner_id: string; disposition: string; n: number }>(
      db.url,
      `SELECT partner_id, disposition, count(*)::int AS n FROM as2_security_failure
        GROUP BY partner_id, disposition ORDER BY disposition`,
    );
    expect(counted).toEqual([
      { partner_id: 'acme-fasteners', disposition: 'authentication-failed', n: 2 },
      { partner_id: 'acme-fasteners', disposition: 'decryption-failed', n: FAILURE_THRESHOLD - 2 + 3 },
    ]);
    // Every failed message stays in the archive, rejected with its disposition.
    const [rejected] = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM interchange
        WHERE channel = 'as2' AND status = 'rejected' AND metadata->>'disposition' LIKE '%-failed'`,
    );
    expect(rejected!.n).toBe(FAILURE_THRESHOLD - 2 + 1 + 1 + 1 + 3);
  });

  it('counts in a sliding window: failures older than the window no longer add up', async () => {
    const alerts = gateway.app.get(As2FailureAlerts);
    const later = new Date(Date.now() + FAILURE_WINDOW_MS + 60_000);
    const first = await gateway.app
      .get(DataSource)
      .transaction((tx) =>
        alerts.record(tx, { partnerId: 'acme-fasteners', disposition: 'decryption-failed' }, later),
      );
    expect(first).toEqual({ count: 1, alerted: false });
    // The old rows were pruned: only the window is kept.
    const [kept] = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM as2_security_failure WHERE partner_id = 'acme-fasteners'`,
    );
    expect(kept!.n).toBe(1);
  });
});
