import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';

export const RECOMMENDATION_STATES = [
  'proposed',
  'applied',
  'confirmed',
  'refused',
  'rejected',
  'failed',
] as const;
export type RecommendationState = (typeof RECOMMENDATION_STATES)[number];

export interface RecommendationRow {
  readonly id: string;
  readonly crossingKey: string;
  readonly plant: string;
  readonly material: string;
  readonly unit: string;
  readonly action: 'expedite' | 'increase-quantity' | 'order';
  readonly state: RecommendationState;
  readonly automatic: boolean;
  readonly policyReason: string;
  readonly ownerUserId: string | null;
  readonly supplier: string | null;
  readonly poNumber: string | null;
  readonly lineNumber: string | null;
  readonly poRevision: number | null;
  readonly currentDueDate: string | null;
  readonly newDeliveryDate: string | null;
  readonly newQuantity: string | null;
  readonly addedQuantity: string;
  readonly neededBy: string;
  readonly shortageDate: string | null;
  readonly value: string | null;
  readonly currency: string | null;
  readonly explanation: string;
  readonly productionOrders: { productionOrder: string; workCenter: string | null; lastReportedAt: string }[];
  readonly decisionId: string;
  readonly postingId: string | null;
  readonly changeRevision: number | null;
  readonly exceptionId: string | null;
  readonly answer: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly note: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewRecommendation = Omit<
  RecommendationRow,
  | 'postingId'
  | 'changeRevision'
  | 'exceptionId'
  | 'answer'
  | 'decidedBy'
  | 'decidedAt'
  | 'note'
  | 'createdAt'
  | 'updatedAt'
>;

export interface DecisionRow {
  readonly id: string;
  readonly plant: string;
  readonly material: string;
  readonly computedAt: string;
  readonly basis: 'dynamic' | 'standard' | 'none';
  readonly reorderPoint: string | null;
  readonly safetyStock: string | null;
  readonly averageDailyUsage: string;
  readonly leadTimeDays: number | null;
  readonly position: string | null;
  readonly below: boolean;
  readonly triggerProducerKey: string | null;
  readonly inputs: Record<string, unknown>;
}

const REC = `r.id::text AS id, r.crossing_key AS "crossingKey", r.plant, r.material, r.unit, r.action, r.state,
  r.automatic, r.policy_reason AS "policyReason", r.owner_user_id AS "ownerUserId", r.supplier,
  r.po_number AS "poNumber", r.line_number AS "lineNumber", r.po_revision AS "poRevision",
  to_char(r.current_date_due, 'YYYY-MM-DD') AS "currentDueDate", to_char(r.new_delivery_date, 'YYYY-MM-DD') AS "newDeliveryDate",
  r.new_quantity::text AS "newQuantity", r.added_quantity::text AS "addedQuantity",
  to_char(r.needed_by, 'YYYY-MM-DD') AS "neededBy", to_char(r.shortage_date, 'YYYY-MM-DD') AS "shortageDate",
  r.value::text AS value, r.currency, r.explanation, r.production_orders AS "productionOrders",
  r.decision_id::text AS "decisionId", r.posting_id::text AS "postingId", r.change_revision AS "changeRevision",
  r.exception_id AS "exceptionId", r.answer, r.decided_by AS "decidedBy", ${isoTimestamp('r.decided_at')} AS "decidedAt",
  r.note, r.correlation_id AS "correlationId", r.causation_id AS "causationId",
  ${isoTimestamp('r.created_at')} AS "createdAt", ${isoTimestamp('r.updated_at')} AS "updatedAt"`;

const DEC = `d.id::text AS id, d.plant, d.material, ${isoTimestamp('d.computed_at')} AS "computedAt", d.basis,
  d.reorder_point::text AS "reorderPoint", d.safety_stock::text AS "safetyStock",
  d.average_daily_usage::text AS "averageDailyUsage", d.lead_time_days AS "leadTimeDays", d.position::text AS position,
  d.below, d.trigger_producer_key AS "triggerProducerKey", d.inputs`;

export interface RecommendationFilters {
  readonly state?: RecommendationState;
  readonly plant?: string;
  readonly material?: string;
  readonly poNumber?: string;
  readonly limit: number;
}

/** The replenishment tables: decisions (thresholds with inputs), the watch per material, recommendations. */
export class RecommendationRepository {
  async insertDecision(db: Queryable, d: Omit<DecisionRow, 'id' | 'computedAt'>): Promise<DecisionRow> {
    const [row] = await queryRows<DecisionRow>(
      db,
      `INSERT INTO replenishment_decision AS d (plant, material, basis, reorder_point, safety_stock, average_daily_usage,
         lead_time_days, position, below, trigger_producer_key, inputs)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${DEC}`,
      [
        d.plant,
        d.material,
        d.basis,
        d.reorderPoint,
        d.safetyStock,
        d.averageDailyUsage,
        d.leadTimeDays,
        d.position,
        d.below,
        d.triggerProducerKey,
        JSON.stringify(d.inputs),
      ],
    );
    return row!;
  }

