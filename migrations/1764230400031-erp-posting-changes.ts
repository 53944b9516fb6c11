import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The changes (amend, reverse) of a posted ERP document, found by the document they change: the
 * reconciliation asks for them for every document it reads back (the latest posted change, and
 * whether one is still pending), and leaves out the documents with one pending.
 */
export class ErpPostingChanges1764230400031 implements MigrationInterface {
  name = 'ErpPostingChanges1764230400031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_erp_posting_target ON erp_posting (target_posting_id, status) WHERE target_posting_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_erp_posting_target`);
  }
}
