import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';

export interface BalanceRow {
  readonly plant: string;
  readonly material: string;
  readonly unit: string | null;
  readonly onHand: string;
  readonly allocated: string;
  readonly movements: string;
  readonly lastOccurredAt: string | null;
  readonly openingAt: string | null;
  readonly updatedAt: string;
}

export interface OpenLineRow {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly supplier: string;
  readonly unit: string;
  readonly quantity: string;
  readonly confirmedQuantity: string | null;
  readonly ackStatus: string | null;
  readonly shipped: string;
  readonly received: string;
  readonly due: string;
}

export interface HistoryRow {
  readonly producerKey: string;
  readonly kind: string;
  readonly quantity: string;
  readonly occurredAt: string;
  readonly balance: string;
  readonly late: boolean;
}

/** Reads of balances, their movements and the purchase-order lines that will change them. */
export class BalanceRepository {
  async list(db: Queryable, plant: string | null, material: string | null): Promise<BalanceRow[]> {
    return queryRows<BalanceRow>(
      db,
      `SELECT b.plant, b.material, m.base_unit AS unit, b.on_hand::text AS "onHand", b.allocated::text AS allocated,
              b.movements::text AS movements, ${isoTimestamp('b.last_occurred_at')} AS "lastOccurredAt",
              ${isoTimestamp('b.opening_at')} AS "openingAt", ${isoTimestamp('b.updated_at')} AS "updatedAt"
         FROM stock_balance b LEFT JOIN master_material m ON m.material = b.material
        WHERE ($1::text IS NULL OR b.plant = $1) AND ($2::text IS NULL OR b.material = $2)
        ORDER BY b.plant, b.material`,
      [plant, material],
    );
  }

  /**
   * Open lines of open orders for a material at a plant (the PO lifecycle's tables, read only):
   * what is ordered or confirmed, shipped (ship notices) and received (goods receipts).
   */
  async openLines(db: Queryable, plant: string, material: string): Promise<OpenLineRow[]> {
    return queryRows<OpenLineRow>(
      db,
      `SELECT po.po_number AS "poNumber", l.line_number AS "lineNumber", po.partner_id AS supplier, l.unit,
              l.quantity::text AS quantity, l.confirmed_quantity::text AS "confirmedQuantity", l.ack_status AS "ackStatus",
              l.shipped_quantity::text AS shipped, l.received_quantity::text AS received,
              to_char(COALESCE(l.confirmed_date, l.delivery_date), 'YYYY-MM-DD') AS due
         FROM purchase_order po JOIN purchase_order_line l ON l.po_id = po.id
        WHERE po.plant = $1 AND l.material = $2 AND NOT l.cancelled
          AND po.state NOT IN ('cancelled', 'closed', 'received', 'rejected')
        ORDER BY due, po.po_number, l.line_number`,
      [plant, material],
    );
  }

  async history(
    db: Queryable,
    plant: string,
    material: string,
    from: string | null,
    to: string | null,
    limit: number,
  ): Promise<HistoryRow[]> {
    return queryRows<HistoryRow>(
      db,
      `SELECT * FROM (
         SELECT s.producer_key AS "producerKey", s.kind, s.quantity::text AS quantity,
                ${isoTimestamp('s.occurred_at')} AS "occurredAt", s.occurred_at AS at,
                (sum(s.quantity) OVER (ORDER BY s.occurred_at, s.producer_key, s.seq))::text AS balance,
                COALESCE(e.late, false) AS late
           FROM stock_movement s LEFT JOIN plant_event e ON e.producer_key = s.producer_key
          WHERE s.plant = $1 AND s.material = $2
       ) h
       WHERE ($3::timestamptz IS NULL OR h.at >= $3) AND ($4::timestamptz IS NULL OR h.at < $4)
       ORDER BY h.at DESC, h."producerKey" DESC
       LIMIT $5`,
      [plant, material, from, to, limit],
    ).then((rows) => rows.map(({ at: _at, ...row }: HistoryRow & { at?: unknown }) => row).reverse());
  }

  async plantTimezone(db: Queryable, plant: string): Promise<string | undefined> {
    const [row] = await queryRows<{ timezone: string }>(
      db,
      `SELECT timezone FROM master_plant WHERE plant = $1`,
      [plant],
    );
    return row?.timezone;
  }
}
