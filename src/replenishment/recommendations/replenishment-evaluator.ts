import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Decimal } from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import { decimal, type DecimalString } from '../../canonical/decimal.js';
import type { CanonicalEvent } from '../../canonical/events/catalogue.js';
import { ErpPostingError } from '../../erp/posting/erp-posting.exception.js';
import { CanonicalEventStore } from '../../translation/canonical-event.store.js';
import { ReplenishmentError } from '../replenishment.exception.js';
import { BalancesService, todayIn } from '../balances/balances.service.js';
import { BalanceRepository } from '../balances/balance.repository.js';
import { addDays } from '../balances/projection.js';
import { PolicyRepository, type ReplenishmentPolicy } from '../policy/policy.repository.js';
import { computeReorderPoint, type LeadTime, type ReorderPoint } from '../policy/reorder-point.js';
import { ReorderInputsRepository } from '../policy/reorder-inputs.repository.js';
import { assess, recommend, type CandidateLine, type Recommendation } from './recommend.js';
import { POLICY_ACTOR, RecommendationApplier } from './recommendation-applier.js';
import {
  RecommendationRepository,
  type DecisionRow,
  type RecommendationRow,
} from './recommendation.repository.js';

export interface Evaluation {
  readonly plant: string;
  readonly material: string;
  readonly decision: DecisionRow;
  /** The recommendation this evaluation raised (a new crossing), if any. */
  readonly recommendation: RecommendationRow | null;
}

/** How many receipts a measured lead time needs before it replaces the source list's. */
const MIN_LEAD_TIME_SAMPLES = 3;
const P = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/**
 * Evaluates one material at one plant in one transaction: computes its reorder point with every
 * input stored (replenishment_decision), compares the projected position with it, and on a new
 * crossing raises one recommendation (unique crossing key: plant, material and the event that moved
 * the balance across), applied at once when the policy allows it, else waiting for a buyer. While the
 * material stays below, no second recommendation is raised; once it is back above, the next crossing
 * is a new one.
 */
