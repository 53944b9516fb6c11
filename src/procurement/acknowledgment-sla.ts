import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isoTimestamp, queryRows } from '../platform/database/sql.js';
import { LeaseService } from '../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../platform/jobs/leased-task.js';

const SWEEP_EVERY_MS = 5 * 60_000;

interface Overdue {
  state: 'issued' | 'changed';
  po_number: string;
  revision: number;
  plant: string | null;
  correlation_id: string;
  sent_at: string;
}

/**
 * Purchase orders and changes the supplier has not answered within its `businessSlaHours` (partner
 * profile): one `acknowledgment.late` (an order) or `po-change.unanswered` (a change) case per order
 * revision, raised by one process at a time every
 * five minutes. The clock starts when the order (or change) was recorded for the supplier; once the
 * outbound delivery sends documents, it will start when the document was sent.
 */
@Injectable()
export class AcknowledgmentSla implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly exceptions: ExceptionService,
    private readonly leases: LeaseService,
    @InjectPinoLogger(AcknowledgmentSla.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api') return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'acknowledgment-sla',
      everyMs: SWEEP_EVERY_MS,
      ttlMs: 60_000,
      run: async () => {
        await this.sweep(new Date());
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Raises a case for every unanswered order past its partner's SLA at `now`; returns how many are late. */
  async sweep(now: Date): Promise<number> {
    let late = 0;
    for (const partner of this.partners.all()) {
      const hours = partner.acknowledgments.businessSlaHours;
      if (hours === undefined) continue;
      const due = new Date(now.getTime() - hours * 3_600_000);
      const overdue = await queryRows<Overdue>(
        this.dataSource,
        `SELECT o.state, o.po_number, o.revision, o.plant, o.correlation_id, ${isoTimestamp('max(h.at)')} AS sent_at
           FROM purchase_order o
           JOIN purchase_order_history h ON h.po_id = o.id
            AND h.what IN ('purchase-order.issued', 'purchase-order.changed')
          WHERE o.partner_id = $1 AND o.state IN ('issued', 'changed')
          GROUP BY o.id HAVING max(h.at) < $2`,
        [partner.id, due],
      );
      for (const order of overdue) {
        late += 1;
        const hoursLate = Math.floor((now.getTime() - Date.parse(order.sent_at)) / 3_600_000) - hours;
        const change = order.state === 'changed';
        await this.dataSource.transaction((tx) =>
          this.exceptions.raise(
            tx,
            {
              type: change ? 'po-change.unanswered' : 'acknowledgment.late',
              dedupeKey: `${order.po_number}:rev-${order.revision}:${change ? 'change-unanswered' : 'ack-late'}`,
              summary: `PO ${order.po_number} ${change ? 'change to ' : ''}revision ${order.revision}: no answer from ${partner.id} within ${hours} h (${hoursLate} h over)`,
              references: { partnerId: partner.id, poNumber: order.po_number, plant: order.plant },
              differences: {
                answeredBy: {
                  expected: new Date(Date.parse(order.sent_at) + hours * 3_600_000).toISOString(),
                  actual: null,
                },
              },
              impact: { daysLate: Math.floor(hoursLate / 24) },
              correlationId: order.correlation_id,
            },
            GATEWAY_ACTOR,
          ),
        );
      }
    }
    return late;
  }
}
