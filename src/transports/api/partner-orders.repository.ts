import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CanonicalEvent } from '../../canonical/index.js';
import { isoTimestamp, queryRows } from '../../platform/database/sql.js';
import type { OrderState } from '../../procurement/purchase-order.types.js';

export interface OrderListFilters {
  readonly states?: readonly OrderState[];
  /** Order date from / to (inclusive, YYYY-MM-DD). */
  readonly orderDateFrom?: string;
  readonly orderDateTo?: string;
  /** Changed at or after this instant. */
  readonly updatedSince?: string;
  /** Rows after this one (the cursor's last id, newest first). */
  readonly before?: string;
  readonly limit: number;
}

export interface OrderSummary {
  readonly id: string;
  readonly poNumber: string;
  readonly revision: number;
  readonly state: OrderState;
  readonly plant: string | null;
  readonly currency: string;
  readonly orderDate: string;
  readonly shipTo: string;
  readonly updatedAt: string;
}

export interface ChangeListFilters {
  readonly poNumber?: string;
  readonly since?: string;
  /** (created_at, id) of the last change of the previous page, oldest first. */
  readonly after?: { readonly at: string; readonly id: string };
  readonly limit: number;
}

/**
 * Partner-scoped reads of the PO lifecycle's orders and of the order events the gateway sent them,
 * kept here rather than in src/procurement (whose repository serves its own writes). Every query
 * takes the partner id: a partner never reads another's order.
 */
@Injectable()
export class PartnerOrdersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(partnerId: string, filters: OrderListFilters): Promise<OrderSummary[]> {
    const rows = await queryRows<{
      id: string;
      po_number: string;
      revision: number;
      state: OrderState;
      plant: string | null;
      currency: string;
      order_date: string;
      ship_to: string;
      updated_at: string;
    }>(
      this.dataSource,
      `SELECT id::text AS id, po_number, revision, state, plant, currency, to_char(order_date, 'YYYY-MM-DD') AS order_date,
              ship_to, ${isoTimestamp('updated_at')} AS updated_at
         FROM purchase_order
        WHERE partner_id = $1
          AND ($2::text[] IS NULL OR state = ANY($2::text[]))
          AND ($3::date IS NULL OR order_date >= $3::date)
          AND ($4::date IS NULL OR order_date <= $4::date)
          AND ($5::timestamptz IS NULL OR updated_at >= $5::timestamptz)
          AND ($6::bigint IS NULL OR id < $6::bigint)
        ORDER BY purchase_order.id DESC
        LIMIT $7`,
      [
        partnerId,
        filters.states && filters.states.length > 0 ? filters.states : null,
        filters.orderDateFrom ?? null,
        filters.orderDateTo ?? null,
        filters.updatedSince ?? null,
        filters.before ?? null,
        filters.limit,
      ],
    );
    return rows.map((r) => ({
      id: r.id,
      poNumber: r.po_number,
      revision: r.revision,
      state: r.state,
      plant: r.plant,
      currency: r.currency,
      orderDate: r.order_date,
      shipTo: r.ship_to,
      updatedAt: r.updated_at,
    }));
  }

  /** The purchase-order.issued / .changed / .cancelled events of the partner's orders, oldest first. */
  async orderEvents(
    partnerId: string,
    types: readonly string[],
    filters: ChangeListFilters,
  ): Promise<{ readonly at: string; readonly event: CanonicalEvent }[]> {
    const rows = await queryRows<{ at: string; payload: CanonicalEvent }>(
      this.dataSource,
      `SELECT ${isoTimestamp('created_at')} AS at, payload FROM canonical_event
        WHERE partner_id = $1 AND type = ANY($2::text[])
          AND ($3::text IS NULL OR document_number = $3)
          AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz)
          AND ($5::timestamptz IS NULL OR (created_at, id) > ($5::timestamptz, $6::uuid))
        ORDER BY created_at, id
        LIMIT $7`,
      [
        partnerId,
        types,
        filters.poNumber ?? null,
        filters.since ?? null,
        filters.after?.at ?? null,
        filters.after?.id ?? null,
        filters.limit,
      ],
    );
    return rows.map((r) => ({ at: r.at, event: r.payload }));
  }
}
