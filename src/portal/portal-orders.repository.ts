import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isoTimestamp, isRowId, queryRows } from '../platform/database/sql.js';
import type { OrderState } from '../procurement/purchase-order.types.js';
import { supplierCaseText } from './supplier-case-text.js';

/** The inbox's tabs and the order states each shows. "new" is issued and not yet opened by the partner. */
export const INBOX_TABS = {
  all: null,
  new: ['issued'],
  changed: ['changed'],
  awaiting: ['issued', 'changed'],
  acknowledged: ['acknowledged', 'acknowledged-with-changes', 'rejected'],
  shipping: ['partially-shipped', 'shipped', 'partially-received'],
  closed: ['received', 'closed', 'cancelled'],
} as const satisfies Record<string, readonly OrderState[] | null>;
export type InboxTab = keyof typeof INBOX_TABS;

export const INBOX_SORTS = {
  po: 'o.po_number',
  ordered: 'o.order_date',
  delivery: 'next_delivery',
  updated: 'o.updated_at',
  state: 'o.state',
} as const;
export type InboxSort = keyof typeof INBOX_SORTS;

export interface InboxQuery {
  readonly tab: InboxTab;
  /** PO number or item (our material or the supplier's part number), a substring. */
  readonly q?: string;
  /** Which date `from`/`to` filter: the order date or a line's delivery date. */
  readonly dateOf: 'order' | 'delivery';
  readonly from?: string;
  readonly to?: string;
  readonly sort: InboxSort;
  readonly dir: 'asc' | 'desc';
  readonly page: number;
  readonly pageSize: number;
}

export interface InboxRow {
  readonly poNumber: string;
  readonly revision: number;
  readonly state: OrderState;
  readonly plant: string | null;
  readonly currency: string;
  readonly orderDate: string;
  readonly nextDelivery: string | null;
  readonly lines: number;
  readonly value: string | null;
  readonly updatedAt: string;
  readonly isNew: boolean;
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind: 'history' | 'sent' | 'received' | 'issue';
  readonly title: string;
  readonly detail: string | null;
  readonly state: string | null;
  readonly documentId: string | null;
  readonly problem: boolean;
}