@Injectable()
export class ReplenishmentEvaluator {
  private readonly policies = new PolicyRepository();
  private readonly inputs = new ReorderInputsRepository();
  private readonly recommendations = new RecommendationRepository();
  private readonly balanceRows = new BalanceRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly balances: BalancesService,
    private readonly applier: RecommendationApplier,
    private readonly events: CanonicalEventStore,
  ) {}

  evaluate(plant: string, material: string, now = new Date()): Promise<Evaluation> {
    return this.dataSource.transaction((tx) => this.evaluateIn(tx, plant, material, now));
  }

  /**
   * Balances that moved (or whose policy changed) since their last evaluation, each in its own
   * transaction. One that fails is reported and set aside until its balance moves again (or an hour
   * passes), so that it cannot hold up the others.
   */
  async evaluateDue(
    staleMinutes: number,
    limit: number,
    signal?: AbortSignal,
    failed: (plant: string, material: string, error: unknown) => void = () => undefined,
  ): Promise<Evaluation[]> {
    const due = await this.recommendations.due(this.dataSource, staleMinutes, limit);
    const done: Evaluation[] = [];
    for (const { plant, material } of due) {
      if (signal?.aborted) break;
      try {
        done.push(await this.evaluate(plant, material));
      } catch (error) {
        failed(plant, material, error);
        await this.dataSource.transaction((tx) => this.recommendations.setAside(tx, plant, material));
      }
    }
    return done;
  }

  /** Decisions kept for `days` (those behind a recommendation or the current watch for good). */
  pruneDecisions(days: number): Promise<number> {
    return this.recommendations.pruneDecisions(this.dataSource, days, 1000);
  }

  async evaluateIn(
    tx: EntityManager,
    plant: string,
    material: string,
    now = new Date(),
  ): Promise<Evaluation> {
    const watch = await this.recommendations.lockWatch(tx, plant, material);
    const policy = await this.policies.get(tx, plant, material);
    const timezone = (await this.balanceRows.plantTimezone(tx, plant)) ?? 'UTC';
    const today = todayIn(timezone, now);
    const usage = await this.inputs.dailyUsage(tx, plant, material, timezone, today, policy.historyDays);
    const daysOfHistory = usage.firstDay === null ? 0 : daysBetween(usage.firstDay, today) + 1;
    const sources = await this.inputs.sourceList(tx, plant, material, today);
    const preferred = sources[0] ?? null;
    const leadTime = await this.leadTime(tx, policy, plant, material, preferred, timezone);
    const threshold = computeReorderPoint({
      method: policy.method,
      dailyUsage: usage.series.map(decimal),
      daysOfHistory,
      minHistoryDays: policy.minHistoryDays,
      smoothing: decimal(policy.smoothing),
      serviceLevel: decimal(policy.serviceLevel),
      leadTime,
      roundingQuantity: decimal(policy.roundingQuantity),
      standardReorderPoint:
        policy.standardReorderPoint === null ? null : decimal(policy.standardReorderPoint),
      standardSafetyStock: policy.standardSafetyStock === null ? null : decimal(policy.standardSafetyStock),
    });
    const trigger = (await this.inputs.lastMovement(tx, plant, material)) ?? null;
    const baseInputs = {
      today,
      timezone,
      policy: settingsOf(policy),
      usage: {
        // The series starts at the first consumption when that is later than the window's start.
        from: usage.from ?? today,
        to: today,
        daily: usage.series,
        daysOfHistory,
      },
      leadTime,
      supplier: preferred?.supplier ?? null,
      threshold,
      trigger,
    };

    if (threshold.reorderPoint === null) {
      const decision = await this.recommendations.insertDecision(tx, {
        plant,
        material,
        basis: threshold.basis,
        reorderPoint: null,
        safetyStock: null,
        averageDailyUsage: threshold.averageDailyUsage,
        leadTimeDays: threshold.leadTimeDays,
        position: null,
        below: false,
        triggerProducerKey: trigger?.producerKey ?? null,
        inputs: baseInputs,
      });
      await this.recommendations.updateWatch(tx, plant, material, {
        below: false,
        crossingKey: null,
        decisionId: decision.id,
      });
      return { plant, material, decision, recommendation: null };
    }

    const leadDays = threshold.leadTimeDays ?? policy.leadTimeDays ?? 0;
    const horizon = Math.max(28, leadDays + policy.coverageDays + 1);
    const balance = await this.balances.get(plant, material, horizon, today, tx);
    const safetyStock = threshold.safetyStock ?? decimal('0');
    const assessment = assess({
      today,
      reorderPoint: threshold.reorderPoint,
      safetyStock,
      averageDailyUsage: threshold.averageDailyUsage,
      leadTimeDays: leadDays,
      projected: balance.projected,
    });
    const decision = await this.recommendations.insertDecision(tx, {
      plant,
      material,
      basis: threshold.basis,
      reorderPoint: threshold.reorderPoint,
      safetyStock: threshold.safetyStock,
      averageDailyUsage: threshold.averageDailyUsage,
      leadTimeDays: leadDays,
      position: assessment.position,
      below: assessment.below,
      triggerProducerKey: trigger?.producerKey ?? null,
      inputs: {
        ...baseInputs,
        balance: {
          unit: balance.unit,
          onHand: balance.onHand,
          allocated: balance.allocated,
          inTransit: balance.inTransit,
          onOrder: balance.onOrder,
          orders: balance.orders,
        },
        projection: balance.projected.slice(0, leadDays + 1),
        assessment,
      },
    });

    if (!assessment.below) {
      await this.recommendations.updateWatch(tx, plant, material, {
        below: false,
        crossingKey: null,
        decisionId: decision.id,
      });
      return { plant, material, decision, recommendation: null };
    }
    if (watch.below && watch.crossingKey !== null) {
      // Still the same crossing: it has its recommendation already.
      await this.recommendations.updateWatch(tx, plant, material, {
        below: true,
        crossingKey: watch.crossingKey,
        decisionId: decision.id,
      });
      return { plant, material, decision, recommendation: null };
    }

    // The crossing's number makes a later crossing on the same last movement (back above through a
    // new order, below again when it is cancelled) a new one. It is counted in the locked watch row
    // in this transaction, so a retried evaluation whose first try rolled back gets the same key.
    const crossings = watch.crossings + 1;
    const crossingKey = `${plant}/${material}/${trigger?.producerKey ?? `decision-${decision.id}`}#${crossings}`;
    await this.recommendations.updateWatch(tx, plant, material, {
      below: true,
      crossingKey,
      decisionId: decision.id,
      crossings,
    });
    const details = await this.inputs.lineDetails(tx, plant, material);
    const lines: CandidateLine[] = [];
    for (const order of balance.orders) {
      const detail = details.find((d) => d.poNumber === order.poNumber && d.lineNumber === order.lineNumber);
      if (!detail) continue;
      // A line in another unit is open supply all the same (EA is H87, a DZN is 12 of them); its
      // change names the quantity in the line's own unit. Only a line whose unit does not convert
      // exactly into the base unit is left to a buyer.
      const sameUnit = detail.unit === balance.unit;
      if (!sameUnit && (balance.unit === null || order.baseQuantityPerUnit === null)) continue;
      lines.push({
        poNumber: order.poNumber,
        lineNumber: order.lineNumber,
        supplier: order.supplier,
        due: order.due,
        open: order.open,
        quantity: decimal(detail.quantity),
        netPrice: detail.netPrice === null ? null : decimal(detail.netPrice),
        currency: detail.currency,
        ...(sameUnit ? {} : { unit: detail.unit, baseQuantityPerUnit: order.baseQuantityPerUnit! }),
      });
    }
    const cycle =
      policy.standardQuantity !== null
        ? decimal(policy.standardQuantity)
        : decimal(new P(threshold.averageDailyUsage).times(policy.coverageDays).toFixed());
    const proposal = recommend(
      {
        today,
        reorderPoint: threshold.reorderPoint,
        safetyStock,
        averageDailyUsage: threshold.averageDailyUsage,
        leadTimeDays: leadDays,
        projected: balance.projected,
        lines,
        preferredSupplier: preferred?.supplier ?? null,
        cycleQuantity: cycle,
        roundingQuantity: decimal(policy.roundingQuantity),
      },
      assessment,
    );
    const auto = automatic(policy, proposal);
    const productionOrders = await this.inputs.productionOrdersAtRisk(
      tx,
      plant,
      material,
      `${addDays(today, -(policy.historyDays - 1))}T00:00:00Z`,
    );
    const line = proposal.line;
    const detail =
      line && details.find((d) => d.poNumber === line.poNumber && d.lineNumber === line.lineNumber);
    const id = randomUUID();
    const created = await this.recommendations.insertRecommendation(tx, {
      id,
      crossingKey,
      plant,
      material,
      unit: proposal.unit ?? balance.unit ?? 'H87',
      action: proposal.action,
      state: 'proposed',
      automatic: auto.apply,
      policyReason: auto.reason,
      ownerUserId: policy.ownerUserId,
      supplier: proposal.supplier,
      poNumber: line?.poNumber ?? null,
      lineNumber: line?.lineNumber ?? null,
      poRevision: detail?.revision ?? null,
      currentDueDate: line?.due ?? null,
      newDeliveryDate: proposal.newDeliveryDate,
      newQuantity: proposal.newQuantity,
      addedQuantity: proposal.addedQuantity,
      neededBy: proposal.neededBy,
      shortageDate: assessment.shortageDate,
      value: proposal.value,
      currency: proposal.currency,
      explanation: `${proposal.explanation}. Reorder point ${threshold.reorderPoint} (${threshold.reason}).`,
      productionOrders: [...productionOrders],
      decisionId: decision.id,
      correlationId: trigger?.correlationId ?? `replenishment:${id}`,
      causationId: trigger?.eventId ?? null,
    });
    if (!created) return { plant, material, decision, recommendation: null };
    await this.recommended(
      tx,
      created,
      threshold,
      balance.unit ?? 'H87',
      decimal(balance.onHand),
      assessment.position,
    );
    if (auto.apply) {
      try {
        await this.applier.apply(tx, created, POLICY_ACTOR, auto.reason);
      } catch (error) {
        // Refused before anything was written (the order is closed, the ERP contract cannot carry it):
        // the recommendation stays for a buyer, with the reason.
        if (!(error instanceof ReplenishmentError) && !(error instanceof ErpPostingError)) throw error;
        await this.recommendations.update(tx, created.id, {
          policyReason: `waits for a buyer: could not be applied automatically (${error.message})`,
        });
      }
    }
    const recommendation = (await this.recommendations.get(tx, created.id))!;
    return { plant, material, decision, recommendation };
  }

  private async leadTime(
    tx: EntityManager,
    policy: ReplenishmentPolicy,
    plant: string,
    material: string,
    preferred: { supplier: string; leadTimeDays: number } | null,
    timezone: string,
  ): Promise<LeadTime | null> {
    if (policy.leadTimeSource === 'policy' && policy.leadTimeDays !== null)
      return { days: policy.leadTimeDays, source: 'policy', deviationDays: decimal('0') };
    if (policy.leadTimeSource === 'measured' && preferred) {
      const samples = await this.inputs.measuredLeadTimes(tx, plant, material, preferred.supplier, timezone);
      if (samples.length >= MIN_LEAD_TIME_SAMPLES) {
        const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
        const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length;
        return {
          days: Math.ceil(mean),
          source: 'measured',
          deviationDays: decimal(new P(variance).sqrt().toDecimalPlaces(4).toFixed()),
          samples: samples.length,
        };
      }
    }
    if (preferred)
      return { days: preferred.leadTimeDays, source: 'source-list', deviationDays: decimal('0') };
    if (policy.leadTimeDays !== null)
      return { days: policy.leadTimeDays, source: 'policy', deviationDays: decimal('0') };
    return null;
  }

  /** The `replenishment.recommended` event: caused by the plant event that moved the balance across. */
  private async recommended(
    tx: EntityManager,
    rec: RecommendationRow,
    threshold: ReorderPoint,
    baseUnit: string,
    onHand: DecimalString,
    position: DecimalString,
  ): Promise<void> {
    const now = new Date().toISOString();
    const nonNegative = (v: string) => !v.startsWith('-');
    const quantity = rec.newQuantity ?? rec.addedQuantity;
    await this.events.append(tx, {
      id: rec.id,
      type: 'replenishment.recommended',
      schemaVersion: 'v1',
      plant: rec.plant,
      occurredAt: now,
      receivedAt: now,
      correlationId: rec.correlationId,
      causationId: rec.causationId,
      document: { kind: 'original', number: rec.id, revision: '1' },
      source: { channel: 'gateway' },
      payload: {
        material: rec.material,
        action: rec.action,
        quantity: { value: quantity, unit: rec.unit },
        neededBy: rec.neededBy,
        ...(rec.supplier ? { supplier: rec.supplier } : {}),
        ...(rec.poNumber
          ? {
              purchaseOrder: {
                number: rec.poNumber,
                ...(rec.lineNumber ? { lineNumber: rec.lineNumber } : {}),
              },
            }
          : {}),
        ...(nonNegative(onHand)
          ? {
              basis: {
                onHand: { value: onHand, unit: baseUnit },
                projectedBalance: { value: position, unit: baseUnit },
                reorderPoint: { value: threshold.reorderPoint!, unit: baseUnit },
                ...(threshold.safetyStock
                  ? { safetyStock: { value: threshold.safetyStock, unit: baseUnit } }
                  : {}),
                averageDailyConsumption: { value: threshold.averageDailyUsage, unit: baseUnit },
              },
            }
          : {}),
        explanation: rec.explanation.slice(0, 2048),
      },
    } as unknown as CanonicalEvent);
  }
}

