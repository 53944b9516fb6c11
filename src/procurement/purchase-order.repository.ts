import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';
import { decimal, type DecimalString } from '../canonical/decimal.js';
import type { HistoryEntry, OrderState, PurchaseOrder, PurchaseOrderLine } from './purchase-order.types.js';

const ORDER_COLUMNS = `id::text AS id, partner_id, po_number, revision, state, plant, currency,
  to_char(order_date, 'YYYY-MM-DD') AS order_date, ship_to, confirmations, correlation_id,
  ${isoTimestamp('created_at')} AS created_at, ${isoTimestamp('updated_at')} AS updated_at`;

const LINE_COLUMNS = `line_number, material, supplier_part, quantity::text AS quantity, unit, unit_price::text AS unit_price,
  to_char(delivery_date, 'YYYY-MM-DD') AS delivery_date, cancelled, ack_status,
  confirmed_quantity::text AS confirmed_quantity, to_char(confirmed_date, 'YYYY-MM-DD') AS confirmed_date,
  confirmed_price::text AS confirmed_price, decision, shipped_quantity::text AS shipped_quantity,
  received_quantity::text AS received_quantity`;

interface OrderRow {
  id: string;
  partner_id: string;
  po_number: string;
  revision: number;
  state: OrderState;
  plant: string | null;
  currency: string;
  order_date: string;
  ship_to: string;
  confirmations: number;
  correlation_id: string;
  created_at: string;
  updated_at: string;
}

interface LineRow {
  line_number: string;
  material: string;
  supplier_part: string | null;
  quantity: DecimalString;
  unit: string;
  unit_price: DecimalString | null;
  delivery_date: string;
  cancelled: boolean;
  ack_status: string | null;
  confirmed_quantity: DecimalString | null;
  confirmed_date: string | null;
  confirmed_price: DecimalString | null;
  decision: PurchaseOrderLine['decision'];
  shipped_quantity: DecimalString;
  received_quantity: DecimalString;
}

