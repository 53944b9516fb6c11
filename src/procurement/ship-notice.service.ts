import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../platform/database/sql.js';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import {
  compare,
  decimalFromConfigNumber,
  withinTolerance,
  type DecimalString,
} from '../canonical/decimal.js';
import type { EventOf } from '../canonical/events/catalogue.js';
import { convertQuantity } from '../canonical/units.js';
import { ErpPostingService } from '../erp/posting/erp-posting.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { Differences } from '../exceptions/exception.types.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { IdempotencyService } from '../platform/jobs/idempotency.service.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import type { OrderState, PurchaseOrder, PurchaseOrderLine } from './purchase-order.types.js';
import { ShipmentRepository, type ShipNotice } from './shipment.repository.js';

type Notice = EventOf<'ship-notice.received.v1'>;

interface Problem {
  readonly type: 'ship-notice.unknown-order' | 'ship-notice.over-shipment' | 'ship-notice.item-mismatch';
  readonly poNumber: string;
  readonly order?: PurchaseOrder;
  readonly lineNumber?: string;
  readonly material?: string;
  readonly summary: string;
  readonly differences: Differences;
}

interface ShippedLine {
  readonly order: PurchaseOrder;
  readonly line: PurchaseOrderLine;
  readonly quantity: DecimalString;
  readonly sscc?: string;
  readonly lots?: string[];
}

export interface ShipNoticeResult {
  readonly outcome: 'posted' | 'amended' | 'reversed' | 'held' | 'cancelled' | 'duplicate';
  readonly problems: readonly Problem['type'][];
}

/**
 * A supplier's ship notice, whatever its channel: matched against the orders and lines it ships
 * (unknown order or line, another material, a unit that does not convert, more than ordered beyond
 * tolerance). A clean notice is posted to the ERP as an inbound delivery; its replacement amends
 * that delivery and its cancellation reverses it, never a second posting. A notice with problems is
 * held for a buyer (nothing posted) and each problem raised. Lines' shipped quantities and the
 * orders' states follow every revision. Applied once per document revision.
 */
@Injectable()
export class ShipNoticeService {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly shipments: ShipmentRepository,
    private readonly partners: PartnerRegistry,
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
   */
  async release(
    tx: EntityManager,
    partnerId: string,
    shipmentNumber: string,
  ): Promise<'posted' | 'amended' | 'not-held'> {
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
    const shipped = await this.matchItems(tx, notice, []);
    if (shipped.length === 0) return 'not-held';
    const orders = uniqueOrders(shipped);
    const businessKey = `${partnerId}/${shipmentNumber}`;
    const body = deliveryBody(notice, shipped);
    const common = {
      kind: 'inbound-delivery' as const,
      businessKey,
      revision: locked.revisions,
      plant: orders[0]!.plant,
      body,
    };
    if (locked.posted)
      await this.erp.amend(tx, { ...common, correlationId: locked.correlationId, causationId: notice.id });
    else
      await this.erp.post(tx, {
        ...common,
        poNumber: orders[0]!.poNumber,
        correlationId: locked.correlationId,
        causationId: notice.id,
      });
    await this.shipments.update(tx, locked.id, {
      revisions: locked.revisions + 1,
      status: 'active',
      posted: true,
    });
    for (const order of orders)
      await this.orders.addHistory(tx, order, {
        what: 'buyer.accepted-ship-notice',
        documentNumber: shipmentNumber,
        documentRevision: notice.document.revision,
        fromState: order.state,
        toState: order.state,
        summary: `ship notice ${shipmentNumber} accepted by a buyer and posted to the ERP`,
        eventId: notice.id,
      });
    return locked.posted ? 'amended' : 'posted';
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
    const businessKey = `${notice.partnerId}/${notice.payload.shipmentNumber}`;
    if (notice.document.kind === 'cancellation') return this.cancel(tx, notice, record, businessKey);

    const problems: Problem[] = [];
    const shipped = await this.matchItems(tx, notice, problems);
    await this.shipments.replaceLines(
      tx,
      record.id,
      shipped.map((s) => ({ poId: s.order.id, lineNumber: s.line.lineNumber, quantity: s.quantity })),
    );
    const orders = uniqueOrders(shipped);
    for (const order of orders) {
      await this.shipments.refreshShipped(tx, order.id);
      problems.push(...(await this.overShipments(tx, order)));
    }
    for (const problem of problems) await this.raise(tx, notice, record, problem);

    const held = problems.length > 0;
    let outcome: ShipNoticeResult['outcome'] = 'held';
    if (!held) {
      const body = deliveryBody(notice, shipped);
      if (record.posted) {
        await this.erp.amend(tx, {
          kind: 'inbound-delivery',
          businessKey,
          revision: record.revisions,
          plant: firstPo?.plant,
          body,
          correlationId: record.correlationId,
          causationId: notice.id,
        });
        outcome = 'amended';
      } else {
        await this.erp.post(tx, {
          kind: 'inbound-delivery',
          businessKey,
          revision: record.revisions,
          plant: firstPo?.plant,
          poNumber: orders[0]!.poNumber,
          body,
          correlationId: record.correlationId,
          causationId: notice.id,
        });
        outcome = 'posted';
      }
    }
    await this.shipments.update(tx, record.id, {
      revisions: record.revisions + 1,
      status: held ? 'held' : 'active',
      posted: record.posted || !held,
    });
    for (const order of orders) await this.advance(tx, order, notice, held);
    return { outcome, problems: problems.map((p) => p.type) };
  }

