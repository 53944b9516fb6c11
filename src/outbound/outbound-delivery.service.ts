import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { describeActor, GATEWAY_ACTOR, type Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows } from '../platform/database/sql.js';
import { lockJobSubject, unfinishedState, type UnfinishedJob } from '../platform/jobs/job-subject.js';
import { jobRun } from '../platform/jobs/outbox.repository.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { enqueueDelivery, OutboundDeliverJob } from './outbound.jobs.js';
import type { OutboundDocument, OutboundStatus } from './outbound.types.js';
import { CONTENT_TYPES } from './transports/platform.transport.js';
import { WebhookMessageService } from './webhooks/webhook-messages.service.js';

export class OutboundStateError extends Error {
  readonly httpStatus = 409;
  readonly problemCode = 'outbound-state';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundStateError';
  }
}

/**
 * A resend refused because a delivery job of the document is unfinished: a replayed dead letter, a
 * retry or deferred try of a cancelled round, an AS2 MDN's wake-up, or a try under way.
 */
export class OutboundBusyError extends Error {
  readonly httpStatus = 409;
  readonly problemCode = 'outbound-busy';
  constructor(id: string, busy: UnfinishedJob) {
    super(
      `document ${id} is not sent again now: a delivery job of it (outbox row ${busy.id}) is ${unfinishedState(busy)}; ` +
        `resend it once that job has finished, if it is still needed`,
    );
    this.name = 'OutboundBusyError';
  }
}

export class OutboundNotFoundError extends Error {
  readonly httpStatus = 404;
  readonly problemCode = 'not-found';
  constructor(id: string) {
    super(`no outbound document ${id}`);
    this.name = 'OutboundNotFoundError';
  }
}

/**
 * Every document the gateway sends a partner goes through here: rendered in the partner's format,
 * archived as an outbound interchange with its control numbers, recorded as an `outbound_document`
 * and delivered by a job through the partner's channel (transports in ./transports). Rendering runs in
 * one transaction (numbers, archive row, document row, delivery job), so a crash leaves either all of
 * it or none.
 *
 * Rendering is OutboundIntentService's (./outbound-intent.service.ts); this service holds the
 * document from then on: its bytes, the delivery tries' outcomes, resends and pickups.
 */
