import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import type { ErpDocumentBody, PoChangeBody } from '../port/erp-documents.js';
import { erpRejected } from '../port/erp-errors.js';
import type { ErpPurchaseOrder, ErpPurchaseOrderLine } from '../port/erp-port.js';
import { SimulatorFaults } from './simulator-faults.js';
import { nextDocumentNumber } from './simulator-numbers.js';
import { PURCHASE_ORDER_COLUMNS, toPurchaseOrder, type PurchaseOrderRow } from './simulator-rows.js';

export interface NewPurchaseOrder {
  readonly poNumber?: string;
  readonly supplier: string;
  readonly plant: string;
  readonly currency: string;
  readonly orderDate: string;
  readonly lines: readonly Omit<ErpPurchaseOrderLine, 'status'>[];
}

export interface BuyerChange {
  readonly lines?: readonly {
    lineNumber: string;
    quantity?: string;
    deliveryDate?: string;
    cancel?: boolean;
  }[];
  readonly cancel?: boolean;
}

export type OutputMessage = 'po-issued' | 'po-changed' | 'po-cancelled';

export interface SimulatorOutput {
  readonly id: string;
  readonly poNumber: string;
  readonly revision: number;
  readonly message: OutputMessage;
  readonly purchaseOrder: ErpPurchaseOrder;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

/**
 * Purchase orders in the simulated ERP, as a buyer works them: issued and changed on the ERP's own
 * initiative (each revision written to the output queue, as an ERP's output determination would),
 * or changed at the gateway's request through the port, which reaches the supplier through the
 * output queue only when the ERP is set to send changes itself.
 */
export class SimulatorPurchaseOrders {
  constructor(private readonly dataSource: DataSource) {}

  async lock(tx: EntityManager, poNumber: string): Promise<ErpPurchaseOrder | null> {
    const [row] = await queryRows<PurchaseOrderRow>(
      tx,
      `SELECT ${PURCHASE_ORDER_COLUMNS} FROM erp_sim_purchase_order WHERE po_number = $1 FOR UPDATE`,
      [poNumber],
    );
    return row ? toPurchaseOrder(row) : null;
  }

  issue(order: NewPurchaseOrder): Promise<ErpPurchaseOrder> {
    return this.dataSource.transaction((tx) => this.issueIn(tx, order));
  }

  /** A buyer's change in the ERP: always output to the supplier. */
  change(poNumber: string, change: BuyerChange): Promise<ErpPurchaseOrder> {
    return this.dataSource.transaction(async (tx) => {
      const po = await this.lock(tx, poNumber);
      if (!po) throw erpRejected(`no purchase order ${poNumber}`);
      if (po.status !== 'open') throw erpRejected(`purchase order ${poNumber} is ${po.status}`);
      const lines = po.lines.map((line) => {
        const edit = change.lines?.find((l) => l.lineNumber === line.lineNumber);
        if (change.cancel || edit?.cancel) return { ...line, status: 'cancelled' as const };
        if (!edit) return line;
        return {
          ...line,
          quantity: edit.quantity ?? line.quantity,
          deliveryDate: edit.deliveryDate ?? line.deliveryDate,
        };
      });
      for (const edit of change.lines ?? []) {
        if (!po.lines.some((l) => l.lineNumber === edit.lineNumber)) {
          throw erpRejected(`purchase order ${poNumber} has no line ${edit.lineNumber}`);
        }
      }
      const updated = await this.save(tx, po, lines, change.cancel ? 'cancelled' : 'open');
      await this.output(tx, updated, change.cancel ? 'po-cancelled' : 'po-changed');
      return updated;
    });
  }

  /** The gateway's change request (a replenishment decision), posted through the port. */
  async applyChangeRequest(tx: EntityManager, request: PoChangeBody, _correlationId: string): Promise<void> {
    const po = await this.lock(tx, request.poNumber);
    if (!po) throw erpRejected(`no purchase order ${request.poNumber}`);
    if (po.status !== 'open') throw erpRejected(`purchase order ${request.poNumber} is ${po.status}`);
    if (request.baseRevision !== po.revision) {
      throw erpRejected(
        `purchase order ${request.poNumber} is at revision ${po.revision}; the change was decided on revision ${request.baseRevision}`,
      );
    }
    const problems: string[] = [];
    const lines = po.lines.map((line) => {
      const edit = request.lines.find((l) => l.lineNumber === line.lineNumber);
      if (!edit) return line;
      if (line.status !== 'open') problems.push(`line ${line.lineNumber} is ${line.status}`);
      return {
        ...line,
        quantity: edit.quantity ?? line.quantity,
        deliveryDate: edit.deliveryDate ?? line.deliveryDate,
      };
    });
    for (const edit of request.lines) {
      if (!po.lines.some((l) => l.lineNumber === edit.lineNumber))
        problems.push(`no line ${edit.lineNumber}`);
    }
    if (problems.length > 0)
      throw erpRejected(`change to purchase order ${request.poNumber} refused`, problems);
    const updated = await this.save(tx, po, lines, 'open');
    const { outputPoChanges } = await new SimulatorFaults(tx).settings();
    if (outputPoChanges) await this.output(tx, updated, 'po-changed');
  }

