import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isoTimestamp, queryRows } from '../platform/database/sql.js';
import { LeaseService } from '../platform/jobs/lease.service.js';
import { LeasedSweep } from '../platform/jobs/leased-sweep.js';
import { revisionSent } from './acknowledgment-clock.js';

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
 * five minutes. The clock starts when the order (or change) was delivered to the supplier (outbound
 * delivery; a resend's delivery starts it again); for a partner that receives no document, when it
 * was recorded. A revision whose documents were all cancelled before they reached the supplier asks
 * nothing (acknowledgment-clock.ts).
 */
@Injectable()
export class AcknowledgmentSla extends LeasedSweep {
  constructor(
    @InjectConfig() config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly exceptions: ExceptionService,
    leases: LeaseService,
    @InjectPinoLogger(AcknowledgmentSla.name) logger: PinoLogger,
  ) {
    super({ name: 'acknowledgment-sla', everyMs: SWEEP_EVERY_MS }, config, leases, logger);
  }

  protected pass(now: Date): Promise<number> {
    return this.sweep(now);
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
        // The clock starts when the document reached the partner (outbound delivery); a document not
        // delivered yet starts none (its delivery failure is a case of its own), nor does one taken
        // back (revisionSent). Orders with no document (a partner that receives none) count from
        // when they were recorded.
        `SELECT o.state, o.po_number, o.revision, o.plant, o.correlation_id, ${isoTimestamp('clock.at')} AS sent_at
           FROM purchase_order o
           CROSS JOIN LATERAL (
             ${revisionSent({ partnerId: 'o.partner_id', poNumber: 'o.po_number', revision: 'o.revision' })}
           ) sent
           CROSS JOIN LATERAL (
             SELECT CASE WHEN sent.documented THEN sent.at
                         ELSE (SELECT max(h.at) FROM purchase_order_history h
                                WHERE h.po_id = o.id AND h.what IN ('purchase-order.issued', 'purchase-order.changed'))
                    END AS at
           ) clock
          WHERE o.partner_id = $1 AND o.state IN ('issued', 'changed') AND clock.at < $2`,
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
