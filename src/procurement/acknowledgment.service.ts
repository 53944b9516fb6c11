import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { parseEventOf, type EventOf } from '../canonical/events/catalogue.js';
import { ErpPostingService } from '../erp/posting/erp-posting.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { IdempotencyService } from '../platform/jobs/idempotency.service.js';
import { matchAcknowledgment, type LineVerdict } from './acknowledgment-matcher.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import {
  ANSWERABLE_STATES,
  type OrderState,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from './purchase-order.types.js';

type Acknowledgment = EventOf<'purchase-order.acknowledged.v1'>;

export interface AcknowledgmentResult {
  readonly outcome: 'applied' | 'parked' | 'duplicate' | 'refused';
  readonly state?: OrderState;
  readonly verdicts?: readonly LineVerdict[];
  /** The confirmation posted to the ERP for the lines accepted without a buyer, if any. */
  readonly confirmationPostingId?: string;
}

/**
 * A supplier's acknowledgment, whatever its channel: matched line by line against the order with
 * the partner's tolerances. Lines within tolerance are accepted and confirmed to the ERP at once;
 * lines beyond it are held (nothing reaches the ERP for them) and raised as exceptions for a buyer
 * with what differs and what is at risk. Applied once per document revision; an acknowledgment for
 * an order the gateway does not know yet is parked and applied when the order arrives.
 */
@Injectable()
export class AcknowledgmentService {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly partners: PartnerRegistry,
    private readonly exceptions: ExceptionService,
    private readonly erp: ErpPostingService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async apply(tx: EntityManager, ack: Acknowledgment): Promise<AcknowledgmentResult> {
    const poNumber = ack.payload.purchaseOrder.number;
    const order = await this.orders.lockByNumber(tx, poNumber);
    if (!order) {
      // Never rejected for arriving early: kept until the ERP's order arrives.
      await this.orders.park(tx, ack.partnerId, poNumber, ack.id, ack);
      return { outcome: 'parked' };
    }
    if (order.partnerId !== ack.partnerId) {
      // Another partner's order: nothing changes, and a buyer sees who tried.
      await this.exceptions.raise(
        tx,
        {
          type: 'acknowledgment.unknown-order',
          dedupeKey: `${ack.partnerId}:${poNumber}:ack-${ack.document.number}-${ack.document.revision}`,
          summary: `${ack.partnerId} answered purchase order ${poNumber}, which is not theirs`,
          references: { partnerId: ack.partnerId, poNumber: null },
          differences: { purchaseOrder: { expected: null, actual: poNumber } },
          correlationId: ack.correlationId,
        },
        GATEWAY_ACTOR,
      );
      return { outcome: 'refused' };
    }
    let result: AcknowledgmentResult = { outcome: 'duplicate' };
    const key = `${ack.partnerId}:${poNumber}:${ack.document.number}:${ack.document.revision}`;
    await this.idempotency.once(tx, 'procurement.acknowledgment', key, async () => {
      result = await this.applyTo(tx, order, ack);
    });
    return result;
  }

  /** A parked acknowledgment, once its order exists. */
  async applyParked(tx: EntityManager, stored: unknown): Promise<AcknowledgmentResult> {
    return this.apply(tx, parseEventOf('purchase-order.acknowledged.v1', stored));
  }

