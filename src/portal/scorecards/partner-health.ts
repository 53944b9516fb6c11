import { EXPIRY_WARNING_DAYS } from '../../transports/as2/as2-certificate-expiry.js';
import type { Ratio } from './scorecard.js';

/**
 * A partner's health at a glance for buyers (docs/scorecards.md): the facts the repository loads and
 * the rules that turn them into ok / attention / failing with the reasons. Pure, so each rule is
 * unit-tested; the thresholds are here, in one place.
 */

export const HEALTH_THRESHOLDS = {
  /** Days looked back for 997/CONTRL and acknowledgment timeliness. */
  timelinessWindowDays: 30,
  /** Days looked back for channel errors. */
  channelErrorWindowDays: 7,
  /** Functional acknowledgments on time below this share: attention; below failingPercent: failing. */
  functionalAck: { attentionPercent: 95, failingPercent: 80 },
  /** Business acknowledgments (855/ORDRSP) within the SLA below this share: attention / failing. */
  acknowledgment: { attentionPercent: 90, failingPercent: 70 },
  /** Channel errors in the window: from this many attention, from failingCount failing. */
  channelErrors: { attentionCount: 1, failingCount: 10 },
  /** Open exceptions: from this many attention. */
  openExceptions: { attentionCount: 5 },
  /** A certificate within this many days of its notAfter: attention (expired: failing). */
  certificateWarningDays: EXPIRY_WARNING_DAYS,
} as const;

export type HealthStatus = 'ok' | 'attention' | 'failing';

/** An outbound document that expected a 997 / CONTRL and did not get it in time. */
export interface FunctionalAckMiss {
  readonly documentId: string;
  readonly messageType: string;
  readonly poNumber: string | null;
  readonly dueAt: string;
  /** When the functional acknowledgment arrived; null: it has not. */
  readonly answeredAt: string | null;
}

export interface CertificateFact {
  readonly subject: string;
  readonly notAfter: string;
}

export interface HealthFacts {
  readonly partnerId: string;
  readonly name: string;
  readonly lastInboundAt: string | null;
  readonly lastOutboundAt: string | null;
  /**
   * Outbound documents whose functional acknowledgment fell due in the window: on time (arrived by
   * its due time), late (arrived after), missing (not arrived); `misses` lists some late and missing.
   */
  readonly functionalAcks: {
    readonly due: number;
    readonly onTime: number;
    readonly late: number;
    readonly missing: number;
    readonly misses: readonly FunctionalAckMiss[];
  };
  /** Acknowledgment requests judged in the window (scorecard definition). */
  readonly acknowledgments: Ratio;
  readonly openExceptions: number;
  /** Every certificate pinned for the partner; the soonest to expire is reported. */
  readonly certificates: readonly CertificateFact[];
  readonly channelErrors: {
    readonly rejectedInbound: number;
    readonly failedDeliveries: number;
    readonly as2SecurityFailures: number;
  };
  /** The partner's SFTP server (polled) refuses the renames that claim files, since when. */
  readonly sftpRenamesRefused: SftpRenamesRefused | null;
}

export interface SftpRenamesRefused {
  /** `host:port` */
  readonly server: string;
  readonly since: string;
}

export interface HealthReason {
  readonly level: Exclude<HealthStatus, 'ok'>;
  readonly text: string;
}

export interface PartnerHealth {
  readonly partnerId: string;
  readonly name: string;
  readonly status: HealthStatus;
  readonly reasons: readonly HealthReason[];
  readonly lastInboundAt: string | null;
  readonly lastOutboundAt: string | null;
  readonly functionalAcks: Ratio & {
    readonly late: number;
    readonly missing: number;
    readonly misses: readonly FunctionalAckMiss[];
  };
  readonly acknowledgments: Ratio;
  readonly openExceptions: number;
  readonly certificate:
    (CertificateFact & { readonly daysLeft: number; readonly level: 'ok' | 'warning' | 'expired' }) | null;
  readonly channelErrors: HealthFacts['channelErrors'] & { readonly total: number };
  readonly sftpRenamesRefused: SftpRenamesRefused | null;
}

const DAY_MS = 86_400_000;
const RANK: Record<HealthStatus, number> = { ok: 0, attention: 1, failing: 2 };

function percentOf(hits: number, total: number): number | null {
  return total === 0 ? null : Math.round((hits * 1000) / total) / 10;
}