const toOrder = (r: OrderRow): PurchaseOrder => ({
  id: r.id,
  partnerId: r.partner_id,
  poNumber: r.po_number,
  revision: r.revision,
  state: r.state,
  plant: r.plant,
  currency: r.currency,
  orderDate: r.order_date,
  shipTo: r.ship_to,
  confirmations: r.confirmations,
  correlationId: r.correlation_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** PostgreSQL keeps a numeric's scale (`38.50`); the gateway speaks canonical decimals (`38.5`). */
const nullableDecimal = (value: string | null): DecimalString | null =>
  value === null ? null : decimal(value);

const toLine = (r: LineRow): PurchaseOrderLine => ({
  lineNumber: r.line_number,
  material: r.material,
  supplierPart: r.supplier_part,
  quantity: decimal(r.quantity),
  unit: r.unit,
  unitPrice: nullableDecimal(r.unit_price),
  deliveryDate: r.delivery_date,
  cancelled: r.cancelled,
  ackStatus: r.ack_status,
  confirmedQuantity: nullableDecimal(r.confirmed_quantity),
  confirmedDate: r.confirmed_date,
  confirmedPrice: nullableDecimal(r.confirmed_price),
  decision: r.decision,
  shippedQuantity: decimal(r.shipped_quantity),
  receivedQuantity: decimal(r.received_quantity),
});

export type NewOrder = Omit<PurchaseOrder, 'id' | 'confirmations' | 'createdAt' | 'updatedAt'>;
export type LineValues = Pick<
  PurchaseOrderLine,
  | 'lineNumber'
  | 'material'
  | 'supplierPart'
  | 'quantity'
  | 'unit'
  | 'unitPrice'
  | 'deliveryDate'
  | 'cancelled'
>;

/** Orders, their lines and their history. Every read a supplier can reach is scoped by partner. */
@Injectable()
export class PurchaseOrderRepository {
  async insert(tx: EntityManager, order: NewOrder): Promise<PurchaseOrder> {
    const [row] = await queryRows<OrderRow>(
      tx,
      `INSERT INTO purchase_order (partner_id, po_number, revision, state, plant, currency, order_date, ship_to, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${ORDER_COLUMNS}`,
      [
        order.partnerId,
        order.poNumber,
        order.revision,
        order.state,
        order.plant,
        order.currency,
        order.orderDate,
        order.shipTo,
        order.correlationId,
      ],
    );
    return toOrder(row!);
  }

  /** The order, locked for the transaction (documents for one order apply one at a time). */
  async lockByNumber(tx: EntityManager, poNumber: string): Promise<PurchaseOrder | undefined> {
    const [row] = await queryRows<OrderRow>(
      tx,
      `SELECT ${ORDER_COLUMNS} FROM purchase_order WHERE po_number = $1 FOR UPDATE`,
      [poNumber],
    );
    return row && toOrder(row);
  }

  /** `partnerId` null: any partner (buyers, the ERP); otherwise only that partner's order. */
  async byNumber(
    db: Queryable,
    poNumber: string,
    partnerId: string | null,
  ): Promise<PurchaseOrder | undefined> {
    const [row] = await queryRows<OrderRow>(
      db,
      `SELECT ${ORDER_COLUMNS} FROM purchase_order WHERE po_number = $1 AND ($2::text IS NULL OR partner_id = $2)`,
      [poNumber, partnerId],
    );
    return row && toOrder(row);
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: Partial<
      Pick<
        PurchaseOrder,
        'revision' | 'state' | 'currency' | 'orderDate' | 'shipTo' | 'plant' | 'confirmations'
      >
    >,
  ): Promise<void> {
    await tx.query(
      `UPDATE purchase_order SET revision = COALESCE($2, revision), state = COALESCE($3, state),
              currency = COALESCE($4, currency), order_date = COALESCE($5::date, order_date),
              ship_to = COALESCE($6, ship_to), plant = COALESCE($7, plant),
              confirmations = COALESCE($8, confirmations), updated_at = now()
        WHERE id = $1`,
      [
        id,
        changes.revision ?? null,
        changes.state ?? null,
        changes.currency ?? null,
        changes.orderDate ?? null,
        changes.shipTo ?? null,
        changes.plant ?? null,
        changes.confirmations ?? null,
      ],
    );
  }

  async lines(db: Queryable, poId: string): Promise<PurchaseOrderLine[]> {
    const rows = await queryRows<LineRow>(
      db,
      `SELECT ${LINE_COLUMNS} FROM purchase_order_line WHERE po_id = $1
        ORDER BY length(line_number), line_number`,
      [poId],
    );
    return rows.map(toLine);
  }

  /** Inserts or replaces the ordered values of a line; what the supplier confirmed stays. */
  async upsertLine(tx: EntityManager, poId: string, line: LineValues): Promise<void> {
    await tx.query(
      `INSERT INTO purchase_order_line (po_id, line_number, material, supplier_part, quantity, unit, unit_price,
              delivery_date, cancelled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT pk_purchase_order_line DO UPDATE SET material = EXCLUDED.material,
              supplier_part = EXCLUDED.supplier_part, quantity = EXCLUDED.quantity, unit = EXCLUDED.unit,
              unit_price = EXCLUDED.unit_price, delivery_date = EXCLUDED.delivery_date, cancelled = EXCLUDED.cancelled`,
      [
        poId,
        line.lineNumber,
        line.material,
        line.supplierPart,
        line.quantity,
        line.unit,
        line.unitPrice,
        line.deliveryDate,
        line.cancelled,
      ],
    );
  }

  /**
   * Lines the snapshot no longer holds: the ERP dropped them, and the supplier is told they are
   * cancelled (order-events.ts), so they stop being open supply here too. No list cancels them all.
   */
  async cancelLinesOtherThan(tx: EntityManager, poId: string, kept: readonly string[]): Promise<void> {
    await tx.query(
      `UPDATE purchase_order_line SET cancelled = true WHERE po_id = $1 AND NOT cancelled AND NOT (line_number = ANY($2::text[]))`,
      [poId, kept],
    );
  }

  /** The shipped totals buyers accepted, by line number (lines with an accepted over-shipment only). */
  async acceptedShipped(db: Queryable, poId: string): Promise<Map<string, DecimalString>> {
    const rows = await queryRows<{ line_number: string; quantity: string }>(
      db,
      `SELECT line_number, accepted_shipped_quantity::text AS quantity FROM purchase_order_line
        WHERE po_id = $1 AND accepted_shipped_quantity IS NOT NULL`,
      [poId],
    );
    return new Map(rows.map((r) => [r.line_number, decimal(r.quantity)]));
  }

  /** A buyer accepted this much shipped on the line; a later notice within it is not held again. */
  async acceptShipped(tx: EntityManager, poId: string, lineNumber: string, quantity: DecimalString) {
    await tx.query(
      `UPDATE purchase_order_line SET accepted_shipped_quantity = GREATEST(COALESCE(accepted_shipped_quantity, 0), $3)
        WHERE po_id = $1 AND line_number = $2`,
      [poId, lineNumber, quantity],
    );
  }

  async recordAnswer(
    tx: EntityManager,
    poId: string,
    lineNumber: string,
    answer: {
      ackStatus: string;
      confirmedQuantity: string;
      confirmedDate: string | null;
      confirmedPrice: string | null;
      decision: 'accepted' | 'held';
    },
  ): Promise<void> {
    await tx.query(
      `UPDATE purchase_order_line SET ack_status = $3, confirmed_quantity = $4, confirmed_date = $5::date,
              confirmed_price = $6, decision = $7
        WHERE po_id = $1 AND line_number = $2`,
      [
        poId,
        lineNumber,
        answer.ackStatus,
        answer.confirmedQuantity,
        answer.confirmedDate,
        answer.confirmedPrice,
        answer.decision,
      ],
    );
  }

  /** What the buyer decided on a line the supplier's answer held. */
  async setDecision(
    tx: EntityManager,
    poId: string,
    lineNumber: string,
    decision: 'buyer-accepted' | 'countered',
  ): Promise<void> {
    await tx.query(`UPDATE purchase_order_line SET decision = $3 WHERE po_id = $1 AND line_number = $2`, [
      poId,
      lineNumber,
      decision,
    ]);
  }

  /**
   * The latest revision of the order the supplier was sent, or is being sent (its outbound intents);
   * undefined when the gateway sent it none. An ERP revision without changes the supplier sees sends
   * nothing, so this may be below the order's revision.
   */
  async latestSentRevision(db: Queryable, orderId: string): Promise<number | undefined> {
    const [row] = await queryRows<{ revision: number | null }>(
      db,
      `SELECT max(revision) AS revision FROM outbound_intent WHERE po_id = $1`,
      [orderId],
    );
    return row?.revision ?? undefined;
  }

  /**
   * Whether the supplier was ever sent a change of the order (860 / ORDCHG / the API's change feed):
   * without one, a change answer answers nothing.
   */
  async changeSent(db: Queryable, orderId: string): Promise<boolean> {
    const [row] = await queryRows<{ sent: boolean }>(
      db,
      `SELECT EXISTS (SELECT 1 FROM outbound_intent WHERE po_id = $1 AND event_type = 'purchase-order.changed') AS sent`,
      [orderId],
    );
    return row?.sent === true;
  }

  /**
   * The revision the supplier answers now: the latest one it was sent (an ERP revision without
   * changes it sees sends nothing), or the order's when none was sent (answer-revision.ts).
   */
  async revisionToAnswer(db: Queryable, order: Pick<PurchaseOrder, 'id' | 'revision'>): Promise<number> {
    return (await this.latestSentRevision(db, order.id)) ?? order.revision;
  }

  /**
   * `answeredRevision`: for a supplier's answer, the order revision it names (its
   * `purchaseOrder.revision`, as sent), kept beside the entry so the scorecard matches answers to
   * requests from the history alone, not from each answer's event (migration 1764230400043).
   */
  async addHistory(
    tx: EntityManager,
    order: Pick<PurchaseOrder, 'id' | 'correlationId'>,
    entry: Omit<HistoryEntry, 'at'> & { readonly answeredRevision?: string | null },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, from_state, to_state,
              summary, event_id, correlation_id, answered_revision)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        order.id,
        entry.what,
        entry.documentNumber,
        entry.documentRevision,
        entry.fromState,
        entry.toState,
        entry.summary,
        entry.eventId,
        order.correlationId,
        entry.answeredRevision ?? null,
      ],
    );
  }

  async history(db: Queryable, poId: string): Promise<HistoryEntry[]> {
    const rows = await queryRows<{
      what: string;
      document_number: string | null;
      document_revision: string | null;
      from_state: OrderState | null;
      to_state: OrderState;
      summary: string;
      event_id: string | null;
      at: string;
    }>(
      db,
      `SELECT what, document_number, document_revision, from_state, to_state, summary, event_id::text AS event_id,
              ${isoTimestamp('at')} AS at
         FROM purchase_order_history WHERE po_id = $1 ORDER BY id`,
      [poId],
    );
    return rows.map((r) => ({
      what: r.what,
      documentNumber: r.document_number,
      documentRevision: r.document_revision,
      fromState: r.from_state,
      toState: r.to_state,
      summary: r.summary,
      eventId: r.event_id,
      at: r.at,
    }));
  }

  async addOutboundIntent(
    tx: EntityManager,
    order: Pick<PurchaseOrder, 'id' | 'partnerId' | 'correlationId'>,
    eventType: string,
    revision: number,
    event: unknown,
  ): Promise<string | undefined> {
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO outbound_intent (partner_id, po_id, event_type, revision, event, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT uq_outbound_intent_revision DO NOTHING RETURNING id::text AS id`,
      [order.partnerId, order.id, eventType, revision, JSON.stringify(event), order.correlationId],
    );
    return row?.id;
  }

  async park(
    tx: EntityManager,
    partnerId: string,
    poNumber: string,
    eventId: string,
    event: unknown,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO parked_document (partner_id, po_number, event_id, event) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT uq_parked_document_event DO NOTHING`,
      [partnerId, poNumber, eventId, JSON.stringify(event)],
    );
  }

  /** Documents waiting for this order, oldest first, marked applied in the same transaction. */
  async takeParked(tx: EntityManager, poNumber: string): Promise<{ partnerId: string; event: unknown }[]> {
    const rows = await queryRows<{ partner_id: string; event: unknown }>(
      tx,
      `WITH taken AS (
         UPDATE parked_document SET applied_at = now()
          WHERE po_number = $1 AND applied_at IS NULL
         RETURNING id, partner_id, event)
       SELECT partner_id, event FROM taken ORDER BY id`,
      [poNumber],
    );
    return rows.map((r) => ({ partnerId: r.partner_id, event: r.event }));
  }
}
