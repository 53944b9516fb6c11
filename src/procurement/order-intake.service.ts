import { forwardRef, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decimal, type DecimalString } from '../canonical/decimal.js';
import { CanonicalError } from '../canonical/canonical.exception.js';
import { orderCorrelationId } from '../canonical/events/correlation.js';
import { OutboundRenderJob } from '../outbound/outbound.jobs.js';
import { OutboundWithdrawalService, type Withdrawn } from '../outbound/outbound-withdrawal.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { CanonicalEventStore } from '../translation/canonical-event.store.js';
import { AcknowledgmentService } from './acknowledgment.service.js';
import { cancelledEvent, changedEvent, issuedEvent, shipToOf } from './order-events.js';
import { ProcurementError, ProcurementErrorCode } from './procurement.exception.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import type { ErpOrderSnapshot, OrderState, PurchaseOrder } from './purchase-order.types.js';

export interface OrderIntakeResult {
  readonly outcome: 'issued' | 'changed' | 'cancelled' | 'closed' | 'unchanged' | 'stale';
  readonly order: PurchaseOrder;
  /** The canonical event recorded (and intended for the supplier), if any. */
  readonly eventId: string | null;
}

/**
 * Orders from the ERP, the only source of purchase orders and PO changes: a snapshot of the whole
 * order at a revision becomes the stored order, a canonical event, a history entry and an outbound
 * intent for the supplier, in the caller's transaction. Repeats and older revisions change nothing.
 * Supplier documents that arrived before the order are applied once it exists.
 */