/** Status and reasons; the worst reason decides the status. */
export function partnerHealth(facts: HealthFacts, now: Date): PartnerHealth {
  const t = HEALTH_THRESHOLDS;
  const reasons: HealthReason[] = [];

  const soonest = [...facts.certificates].sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter))[0];
  let certificate: PartnerHealth['certificate'] = null;
  if (soonest) {
    const remainingMs = Date.parse(soonest.notAfter) - now.getTime();
    const daysLeft = Math.floor(remainingMs / DAY_MS);
    const level =
      remainingMs < 0 ? 'expired' : remainingMs <= t.certificateWarningDays * DAY_MS ? 'warning' : 'ok';
    certificate = { ...soonest, daysLeft, level };
    if (level === 'expired')
      reasons.push({ level: 'failing', text: `AS2 certificate expired on ${soonest.notAfter.slice(0, 10)}` });
    else if (level === 'warning')
      reasons.push({
        level: 'attention',
        text: `AS2 certificate expires in ${daysLeft} day(s), on ${soonest.notAfter.slice(0, 10)}`,
      });
  }

  const fa = facts.functionalAcks;
  const faPercent = percentOf(fa.onTime, fa.due);
  const { late, missing } = fa;
  if (faPercent !== null && faPercent < t.functionalAck.attentionPercent)
    reasons.push({
      level: faPercent < t.functionalAck.failingPercent ? 'failing' : 'attention',
      text: `997/CONTRL on time ${faPercent} % (${fa.onTime} of ${fa.due}; ${late} late, ${missing} missing)`,
    });

  const ack = facts.acknowledgments;
  if (ack.percent !== null && ack.percent < t.acknowledgment.attentionPercent)
    reasons.push({
      level: ack.percent < t.acknowledgment.failingPercent ? 'failing' : 'attention',
      text: `acknowledgments within SLA ${ack.percent} % (${ack.hits} of ${ack.total})`,
    });

  const errors = facts.channelErrors;
  const total = errors.rejectedInbound + errors.failedDeliveries + errors.as2SecurityFailures;
  if (total >= t.channelErrors.attentionCount)
    reasons.push({
      level: total >= t.channelErrors.failingCount ? 'failing' : 'attention',
      text: `${total} channel error(s) in ${t.channelErrorWindowDays} days (${errors.rejectedInbound} rejected inbound, ${errors.failedDeliveries} failed deliveries, ${errors.as2SecurityFailures} AS2 security failures)`,
    });

  // Files are then read in place: one the partner replaces while it is read can be taken unread.
  const refused = facts.sftpRenamesRefused;
  if (refused)
    reasons.push({
      level: 'attention',
      text: `SFTP server ${refused.server} refuses renames since ${refused.since.slice(0, 10)}: files are read in place, not claimed first`,
    });

  if (facts.openExceptions >= t.openExceptions.attentionCount)
    reasons.push({ level: 'attention', text: `${facts.openExceptions} open exceptions` });

  const status = reasons.reduce<HealthStatus>(
    (worst, r) => (RANK[r.level] > RANK[worst] ? r.level : worst),
    'ok',
  );
  return {
    partnerId: facts.partnerId,
    name: facts.name,
    status,
    reasons: [...reasons].sort((a, b) => RANK[b.level] - RANK[a.level]),
    lastInboundAt: facts.lastInboundAt,
    lastOutboundAt: facts.lastOutboundAt,
    functionalAcks: { hits: fa.onTime, total: fa.due, percent: faPercent, late, missing, misses: fa.misses },
    acknowledgments: ack,
    openExceptions: facts.openExceptions,
    certificate,
    channelErrors: { ...errors, total },
    sftpRenamesRefused: refused,
  };
}

export const HEALTH_SORTS = ['status', 'name'] as const;

/** Worst first (then by name), or by name. */
export function sortHealth(
  list: readonly PartnerHealth[],
  by: (typeof HEALTH_SORTS)[number],
): PartnerHealth[] {
  const byName = (a: PartnerHealth, b: PartnerHealth) =>
    a.name.localeCompare(b.name) || a.partnerId.localeCompare(b.partnerId);
  return [...list].sort(by === 'status' ? (a, b) => RANK[b.status] - RANK[a.status] || byName(a, b) : byName);
}
