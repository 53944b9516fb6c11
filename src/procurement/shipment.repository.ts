import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decimal, type DecimalString } from '../canonical/decimal.js';
import { queryRows, type Queryable } from '../platform/database/sql.js';

export interface ShipNotice {
  readonly id: string;
  readonly partnerId: string;
  readonly shipmentNumber: string;
  readonly revisions: number;
  readonly status: 'active' | 'held' | 'cancelled';
  readonly posted: boolean;
  readonly correlationId: string;
}

const COLUMNS = `id::text AS id, partner_id, shipment_number, revisions, status, posted, correlation_id`;

interface Row {
  id: string;
  partner_id: string;
  shipment_number: string;
  revisions: number;
  status: ShipNotice['status'];
  posted: boolean;
  correlation_id: string;
}

const toNotice = (r: Row): ShipNotice => ({
  id: r.id,
  partnerId: r.partner_id,
  shipmentNumber: r.shipment_number,
  revisions: r.revisions,
  status: r.status,
  posted: r.posted,
  correlationId: r.correlation_id,
});

/** Ship notices, what each ships per order line, and goods receipts. */
@Injectable()
export class ShipmentRepository {
  /** The notice, created on its first revision, locked for the transaction. */
  async lockOrCreate(tx: EntityManager, partnerId: string, shipmentNumber: string, correlationId: string) {
    await tx.query(
      `INSERT INTO ship_notice (partner_id, shipment_number, correlation_id) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT uq_ship_notice_shipment DO NOTHING`,
      [partnerId, shipmentNumber, correlationId],
    );
    const [row] = await queryRows<Row>(
      tx,
      `SELECT ${COLUMNS} FROM ship_notice WHERE partner_id = $1 AND shipment_number = $2 FOR UPDATE`,
      [partnerId, shipmentNumber],
    );
    return toNotice(row!);
  }

  async byShipment(
    db: Queryable,
    partnerId: string | null,
    shipmentNumber: string,
  ): Promise<ShipNotice | undefined> {
    const [row] = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM ship_notice WHERE shipment_number = $1 AND ($2::text IS NULL OR partner_id = $2)
        ORDER BY ship_notice.id LIMIT 1`,
      [shipmentNumber, partnerId],
    );
    return row && toNotice(row);
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: { revisions: number; status: ShipNotice['status']; posted: boolean },
  ): Promise<void> {
    await tx.query(
      `UPDATE ship_notice SET revisions = $2, status = $3, posted = $4, updated_at = now() WHERE id = $1`,
      [id, changes.revisions, changes.status, changes.posted],
    );
  }

  /** Replaces what the notice ships (quantities in each order line's unit). */
  async replaceLines(
    tx: EntityManager,
    noticeId: string,
    lines: readonly { poId: string; lineNumber: string; quantity: DecimalString }[],
  ): Promise<void> {
    await tx.query(`DELETE FROM ship_notice_line WHERE ship_notice_id = $1`, [noticeId]);
    for (const line of lines) {
      await tx.query(
        `INSERT INTO ship_notice_line (ship_notice_id, po_id, line_number, quantity) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT pk_ship_notice_line DO UPDATE SET quantity = ship_notice_line.quantity + EXCLUDED.quantity`,
        [noticeId, line.poId, line.lineNumber, line.quantity],
      );
    }
  }

  /** What the notice ships on one order line; null when it does not ship on it. */
  async shippedOn(
    db: Queryable,
    noticeId: string,
    poId: string,
    lineNumber: string,
  ): Promise<DecimalString | null> {
    const [row] = await queryRows<{ quantity: string }>(
      db,
      `SELECT quantity::text AS quantity FROM ship_notice_line WHERE ship_notice_id = $1 AND po_id = $2 AND line_number = $3`,
      [noticeId, poId, lineNumber],
    );
    return row ? decimal(row.quantity) : null;
  }

  /** Recomputes each line's shipped quantity from the notices that are not cancelled. */
  async refreshShipped(tx: EntityManager, poId: string): Promise<void> {
    await tx.query(
      `UPDATE purchase_order_line l SET shipped_quantity = COALESCE((
          SELECT sum(s.quantity) FROM ship_notice_line s JOIN ship_notice n ON n.id = s.ship_notice_id
           WHERE s.po_id = l.po_id AND s.line_number = l.line_number AND n.status <> 'cancelled'), 0)
        WHERE l.po_id = $1`,
      [poId],
    );
  }

  /** Inserts the receipt; false when the plant already has one with this number. */
  async insertReceipt(
    tx: EntityManager,
    plant: string,
    receiptNumber: string,
    noticeId: string | null,
    event: unknown,
  ): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `INSERT INTO goods_receipt (plant, receipt_number, ship_notice_id, event) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT uq_goods_receipt_number DO NOTHING RETURNING id`,
      [plant, receiptNumber, noticeId, JSON.stringify(event)],
    );
    return rows.length > 0;
  }

  async addReceived(
    tx: EntityManager,
    poId: string,
    lineNumber: string,
    quantity: DecimalString,
  ): Promise<void> {
    await tx.query(
      `UPDATE purchase_order_line SET received_quantity = received_quantity + $3 WHERE po_id = $1 AND line_number = $2`,
      [poId, lineNumber, quantity],
    );
  }
}
