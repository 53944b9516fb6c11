import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../platform/database/sql.js';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { compare, type DecimalString } from '../canonical/decimal.js';
import { ErpPostingError } from '../erp/posting/erp-posting.exception.js';
import { ErpPostingService } from '../erp/posting/erp-posting.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { IdempotencyService } from '../platform/jobs/idempotency.service.js';
import { erpBodyProblems, itemIndexOf } from './line-quantity.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import type { OrderState, PurchaseOrder } from './purchase-order.types.js';
import { ShipNoticeMatcher, type Notice, type Problem, type ShippedLine } from './ship-notice-matcher.js';
import { ShipmentRepository, type ShipNotice } from './shipment.repository.js';

export interface ShipNoticeResult {
  readonly outcome: 'posted' | 'amended' | 'reversed' | 'held' | 'cancelled' | 'duplicate';
  readonly problems: readonly Problem['type'][];
}

/**
 * A supplier's ship notice, whatever its channel: matched against the orders and lines it ships
 * (unknown order or line, an order the ERP ended, another material, a unit that does not convert,
 * more than ordered beyond tolerance). A clean notice is posted to the ERP as an inbound delivery;
 * its replacement amends that delivery and its cancellation reverses it. A notice sent again after
 * its cancellation is a new inbound delivery (the reversed one cannot change). A notice with
 * problems is held for a buyer (nothing posted) and each problem raised; so is one the ERP posting
 * refuses or whose values the ERP cannot carry: a refusal never fails the translation that brought
 * the notice. Lines' shipped quantities and the orders' states follow every revision. Applied once
 * per document revision.
 */
@Injectable()
export class ShipNoticeService {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly shipments: ShipmentRepository,
    private readonly matcher: ShipNoticeMatcher,
    private readonly exceptions: ExceptionService,
    private readonly erp: ErpPostingService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async apply(tx: EntityManager, notice: Notice): Promise<ShipNoticeResult> {
    let result: ShipNoticeResult = { outcome: 'duplicate', problems: [] };
    const key = `${notice.partnerId}:${notice.payload.shipmentNumber}:${notice.document.kind}:${notice.document.revision}`;
    await this.idempotency.once(tx, 'procurement.ship-notice', key, async () => {
      result = await this.applyOnce(tx, notice);
    });
    return result;
  }

