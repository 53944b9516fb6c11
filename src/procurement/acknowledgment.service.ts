import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { parseEventOf, type EventOf } from '../canonical/events/catalogue.js';
import { ErpPostingError, ErpPostingErrorCode } from '../erp/posting/erp-posting.exception.js';
import { ErpPostingService } from '../erp/posting/erp-posting.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { IdempotencyService } from '../platform/jobs/idempotency.service.js';
import { matchAcknowledgment, type LineVerdict } from './acknowledgment-matcher.js';
import { noChangeToAnswer, revisionConflict, revisionOf } from './answer-revision.js';
import { ChangeRefusalHooks } from './change-refusal.hooks.js';
import { confirmationLineStatus } from './confirmation-status.js';
import { erpBodyProblems } from './line-quantity.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import {
  ANSWERABLE_STATES,
  type OrderState,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from './purchase-order.types.js';

type Acknowledgment = EventOf<'purchase-order.acknowledged.v1'>;
type ChangeAnswer = EventOf<'purchase-order.change-answered.v1'>;
/** A supplier's answer to an order or to a change of it: the same shape, matched the same way. */
type Answer = Acknowledgment | ChangeAnswer;

export interface AcknowledgmentResult {
  readonly outcome: 'applied' | 'parked' | 'duplicate' | 'refused' | 'stale';
  readonly state?: OrderState;
  readonly verdicts?: readonly LineVerdict[];
  /** The confirmation posted to the ERP for the lines accepted without a buyer, if any. */
  readonly confirmationPostingId?: string;
  /**
   * `acknowledgment.not-postable` when the confirmation of the accepted lines was refused before it
   * reached the ERP: those lines are held for a buyer, with a case each, and the answer still applies.
   */
  readonly problems?: readonly string[];
}

/** What became of the confirmation of the lines accepted without a buyer. */
type Confirmation = { readonly postingId?: string; readonly refused?: string };

/**
 * A supplier's acknowledgment, whatever its channel: matched line by line against the order with
 * the partner's tolerances. Lines within tolerance are accepted and confirmed to the ERP at once;
 * lines beyond it are held (nothing reaches the ERP for them) and raised as exceptions for a buyer
 * with what differs and what is at risk. Applied once per document revision; one that names an
 * older revision of the order is recorded only; an acknowledgment for an order the gateway does not
 * know yet is parked and applied when the order arrives.
 */
