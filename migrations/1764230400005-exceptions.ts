import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exception store: cases a person must decide (acknowledgment deviations, rejected interchanges…),
 * their history, and the routing rules that give new cases an owner.
 */
export class Exceptions1764230400005 implements MigrationInterface {
  name = 'Exceptions1764230400005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exception_case (
        id                uuid        NOT NULL DEFAULT gen_random_uuid(),
        type              text        NOT NULL,
        severity          text        NOT NULL,
        dedupe_key        text        NOT NULL,
        summary           text,
        partner_id        text,
        po_number         text,
        po_line           text,
        material          text,
        plant             text,
        interchange_id    bigint,
        posting_ref       text,
        differences       jsonb       NOT NULL DEFAULT '{}'::jsonb,
        value_at_risk     numeric,
        currency          text,
        days_late         integer,
        owner_user_id     uuid,
        state             text        NOT NULL DEFAULT 'open',
        state_changed_by  text        NOT NULL,
        state_changed_at  timestamptz NOT NULL DEFAULT now(),
        correlation_id    text        NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_exception_case PRIMARY KEY (id),
        CONSTRAINT uq_exception_case_dedupe UNIQUE (type, dedupe_key),
        CONSTRAINT fk_exception_case_owner FOREIGN KEY (owner_user_id) REFERENCES app_user (id),
        CONSTRAINT fk_exception_case_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT ck_exception_case_type CHECK (type ~ '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$'),
        CONSTRAINT ck_exception_case_severity CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        CONSTRAINT ck_exception_case_state CHECK (state IN ('open', 'accepted', 'countered', 'escalated', 'resolved')),
        CONSTRAINT ck_exception_case_differences CHECK (jsonb_typeof(differences) = 'object'),
        CONSTRAINT ck_exception_case_value_at_risk CHECK (value_at_risk >= 0),
        CONSTRAINT ck_exception_case_currency CHECK (
          (value_at_risk IS NULL AND currency IS NULL) OR (value_at_risk IS NOT NULL AND currency ~ '^[A-Z]{3}$')),
        CONSTRAINT ck_exception_case_days_late CHECK (days_late >= 0)
      )`);
    // The workbench sorts by impact (value at risk, then days late, both descending, unknown last),
    // then age; the same expressions as ExceptionService.list, so that keyset pages use the index.
    await q.query(`
      CREATE INDEX ix_exception_case_impact ON exception_case
        ((-coalesce(value_at_risk, -1)), (-coalesce(days_late, -1)), created_at, id)`);
    await q.query(`CREATE INDEX ix_exception_case_partner_state ON exception_case (partner_id, state)`);
    await q.query(`CREATE INDEX ix_exception_case_state ON exception_case (state)`);
    await q.query(`CREATE INDEX ix_exception_case_type ON exception_case (type text_pattern_ops)`);
    await q.query(
      `CREATE INDEX ix_exception_case_owner ON exception_case (owner_user_id) WHERE owner_user_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_exception_case_plant ON exception_case (plant) WHERE plant IS NOT NULL`);
    await q.query(
      `CREATE INDEX ix_exception_case_po ON exception_case (po_number, po_line) WHERE po_number IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_exception_case_material ON exception_case (material) WHERE material IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_exception_case_interchange ON exception_case (interchange_id) WHERE interchange_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_exception_case_posting_ref ON exception_case (posting_ref) WHERE posting_ref IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_exception_case_correlation ON exception_case (correlation_id)`);

    await q.query(`
      CREATE TABLE exception_event (
        id              bigint      GENERATED ALWAYS AS IDENTITY,
        case_id         uuid        NOT NULL,
        at              timestamptz NOT NULL DEFAULT now(),
        actor_kind      text        NOT NULL,
        actor_id        text,
        actor_display   text        NOT NULL,
        action          text        NOT NULL,
        from_state      text,
        to_state        text        NOT NULL,
        note            text,
        changes         jsonb       NOT NULL DEFAULT '{}'::jsonb,
        correlation_id  text        NOT NULL,
        CONSTRAINT pk_exception_event PRIMARY KEY (id),
        CONSTRAINT fk_exception_event_case FOREIGN KEY (case_id) REFERENCES exception_case (id),
        CONSTRAINT ck_exception_event_action CHECK (
          action IN ('raised', 'updated', 'assigned', 'accepted', 'countered', 'escalated', 'resolved', 'reopened')),
        CONSTRAINT ck_exception_event_actor_kind CHECK (actor_kind IN ('user', 'system', 'partner', 'cli', 'gateway'))
      )`);
    await q.query(`CREATE INDEX ix_exception_event_case ON exception_event (case_id, id)`);

    await q.query(`
      CREATE TABLE exception_routing_rule (
        id             uuid        NOT NULL DEFAULT gen_random_uuid(),
        partner_id     text,
        plant          text,
        type_prefix    text,
        owner_user_id  uuid        NOT NULL,
        priority       integer     NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_exception_routing_rule PRIMARY KEY (id),
        CONSTRAINT fk_exception_routing_rule_owner FOREIGN KEY (owner_user_id) REFERENCES app_user (id),
        CONSTRAINT ck_exception_routing_rule_type_prefix CHECK (type_prefix ~ '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*$')
      )`);
    // One rule per scope: two would leave the owner to chance. NULL ("any") compares equal here.
    await q.query(`
      CREATE UNIQUE INDEX uq_exception_routing_rule_scope ON exception_routing_rule
        ((coalesce(partner_id, '')), (coalesce(plant, '')), (coalesce(type_prefix, '')))`);
    await q.query(`CREATE INDEX ix_exception_routing_rule_owner ON exception_routing_rule (owner_user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE exception_routing_rule`);
    await q.query(`DROP TABLE exception_event`);
    await q.query(`DROP TABLE exception_case`);
  }
}
