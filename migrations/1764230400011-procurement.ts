import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The purchase-order lifecycle, per partner:
 * - `purchase_order` and `purchase_order_line`: each order at its latest ERP revision, its state,
 *   and per line what the supplier confirmed and what the buyer decided;
 * - `purchase_order_history`: every transition and every document applied, in order;
 * - `outbound_intent`: a document the partner must receive (a PO, a change, a cancellation) until
 *   the outbound delivery renders and sends it; keyed so a revision is intended once;
 * - `parked_document`: a supplier document that arrived before the order it refers to, applied when
 *   the order arrives.
 */
export class Procurement1764230400011 implements MigrationInterface {
  name = 'Procurement1764230400011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE purchase_order (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        partner_id          text        NOT NULL,
        po_number           text        NOT NULL,
        revision            integer     NOT NULL,
        state               text        NOT NULL,
        plant               text,
        currency            text        NOT NULL,
        order_date          date        NOT NULL,
        ship_to             text        NOT NULL,
        confirmations       integer     NOT NULL DEFAULT 0,
        correlation_id      text        NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_purchase_order PRIMARY KEY (id),
        CONSTRAINT uq_purchase_order_number UNIQUE (po_number),
        CONSTRAINT ck_purchase_order_state CHECK (state IN ('issued', 'acknowledged', 'acknowledged-with-changes',
          'rejected', 'changed', 'partially-shipped', 'shipped', 'partially-received', 'received', 'closed', 'cancelled')),
        CONSTRAINT ck_purchase_order_revision CHECK (revision >= 0)
      )`);
    await q.query(`CREATE INDEX ix_purchase_order_partner ON purchase_order (partner_id, id DESC)`);
    await q.query(`
      CREATE TABLE purchase_order_line (
        po_id               bigint      NOT NULL,
        line_number         text        NOT NULL,
        material            text        NOT NULL,
        supplier_part       text,
        quantity            numeric     NOT NULL,
        unit                text        NOT NULL,
        unit_price          numeric,
        delivery_date       date        NOT NULL,
        cancelled           boolean     NOT NULL DEFAULT false,
        ack_status          text,
        confirmed_quantity  numeric,
        confirmed_date      date,
        confirmed_price     numeric,
        decision            text,
        shipped_quantity    numeric     NOT NULL DEFAULT 0,
        received_quantity   numeric     NOT NULL DEFAULT 0,
        CONSTRAINT pk_purchase_order_line PRIMARY KEY (po_id, line_number),
        CONSTRAINT fk_purchase_order_line_order FOREIGN KEY (po_id) REFERENCES purchase_order (id),
        CONSTRAINT ck_purchase_order_line_decision CHECK (decision IS NULL OR decision IN ('accepted', 'held', 'buyer-accepted', 'countered')),
        CONSTRAINT ck_purchase_order_line_quantity CHECK (quantity >= 0)
      )`);
    await q.query(`
      CREATE TABLE purchase_order_history (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        po_id               bigint      NOT NULL,
        what                text        NOT NULL,
        document_number     text,
        document_revision   text,
        from_state          text,
        to_state            text        NOT NULL,
        summary             text        NOT NULL,
        event_id            uuid,
        correlation_id      text        NOT NULL,
        at                  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_purchase_order_history PRIMARY KEY (id),
        CONSTRAINT fk_purchase_order_history_order FOREIGN KEY (po_id) REFERENCES purchase_order (id)
      )`);
    await q.query(`CREATE INDEX ix_purchase_order_history_order ON purchase_order_history (po_id, id)`);
    await q.query(`
      CREATE TABLE outbound_intent (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        partner_id          text        NOT NULL,
        po_id               bigint      NOT NULL,
        event_type          text        NOT NULL,
        revision            integer     NOT NULL,
        status              text        NOT NULL DEFAULT 'waiting',
        event               jsonb       NOT NULL,
        correlation_id      text        NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_outbound_intent PRIMARY KEY (id),
        CONSTRAINT fk_outbound_intent_order FOREIGN KEY (po_id) REFERENCES purchase_order (id),
        CONSTRAINT uq_outbound_intent_revision UNIQUE (po_id, event_type, revision),
        CONSTRAINT ck_outbound_intent_status CHECK (status IN ('waiting', 'rendered', 'sent', 'failed'))
      )`);
    await q.query(
      `CREATE INDEX ix_outbound_intent_waiting ON outbound_intent (partner_id, id) WHERE status = 'waiting'`,
    );
    await q.query(`
      CREATE TABLE parked_document (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        partner_id          text        NOT NULL,
        po_number           text        NOT NULL,
        event_id            uuid        NOT NULL,
        event               jsonb       NOT NULL,
        parked_at           timestamptz NOT NULL DEFAULT now(),
        applied_at          timestamptz,
        CONSTRAINT pk_parked_document PRIMARY KEY (id),
        CONSTRAINT uq_parked_document_event UNIQUE (event_id)
      )`);
    await q.query(
      `CREATE INDEX ix_parked_document_order ON parked_document (po_number) WHERE applied_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'parked_document',
      'outbound_intent',
      'purchase_order_history',
      'purchase_order_line',
      'purchase_order',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
