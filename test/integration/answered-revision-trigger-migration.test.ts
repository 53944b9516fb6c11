import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AnsweredRevisionTrigger1764230400044 } from '../../migrations/1764230400044-answered-revision-trigger.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { MIGRATION_ENGINES, migrationDatabase } from '../support/migration-database.js';

const PO = '4500004401';

/**
 * Migration 044 on both engines the gateway runs on: PostgreSQL, and the embedded PGlite of
 * `npm start`. A process still running code from before 043 writes an answer's history entry without
 * `answered_revision` (the insert below is that code's); before 044 such an entry stays null, after
 * it the entry holds the revision the answer's event names.
 */
describe.each(MIGRATION_ENGINES)(
  'migration 044 (answers written by a process from before 043) on $engine',
  ({ embedded }) => {
    const { withDataSource, migrate } = migrationDatabase('migration-044', embedded);

    it("fills the revision an older process's answer names, on entries written before it and after", async () => {
      const at = MIGRATIONS.indexOf(AnsweredRevisionTrigger1764230400044);
      const orderId = await withDataSource(MIGRATIONS.slice(0, at), async (dataSource) => {
        await dataSource.runMigrations({ transaction: 'each' });
        const id = await order(dataSource);
        await olderProcessWrites(dataSource, id, 'purchase-order.acknowledged', 'between 043 and 044', '0');
        expect(await answeredRevisions(dataSource)).toEqual([
          { summary: 'between 043 and 044', answered_revision: null },
        ]);
        return id;
      });

      expect(await migrate()).toEqual(MIGRATIONS.slice(at).map((m) => m.name));

      await withDataSource(MIGRATIONS, async (dataSource) => {
        const write = (what: string, summary: string, revision: string | null) =>
          olderProcessWrites(dataSource, orderId, what, summary, revision);
        await write('purchase-order.acknowledged', 'acknowledged naming 1', '1');
        await write('purchase-order.change-answered', 'change answered naming 02', '02');
        await write('purchase-order.acknowledged', 'acknowledged naming none', '');
        await write('purchase-order.acknowledged', 'acknowledged, event not stored', null);
        // Not an answer: the revision in its event is the order's own, not one an answer names.
        await write('purchase-order.changed', 'changed', '2');
        // The current code names the revision itself (the answer's, as sent); the trigger keeps it.
        const named = await event(dataSource, 'purchase-order.acknowledged', 'SO-EXPLICIT', '3');
        await dataSource.query(
          `INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, to_state, summary,
                                               event_id, correlation_id, answered_revision)
           VALUES ($1, 'purchase-order.acknowledged', 'SO-EXPLICIT', '1', 'acknowledged', 'named by the insert',
                   $2, $3, '03')`,
          [orderId, named, `po:${PO}`],
        );

        expect(await answeredRevisions(dataSource)).toEqual([
          { summary: 'between 043 and 044', answered_revision: '0' },
          { summary: 'acknowledged naming 1', answered_revision: '1' },
          { summary: 'change answered naming 02', answered_revision: '02' },
          { summary: 'acknowledged naming none', answered_revision: null },
          { summary: 'acknowledged, event not stored', answered_revision: null },
          { summary: 'changed', answered_revision: null },
          { summary: 'named by the insert', answered_revision: '03' },
        ]);

        // Down: the trigger goes, and an older process's answer stays null again.
        await dataSource.undoLastMigration({ transaction: 'each' });
        await write('purchase-order.acknowledged', 'after down', '4');
        expect((await answeredRevisions(dataSource)).at(-1)).toEqual({
          summary: 'after down',
          answered_revision: null,
        });
      });
    });
  },
);

async function order(dataSource: DataSource): Promise<string> {
  const [row] = (await dataSource.query(
    `INSERT INTO purchase_order (partner_id, po_number, revision, state, currency, order_date, ship_to, correlation_id)
     VALUES ('acme-fasteners', $1, 1, 'acknowledged', 'EUR', '2026-11-28', '1000', $2)
     RETURNING id::text AS id`,
    [PO, `po:${PO}`],
  )) as { id: string }[];
  return row!.id;
}

/** Stores an event naming `revision` ('' for none) in its `purchaseOrder`; its id. */
async function event(
  db: Pick<EntityManager, 'query'>,
  type: string,
  documentNumber: string,
  revision: string,
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO canonical_event (id, type, schema_version, partner_id, document_kind, document_number,
                                  document_revision, correlation_id, occurred_at, payload)
     VALUES ($1, $2, 'v1', 'acme-fasteners', 'original', $3, '1', $4, now(), $5)`,
    [
      id,
      type,
      documentNumber,
      `po:${PO}`,
      JSON.stringify({
        payload: { purchaseOrder: { number: PO, ...(revision === '' ? {} : { revision }) } },
      }),
    ],
  );
  return id;
}

/**
 * An entry as the code before 043 wrote it (PurchaseOrderRepository.addHistory then): its event
 * first, then the entry without `answered_revision`. `revision` null: the event is not stored.
 */
async function olderProcessWrites(
  dataSource: DataSource,
  orderId: string,
  what: string,
  summary: string,
  revision: string | null,
): Promise<void> {
  const documentNumber = `SO-${summary}`;
  await dataSource.transaction(async (tx) => {
    const eventId = revision === null ? randomUUID() : await event(tx, what, documentNumber, revision);
    await tx.query(
      `INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, from_state, to_state,
              summary, event_id, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [orderId, what, documentNumber, '1', 'acknowledged', 'acknowledged', summary, eventId, `po:${PO}`],
    );
  });
}

async function answeredRevisions(
  dataSource: DataSource,
): Promise<{ summary: string; answered_revision: string | null }[]> {
  return (await dataSource.query(
    `SELECT summary, answered_revision FROM purchase_order_history ORDER BY id`,
  )) as { summary: string; answered_revision: string | null }[];
}
