import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../platform/database/sql.js';
import { trimDecimal } from './portal-orders.repository.js';

/** An order line a supplier can still ship: acknowledged, not rejected or cancelled, with quantity left. */
export interface OpenLine {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly material: string;
  readonly unit: string;
  /** What the supplier confirmed, else what was ordered. */
  readonly quantity: string;
  readonly shipped: string;
  readonly open: string;
  readonly deliveryDate: string;
}

export interface OpenOrder {
  readonly poNumber: string;
  readonly state: string;
  readonly orderDate: string;
  readonly shipTo: string;
  readonly lines: OpenLine[];
}

/**
 * The orders the ASN builder offers a supplier: its own, acknowledged (or partly shipped) and with
 * open quantity on a line it did not reject. The same states asn-validation.ts lets ship.
 */
@Injectable()
export class PortalShipmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async openOrders(partnerId: string, poNumbers?: readonly string[]): Promise<OpenOrder[]> {
    const rows = await queryRows<OpenLine & { state: string; orderDate: string; shipTo: string }>(
      this.dataSource,
      `SELECT o.po_number AS "poNumber", o.state, to_char(o.order_date, 'YYYY-MM-DD') AS "orderDate",
              o.ship_to AS "shipTo", l.line_number AS "lineNumber", l.material, l.unit,
              COALESCE(l.confirmed_quantity, l.quantity)::text AS quantity,
              l.shipped_quantity::text AS shipped,
              (COALESCE(l.confirmed_quantity, l.quantity) - l.shipped_quantity)::text AS open,
              to_char(COALESCE(l.confirmed_date, l.delivery_date), 'YYYY-MM-DD') AS "deliveryDate"
         FROM purchase_order o JOIN purchase_order_line l ON l.po_id = o.id
        WHERE o.partner_id = $1
          AND o.state IN ('acknowledged', 'acknowledged-with-changes', 'partially-shipped')
          AND NOT l.cancelled AND l.ack_status IS DISTINCT FROM 'rejected'
          AND COALESCE(l.confirmed_quantity, l.quantity) > l.shipped_quantity
          AND ($2::text[] IS NULL OR o.po_number = ANY($2::text[]))
        ORDER BY o.po_number, length(l.line_number), l.line_number`,
      [partnerId, poNumbers ?? null],
    );
    const orders = new Map<string, OpenOrder>();
    for (const row of rows) {
      let order = orders.get(row.poNumber);
      if (!order)
        orders.set(
          row.poNumber,
          (order = {
            poNumber: row.poNumber,
            state: row.state,
            orderDate: row.orderDate,
            shipTo: row.shipTo,
            lines: [],
          }),
        );
      order.lines.push({
        poNumber: row.poNumber,
        lineNumber: row.lineNumber,
        material: row.material,
        unit: row.unit,
        quantity: trimDecimal(row.quantity),
        shipped: trimDecimal(row.shipped),
        open: trimDecimal(row.open),
        deliveryDate: row.deliveryDate,
      });
    }
    return [...orders.values()];
  }
}