@Injectable()
export class OrderIntakeService {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly partners: PartnerRegistry,
    private readonly events: CanonicalEventStore,
    @Inject(forwardRef(() => AcknowledgmentService)) private readonly acknowledgments: AcknowledgmentService,
    private readonly outbox: OutboxService,
    private readonly withdrawals: OutboundWithdrawalService,
  ) {}

  /** Records what the partner must be sent, and the job that renders and delivers it (outbound delivery). */
  private async queueIntent(
    tx: EntityManager,
    order: PurchaseOrder,
    eventType: string,
    revision: number,
    event: unknown,
  ): Promise<void> {
    const intentId = await this.orders.addOutboundIntent(tx, order, eventType, revision, event);
    if (intentId)
      await this.outbox.enqueue(
        tx,
        OutboundRenderJob,
        { intentId },
        { key: intentId, correlationId: order.correlationId },
      );
  }

  async receive(
    tx: EntityManager,
    input: ErpOrderSnapshot,
    causationId: string | null = null,
  ): Promise<OrderIntakeResult> {
    const snapshot = canonicalDecimals(input);
    if (!this.partners.get(snapshot.partnerId)) {
      throw new ProcurementError(ProcurementErrorCode.UnknownPartner, `no partner ${snapshot.partnerId}`);
    }
    // One revision of one order at a time, including its first (there is no row to lock yet).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 11))`, [
      `purchase-order:${snapshot.poNumber}`,
    ]);
    const existing = await this.orders.lockByNumber(tx, snapshot.poNumber);
    if (existing && existing.partnerId !== snapshot.partnerId) {
      throw new ProcurementError(
        ProcurementErrorCode.InvalidOrder,
        `purchase order ${snapshot.poNumber} belongs to ${existing.partnerId}; an order cannot move to another supplier`,
      );
    }
    if (existing && snapshot.revision <= existing.revision) {
      return { outcome: 'stale', order: existing, eventId: null };
    }
    const envelope = {
      correlationId: existing?.correlationId ?? orderCorrelationId(snapshot.poNumber),
      causationId,
      supplierPart: (material: string) => this.partners.theirPart(snapshot.partnerId, material),
    };
    try {
      return existing
        ? await this.change(tx, existing, snapshot, envelope)
        : await this.issue(tx, snapshot, envelope);
    } catch (error) {
      if (error instanceof CanonicalError) {
        throw new ProcurementError(ProcurementErrorCode.InvalidOrder, error.message, [
          ...(error.details ?? []),
        ]);
      }
      throw error;
    }
  }

  private async issue(
    tx: EntityManager,
    snapshot: ErpOrderSnapshot,
    envelope: Parameters<typeof issuedEvent>[1],
  ): Promise<OrderIntakeResult> {
    if (snapshot.status !== 'open') {
      throw new ProcurementError(
        ProcurementErrorCode.InvalidOrder,
        `purchase order ${snapshot.poNumber} was never issued to the gateway; it cannot start ${snapshot.status}`,
      );
    }
    const event = issuedEvent(snapshot, envelope);
    const order = await this.orders.insert(tx, {
      partnerId: snapshot.partnerId,
      poNumber: snapshot.poNumber,
      revision: snapshot.revision,
      state: 'issued',
      plant: snapshot.plant ?? null,
      currency: snapshot.currency,
      orderDate: snapshot.orderDate,
      shipTo: shipToOf(snapshot),
      correlationId: envelope.correlationId,
    });
    await this.saveLines(tx, order, snapshot);
    await this.orders.addHistory(tx, order, {
      what: 'purchase-order.issued',
      documentNumber: snapshot.poNumber,
      documentRevision: String(snapshot.revision),
      fromState: null,
      toState: 'issued',
      summary: `issued by the ERP with ${event.payload.lines.length} line(s)`,
      eventId: event.id,
    });
    await this.events.append(tx, event);
    await this.queueIntent(tx, order, event.type, snapshot.revision, event);
    await this.applyParked(tx, snapshot.poNumber);
    return { outcome: 'issued', order, eventId: event.id };
  }

  private async change(
    tx: EntityManager,
    order: PurchaseOrder,
    snapshot: ErpOrderSnapshot,
    envelope: Parameters<typeof issuedEvent>[1],
  ): Promise<OrderIntakeResult> {
    if (order.state === 'closed' || snapshot.status === 'closed') return this.close(tx, order, snapshot);
    if (snapshot.status === 'cancelled') {
      const event = cancelledEvent(snapshot, envelope);
      // Every line goes with the order: documents matched by line must find none open.
      await this.orders.cancelLinesOtherThan(tx, order.id, []);
      // Only the cancellation goes now: what was intended before it and has not gone, does not.
      const withdrawn = await this.withdrawUnsent(tx, order, snapshot);
      await this.transition(
        tx,
        order,
        snapshot.revision,
        'cancelled',
        'purchase-order.cancelled',
        snapshot,
        event.id,
        `cancelled by the ERP${withdrawnSummary(withdrawn)}`,
      );
      await this.events.append(tx, event);
      await this.queueIntent(tx, order, event.type, snapshot.revision, event);
      return {
        outcome: 'cancelled',
        order: { ...order, state: 'cancelled', revision: snapshot.revision },
        eventId: event.id,
      };
    }
    const event = changedEvent(snapshot, order, await this.orders.lines(tx, order.id), envelope);
    await this.saveLines(tx, order, snapshot);
    if (!event) {
      // The stored header follows every ERP revision, whether or not the supplier is sent one.
      await this.orders.update(tx, order.id, {
        revision: snapshot.revision,
        currency: snapshot.currency,
        shipTo: shipToOf(snapshot),
      });
      await this.orders.addHistory(tx, order, {
        what: 'purchase-order.revised',
        documentNumber: snapshot.poNumber,
        documentRevision: String(snapshot.revision),
        fromState: order.state,
        toState: order.state,
        summary: 'a new ERP revision without changes the supplier sees',
        eventId: null,
      });
      return { outcome: 'unchanged', order: { ...order, revision: snapshot.revision }, eventId: null };
    }
    // A changed order is answered again; shipped and received orders keep their progress.
    const state: OrderState = [
      'issued',
      'acknowledged',
      'acknowledged-with-changes',
      'rejected',
      'changed',
    ].includes(order.state)
      ? 'changed'
      : order.state;
    await this.transition(
      tx,
      order,
      snapshot.revision,
      state,
      'purchase-order.changed',
      snapshot,
      event.id,
      `changed by the ERP: ${changeSummary(event)}`,
    );
    await this.events.append(tx, event);
    await this.queueIntent(tx, order, event.type, snapshot.revision, event);
    return { outcome: 'changed', order: { ...order, state, revision: snapshot.revision }, eventId: event.id };
  }

  /**
   * A closed (completed) order: the ERP expects nothing more against it. Nothing is sent to the
   * supplier: not a change, and not a cancellation of its lines, which stay as they were (delivered
   * or not, they were not cancelled); what was intended for it and has not gone yet is withdrawn. A
   * ship notice against it raises `ship-notice.order-closed` as for a cancelled one; an answer is
   * recorded without moving it. Closed is final: a later revision (a reopened order is a new one in
   * the ERP) is recorded in the history and sends nothing.
   */
  private async close(
    tx: EntityManager,
    order: PurchaseOrder,
    snapshot: ErpOrderSnapshot,
  ): Promise<OrderIntakeResult> {
    const already = order.state === 'closed';
    const withdrawn = already ? [] : await this.withdrawUnsent(tx, order, snapshot);
    const summary = already
      ? `revision ${snapshot.revision} (${snapshot.status}) of a closed order: recorded, nothing sent`
      : `closed by the ERP${snapshot.reason ? `: ${snapshot.reason}` : ''}; nothing more is sent to the supplier` +
        withdrawnSummary(withdrawn);
    await this.transition(
      tx,
      order,
      snapshot.revision,
      'closed',
      already ? 'purchase-order.revised' : 'purchase-order.closed',
      snapshot,
      null,
      summary,
    );
    return {
      outcome: already ? 'unchanged' : 'closed',
      order: { ...order, state: 'closed', revision: snapshot.revision },
      eventId: null,
    };
  }

  /** Takes back what the order's supplier was to be sent and has not been, now that the order ends. */
  private withdrawUnsent(
    tx: EntityManager,
    order: PurchaseOrder,
    snapshot: ErpOrderSnapshot,
  ): Promise<Withdrawn[]> {
    return this.withdrawals.withdrawUnsent(
      tx,
      order,
      `withdrawn: PO ${order.poNumber} was ${snapshot.status} by the ERP (revision ${snapshot.revision}) ` +
        `before this reached ${order.partnerId}`,
    );
  }

  private async transition(
    tx: EntityManager,
    order: PurchaseOrder,
    revision: number,
    state: OrderState,
    what: string,
    snapshot: ErpOrderSnapshot,
    eventId: string | null,
    summary: string,
  ): Promise<void> {
    await this.orders.update(tx, order.id, {
      revision,
      state,
      currency: snapshot.currency,
      shipTo: shipToOf(snapshot),
    });
    await this.orders.addHistory(tx, order, {
      what,
      documentNumber: snapshot.poNumber,
      documentRevision: String(revision),
      fromState: order.state,
      toState: state,
      summary,
      eventId,
    });
  }

  private async saveLines(
    tx: EntityManager,
    order: PurchaseOrder,
    snapshot: ErpOrderSnapshot,
  ): Promise<void> {
    for (const line of snapshot.lines) {
      await this.orders.upsertLine(tx, order.id, {
        lineNumber: line.lineNumber,
        material: line.material,
        supplierPart: this.partners.theirPart(snapshot.partnerId, line.material) ?? null,
        quantity: line.quantity as DecimalString,
        unit: line.unit,
        unitPrice: (line.netPrice ?? null) as DecimalString | null,
        deliveryDate: line.deliveryDate,
        cancelled: line.status === 'cancelled',
      });
    }
    // A line the ERP left out is cancelled for the supplier (changedEvent) and so here.
    await this.orders.cancelLinesOtherThan(
      tx,
      order.id,
      snapshot.lines.map((l) => l.lineNumber),
    );
  }

  private async applyParked(tx: EntityManager, poNumber: string): Promise<void> {
    for (const parked of await this.orders.takeParked(tx, poNumber)) {
      await this.acknowledgments.applyParked(tx, parked.event);
    }
  }
}