@Injectable()
export class AcknowledgmentService {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly partners: PartnerRegistry,
    private readonly exceptions: ExceptionService,
    private readonly erp: ErpPostingService,
    private readonly idempotency: IdempotencyService,
    private readonly refusals: ChangeRefusalHooks,
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
      await this.refuse(tx, ack, poNumber);
      return { outcome: 'refused' };
    }
    let result: AcknowledgmentResult = { outcome: 'duplicate' };
    const key = `${ack.partnerId}:${poNumber}:${ack.document.number}:${ack.document.revision}`;
    await this.idempotency.once(tx, 'procurement.acknowledgment', key, async () => {
      // An answer to a revision the supplier has since been sent another of (the ERP changed what it
      // sees) says nothing about the lines the order holds now: matched against them, it would
      // confirm or dispute values nobody asked about and take the change as answered. The revision
      // it is compared with is the latest sent, not the order's: an ERP revision without changes
      // the supplier sees sends nothing, and the supplier rightly answers the one it holds. One that
      // names no revision (an 855 without REF*PP), or none the gateway sent, is matched against the
      // order as it stands, as before. (The portal and the API's order routes refuse an answer to an
      // older revision before it gets here, answer-revision.ts; one without a revision names the
      // order's.)
      const answered = ack.payload.purchaseOrder.revision;
      const named = answered === undefined ? undefined : revisionOf(answered);
      const sent = await this.orders.latestSentRevision(tx, order.id);
      if (answered !== undefined && named !== undefined && sent !== undefined && named < sent) {
        result = await this.recordStale(tx, order, ack, answered);
        return;
      }
      result = await this.applyTo(tx, order, ack);
    });
    return result;
  }

  /**
   * The supplier's answer to a PO change (865 / ORDRSP to ORDCHG): an answer to the revision the
   * order is at is matched like an acknowledgment; a rejected change raises `po-change.rejected`;
   * an answer to an older revision, or to an order never changed, is recorded and changes nothing.
   */
  async applyChangeAnswer(tx: EntityManager, answer: ChangeAnswer): Promise<AcknowledgmentResult> {
    const poNumber = answer.payload.purchaseOrder.number;
    const order = await this.orders.lockByNumber(tx, poNumber);
    if (!order || order.partnerId !== answer.partnerId) {
      await this.refuse(tx, answer, poNumber);
      return { outcome: 'refused' };
    }
    let result: AcknowledgmentResult = { outcome: 'duplicate' };
    const key = `${answer.partnerId}:${poNumber}:${answer.document.number}:${answer.document.revision}`;
    await this.idempotency.once(tx, 'procurement.change-answer', key, async () => {
      // Required by the change answer's schema (its type, shared with acknowledgments, says optional).
      // It must name the latest change sent (the order's revision when the gateway sent none), or a
      // later revision that changed nothing the supplier sees (the one the portal shows).
      const answered = answer.payload.purchaseOrder.revision ?? '';
      if (!(await this.orders.changeSent(tx, order.id))) {
        // Rejecting a change nobody sent would raise a case about nothing: kept in the history only.
        await this.recordAnswer(tx, order, answer, `${noChangeToAnswer(order.poNumber)}: recorded only`);
        result = { outcome: 'stale' };
        return;
      }
      const named = revisionOf(answered);
      const toAnswer = await this.orders.revisionToAnswer(tx, order);
      if (named === undefined || revisionConflict(named, order, toAnswer)) {
        result = await this.recordStale(tx, order, answer, answered);
        return;
      }
      if (answer.payload.status === 'rejected') {
        // What the change was for (a replenishment's shortage date, the production orders at risk).
        const facts = await this.refusals.describe(tx, { order, answer });
        await this.exceptions.raise(
          tx,
          {
            type: 'po-change.rejected',
            dedupeKey: `${order.poNumber}:rev-${order.revision}:change-rejected`,
            // Another rejecting answer to the same change reopens a case the buyer had closed.
            occurrence: `answer ${answer.document.number} revision ${answer.document.revision}`,
            summary: `${order.partnerId} cannot meet the change to PO ${order.poNumber} (revision ${order.revision})${answer.payload.reason?.text ? `: ${answer.payload.reason.text}` : ''}${facts.summary ? `; ${facts.summary}` : ''}`,
            references: {
              partnerId: order.partnerId,
              poNumber: order.poNumber,
              plant: order.plant,
              poRevision: order.revision,
              ...(facts.poLine ? { poLine: facts.poLine } : {}),
              ...(facts.material ? { material: facts.material } : {}),
            },
            differences: { change: { expected: 'accepted', actual: 'rejected' }, ...facts.differences },
            ...(facts.impact ? { impact: facts.impact } : {}),
            correlationId: order.correlationId,
          },
          GATEWAY_ACTOR,
        );
        // The order stands at its revision until the buyer decides; nothing reaches the ERP.
        await this.recordAnswer(
          tx,
          order,
          answer,
          `change to revision ${order.revision} rejected by ${order.partnerId}`,
        );
        result = { outcome: 'applied', state: order.state };
        return;
      }
      result = await this.applyTo(tx, order, answer);
    });
    return result;
  }

  /** A parked acknowledgment, once its order exists. */
  async applyParked(tx: EntityManager, stored: unknown): Promise<AcknowledgmentResult> {
    return this.apply(tx, parseEventOf('purchase-order.acknowledged.v1', stored));
  }

  /**
   * An answer to an older revision: in the history only, so the supplier and the buyer see it
   * arrived; no case, no ERP posting, no change of state.
   */
  private async recordStale(
    tx: EntityManager,
    order: PurchaseOrder,
    answer: Answer,
    answered: string,
  ): Promise<AcknowledgmentResult> {
    const summary = `answer to revision ${answered}, the order is at ${order.revision}: recorded only`;
    await this.recordAnswer(tx, order, answer, summary);
    return { outcome: 'stale' };
  }

  /** A history entry for an answer that leaves the order in its state. */
  private async recordAnswer(
    tx: EntityManager,
    order: PurchaseOrder,
    answer: Answer,
    summary: string,
  ): Promise<void> {
    await this.orders.addHistory(tx, order, {
      what: answer.type,
      documentNumber: answer.document.number,
      documentRevision: answer.document.revision,
      fromState: order.state,
      toState: order.state,
      summary,
      eventId: answer.id,
      answeredRevision: answer.payload.purchaseOrder.revision ?? null,
    });
  }

  /** Another partner's order, or one the gateway does not hold: nothing changes, a buyer sees who tried. */
  private async refuse(tx: EntityManager, answer: Answer, poNumber: string): Promise<void> {
    await this.exceptions.raise(
      tx,
      {
        type: 'acknowledgment.unknown-order',
        dedupeKey: `${answer.partnerId}:${poNumber}:${answer.type}-${answer.document.number}-${answer.document.revision}`,
        summary: `${answer.partnerId} answered purchase order ${poNumber}, which is not theirs`,
        references: { partnerId: answer.partnerId, poNumber: null },
        differences: { purchaseOrder: { expected: null, actual: poNumber } },
        correlationId: answer.correlationId,
      },
      GATEWAY_ACTOR,
    );
  }

  private async applyTo(tx: EntityManager, order: PurchaseOrder, ack: Answer): Promise<AcknowledgmentResult> {
    const lines = await this.orders.lines(tx, order.id);
    const answered = this.answeredLines(ack, lines);
    const profile = this.partners.require(order.partnerId);
    const verdicts = matchAcknowledgment(lines, answered, profile.tolerances, order.currency);
    // Requested first: a confirmation the posting service refuses leaves its lines held, not accepted.
    const confirmation = await this.confirmAccepted(tx, order, ack, verdicts, lines);

    for (const verdict of verdicts) {
      const line = lines.find((l) => l.lineNumber === verdict.lineNumber);
      const accepted = verdict.decision === 'accept' && confirmation.refused === undefined;
      if (line) {
        await this.orders.recordAnswer(tx, order.id, verdict.lineNumber, {
          ackStatus: answered.find((a) => a.lineNumber === verdict.lineNumber)!.status,
          confirmedQuantity: verdict.confirmed.quantity,
          confirmedDate: verdict.confirmed.deliveryDate,
          confirmedPrice: verdict.confirmed.unitPrice,
          decision: accepted ? 'accepted' : 'held',
        });
      }
      if (verdict.decision === 'accept' && confirmation.refused !== undefined)
        await this.raiseNotPostable(tx, order, ack, verdict, line, confirmation.refused);
      for (const problem of verdict.problems) {
        await this.exceptions.raise(
          tx,
          {
            type: problem,
            dedupeKey: `${order.poNumber}:${verdict.lineNumber}:ack-${ack.document.number}-${ack.document.revision}`,
            summary: `PO ${order.poNumber} line ${verdict.lineNumber}: ${problem.replace('acknowledgment.', '').replace('-', ' ')} by ${order.partnerId}`,
            references: lineCaseReferences(order, verdict, line),
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
    const held = verdicts.filter((v) => v.decision === 'hold' || confirmation.refused !== undefined).length;
    await this.orders.addHistory(tx, order, {
      what: ack.type,
      documentNumber: ack.document.number,
      documentRevision: ack.document.revision,
      fromState: order.state,
      toState: state,
      summary: `${ack.payload.status}: ${verdicts.length - held} line(s) accepted${held > 0 ? `, ${held} held for a buyer` : ''}`,
      eventId: ack.id,
      answeredRevision: ack.payload.purchaseOrder.revision ?? null,
    });
    if (confirmation.refused !== undefined)
      return { outcome: 'applied', state, verdicts, problems: ['acknowledgment.not-postable'] };
    return { outcome: 'applied', state, verdicts, confirmationPostingId: confirmation.postingId };
  }

  /**
   * A line accepted within tolerance whose confirmation the ERP posting refused (a body the contract
   * cannot carry, a key already taken by another request): a buyer sees why, and accepting the case
   * requests the line's confirmation again (BuyerDecisionService).
   */
  private async raiseNotPostable(
    tx: EntityManager,
    order: PurchaseOrder,
    ack: Answer,
    verdict: LineVerdict,
    line: PurchaseOrderLine | undefined,
    why: string,
  ): Promise<void> {
    await this.exceptions.raise(
      tx,
      {
        type: 'acknowledgment.not-postable',
        dedupeKey: `${order.poNumber}:${verdict.lineNumber}:ack-${ack.document.number}-${ack.document.revision}:not-postable`,
        summary: `PO ${order.poNumber} line ${verdict.lineNumber}: the confirmation of ${order.partnerId}'s acknowledgment cannot be posted to the ERP: ${why}`,
        references: lineCaseReferences(order, verdict, line),
        differences: { erpPosting: { expected: 'accepted', actual: why } },
        correlationId: order.correlationId,
      },
      GATEWAY_ACTOR,
    );
  }

  /** Answers without line detail cover every open line with the order's status. */
  private answeredLines(ack: Answer, lines: readonly PurchaseOrderLine[]) {
    if (ack.payload.lines.length > 0) return ack.payload.lines;
    const status = ack.payload.status === 'rejected' ? ('rejected' as const) : ('accepted' as const);
    return lines.filter((l) => !l.cancelled).map((l) => ({ lineNumber: l.lineNumber, status }));
  }

  private stateAfter(current: OrderState, ack: Answer, verdicts: readonly LineVerdict[]): OrderState {
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
    ack: Answer,
    verdicts: readonly LineVerdict[],
    lines: readonly PurchaseOrderLine[],
  ): Promise<Confirmation> {
    const accepted = verdicts.filter((v) => v.decision === 'accept');
    if (accepted.length === 0) return {};
    const answers = new Map(ack.payload.lines.map((l) => [l.lineNumber, l.status]));
    const body = {
      poNumber: order.poNumber,
      poRevision: order.revision,
      supplier: order.partnerId,
      acknowledgedAt: ack.occurredAt,
      lines: accepted.map((v) => {
        const line = lines.find((l) => l.lineNumber === v.lineNumber)!;
        return {
          lineNumber: v.lineNumber,
          status: confirmationLineStatus(answers.get(v.lineNumber), line, v.confirmed),
          quantity: v.confirmed.quantity,
          unit: line.unit,
          ...(v.confirmed.deliveryDate ? { deliveryDate: v.confirmed.deliveryDate } : {}),
          ...(v.confirmed.unitPrice ? { netPrice: v.confirmed.unitPrice } : {}),
        };
      }),
    };
    // Checked first, as ship notices and receipts do: an invalid body is a case, not a failed translation.
    const invalid = erpBodyProblems('po-confirmation', body);
    if (invalid.length > 0) return { refused: invalid.join('; ') };
    try {
      const { posting } = await this.erp.post(tx, {
        kind: 'po-confirmation',
        businessKey: order.poNumber,
        revision: order.confirmations,
        poNumber: order.poNumber,
        plant: order.plant,
        correlationId: order.correlationId,
        causationId: ack.id,
        body,
      });
      await this.orders.update(tx, order.id, { confirmations: order.confirmations + 1 });
      return { postingId: posting.id };
    } catch (error) {
      if (!(error instanceof ErpPostingError)) throw error;
      // The key is another request's for good: the order's next confirmation takes the next revision,
      // or it and every later one would be refused as this one was.
      if (error.code === ErpPostingErrorCode.RevisionReused)
        await this.orders.update(tx, order.id, { confirmations: order.confirmations + 1 });
      return { refused: error.message };
    }
  }
}

/**
 * What a case about one answered line refers to. `poRevision` is the revision whose lines the answer
 * was matched against: a buyer's accept is refused once the order moved on (BuyerDecisionService).
 */
function lineCaseReferences(order: PurchaseOrder, verdict: LineVerdict, line: PurchaseOrderLine | undefined) {
  return {
    partnerId: order.partnerId,
    poNumber: order.poNumber,
    poLine: verdict.lineNumber,
    material: line?.material ?? null,
    plant: order.plant,
    poRevision: order.revision,
  };
}
