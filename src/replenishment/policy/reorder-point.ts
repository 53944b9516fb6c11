import { Decimal } from 'decimal.js';
import { decimal, type DecimalString } from '../../canonical/decimal.js';

/**
 * The dynamic reorder point of one material at one plant, as a pure function of its inputs, so that
 * every figure the API shows can be recomputed by hand from the inputs stored with it:
 *
 * - **average daily usage** D: an exponentially weighted moving average of the daily consumption
 *   series (oldest day first, days without consumption count 0): m₁ = u₁, mₜ = α·uₜ + (1 − α)·mₜ₋₁;
 * - **usage variability** σ: the exponentially weighted standard deviation with the same α:
 *   v₁ = 0, vₜ = (1 − α)·(vₜ₋₁ + α·(uₜ − mₜ₋₁)²), σ = √vₙ;
 * - **lead time** L in days (source list, or measured from receipts with its own deviation σL);
 * - **safety stock** SS = z·√(L·σ² + D²·σL²), z the standard normal quantile of the target service
 *   level, rounded to four decimals (1.6449 for 95 %) so that it matches a printed table;
 * - **reorder point** ROP = D·L + SS.
 *
 * SS and ROP are rounded up to the policy's rounding quantity (1 piece by default): a threshold is
 * never below what the formula asks for. D and σ are reported to four decimals (half up).
 *
 * With fewer than `minHistoryDays` days since the material's first consumption, or with the
 * `standard` method, the policy's standard reorder point applies instead (the fallback); without one
 * there is no threshold and the decision says why.
 */

export const REORDER_METHODS = ['dynamic', 'standard'] as const;
export type ReorderMethod = (typeof REORDER_METHODS)[number];

export interface LeadTime {
  readonly days: number;
  readonly source: 'policy' | 'source-list' | 'measured';
  /** Standard deviation of measured lead times, days; 0 for a fixed lead time. */
  readonly deviationDays: DecimalString;
  /** Measured: how many receipts the figure comes from. */
  readonly samples?: number;
}

export interface ReorderPointInput {
  readonly method: ReorderMethod;
  /** Daily consumption in the base unit, oldest day first (the last entry is today). */
  readonly dailyUsage: readonly DecimalString[];
  /** Days since the material's first recorded consumption (history may be shorter than the window). */
  readonly daysOfHistory: number;
  readonly minHistoryDays: number;
  /** α of the moving averages, 0 < α ≤ 1. */
  readonly smoothing: DecimalString;
  /** Target cycle service level, 0.5 ≤ p < 1. */
  readonly serviceLevel: DecimalString;
  readonly leadTime: LeadTime | null;
  readonly roundingQuantity: DecimalString;
  readonly standardReorderPoint: DecimalString | null;
  readonly standardSafetyStock: DecimalString | null;
}

export interface ReorderPoint {
  /** `dynamic`: computed; `standard`: the policy's standard figures; `none`: no threshold. */
  readonly basis: 'dynamic' | 'standard' | 'none';
  readonly reorderPoint: DecimalString | null;
  readonly safetyStock: DecimalString | null;
  readonly averageDailyUsage: DecimalString;
  readonly usageDeviation: DecimalString;
  readonly z: DecimalString | null;
  readonly leadTimeDays: number | null;
  /** Why this basis, in one sentence a buyer reads. */
  readonly reason: string;
}

const P = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof P>;

export function computeReorderPoint(input: ReorderPointInput): ReorderPoint {
  const { mean, variance } = exponentialMoments(input.dailyUsage, input.smoothing);
  const averageDailyUsage = show(mean);
  const usageDeviation = show(variance.sqrt());
  const standard = (reason: string): ReorderPoint =>
    input.standardReorderPoint === null
      ? {
          basis: 'none',
          reorderPoint: null,
          safetyStock: null,
          averageDailyUsage,
          usageDeviation,
          z: null,
          leadTimeDays: input.leadTime?.days ?? null,
          reason: `${reason}; no standard reorder point is set, so there is no threshold`,
        }
      : {
          basis: 'standard',
          reorderPoint: input.standardReorderPoint,
          safetyStock: input.standardSafetyStock,
          averageDailyUsage,
          usageDeviation,
          z: null,
          leadTimeDays: input.leadTime?.days ?? null,
          reason: `${reason}; the standard reorder point applies`,
        };

  if (input.method === 'standard') return standard('the policy uses standard quantities');
  if (input.leadTime === null) return standard('no lead time: no source list entry and no policy lead time');
  if (input.daysOfHistory < input.minHistoryDays)
    return standard(
      `${input.daysOfHistory} day(s) of consumption history, fewer than the ${input.minHistoryDays} the policy needs`,
    );

  const z = new P(normalQuantile(Number(input.serviceLevel)).toFixed(4));
  const lead = new P(input.leadTime.days);
  const sigmaL = new P(input.leadTime.deviationDays);
  const safety = z.times(
    lead
      .times(variance)
      .plus(mean.pow(2).times(sigmaL.pow(2)))
      .sqrt(),
  );
  const reorder = mean.times(lead).plus(safety);
  const step = new P(input.roundingQuantity);
  return {
    basis: 'dynamic',
    reorderPoint: roundUp(reorder, step),
    safetyStock: roundUp(safety, step),
    averageDailyUsage,
    usageDeviation,
    z: decimal(z.toFixed(4)),
    leadTimeDays: input.leadTime.days,
    reason: `dynamic: ${input.dailyUsage.length}-day usage series, α ${input.smoothing}, service level ${input.serviceLevel}, lead time ${input.leadTime.days} day(s) (${input.leadTime.source})`,
  };
}

/** The exponentially weighted mean and variance of a series (West's recursion), oldest value first. */
export function exponentialMoments(
  series: readonly DecimalString[],
  smoothing: DecimalString,
): { mean: Dec; variance: Dec } {
  const alpha = new P(smoothing);
  let mean = new P(0);
  let variance = new P(0);
  series.forEach((value, i) => {
    const u = new P(value);
    if (i === 0) {
      mean = u;
      return;
    }
    const diff = u.minus(mean);
    variance = new P(1).minus(alpha).times(variance.plus(alpha.times(diff.pow(2))));
    mean = mean.plus(alpha.times(diff));
  });
  return { mean, variance };
}

/** Rounds up to a whole multiple of `step` (a threshold is never below what the formula asks). */
export function roundUp(value: Dec | DecimalString, step: Dec | DecimalString): DecimalString {
  const v = new P(value);
  const s = new P(step);
  if (v.lte(0)) return decimal('0');
  return decimal(v.div(s).ceil().times(s).toFixed());
}

function show(value: Dec): DecimalString {
  return decimal(value.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed());
}

/**
 * The standard normal quantile Φ⁻¹(p) (P. J. Acklam's rational approximation, relative error below
 * 1.2·10⁻⁹, far finer than the four decimals used).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`service level ${p} is outside (0, 1)`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
