import { Injectable } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { LeasedSweep } from '../../platform/jobs/leased-sweep.js';
import {
  certificateFinding,
  type CertificateFinding,
  type WatchedCertificate,
} from './as2-certificate-expiry.js';
import { As2Partnerships } from './as2-partnerships.service.js';

const SWEEP_EVERY_MS = 24 * 3600_000;

/**
 * Daily look at every AS2 certificate the gateway relies on: each enabled partner's pinned
 * certificates and our own. One within 30 days of its notAfter raises `as2.certificate-expiring`, an
 * expired one `as2.certificate-expired`, once per certificate (dedupe key: partner and SHA-256
 * fingerprint), so a renewed certificate — a new fingerprint — is a new case. One process sweeps at a
 * time (lease).
 */
@Injectable()
export class As2CertificateSweep extends LeasedSweep {
  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly partnerships: As2Partnerships,
    private readonly exceptions: ExceptionService,
    leases: LeaseService,
    @InjectPinoLogger(As2CertificateSweep.name) private readonly logger: PinoLogger,
  ) {
    super({ name: 'as2-certificate-expiry', everyMs: SWEEP_EVERY_MS }, config, leases, logger);
  }

  protected override wanted(): boolean {
    return this.partners.all().some((partner) => partner.channels.as2?.enabled);
  }

  protected pass(now: Date): Promise<CertificateFinding[]> {
    return this.sweep(now);
  }

  /** Raises a case for every certificate expiring or expired at `now`; returns what it found. */
  async sweep(now: Date): Promise<CertificateFinding[]> {
    const findings = (await this.watched())
      .map((watched) => certificateFinding(watched, now))
      .filter((finding): finding is CertificateFinding => finding !== undefined);
    if (findings.length === 0) return findings;
    await this.dataSource.transaction(async (tx) => {
      for (const finding of findings) {
        const whose = finding.partnerId ? `${finding.partnerId}'s AS2 certificate` : 'our AS2 certificate';
        const when =
          finding.type === 'as2.certificate-expired'
            ? `expired at ${finding.notAfter}`
            : `expires at ${finding.notAfter} (${finding.daysLeft} days)`;
        await this.exceptions.raise(
          tx,
          {
            type: finding.type,
            dedupeKey: `${finding.partnerId ?? 'gateway'}:${finding.fingerprint}`,
            summary: clip(
              `${whose} ${finding.subject} ${when}; SHA-256 ${finding.fingerprint}; ${finding.source}`,
            ),
            references: { partnerId: finding.partnerId },
            differences: {
              certificate: {
                expected: `valid past ${new Date(now.getTime() + 30 * 86_400_000).toISOString()}`,
                actual: {
                  subject: finding.subject,
                  fingerprint: finding.fingerprint,
                  notAfter: finding.notAfter,
                },
              },
            },
          },
          GATEWAY_ACTOR,
        );
      }
    });
    this.logger.info({ findings: findings.length }, 'AS2 certificates expiring or expired');
    return findings;
  }

  /** Every certificate to watch; one that cannot be read is logged and skipped, not fatal to the pass. */
  private async watched(): Promise<WatchedCertificate[]> {
    const watched: WatchedCertificate[] = [];
    for (const partner of this.partners.all()) {
      const settings = partner.channels.as2;
      if (!settings?.enabled) continue;
      for (const file of settings.certificates) {
        const path = isAbsolute(file) ? file : resolve(this.config.PARTNERS_DIR, file);
        try {
          watched.push({
            partnerId: partner.id,
            source: path,
            certificate: new X509Certificate(readFileSync(path)),
          });
        } catch (error) {
          this.logger.warn({ partnerId: partner.id, path, err: error }, 'AS2 certificate unreadable');
        }
      }
    }
    try {
      // Every pair of ours, so the outgoing one of a rollover is watched too.
      for (const ours of await this.partnerships.allKeys())
        watched.push({ partnerId: null, source: 'our AS2 certificate', certificate: ours.certificate });
    } catch (error) {
      // Only the certificate is kept; the key stays where it is and is never logged.
      this.logger.warn({ err: (error as Error).message }, 'our AS2 certificate could not be loaded');
    }
    return watched;
  }
}

function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}
