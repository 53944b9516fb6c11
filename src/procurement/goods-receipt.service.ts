import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { add, compare, decimal, subtract, type DecimalString } from '../canonical/decimal.js';
import { parseEventOf } from '../canonical/events/catalogue.js';
import { ErpPostingError } from '../erp/posting/erp-posting.exception.js';
import { ErpPostingService } from '../erp/posting/erp-posting.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { Differences } from '../exceptions/exception.types.js';
import { erpBodyProblems, itemIndexOf, quantityInLineUnit } from './line-quantity.js';
import { ProcurementError, ProcurementErrorCode } from './procurement.exception.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import type { OrderState, PurchaseOrder, PurchaseOrderLine } from './purchase-order.types.js';
import { ShipmentRepository } from './shipment.repository.js';

/** What a WMS sends: one receipt at one plant, against order lines and, usually, a ship notice. */
export interface GoodsReceiptInput {
  readonly receiptNumber: string;
  readonly plant: string;
  readonly receivedAt: string;
  readonly shipmentNumber?: string;
  readonly deliveryNote?: string;
  readonly lines: readonly {
    readonly poNumber: string;
    readonly lineNumber: string;
    readonly material: string;
    readonly quantity: { readonly value: string; readonly unit: string };
    readonly storageLocation?: string;
    readonly lot?: string;
    readonly discrepancies?: readonly {
      readonly kind: string;
      readonly quantity?: { value: string; unit: string };
      readonly note?: string;
    }[];
  }[];
}

export interface GoodsReceiptResult {
  /** `held`: recorded and matched, but not posted to the ERP (a `goods-receipt.not-postable` case). */
  readonly outcome: 'received' | 'held' | 'duplicate';
  readonly eventId: string | null;
  readonly problems: readonly string[];
}

const DAMAGE = new Set(['damaged', 'wrong-material', 'quality-hold', 'lot-mismatch']);
const ZERO = '0' as DecimalString;

/** One receipt line, resolved to its order line, its quantity in the line's unit. */
interface ResolvedLine {
  readonly order: PurchaseOrder;
  readonly line: PurchaseOrderLine;
  readonly quantity: DecimalString;
  readonly input: GoodsReceiptInput['lines'][number];
}

/** What the receipt took on each order line over all its receipt lines, and the damage found. */
function byLine(resolved: readonly ResolvedLine[]) {
  const lines = new Map<
    string,
    { order: PurchaseOrder; line: PurchaseOrderLine; quantity: DecimalString; damage: string[] }
  >();
  for (const r of resolved) {
    const key = `${r.order.id}/${r.line.lineNumber}`;
    const entry = lines.get(key) ?? { order: r.order, line: r.line, quantity: ZERO, damage: [] };
    entry.quantity = add(entry.quantity, r.quantity);
    for (const d of r.input.discrepancies ?? []) if (DAMAGE.has(d.kind)) entry.damage.push(d.kind);
    lines.set(key, entry);
  }
  return lines.values();
}

/**
 * Goods receipts from a plant's WMS: matched against what the ship notice announced (short, over)
 * and what the plant found (damaged, wrong material, quality hold), each raised as an exception;
 * posted to the ERP as a goods receipt behind the order's earlier postings; lines' received
 * quantities and the orders' states follow. A quantity converted into the line's unit is rounded to
 * the ERP's scale; a receipt the ERP still cannot take is held (recorded, not posted, one case).
 * One receipt number per plant is applied once.
 */
