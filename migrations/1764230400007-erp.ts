import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ERP connector, two sides:
 * - the gateway's own record of what it posts (`erp_posting`), with the per-ERP rate reservation
 *   (`erp_rate`) and concurrency slots (`erp_call_slot`) that every worker process shares;
 * - the embedded ERP simulator's ledger (`erp_sim_*`): documents, the journal of every effect,
 *   purchase orders, the ERP's output queue, master data and stock, its faults and settings. The
 *   journal deliberately has no unique constraint on idempotency key or external reference: the
 *   simulator enforces keys in code only when told to honour them, so a run that ignores them can
 *   show the duplicates a careless adapter would cause.
 */
export class Erp1764230400007 implements MigrationInterface {
  name = 'Erp1764230400007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE erp_posting (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        erp_instance        text        NOT NULL,
        operation           text        NOT NULL,
        kind                text        NOT NULL,
        business_key        text        NOT NULL,
        revision            integer     NOT NULL,
        idempotency_key     text        NOT NULL,
        external_reference  text        NOT NULL,
        po_number           text,
        ordering_key        text,
        target_posting_id   bigint,
        body                jsonb       NOT NULL,
        status              text        NOT NULL DEFAULT 'pending',
        document_number     text,
        erp_entry_id        text,
        outcome_unknown_at  timestamptz,
        attempts            integer     NOT NULL DEFAULT 0,
        lookups             integer     NOT NULL DEFAULT 0,
        last_error          text,
        correlation_id      text        NOT NULL,
        causation_id        text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        posted_at           timestamptz,
        reconciled_at       timestamptz,
        CONSTRAINT pk_erp_posting PRIMARY KEY (id),
        CONSTRAINT uq_erp_posting_idempotency_key UNIQUE (erp_instance, idempotency_key),
        CONSTRAINT uq_erp_posting_external_reference UNIQUE (erp_instance, external_reference),
        CONSTRAINT fk_erp_posting_target FOREIGN KEY (target_posting_id) REFERENCES erp_posting (id),
        CONSTRAINT ck_erp_posting_operation CHECK (operation IN ('post', 'amend', 'reverse')),
        CONSTRAINT ck_erp_posting_status CHECK (status IN ('pending', 'posted', 'dead')),
        CONSTRAINT ck_erp_posting_target CHECK ((operation = 'post') = (target_posting_id IS NULL)),
        CONSTRAINT ck_erp_posting_posted CHECK ((status = 'posted') = (document_number IS NOT NULL)),
        CONSTRAINT ck_erp_posting_revision CHECK (revision >= 0)
      )`);
    await q.query(
      `CREATE INDEX ix_erp_posting_ordering ON erp_posting (erp_instance, ordering_key, id)
         WHERE status <> 'posted'`,
    );
    await q.query(`CREATE INDEX ix_erp_posting_reconcile ON erp_posting (erp_instance, posted_at)
         WHERE status = 'posted'`);
    await q.query(`
      CREATE TABLE erp_rate (
        erp_instance  text        NOT NULL,
        next_at       timestamptz NOT NULL,
        CONSTRAINT pk_erp_rate PRIMARY KEY (erp_instance)
      )`);
    await q.query(`
      CREATE TABLE erp_call_slot (
        erp_instance  text        NOT NULL,
        slot          integer     NOT NULL,
        holder        text,
        expires_at    timestamptz NOT NULL DEFAULT '-infinity',
        CONSTRAINT pk_erp_call_slot PRIMARY KEY (erp_instance, slot),
        CONSTRAINT ck_erp_call_slot_slot CHECK (slot >= 0)
      )`);

    await q.query(`
      CREATE TABLE erp_sim_setting (
        id                  integer NOT NULL DEFAULT 1,
        idempotency         text    NOT NULL DEFAULT 'honour',
        output_po_changes   boolean NOT NULL DEFAULT false,
        CONSTRAINT pk_erp_sim_setting PRIMARY KEY (id),
        CONSTRAINT ck_erp_sim_setting_singleton CHECK (id = 1),
        CONSTRAINT ck_erp_sim_setting_idempotency CHECK (idempotency IN ('honour', 'ignore'))
      )`);
    await q.query(`INSERT INTO erp_sim_setting (id) VALUES (1)`);
    await q.query(`
      CREATE TABLE erp_sim_fault (
        operation  text        NOT NULL,
        mode       text        NOT NULL,
        rate       numeric     NOT NULL,
        delay_ms   integer     NOT NULL DEFAULT 0,
        until      timestamptz,
        remaining  integer,
        injected   integer     NOT NULL DEFAULT 0,
        CONSTRAINT pk_erp_sim_fault PRIMARY KEY (operation, mode),
        CONSTRAINT ck_erp_sim_fault_operation CHECK (operation IN ('post', 'amend', 'reverse', 'read', '*')),
        CONSTRAINT ck_erp_sim_fault_mode CHECK (mode IN ('fail', 'timeout', 'drop-answer', 'commit-late')),
        CONSTRAINT ck_erp_sim_fault_rate CHECK (rate >= 0 AND rate <= 1),
        CONSTRAINT ck_erp_sim_fault_delay CHECK (delay_ms >= 0),
        CONSTRAINT ck_erp_sim_fault_remaining CHECK (remaining IS NULL OR remaining >= 0)
      )`);
    await q.query(`
      CREATE TABLE erp_sim_counter (
        prefix      text   NOT NULL,
        next_value  bigint NOT NULL,
        CONSTRAINT pk_erp_sim_counter PRIMARY KEY (prefix)
      )`);
    await q.query(`
      CREATE TABLE erp_sim_document (
        document_number     text        NOT NULL,
        kind                text        NOT NULL,
        po_number           text,
        external_reference  text        NOT NULL,
        status              text        NOT NULL DEFAULT 'active',
        revision            integer     NOT NULL DEFAULT 0,
        body                jsonb       NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_erp_sim_document PRIMARY KEY (document_number),
        CONSTRAINT ck_erp_sim_document_status CHECK (status IN ('active', 'reversed'))
      )`);
    await q.query(`CREATE INDEX ix_erp_sim_document_reference ON erp_sim_document (external_reference)`);
    await q.query(`CREATE INDEX ix_erp_sim_document_po ON erp_sim_document (po_number)`);
    await q.query(`
      CREATE TABLE erp_sim_entry (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        operation           text        NOT NULL,
        kind                text        NOT NULL,
        document_number     text        NOT NULL,
        external_reference  text        NOT NULL,
        idempotency_key     text        NOT NULL,
        request_hash        text        NOT NULL,
        correlation_id      text,
        body                jsonb,
        posted_at           timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_erp_sim_entry PRIMARY KEY (id),
        CONSTRAINT ck_erp_sim_entry_operation CHECK (operation IN ('post', 'amend', 'reverse'))
      )`);
    await q.query(`CREATE INDEX ix_erp_sim_entry_reference ON erp_sim_entry (external_reference)`);
    await q.query(`CREATE INDEX ix_erp_sim_entry_key ON erp_sim_entry (idempotency_key)`);
    await q.query(`
      CREATE TABLE erp_sim_purchase_order (
        po_number   text        NOT NULL,
        revision    integer     NOT NULL DEFAULT 0,
        supplier    text        NOT NULL,
        plant       text        NOT NULL,
        currency    text        NOT NULL,
        order_date  date        NOT NULL,
        status      text        NOT NULL DEFAULT 'open',
        lines       jsonb       NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_erp_sim_purchase_order PRIMARY KEY (po_number),
        CONSTRAINT ck_erp_sim_purchase_order_status CHECK (status IN ('open', 'cancelled', 'closed'))
      )`);
    await q.query(`
      CREATE TABLE erp_sim_output (
        id            bigint GENERATED ALWAYS AS IDENTITY,
        po_number     text        NOT NULL,
        revision      integer     NOT NULL,
        message       text        NOT NULL,
        body          jsonb       NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        delivered_at  timestamptz,
        CONSTRAINT pk_erp_sim_output PRIMARY KEY (id),
        CONSTRAINT uq_erp_sim_output_revision UNIQUE (po_number, revision),
        CONSTRAINT ck_erp_sim_output_message CHECK (message IN ('po-issued', 'po-changed', 'po-cancelled'))
      )`);
    await q.query(`
      CREATE TABLE erp_sim_plant (
        plant     text NOT NULL,
        name      text NOT NULL,
        timezone  text NOT NULL,
        CONSTRAINT pk_erp_sim_plant PRIMARY KEY (plant)
      )`);
    await q.query(`
      CREATE TABLE erp_sim_material (
        material     text NOT NULL,
        description  text NOT NULL,
        base_unit    text NOT NULL,
        kind         text NOT NULL,
        CONSTRAINT pk_erp_sim_material PRIMARY KEY (material),
        CONSTRAINT ck_erp_sim_material_kind CHECK (kind IN ('raw', 'component', 'finished'))
      )`);
    await q.query(`
      CREATE TABLE erp_sim_unit_conversion (
        material     text    NOT NULL,
        from_unit    text    NOT NULL,
        to_unit      text    NOT NULL,
        numerator    numeric NOT NULL,
        denominator  numeric NOT NULL,
        CONSTRAINT pk_erp_sim_unit_conversion PRIMARY KEY (material, from_unit, to_unit),
        CONSTRAINT fk_erp_sim_unit_conversion_material FOREIGN KEY (material) REFERENCES erp_sim_material (material),
        CONSTRAINT ck_erp_sim_unit_conversion_ratio CHECK (numerator > 0 AND denominator > 0)
      )`);
    await q.query(`
      CREATE TABLE erp_sim_bom_item (
        plant         text    NOT NULL,
        material      text    NOT NULL,
        component     text    NOT NULL,
        quantity_per  numeric NOT NULL,
        unit          text    NOT NULL,
        CONSTRAINT pk_erp_sim_bom_item PRIMARY KEY (plant, material, component),
        CONSTRAINT fk_erp_sim_bom_item_plant FOREIGN KEY (plant) REFERENCES erp_sim_plant (plant),
        CONSTRAINT fk_erp_sim_bom_item_material FOREIGN KEY (material) REFERENCES erp_sim_material (material),
        CONSTRAINT fk_erp_sim_bom_item_component FOREIGN KEY (component) REFERENCES erp_sim_material (material),
        CONSTRAINT ck_erp_sim_bom_item_quantity CHECK (quantity_per > 0)
      )`);
    await q.query(`
      CREATE TABLE erp_sim_source_list (
        plant           text    NOT NULL,
        material        text    NOT NULL,
        supplier        text    NOT NULL,
        lead_time_days  integer NOT NULL,
        valid_from      date    NOT NULL,
        valid_to        date,
        CONSTRAINT pk_erp_sim_source_list PRIMARY KEY (plant, material, supplier, valid_from),
        CONSTRAINT fk_erp_sim_source_list_plant FOREIGN KEY (plant) REFERENCES erp_sim_plant (plant),
        CONSTRAINT fk_erp_sim_source_list_material FOREIGN KEY (material) REFERENCES erp_sim_material (material),
        CONSTRAINT ck_erp_sim_source_list_lead_time CHECK (lead_time_days >= 0)
      )`);
    await q.query(`
      CREATE TABLE erp_sim_stock (
        plant         text        NOT NULL,
        material      text        NOT NULL,
        unrestricted  numeric     NOT NULL,
        as_of         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_erp_sim_stock PRIMARY KEY (plant, material),
        CONSTRAINT fk_erp_sim_stock_plant FOREIGN KEY (plant) REFERENCES erp_sim_plant (plant),
        CONSTRAINT fk_erp_sim_stock_material FOREIGN KEY (material) REFERENCES erp_sim_material (material)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'erp_sim_stock',
      'erp_sim_source_list',
      'erp_sim_bom_item',
      'erp_sim_unit_conversion',
      'erp_sim_material',
      'erp_sim_plant',
      'erp_sim_output',
      'erp_sim_purchase_order',
      'erp_sim_entry',
      'erp_sim_document',
      'erp_sim_counter',
      'erp_sim_fault',
      'erp_sim_setting',
      'erp_call_slot',
      'erp_rate',
      'erp_posting',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
