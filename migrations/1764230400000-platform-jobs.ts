import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The durability plumbing every later module relies on: the outbox (the record of every job), the
 * dead-letter table, processed keys for idempotent consumers, and leases for run-once work.
 */
export class PlatformJobs1764230400000 implements MigrationInterface {
  name = 'PlatformJobs1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id              bigint GENERATED ALWAYS AS IDENTITY,
        job_key         text        NOT NULL,
        job_name        text        NOT NULL,
        payload         jsonb       NOT NULL,
        correlation_id  text        NOT NULL,
        causation_id    text,
        status          text        NOT NULL DEFAULT 'pending',
        attempts        integer     NOT NULL DEFAULT 0,
        max_attempts    integer     NOT NULL,
        available_at    timestamptz NOT NULL DEFAULT now(),
        locked_by       text,
        locked_until    timestamptz,
        dispatched_at   timestamptz,
        last_error      text,
        attempt_log     jsonb       NOT NULL DEFAULT '[]'::jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        done_at         timestamptz,
        CONSTRAINT pk_outbox PRIMARY KEY (id),
        CONSTRAINT uq_outbox_job_key UNIQUE (job_key),
        CONSTRAINT ck_outbox_status CHECK (status IN ('pending', 'dispatched', 'running', 'done', 'dead')),
        CONSTRAINT ck_outbox_attempts CHECK (attempts >= 0 AND max_attempts > 0)
      )`);
    // The relay and the in-process runner scan only unfinished rows; finished ones are history.
    await q.query(
      `CREATE INDEX ix_outbox_due ON outbox (available_at, id) WHERE status IN ('pending', 'dispatched', 'running')`,
    );
    await q.query(`CREATE INDEX ix_outbox_correlation ON outbox (correlation_id)`);

    await q.query(`
      CREATE TABLE dead_letter (
        id              bigint GENERATED ALWAYS AS IDENTITY,
        outbox_id       bigint      NOT NULL,
        job_key         text        NOT NULL,
        job_name        text        NOT NULL,
        payload         jsonb       NOT NULL,
        correlation_id  text        NOT NULL,
        error           text        NOT NULL,
        attempts        jsonb       NOT NULL,
        dead_at         timestamptz NOT NULL DEFAULT now(),
        replayed_at     timestamptz,
        replayed_by     text,
        CONSTRAINT pk_dead_letter PRIMARY KEY (id),
        CONSTRAINT fk_dead_letter_outbox FOREIGN KEY (outbox_id) REFERENCES outbox (id)
      )`);
    await q.query(`CREATE INDEX ix_dead_letter_open ON dead_letter (dead_at) WHERE replayed_at IS NULL`);
    await q.query(`CREATE INDEX ix_dead_letter_outbox ON dead_letter (outbox_id)`);

    await q.query(`
      CREATE TABLE processed_key (
        consumer      text        NOT NULL,
        key           text        NOT NULL,
        processed_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_processed_key PRIMARY KEY (consumer, key)
      )`);

    await q.query(`
      CREATE TABLE lease (
        name         text        NOT NULL,
        holder       text        NOT NULL,
        acquired_at  timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL,
        CONSTRAINT pk_lease PRIMARY KEY (name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lease`);
    await q.query(`DROP TABLE processed_key`);
    await q.query(`DROP TABLE dead_letter`);
    await q.query(`DROP TABLE outbox`);
  }
}