/** Whether the policy applies a recommendation without a buyer, and why (or why not). */
export function automatic(
  policy: Pick<ReplenishmentPolicy, 'autoApply' | 'autoMaxQuantity' | 'autoMaxValue'>,
  proposal: Recommendation,
): { apply: boolean; reason: string } {
  if (!policy.autoApply)
    return { apply: false, reason: 'waits for a buyer: automatic application is off for this material' };
  // The limit is in the base unit, whatever unit the line's change names.
  const moved = proposal.movedBaseQuantity;
  if (policy.autoMaxQuantity !== null && new P(moved).gt(new P(policy.autoMaxQuantity)))
    return {
      apply: false,
      reason: `waits for a buyer: quantity ${moved} above the automatic limit ${policy.autoMaxQuantity}`,
    };
  if (policy.autoMaxValue !== null) {
    if (proposal.value === null)
      return {
        apply: false,
        reason: 'waits for a buyer: no price to check against the automatic value limit',
      };
    if (new P(proposal.value).gt(new P(policy.autoMaxValue)))
      return {
        apply: false,
        reason:
          `waits for a buyer: value ${proposal.value} ${proposal.currency ?? ''} above the automatic limit ${policy.autoMaxValue}`.trim(),
      };
  }
  return {
    apply: true,
    reason: `applied automatically: within the policy's limits (quantity ≤ ${policy.autoMaxQuantity ?? 'any'}, value ≤ ${policy.autoMaxValue ?? 'any'})`,
  };
}

function settingsOf(p: ReplenishmentPolicy) {
  const { plant: _p, material: _m, updatedAt: _u, updatedBy: _b, ...settings } = p;
  return settings;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
