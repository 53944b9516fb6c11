import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner health and scorecards (#20, src/portal/scorecards): the indexes their queries need to stay
 * fast at 100,000 orders across 50 partners.
 * - last inbound / outbound message and inbound channel errors per partner: a backward index scan
 *   per partner and direction, not a scan of the archive;
 * - functional acknowledgments due per partner in a window;
 * - goods receipts per partner (the receipt's event names it) and per ship notice (ASN accuracy);
 * - orders issued or changed in a window (every partner's acknowledgment timeliness), by time.
 */
export class PartnerScorecards1764230400027 implements MigrationInterface {
  name = 'PartnerScorecards1764230400027';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_interchange_partner_direction ON interchange (partner_id, direction, received_at)`,
    );
    await q.query(
      `CREATE INDEX ix_outbound_document_fa_due ON outbound_document (partner_id, fa_due_at) WHERE fa_expected`,
    );
    await q.query(
      `CREATE INDEX ix_goods_receipt_partner ON goods_receipt ((event ->> 'partnerId'), received_at)`,
    );
    await q.query(
      `CREATE INDEX ix_goods_receipt_notice ON goods_receipt (ship_notice_id) WHERE ship_notice_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_purchase_order_history_request ON purchase_order_history (at)
        WHERE what IN ('purchase-order.issued', 'purchase-order.changed')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_purchase_order_history_request`);
    await q.query(`DROP INDEX ix_goods_receipt_notice`);
    await q.query(`DROP INDEX ix_goods_receipt_partner`);
    await q.query(`DROP INDEX ix_outbound_document_fa_due`);
    await q.query(`DROP INDEX ix_interchange_partner_direction`);
  }
}
