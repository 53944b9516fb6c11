import type { MigrationInterface, QueryRunner } from 'typeorm';

const ANSWERS = `('purchase-order.acknowledged', 'purchase-order.change-answered')`;
const LOGGED = `('purchase-order.issued', 'purchase-order.changed', 'purchase-order.acknowledged', 'purchase-order.change-answered')`;

/**
 * Partner health at scale (docs/scorecards.md, Performance): the acknowledgment log read the order
 * revision each answer names out of the answer's canonical event (`payload.purchaseOrder.revision`),
 * an expression over the event table. With tens of thousands of answers in the 30-day window the
 * planner hashed every stored event for it (1.3–1.6 s at 100,000 orders, growing with all events, not
 * with the window).
 * - `purchase_order_history.answered_revision`: the revision an answer names, as the supplier sent it
 *   (text, like the event), written with the answer's history entry; null for other entries and for
 *   answers naming none. Backfilled from the answers' events.
 * - the log per order, read from an index alone: requests and answers with the columns the log needs;
 * - the delivery of a request's revision, read from an index alone.
 */
export class AnsweredRevision1764230400043 implements MigrationInterface {
  name = 'AnsweredRevision1764230400043';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE purchase_order_history ADD COLUMN answered_revision text`);
    await q.query(`
      UPDATE purchase_order_history h SET answered_revision = e.payload #>> '{payload,purchaseOrder,revision}'
        FROM canonical_event e
       WHERE e.id = h.event_id AND h.what IN ${ANSWERS}
         AND e.payload #>> '{payload,purchaseOrder,revision}' IS NOT NULL`);
    await q.query(
      `CREATE INDEX ix_purchase_order_history_answer_log ON purchase_order_history (po_id, id)
         INCLUDE (what, document_revision, answered_revision, at) WHERE what IN ${LOGGED}`,
    );
    await q.query(
      `CREATE INDEX ix_outbound_document_po_revision ON outbound_document (partner_id, po_number, po_revision)
         INCLUDE (delivered_at, status) WHERE kind <> 'functional-ack'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_outbound_document_po_revision`);
    await q.query(`DROP INDEX ix_purchase_order_history_answer_log`);
    await q.query(`ALTER TABLE purchase_order_history DROP COLUMN answered_revision`);
  }
}
