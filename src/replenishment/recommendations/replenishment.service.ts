import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeActor, type Actor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import { ErpPostingRepository } from '../../erp/posting/erp-posting.repository.js';
import { queryRows } from '../../platform/database/sql.js';
import {
  PolicyRepository,
  type PolicySettings,
  type ReplenishmentPolicy,
} from '../policy/policy.repository.js';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';
import { RecommendationApplier, type Modification } from './recommendation-applier.js';
import {
  RecommendationRepository,
  type DecisionRow,
  type RecommendationFilters,
  type RecommendationRow,
} from './recommendation.repository.js';
import { ReplenishmentEvaluator, type Evaluation } from './replenishment-evaluator.js';

export interface RecommendationView extends RecommendationRow {
  readonly decision: DecisionRow | null;
  /** Where the change stands: the ERP posting, the documents sent to the supplier, the buyer's case. */
  readonly tracking: {
    readonly erpPosting: {
      readonly id: string;
      readonly kind: string;
      readonly status: string;
      readonly documentNumber: string | null;
      readonly lastError: string | null;
    } | null;
    readonly supplierDocuments: readonly {
      readonly id: string;
      readonly poRevision: number | null;
      readonly messageType: string;
      readonly channel: string;
      readonly status: string;
      readonly deliveredAt: string | null;
    }[];
    readonly exceptionId: string | null;
  };
}

/** The buyer's and operator's side of replenishment: policies, explained thresholds, decisions. */
@Injectable()
export class ReplenishmentService {
  private readonly policies = new PolicyRepository();
  private readonly recommendations = new RecommendationRepository();
  private readonly postings = new ErpPostingRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly evaluator: ReplenishmentEvaluator,
    private readonly applier: RecommendationApplier,
    private readonly audit: AuditService,
  ) {}

  policy(plant: string, material: string): Promise<ReplenishmentPolicy> {
    return this.policies.get(this.dataSource, plant, material);
  }

  listPolicies(plant: string | null): Promise<ReplenishmentPolicy[]> {
    return this.policies.list(this.dataSource, plant);
  }

  putPolicy(
    plant: string,
    material: string,
    settings: PolicySettings,
    actor: Actor,
  ): Promise<ReplenishmentPolicy> {
    return this.dataSource.transaction(async (tx) => {
      const [known] = await queryRows<{ ok: number }>(
        tx,
        `SELECT 1 AS ok FROM master_plant p, master_material m WHERE p.plant = $1 AND m.material = $2`,
        [plant, material],
      );
      if (!known)
        throw new ReplenishmentError(
          ReplenishmentErrorCode.InvalidPolicy,
          `no master data for material ${material} at plant ${plant}`,
        );
      if (settings.ownerUserId !== null) {
        const [owner] = await queryRows<{ active: boolean }>(
          tx,
          `SELECT active FROM app_user WHERE id = $1::uuid`,
          [settings.ownerUserId],
        );
        if (!owner?.active)
          throw new ReplenishmentError(
            ReplenishmentErrorCode.InvalidPolicy,
            `owner ${settings.ownerUserId} is not an active user`,
          );
      }
      const before = await this.policies.get(tx, plant, material);
      const after = await this.policies.put(tx, plant, material, settings, describeActor(actor));
      await this.audit.record(tx, {
        actor,
        action: 'replenishment.policy-changed',
        target: { type: 'replenishment-policy', id: `${plant}/${material}` },
        before: before.isDefault ? null : before,
        after,
      });
      return after;
    });
  }

  evaluate(plant: string, material: string): Promise<Evaluation> {
    return this.evaluator.evaluate(plant, material);
  }

  async latestDecision(plant: string, material: string): Promise<DecisionRow> {
    const decision = await this.recommendations.latestDecision(this.dataSource, plant, material);
    if (!decision)
      throw new ReplenishmentError(
        ReplenishmentErrorCode.UnknownBalance,
        `no reorder point computed yet for material ${material} at plant ${plant}`,
      );
    return decision;
  }

  list(filters: RecommendationFilters): Promise<RecommendationRow[]> {
    return this.recommendations.list(this.dataSource, filters);
  }

  async get(id: string): Promise<RecommendationView> {
    const rec = await this.recommendations.get(this.dataSource, id);
    if (!rec) throw unknown(id);
    const decision = (await this.recommendations.decision(this.dataSource, rec.decisionId)) ?? null;
    const posting = rec.postingId ? await this.postings.get(this.dataSource, rec.postingId) : undefined;
    const supplierDocuments =
      rec.poNumber === null || rec.poRevision === null
        ? []
        : await queryRows<RecommendationView['tracking']['supplierDocuments'][number]>(
            this.dataSource,
            `SELECT id::text AS id, po_revision AS "poRevision", message_type AS "messageType", channel, status,
                    to_char(delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "deliveredAt"
               FROM outbound_document
              WHERE po_number = $1 AND po_revision > $2 AND partner_id = $3
              ORDER BY outbound_document.id`,
            [rec.poNumber, rec.poRevision, rec.supplier],
          );
    return {
      ...rec,
      decision,
      tracking: {
        erpPosting: posting
          ? {
              id: posting.id,
              kind: posting.kind,
              status: posting.status,
              documentNumber: posting.documentNumber,
              lastError: posting.lastError,
            }
          : null,
        supplierDocuments,
        exceptionId: rec.exceptionId,
      },
    };
  }

  async approve(
    id: string,
    actor: Actor,
    note: string | null,
    modification: Modification,
  ): Promise<RecommendationView> {
    await this.dataSource.transaction(async (tx) => {
      const rec = await this.recommendations.get(tx, id, true);
      if (!rec) throw unknown(id);
      if (
        modification.quantity !== undefined &&
        rec.action === 'expedite' &&
        rec.newQuantity === null &&
        !rec.lineNumber
      )
        throw new ReplenishmentError(
          ReplenishmentErrorCode.RecommendationState,
          'nothing to change the quantity of',
        );
      await this.applier.apply(tx, rec, actor, note, modification);
    });
    return this.get(id);
  }

  async reject(id: string, actor: Actor, note: string): Promise<RecommendationView> {
    await this.dataSource.transaction(async (tx) => {
      const rec = await this.recommendations.get(tx, id, true);
      if (!rec) throw unknown(id);
      await this.applier.reject(tx, rec, actor, note);
    });
    return this.get(id);
  }
}

function unknown(id: string): ReplenishmentError {
  return new ReplenishmentError(
    ReplenishmentErrorCode.UnknownRecommendation,
    `no replenishment recommendation ${id}`,
  );
}
