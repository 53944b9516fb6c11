import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { OutboundWithdrawn1764230400042 } from '../../migrations/1764230400042-outbound-withdrawn.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { MIGRATION_ENGINES, migrationDatabase } from '../support/migration-database.js';

/**
 * Migration 042 on both engines the gateway runs on: PostgreSQL, and the embedded PGlite of
 * `npm start` (no DATABASE_URL). A database migrated to the one before is given the intents an
 * order's end withdrew while `failed` was their only state, intents that really failed and a webhook
 * message; the gateway's own migration run then applies 042.
 */
describe.each(MIGRATION_ENGINES)(
  'migration 042 (withdrawn intents and webhook messages) on $engine',
  ({ embedded }) => {
    const { withDataSource, migrate } = migrationDatabase('migration-042', embedded);

    it('marks the intents an ended order withdrew `withdrawn`, leaves real failures failed, and admits the state for intents and webhook messages', async () => {
      const at = MIGRATIONS.indexOf(OutboundWithdrawn1764230400042);
      const before = MIGRATIONS.slice(0, at);
      const intents = await withDataSource(before, async (dataSource) => {
        await dataSource.runMigrations({ transaction: 'each' });
        return seed(dataSource);
      });

      // As the gateway starts: its own migration run, then the embedded engine's one connection freed.
      // 042 first, then the migrations after it.
      expect(await migrate()).toEqual(MIGRATIONS.slice(at).map((m) => m.name));

      await withDataSource(MIGRATIONS, async (dataSource) => {
        const statusOf = async (id: string) =>
          (
            (await dataSource.query(`SELECT status FROM outbound_intent WHERE id = $1`, [id])) as {
              status: string;
            }[]
          )[0]!.status;
        expect(await statusOf(intents.withdrawnByClose)).toBe('withdrawn');
        expect(await statusOf(intents.withdrawnByCancel)).toBe('withdrawn');
        expect(await statusOf(intents.refusedRendering)).toBe('failed');
        expect(await statusOf(intents.failedDelivery)).toBe('failed');
        expect(await statusOf(intents.failedOfOpenOrder)).toBe('failed');
        // The state is admitted from now on, and the constraint still refuses one it does not know.
        await dataSource.query(`UPDATE outbound_intent SET status = 'withdrawn' WHERE id = $1`, [
          intents.failedOfOpenOrder,
        ]);
        await expect(
          dataSource.query(`UPDATE outbound_intent SET status = 'gone' WHERE id = $1`, [
            intents.withdrawnByClose,
          ]),
        ).rejects.toThrow(/ck_outbound_intent_status/);
        await dataSource.query(`UPDATE webhook_delivery SET status = 'withdrawn' WHERE id = $1`, [
          intents.webhookMessage,
        ]);
        await expect(
          dataSource.query(`UPDATE webhook_delivery SET status = 'gone' WHERE id = $1`, [
            intents.webhookMessage,
          ]),
        ).rejects.toThrow(/ck_webhook_delivery_status/);
      });
    });
  },
);

/**
 * Intents as the gateway left them before migration 042: withdrawn by an order closed or cancelled
 * (failed, no document, no case), a rendering refused (failed, with its case), a delivery failed
 * (failed, with its document), and one of an order still open; and a webhook message about that
 * document, still being tried.
 */
async function seed(dataSource: DataSource): Promise<Record<string, string>> {
  return dataSource.transaction(async (tx) => {
    const order = async (poNumber: string, state: string): Promise<string> =>
      (
        (await tx.query(
          `INSERT INTO purchase_order (partner_id, po_number, revision, state, currency, order_date, ship_to, correlation_id)
           VALUES ('acme-fasteners', $1, 3, $2, 'EUR', '2026-11-27', '1000', $1) RETURNING id::text AS id`,
          [poNumber, state],
        )) as { id: string }[]
      )[0]!.id;
    const intent = async (orderId: string, revision: number): Promise<string> =>
      (
        (await tx.query(
          `INSERT INTO outbound_intent (partner_id, po_id, event_type, revision, status, event, correlation_id)
           VALUES ('acme-fasteners', $1, 'purchase-order.changed', $2, 'failed', '{}', 'migration-042')
           RETURNING id::text AS id`,
          [orderId, revision],
        )) as { id: string }[]
      )[0]!.id;

    const closed = await order('4500004201', 'closed');
    const cancelled = await order('4500004202', 'cancelled');
    const open = await order('4500004203', 'changed');
    const refusedRendering = await intent(closed, 0);
    await tx.query(
      `INSERT INTO exception_case (type, severity, dedupe_key, state_changed_by, correlation_id)
       VALUES ('outbound.delivery-failed', 'high', $1, 'gateway', 'migration-042')`,
      [`outbound-intent:${refusedRendering}`],
    );
    const failedDelivery = await intent(closed, 1);
    const [archived] = (await tx.query(
      `INSERT INTO interchange (direction, channel, partner_id, sha256, size_bytes, content, status, correlation_id)
       VALUES ('outbound', 'api', 'acme-fasteners', repeat('0', 64), 1, '\\x41', 'failed', 'migration-042')
       RETURNING id::text AS id`,
    )) as { id: string }[];
    await tx.query(
      `INSERT INTO outbound_document (partner_id, source_key, kind, intent_id, po_number, po_revision, standard,
                                      message_type, channel, interchange_id, filename, status, correlation_id)
       VALUES ('acme-fasteners', $1, 'po-change', $2, '4500004201', 1, 'x12', '860', 'api', $3, 'po-change.x12',
               'failed', 'migration-042')`,
      [`intent:${failedDelivery}`, failedDelivery, archived!.id],
    );
    const [subscription] = (await tx.query(
      `INSERT INTO webhook_subscription (partner_id, url, event_types, secret)
       VALUES ('acme-fasteners', 'https://erp.acme.example/hooks', '{purchase-order.changed}', 'whsec_c2VjcmV0')
       RETURNING id::text AS id`,
    )) as { id: string }[];
    const [message] = (await tx.query(
      `INSERT INTO webhook_delivery (subscription_id, partner_id, source_key, event_type, body, correlation_id)
       VALUES ($1, 'acme-fasteners', 'migration-042', 'purchase-order.changed', '{}', 'migration-042')
       RETURNING id::text AS id`,
      [subscription!.id],
    )) as { id: string }[];
    return {
      webhookMessage: message!.id,
      refusedRendering,
      failedDelivery,
      withdrawnByClose: await intent(closed, 2),
      withdrawnByCancel: await intent(cancelled, 2),
      failedOfOpenOrder: await intent(open, 2),
    };
  });
}
