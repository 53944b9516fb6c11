import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { describeActor, type Actor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import type { CanonicalEvent } from '../../canonical/events/catalogue.js';
import { ErpPostingService } from '../../erp/posting/erp-posting.service.js';
import { CanonicalEventStore } from '../../translation/canonical-event.store.js';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';
import { RecommendationRepository, type RecommendationRow } from './recommendation.repository.js';
import { randomUUID } from 'node:crypto';

/** What a buyer may change when approving: another quantity (the line's new one, or the order's) or date. */
export interface Modification {
  readonly quantity?: string;
  readonly deliveryDate?: string;
}

/** The policy itself, when it applies a recommendation within its limits. */
export const POLICY_ACTOR: Actor = {
  kind: 'system',
  clientId: 'replenishment-policy',
  name: 'replenishment policy',
};

const TARGET = 'replenishment-recommendation';

/**
 * Turns a decided recommendation into a request to the ERP, in the caller's transaction (the ERP is
 * the only source of PO changes): a `po-change` of the open line (new date and/or quantity) against
 * the order's revision, or a `po-request` for a new order. The business key is the recommendation's
 * id, so one recommendation is one ERP effect however often it is applied; the ERP's accepted change
 * reaches the supplier once by the instance's `poChangeDelivery`.
 */
@Injectable()
export class RecommendationApplier {
  private readonly recommendations = new RecommendationRepository();

  constructor(
    private readonly erp: ErpPostingService,
    private readonly events: CanonicalEventStore,
    private readonly audit: AuditService,
  ) {}

  async apply(
    tx: EntityManager,
    rec: RecommendationRow,
    actor: Actor,
    note: string | null,
    modification: Modification = {},
  ): Promise<string> {
    if (rec.state !== 'proposed')
      throw new ReplenishmentError(
        ReplenishmentErrorCode.RecommendationState,
        `recommendation ${rec.id} is ${rec.state}; only a proposed one can be approved`,
      );
    const quantity = modification.quantity ?? rec.newQuantity ?? undefined;
    const deliveryDate = modification.deliveryDate ?? rec.newDeliveryDate ?? undefined;
    const reason = `replenishment ${rec.id}: ${rec.action} ${rec.material}`.slice(0, 256);
    let postingId: string;
    if (rec.action === 'order') {
      const { posting } = await this.erp.post(tx, {
        kind: 'po-request',
        businessKey: `replenishment-${rec.id}`,
        revision: 0,
        plant: rec.plant,
        orderingKey: `replenishment:${rec.plant}/${rec.material}`,
        correlationId: rec.correlationId,
        causationId: rec.id,
        body: {
          material: rec.material,
          plant: rec.plant,
          quantity: quantity!,
          unit: rec.unit,
          neededBy: deliveryDate ?? rec.neededBy,
          ...(rec.supplier ? { supplier: rec.supplier } : {}),
          reason,
        },
      });
      postingId = posting.id;
    } else {
      const [order] = await tx.query<{ revision: number; correlation_id: string; state: string }[]>(
        `SELECT revision, correlation_id, state FROM purchase_order WHERE po_number = $1`,
        [rec.poNumber],
      );
      if (!order || ['cancelled', 'closed', 'received', 'rejected'].includes(order.state))
        throw new ReplenishmentError(
          ReplenishmentErrorCode.RecommendationState,
          `PO ${rec.poNumber} is ${order?.state ?? 'unknown'}: the change cannot be requested`,
        );
      const change = {
        lineNumber: rec.lineNumber!,
        ...(quantity !== undefined && (modification.quantity !== undefined || rec.newQuantity !== null)
          ? { quantity }
          : {}),
        ...(deliveryDate !== undefined ? { deliveryDate } : {}),
      };
      const { posting } = await this.erp.post(tx, {
        kind: 'po-change',
        businessKey: `${rec.poNumber}/replenishment-${rec.id}`,
        revision: 0,
        poNumber: rec.poNumber,
        plant: rec.plant,
        correlationId: order.correlation_id,
        causationId: rec.id,
        body: { poNumber: rec.poNumber!, baseRevision: order.revision, reason, lines: [change] },
      });
      postingId = posting.id;
    }
    await this.recommendations.update(tx, rec.id, {
      state: 'applied',
      postingId,
      decidedBy: describeActor(actor),
      decidedAt: 'now',
      note,
    });
    await this.decided(
      tx,
      rec,
      actor,
      modification.quantity || modification.deliveryDate ? 'modified' : 'accepted',
      note,
      modification,
    );
    if (actor !== POLICY_ACTOR)
      await this.audit.record(tx, {
        actor,
        action: 'replenishment.recommendation-approved',
        target: { type: TARGET, id: rec.id },
        partnerId: rec.supplier,
        before: { state: rec.state },
        after: { state: 'applied', postingId, ...modification },
        correlationId: rec.correlationId,
        note,
      });
    return postingId;
  }

  async reject(tx: EntityManager, rec: RecommendationRow, actor: Actor, note: string): Promise<void> {
    if (rec.state !== 'proposed')
      throw new ReplenishmentError(
        ReplenishmentErrorCode.RecommendationState,
        `recommendation ${rec.id} is ${rec.state}; only a proposed one can be rejected`,
      );
    await this.recommendations.update(tx, rec.id, {
      state: 'rejected',
      decidedBy: describeActor(actor),
      decidedAt: 'now',
      note,
    });
    await this.decided(tx, rec, actor, 'rejected', note, {});
    await this.audit.record(tx, {
      actor,
      action: 'replenishment.recommendation-rejected',
      target: { type: TARGET, id: rec.id },
      partnerId: rec.supplier,
      before: { state: rec.state },
      after: { state: 'rejected' },
      correlationId: rec.correlationId,
      note,
    });
  }

  /** The `replenishment.decided` event, caused by the recommendation. */
  private async decided(
    tx: EntityManager,
    rec: RecommendationRow,
    actor: Actor,
    decision: 'accepted' | 'modified' | 'rejected',
    note: string | null,
    modification: Modification,
  ): Promise<void> {
    const id = randomUUID();
    const now = new Date().toISOString();
    const decidedBy =
      actor.kind === 'user'
        ? { kind: 'user' as const, id: actor.userId, email: actor.email }
        : actor.kind === 'system'
          ? { kind: 'system' as const, id: actor.clientId }
          : actor.kind === 'partner'
            ? { kind: 'partner' as const, id: actor.partnerId }
            : { kind: 'system' as const, id: actor.kind === 'cli' ? actor.name : 'gateway' };
    await this.events.append(tx, {
      id,
      type: 'replenishment.decided',
      schemaVersion: 'v1',
      plant: rec.plant,
      occurredAt: now,
      receivedAt: now,
      correlationId: rec.correlationId,
      causationId: rec.id,
      document: { kind: 'original', number: id, revision: '1' },
      source: { channel: 'gateway' },
      payload: {
        recommendationId: rec.id,
        decision,
        decidedBy,
        ...(modification.quantity ? { quantity: { value: modification.quantity, unit: rec.unit } } : {}),
        ...(modification.deliveryDate ? { neededBy: modification.deliveryDate } : {}),
        ...(rec.poNumber
          ? {
              purchaseOrder: {
                number: rec.poNumber,
                ...(rec.lineNumber ? { lineNumber: rec.lineNumber } : {}),
              },
            }
          : {}),
        ...(note ? { reason: { text: note.slice(0, 1024) } } : {}),
      },
    } as unknown as CanonicalEvent);
  }
}
