import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the portal's busiest pages at scale (`npm run bench:portal`: 100,000 orders across 50
 * partners): the inbox counts and pages a partner's orders by state and last change without visiting
 * the table, and an order's timeline finds the documents received about it by PO number instead of
 * reading every interchange of the partner.
 */
export class PortalPages1764230400029 implements MigrationInterface {
  name = 'PortalPages1764230400029';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_purchase_order_partner_state ON purchase_order (partner_id, state, updated_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX ix_interchange_partner_po ON interchange (partner_id, (metadata ->> 'poNumber'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_interchange_partner_po`);
    await q.query(`DROP INDEX ix_purchase_order_partner_state`);
  }
}
