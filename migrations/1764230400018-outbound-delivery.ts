import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound delivery: one row per document the gateway sends a partner (a PO, a PO change or
 * cancellation, the functional acknowledgment of an inbound interchange), with its rendered payload
 * in the archive, its channel, its delivery state and the answer it waits for:
 * - `outbound_document`: keyed by what caused it (`source_key`: the outbound intent, or the inbound
 *   interchange an acknowledgment answers), so rendering twice makes one document;
 * - the functional-acknowledgment timer (`fa_due_at`, `fa_status`) starts when the document is
 *   delivered and ends when the partner's 997 / 999 / CONTRL for it arrives;
 * - `platform_ref`: the id a supplier platform gave the document, polled for its acknowledgment.
 */
export class OutboundDelivery1764230400018 implements MigrationInterface {
  name = 'OutboundDelivery1764230400018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_document (
        id                  bigint GENERATED ALWAYS AS IDENTITY,
        partner_id          text        NOT NULL,
        source_key          text        NOT NULL,
        kind                text        NOT NULL,
        intent_id           bigint,
        po_number           text,
        po_revision         integer,
        standard            text        NOT NULL,
        message_type        text        NOT NULL,
        channel             text        NOT NULL,
        interchange_id      bigint      NOT NULL,
        filename            text        NOT NULL,
        control_reference   text,
        group_reference     text,
        set_references      text[]      NOT NULL DEFAULT '{}',
        status              text        NOT NULL DEFAULT 'pending',
        status_detail       text,
        attempts            integer     NOT NULL DEFAULT 0,
        delivered_at        timestamptz,
        platform_ref        text,
        fa_expected         boolean     NOT NULL DEFAULT false,
        fa_due_at           timestamptz,
        fa_status           text,
        fa_interchange_id   bigint,
        correlation_id      text        NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_outbound_document PRIMARY KEY (id),
        CONSTRAINT uq_outbound_document_source UNIQUE (source_key),
        CONSTRAINT fk_outbound_document_intent FOREIGN KEY (intent_id) REFERENCES outbound_intent (id),
        CONSTRAINT fk_outbound_document_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT ck_outbound_document_kind CHECK (kind IN ('purchase-order', 'po-change', 'po-cancellation', 'functional-ack')),
        CONSTRAINT ck_outbound_document_standard CHECK (standard IN ('x12', 'edifact', 'json')),
        CONSTRAINT ck_outbound_document_channel CHECK (
          channel IN ('sftp-mailbox', 'sftp-upload', 'as2', 'webhook', 'api', 'platform')),
        CONSTRAINT ck_outbound_document_status CHECK (
          status IN ('pending', 'delivered', 'awaiting-pickup', 'picked-up', 'waiting-transport', 'failed', 'cancelled')),
        CONSTRAINT ck_outbound_document_fa_status CHECK (
          fa_status IS NULL OR fa_status IN ('waiting', 'accepted', 'accepted-with-errors', 'partially-accepted', 'rejected', 'overdue'))
      )`);
    await q.query(`CREATE INDEX ix_outbound_document_partner ON outbound_document (partner_id, id)`);
    await q.query(`CREATE INDEX ix_outbound_document_status ON outbound_document (status, id)`);
    await q.query(`CREATE INDEX ix_outbound_document_po ON outbound_document (partner_id, po_number)`);
    await q.query(
      `CREATE INDEX ix_outbound_document_group ON outbound_document (partner_id, group_reference) WHERE group_reference IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_outbound_document_control ON outbound_document (partner_id, control_reference) WHERE control_reference IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_outbound_document_fa_waiting ON outbound_document (fa_due_at) WHERE fa_status = 'waiting'`,
    );
    await q.query(
      `CREATE INDEX ix_outbound_document_platform ON outbound_document (partner_id) WHERE channel = 'platform' AND platform_ref IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbound_document`);
  }
}
