import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';

export type As2MdnMode = 'sync' | 'async';
export type As2MdnStatus = 'awaiting' | 'delivered' | 'rejected';

/** One outbound AS2 message (one per document: its Message-ID derives from the document id). */
export interface As2OutboundMessage {
  readonly messageId: string;
  readonly documentId: string;
  readonly partnerId: string;
  readonly outboundInterchangeId: string;
  readonly mdnMode: As2MdnMode;
  /**
   * `base64, sha-256`: what the MDN's Received-content-MIC must be. When our request named no MIC
   * algorithm, followed by ours in the other algorithms the partnership allows, any of which an
   * unsigned MDN may carry (`base64, sha-384; base64, sha-256; …`, `formatMics`).
   */
  readonly mic: string;
  readonly signedRequested: boolean;
  readonly sends: number;
  readonly roundStartedAt: string;
  readonly lastSentAt: string | null;
  readonly nextSendAt: string | null;
  readonly windowClosesAt: string | null;
  readonly mdnStatus: As2MdnStatus;
  readonly mdnDetail: string | null;
  /** The archive row (channel `as2-mdn`) holding the raw MDN that decided the message. */
  readonly mdnInterchangeId: string | null;
  /** The last MDN refused without deciding (unsigned or not verifying: anyone could have sent it). */
  readonly lastRefusal: string | null;
  readonly concludedAt: string | null;
}

const COLUMNS = `message_id AS "messageId", document_id::text AS "documentId", partner_id AS "partnerId",
  outbound_interchange_id::text AS "outboundInterchangeId", mdn_mode AS "mdnMode", mic,
  signed_requested AS "signedRequested", sends, ${isoTimestamp('round_started_at')} AS "roundStartedAt",
  ${isoTimestamp('last_sent_at')} AS "lastSentAt", ${isoTimestamp('next_send_at')} AS "nextSendAt",
  ${isoTimestamp('window_closes_at')} AS "windowClosesAt", mdn_status AS "mdnStatus", mdn_detail AS "mdnDetail",
  mdn_interchange_id::text AS "mdnInterchangeId", last_refusal AS "lastRefusal",
  ${isoTimestamp('concluded_at')} AS "concludedAt"`;

export interface NewRound {
  readonly messageId: string;
  readonly documentId: string;
  readonly partnerId: string;
  readonly outboundInterchangeId: string;
  readonly mdnMode: As2MdnMode;
  readonly mic: string;
  readonly signedRequested: boolean;
  /** Async only: when the MDN wait closes. */
  readonly windowClosesAt: Date | null;
  readonly now: Date;
}

/**
 * The `as2_outbound_message` table (migration 1764230400021): what each outbound AS2 message's MDN
 * must match, its wait window and the MDN's verdict. A "round" is one run of sends up to a verdict or
 * a closed window; an operator's resend starts a new round under the same Message-ID.
 */
@Injectable()
export class As2OutboundMessages {
  constructor(private readonly dataSource: DataSource) {}

  async get(messageId: string, db: Queryable = this.dataSource): Promise<As2OutboundMessage | undefined> {
    const [row] = await queryRows<As2OutboundMessage>(
      db,
      `SELECT ${COLUMNS} FROM as2_outbound_message WHERE message_id = $1`,
      [messageId],
    );
    return row;
  }

  async forDocument(documentId: string): Promise<As2OutboundMessage | undefined> {
    const [row] = await queryRows<As2OutboundMessage>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM as2_outbound_message WHERE document_id = $1`,
      [documentId],
    );
    return row;
  }

  /** Starts a round: a fresh wait for an MDN (the row is created on the first send of the document). */
  async startRound(round: NewRound): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO as2_outbound_message
         (message_id, document_id, partner_id, outbound_interchange_id, mdn_mode, mic, signed_requested,
          round_started_at, window_closes_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT uq_as2_outbound_message_message_id DO UPDATE
          SET mdn_mode = EXCLUDED.mdn_mode, mic = EXCLUDED.mic, signed_requested = EXCLUDED.signed_requested,
              round_started_at = EXCLUDED.round_started_at, window_closes_at = EXCLUDED.window_closes_at,
              sends = 0, next_send_at = NULL, mdn_status = 'awaiting', mdn_detail = NULL,
              mdn_interchange_id = NULL, last_refusal = NULL, concluded_at = NULL, updated_at = now()`,
      [
        round.messageId,
        round.documentId,
        round.partnerId,
        round.outboundInterchangeId,
        round.mdnMode,
        round.mic,
        round.signedRequested,
        round.now.toISOString(),
        round.windowClosesAt?.toISOString() ?? null,
      ],
    );
  }

  /** One more send of the message went out (the partner took the request). */
  async sent(messageId: string, mic: string, at: Date, nextSendAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE as2_outbound_message
          SET sends = sends + 1, mic = $2, last_sent_at = $3, next_send_at = $4, updated_at = now()
        WHERE message_id = $1`,
      [messageId, mic, at.toISOString(), nextSendAt?.toISOString() ?? null],
    );
  }

  /**
   * The partner's verdict on the message, once per round: only a message still awaiting its MDN takes
   * it. Returns false when the round already had a verdict or was concluded (a late or repeated MDN).
   */
  async recordVerdict(
    db: Queryable,
    messageId: string,
    verdict: { status: 'delivered' | 'rejected'; detail: string; mdnInterchangeId: string },
  ): Promise<boolean> {
    const rows = await queryRows<{ messageId: string }>(
      db,
      `UPDATE as2_outbound_message
          SET mdn_status = $2, mdn_detail = $3, mdn_interchange_id = $4, updated_at = now()
        WHERE message_id = $1 AND mdn_status = 'awaiting' AND concluded_at IS NULL
        RETURNING message_id AS "messageId"`,
      [messageId, verdict.status, verdict.detail.slice(0, 1000), verdict.mdnInterchangeId],
    );
    return rows.length > 0;
  }

  /** An MDN that decides nothing (anyone could have sent it); kept to explain a closed window. */
  async recordRefusal(db: Queryable, messageId: string, reason: string): Promise<void> {
    await db.query(
      `UPDATE as2_outbound_message SET last_refusal = $2, updated_at = now()
        WHERE message_id = $1 AND concluded_at IS NULL`,
      [messageId, reason.slice(0, 1000)],
    );
  }

  /** The round's outcome was handed to the outbound delivery; false when another try did it first. */
  async conclude(messageId: string, at: Date): Promise<boolean> {
    const rows = await queryRows<{ messageId: string }>(
      this.dataSource,
      `UPDATE as2_outbound_message SET concluded_at = $2, updated_at = now()
        WHERE message_id = $1 AND concluded_at IS NULL RETURNING message_id AS "messageId"`,
      [messageId, at.toISOString()],
    );
    return rows.length > 0;
  }
}
