import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replenishment loop (issue #17, src/replenishment/policy and recommendations, docs/replenishment.md):
 * - `replenishment_policy`: the reorder policy and its parameters per plant and material, with the
 *   limits within which a recommendation is applied without a buyer;
 * - `replenishment_decision`: every computed threshold with all its inputs (the usage series, the
 *   lead time and where it came from, the projection), so that the API can explain it;
 * - `replenishment_watch`: per plant and material, when it was last evaluated and whether it is below
 *   its reorder point (the current crossing);
 * - `replenishment_recommendation`: one per crossing (unique crossing key), with its action, owner,
 *   state, the PO change or request it became and the supplier's answer.
 */
export class ReplenishmentLoop1764230400022 implements MigrationInterface {
  name = 'ReplenishmentLoop1764230400022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE replenishment_policy (
        plant                   text        NOT NULL,
        material                text        NOT NULL,
        method                  text        NOT NULL DEFAULT 'dynamic',
        service_level           numeric     NOT NULL DEFAULT 0.95,
        smoothing               numeric     NOT NULL DEFAULT 0.3,
        history_days            integer     NOT NULL DEFAULT 28,
        min_history_days        integer     NOT NULL DEFAULT 7,
        lead_time_source        text        NOT NULL DEFAULT 'source-list',
        lead_time_days          integer,
        rounding_quantity       numeric     NOT NULL DEFAULT 1,
        standard_reorder_point  numeric,
        standard_safety_stock   numeric,
        standard_quantity       numeric,
        coverage_days           integer     NOT NULL DEFAULT 14,
        auto_apply              boolean     NOT NULL DEFAULT false,
        auto_max_quantity       numeric,
        auto_max_value          numeric,
        owner_user_id           text,
        updated_by              text        NOT NULL,
        updated_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_replenishment_policy PRIMARY KEY (plant, material),
        CONSTRAINT ck_replenishment_policy_method CHECK (method IN ('dynamic', 'standard')),
        CONSTRAINT ck_replenishment_policy_lead_time_source CHECK (lead_time_source IN ('source-list', 'measured', 'policy')),
        CONSTRAINT ck_replenishment_policy_service_level CHECK (service_level >= 0.5 AND service_level < 1),
        CONSTRAINT ck_replenishment_policy_smoothing CHECK (smoothing > 0 AND smoothing <= 1),
        CONSTRAINT ck_replenishment_policy_rounding CHECK (rounding_quantity > 0)
      )`);
    await q.query(`
      CREATE TABLE replenishment_decision (
        id                      bigint GENERATED ALWAYS AS IDENTITY,
        plant                   text        NOT NULL,
        material                text        NOT NULL,
        computed_at             timestamptz NOT NULL DEFAULT now(),
        basis                   text        NOT NULL,
        reorder_point           numeric,
        safety_stock            numeric,
        average_daily_usage     numeric     NOT NULL,
        lead_time_days          integer,
        position                numeric,
        below                   boolean     NOT NULL,
        trigger_producer_key    text,
        inputs                  jsonb       NOT NULL,
        CONSTRAINT pk_replenishment_decision PRIMARY KEY (id),
        CONSTRAINT ck_replenishment_decision_basis CHECK (basis IN ('dynamic', 'standard', 'none'))
      )`);
    await q.query(
      `CREATE INDEX ix_replenishment_decision_material ON replenishment_decision (plant, material, id DESC)`,
    );
    await q.query(`
      CREATE TABLE replenishment_watch (
        plant                   text        NOT NULL,
        material                text        NOT NULL,
        evaluated_at            timestamptz NOT NULL,
        balance_updated_at      timestamptz,
        below                   boolean     NOT NULL DEFAULT false,
        crossing_key            text,
        decision_id             bigint,
        CONSTRAINT pk_replenishment_watch PRIMARY KEY (plant, material),
        CONSTRAINT fk_replenishment_watch_decision FOREIGN KEY (decision_id) REFERENCES replenishment_decision (id)
      )`);
    await q.query(`
      CREATE TABLE replenishment_recommendation (
        id                      uuid        NOT NULL,
        crossing_key            text        NOT NULL,
        plant                   text        NOT NULL,
        material                text        NOT NULL,
        unit                    text        NOT NULL,
        action                  text        NOT NULL,
        state                   text        NOT NULL,
        automatic               boolean     NOT NULL DEFAULT false,
        policy_reason           text        NOT NULL,
        owner_user_id           text,
        supplier                text,
        po_number               text,
        line_number             text,
        po_revision             integer,
        current_date_due        date,
        new_delivery_date       date,
        new_quantity            numeric,
        added_quantity          numeric     NOT NULL,
        needed_by               date        NOT NULL,
        shortage_date           date,
        value                   numeric,
        currency                text,
        explanation             text        NOT NULL,
        production_orders       jsonb       NOT NULL DEFAULT '[]',
        decision_id             bigint      NOT NULL,
        posting_id              bigint,
        change_revision         integer,
        exception_id            text,
        answer                  text,
        decided_by              text,
        decided_at              timestamptz,
        note                    text,
        correlation_id          text        NOT NULL,
        causation_id            text,
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_replenishment_recommendation PRIMARY KEY (id),
        CONSTRAINT uq_replenishment_recommendation_crossing UNIQUE (crossing_key),
        CONSTRAINT fk_replenishment_recommendation_decision FOREIGN KEY (decision_id) REFERENCES replenishment_decision (id),
        CONSTRAINT ck_replenishment_recommendation_action CHECK (action IN ('expedite', 'increase-quantity', 'order')),
        CONSTRAINT ck_replenishment_recommendation_state
          CHECK (state IN ('proposed', 'applied', 'confirmed', 'refused', 'rejected', 'failed'))
      )`);
    await q.query(
      `CREATE INDEX ix_replenishment_recommendation_state ON replenishment_recommendation (state, created_at DESC)`,
    );
    await q.query(
      `CREATE INDEX ix_replenishment_recommendation_po ON replenishment_recommendation (po_number, created_at DESC) WHERE po_number IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS replenishment_recommendation`);
    await q.query(`DROP TABLE IF EXISTS replenishment_watch`);
    await q.query(`DROP TABLE IF EXISTS replenishment_decision`);
    await q.query(`DROP TABLE IF EXISTS replenishment_policy`);
  }
}
