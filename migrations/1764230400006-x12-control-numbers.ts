import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * X12 control numbers, both directions:
 * - `x12_interchange_control`: every inbound interchange the intake accepted (partner, ISA05/ISA06,
 *   ISA13), so a repeat of an accepted ISA13 within X12_DUPLICATE_WINDOW_DAYS is answered TA1 025
 *   (X12.5 TA105 I18; LESSONS.md: inbound control-number validation stays on). Rejected interchanges
 *   are never recorded, so their resend is not a duplicate.
 * - `x12_control_counter`: the next ISA13 / GS06 / ST02 the gateway writes to each partner, taken in
 *   the transaction that builds the document, so numbers are never random and never skipped.
 */
export class X12ControlNumbers1764230400006 implements MigrationInterface {
  name = 'X12ControlNumbers1764230400006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE x12_interchange_control (
        id                bigint GENERATED ALWAYS AS IDENTITY,
        partner_id        text        NOT NULL,
        sender_qualifier  text        NOT NULL,
        sender_id         text        NOT NULL,
        control_number    text        NOT NULL,
        interchange_id    bigint      NOT NULL,
        position          integer     NOT NULL,
        received_at       timestamptz NOT NULL,
        CONSTRAINT pk_x12_interchange_control PRIMARY KEY (id),
        CONSTRAINT fk_x12_interchange_control_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT uq_x12_interchange_control_position UNIQUE (interchange_id, position),
        CONSTRAINT ck_x12_interchange_control_number CHECK (control_number ~ '^[0-9]{1,9}$'),
        CONSTRAINT ck_x12_interchange_control_position CHECK (position >= 0)
      )`);
    await q.query(
      `CREATE INDEX ix_x12_interchange_control_sender ON x12_interchange_control
         (partner_id, sender_qualifier, sender_id, control_number, received_at DESC)`,
    );
    await q.query(`
      CREATE TABLE x12_control_counter (
        partner_id  text   NOT NULL,
        kind        text   NOT NULL,
        next_value  bigint NOT NULL,
        CONSTRAINT pk_x12_control_counter PRIMARY KEY (partner_id, kind),
        CONSTRAINT ck_x12_control_counter_kind CHECK (kind IN ('interchange', 'group', 'set')),
        CONSTRAINT ck_x12_control_counter_next_value CHECK (next_value BETWEEN 1 AND 999999999)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE x12_control_counter`);
    await q.query(`DROP TABLE x12_interchange_control`);
  }
}
