import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { decimal } from '../canonical/decimal.js';
import { ErpPostingService } from '../erp/posting/erp-posting.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { ALL_PARTNERS, type ExceptionCase } from '../exceptions/exception.types.js';
import { revisionConflict } from './answer-revision.js';
import { confirmationLineStatus } from './confirmation-status.js';
import { ProcurementError, ProcurementErrorCode } from './procurement.exception.js';
import { ShipNoticeService } from './ship-notice.service.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import type { PurchaseOrder, PurchaseOrderLine } from './purchase-order.types.js';

export interface CounterProposal {
  readonly quantity?: string;
  readonly deliveryDate?: string;
  readonly note: string;
}

export interface BulkResult {
  readonly id: string;
  readonly ok: boolean;
  readonly state?: string;
  readonly problem?: string;
}

/** How many cases one bulk accept may decide: a slip of the mouse should not confirm a thousand lines. */
export const BULK_ACCEPT_LIMIT = 50;

/**
 * What a buyer decides on an exception, with its effect on the order and the ERP in the same
 * transaction as the case's transition:
 * - **accept** a held acknowledgment line: the supplier's confirmed values are posted to the ERP
 *   as a confirmation (once per line, however many cases the line has); refused while the order has
 *   moved on from the revision the supplier answered;
 * - **counter**: the buyer's proposal is requested from the ERP as a PO change (the ERP is the only
 *   source of PO changes; it reaches the supplier by the ERP instance's `poChangeDelivery`);
 * - **accept** a held ship notice's problem (over-shipment, item mismatch): the notice is posted to
 *   the ERP as the supplier sent it (once per shipment);
 * - **escalate** and **resolve** move the case only.
 */
@Injectable()
export class BuyerDecisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exceptions: ExceptionService,
    private readonly orders: PurchaseOrderRepository,
    private readonly erp: ErpPostingService,
    private readonly shipNotices: ShipNoticeService,
  ) {}

  accept(caseId: string, actor: Actor, note?: string | null): Promise<ExceptionCase> {
    return this.dataSource.transaction(async (tx) => {
      const found = await this.exceptions.get(caseId, ALL_PARTNERS, tx);
      await this.refuseSuperseded(tx, found);
      const target = await this.heldLine(tx, found);
      if (target && target.line.decision === 'held')
        await this.confirmLine(tx, target.order, target.line, found);
      if (found.type === 'ship-notice.over-shipment') await this.acceptShipped(tx, found);
      const shipment = heldShipment(found);
      if (shipment) await this.shipNotices.release(tx, shipment.partnerId, shipment.shipmentNumber);
      return this.exceptions.transition(caseId, 'accept', actor, note, tx);
    });
  }

  counter(caseId: string, actor: Actor, proposal: CounterProposal): Promise<ExceptionCase> {
    return this.dataSource.transaction(async (tx) => {
      const found = await this.exceptions.get(caseId, ALL_PARTNERS, tx);
      const target = await this.heldLine(tx, found);
      if (!target) {
        throw new ProcurementError(
          ProcurementErrorCode.InvalidOrder,
          `exception ${caseId} is not about an order line; a counter proposal changes a line`,
        );
      }
      if (!proposal.quantity && !proposal.deliveryDate) {
        throw new ProcurementError(
          ProcurementErrorCode.InvalidOrder,
          'a counter proposal names a quantity or a date',
        );
      }
      await this.erp.post(tx, {
        kind: 'po-change',
        businessKey: `${target.order.poNumber}/counter-${caseId}`,
        revision: 0,
        poNumber: target.order.poNumber,
        plant: target.order.plant,
        correlationId: target.order.correlationId,
        body: {
          poNumber: target.order.poNumber,
          baseRevision: target.order.revision,
          reason: proposal.note,
          lines: [
            {
              lineNumber: target.line.lineNumber,
              ...(proposal.quantity ? { quantity: proposal.quantity } : {}),
              ...(proposal.deliveryDate ? { deliveryDate: proposal.deliveryDate } : {}),
            },
          ],
        },
      });
      await this.orders.setDecision(tx, target.order.id, target.line.lineNumber, 'countered');
      await this.orders.addHistory(tx, target.order, {
        what: 'buyer.countered',
        documentNumber: null,
        documentRevision: null,
        fromState: target.order.state,
        toState: target.order.state,
        summary: `line ${target.line.lineNumber}: change requested from the ERP (${proposal.note})`,
        eventId: null,
      });
      return this.exceptions.transition(caseId, 'counter', actor, proposal.note, tx);
    });
  }

  escalate(caseId: string, actor: Actor, note: string): Promise<ExceptionCase> {
    return this.exceptions.transition(caseId, 'escalate', actor, note);
  }

  resolve(caseId: string, actor: Actor, note?: string | null): Promise<ExceptionCase> {
    return this.exceptions.transition(caseId, 'resolve', actor, note);
  }

  /** Accepts each case in its own transaction; one failing does not undo the others. */
  async acceptMany(ids: readonly string[], actor: Actor, note?: string | null): Promise<BulkResult[]> {
    if (ids.length > BULK_ACCEPT_LIMIT) {
      throw new ProcurementError(
        ProcurementErrorCode.InvalidOrder,
        `at most ${BULK_ACCEPT_LIMIT} cases at once (got ${ids.length})`,
      );
    }
    const results: BulkResult[] = [];
    for (const id of new Set(ids)) {
      try {
        const decided = await this.accept(id, actor, note);
        results.push({ id, ok: true, state: decided.state });
      } catch (error) {
        results.push({ id, ok: false, problem: (error as Error).message });
      }
    }
    return results;
  }

  /** Records the shipped total the buyer accepted, so notices within it are not held for it again. */
  private async acceptShipped(tx: EntityManager, found: ExceptionCase): Promise<void> {
    const { poNumber, poLine } = found.references;
    const accepted = found.differences.shippedQuantity?.actual;
    if (!poNumber || !poLine || typeof accepted !== 'string') return;
    const order = await this.orders.lockByNumber(tx, poNumber);
    if (order) await this.orders.acceptShipped(tx, order.id, poLine, decimal(accepted));
  }

  /**
   * A case raised from an answer to a revision the order has since moved on from (the ERP changed
   * what the supplier sees, and sent it): the deviation is about values the order no longer has, and
   * accepting it would confirm them under the new revision. Refused; the buyer resolves the case, or
   * waits for the supplier's answer to the new revision, which raises its own. A case that names no
   * revision (raised before cases recorded one) is accepted as it always was.
   */
  private async refuseSuperseded(tx: EntityManager, found: ExceptionCase): Promise<void> {
    const { poNumber, poRevision } = found.references;
    if (!poNumber || poRevision === null) return;
    const order = await this.orders.lockByNumber(tx, poNumber);
    if (!order) return;
    const conflict = revisionConflict(poRevision, order, await this.orders.revisionToAnswer(tx, order));
    if (conflict)
      throw new ProcurementError(
        ProcurementErrorCode.CaseSuperseded,
        `This case answers revision ${poRevision} of PO ${poNumber}, and the order has changed since (the ` +
          `supplier now answers revision ${conflict.toAnswer}): accepting it would confirm values of the older ` +
          `revision. Resolve the case, or wait for the supplier's answer to revision ${conflict.toAnswer}.`,
      );
  }

  /** The order line an acknowledgment case is about, locked; undefined for other cases. */
  private async heldLine(
    tx: EntityManager,
    found: ExceptionCase,
  ): Promise<{ order: PurchaseOrder; line: PurchaseOrderLine } | undefined> {
    const { poNumber, poLine } = found.references;
    if (!found.type.startsWith('acknowledgment.') || !poNumber || !poLine) return undefined;
    const order = await this.orders.lockByNumber(tx, poNumber);
    const line = order && (await this.orders.lines(tx, order.id)).find((l) => l.lineNumber === poLine);
    return order && line ? { order, line } : undefined;
  }

  private async confirmLine(
    tx: EntityManager,
    order: PurchaseOrder,
    line: PurchaseOrderLine,
    found: ExceptionCase,
  ): Promise<void> {
    const confirmed = {
      quantity: line.confirmedQuantity ?? line.quantity,
      deliveryDate: line.confirmedDate,
      unitPrice: line.confirmedPrice,
    };
    await this.erp.post(tx, {
      kind: 'po-confirmation',
      ...confirmationKey(order, found),
      poNumber: order.poNumber,
      plant: order.plant,
      correlationId: order.correlationId,
      body: {
        poNumber: order.poNumber,
        poRevision: order.revision,
        supplier: order.partnerId,
        acknowledgedAt: new Date().toISOString(),
        lines: [
          {
            lineNumber: line.lineNumber,
            status: confirmationLineStatus(line.ackStatus, line, confirmed),
            quantity: confirmed.quantity,
            unit: line.unit,
            ...(confirmed.deliveryDate ? { deliveryDate: confirmed.deliveryDate } : {}),
            ...(confirmed.unitPrice ? { netPrice: confirmed.unitPrice } : {}),
          },
        ],
      },
    });
    await this.orders.update(tx, order.id, { confirmations: order.confirmations + 1 });
    await this.orders.setDecision(tx, order.id, line.lineNumber, 'buyer-accepted');
    await this.orders.addHistory(tx, order, {
      what: 'buyer.accepted',
      documentNumber: null,
      documentRevision: null,
      fromState: order.state,
      toState: order.state,
      summary: `line ${line.lineNumber}: ${found.type} accepted by the buyer and confirmed to the ERP`,
      eventId: null,
    });
  }
}

