import type { X509Certificate } from 'node:crypto';

/** How long before a certificate's notAfter the gateway starts warning (issue #14: 30 days). */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 3600_000;

/** One AS2 certificate the gateway relies on: a partner's pinned certificate, or our own (partnerId null). */
export interface WatchedCertificate {
  readonly partnerId: string | null;
  /** Where it came from, for the case text: the file, or `our AS2 certificate`. */
  readonly source: string;
  readonly certificate: X509Certificate;
}

export interface CertificateFinding {
  readonly type: 'as2.certificate-expiring' | 'as2.certificate-expired';
  readonly partnerId: string | null;
  readonly subject: string;
  /** SHA-256 fingerprint, colon-separated hex as X509Certificate gives it. */
  readonly fingerprint: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly source: string;
}

/**
 * What the sweep must raise for a certificate at `now`: nothing while it is valid for more than
 * EXPIRY_WARNING_DAYS, `as2.certificate-expiring` within them, `as2.certificate-expired` from its
 * notAfter on (RFC 5280 §4.1.2.5: notAfter is the last instant it is valid).
 */
export function certificateFinding(watched: WatchedCertificate, now: Date): CertificateFinding | undefined {
  const notAfter = new Date(watched.certificate.validTo);
  if (Number.isNaN(notAfter.getTime())) throw new Error(`unreadable notAfter ${watched.certificate.validTo}`);
  const remainingMs = notAfter.getTime() - now.getTime();
  if (remainingMs > EXPIRY_WARNING_DAYS * DAY_MS) return undefined;
  return {
    type: remainingMs < 0 ? 'as2.certificate-expired' : 'as2.certificate-expiring',
    partnerId: watched.partnerId,
    subject: oneLine(watched.certificate.subject),
    fingerprint: watched.certificate.fingerprint256,
    notAfter: notAfter.toISOString(),
    daysLeft: Math.max(0, Math.floor(remainingMs / DAY_MS)),
    source: watched.source,
  };
}

/** X509Certificate gives the subject one attribute per line. */
function oneLine(subject: string): string {
  return subject.split('\n').filter(Boolean).join(', ');
}
