import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: every human and administrative action, written in the action's own transaction.
 * Append-only in the database, not only in the code: a statement trigger refuses UPDATE, DELETE and
 * TRUNCATE, whoever sends them.
 */
export class AuditLog1764230400004 implements MigrationInterface {
  name = 'AuditLog1764230400004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id              bigint      GENERATED ALWAYS AS IDENTITY,
        at              timestamptz NOT NULL DEFAULT now(),
        actor_kind      text        NOT NULL,
        actor_id        text,
        actor_display   text        NOT NULL,
        action          text        NOT NULL,
        target_type     text        NOT NULL,
        target_id       text,
        partner_id      text,
        before          jsonb,
        after           jsonb,
        correlation_id  text        NOT NULL,
        note            text,
        CONSTRAINT pk_audit_log PRIMARY KEY (id),
        CONSTRAINT ck_audit_log_actor_kind CHECK (actor_kind IN ('user', 'system', 'partner', 'cli', 'gateway')),
        CONSTRAINT ck_audit_log_actor_id CHECK ((actor_kind = 'gateway') = (actor_id IS NULL)),
        CONSTRAINT ck_audit_log_action CHECK (action ~ '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$'),
        CONSTRAINT ck_audit_log_target_type CHECK (target_type ~ '^[a-z][a-z0-9-]*$')
      )`);
    // Readers page newest first by id and filter by one of these; the action index serves prefixes.
    await q.query(`CREATE INDEX ix_audit_log_at ON audit_log (at)`);
    await q.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_kind, actor_id, id)`);
    await q.query(`CREATE INDEX ix_audit_log_action ON audit_log (action text_pattern_ops)`);
    await q.query(`CREATE INDEX ix_audit_log_target ON audit_log (target_type, target_id, id)`);
    await q.query(
      `CREATE INDEX ix_audit_log_partner ON audit_log (partner_id, id) WHERE partner_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_audit_log_correlation ON audit_log (correlation_id)`);

    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
          USING ERRCODE = 'restrict_violation', HINT = 'audit entries are never changed or removed';
      END
      $$`);
    // FOR EACH STATEMENT, so that even an UPDATE or DELETE matching no row is refused (and TRUNCATE,
    // which row triggers never see). ENABLE ALWAYS keeps it firing under
    // session_replication_role = replica, which otherwise skips ordinary triggers.
    await q.query(`
      CREATE TRIGGER audit_log_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_refuse_change()`);
  }
}
