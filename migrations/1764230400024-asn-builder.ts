import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ASN builder (issue #19, docs/asn-builder.md): ship notices a supplier builds in the gateway
 * instead of sending an 856 / DESADV.
 * - `ship_notice_draft`: the builder's document (shipment header and the pallet → carton → item
 *   hierarchy) as JSON, its state, and the revision submitted last (each submission goes through the
 *   partner document path as a JSON ship notice, archived like any other);
 * - `sscc_serial`: the next serial reference per GS1 Company Prefix, so SSCCs are never reused;
 * - `master_material.lot_managed`: materials that ship with lot numbers.
 */
export class AsnBuilder1764230400024 implements MigrationInterface {
  name = 'AsnBuilder1764230400024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ship_notice_draft (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        partner_id          text        NOT NULL,
        shipment_number     text        NOT NULL,
        status              text        NOT NULL DEFAULT 'draft',
        revision            integer,
        body                jsonb       NOT NULL,
        interchange_id      bigint,
        created_by          text        NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        submitted_at        timestamptz,
        CONSTRAINT pk_ship_notice_draft PRIMARY KEY (id),
        CONSTRAINT uq_ship_notice_draft_shipment UNIQUE (partner_id, shipment_number),
        CONSTRAINT ck_ship_notice_draft_status CHECK (status IN ('draft', 'submitted', 'cancelled'))
      )`);
    await q.query(`CREATE INDEX ix_ship_notice_draft_partner ON ship_notice_draft (partner_id, id DESC)`);
    // Materials shipped with lot numbers (master data `lotManaged`): the builder requires their lots.
    await q.query(`ALTER TABLE master_material ADD COLUMN lot_managed boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE sscc_serial (
        company_prefix      text        NOT NULL,
        next_serial         bigint      NOT NULL,
        CONSTRAINT pk_sscc_serial PRIMARY KEY (company_prefix)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sscc_serial`);
    await q.query(`ALTER TABLE master_material DROP COLUMN lot_managed`);
    await q.query(`DROP TABLE ship_notice_draft`);
  }
}
