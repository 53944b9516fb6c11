import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { queryRows } from '../../platform/database/sql.js';

/** The dispositions that say "someone cannot decrypt for us or sign as the partner" (RFC 4130 §7.5.3). */
export const COUNTED_DISPOSITIONS = ['decryption-failed', 'authentication-failed'] as const;
export type CountedDisposition = (typeof COUNTED_DISPOSITIONS)[number];

/** At this many counted failures of one partner within the window, the buyer's side is alerted. */
export const FAILURE_THRESHOLD = 5;
export const FAILURE_WINDOW_MS = 60 * 60_000;

export function isCountedDisposition(modifier: string): modifier is CountedDisposition {
  return (COUNTED_DISPOSITIONS as readonly string[]).includes(modifier);
}

/**
 * Counts a partnership's `decryption-failed` / `authentication-failed` answers in a sliding window in
 * PostgreSQL (so every api process sees the same count) and raises one `as2.decryption-failures` per
 * partner per hour once FAILURE_THRESHOLD is reached: a broken certificate rollover, or someone
 * probing the key (a Bleichenbacher oracle needs many tries) or forging the partner's AS2-From.
 *
 * It only alerts: the partner's good messages are never blocked or slowed, since the AS2-From of a
 * failed message is unauthenticated and a stranger could otherwise lock a real partner out.
 */
@Injectable()
export class As2FailureAlerts {
  constructor(private readonly exceptions: ExceptionService) {}

  /** Records one failure in the caller's transaction (the one that archives the rejected message). */
  async record(
    tx: EntityManager,
    failure: {
      readonly partnerId: string;
      readonly disposition: CountedDisposition;
      readonly interchangeId?: string;
      readonly as2From?: string;
    },
    now: Date = new Date(),
  ): Promise<{ readonly count: number; readonly alerted: boolean }> {
    const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
    // Pruned as it goes: only the window is ever needed, and the archive keeps the messages.
    await tx.query(`DELETE FROM as2_security_failure WHERE partner_id = $1 AND occurred_at < $2`, [
      failure.partnerId,
      since.toISOString(),
    ]);
    await tx.query(
      `INSERT INTO as2_security_failure (partner_id, disposition, interchange_id, occurred_at)
       VALUES ($1, $2, $3, $4)`,
      [failure.partnerId, failure.disposition, failure.interchangeId ?? null, now.toISOString()],
    );
    const [counts] = await queryRows<{ total: number; decryption: number; authentication: number }>(
      tx,
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE disposition = 'decryption-failed')::int AS decryption,
              count(*) FILTER (WHERE disposition = 'authentication-failed')::int AS authentication
         FROM as2_security_failure
        WHERE partner_id = $1 AND occurred_at >= $2 AND occurred_at <= $3`,
      [failure.partnerId, since.toISOString(), now.toISOString()],
    );
    const count = counts?.total ?? 0;
    if (count < FAILURE_THRESHOLD) return { count, alerted: false };
    const hour = now.toISOString().slice(0, 13);
    // The text stays the same within the hour, so further failures do not rewrite the case each time.
    await this.exceptions.raise(
      tx,
      {
        type: 'as2.decryption-failures',
        dedupeKey: `${failure.partnerId}:${hour}`,
        summary:
          `${FAILURE_THRESHOLD} or more AS2 messages in the name of ${failure.partnerId}` +
          `${failure.as2From ? ` (AS2-From ${failure.as2From})` : ''} failed decryption or authentication ` +
          `within ${FAILURE_WINDOW_MS / 60_000} minutes (hour ${hour}:00Z); its good messages are still accepted`,
        // No interchange: the case is about the pattern; each message is in the archive as rejected.
        references: { partnerId: failure.partnerId },
        differences: {
          securityFailures: {
            expected: `fewer than ${FAILURE_THRESHOLD} per ${FAILURE_WINDOW_MS / 60_000} minutes`,
            actual: `at least ${FAILURE_THRESHOLD} (decryption-failed and authentication-failed)`,
          },
        },
      },
      GATEWAY_ACTOR,
    );
    return { count, alerted: true };
  }
}
