import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';
import type {
  DigestRow,
  NotificationChannel,
  NotificationReason,
  NotificationRow,
} from './notification.types.js';

export interface NewNotification {
  readonly caseId: string;
  readonly eventId: string;
  readonly reason: NotificationReason;
  readonly channel: NotificationChannel;
  readonly recipient: string;
  readonly recipientUserId: string | null;
  readonly messageId: string;
}

export interface DigestItem {
  readonly caseId: string;
  readonly eventId: string;
  readonly reason: NotificationReason;
}

const COLUMNS = `id::text AS id, case_id::text AS "caseId", event_id::text AS "eventId", reason, channel, recipient,
  status, message_id AS "messageId", ${isoTimestamp('hold_until')} AS "holdUntil"`;

const DIGEST_COLUMNS = `id::text AS id, channel, recipient, recipient_user_id::text AS "recipientUserId", status,
  message_id AS "messageId"`;

/** SQL for notifications, their per-recipient windows and digests. */
@Injectable()
export class NotificationRepository {
  /**
   * Decides, once per notification, whether it goes out alone or waits for its recipient's digest.
   * The recipient's window row is locked first, so decisions for one recipient happen one at a
   * time across workers, and a second delivery of the same job finds the first one's decision.
   */
  async decide(
    tx: EntityManager,
    n: NewNotification,
    limits: { readonly digestAfter: number; readonly windowMs: number },
  ): Promise<NotificationRow> {
    const [window] = await queryRows<{ sent: number; ends_at: string }>(
      tx,
      `INSERT INTO notification_window AS w (channel, recipient, started_at, ends_at, sent)
       VALUES ($1, $2, now(), now() + make_interval(secs => $3::double precision / 1000), 0)
       ON CONFLICT ON CONSTRAINT pk_notification_window DO UPDATE
          SET started_at = CASE WHEN w.ends_at <= now() THEN now() ELSE w.started_at END,
              ends_at = CASE WHEN w.ends_at <= now()
                             THEN now() + make_interval(secs => $3::double precision / 1000) ELSE w.ends_at END,
              sent = CASE WHEN w.ends_at <= now() THEN 0 ELSE w.sent END
       RETURNING sent, ends_at`,
      [n.channel, n.recipient, limits.windowMs],
    );
    const existing = await this.find(tx, n.eventId, n.channel);
    if (existing) return existing;
    const alone = window!.sent < limits.digestAfter;
    if (alone) {
      await tx.query(`UPDATE notification_window SET sent = sent + 1 WHERE channel = $1 AND recipient = $2`, [
        n.channel,
        n.recipient,
      ]);
    }
    const [row] = await queryRows<NotificationRow>(
      tx,
      `INSERT INTO notification (case_id, event_id, reason, channel, recipient, recipient_user_id, status,
                                 message_id, hold_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${COLUMNS}`,
      [
        n.caseId,
        n.eventId,
        n.reason,
        n.channel,
        n.recipient,
        n.recipientUserId,
        alone ? 'sending' : 'held',
        n.messageId,
        alone ? null : window!.ends_at,
      ],
    );
    return row!;
  }

  /** Records a notification that has no one to go to (the owner left), so it is not tried again. */
  async skip(tx: EntityManager, n: NewNotification, why: string): Promise<NotificationRow> {
    await tx.query(
      `INSERT INTO notification (case_id, event_id, reason, channel, recipient, recipient_user_id, status,
                                 message_id, skip_reason)
       VALUES ($1, $2, $3, $4, $5, $6, 'skipped', $7, $8)
       ON CONFLICT ON CONSTRAINT uq_notification_event_channel DO NOTHING`,
      [n.caseId, n.eventId, n.reason, n.channel, n.recipient, n.recipientUserId, n.messageId, why],
    );
    return (await this.find(tx, n.eventId, n.channel))!;
  }

  async find(
    db: Queryable,
    eventId: string,
    channel: NotificationChannel,
  ): Promise<NotificationRow | undefined> {
    const [row] = await queryRows<NotificationRow>(
      db,
      `SELECT ${COLUMNS} FROM notification WHERE event_id = $1 AND channel = $2`,
      [eventId, channel],
    );
    return row;
  }

  async markSent(db: Queryable, id: string): Promise<void> {
    await db.query(
      `UPDATE notification SET status = 'sent', sent_at = now() WHERE id = $1 AND status = 'sending'`,
      [id],
    );
  }

  /** Recipients with held notifications whose window has ended, oldest first. */
  async dueRecipients(
    db: Queryable,
    limit: number,
  ): Promise<{ channel: NotificationChannel; recipient: string }[]> {
    return queryRows(
      db,
      `SELECT channel, recipient FROM notification
        WHERE status = 'held' AND hold_until <= now()
        GROUP BY channel, recipient ORDER BY min(hold_until) LIMIT $1`,
      [limit],
    );
  }

  /**
   * Moves one recipient's due held notifications into a new digest, in the caller's transaction.
   * Rows another sweep is taking are skipped; undefined when nothing was left to take.
   */
  async createDigest(
    tx: EntityManager,
    channel: NotificationChannel,
    recipient: string,
    messageId: string,
  ): Promise<{ digest: DigestRow; items: number } | undefined> {
    const held = await queryRows<{ id: string; recipient_user_id: string | null }>(
      tx,
      `SELECT id::text AS id, recipient_user_id::text AS recipient_user_id FROM notification
        WHERE status = 'held' AND hold_until <= now() AND channel = $1 AND recipient = $2
        ORDER BY notification.id FOR UPDATE SKIP LOCKED`,
      [channel, recipient],
    );
    if (held.length === 0) return undefined;
    const userId = held.find((h) => h.recipient_user_id !== null)?.recipient_user_id ?? null;
    const [digest] = await queryRows<DigestRow>(
      tx,
      `INSERT INTO notification_digest (channel, recipient, recipient_user_id, message_id)
       VALUES ($1, $2, $3, $4) RETURNING ${DIGEST_COLUMNS}`,
      [channel, recipient, userId, messageId],
    );
    await tx.query(
      `UPDATE notification SET status = 'digested', digest_id = $1 WHERE id = ANY($2::bigint[])`,
      [digest!.id, held.map((h) => h.id)],
    );
    return { digest: digest!, items: held.length };
  }

  async digest(db: Queryable, id: string): Promise<DigestRow | undefined> {
    const [row] = await queryRows<DigestRow>(
      db,
      `SELECT ${DIGEST_COLUMNS} FROM notification_digest WHERE id = $1`,
      [id],
    );
    return row;
  }

  async digestItems(db: Queryable, digestId: string): Promise<DigestItem[]> {
    return queryRows<DigestItem>(
      db,
      `SELECT case_id::text AS "caseId", event_id::text AS "eventId", reason
         FROM notification WHERE digest_id = $1 ORDER BY id`,
      [digestId],
    );
  }

  async markDigestSent(db: Queryable, id: string): Promise<void> {
    await db.query(
      `UPDATE notification_digest SET status = 'sent', sent_at = now() WHERE id = $1 AND status = 'sending'`,
      [id],
    );
  }
}
