import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAILURE_THRESHOLD } from './as2-failure-alerts.service.js';

/** Between two failure answers of one partnership, once its failures piled up (per process). */
export const THROTTLED_SPACING_MS = 1_000;
/** Failure answers of one partnership waiting their turn; more are answered 503 at once. */
export const THROTTLED_QUEUE = 8;

export type ThrottleVerdict = 'answer' | 'overflow';

/**
 * Paces the **failure** answers of a partnership that allows PKCS#1 v1.5 key transport once its
 * counted failures (`as2_security_failure`, shared by every process) reach FAILURE_THRESHOLD within
 * the window: one failure answer per THROTTLED_SPACING_MS per process, at most THROTTLED_QUEUE
 * waiting, the rest answered 503 with Retry-After. A Bleichenbacher-style attack needs a great many
 * answers; pacing them bounds how fast an oracle, if the implicit rejection ever leaked one, could be
 * queried. Good messages never wait here: a message is paced only after it failed, so a stranger
 * flooding garbage in a partner's name slows its own answers, never the partner's good messages
 * (issue #14). A 503 carries nothing an MDN would not: every failure looks the same (implicit
 * rejection), and it is given only to messages that failed.
 */
@Injectable()
export class As2FailureThrottle {
  private readonly lanes = new Map<string, { nextAt: number; waiting: number }>();
  /** Settable for tests; production uses the constants above. */
  spacingMs = THROTTLED_SPACING_MS;
  queue = THROTTLED_QUEUE;

  /** Waits for this failure answer's turn; 'overflow' means answer 503 now. */
  async pace(
    partnerId: string,
    failuresInWindow: number,
    now: () => number = Date.now,
  ): Promise<ThrottleVerdict> {
    if (failuresInWindow < FAILURE_THRESHOLD) return 'answer';
    const lane = this.lanes.get(partnerId) ?? { nextAt: 0, waiting: 0 };
    this.lanes.set(partnerId, lane);
    if (lane.waiting >= this.queue) return 'overflow';
    const at = Math.max(now(), lane.nextAt);
    lane.nextAt = at + this.spacingMs;
    lane.waiting++;
    try {
      await sleep(Math.max(0, at - now()));
    } finally {
      lane.waiting--;
    }
    return 'answer';
  }
}
