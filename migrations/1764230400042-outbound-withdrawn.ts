import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `withdrawn`: what was queued for a partner and taken back when its order ended (the ERP closed or
 * cancelled it; OutboundWithdrawalService) before it went:
 * - an outbound intent not rendered yet. Until now it was marked `failed`, the state of an intent
 *   that could not be rendered or whose document failed, so operators could not tell the two apart.
 *   Intents withdrawn before this migration are recognised by what a failure always leaves and a
 *   withdrawal never does: a failed rendering raises a case keyed by the intent, a failed delivery
 *   has a document; a withdrawn intent has neither, and its order has ended;
 * - a webhook-subscription message announcing a document withdrawn, not delivered yet (retried, or
 *   failed): its next try sends nothing, and it is not redelivered.
 */
export class OutboundWithdrawn1764230400042 implements MigrationInterface {
  name = 'OutboundWithdrawn1764230400042';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbound_intent DROP CONSTRAINT ck_outbound_intent_status`);
    await q.query(
      `ALTER TABLE outbound_intent ADD CONSTRAINT ck_outbound_intent_status
         CHECK (status IN ('waiting', 'rendered', 'sent', 'failed', 'withdrawn'))`,
    );
    await q.query(`
      UPDATE outbound_intent i SET status = 'withdrawn'
       WHERE i.status = 'failed'
         AND EXISTS (SELECT 1 FROM purchase_order o WHERE o.id = i.po_id AND o.state IN ('closed', 'cancelled'))
         AND NOT EXISTS (SELECT 1 FROM outbound_document d WHERE d.intent_id = i.id)
         AND NOT EXISTS (SELECT 1 FROM exception_case x
                          WHERE x.type = 'outbound.delivery-failed' AND x.dedupe_key = 'outbound-intent:' || i.id)`);
    await q.query(`ALTER TABLE webhook_delivery DROP CONSTRAINT ck_webhook_delivery_status`);
    await q.query(
      `ALTER TABLE webhook_delivery ADD CONSTRAINT ck_webhook_delivery_status
         CHECK (status IN ('pending', 'delivered', 'failed', 'withdrawn'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE webhook_delivery SET status = 'failed' WHERE status = 'withdrawn'`);
    await q.query(`ALTER TABLE webhook_delivery DROP CONSTRAINT ck_webhook_delivery_status`);
    await q.query(
      `ALTER TABLE webhook_delivery ADD CONSTRAINT ck_webhook_delivery_status
         CHECK (status IN ('pending', 'delivered', 'failed'))`,
    );
    await q.query(`UPDATE outbound_intent SET status = 'failed' WHERE status = 'withdrawn'`);
    await q.query(`ALTER TABLE outbound_intent DROP CONSTRAINT ck_outbound_intent_status`);
    await q.query(
      `ALTER TABLE outbound_intent ADD CONSTRAINT ck_outbound_intent_status
         CHECK (status IN ('waiting', 'rendered', 'sent', 'failed'))`,
    );
  }
}