@Injectable()
export class OutboundDeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly archive: InterchangeArchive,
    private readonly documents: OutboundDocumentRepository,
    private readonly outbox: OutboxService,
    private readonly exceptions: ExceptionService,
    private readonly audit: AuditService,
    private readonly messages: WebhookMessageService,
  ) {}

  async get(id: string): Promise<OutboundDocument> {
    const document = await this.documents.get(id);
    if (!document) throw new OutboundNotFoundError(id);
    return document;
  }

  /** The exact bytes of a document, as archived. */
  async payload(document: OutboundDocument): Promise<Buffer> {
    return this.archive.payload(document.interchangeId);
  }

  /**
   * The archived bytes with the Content-Type they were archived with, which names the charset the
   * renderer or the acknowledgment builder wrote them in. Documents archived before the charset was
   * recorded have none: their encoding was not kept, and a guess could be wrong.
   */
  async content(
    document: OutboundDocument,
  ): Promise<{ readonly payload: Buffer; readonly contentType: string }> {
    const archived = await this.archive.get(document.interchangeId);
    return {
      payload: await this.payload(document),
      contentType: archived.contentType ?? CONTENT_TYPES[document.standard],
    };
  }

  /**
   * Delivers a failed, waiting or cancelled document again (a new job; the document keeps its id and
   * bytes). Refused (OutboundBusyError, 409) while any delivery job of the document is unfinished.
   */
  async resend(id: string, actor: Actor, note?: string): Promise<OutboundDocument> {
    await this.dataSource.transaction(async (tx) => {
      const document = await this.documents.lock(tx, id);
      if (!document) throw new OutboundNotFoundError(id);
      if (!['failed', 'waiting-transport', 'cancelled', 'awaiting-pickup'].includes(document.status))
        throw new OutboundStateError(
          `document ${id} is ${document.status}; only failed, waiting or cancelled documents are resent`,
        );
      const ended = await this.endedOrder(tx, document);
      if (ended)
        throw new OutboundStateError(
          `document ${id} is not sent again: PO ${document.poNumber} is ${ended}, and nothing more goes to ` +
            `${document.partnerId} for it`,
        );
      // Any unfinished delivery job would run next to the resend once the document is pending again
      // (a try of a cancelled round, a replayed dead letter): two rounds, the one concluding first
      // deciding the document and the other's outcome lost. Under the subject's lock until commit,
      // so a replay cannot slip in between this check and the enqueue. The payload names the id as
      // the database writes it, as every delivery job's does.
      const busy = await lockJobSubject(tx, OutboundDeliverJob.name, { documentId: document.id });
      if (busy) throw new OutboundBusyError(id, busy);
      await this.documents.resendRound(tx, id, 'resend requested');
      // The clock the case counted from is gone: the resend's delivery starts a new one, and raises the
      // case again (reopened) if that one runs out too.
      await this.exceptions.resolveRaised(
        tx,
        ['interchange.unacknowledged'],
        `outbound-document:${document.id}`,
        GATEWAY_ACTOR,
        `resent by ${describeActor(actor)}: a new acknowledgment clock starts at its delivery`,
      );
      const partner = this.partners.require(document.partnerId);
      await enqueueDelivery(
        this.outbox,
        tx,
        document.id,
        partner,
        document.correlationId,
        `resend-${Date.now()}`,
      );
      // Its cancel withdrew the messages announcing it; what goes to the partner is announced.
      if (document.status === 'cancelled') await this.messages.restoreMessages(tx, document.id);
      await this.audit.record(tx, {
        actor,
        action: 'outbound-document.resent',
        target: { type: 'outbound-document', id },
        partnerId: document.partnerId,
        before: { status: document.status },
        ...(note ? { note } : {}),
      });
    });
    return this.get(id);
  }

  /** The partner confirms it fetched a document offered for pickup (API channel). */
  async confirmPickup(partnerId: string, id: string): Promise<OutboundDocument> {
    await this.dataSource.transaction(async (tx) => {
      const document = await this.documents.lock(tx, id);
      if (!document || document.partnerId !== partnerId) throw new OutboundNotFoundError(id);
      if (document.status === 'picked-up') return;
      if (document.status !== 'awaiting-pickup')
        throw new OutboundStateError(`document ${id} is ${document.status}, not waiting for pickup`);
      await this.documents.setStatus(tx, id, 'picked-up', 'fetched by the partner');
    });
    return this.get(id);
  }

  /**
   * Marks a document as finally failed, with an exception for a person to resend or cancel it. False
   * when an operator cancelled it while the try was under way: its failure does not undo that.
   * `job` is the delivery job that gives up (the first delivery, a resend): a document that fails
   * again after a resend reopens its case if someone had resolved it.
   */
  async fail(
    document: OutboundDocument,
    reason: string,
    job: { readonly outboxId: string; readonly jobKey: string },
  ): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      // Only a pending document is this try's to fail: cancelled, or concluded by another try meanwhile.
      if ((await this.documents.lock(tx, document.id))?.status !== 'pending') return false;
      await this.documents.setStatus(tx, document.id, 'failed', reason);
      await this.archive.setStatus(document.interchangeId, 'failed', reason, tx);
      if (document.kind !== 'functional-ack')
        await tx.query(
          `UPDATE outbound_intent SET status = 'failed' WHERE id = (SELECT intent_id FROM outbound_document WHERE id = $1)`,
          [document.id],
        );
      await this.exceptions.raise(
        tx,
        {
          type: 'outbound.delivery-failed',
          dedupeKey: `outbound-document:${document.id}`,
          occurrence: await jobRun(tx, job),
          summary:
            `${document.messageType} ${document.poNumber ? `for PO ${document.poNumber} ` : ''}to ${document.partnerId} over ${document.channel}: ${reason}`.slice(
              0,
              500,
            ),
          references: {
            partnerId: document.partnerId,
            poNumber: document.poNumber,
            interchangeId: document.interchangeId,
          },
          correlationId: document.correlationId,
        },
        GATEWAY_ACTOR,
      );
      return true;
    });
  }

  /** Records what a delivery try achieved. */
  async delivered(
    document: OutboundDocument,
    status: Extract<OutboundStatus, 'delivered' | 'awaiting-pickup' | 'waiting-transport'>,
    detail: string | undefined,
    platformRef?: string,
  ): Promise<void> {
    const partner = this.partners.get(document.partnerId);
    await this.dataSource.transaction(async (tx) => {
      // Cancelled while this try was under way: what reached the partner cannot be taken back, so it is
      // delivered all the same (and said so); an offer for pickup or a wait stays cancelled.
      const now = (await this.documents.lock(tx, document.id))?.status;
      const cancelled = now === 'cancelled';
      // Concluded by another try meanwhile (an MDN's wake-up and a deferred try of the same round).
      if (now !== 'pending' && !cancelled) return;
      if (cancelled && status !== 'delivered') return;
      const said = cancelled
        ? `${detail ?? 'delivered'} (by a try under way when the document was cancelled)`
        : (detail ?? null);
      await this.documents.setStatus(tx, document.id, status, said, {
        platformRef,
        functionalAckHours: partner?.acknowledgments.functionalSlaHours ?? 24,
      });
      if (cancelled)
        await this.audit.record(tx, {
          actor: GATEWAY_ACTOR,
          action: 'outbound-document.delivered-after-cancel',
          target: { type: 'outbound-document', id: document.id },
          partnerId: document.partnerId,
          before: { status: 'cancelled' },
          after: { status, detail: detail ?? null },
        });
      if (status !== 'waiting-transport') {
        // It reached the partner after all (a resend, a later try): its failed delivery is no case.
        await this.exceptions.resolveRaised(
          tx,
          ['outbound.delivery-failed'],
          `outbound-document:${document.id}`,
          GATEWAY_ACTOR,
          status === 'delivered' ? 'delivered after all' : 'offered for pickup after all',
        );
        await this.archive.setStatus(document.interchangeId, 'sent', detail, tx);
        await tx.query(
          `UPDATE outbound_intent SET status = 'sent' WHERE id = (SELECT intent_id FROM outbound_document WHERE id = $1)`,
          [document.id],
        );
      }
    });
  }

  /**
   * The state of the document's order when it ended before this document may go: closed (nothing
   * more is sent), or cancelled (only its cancellation is). Undefined for a document still wanted.
   */
  private async endedOrder(
    tx: EntityManager,
    document: OutboundDocument,
  ): Promise<'closed' | 'cancelled' | undefined> {
    if (document.poNumber === null) return undefined;
    const [order] = await queryRows<{ state: string }>(
      tx,
      `SELECT state FROM purchase_order WHERE po_number = $1 AND partner_id = $2`,
      [document.poNumber, document.partnerId],
    );
    if (order?.state === 'closed') return 'closed';
    if (order?.state === 'cancelled' && document.kind !== 'po-cancellation') return 'cancelled';
    return undefined;
  }
}