  /** A purchase requisition becomes an order at once when it names a supplier (automatic sourcing). */
  async fulfilRequest(tx: EntityManager, request: ErpDocumentBody<'po-request'>): Promise<void> {
    if (!request.supplier) return;
    await this.issueIn(tx, {
      supplier: request.supplier,
      plant: request.plant,
      currency: 'EUR',
      orderDate: new Date().toISOString().slice(0, 10),
      lines: [
        {
          lineNumber: '10',
          material: request.material,
          quantity: request.quantity,
          unit: request.unit,
          deliveryDate: request.neededBy,
          netPrice: null,
        },
      ],
    });
  }

  async read(poNumber: string, db: Queryable = this.dataSource): Promise<ErpPurchaseOrder | null> {
    const [row] = await queryRows<PurchaseOrderRow>(
      db,
      `SELECT ${PURCHASE_ORDER_COLUMNS} FROM erp_sim_purchase_order WHERE po_number = $1`,
      [poNumber],
    );
    return row ? toPurchaseOrder(row) : null;
  }

  async outputs(options: { undeliveredOnly?: boolean; limit?: number } = {}): Promise<SimulatorOutput[]> {
    const rows = await queryRows<{
      id: string;
      po_number: string;
      revision: number;
      message: OutputMessage;
      body: ErpPurchaseOrder;
      created_at: string;
      delivered_at: string | null;
    }>(
      this.dataSource,
      `SELECT id::text AS id, po_number, revision, message, body, ${isoTimestamp('created_at')} AS created_at,
              ${isoTimestamp('delivered_at')} AS delivered_at
         FROM erp_sim_output ${options.undeliveredOnly ? 'WHERE delivered_at IS NULL' : ''}
        ORDER BY erp_sim_output.id LIMIT $1`,
      [options.limit ?? 100],
    );
    return rows.map((r) => ({
      id: r.id,
      poNumber: r.po_number,
      revision: r.revision,
      message: r.message,
      purchaseOrder: r.body,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  }

  async markDelivered(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE erp_sim_output SET delivered_at = now() WHERE id = $1 AND delivered_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  private async issueIn(tx: EntityManager, order: NewPurchaseOrder): Promise<ErpPurchaseOrder> {
    const poNumber = order.poNumber ?? (await nextDocumentNumber(tx, '45'));
    const lines = order.lines.map((l) => ({ ...l, status: 'open' as const }));
    const [row] = await queryRows<PurchaseOrderRow>(
      tx,
      `INSERT INTO erp_sim_purchase_order (po_number, supplier, plant, currency, order_date, lines)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT pk_erp_sim_purchase_order DO NOTHING
       RETURNING ${PURCHASE_ORDER_COLUMNS}`,
      [poNumber, order.supplier, order.plant, order.currency, order.orderDate, JSON.stringify(lines)],
    );
    if (!row) throw erpRejected(`purchase order ${poNumber} exists`);
    const po = toPurchaseOrder(row);
    await this.output(tx, po, 'po-issued');
    return po;
  }

  private async save(
    tx: EntityManager,
    po: ErpPurchaseOrder,
    lines: readonly ErpPurchaseOrderLine[],
    status: ErpPurchaseOrder['status'],
  ): Promise<ErpPurchaseOrder> {
    const [row] = await queryRows<PurchaseOrderRow>(
      tx,
      `UPDATE erp_sim_purchase_order SET lines = $2, status = $3, revision = revision + 1, updated_at = now()
        WHERE po_number = $1 RETURNING ${PURCHASE_ORDER_COLUMNS}`,
      [po.poNumber, JSON.stringify(lines), status],
    );
    return toPurchaseOrder(row!);
  }

  private async output(tx: EntityManager, po: ErpPurchaseOrder, message: OutputMessage): Promise<void> {
    await tx.query(
      `INSERT INTO erp_sim_output (po_number, revision, message, body) VALUES ($1, $2, $3, $4)`,
      [po.poNumber, po.revision, message, JSON.stringify(po)],
    );
  }
}
