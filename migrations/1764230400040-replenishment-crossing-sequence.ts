import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many crossings a material's watch has seen. A crossing's key (and so its one recommendation)
 * names this number with the event that moved the balance last: a material that comes back above
 * its reorder point without a stock movement (a new order) and falls below again (the order
 * cancelled) crosses anew on the same last movement, and that second crossing must not be taken
 * for the first one. Existing watches start at 0; their next crossing is 1, unlike any key before.
 */
export class ReplenishmentCrossingSequence1764230400040 implements MigrationInterface {
  name = 'ReplenishmentCrossingSequence1764230400040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE replenishment_watch ADD COLUMN crossings integer NOT NULL DEFAULT 0`);
    await q.query(
      `ALTER TABLE replenishment_watch ADD CONSTRAINT ck_replenishment_watch_crossings CHECK (crossings >= 0)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE replenishment_watch DROP COLUMN crossings`);
  }
}
