import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Effects of the diagnostic probe job. Deliberately without a unique key on (run, seq): a job that
 * ran its effect twice must show up here as two rows, which is what the durability checks count.
 */
export class DiagnosticsProbe1764230400001 implements MigrationInterface {
  name = 'DiagnosticsProbe1764230400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE diagnostic_probe_effect (
        id         bigint GENERATED ALWAYS AS IDENTITY,
        run        text        NOT NULL,
        seq        integer     NOT NULL,
        attempt    integer     NOT NULL,
        worker_pid integer     NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_diagnostic_probe_effect PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_diagnostic_probe_effect_run ON diagnostic_probe_effect (run, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE diagnostic_probe_effect`);
  }
}