/**
 * The key a buyer's confirmation of a line posts under: the order's next confirmation revision
 * (`po-confirmation:<PO>:rev-<n>`, as a supplier's answer's), except for the case of a confirmation
 * refused before it reached the ERP (`acknowledgment.not-postable`). Its key may be another request's,
 * and posting under the order's revisions again could meet it again, so that case's accept posts under
 * its own business key, named after the case (`po-confirmation:<PO>/accept-<case>:rev-0`): never the
 * refused one, and the same on every try of the accept, so the effect stays exactly-once.
 */
function confirmationKey(
  order: PurchaseOrder,
  found: ExceptionCase,
): { readonly businessKey: string; readonly revision: number } {
  if (found.type === 'acknowledgment.not-postable')
    return { businessKey: `${order.poNumber}/accept-${found.id}`, revision: 0 };
  return { businessKey: order.poNumber, revision: order.confirmations };
}

/**
 * Ship-notice cases a buyer's acceptance releases: the supplier's deviation is agreed to. An unknown
 * or ended order, or a notice the ERP cannot take, is not made postable by agreeing.
 */
const RELEASING = new Set(['ship-notice.over-shipment', 'ship-notice.item-mismatch']);

/** The shipment a ship-notice case is about (its dedupe key starts with the shipment number: ship-notice.service.ts). */
function heldShipment(found: ExceptionCase): { partnerId: string; shipmentNumber: string } | undefined {
  if (!RELEASING.has(found.type)) return undefined;
  const partnerId = found.references.partnerId;
  const parts = found.dedupeKey.split(':');
  if (!partnerId || parts.length < 4) return undefined;
  return { partnerId, shipmentNumber: parts.slice(0, -3).join(':') };
}
