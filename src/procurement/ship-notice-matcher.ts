import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CanonicalError } from '../canonical/canonical.exception.js';
import {
  compare,
  decimalFromConfigNumber,
  withinTolerance,
  type DecimalString,
} from '../canonical/decimal.js';
import type { EventOf } from '../canonical/events/catalogue.js';
import type { Differences } from '../exceptions/exception.types.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isUnitMismatch, quantityInLineUnit } from './line-quantity.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import type { OrderState, PurchaseOrder, PurchaseOrderLine } from './purchase-order.types.js';

export type Notice = EventOf<'ship-notice.received.v1'>;

export type ShipNoticeProblemType =
  | 'ship-notice.unknown-order'
  | 'ship-notice.order-closed'
  | 'ship-notice.over-shipment'
  | 'ship-notice.item-mismatch'
  | 'ship-notice.not-postable';

export interface Problem {
  readonly type: ShipNoticeProblemType;
  readonly poNumber: string;
  readonly order?: PurchaseOrder;
  readonly lineNumber?: string;
  readonly material?: string;
  readonly summary: string;
  readonly differences: Differences;
}

export interface ShippedLine {
  readonly order: PurchaseOrder;
  readonly line: PurchaseOrderLine;
  readonly quantity: DecimalString;
  readonly sscc?: string;
  readonly lots?: string[];
}

/** The ERP ended these orders: nothing more is delivered against them. */
const ENDED: readonly OrderState[] = ['cancelled', 'closed'];

/**
 * Matches a ship notice's items with the order lines they ship, in each line's unit, and finds
 * the lines shipped beyond tolerance. Every mismatch becomes a problem for the caller to raise.
 */
@Injectable()
export class ShipNoticeMatcher {
  constructor(
    private readonly orders: PurchaseOrderRepository,
    private readonly partners: PartnerRegistry,
  ) {}

  /** Each shipped item against its order line, in the line's unit; mismatches become problems. */
  async matchItems(tx: EntityManager, notice: Notice, problems: Problem[]): Promise<ShippedLine[]> {
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
      if (ENDED.includes(order.state)) {
        problems.push({
          type: 'ship-notice.order-closed',
          poNumber,
          order,
          summary: `ship notice ${notice.payload.shipmentNumber} ships against purchase order ${poNumber}, which the ERP has ${order.state}`,
          differences: { orderState: { expected: 'open', actual: order.state } },
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
            quantity = quantityInLineUnit(item.quantity.value, item.quantity.unit, line.unit);
          } catch (error) {
            if (!(error instanceof CanonicalError)) throw error;
            const unit = { expected: line.unit, actual: item.quantity.unit };
            problems.push(
              isUnitMismatch(error)
                ? {
                    ...base,
                    type: 'ship-notice.item-mismatch',
                    summary: `PO ${poNumber} line ${line.lineNumber} is in ${line.unit}; ${item.quantity.unit} does not convert`,
                    differences: { unit },
                  }
                : {
                    ...base,
                    type: 'ship-notice.not-postable',
                    summary: `PO ${poNumber} line ${line.lineNumber}: ${item.quantity.value} ${item.quantity.unit} in ${line.unit}: ${error.message}`,
                    differences: { quantity: { expected: line.unit, actual: item.quantity.value } },
                  },
            );
            continue;
          }
          shipped.push({ order, line, quantity, sscc: pack.sscc, lots: item.lots?.map((l) => l.lot) });
        }
      }
    }
    return shipped;
  }

  /**
   * The lines this notice ships (`lineNumbers`) whose shipped total over all notices is beyond the
   * confirmed or ordered quantity and its tolerance, unless a buyer accepted that total already.
   * Other lines are not this notice's business: an accepted over-shipment on one line must not hold
   * every later notice of the order.
   */
  async overShipments(
    tx: EntityManager,
    order: PurchaseOrder,
    lineNumbers: ReadonlySet<string>,
  ): Promise<Problem[]> {
    const percent = decimalFromConfigNumber(
      this.partners.require(order.partnerId).tolerances.quantityPercent,
    );
    const accepted = await this.orders.acceptedShipped(tx, order.id);
    const problems: Problem[] = [];
    for (const line of await this.orders.lines(tx, order.id)) {
      if (!lineNumbers.has(line.lineNumber)) continue;
      const reference = line.confirmedQuantity ?? line.quantity;
      const agreed = accepted.get(line.lineNumber);
      if (agreed !== undefined && compare(line.shippedQuantity, agreed) <= 0) continue;
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
}
