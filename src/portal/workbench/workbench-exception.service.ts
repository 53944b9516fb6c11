import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decimal, type DecimalString } from '../../canonical/decimal.js';
import { AuditService } from '../../audit/audit.service.js';
import type { AuditRecord } from '../../audit/audit.types.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { ALL_PARTNERS, type ExceptionCase, type ExceptionEvent } from '../../exceptions/exception.types.js';
import { revisionConflict, type RevisionConflict } from '../../procurement/answer-revision.js';
import { PurchaseOrderRepository } from '../../procurement/purchase-order.repository.js';
import type {
  HistoryEntry,
  PurchaseOrder,
  PurchaseOrderLine,
} from '../../procurement/purchase-order.types.js';
import { BalancesService } from '../../replenishment/balances/balances.service.js';
import { ReplenishmentService } from '../../replenishment/recommendations/replenishment.service.js';
import { ReplenishmentError } from '../../replenishment/replenishment.exception.js';
import { askedChange, impactOfChange, type AskedChange, type ChangeImpact } from './workbench-impact.js';

export interface ExceptionView {
  readonly found: ExceptionCase;
  readonly events: readonly ExceptionEvent[];
  readonly audit: readonly AuditRecord[];
  readonly order: PurchaseOrder | null;
  readonly line: PurchaseOrderLine | null;
  readonly orderHistory: readonly HistoryEntry[];
  readonly asked: AskedChange | null;
  readonly impact: ChangeImpact | null;
  /** Why there is no projection (no material, no balance, a unit without a conversion). */
  readonly impactMissing: string | null;
  /** The case answers a revision the order has moved on from: accepting it is refused. */
  readonly superseded: RevisionConflict | null;
}

/**
 * Everything the exception page shows, read from the services that own it: the case and its
 * history (exceptions), the order line and its history (procurement), the projection (replenishment)
 * and the audit trail. Nothing here decides; BuyerDecisionService does.
 */
@Injectable()
export class WorkbenchExceptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exceptions: ExceptionService,
    private readonly audit: AuditService,
    private readonly orders: PurchaseOrderRepository,
    private readonly balances: BalancesService,
    private readonly replenishment: ReplenishmentService,
  ) {}

  async view(id: string): Promise<ExceptionView> {
    const found = await this.exceptions.get(id, ALL_PARTNERS);
    const [events, audit] = await Promise.all([
      this.exceptions.history(id, ALL_PARTNERS),
      this.audit.query({ target: { type: 'exception-case', id }, limit: 100 }),
    ]);
    const { poNumber, poLine, partnerId } = found.references;
    const order = poNumber
      ? ((await this.orders.byNumber(this.dataSource, poNumber, partnerId)) ?? null)
      : null;
    const lines = order ? await this.orders.lines(this.dataSource, order.id) : [];
    const line = lines.find((l) => l.lineNumber === poLine) ?? null;
    const orderHistory = order ? await this.orders.history(this.dataSource, order.id) : [];
    const asked = line ? askedChange(found, line) : null;
    const projected = order && line && asked ? await this.project(order, line, asked) : null;
    const answered = found.references.poRevision;
    const superseded =
      order && answered !== null
        ? revisionConflict(answered, order, await this.orders.revisionToAnswer(this.dataSource, order))
        : undefined;
    return {
      found,
      events,
      audit: [...audit.items].reverse(),
      order,
      line,
      orderHistory,
      asked,
      impact: projected && 'impact' in projected ? projected.impact : null,
      impactMissing: projected
        ? 'missing' in projected
          ? projected.missing
          : null
        : 'The case is not about an order line: there is no change to project.',
      superseded: superseded ?? null,
    };
  }

  private async project(
    order: PurchaseOrder,
    line: PurchaseOrderLine,
    asked: AskedChange,
  ): Promise<{ impact: ChangeImpact } | { missing: string }> {
    if (!order.plant) return { missing: 'The order names no plant: there is no balance to project.' };
    try {
      const balance = await this.balances.get(order.plant, line.material, 1);
      if (balance.unit && balance.unit !== line.unit)
        return {
          missing: `The line is in ${line.unit} and the material's balance in ${balance.unit}: the projection is not shown.`,
        };
      const usage = await this.dailyUsage(order.plant, line.material);
      return {
        impact: impactOfChange(
          {
            onHand: decimal(balance.onHand),
            allocated: decimal(balance.allocated),
            inTransit: balance.inTransit,
            today: balance.horizon.from,
            supplies: balance.orders.map((o) => ({
              poNumber: o.poNumber,
              lineNumber: o.lineNumber,
              due: o.due,
              quantity: o.open,
            })),
          },
          order.poNumber,
          line,
          asked,
          usage,
        ),
      };
    } catch (error) {
      if (error instanceof ReplenishmentError)
        return { missing: `No projection for ${line.material} at plant ${order.plant}: ${error.message}.` };
      throw error;
    }
  }

  /** The average daily usage of the latest reorder-point decision; none yet counts as no usage. */
  private async dailyUsage(plant: string, material: string): Promise<DecimalString> {
    try {
      return decimal((await this.replenishment.latestDecision(plant, material)).averageDailyUsage);
    } catch (error) {
      if (error instanceof ReplenishmentError) return decimal('0');
      throw error;
    }
  }
}