  private async cancel(
    tx: EntityManager,
    notice: Notice,
    record: ShipNotice,
    businessKey: string,
  ): Promise<ShipNoticeResult> {
    if (record.posted) {
      await this.erp.reverse(tx, {
        kind: 'inbound-delivery',
        businessKey,
        revision: record.revisions,
        reason: `ship notice ${notice.payload.shipmentNumber} cancelled by ${notice.partnerId}`,
        correlationId: record.correlationId,
        causationId: notice.id,
      });
    }
    await this.shipments.update(tx, record.id, {
      revisions: record.revisions + 1,
      status: 'cancelled',
      posted: record.posted,
    });
    for (const order of notice.payload.orders) {
      const po = await this.orders.lockByNumber(tx, order.purchaseOrder.number);
      if (!po || po.partnerId !== notice.partnerId) continue;
      await this.shipments.refreshShipped(tx, po.id);
      await this.advance(tx, po, notice, false);
    }
    return { outcome: record.posted ? 'reversed' : 'cancelled', problems: [] };
  }

  /** Each shipped item against its order line, in the line's unit; mismatches become problems. */
  private async matchItems(tx: EntityManager, notice: Notice, problems: Problem[]): Promise<ShippedLine[]> {
    const shipped: ShippedLine[] = [];
    for (const shippedOrder of notice.payload.orders) {
      const poNumber = shippedOrder.purchaseOrder.number;
      const order = await this.orders.lockByNumber(tx, poNumber);
      if (!order || order.partnerId !== notice.partnerId) {
        problems.push({
          type: 'ship-notice.unknown-order',
          poNumber,
          summary: `ship notice ${notice.payload.shipmentNumber} names purchase order ${poNumber}, which ${notice.partnerId} does not have`,
          differences: { purchaseOrder: { expected: null, actual: poNumber } },
        });
        continue;
      }
      const lines = await this.orders.lines(tx, order.id);
      for (const pack of shippedOrder.packs) {
        for (const item of pack.items) {
          const line = lines.find((l) => l.lineNumber === item.lineNumber && !l.cancelled);
          const base = { poNumber, order, lineNumber: item.lineNumber, material: item.material };
          if (!line) {
            problems.push({
              ...base,
              type: 'ship-notice.unknown-order',
              summary: `PO ${poNumber} has no open line ${item.lineNumber}`,
              differences: { line: { expected: null, actual: item.lineNumber } },
            });
            continue;
          }
          const ourMaterial =
            this.partners.ourMaterial(order.partnerId, item.supplierPartNumber ?? '') ?? item.material;
          if (ourMaterial !== line.material) {
            problems.push({
              ...base,
              type: 'ship-notice.item-mismatch',
              summary: `PO ${poNumber} line ${line.lineNumber} orders ${line.material}; the notice ships ${ourMaterial}`,
              differences: { material: { expected: line.material, actual: ourMaterial } },
            });
            continue;
          }
          let quantity: DecimalString;
          try {
            quantity = convertQuantity(item.quantity.value, item.quantity.unit, line.unit);
          } catch {
            problems.push({
              ...base,
              type: 'ship-notice.item-mismatch',
              summary: `PO ${poNumber} line ${line.lineNumber} is in ${line.unit}; ${item.quantity.unit} does not convert`,
              differences: { unit: { expected: line.unit, actual: item.quantity.unit } },
            });
            continue;
          }
          shipped.push({ order, line, quantity, sscc: pack.sscc, lots: item.lots?.map((l) => l.lot) });
        }
      }
    }
    return shipped;
  }

  /** Lines shipped (over all notices) beyond the confirmed or ordered quantity and its tolerance. */
  private async overShipments(tx: EntityManager, order: PurchaseOrder): Promise<Problem[]> {
    const percent = decimalFromConfigNumber(
      this.partners.require(order.partnerId).tolerances.quantityPercent,
    );
    const problems: Problem[] = [];
    for (const line of await this.orders.lines(tx, order.id)) {
      const reference = line.confirmedQuantity ?? line.quantity;
      // Over the reference and outside the tolerance: shipping less is the receipt's concern.
      if (
        compare(line.shippedQuantity, reference) > 0 &&
        !withinTolerance(line.shippedQuantity, reference, percent)
      ) {
        problems.push({
          type: 'ship-notice.over-shipment',
          poNumber: order.poNumber,
          order,
          lineNumber: line.lineNumber,
          material: line.material,
          summary: `PO ${order.poNumber} line ${line.lineNumber}: ${line.shippedQuantity} ${line.unit} shipped against ${reference}`,
          differences: { shippedQuantity: { expected: reference, actual: line.shippedQuantity } },
        });
      }
    }
    return problems;
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
