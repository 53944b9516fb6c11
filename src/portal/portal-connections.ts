import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { GatewayConfig } from '../config/config.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';

const DAY_MS = 24 * 3600_000;

export interface CertificateView {
  readonly whose: 'yours' | 'ours';
  readonly subject: string;
  readonly fingerprint: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly state: 'active' | 'expiring' | 'expired';
}

export interface ConnectionDetails {
  readonly rateLimit: {
    readonly partner: { readonly requestsPerSecond: number; readonly burst: number };
    readonly perCredential: { readonly requestsPerSecond: number; readonly burst: number };
    readonly fromProfile: boolean;
  };
  readonly apiBaseUrl: string;
  readonly sftp: {
    readonly mailbox: {
      readonly host: string;
      readonly port: number;
      readonly username: string;
      readonly auth: string;
    } | null;
    readonly poll: {
      readonly host: string;
      readonly port: number;
      readonly username: string;
      readonly inboundDir: string;
      readonly uploadDir: string | null;
      readonly everySeconds: number;
    } | null;
  } | null;
  readonly as2: {
    readonly ourId: string;
    readonly ourUrl: string;
    readonly yourIds: readonly string[];
    readonly yourUrl: string | null;
    readonly signing: string;
    readonly encryption: string;
    readonly mdn: string;
    readonly certificates: readonly CertificateView[];
  } | null;
}

/**
 * What a supplier needs to connect: the API's rate limits, the hosted SFTP mailbox or the server we
 * poll, and the AS2 partnership with both sides' certificates and when they expire. Read from the
 * partner's profile and the configuration only; secrets (passwords, keys) are never shown.
 */
export function connectionDetails(
  profile: PartnerProfile,
  config: GatewayConfig,
  /** Our AS2 certificates as the AS2 transport loaded them (PEM or PKCS#12, a rollover pair). */
  ours: readonly X509Certificate[],
  now = new Date(),
): ConnectionDetails {
  const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const host = new URL(base).hostname;
  const configured = profile.channels.api?.rateLimit;
  const partner = {
    requestsPerSecond: configured?.requestsPerSecond ?? config.RATE_LIMIT_REQUESTS_PER_SECOND,
    burst: configured?.burst ?? config.RATE_LIMIT_BURST,
  };
  const sftp = profile.channels.sftp?.enabled ? profile.channels.sftp : undefined;
  const mailbox = sftp?.mailbox?.enabled ? sftp.mailbox : undefined;
  const poll = sftp?.poll;
  const as2 = profile.channels.as2?.enabled ? profile.channels.as2 : undefined;
  return {
    rateLimit: {
      partner,
      perCredential: configured?.perCredential
        ? {
            requestsPerSecond: configured.perCredential.requestsPerSecond,
            burst: configured.perCredential.burst,
          }
        : partner,
      fromProfile: configured !== undefined,
    },
    apiBaseUrl: `${base}/partner/v1`,
    sftp: sftp
      ? {
          mailbox: mailbox
            ? {
                host: config.SFTP_HOST && config.SFTP_HOST !== '0.0.0.0' ? config.SFTP_HOST : host,
                port: config.SFTP_PORT,
                username: mailbox.username,
                auth: [
                  mailbox.passwordHash ? 'password' : null,
                  mailbox.authorizedKeys.length > 0 ? `${mailbox.authorizedKeys.length} SSH key(s)` : null,
                ]
                  .filter(Boolean)
                  .join(' or '),
              }
            : null,
          poll: poll
            ? {
                host: poll.host,
                port: poll.port,
                username: poll.username,
                inboundDir: poll.inboundDir,
                uploadDir: poll.uploadDir ?? null,
                everySeconds: poll.everySeconds,
              }
            : null,
        }
      : null,
    as2: as2
      ? {
          ourId: config.AS2_ID,
          ourUrl: `${base}/as2`,
          yourIds: profile.identities.as2.map((id) => String(id)),
          yourUrl: as2.url ?? null,
          signing: as2.sendSigning,
          encryption: as2.sendEncryption,
          mdn: `${as2.sendMdn}${as2.requestSignedMdn ? ', signed' : ''}`,
          certificates: [
            ...as2.certificates.flatMap((file) =>
              certificate('yours', isAbsolute(file) ? file : resolve(config.PARTNERS_DIR, file), now),
            ),
            ...ours.map((cert) => view('ours', cert, now)),
          ],
        }
      : null,
  };
}

function certificate(whose: 'yours' | 'ours', path: string, now: Date): CertificateView[] {
  if (!existsSync(path)) return [];
  try {
    return [view(whose, new X509Certificate(readFileSync(path)), now)];
  } catch {
    return [];
  }
}

function view(whose: 'yours' | 'ours', cert: X509Certificate, now: Date): CertificateView {
  const notAfter = new Date(cert.validTo);
  const left = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  return {
    whose,
    subject: cert.subject.split('\n').filter(Boolean).join(', '),
    fingerprint: cert.fingerprint256,
    notAfter: notAfter.toISOString(),
    daysLeft: Math.max(0, left),
    state: notAfter < now ? 'expired' : left <= 30 ? 'expiring' : 'active',
  };
}
