import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import type { ReorderMethod } from './reorder-point.js';

export type LeadTimeSource = 'source-list' | 'measured' | 'policy';

/** The reorder policy of one material at one plant (defaults when none is stored). */
export interface ReplenishmentPolicy {
  readonly plant: string;
  readonly material: string;
  readonly method: ReorderMethod;
  /** Target cycle service level, e.g. "0.95". */
  readonly serviceLevel: string;
  /** α of the exponentially weighted usage, e.g. "0.3". */
  readonly smoothing: string;
  /** Days of consumption the usage series covers (today included). */
  readonly historyDays: number;
  /** Below this many days since the first consumption, the standard figures apply. */
  readonly minHistoryDays: number;
  readonly leadTimeSource: LeadTimeSource;
  /** With `leadTimeSource: policy`, the lead time itself. */
  readonly leadTimeDays: number | null;
  readonly roundingQuantity: string;
  readonly standardReorderPoint: string | null;
  readonly standardSafetyStock: string | null;
  /** The reorder quantity on top of a shortfall; unset: average daily usage × coverage days. */
  readonly standardQuantity: string | null;
  readonly coverageDays: number;
  /** Whether recommendations within the limits below are applied without a buyer. */
  readonly autoApply: boolean;
  readonly autoMaxQuantity: string | null;
  /** In the order's currency. */
  readonly autoMaxValue: string | null;
  /** The buyer who owns this material's recommendations (and their exceptions, when routing names nobody). */
  readonly ownerUserId: string | null;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  /** True when nothing is stored and these are the defaults. */
  readonly isDefault: boolean;
}

export type PolicySettings = Omit<
  ReplenishmentPolicy,
  'plant' | 'material' | 'updatedBy' | 'updatedAt' | 'isDefault'
>;

export const DEFAULT_POLICY: PolicySettings = {
  method: 'dynamic',
  serviceLevel: '0.95',
  smoothing: '0.3',
  historyDays: 28,
  minHistoryDays: 7,
  leadTimeSource: 'source-list',
  leadTimeDays: null,
  roundingQuantity: '1',
  standardReorderPoint: null,
  standardSafetyStock: null,
  standardQuantity: null,
  coverageDays: 14,
  autoApply: false,
  autoMaxQuantity: null,
  autoMaxValue: null,
  ownerUserId: null,
};

const COLUMNS = `plant, material, method, service_level::text AS "serviceLevel", smoothing::text AS smoothing,
  history_days AS "historyDays", min_history_days AS "minHistoryDays", lead_time_source AS "leadTimeSource",
  lead_time_days AS "leadTimeDays", rounding_quantity::text AS "roundingQuantity",
  standard_reorder_point::text AS "standardReorderPoint", standard_safety_stock::text AS "standardSafetyStock",
  standard_quantity::text AS "standardQuantity", coverage_days AS "coverageDays", auto_apply AS "autoApply",
  auto_max_quantity::text AS "autoMaxQuantity", auto_max_value::text AS "autoMaxValue",
  owner_user_id AS "ownerUserId", updated_by AS "updatedBy", ${isoTimestamp('updated_at')} AS "updatedAt", false AS "isDefault"`;

export class PolicyRepository {
  async get(db: Queryable, plant: string, material: string): Promise<ReplenishmentPolicy> {
    const [row] = await queryRows<ReplenishmentPolicy>(
      db,
      `SELECT ${COLUMNS} FROM replenishment_policy WHERE plant = $1 AND material = $2`,
      [plant, material],
    );
    return row ?? { ...DEFAULT_POLICY, plant, material, updatedBy: null, updatedAt: null, isDefault: true };
  }

  list(db: Queryable, plant: string | null): Promise<ReplenishmentPolicy[]> {
    return queryRows<ReplenishmentPolicy>(
      db,
      `SELECT ${COLUMNS} FROM replenishment_policy WHERE ($1::text IS NULL OR plant = $1) ORDER BY plant, material`,
      [plant],
    );
  }

  async put(
    db: Queryable,
    plant: string,
    material: string,
    p: PolicySettings,
    updatedBy: string,
  ): Promise<ReplenishmentPolicy> {
    const [row] = await queryRows<ReplenishmentPolicy>(
      db,
      `INSERT INTO replenishment_policy AS p (plant, material, method, service_level, smoothing, history_days,
         min_history_days, lead_time_source, lead_time_days, rounding_quantity, standard_reorder_point,
         standard_safety_stock, standard_quantity, coverage_days, auto_apply, auto_max_quantity, auto_max_value,
         owner_user_id, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, now())
       ON CONFLICT ON CONSTRAINT pk_replenishment_policy DO UPDATE SET
         method = EXCLUDED.method, service_level = EXCLUDED.service_level, smoothing = EXCLUDED.smoothing,
         history_days = EXCLUDED.history_days, min_history_days = EXCLUDED.min_history_days,
         lead_time_source = EXCLUDED.lead_time_source, lead_time_days = EXCLUDED.lead_time_days,
         rounding_quantity = EXCLUDED.rounding_quantity, standard_reorder_point = EXCLUDED.standard_reorder_point,
         standard_safety_stock = EXCLUDED.standard_safety_stock, standard_quantity = EXCLUDED.standard_quantity,
         coverage_days = EXCLUDED.coverage_days, auto_apply = EXCLUDED.auto_apply,
         auto_max_quantity = EXCLUDED.auto_max_quantity, auto_max_value = EXCLUDED.auto_max_value,
         owner_user_id = EXCLUDED.owner_user_id, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        plant,
        material,
        p.method,
        p.serviceLevel,
        p.smoothing,
        p.historyDays,
        p.minHistoryDays,
        p.leadTimeSource,
        p.leadTimeDays,
        p.roundingQuantity,
        p.standardReorderPoint,
        p.standardSafetyStock,
        p.standardQuantity,
        p.coverageDays,
        p.autoApply,
        p.autoMaxQuantity,
        p.autoMaxValue,
        p.ownerUserId,
        updatedBy,
      ],
    );
    return row!;
  }
}
