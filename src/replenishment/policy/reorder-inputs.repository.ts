import { queryRows, type Queryable } from '../../platform/database/sql.js';

export interface SourceListEntry {
  readonly supplier: string;
  readonly leadTimeDays: number;
}

export interface TriggerMovement {
  readonly producerKey: string;
  readonly type: string | null;
  readonly eventId: string | null;
  readonly correlationId: string | null;
  readonly productionOrder: string | null;
  readonly occurredAt: string;
}

export interface ProductionOrderAtRisk {
  readonly productionOrder: string;
  readonly workCenter: string | null;
  readonly lastReportedAt: string;
}

export interface OrderLineDetail {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly supplier: string;
  readonly revision: number;
  readonly state: string;
  readonly currency: string;
  readonly correlationId: string;
  readonly unit: string;
  readonly quantity: string;
  readonly netPrice: string | null;
}

/**
 * What a reorder point is computed from, read in the caller's transaction: the daily consumption
 * series, the source list and measured lead times, the event that moved the balance last, the
 * production orders consuming the material, and the PO lines that could cover it (the PO
 * lifecycle's and plant events' tables, read only).
 */
export class ReorderInputsRepository {
  /**
   * Consumption per day in the plant's time zone up to `today` (zeros for days without any), oldest
   * first, from the material's first consumption or the window's first day (`days` days back),
   * whichever is later: days before an item was ever consumed are no usage of zero, and padding
   * them would drag a new item's average down. `from` is the series' first day (null: no consumption).
   */
  async dailyUsage(
    db: Queryable,
    plant: string,
    material: string,
    timezone: string,
    today: string,
    days: number,
  ): Promise<{ series: string[]; firstDay: string | null; from: string | null }> {
    const rows = await queryRows<{ day: string; used: string }>(
      db,
      `SELECT to_char((s.occurred_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, (-sum(s.quantity))::text AS used
         FROM stock_movement s
        WHERE s.plant = $1 AND s.material = $2 AND s.kind = 'consumed'
          AND s.occurred_at >= (($4::date - ($5::integer - 1))::timestamp AT TIME ZONE $3)
          AND s.occurred_at < (($4::date + 1)::timestamp AT TIME ZONE $3)
        GROUP BY 1`,
      [plant, material, timezone, today, days],
    );
    const [first] = await queryRows<{ day: string | null }>(
      db,
      `SELECT to_char((min(occurred_at) AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day
         FROM stock_movement WHERE plant = $1 AND material = $2 AND kind = 'consumed'`,
      [plant, material, timezone],
    );
    const firstDay = first?.day ?? null;
    if (firstDay === null || firstDay > today) return { series: [], firstDay, from: null };
    const windowStart = shift(today, -(days - 1));
    const from = firstDay > windowStart ? firstDay : windowStart;
    const byDay = new Map(rows.map((r) => [r.day, r.used]));
    const series: string[] = [];
    for (let day = from; day <= today; day = shift(day, 1)) series.push(byDay.get(day) ?? '0');
    return { series, firstDay, from };
  }

  /** Valid source list entries for today, shortest lead time first. */
  sourceList(db: Queryable, plant: string, material: string, today: string): Promise<SourceListEntry[]> {
    return queryRows<SourceListEntry>(
      db,
      `SELECT supplier, lead_time_days AS "leadTimeDays" FROM master_source_list
        WHERE plant = $1 AND material = $2 AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $3::date)
        ORDER BY lead_time_days, supplier`,
      [plant, material, today],
    );
  }