  private async applyTo(
    tx: EntityManager,
    order: PurchaseOrder,
    ack: Acknowledgment,
  ): Promise<AcknowledgmentResult> {
    const lines = await this.orders.lines(tx, order.id);
    const answered = this.answeredLines(ack, lines);
    const profile = this.partners.require(order.partnerId);
    const verdicts = matchAcknowledgment(
      lines.map((l) => ({ ...l, unitPrice: l.unitPrice })),
      answered,
      profile.tolerances,
    );

    for (const verdict of verdicts) {
      const line = lines.find((l) => l.lineNumber === verdict.lineNumber);
      if (line) {
        await this.orders.recordAnswer(tx, order.id, verdict.lineNumber, {
          ackStatus: answered.find((a) => a.lineNumber === verdict.lineNumber)!.status,
          confirmedQuantity: verdict.confirmed.quantity,
          confirmedDate: verdict.confirmed.deliveryDate,
          confirmedPrice: verdict.confirmed.unitPrice,
          decision: verdict.decision === 'accept' ? 'accepted' : 'held',
        });
      }
      for (const problem of verdict.problems) {
        await this.exceptions.raise(
          tx,
          {
            type: problem,
            dedupeKey: `${order.poNumber}:${verdict.lineNumber}:ack-${ack.document.number}-${ack.document.revision}`,
            summary: `PO ${order.poNumber} line ${verdict.lineNumber}: ${problem.replace('acknowledgment.', '').replace('-', ' ')} by ${order.partnerId}`,
            references: {
              partnerId: order.partnerId,
              poNumber: order.poNumber,
              poLine: verdict.lineNumber,
              material: line?.material ?? null,
              plant: order.plant,
            },
            differences: verdict.differences,
            impact: {
              valueAtRisk: verdict.valueAtRisk,
              currency: verdict.valueAtRisk === null ? null : order.currency,
              daysLate: verdict.daysLate,
            },
            correlationId: order.correlationId,
          },
          GATEWAY_ACTOR,
        );
      }
    }

    const state = this.stateAfter(order.state, ack, verdicts);
    await this.orders.update(tx, order.id, { state });
    const confirmationPostingId = await this.confirmAccepted(tx, order, ack, verdicts, lines);
    const held = verdicts.filter((v) => v.decision === 'hold').length;
    await this.orders.addHistory(tx, order, {
      what: 'purchase-order.acknowledged',
      documentNumber: ack.document.number,
      documentRevision: ack.document.revision,
      fromState: order.state,
      toState: state,
      summary: `${ack.payload.status}: ${verdicts.length - held} line(s) accepted${held > 0 ? `, ${held} held for a buyer` : ''}`,
      eventId: ack.id,
    });
    return { outcome: 'applied', state, verdicts, confirmationPostingId };
  }

  /** Answers without line detail cover every open line with the order's status. */
  private answeredLines(ack: Acknowledgment, lines: readonly PurchaseOrderLine[]) {
    if (ack.payload.lines.length > 0) return ack.payload.lines;
    const status = ack.payload.status === 'rejected' ? ('rejected' as const) : ('accepted' as const);
    return lines.filter((l) => !l.cancelled).map((l) => ({ lineNumber: l.lineNumber, status }));
  }

  private stateAfter(current: OrderState, ack: Acknowledgment, verdicts: readonly LineVerdict[]): OrderState {
    if (!ANSWERABLE_STATES.includes(current)) return current;
    if (
      ack.payload.status === 'rejected' ||
      verdicts.every((v) => v.problems.includes('acknowledgment.rejected'))
    ) {
      return 'rejected';
    }
    const changed =
      ack.payload.status === 'accepted-with-changes' || verdicts.some((v) => v.decision === 'hold');
    return changed ? 'acknowledged-with-changes' : 'acknowledged';
  }

  /** One ERP confirmation per applied acknowledgment, for the lines accepted without a buyer. */
  private async confirmAccepted(
    tx: EntityManager,
    order: PurchaseOrder,
    ack: Acknowledgment,
    verdicts: readonly LineVerdict[],
    lines: readonly PurchaseOrderLine[],
  ): Promise<string | undefined> {
    const accepted = verdicts.filter((v) => v.decision === 'accept');
    if (accepted.length === 0) return undefined;
    const answers = new Map(ack.payload.lines.map((l) => [l.lineNumber, l.status]));
    const { posting } = await this.erp.post(tx, {
      kind: 'po-confirmation',
      businessKey: order.poNumber,
      revision: order.confirmations,
      poNumber: order.poNumber,
      plant: order.plant,
      correlationId: order.correlationId,
      causationId: ack.id,
      body: {
        poNumber: order.poNumber,
        poRevision: order.revision,
        supplier: order.partnerId,
        acknowledgedAt: ack.occurredAt,
        lines: accepted.map((v) => {
          const line = lines.find((l) => l.lineNumber === v.lineNumber)!;
          return {
            lineNumber: v.lineNumber,
            status: answers.get(v.lineNumber) === 'changed' ? ('changed' as const) : ('accepted' as const),
            quantity: v.confirmed.quantity,
            unit: line.unit,
            ...(v.confirmed.deliveryDate ? { deliveryDate: v.confirmed.deliveryDate } : {}),
            ...(v.confirmed.unitPrice ? { netPrice: v.confirmed.unitPrice } : {}),
          };
        }),
      },
    });
    await this.orders.update(tx, order.id, { confirmations: order.confirmations + 1 });
    return posting.id;
  }
}
