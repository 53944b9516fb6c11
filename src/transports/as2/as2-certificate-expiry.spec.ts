import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateFinding } from './as2-certificate-expiry.js';

const dir = mkdtempSync(join(tmpdir(), 'as2-expiry-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function certificate(days: number): X509Certificate {
  const cert = join(dir, `c${days}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, `k${days}.pem`),
      '-out',
      cert,
      '-days',
      String(days),
      '-subj',
      '/O=Acme/CN=acme-as2',
    ],
    { stdio: 'ignore' },
  );
  return new X509Certificate(readFileSync(cert));
}

describe('certificateFinding', () => {
  const tenDays = certificate(10);
  const longLived = certificate(400);
  const watched = (c: X509Certificate) => ({ partnerId: 'acme', source: 'acme.crt', certificate: c });

  it('says nothing for a certificate valid beyond 30 days', () => {
    expect(certificateFinding(watched(longLived), new Date())).toBeUndefined();
    // 400 days on: 35 days left, still quiet; 371 days on: 29 left, a warning.
    const notAfter = new Date(longLived.validTo).getTime();
    expect(certificateFinding(watched(longLived), new Date(notAfter - 35 * 86_400_000))).toBeUndefined();
    expect(certificateFinding(watched(longLived), new Date(notAfter - 29 * 86_400_000))?.type).toBe(
      'as2.certificate-expiring',
    );
  });

  it('warns within 30 days with subject, fingerprint and notAfter', () => {
    const finding = certificateFinding(watched(tenDays), new Date());
    expect(finding).toMatchObject({
      type: 'as2.certificate-expiring',
      partnerId: 'acme',
      subject: 'O=Acme, CN=acme-as2',
      fingerprint: tenDays.fingerprint256,
      notAfter: new Date(tenDays.validTo).toISOString(),
    });
    expect(finding!.daysLeft).toBeGreaterThanOrEqual(9);
    expect(finding!.daysLeft).toBeLessThanOrEqual(10);
  });

  it('reports an expired certificate once its notAfter has passed', () => {
    const notAfter = new Date(tenDays.validTo).getTime();
    expect(certificateFinding(watched(tenDays), new Date(notAfter))?.type).toBe('as2.certificate-expiring');
    expect(certificateFinding(watched(tenDays), new Date(notAfter + 1000))).toMatchObject({
      type: 'as2.certificate-expired',
      daysLeft: 0,
    });
  });
});
