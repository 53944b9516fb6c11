import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a case is bound to, beyond its dedupe key:
 * - `po_revision`: the order revision a supplier's answer was matched against, so a buyer cannot
 *   accept a deviation once the order has moved on to a revision the supplier has not answered
 *   (cases raised before this migration have none and are accepted as before);
 * - `occurrence`: which occurrence of the problem the latest raise was (a delivery round, a replay,
 *   a webhook message), so the same problem coming back reopens a decided case while a retried job
 *   raising the same occurrence again does not; a notification of that reopening has its reason.
 */
export class CaseRevisionAndOccurrence1764230400033 implements MigrationInterface {
  name = 'CaseRevisionAndOccurrence1764230400033';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exception_case ADD COLUMN po_revision integer, ADD COLUMN occurrence text`);
    await q.query(
      `ALTER TABLE exception_case ADD CONSTRAINT ck_exception_case_po_revision CHECK (po_revision >= 0)`,
    );
    await q.query(`ALTER TABLE notification DROP CONSTRAINT ck_notification_reason`);
    await q.query(
      `ALTER TABLE notification ADD CONSTRAINT ck_notification_reason
         CHECK (reason IN ('raised', 'reopened', 'assigned', 'escalated', 'severity-raised'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification DROP CONSTRAINT ck_notification_reason`);
    await q.query(
      `ALTER TABLE notification ADD CONSTRAINT ck_notification_reason
         CHECK (reason IN ('raised', 'assigned', 'escalated', 'severity-raised'))`,
    );
    await q.query(`ALTER TABLE exception_case DROP COLUMN occurrence, DROP COLUMN po_revision`);
  }
}