const WITHDRAWN_NAMES: Readonly<Record<Withdrawn['kind'], string>> = {
  'purchase-order': 'the order',
  'po-change': 'the change',
  'po-cancellation': 'the cancellation',
};

/** `; withdrawn before it reached the supplier: the change of revision 2`, or nothing. */
function withdrawnSummary(withdrawn: readonly Withdrawn[]): string {
  if (withdrawn.length === 0) return '';
  const named = withdrawn.map((w) => `${WITHDRAWN_NAMES[w.kind]} of revision ${w.revision}`);
  return `; withdrawn before it reached the supplier: ${named.join(', ')}`;
}

function changeSummary(event: { payload: { header?: object; lines: readonly unknown[] } }): string {
  const header = Object.keys(event.payload.header ?? {});
  return [
    ...(header.length > 0 ? [`header ${header.join(', ')}`] : []),
    `${event.payload.lines.length} line(s)`,
  ].join(' and ');
}

/** ERPs write `38.50` and `4800.000`; the gateway compares and sends canonical decimals. */
function canonicalDecimals(snapshot: ErpOrderSnapshot): ErpOrderSnapshot {
  try {
    return {
      ...snapshot,
      lines: snapshot.lines.map((line) => ({
        ...line,
        quantity: decimal(line.quantity),
        netPrice: line.netPrice ? decimal(line.netPrice) : null,
      })),
    };
  } catch (error) {
    throw new ProcurementError(ProcurementErrorCode.InvalidOrder, (error as Error).message);
  }
}
