import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { LeaseService } from '../platform/jobs/lease.service.js';
import { LeasedSweep } from '../platform/jobs/leased-sweep.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';

const SWEEP_EVERY_MS = 60_000;

/**
 * The functional-acknowledgment clock of every delivered document that expects a 997 / 999 / CONTRL:
 * it starts at delivery (`acknowledgments.functionalSlaHours` of the partner) and, when it runs out
 * before the acknowledgment arrives, the document is marked overdue and `interchange.unacknowledged`
 * is raised once for it. One process sweeps at a time (lease).
 */
@Injectable()
export class FunctionalAckTimers extends LeasedSweep {
  constructor(
    @InjectConfig() config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly documents: OutboundDocumentRepository,
    private readonly exceptions: ExceptionService,
    leases: LeaseService,
    @InjectPinoLogger(FunctionalAckTimers.name) logger: PinoLogger,
  ) {
    super({ name: 'outbound-functional-ack-timers', everyMs: SWEEP_EVERY_MS }, config, leases, logger);
  }

  protected pass(now: Date): Promise<number> {
    return this.sweep(now);
  }

  /** Raises a case for every document whose acknowledgment is overdue at `now`; returns how many. */
  async sweep(now: Date): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const overdue = await this.documents.overdueFunctionalAcks(tx, now);
      for (const document of overdue) {
        await this.documents.recordFunctionalAck(tx, document.id, 'overdue', null);
        const expected = document.standard === 'edifact' ? 'CONTRL' : '997/999';
        await this.exceptions.raise(
          tx,
          {
            type: 'interchange.unacknowledged',
            dedupeKey: `outbound-document:${document.id}`,
            summary:
              `no ${expected} from ${document.partnerId} for our ${document.messageType}` +
              `${document.poNumber ? ` of PO ${document.poNumber}` : ''} (interchange ${document.controlReference ?? '?'}` +
              `${document.groupReference ? `, group ${document.groupReference}` : ''}), due ${document.functionalAck.dueAt}`,
            references: {
              partnerId: document.partnerId,
              poNumber: document.poNumber,
              interchangeId: document.interchangeId,
            },
            differences: {
              functionalAck: { expected: `${expected} by ${document.functionalAck.dueAt}`, actual: null },
            },
            correlationId: document.correlationId,
          },
          GATEWAY_ACTOR,
        );
      }
      return overdue.length;
    });
  }
}