  /**
   * A buyer accepted a held ship notice's problem: the latest revision of the notice is posted to the
   * ERP as the supplier sent it (the items that match an order line; an item naming no line of ours
   * cannot be received against one). Once per shipment: a second accepted case finds it released.
   * A notice the ERP cannot take stays held, with that problem raised.
   */
  async release(
    tx: EntityManager,
    partnerId: string,
    shipmentNumber: string,
  ): Promise<'posted' | 'amended' | 'not-held' | 'not-postable'> {
    const record = await this.shipments.byShipment(tx, partnerId, shipmentNumber);
    if (!record || record.status !== 'held') return 'not-held';
    const locked = await this.shipments.lockOrCreate(tx, partnerId, shipmentNumber, record.correlationId);
    if (locked.status !== 'held') return 'not-held';
    const [latest] = await queryRows<{ payload: Notice }>(
      tx,
      `SELECT payload FROM canonical_event
        WHERE type = 'ship-notice.received' AND partner_id = $1 AND payload->'payload'->>'shipmentNumber' = $2
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [partnerId, shipmentNumber],
    );
    if (!latest || latest.payload.document.kind === 'cancellation') return 'not-held';
    const notice = latest.payload;
    const shipped = await this.matcher.matchItems(tx, notice, []);
    if (shipped.length === 0) return 'not-held';
    const delivered = await this.deliver(tx, notice, locked, shipped);
    if (Array.isArray(delivered)) {
      for (const problem of delivered) await this.raise(tx, notice, locked, problem);
      return 'not-postable';
    }
    await this.shipments.update(tx, locked.id, {
      revisions: locked.revisions + 1,
      status: 'active',
      posted: true,
    });
    for (const order of uniqueOrders(shipped))
      await this.orders.addHistory(tx, order, {
        what: 'buyer.accepted-ship-notice',
        documentNumber: shipmentNumber,
        documentRevision: notice.document.revision,
        fromState: order.state,
        toState: order.state,
        summary: `ship notice ${shipmentNumber} accepted by a buyer and posted to the ERP`,
        eventId: notice.id,
      });
    return delivered;
  }

  private async applyOnce(tx: EntityManager, notice: Notice): Promise<ShipNoticeResult> {
    const firstPo = await this.orders.byNumber(
      tx,
      notice.payload.orders[0]!.purchaseOrder.number,
      notice.partnerId,
    );
    const record = await this.shipments.lockOrCreate(
      tx,
      notice.partnerId,
      notice.payload.shipmentNumber,
      firstPo?.correlationId ?? notice.correlationId,
    );
    if (notice.document.kind === 'cancellation') return this.cancel(tx, notice, record);

    const problems: Problem[] = [];
    const shipped = await this.matcher.matchItems(tx, notice, problems);
    await this.shipments.replaceLines(
      tx,
      record.id,
      shipped.map((s) => ({ poId: s.order.id, lineNumber: s.line.lineNumber, quantity: s.quantity })),
    );
    const orders = uniqueOrders(shipped);
    for (const order of orders) {
      await this.shipments.refreshShipped(tx, order.id);
      const lineNumbers = new Set(
        shipped.filter((s) => s.order.id === order.id).map((s) => s.line.lineNumber),
      );
      problems.push(...(await this.matcher.overShipments(tx, order, lineNumbers)));
    }
    let outcome: ShipNoticeResult['outcome'] = 'held';
    if (problems.length === 0) {
      const delivered = await this.deliver(tx, notice, record, shipped);
      if (Array.isArray(delivered)) problems.push(...delivered);
      else outcome = delivered;
    }
    for (const problem of problems) await this.raise(tx, notice, record, problem);

    const held = problems.length > 0;
    await this.shipments.update(tx, record.id, {
      revisions: record.revisions + 1,
      status: held ? 'held' : 'active',
      posted: isLive(record) || !held,
    });
    for (const order of orders) await this.advance(tx, order, notice, held);
    return { outcome, problems: problems.map((p) => p.type) };
  }

  /**
   * Posts the notice's delivery, or amends the one posted for an earlier revision; each revision is
   * its own effect (`inbound-delivery:<partner>/<shipment>:rev-<n>`). What the ERP contract cannot
   * carry, or the posting service refuses, comes back as problems: nothing is requested then.
   */
  private async deliver(
    tx: EntityManager,
    notice: Notice,
    record: ShipNotice,
    shipped: readonly ShippedLine[],
  ): Promise<'posted' | 'amended' | Problem[]> {
    const body = deliveryBody(notice, shipped);
    const invalid = erpBodyProblems('inbound-delivery', body);
    if (invalid.length > 0) return invalid.map((why) => notPostable(notice, shipped, why));
    const first = shipped[0]!.order;
    const request = {
      kind: 'inbound-delivery' as const,
      businessKey: `${notice.partnerId}/${notice.payload.shipmentNumber}`,
      revision: record.revisions,
      plant: first.plant,
      body,
      correlationId: record.correlationId,
      causationId: notice.id,
    };
    try {
      if (isLive(record)) {
        await this.erp.amend(tx, request);
        return 'amended';
      }
      await this.erp.post(tx, { ...request, poNumber: first.poNumber });
      return 'posted';
    } catch (error) {
      if (!(error instanceof ErpPostingError)) throw error;
      return [notPostable(notice, shipped, error.message)];
    }
  }

  private async cancel(tx: EntityManager, notice: Notice, record: ShipNotice): Promise<ShipNoticeResult> {
    let outcome: ShipNoticeResult['outcome'] = 'cancelled';
    const problems: Problem[] = [];
    if (isLive(record)) {
      try {
        await this.erp.reverse(tx, {
          kind: 'inbound-delivery',
          businessKey: `${notice.partnerId}/${notice.payload.shipmentNumber}`,
          revision: record.revisions,
          reason: `ship notice ${notice.payload.shipmentNumber} cancelled by ${notice.partnerId}`,
          correlationId: record.correlationId,
          causationId: notice.id,
        });
        outcome = 'reversed';
      } catch (error) {
        if (!(error instanceof ErpPostingError)) throw error;
        problems.push(notPostable(notice, [], error.message));
        outcome = 'held';
      }
    }
    for (const problem of problems) await this.raise(tx, notice, record, problem);
    await this.shipments.update(tx, record.id, {
      revisions: record.revisions + 1,
      status: 'cancelled',
      // Reversed: the delivery is gone, and a notice sent again later is a new one.
      posted: outcome === 'held',
    });
    for (const order of notice.payload.orders) {
      const po = await this.orders.lockByNumber(tx, order.purchaseOrder.number);
      if (!po || po.partnerId !== notice.partnerId) continue;
      await this.shipments.refreshShipped(tx, po.id);
      await this.advance(tx, po, notice, false);
    }
    return { outcome, problems: problems.map((p) => p.type) };
  }

  private async raise(
    tx: EntityManager,
    notice: Notice,
    record: ShipNotice,
    problem: Problem,
  ): Promise<void> {
    await this.exceptions.raise(
      tx,
      {
        type: problem.type,
        dedupeKey: `${notice.payload.shipmentNumber}:${record.revisions}:${problem.poNumber}:${problem.lineNumber ?? '-'}`,
        summary: problem.summary,
        references: {
          partnerId: notice.partnerId,
          poNumber: problem.poNumber,
          poLine: problem.lineNumber ?? null,
          material: problem.material ?? null,
          plant: problem.order?.plant ?? null,
        },
        differences: problem.differences,
        correlationId: problem.order?.correlationId ?? record.correlationId,
      },
      GATEWAY_ACTOR,
    );
  }

  /** partially-shipped or shipped, from any state before receipt; history either way. */
  private async advance(
    tx: EntityManager,
    order: PurchaseOrder,
    notice: Notice,
    held: boolean,
  ): Promise<void> {
    const lines = (await this.orders.lines(tx, order.id)).filter((l) => !l.cancelled);
    const current = (await this.orders.byNumber(tx, order.poNumber, null))!;
    const full = lines.every((l) => compare(l.shippedQuantity, l.confirmedQuantity ?? l.quantity) >= 0);
    const none = lines.every((l) => compare(l.shippedQuantity, '0' as DecimalString) === 0);
    const receiving: readonly OrderState[] = ['partially-received', 'received', 'closed', 'cancelled'];
    const state: OrderState = receiving.includes(current.state)
      ? current.state
      : none
        ? current.state === 'partially-shipped' || current.state === 'shipped'
          ? 'acknowledged'
          : current.state
        : full
          ? 'shipped'
          : 'partially-shipped';
    await this.orders.update(tx, order.id, { state });
    await this.orders.addHistory(tx, order, {
      what: `ship-notice.${notice.document.kind}`,
      documentNumber: notice.payload.shipmentNumber,
      documentRevision: notice.document.revision,
      fromState: current.state,
      toState: state,
      summary: held ? 'ship notice held for a buyer: nothing posted' : `ship notice ${notice.document.kind}`,
      eventId: notice.id,
    });
  }
}

/**
 * A delivery stands in the ERP for this notice. A cancelled notice's delivery was reversed (rows
 * written before reversals reset `posted` may still say posted), so it cannot be amended.
 */
function isLive(record: ShipNotice): boolean {
  return record.posted && record.status !== 'cancelled';
}

/** The ERP cannot take the notice: the problem names the line an invalid item is on, if one is. */
function notPostable(notice: Notice, shipped: readonly ShippedLine[], why: string): Problem {
  const index = itemIndexOf(why);
  const item = index === undefined ? undefined : shipped[index];
  const order = item?.order ?? shipped[0]?.order;
  return {
    type: 'ship-notice.not-postable',
    poNumber: order?.poNumber ?? notice.payload.orders[0]!.purchaseOrder.number,
    order,
    lineNumber: item?.line.lineNumber,
    material: item?.line.material,
    summary: `ship notice ${notice.payload.shipmentNumber} cannot be posted to the ERP: ${why}`,
    differences: { erpPosting: { expected: 'accepted', actual: why } },
  };
}

function uniqueOrders(shipped: readonly ShippedLine[]): PurchaseOrder[] {
  const seen = new Map<string, PurchaseOrder>();
  for (const s of shipped) seen.set(s.order.id, s.order);
  return [...seen.values()];
}

function deliveryBody(notice: Notice, shipped: readonly ShippedLine[]) {
  const { payload } = notice;
  return {
    shipmentNumber: payload.shipmentNumber,
    supplier: notice.partnerId,
    shippedAt: payload.shippedAt,
    ...(payload.expectedDeliveryAt ? { expectedDeliveryAt: payload.expectedDeliveryAt } : {}),
    ...(payload.carrier?.scac ? { carrierScac: payload.carrier.scac } : {}),
    ...(payload.trackingNumbers ? { trackingNumbers: [...payload.trackingNumbers] } : {}),
    items: shipped.map((s) => ({
      poNumber: s.order.poNumber,
      lineNumber: s.line.lineNumber,
      material: s.line.material,
      quantity: s.quantity,
      unit: s.line.unit,
      ...(s.sscc ? { sscc: s.sscc } : {}),
      ...(s.lots && s.lots.length > 0 ? { lots: s.lots } : {}),
    })),
  };
}
