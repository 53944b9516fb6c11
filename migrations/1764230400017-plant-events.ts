import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plant events and balances (src/replenishment, docs/plant-events.md):
 * - `master_data_version` and the `master_*` tables: the plant model (plants, materials, unit
 *   conversions, standard component quantities, source lists) as of the latest import, each row
 *   naming the import that wrote it; every import is kept with its content hash and counts;
 * - `plant_event`: every accepted MES/WMS event, once per producer key (plant, message id, revision);
 * - `stock_movement`: what each event changed, per material, in the material's base unit;
 * - `stock_balance`: on-hand and allocated per plant and material, the running sum of its movements;
 * - `plant_event_rejected`: events refused (unknown plant or material, invalid, unconvertible unit),
 *   kept with the reason for diagnosis;
 * - `stock_reconciliation`: each comparison of on-hand with the ERP's stock.
 */
export class PlantEvents1764230400017 implements MigrationInterface {
  name = 'PlantEvents1764230400017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE master_data_version (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        source              text        NOT NULL,
        origin              text        NOT NULL,
        content_sha256      text        NOT NULL,
        counts              jsonb       NOT NULL,
        imported_by         text        NOT NULL,
        imported_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_master_data_version PRIMARY KEY (id),
        CONSTRAINT ck_master_data_version_source CHECK (source IN ('erp', 'file'))
      )`);
    await q.query(`
      CREATE TABLE master_plant (
        plant               text        NOT NULL,
        name                text        NOT NULL,
        timezone            text        NOT NULL,
        version_id          bigint      NOT NULL,
        CONSTRAINT pk_master_plant PRIMARY KEY (plant),
        CONSTRAINT fk_master_plant_version FOREIGN KEY (version_id) REFERENCES master_data_version (id)
      )`);
    await q.query(`
      CREATE TABLE master_material (
        material            text        NOT NULL,
        description         text        NOT NULL,
        base_unit           text        NOT NULL,
        kind                text        NOT NULL,
        version_id          bigint      NOT NULL,
        CONSTRAINT pk_master_material PRIMARY KEY (material),
        CONSTRAINT fk_master_material_version FOREIGN KEY (version_id) REFERENCES master_data_version (id),
        CONSTRAINT ck_master_material_kind CHECK (kind IN ('raw', 'component', 'finished'))
      )`);
    await q.query(`
      CREATE TABLE master_unit_conversion (
        material            text        NOT NULL,
        from_unit           text        NOT NULL,
        to_unit             text        NOT NULL,
        numerator           numeric     NOT NULL,
        denominator         numeric     NOT NULL,
        version_id          bigint      NOT NULL,
        CONSTRAINT pk_master_unit_conversion PRIMARY KEY (material, from_unit, to_unit),
        CONSTRAINT fk_master_unit_conversion_material FOREIGN KEY (material) REFERENCES master_material (material),
        CONSTRAINT ck_master_unit_conversion_ratio CHECK (numerator > 0 AND denominator > 0)
      )`);
    await q.query(`
      CREATE TABLE master_bom_item (
        plant               text        NOT NULL,
        material            text        NOT NULL,
        component           text        NOT NULL,
        quantity_per        numeric     NOT NULL,
        unit                text        NOT NULL,
        version_id          bigint      NOT NULL,
        CONSTRAINT pk_master_bom_item PRIMARY KEY (plant, material, component),
        CONSTRAINT fk_master_bom_item_plant FOREIGN KEY (plant) REFERENCES master_plant (plant),
        CONSTRAINT fk_master_bom_item_material FOREIGN KEY (material) REFERENCES master_material (material),
        CONSTRAINT fk_master_bom_item_component FOREIGN KEY (component) REFERENCES master_material (material),
        CONSTRAINT ck_master_bom_item_quantity CHECK (quantity_per > 0)
      )`);
    await q.query(`
      CREATE TABLE master_source_list (
        plant               text        NOT NULL,
        material            text        NOT NULL,
        supplier            text        NOT NULL,
        lead_time_days      integer     NOT NULL,
        valid_from          date        NOT NULL,
        valid_to            date,
        version_id          bigint      NOT NULL,
        CONSTRAINT pk_master_source_list PRIMARY KEY (plant, material, supplier, valid_from),
        CONSTRAINT fk_master_source_list_plant FOREIGN KEY (plant) REFERENCES master_plant (plant),
        CONSTRAINT fk_master_source_list_material FOREIGN KEY (material) REFERENCES master_material (material),
        CONSTRAINT ck_master_source_list_lead_time CHECK (lead_time_days >= 0),
        CONSTRAINT ck_master_source_list_validity CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`);
    await q.query(`
      CREATE TABLE plant_event (
        producer_key        text        NOT NULL,
        type                text        NOT NULL,
        plant               text        NOT NULL,
        material            text        NOT NULL,
        channel             text        NOT NULL,
        occurred_at         timestamptz NOT NULL,
        received_at         timestamptz NOT NULL DEFAULT now(),
        late                boolean     NOT NULL DEFAULT false,
        event               jsonb       NOT NULL,
        CONSTRAINT pk_plant_event PRIMARY KEY (producer_key),
        CONSTRAINT ck_plant_event_channel CHECK (channel IN ('api', 'mqtt', 'procurement'))
      )`);
    await q.query(`CREATE INDEX ix_plant_event_late ON plant_event (plant, received_at) WHERE late`);
    await q.query(`
      CREATE TABLE stock_movement (
        producer_key        text        NOT NULL,
        seq                 smallint    NOT NULL,
        plant               text        NOT NULL,
        material            text        NOT NULL,
        kind                text        NOT NULL,
        quantity            numeric     NOT NULL,
        occurred_at         timestamptz NOT NULL,
        CONSTRAINT pk_stock_movement PRIMARY KEY (producer_key, seq),
        CONSTRAINT ck_stock_movement_kind CHECK (kind IN ('consumed', 'produced', 'adjusted', 'received', 'opening'))
      )`);
    await q.query(
      `CREATE INDEX ix_stock_movement_material ON stock_movement (plant, material, occurred_at, producer_key)`,
    );
    await q.query(`
      CREATE TABLE stock_balance (
        plant               text        NOT NULL,
        material            text        NOT NULL,
        on_hand             numeric     NOT NULL DEFAULT 0,
        allocated           numeric     NOT NULL DEFAULT 0,
        movements           bigint      NOT NULL DEFAULT 0,
        last_occurred_at    timestamptz,
        opening_at          timestamptz,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_stock_balance PRIMARY KEY (plant, material),
        CONSTRAINT ck_stock_balance_allocated CHECK (allocated >= 0)
      )`);
    await q.query(`
      CREATE TABLE plant_event_rejected (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        producer_key        text,
        channel             text        NOT NULL,
        topic               text,
        reason              text        NOT NULL,
        details             jsonb       NOT NULL DEFAULT '[]',
        body                jsonb       NOT NULL,
        times               integer     NOT NULL DEFAULT 1,
        first_seen_at       timestamptz NOT NULL DEFAULT now(),
        last_seen_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_plant_event_rejected PRIMARY KEY (id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_plant_event_rejected_producer ON plant_event_rejected (producer_key)
        WHERE producer_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_plant_event_rejected_seen ON plant_event_rejected (last_seen_at DESC)`);
    await q.query(`
      CREATE TABLE stock_reconciliation (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        plant               text        NOT NULL,
        material            text        NOT NULL,
        gateway_on_hand     numeric     NOT NULL,
        erp_on_hand         numeric,
        variance            numeric,
        beyond_threshold    boolean     NOT NULL,
        erp_as_of           timestamptz,
        checked_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_stock_reconciliation PRIMARY KEY (id)
      )`);
    await q.query(
      `CREATE INDEX ix_stock_reconciliation_material ON stock_reconciliation (plant, material, checked_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'stock_reconciliation',
      'plant_event_rejected',
      'stock_balance',
      'stock_movement',
      'plant_event',
      'master_source_list',
      'master_bom_item',
      'master_unit_conversion',
      'master_material',
      'master_plant',
      'master_data_version',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