/** A case on the order as its supplier sees it: never the buyer's summary or differences. */
export interface PortalException {
  readonly id: string;
  readonly type: string;
  /** supplier-case-text.ts: from the type alone. */
  readonly text: string;
  readonly line: string | null;
  readonly state: string;
  readonly raisedAt: string;
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The portal's reads of orders, their timeline and the partner's documents. Every query takes the
 * partner id and filters by it: another partner's order or document is answered like one that does
 * not exist.
 */
@Injectable()
export class PortalOrdersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async inbox(partnerId: string, query: InboxQuery): Promise<{ rows: InboxRow[]; total: number }> {
    const states = INBOX_TABS[query.tab];
    const params: unknown[] = [
      partnerId,
      states,
      query.tab === 'new',
      query.q ? like(query.q.trim()) : null,
      query.from ?? null,
      query.to ?? null,
      query.dateOf === 'delivery',
    ];
    const where = `o.partner_id = $1
      AND ($2::text[] IS NULL OR o.state = ANY($2::text[]))
      AND (NOT $3 OR NOT EXISTS (SELECT 1 FROM portal_order_view v WHERE v.partner_id = o.partner_id AND v.po_id = o.id))
      AND ($4::text IS NULL OR o.po_number ILIKE $4 OR EXISTS (
            SELECT 1 FROM purchase_order_line l WHERE l.po_id = o.id AND (l.material ILIKE $4 OR l.supplier_part ILIKE $4)))
      AND ($5::date IS NULL OR CASE WHEN $7 THEN EXISTS (
            SELECT 1 FROM purchase_order_line l WHERE l.po_id = o.id AND NOT l.cancelled AND l.delivery_date >= $5::date)
          ELSE o.order_date >= $5::date END)
      AND ($6::date IS NULL OR CASE WHEN $7 THEN EXISTS (
            SELECT 1 FROM purchase_order_line l WHERE l.po_id = o.id AND NOT l.cancelled AND l.delivery_date <= $6::date)
          ELSE o.order_date <= $6::date END)`;
    const [count] = await queryRows<{ n: string }>(
      this.dataSource,
      `SELECT count(*)::text AS n FROM purchase_order o WHERE ${where}`,
      params,
    );
    const order = `${INBOX_SORTS[query.sort]} ${query.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, o.id DESC`;
    // The page is chosen before its lines are summed: summing every matching order's lines only to
    // keep 25 of them made the inbox as slow as the partner is large. Sorting by delivery date needs
    // the sums first.
    const page = `WHERE ${where} ORDER BY ${order} LIMIT $8 OFFSET $9`;
    const [orders, rest] =
      query.sort === 'delivery'
        ? ['purchase_order o', page]
        : [`(SELECT o.* FROM purchase_order o ${page}) o`, `ORDER BY ${order}`];
    const rows = await queryRows<{
      po_number: string;
      revision: number;
      state: OrderState;
      plant: string | null;
      currency: string;
      order_date: string;
      next_delivery: string | null;
      lines: number;
      value: string | null;
      updated_at: string;
      is_new: boolean;
    }>(
      this.dataSource,
      `SELECT o.po_number, o.revision, o.state, o.plant, o.currency, to_char(o.order_date, 'YYYY-MM-DD') AS order_date,
              to_char(agg.next_delivery, 'YYYY-MM-DD') AS next_delivery, agg.lines, agg.value::text AS value,
              ${isoTimestamp('o.updated_at')} AS updated_at,
              (o.state = 'issued' AND NOT EXISTS (SELECT 1 FROM portal_order_view v
                 WHERE v.partner_id = o.partner_id AND v.po_id = o.id)) AS is_new
         FROM ${orders}
         CROSS JOIN LATERAL (
           SELECT min(l.delivery_date) FILTER (WHERE NOT l.cancelled) AS next_delivery,
                  count(*) FILTER (WHERE NOT l.cancelled)::int AS lines,
                  sum(l.quantity * l.unit_price) FILTER (WHERE NOT l.cancelled) AS value
             FROM purchase_order_line l WHERE l.po_id = o.id) agg
        ${rest}`,
      [...params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    return {
      total: Number(count?.n ?? 0),
      rows: rows.map((r) => ({
        poNumber: r.po_number,
        revision: r.revision,
        state: r.state,
        plant: r.plant,
        currency: r.currency,
        orderDate: r.order_date,
        nextDelivery: r.next_delivery,
        lines: r.lines,
        value: r.value === null ? null : trimDecimal(r.value),
        updatedAt: r.updated_at,
        isNew: r.is_new,
      })),
    };
  }

  /** How many of the partner's orders each tab holds. */
  async tabCounts(partnerId: string): Promise<Record<InboxTab, number>> {
    const [row] = await queryRows<Record<InboxTab, number>>(
      this.dataSource,
      `SELECT count(*)::int AS "all",
              count(*) FILTER (WHERE o.state = 'issued' AND v.po_id IS NULL)::int AS "new",
              count(*) FILTER (WHERE o.state = ANY($2::text[]))::int AS "changed",
              count(*) FILTER (WHERE o.state = ANY($3::text[]))::int AS "awaiting",
              count(*) FILTER (WHERE o.state = ANY($4::text[]))::int AS "acknowledged",
              count(*) FILTER (WHERE o.state = ANY($5::text[]))::int AS "shipping",
              count(*) FILTER (WHERE o.state = ANY($6::text[]))::int AS "closed"
         FROM purchase_order o
         LEFT JOIN portal_order_view v ON v.partner_id = o.partner_id AND v.po_id = o.id
        WHERE o.partner_id = $1`,
      [
        partnerId,
        INBOX_TABS.changed,
        INBOX_TABS.awaiting,
        INBOX_TABS.acknowledged,
        INBOX_TABS.shipping,
        INBOX_TABS.closed,
      ],
    );
    return row!;
  }

  /** The partner opened the order: it is no longer "new". */
  async markViewed(partnerId: string, poId: string, revision: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO portal_order_view (partner_id, po_id, revision) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT pk_portal_order_view DO UPDATE SET revision = EXCLUDED.revision, viewed_at = now()`,
      [partnerId, poId, revision],
    );
  }

  /**
   * Everything that happened to the order, oldest first: its lifecycle history (with the document each
   * step came from), the documents sent to the partner (with delivery and functional acknowledgment),
   * the partner's own documents about it (including rejected ones) and the issues raised on it.
   */
  async timeline(partnerId: string, po: { id: string; poNumber: string }): Promise<TimelineEntry[]> {
    const history = await queryRows<{
      at: string;
      what: string;
      summary: string;
      to_state: string;
      document_number: string | null;
      document_revision: string | null;
      interchange_id: string | null;
    }>(
      this.dataSource,
      `SELECT ${isoTimestamp('h.at')} AS at, h.what, h.summary, h.to_state, h.document_number, h.document_revision,
              e.interchange_id::text AS interchange_id
         FROM purchase_order_history h
         JOIN purchase_order o ON o.id = h.po_id AND o.partner_id = $1
         LEFT JOIN canonical_event e ON e.id = h.event_id AND (e.partner_id = $1 OR e.partner_id IS NULL)
        WHERE h.po_id = $2
        ORDER BY h.id`,
      [partnerId, po.id],
    );
    const sent = await queryRows<{
      at: string;
      kind: string;
      standard: string;
      message_type: string;
      channel: string;
      status: string;
      fa_status: string | null;
      interchange_id: string;
      po_revision: number | null;
    }>(
      this.dataSource,
      `SELECT ${isoTimestamp('created_at')} AS at, kind, standard, message_type, channel, status, fa_status,
              interchange_id::text AS interchange_id, po_revision
         FROM outbound_document WHERE partner_id = $1 AND po_number = $2 ORDER BY id`,
      [partnerId, po.poNumber],
    );
    const received = await queryRows<{
      at: string;
      id: string;
      status: string;
      status_detail: string | null;
      route: string | null;
    }>(
      this.dataSource,
      `SELECT ${isoTimestamp('received_at')} AS at, id::text AS id, status, status_detail, metadata->>'route' AS route
         FROM interchange
        WHERE partner_id = $1 AND direction = 'inbound' AND status <> 'duplicate'
          AND id IN (SELECT id FROM interchange WHERE partner_id = $1 AND metadata->>'poNumber' = $2
                     UNION
                     SELECT interchange_id FROM canonical_event
                      WHERE partner_id = $1 AND correlation_id = $3 AND interchange_id IS NOT NULL)
        ORDER BY interchange.id`,
      [partnerId, po.poNumber, `po:${po.poNumber}`],
    );
    const issues = await this.exceptions(partnerId, po.poNumber);
    const linked = new Set(history.map((h) => h.interchange_id).filter((id) => id !== null));
    const entries: TimelineEntry[] = [
      ...history.map((h) => ({
        at: h.at,
        kind: 'history' as const,
        title: describeStep(h.what),
        detail: h.summary,
        state: h.to_state,
        documentId: h.interchange_id,
        problem: h.to_state === 'rejected',
      })),
      ...sent.map((s) => ({
        at: s.at,
        kind: 'sent' as const,
        title: `${SENT_KIND[s.kind] ?? s.kind} sent to you (${s.standard.toUpperCase()} ${s.message_type}${
          s.po_revision ? `, revision ${s.po_revision}` : ''
        })`,
        detail: `Delivery: ${s.status} via ${s.channel}${s.fa_status ? ` · your functional acknowledgment: ${s.fa_status}` : ''}`,
        state: s.status,
        documentId: s.interchange_id,
        problem: s.status === 'failed' || s.fa_status === 'rejected' || s.fa_status === 'overdue',
      })),
      ...received
        .filter((r) => !linked.has(r.id) || r.status !== 'processed')
        .map((r) => ({
          at: r.at,
          kind: 'received' as const,
          title: `Your document ${r.id} received${r.route?.startsWith('portal') ? ' (portal)' : ''}`,
          detail: r.status_detail ? `${r.status}: ${r.status_detail}` : r.status,
          state: r.status,
          documentId: r.id,
          problem: r.status === 'rejected' || r.status === 'failed',
        })),
      ...issues.map((i) => ({
        at: i.raisedAt,
        kind: 'issue' as const,
        title: `Raised to the buyer: ${i.type}${i.line ? ` (line ${i.line})` : ''}`,
        detail: i.text,
        state: i.state,
        documentId: null,
        problem: true,
      })),
    ];
    return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** The order's cases a supplier may see, each with its supplier text; internal cases are left out. */
  async exceptions(partnerId: string, poNumber: string): Promise<PortalException[]> {
    const rows = await queryRows<{
      id: string;
      type: string;
      po_line: string | null;
      state: string;
      created_at: string;
    }>(
      this.dataSource,
      `SELECT id::text AS id, type, po_line, state, ${isoTimestamp('created_at')} AS created_at
         FROM exception_case WHERE partner_id = $1 AND po_number = $2 ORDER BY created_at, id`,
      [partnerId, poNumber],
    );
    return rows.flatMap((r) => {
      const text = supplierCaseText(r.type);
      return text === undefined
        ? []
        : [{ id: r.id, type: r.type, text, line: r.po_line, state: r.state, raisedAt: r.created_at }];
    });
  }

  /** One of the partner's archived documents (inbound or sent to it), with its content. */
  async document(partnerId: string, id: string): Promise<PortalDocument | undefined> {
    if (!isRowId(id)) return undefined;
    const [row] = await queryRows<{
      id: string;
      direction: 'inbound' | 'outbound';
      channel: string;
      received_at: string;
      content_type: string | null;
      filename: string | null;
      size_bytes: string;
      status: string;
      status_detail: string | null;
      answer: Record<string, unknown> | null;
      metadata: Record<string, unknown>;
      duplicate_of: string | null;
    }>(
      this.dataSource,
      `SELECT id::text AS id, direction, channel, ${isoTimestamp('received_at')} AS received_at, content_type, filename,
              size_bytes::text AS size_bytes, status, status_detail, answer, metadata, duplicate_of::text AS duplicate_of
         FROM interchange WHERE id = $1 AND partner_id = $2`,
      [id, partnerId],
    );
    if (!row) return undefined;
    const events = await queryRows<{ id: string; type: string; document_number: string }>(
      this.dataSource,
      `SELECT id::text AS id, type, document_number FROM canonical_event
        WHERE interchange_id = $1 AND partner_id = $2 ORDER BY created_at, id`,
      [row.duplicate_of ?? row.id, partnerId],
    );
    return {
      id: row.id,
      direction: row.direction,
      channel: row.channel,
      receivedAt: row.received_at,
      contentType: row.content_type,
      filename: row.filename,
      size: Number(row.size_bytes),
      status: row.status,
      statusDetail: row.status_detail,
      answer: row.answer ?? {},
      metadata: row.metadata,
      duplicateOf: row.duplicate_of,
      events: events.map((e) => ({ id: e.id, type: e.type, documentNumber: e.document_number })),
    };
  }

  /** The partner's documents uploaded through the portal, newest first. */
  async uploads(
    partnerId: string,
    limit = 25,
  ): Promise<{ id: string; at: string; filename: string | null; status: string; detail: string | null }[]> {
    return queryRows(
      this.dataSource,
      `SELECT id::text AS id, ${isoTimestamp('received_at')} AS at, COALESCE(filename, metadata->>'filename') AS filename, status, status_detail AS detail
         FROM interchange
        WHERE partner_id = $1 AND direction = 'inbound' AND metadata->>'route' = 'portal upload'
        ORDER BY interchange.id DESC LIMIT $2`,
      [partnerId, limit],
    );
  }
}

export interface PortalDocument {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly channel: string;
  readonly receivedAt: string;
  readonly contentType: string | null;
  readonly filename: string | null;
  readonly size: number;
  readonly status: string;
  readonly statusDetail: string | null;
  readonly answer: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly duplicateOf: string | null;
  readonly events: readonly { id: string; type: string; documentNumber: string }[];
}

const SENT_KIND: Record<string, string> = {
  'purchase-order': 'Purchase order',
  'po-change': 'Order change',
  'po-cancellation': 'Cancellation',
  'functional-ack': 'Functional acknowledgment',
};

const STEPS: Record<string, string> = {
  'purchase-order.issued': 'Order issued',
  'purchase-order.revised': 'Order revised by the buyer',
  'purchase-order.changed': 'Order changed by the buyer',
  'purchase-order.cancelled': 'Order cancelled',
  'purchase-order.acknowledged': 'You acknowledged the order',
  'purchase-order.change-answered': 'You answered the change',
  'buyer.accepted': 'The buyer accepted your deviation',
  'buyer.countered': 'The buyer proposed other values',
  'buyer.accepted-ship-notice': 'The buyer released your ship notice',
  'ship-notice.original': 'You shipped (ship notice)',
  'ship-notice.replacement': 'You replaced a ship notice',
  'ship-notice.cancellation': 'You cancelled a ship notice',
  'goods.received': 'Goods received at the plant',
};

function describeStep(what: string): string {
  return STEPS[what] ?? what;
}

/** 4800.000 → 4800, 0.0420 → 0.042 (exact: string work, no floats). */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