  /**
   * Days from order date to goods receipt, per received line of the material from the supplier
   * (newest 20), both business dates: the order's date and the receipt's occurred-at (when the
   * plant received the goods, as a day in its time zone). The gateway's own insert time is when a
   * document reached it, which a late or replayed receipt moves by days.
   */
  async measuredLeadTimes(
    db: Queryable,
    plant: string,
    material: string,
    supplier: string,
    timezone: string,
  ): Promise<number[]> {
    const rows = await queryRows<{ days: number }>(
      db,
      `SELECT (((g.event->>'occurredAt')::timestamptz AT TIME ZONE $4)::date - po.order_date)::int AS days
         FROM goods_receipt g
         CROSS JOIN LATERAL jsonb_array_elements(g.event->'payload'->'lines') AS l(line)
         JOIN purchase_order po ON po.po_number = l.line->'purchaseOrder'->>'number'
        WHERE g.plant = $1 AND l.line->>'material' = $2 AND po.partner_id = $3
        ORDER BY (g.event->>'occurredAt')::timestamptz DESC, g.id DESC
        LIMIT 20`,
      [plant, material, supplier, timezone],
    );
    return rows.map((r) => Number(r.days)).filter((d) => d >= 0);
  }

  /** The latest movement of the balance (by occurred-at; the index's order), with its event's ids. */
  async lastMovement(db: Queryable, plant: string, material: string): Promise<TriggerMovement | undefined> {
    const [row] = await queryRows<TriggerMovement>(
      db,
      `SELECT s.producer_key AS "producerKey", e.type, e.event->>'id' AS "eventId",
              e.event->>'correlationId' AS "correlationId", e.event->'payload'->>'productionOrder' AS "productionOrder",
              to_char(s.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "occurredAt"
         FROM stock_movement s LEFT JOIN plant_event e ON e.producer_key = s.producer_key
        WHERE s.plant = $1 AND s.material = $2
        ORDER BY s.occurred_at DESC, s.producer_key DESC
        LIMIT 1`,
      [plant, material],
    );
    return row;
  }

  /**
   * Production orders the MES reports as running — they consumed the material since `since` and no
   * final completion has come for them — most recent first: the orders a shortage stops.
   */
  productionOrdersAtRisk(
    db: Queryable,
    plant: string,
    material: string,
    since: string,
  ): Promise<ProductionOrderAtRisk[]> {
    return queryRows<ProductionOrderAtRisk>(
      db,
      `WITH consuming AS (
         SELECT e.event->'payload'->>'productionOrder' AS po, max(e.occurred_at) AS last,
                (array_agg(e.event->'payload'->>'workCenter' ORDER BY e.occurred_at DESC))[1] AS wc
           FROM stock_movement s JOIN plant_event e ON e.producer_key = s.producer_key
          WHERE s.plant = $1 AND s.material = $2 AND s.kind = 'consumed' AND s.occurred_at >= $3::timestamptz
            AND e.event->'payload'->>'productionOrder' IS NOT NULL
          GROUP BY 1
       )
       SELECT c.po AS "productionOrder", c.wc AS "workCenter",
              to_char(c.last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastReportedAt"
         FROM consuming c
        WHERE NOT EXISTS (
          SELECT 1 FROM plant_event f
           WHERE f.plant = $1 AND f.type = 'production.completed'
             AND f.event->'payload'->>'productionOrder' = c.po AND f.event->'payload'->>'final' = 'true')
        ORDER BY c.last DESC, c.po
        LIMIT 20`,
      [plant, material, since],
    );
  }

  /** The order and line facts a change needs: revision, currency, price, ordered quantity and unit. */
  lineDetails(db: Queryable, plant: string, material: string): Promise<OrderLineDetail[]> {
    return queryRows<OrderLineDetail>(
      db,
      `SELECT po.po_number AS "poNumber", l.line_number AS "lineNumber", po.partner_id AS supplier,
              po.revision, po.state, po.currency, po.correlation_id AS "correlationId", l.unit,
              l.quantity::text AS quantity, COALESCE(l.confirmed_price, l.unit_price)::text AS "netPrice"
         FROM purchase_order po JOIN purchase_order_line l ON l.po_id = po.id
        WHERE po.plant = $1 AND l.material = $2 AND NOT l.cancelled`,
      [plant, material],
    );
  }
}

function shift(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
