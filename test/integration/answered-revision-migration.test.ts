import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AnsweredRevision1764230400043 } from '../../migrations/1764230400043-answered-revision.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { MIGRATION_ENGINES, migrationDatabase } from '../support/migration-database.js';

/**
 * Migration 043 on both engines the gateway runs on: PostgreSQL, and the embedded PGlite of
 * `npm start`. A database migrated to the one before holds an order's history as the gateway wrote
 * it then (answers with their events, the revision only in the event); the gateway's own migration
 * run then applies 043, which copies each answer's revision onto its history entry.
 */
describe.each(MIGRATION_ENGINES)(
  'migration 043 (the revision an answer names, on its history entry) on $engine',
  ({ embedded }) => {
    const { withDataSource, migrate } = migrationDatabase('migration-043', embedded);

    it("fills each answer's entry with the revision its event names, and nothing else", async () => {
      const at = MIGRATIONS.indexOf(AnsweredRevision1764230400043);
      await withDataSource(MIGRATIONS.slice(0, at), async (dataSource) => {
        await dataSource.runMigrations({ transaction: 'each' });
        await seed(dataSource);
      });

      expect(await migrate()).toEqual(MIGRATIONS.slice(at).map((m) => m.name));

      await withDataSource(MIGRATIONS, async (dataSource) => {
        const rows = (await dataSource.query(
          `SELECT summary, answered_revision FROM purchase_order_history ORDER BY id`,
        )) as { summary: string; answered_revision: string | null }[];
        expect(rows).toEqual([
          { summary: 'issued', answered_revision: null },
          { summary: 'acknowledged naming 0', answered_revision: '0' },
          { summary: 'changed', answered_revision: null },
          { summary: 'acknowledged naming 0 again (stale)', answered_revision: '0' },
          { summary: 'change answered naming 01', answered_revision: '01' },
          { summary: 'acknowledged naming none', answered_revision: null },
          { summary: 'acknowledged, event not stored', answered_revision: null },
        ]);
      });
    });
  },
);

/**
 * One order's history as the gateway wrote it before 043: requests, answers naming a revision (one
 * as text the supplier padded), one naming none, and one whose event the table does not hold.
 */
async function seed(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (tx) => {
    const [order] = (await tx.query(
      `INSERT INTO purchase_order (partner_id, po_number, revision, state, currency, order_date, ship_to, correlation_id)
       VALUES ('acme-fasteners', '4500004301', 1, 'acknowledged', 'EUR', '2026-11-27', '1000', 'po:4500004301')
       RETURNING id::text AS id`,
    )) as { id: string }[];
    let n = 0;
    const entry = async (what: string, summary: string, revision?: string | null) => {
      n += 1;
      const eventId = revision === undefined ? null : `00000000-0000-4000-8000-00000000000${n}`;
      if (eventId && revision !== null)
        await tx.query(
          `INSERT INTO canonical_event (id, type, schema_version, partner_id, document_kind, document_number,
                                        document_revision, correlation_id, occurred_at, payload)
           VALUES ($1, $2, 'v1', 'acme-fasteners', 'original', $3, '1', 'po:4500004301', now(), $4)`,
          [
            eventId,
            what,
            `SO-${n}`,
            JSON.stringify({
              payload: {
                purchaseOrder: { number: '4500004301', ...(revision === '' ? {} : { revision }) },
              },
            }),
          ],
        );
      await tx.query(
        `INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, to_state, summary,
                                             event_id, correlation_id)
         VALUES ($1, $2, $3, '1', 'acknowledged', $4, $5, 'po:4500004301')`,
        [order!.id, what, `SO-${n}`, summary, eventId],
      );
    };
    await entry('purchase-order.issued', 'issued');
    await entry('purchase-order.acknowledged', 'acknowledged naming 0', '0');
    await entry('purchase-order.changed', 'changed');
    await entry('purchase-order.acknowledged', 'acknowledged naming 0 again (stale)', '0');
    await entry('purchase-order.change-answered', 'change answered naming 01', '01');
    await entry('purchase-order.acknowledged', 'acknowledged naming none', '');
    await entry('purchase-order.acknowledged', 'acknowledged, event not stored', null);
  });
}
