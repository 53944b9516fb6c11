import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ErpConnections } from '../erp/connections/erp-connections.js';
import { ErpPostingEvents, type ErpPostingListener } from '../erp/posting/erp-posting.events.js';
import type { ErpPosting } from '../erp/posting/erp-posting.types.js';
import {
  defineJob,
  PermanentJobError,
  type JobContext,
  type JobHandler,
} from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { OrderIntakeService } from './order-intake.service.js';
import { snapshotOf } from './order-events.js';

export interface OrderRefreshPayload {
  readonly erpInstance: string;
  readonly poNumber: string;
  /** The po-change posting whose acceptance calls for the refresh. */
  readonly postingId: string;
}

/** Reads an order back from its ERP and takes the new revision through the order intake. */
export const OrderRefreshJob = defineJob<OrderRefreshPayload>('procurement.refresh-order', {
  backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
});

/**
 * With `poChangeDelivery: gateway`, the gateway itself sends a PO change the ERP accepted: when the
 * ERP takes a `po-change` posting, this queues a read of the order (in the recording transaction);
 * the job reads the order's new revision from the ERP and the order intake turns it into the
 * `purchase-order.changed` event and outbound intent. With `erp-output`, the ERP's own output does
 * that instead and nothing is queued here: one or the other, never both.
 */
@Injectable()
@HandlesJob(OrderRefreshJob)
export class OrderRefreshJobHandler
  implements JobHandler<OrderRefreshPayload>, ErpPostingListener, OnModuleInit
{
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ErpConnections,
    private readonly intake: OrderIntakeService,
    private readonly outbox: OutboxService,
    private readonly postingEvents: ErpPostingEvents,
  ) {}

  onModuleInit(): void {
    this.postingEvents.listen(this);
  }

  async postingPosted(tx: EntityManager, posting: ErpPosting): Promise<void> {
    if (posting.kind !== 'po-change' || posting.poNumber === null) return;
    if (this.connections.instance(posting.erpInstance).poChangeDelivery !== 'gateway') return;
    await this.outbox.enqueue(
      tx,
      OrderRefreshJob,
      { erpInstance: posting.erpInstance, poNumber: posting.poNumber, postingId: posting.id },
      {
        key: `${posting.erpInstance}:${posting.id}`,
        correlationId: posting.correlationId,
        causationId: posting.id,
      },
    );
  }

  async handle(payload: OrderRefreshPayload, context: JobContext): Promise<void> {
    const instance = this.connections.instance(payload.erpInstance);
    const order = await this.connections.port(instance.id).readPurchaseOrder(payload.poNumber, {
      correlationId: context.correlationId,
      timeoutMs: instance.timeoutMs,
    });
    if (!order) throw new PermanentJobError(`ERP ${instance.id} has no purchase order ${payload.poNumber}`);
    await this.dataSource.transaction((tx) =>
      this.intake.receive(tx, snapshotOf(order), context.causationId),
    );
  }
}