  async decision(db: Queryable, id: string): Promise<DecisionRow | undefined> {
    const [row] = await queryRows<DecisionRow>(
      db,
      `SELECT ${DEC} FROM replenishment_decision d WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  async latestDecision(db: Queryable, plant: string, material: string): Promise<DecisionRow | undefined> {
    const [row] = await queryRows<DecisionRow>(
      db,
      `SELECT ${DEC} FROM replenishment_decision d WHERE d.plant = $1 AND d.material = $2 ORDER BY d.id DESC LIMIT 1`,
      [plant, material],
    );
    return row;
  }

  /** The watch row, locked (created first if missing), so that two evaluations of one material queue. */
  async lockWatch(
    db: Queryable,
    plant: string,
    material: string,
  ): Promise<{ below: boolean; crossingKey: string | null; crossings: number }> {
    await db.query(
      `INSERT INTO replenishment_watch (plant, material, evaluated_at) VALUES ($1, $2, now())
       ON CONFLICT ON CONSTRAINT pk_replenishment_watch DO NOTHING`,
      [plant, material],
    );
    const [row] = await queryRows<{ below: boolean; crossingKey: string | null; crossings: number }>(
      db,
      `SELECT below, crossing_key AS "crossingKey", crossings FROM replenishment_watch
        WHERE plant = $1 AND material = $2 FOR UPDATE`,
      [plant, material],
    );
    return row!;
  }

  async updateWatch(
    db: Queryable,
    plant: string,
    material: string,
    w: { below: boolean; crossingKey: string | null; decisionId: string; crossings?: number },
  ): Promise<void> {
    await db.query(
      `UPDATE replenishment_watch w SET evaluated_at = now(), below = $3, crossing_key = $4, decision_id = $5,
              crossings = COALESCE($6, w.crossings),
              balance_updated_at = (SELECT b.updated_at FROM stock_balance b WHERE b.plant = $1 AND b.material = $2)
        WHERE w.plant = $1 AND w.material = $2`,
      [plant, material, w.below, w.crossingKey, w.decisionId, w.crossings ?? null],
    );
  }

  /** Marks a balance evaluated without a decision (its evaluation failed), keeping its crossing. */
  async setAside(db: Queryable, plant: string, material: string): Promise<void> {
    await db.query(
      `INSERT INTO replenishment_watch AS w (plant, material, evaluated_at, balance_updated_at)
       SELECT $1, $2, now(), (SELECT b.updated_at FROM stock_balance b WHERE b.plant = $1 AND b.material = $2)
       ON CONFLICT ON CONSTRAINT pk_replenishment_watch DO UPDATE
         SET evaluated_at = now(), balance_updated_at = EXCLUDED.balance_updated_at`,
      [plant, material],
    );
  }

  /**
   * Balances to evaluate: never evaluated, moved since, their policy changed since, or not evaluated
   * for `staleMinutes` (days pass, orders change); oldest first.
   */
  due(db: Queryable, staleMinutes: number, limit: number): Promise<{ plant: string; material: string }[]> {
    return queryRows<{ plant: string; material: string }>(
      db,
      `SELECT b.plant, b.material
         FROM stock_balance b
         LEFT JOIN replenishment_watch w ON w.plant = b.plant AND w.material = b.material
         LEFT JOIN replenishment_policy p ON p.plant = b.plant AND p.material = b.material
        WHERE w.plant IS NULL
           OR w.balance_updated_at IS NULL OR b.updated_at > w.balance_updated_at
           OR p.updated_at > w.evaluated_at
           OR w.evaluated_at < now() - make_interval(mins => $1::integer)
        ORDER BY w.evaluated_at NULLS FIRST, b.plant, b.material
        LIMIT $2`,
      [staleMinutes, limit],
    );
  }

  /**
   * Forgets decisions older than `days` that no recommendation or watch points to (a balance is
   * evaluated at least hourly), a batch at a time.
   */
  async pruneDecisions(db: Queryable, days: number, batch: number): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      db,
      `DELETE FROM replenishment_decision WHERE id IN (
         SELECT d.id FROM replenishment_decision d
          WHERE d.computed_at < now() - make_interval(days => $1::integer)
            AND NOT EXISTS (SELECT 1 FROM replenishment_recommendation r WHERE r.decision_id = d.id)
            AND NOT EXISTS (SELECT 1 FROM replenishment_watch w WHERE w.decision_id = d.id)
          ORDER BY d.id LIMIT $2)
       RETURNING id::text AS id`,
      [days, batch],
    );
    return rows.length;
  }

  /** Inserts once per crossing key; undefined when the crossing already has its recommendation. */
  async insertRecommendation(db: Queryable, r: NewRecommendation): Promise<RecommendationRow | undefined> {
    const [row] = await queryRows<RecommendationRow>(
      db,
      `INSERT INTO replenishment_recommendation AS r (id, crossing_key, plant, material, unit, action, state, automatic,
         policy_reason, owner_user_id, supplier, po_number, line_number, po_revision, current_date_due, new_delivery_date,
         new_quantity, added_quantity, needed_by, shortage_date, value, currency, explanation, production_orders,
         decision_id, correlation_id, causation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
               $24, $25, $26, $27)
       ON CONFLICT ON CONSTRAINT uq_replenishment_recommendation_crossing DO NOTHING
       RETURNING ${REC}`,
      [
        r.id,
        r.crossingKey,
        r.plant,
        r.material,
        r.unit,
        r.action,
        r.state,
        r.automatic,
        r.policyReason,
        r.ownerUserId,
        r.supplier,
        r.poNumber,
        r.lineNumber,
        r.poRevision,
        r.currentDueDate,
        r.newDeliveryDate,
        r.newQuantity,
        r.addedQuantity,
        r.neededBy,
        r.shortageDate,
        r.value,
        r.currency,
        r.explanation,
        JSON.stringify(r.productionOrders),
        r.decisionId,
        r.correlationId,
        r.causationId,
      ],
    );
    return row;
  }

  async get(db: Queryable, id: string, lock = false): Promise<RecommendationRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await queryRows<RecommendationRow>(
      db,
      `SELECT ${REC} FROM replenishment_recommendation r WHERE r.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  }

  list(db: Queryable, f: RecommendationFilters): Promise<RecommendationRow[]> {
    return queryRows<RecommendationRow>(
      db,
      `SELECT ${REC} FROM replenishment_recommendation r
        WHERE ($1::text IS NULL OR r.state = $1) AND ($2::text IS NULL OR r.plant = $2)
          AND ($3::text IS NULL OR r.material = $3) AND ($4::text IS NULL OR r.po_number = $4)
        ORDER BY r.created_at DESC, r.id
        LIMIT $5`,
      [f.state ?? null, f.plant ?? null, f.material ?? null, f.poNumber ?? null, f.limit],
    );
  }

  /** The latest recommendation applied to an order and not answered yet, locked. */
  async appliedForOrder(db: Queryable, poNumber: string): Promise<RecommendationRow | undefined> {
    const [row] = await queryRows<RecommendationRow>(
      db,
      `SELECT ${REC} FROM replenishment_recommendation r
        WHERE r.po_number = $1 AND r.state = 'applied'
        ORDER BY r.created_at DESC LIMIT 1 FOR UPDATE`,
      [poNumber],
    );
    return row;
  }

  async byPosting(db: Queryable, postingId: string): Promise<RecommendationRow | undefined> {
    const [row] = await queryRows<RecommendationRow>(
      db,
      `SELECT ${REC} FROM replenishment_recommendation r WHERE r.posting_id = $1 FOR UPDATE`,
      [postingId],
    );
    return row;
  }

  async update(
    db: Queryable,
    id: string,
    set: Partial<{
      state: RecommendationState;
      postingId: string;
      changeRevision: number;
      exceptionId: string;
      answer: string;
      decidedBy: string;
      decidedAt: 'now';
      note: string | null;
      policyReason: string;
    }>,
  ): Promise<void> {
    const columns: Record<string, string> = {
      state: 'state',
      postingId: 'posting_id',
      changeRevision: 'change_revision',
      exceptionId: 'exception_id',
      answer: 'answer',
      decidedBy: 'decided_by',
      note: 'note',
      policyReason: 'policy_reason',
    };
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    for (const [key, value] of Object.entries(set)) {
      if (key === 'decidedAt') {
        sets.push('decided_at = now()');
        continue;
      }
      params.push(value);
      sets.push(`${columns[key]} = $${params.length}`);
    }
    await db.query(`UPDATE replenishment_recommendation SET ${sets.join(', ')} WHERE id = $1`, params);
  }
}
