import { Injectable } from '@nestjs/common';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { As2Partnerships } from '../../transports/as2/as2-partnerships.service.js';
import {
  HEALTH_THRESHOLDS,
  partnerHealth,
  type PartnerHealth,
  type SftpRenamesRefused,
} from './partner-health.js';
import {
  acknowledgmentOutcomes,
  type AcknowledgmentEventRow,
  lastMonths,
  periodStart,
  ratio,
  scorecard,
  type Scorecard,
} from './scorecard.js';
import { ScorecardRepository } from './scorecard.repository.js';

/** The SLA the scorecard judges against for a partner whose profile names none (docs/scorecards.md). */
export const DEFAULT_ACK_SLA_HOURS = 48;
const DAY_MS = 86_400_000;

export interface PartnerScorecard {
  readonly partnerId: string;
  readonly name: string;
  readonly slaHours: number;
  readonly card: Scorecard;
}

/** Scorecards and health for the portal pages: rows from the repository, figures from the pure modules. */
@Injectable()
export class PartnerScorecardsService {
  constructor(
    private readonly repository: ScorecardRepository,
    private readonly partners: PartnerRegistry,
    private readonly as2: As2Partnerships,
  ) {}

  private slaHours(partnerId: string): number {
    return this.partners.get(partnerId)?.acknowledgments.businessSlaHours ?? DEFAULT_ACK_SLA_HOURS;
  }

  /** One partner's scorecard over the last `monthCount` months (the current month included). */
  async scorecard(partnerId: string, monthCount: number, now = new Date()): Promise<PartnerScorecard> {
    const months = lastMonths(now, monthCount);
    const from = periodStart(months);
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const [log, shipNoticeLines, receipts, deliveryLines] = await Promise.all([
      this.repository.acknowledgmentLog([partnerId], from),
      this.repository.shipNoticeLines(partnerId, from),
      this.repository.receipts(partnerId, from),
      this.repository.deliveryLines(partnerId, from, to),
    ]);
    const slaHours = this.slaHours(partnerId);
    return {
      partnerId,
      name: this.partners.get(partnerId)?.name ?? partnerId,
      slaHours,
      card: scorecard({
        acknowledgments: log.map((r) => r.event),
        shipNoticeLines,
        receipts,
        deliveryLines,
        slaHours,
        months,
        now,
      }),
    };
  }

  /** A refusal recorded for the server the partner's profile still polls; none for another one. */
  private stillPolled(partnerId: string, refused: SftpRenamesRefused | null): SftpRenamesRefused | null {
    const sftp = this.partners.get(partnerId)?.channels.sftp;
    const poll = sftp?.enabled ? sftp.poll : undefined;
    return refused && poll && refused.server === `${poll.host}:${poll.port}` ? refused : null;
  }

  /** Health of the given partners (every partner by default), unsorted. */
  async health(partnerIds?: readonly string[], now = new Date()): Promise<PartnerHealth[]> {
    const ids = partnerIds ?? this.partners.all().map((p) => p.id);
    const windowFrom = new Date(now.getTime() - HEALTH_THRESHOLDS.timelinessWindowDays * DAY_MS);
    const errorsFrom = new Date(now.getTime() - HEALTH_THRESHOLDS.channelErrorWindowDays * DAY_MS);
    const [counts, log] = await Promise.all([
      this.repository.healthCounts(ids, now, windowFrom, errorsFrom),
      this.repository.acknowledgmentLog(ids, windowFrom),
    ]);
    const misses =
      ids.length === 1 ? await this.repository.functionalAckMisses(ids[0]!, now, windowFrom) : [];
    const logOf = new Map<string, AcknowledgmentEventRow[]>();
    for (const row of log) {
      const events = logOf.get(row.partnerId) ?? [];
      events.push(row.event);
      logOf.set(row.partnerId, events);
    }
    return ids.map((id) => {
      const c = counts.get(id)!;
      const judged = acknowledgmentOutcomes(logOf.get(id) ?? [], this.slaHours(id), now).filter(
        (o) => o.onTime !== null && Date.parse(o.sentAt) >= windowFrom.getTime(),
      );
      return partnerHealth(
        {
          partnerId: id,
          name: this.partners.get(id)?.name ?? id,
          lastInboundAt: c.lastInboundAt,
          lastOutboundAt: c.lastOutboundAt,
          functionalAcks: { ...c.functionalAcks, misses },
          acknowledgments: ratio(judged.filter((o) => o.onTime).length, judged.length),
          openExceptions: c.openExceptions,
          certificates: (this.as2.forPartner(id)?.certificates ?? []).map((cert) => ({
            subject: cert.subject.split('\n').filter(Boolean).join(', '),
            notAfter: new Date(cert.validTo).toISOString(),
          })),
          channelErrors: c.channelErrors,
          sftpRenamesRefused: this.stillPolled(id, c.sftpRenamesRefused),
        },
        now,
      );
    });
  }
}
