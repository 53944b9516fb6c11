import type { MigrationInterface, QueryRunner } from 'typeorm';

const ANSWERS = `('purchase-order.acknowledged', 'purchase-order.change-answered')`;

/**
 * Rolling upgrades across 1764230400043 (docs/scorecards.md, Performance). A process still running
 * code from before 043 writes answers' history entries without `answered_revision`, and the
 * acknowledgment log would read those as answers naming no revision.
 * - A BEFORE INSERT trigger fills an answer's `answered_revision` from its canonical event (the same
 *   expression as the 043 backfill) when the insert leaves it null. The event is stored first, in the
 *   same transaction (CanonicalEventStore.append calls the order lifecycle after its insert). A value
 *   the insert names is kept; an answer naming no revision costs one primary-key lookup.
 * - The answers written between 043 and this migration by such a process are backfilled.
 */
export class AnsweredRevisionTrigger1764230400044 implements MigrationInterface {
  name = 'AnsweredRevisionTrigger1764230400044';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION purchase_order_history_answered_revision() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT e.payload #>> '{payload,purchaseOrder,revision}' INTO NEW.answered_revision
          FROM canonical_event e WHERE e.id = NEW.event_id;
        RETURN NEW;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER purchase_order_history_answered_revision
        BEFORE INSERT ON purchase_order_history FOR EACH ROW
        WHEN (NEW.what IN ${ANSWERS} AND NEW.answered_revision IS NULL AND NEW.event_id IS NOT NULL)
        EXECUTE FUNCTION purchase_order_history_answered_revision()`);
    // After the trigger: CREATE TRIGGER waits for the transactions inserting into the table and holds
    // them off until this one commits, so every entry written without the trigger is committed and
    // seen by this update.
    await q.query(`
      UPDATE purchase_order_history h SET answered_revision = e.payload #>> '{payload,purchaseOrder,revision}'
        FROM canonical_event e
       WHERE e.id = h.event_id AND h.what IN ${ANSWERS} AND h.answered_revision IS NULL
         AND e.payload #>> '{payload,purchaseOrder,revision}' IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER purchase_order_history_answered_revision ON purchase_order_history`);
    await q.query(`DROP FUNCTION purchase_order_history_answered_revision()`);
  }
}
