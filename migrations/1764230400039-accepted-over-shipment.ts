import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How much of an order line a buyer agreed to receive when accepting an over-shipment: a later
 * notice that keeps the line's shipped total within it is not held for the same decision again,
 * and one that ships beyond it is. Null while no over-shipment of the line was accepted.
 */
export class AcceptedOverShipment1764230400039 implements MigrationInterface {
  name = 'AcceptedOverShipment1764230400039';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE purchase_order_line ADD COLUMN accepted_shipped_quantity numeric`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE purchase_order_line DROP COLUMN accepted_shipped_quantity`);
  }
}
