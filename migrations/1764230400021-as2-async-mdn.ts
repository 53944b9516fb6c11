import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AS2 asynchronous MDNs and large receipts (issues #14, #15): `as2_outbound_message`, one row per
 * outbound document sent over AS2 (its Message-ID derives from the document, so every retry and resend
 * reuses the row). It keeps what the partner's MDN must match (our MIC, whether we asked for a signed
 * MDN), the wait window of an asynchronous MDN, how often the message went out, and the MDN's verdict
 * with the archive row of the raw MDN (channel `as2-mdn`) as evidence (docs/as2.md).
 */
export class As2AsyncMdn1764230400021 implements MigrationInterface {
  name = 'As2AsyncMdn1764230400021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE as2_outbound_message (
        id                      bigint GENERATED ALWAYS AS IDENTITY,
        message_id              text        NOT NULL,
        document_id             bigint      NOT NULL,
        partner_id              text        NOT NULL,
        outbound_interchange_id bigint      NOT NULL,
        mdn_mode                text        NOT NULL,
        mic                     text        NOT NULL,
        signed_requested        boolean     NOT NULL,
        sends                   integer     NOT NULL DEFAULT 0,
        round_started_at        timestamptz NOT NULL DEFAULT now(),
        last_sent_at            timestamptz,
        next_send_at            timestamptz,
        window_closes_at        timestamptz,
        mdn_status              text        NOT NULL DEFAULT 'awaiting',
        mdn_detail              text,
        mdn_interchange_id      bigint,
        last_refusal            text,
        concluded_at            timestamptz,
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_as2_outbound_message PRIMARY KEY (id),
        CONSTRAINT uq_as2_outbound_message_message_id UNIQUE (message_id),
        CONSTRAINT fk_as2_outbound_message_document FOREIGN KEY (document_id) REFERENCES outbound_document (id),
        CONSTRAINT fk_as2_outbound_message_outbound FOREIGN KEY (outbound_interchange_id) REFERENCES interchange (id),
        CONSTRAINT fk_as2_outbound_message_mdn FOREIGN KEY (mdn_interchange_id) REFERENCES interchange (id),
        CONSTRAINT ck_as2_outbound_message_mode CHECK (mdn_mode IN ('sync', 'async')),
        CONSTRAINT ck_as2_outbound_message_status CHECK (mdn_status IN ('awaiting', 'delivered', 'rejected'))
      )`);
    await q.query(`CREATE INDEX ix_as2_outbound_message_document ON as2_outbound_message (document_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE as2_outbound_message`);
  }
}
