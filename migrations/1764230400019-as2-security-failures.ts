import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AS2 security failures (issue #14): one row per inbound message of a known partnership answered
 * `decryption-failed` or `authentication-failed`, counted in a sliding window so every process agrees
 * when to alert (docs/as2.md). Rows older than the window are pruned as new ones arrive; the messages
 * themselves stay in the interchange archive.
 */
export class As2SecurityFailures1764230400019 implements MigrationInterface {
  name = 'As2SecurityFailures1764230400019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE as2_security_failure (
        id              bigint GENERATED ALWAYS AS IDENTITY,
        partner_id      text        NOT NULL,
        disposition     text        NOT NULL,
        interchange_id  bigint,
        occurred_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_as2_security_failure PRIMARY KEY (id),
        CONSTRAINT ck_as2_security_failure_disposition CHECK (
          disposition IN ('decryption-failed', 'authentication-failed'))
      )`);
    await q.query(
      `CREATE INDEX ix_as2_security_failure_partner ON as2_security_failure (partner_id, occurred_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE as2_security_failure`);
  }
}
