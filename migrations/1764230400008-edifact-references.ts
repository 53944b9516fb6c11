import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EDIFACT interchange references, both directions (issue 7):
 * - `edifact_interchange_reference`: every inbound interchange the intake accepted (partner, UNB S002
 *   sender id and qualifier, UNB 0020), so a repeat within EDIFACT_DUPLICATE_WINDOW_DAYS is answered
 *   CONTRL UCI 4 with syntax error 26 (duplicate detected) and not processed. Rejected interchanges are
 *   never recorded, so their resend is not a duplicate.
 * - `edifact_reference_counter`: the next UNB 0020 / UNH 0062 the gateway writes to each partner (its
 *   CONTRLs now, its ORDERS later), taken in the transaction that builds the document.
 */
export class EdifactReferences1764230400008 implements MigrationInterface {
  name = 'EdifactReferences1764230400008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE edifact_interchange_reference (
        id                bigint GENERATED ALWAYS AS IDENTITY,
        partner_id        text        NOT NULL,
        sender_qualifier  text        NOT NULL,
        sender_id         text        NOT NULL,
        reference         text        NOT NULL,
        interchange_id    bigint      NOT NULL,
        position          integer     NOT NULL,
        received_at       timestamptz NOT NULL,
        CONSTRAINT pk_edifact_interchange_reference PRIMARY KEY (id),
        CONSTRAINT fk_edifact_interchange_reference_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT uq_edifact_interchange_reference_position UNIQUE (interchange_id, position),
        CONSTRAINT ck_edifact_interchange_reference_reference CHECK (char_length(reference) BETWEEN 1 AND 14),
        CONSTRAINT ck_edifact_interchange_reference_position CHECK (position >= 0)
      )`);
    await q.query(
      `CREATE INDEX ix_edifact_interchange_reference_sender ON edifact_interchange_reference
         (partner_id, sender_qualifier, sender_id, reference, received_at DESC)`,
    );
    await q.query(`
      CREATE TABLE edifact_reference_counter (
        partner_id  text   NOT NULL,
        kind        text   NOT NULL,
        next_value  bigint NOT NULL,
        CONSTRAINT pk_edifact_reference_counter PRIMARY KEY (partner_id, kind),
        CONSTRAINT ck_edifact_reference_counter_kind CHECK (kind IN ('interchange', 'message')),
        CONSTRAINT ck_edifact_reference_counter_next_value CHECK (next_value BETWEEN 1 AND 999999999)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE edifact_reference_counter`);
    await q.query(`DROP TABLE edifact_interchange_reference`);
  }
}