@Injectable()
export class GoodsReceiptService {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly shipments: ShipmentRepository,
    private readonly exceptions: ExceptionService,
    private readonly erp: ErpPostingService,
  ) {}

  async receive(tx: EntityManager, input: GoodsReceiptInput): Promise<GoodsReceiptResult> {
    const resolved: ResolvedLine[] = [];
    // A receipt's lines mostly share one order: lock and read each order once.
    const seen = new Map<string, { order: PurchaseOrder; lines: PurchaseOrderLine[] } | undefined>();
    for (const received of input.lines) {
      if (!seen.has(received.poNumber)) {
        const found = await this.orders.lockByNumber(tx, received.poNumber);
        seen.set(received.poNumber, found && { order: found, lines: await this.orders.lines(tx, found.id) });
      }
      const order = seen.get(received.poNumber)?.order;
      const line = seen.get(received.poNumber)?.lines.find((l) => l.lineNumber === received.lineNumber);
      if (!order || !line) {
        throw new ProcurementError(
          ProcurementErrorCode.UnknownOrder,
          `no purchase order line ${received.poNumber}/${received.lineNumber}`,
        );
      }
      let quantity: DecimalString;
      try {
        quantity = quantityInLineUnit(decimal(received.quantity.value), received.quantity.unit, line.unit);
      } catch (error) {
        throw new ProcurementError(
          ProcurementErrorCode.InvalidOrder,
          `line ${received.poNumber}/${received.lineNumber}: ${(error as Error).message}`,
        );
      }
      resolved.push({ order, line, quantity, input: received });
    }
    const first = resolved[0]!.order;
    const notice = input.shipmentNumber
      ? await this.shipments.byShipment(tx, first.partnerId, input.shipmentNumber)
      : undefined;
    const event = parseEventOf('goods.received.v1', {
      id: randomUUID(),
      type: 'goods.received',
      schemaVersion: 'v1',
      partnerId: first.partnerId,
      plant: input.plant,
      occurredAt: input.receivedAt,
      receivedAt: new Date().toISOString(),
      correlationId: first.correlationId,
      causationId: null,
      document: { kind: 'original', number: input.receiptNumber, revision: '0' },
      source: { channel: 'wms' },
      payload: {
        ...(input.shipmentNumber ? { shipNotice: { shipmentNumber: input.shipmentNumber } } : {}),
        ...(input.deliveryNote ? { deliveryNote: input.deliveryNote } : {}),
        lines: resolved.map((r) => ({
          purchaseOrder: { number: r.order.poNumber },
          lineNumber: r.line.lineNumber,
          material: r.line.material,
          quantity: { value: r.quantity, unit: r.line.unit },
          ...(r.input.storageLocation ? { storageLocation: r.input.storageLocation } : {}),
          ...(r.input.lot ? { lots: [{ lot: r.input.lot }] } : {}),
          discrepancies: (r.input.discrepancies ?? []).map((d) => ({ ...d })),
        })),
      },
    });
    if (
      !(await this.shipments.insertReceipt(tx, input.plant, input.receiptNumber, notice?.id ?? null, event))
    ) {
      return { outcome: 'duplicate', eventId: null, problems: [] };
    }

    const problems: string[] = [];
    // One comparison per order line: a receipt splits a line over lots and storage locations.
    for (const received of byLine(resolved)) {
      const { order, line } = received;
      const announced = notice
        ? await this.shipments.shippedOn(tx, notice.id, order.id, line.lineNumber)
        : null;
      if (announced !== null && compare(received.quantity, announced) !== 0) {
        const type = compare(received.quantity, announced) < 0 ? 'goods-receipt.short' : 'goods-receipt.over';
        problems.push(type);
        await this.raise(
          tx,
          type,
          input,
          order,
          line,
          { quantity: { expected: announced, actual: received.quantity } },
          `${input.receiptNumber}: ${received.quantity} ${line.unit} received, ${announced} announced (${subtract(received.quantity, announced)})`,
        );
      }
      if (received.damage.length > 0) {
        problems.push('goods-receipt.damaged');
        await this.raise(
          tx,
          'goods-receipt.damaged',
          input,
          order,
          line,
          { discrepancies: { expected: [], actual: received.damage } },
          `${input.receiptNumber}: ${received.damage.join(', ')}`,
        );
      }
      await this.shipments.addReceived(tx, order.id, line.lineNumber, received.quantity);
    }

    // A line received as zero has nothing to post; one above zero must reach the ERP, or be held.
    const items = resolved.filter((r) => compare(decimal(r.input.quantity.value), ZERO) > 0);
    let held = false;
    if (items.length > 0) {
      const refused = await this.post(tx, input, first, event.id, items);
      for (const problem of refused) {
        held = true;
        problems.push('goods-receipt.not-postable');
        const about = items[itemIndexOf(problem) ?? 0]!;
        await this.raise(
          tx,
          'goods-receipt.not-postable',
          input,
          about.order,
          about.line,
          { erpPosting: { expected: 'accepted', actual: problem } },
          `${input.receiptNumber} cannot be posted to the ERP: ${problem}`,
        );
      }
    }
    for (const order of new Map(resolved.map((r) => [r.order.id, r.order])).values()) {
      await this.advance(tx, order, input, event.id);
    }
    return { outcome: held ? 'held' : 'received', eventId: event.id, problems };
  }

  /**
   * Posts the receipt behind the order's earlier postings. What the ERP contract cannot carry (a
   * converted quantity beyond 15 integer digits), or the posting service refuses, is returned as
   * problems instead: the receipt is recorded, nothing is requested, and a person posts it.
   */
  private async post(
    tx: EntityManager,
    input: GoodsReceiptInput,
    first: PurchaseOrder,
    eventId: string,
    items: readonly ResolvedLine[],
  ): Promise<string[]> {
    const body = {
      receiptNumber: input.receiptNumber,
      plant: input.plant,
      receivedAt: input.receivedAt,
      items: items.map((r) => ({
        poNumber: r.order.poNumber,
        lineNumber: r.line.lineNumber,
        material: r.line.material,
        quantity: r.quantity,
        unit: r.line.unit,
        ...(r.input.storageLocation ? { storageLocation: r.input.storageLocation } : {}),
        ...(r.input.lot ? { lot: r.input.lot } : {}),
      })),
    };
    const invalid = erpBodyProblems('goods-receipt', body);
    if (invalid.length > 0) return invalid;
    try {
      await this.erp.post(tx, {
        kind: 'goods-receipt',
        businessKey: `${input.plant}/${input.receiptNumber}`,
        revision: 0,
        plant: input.plant,
        poNumber: first.poNumber,
        correlationId: first.correlationId,
        causationId: eventId,
        body,
      });
      return [];
    } catch (error) {
      if (!(error instanceof ErpPostingError)) throw error;
      return [error.message];
    }
  }

  private async raise(
    tx: EntityManager,
    type: string,
    input: GoodsReceiptInput,
    order: PurchaseOrder,
    line: PurchaseOrderLine,
    differences: Differences,
    summary: string,
  ): Promise<void> {
    await this.exceptions.raise(
      tx,
      {
        type,
        dedupeKey: `${input.plant}/${input.receiptNumber}:${order.poNumber}:${line.lineNumber}`,
        summary: `PO ${order.poNumber} line ${line.lineNumber}, receipt ${summary}`,
        references: {
          partnerId: order.partnerId,
          poNumber: order.poNumber,
          poLine: line.lineNumber,
          material: line.material,
          plant: input.plant,
        },
        differences,
        correlationId: order.correlationId,
      },
      GATEWAY_ACTOR,
    );
  }

  private async advance(
    tx: EntityManager,
    order: PurchaseOrder,
    input: GoodsReceiptInput,
    eventId: string,
  ): Promise<void> {
    const current = (await this.orders.byNumber(tx, order.poNumber, null))!;
    const lines = (await this.orders.lines(tx, order.id)).filter((l) => !l.cancelled);
    const full = lines.every((l) => compare(l.receivedQuantity, l.confirmedQuantity ?? l.quantity) >= 0);
    const state: OrderState =
      current.state === 'closed' || current.state === 'cancelled'
        ? current.state
        : full
          ? 'received'
          : 'partially-received';
    await this.orders.update(tx, order.id, { state });
    await this.orders.addHistory(tx, order, {
      what: 'goods.received',
      documentNumber: input.receiptNumber,
      documentRevision: '0',
      fromState: current.state,
      toState: state,
      summary: `received at plant ${input.plant}`,
      eventId,
    });
  }
}
