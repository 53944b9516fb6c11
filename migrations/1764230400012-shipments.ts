import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ship notices and goods receipts against purchase orders:
 * - `ship_notice`: one row per supplier shipment, with the revisions applied (a replacement amends,
 *   a cancellation reverses) and whether its ERP posting is held for a buyer;
 * - `ship_notice_line`: what the latest revision ships per order line (replaced on each revision),
 *   from which each line's shipped quantity is summed;
 * - `goods_receipt`: one row per plant receipt, applied once.
 */
export class Shipments1764230400012 implements MigrationInterface {
  name = 'Shipments1764230400012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ship_notice (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        partner_id          text        NOT NULL,
        shipment_number     text        NOT NULL,
        revisions           integer     NOT NULL DEFAULT 0,
        status              text        NOT NULL DEFAULT 'active',
        posted              boolean     NOT NULL DEFAULT false,
        correlation_id      text        NOT NULL,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_ship_notice PRIMARY KEY (id),
        CONSTRAINT uq_ship_notice_shipment UNIQUE (partner_id, shipment_number),
        CONSTRAINT ck_ship_notice_status CHECK (status IN ('active', 'held', 'cancelled'))
      )`);
    await q.query(`
      CREATE TABLE ship_notice_line (
        ship_notice_id      bigint      NOT NULL,
        po_id               bigint      NOT NULL,
        line_number         text        NOT NULL,
        quantity            numeric     NOT NULL,
        CONSTRAINT pk_ship_notice_line PRIMARY KEY (ship_notice_id, po_id, line_number),
        CONSTRAINT fk_ship_notice_line_notice FOREIGN KEY (ship_notice_id) REFERENCES ship_notice (id),
        CONSTRAINT fk_ship_notice_line_order_line FOREIGN KEY (po_id, line_number)
          REFERENCES purchase_order_line (po_id, line_number),
        CONSTRAINT ck_ship_notice_line_quantity CHECK (quantity > 0)
      )`);
    await q.query(`CREATE INDEX ix_ship_notice_line_order_line ON ship_notice_line (po_id, line_number)`);
    await q.query(`
      CREATE TABLE goods_receipt (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        plant               text        NOT NULL,
        receipt_number      text        NOT NULL,
        ship_notice_id      bigint,
        event               jsonb       NOT NULL,
        received_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_goods_receipt PRIMARY KEY (id),
        CONSTRAINT uq_goods_receipt_number UNIQUE (plant, receipt_number),
        CONSTRAINT fk_goods_receipt_notice FOREIGN KEY (ship_notice_id) REFERENCES ship_notice (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE goods_receipt`);
    await q.query(`DROP TABLE ship_notice_line`);
    await q.query(`DROP TABLE ship_notice`);
  }
}
