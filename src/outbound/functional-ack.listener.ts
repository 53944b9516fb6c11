import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { CanonicalEvent } from '../canonical/index.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { CanonicalEventStore, type CanonicalEventListener } from '../translation/canonical-event.store.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';

type FunctionalAckReceived = Extract<CanonicalEvent, { type: 'functional-acknowledgment.received' }>;

/**
 * Joins a partner's 997 / 999 / CONTRL to the document it answers (X12 by the group control number,
 * EDIFACT by the interchange reference), ends that document's timer, and raises
 * `interchange.ack-rejected` when the partner rejected it or part of it. An acknowledgment that
 * matches nothing we sent is logged and stays in the archive.
 */
@Injectable()
export class FunctionalAckListener implements CanonicalEventListener, OnModuleInit {
  constructor(
    private readonly store: CanonicalEventStore,
    private readonly documents: OutboundDocumentRepository,
    private readonly exceptions: ExceptionService,
    @InjectPinoLogger(FunctionalAckListener.name) private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    this.store.listen(this);
  }

  async eventStored(tx: EntityManager, event: CanonicalEvent): Promise<void> {
    if (event.type !== 'functional-acknowledgment.received' || !event.partnerId) return;
    await this.apply(tx, event as FunctionalAckReceived);
  }

  private async apply(tx: EntityManager, event: FunctionalAckReceived): Promise<void> {
    const ack = event.payload;
    const [document] = await this.documents.findAcknowledged(
      tx,
      event.partnerId!,
      ack.standard === 'x12'
        ? { group: ack.acknowledged.groupControlNumber ?? ack.acknowledged.interchangeControlNumber }
        : { interchange: ack.acknowledged.interchangeControlNumber },
    );
    if (!document) {
      this.logger.warn(
        { partner: event.partnerId, acknowledged: ack.acknowledged, event: event.id },
        'a functional acknowledgment matches no document we sent',
      );
      return;
    }
    await this.documents.recordFunctionalAck(
      tx,
      document.id,
      ack.status,
      event.source?.interchangeId ?? null,
    );
    // Late is not missing: an acknowledgment that arrives after the clock ran out settles its case.
    await this.exceptions.resolveRaised(
      tx,
      ['interchange.unacknowledged'],
      `outbound-document:${document.id}`,
      GATEWAY_ACTOR,
      `the ${ack.ackType} arrived (${ack.status}), late`,
    );
    if (ack.status === 'accepted' || ack.status === 'accepted-with-errors') return;
    const rejected = ack.transactionSets.filter((s) => s.status === 'rejected');
    await this.exceptions.raise(
      tx,
      {
        type: 'interchange.ack-rejected',
        dedupeKey: `outbound-document:${document.id}:${event.document.number}`,
        summary:
          `${event.partnerId} ${ack.status === 'rejected' ? 'rejected' : 'partly rejected'} our ${document.messageType}` +
          `${document.poNumber ? ` for PO ${document.poNumber}` : ''} (${ack.ackType} ${ack.status}` +
          `${rejected.length > 0 ? `; sets ${rejected.map((s) => s.controlNumber).join(', ')}` : ''})`,
        references: {
          partnerId: event.partnerId,
          poNumber: document.poNumber,
          interchangeId: document.interchangeId,
        },
        differences: {
          functionalAck: {
            expected: 'accepted',
            actual: [
              ack.status,
              ...rejected.flatMap((s) => (s.issues ?? []).map((i) => i.description ?? i.code ?? '')),
            ],
          },
        },
        correlationId: document.correlationId,
      },
      GATEWAY_ACTOR,
    );
  }
}
