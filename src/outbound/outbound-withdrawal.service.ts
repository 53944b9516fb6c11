import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { describeActor, GATEWAY_ACTOR, type Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboundNotFoundError, OutboundStateError } from './outbound-delivery.service.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { KIND_OF_EVENT } from './outbound-renderer.js';
import {
  UNSENT_STATUSES,
  type OutboundDocument,
  type OutboundKind,
  type OutboundStatus,
} from './outbound.types.js';
import { WebhookMessageService } from './webhooks/webhook-messages.service.js';

/** The order whose documents are withdrawn. */
export interface EndedOrder {
  readonly id: string;
  readonly partnerId: string;
  readonly poNumber: string;
}

/** A document of the order that will not reach the supplier, as the order's history names it. */
export interface Withdrawn {
  readonly kind: Exclude<OutboundKind, 'functional-ack'>;
  readonly revision: number;
  /** The outbound document withdrawn; null for an intent not rendered yet. */
  readonly documentId: string | null;
}

/** The cases a document waits on a person with: a resend or a cancel, a missing acknowledgment. */
const WAITING_CASES = ['outbound.delivery-failed', 'interchange.unacknowledged'] as const;

/** Who takes documents back and why: an operator's cancel, or the gateway when their order ends. */
interface TakeBack {
  readonly actor: Actor;
  readonly action: 'outbound-document.cancelled' | 'outbound-document.withdrawn';
  /** Why, saying who when not the gateway: their withdrawn messages' `lastError`, their resolved cases' and the audit's note. */
  readonly reason: string;
  /** The documents' detail; the reason when not given. */
  readonly detail?: string;
}

/**
 * Documents taken back before they reached their partner: by an operator's cancel, or because their
 * order ended (the ERP closed or cancelled it), in the transaction that ends it. Either way one rule
 * (takeBack): the document becomes `cancelled`, its detail saying why; the webhook-subscription
 * messages announcing it that have not reached their subscriber are withdrawn with it; its case (a
 * failed delivery, an overdue acknowledgment) is resolved, the note saying who took it back and why
 * in the same words; audited as done by whoever took it back. An order that ends also withdraws its intents: one not rendered yet is never
 * rendered, and that of a document withdrawn is `withdrawn` as well. A document delivered stays as
 * it is; a try under way concludes as docs/outbound.md says ("A cancel while a try is under way").
 */
@Injectable()
export class OutboundWithdrawalService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly documents: OutboundDocumentRepository,
    private readonly exceptions: ExceptionService,
    private readonly audit: AuditService,
    private readonly messages: WebhookMessageService,
  ) {}

  /** An operator cancels a document that has not reached its partner; `note` says why. */
  async cancel(id: string, actor: Actor, note?: string): Promise<OutboundDocument> {
    await this.dataSource.transaction(async (tx) => {
      const document = await this.documents.lock(tx, id);
      if (!document) throw new OutboundNotFoundError(id);
      if (!UNSENT_STATUSES.includes(document.status))
        throw new OutboundStateError(`document ${id} is ${document.status} and cannot be cancelled`);
      await this.takeBack(tx, [{ id, partnerId: document.partnerId, before: document.status }], {
        actor,
        action: 'outbound-document.cancelled',
        // The detail is the operator's own words; elsewhere the sentence also says who.
        detail: note ?? 'cancelled by an operator',
        reason: `cancelled by ${describeActor(actor)}${note ? `: ${note}` : ''}`,
      });
    });
    return (await this.documents.get(id))!;
  }

  async withdrawUnsent(tx: EntityManager, order: EndedOrder, reason: string): Promise<Withdrawn[]> {
    // Intents first: a rendering under way holds its intent, so this waits for it to commit and then
    // finds its document below (the documents are read by a later statement).
    const intents = await this.withdrawIntents(tx, order);
    const documents = await this.documents.unsentOf(tx, order.partnerId, order.poNumber);
    await this.takeBack(
      tx,
      documents.map((d) => ({ id: d.id, partnerId: order.partnerId, before: d.before })),
      { actor: GATEWAY_ACTOR, action: 'outbound-document.withdrawn', reason },
    );
    // Their intents go with them, as those not rendered yet did: nothing of them reaches the partner.
    // (A try under way that delivers one after all marks its intent `sent` again.)
    await tx.query(
      `UPDATE outbound_intent SET status = 'withdrawn'
        WHERE id IN (SELECT intent_id FROM outbound_document WHERE id = ANY ($1::bigint[]))`,
      [documents.map((d) => d.id)],
    );
    return [
      ...documents.map((d) => ({ kind: d.kind, revision: d.poRevision, documentId: d.id })),
      ...intents,
    ].sort((a, b) => a.revision - b.revision);
  }

  /** The one rule for documents taken back, locked by the caller (see the class comment). */
  private async takeBack(
    tx: EntityManager,
    documents: readonly { id: string; partnerId: string; before: OutboundStatus }[],
    by: TakeBack,
  ): Promise<void> {
    const ids = documents.map((d) => d.id);
    await this.documents.cancel(tx, ids, by.detail ?? by.reason);
    // Written when each document was rendered, so committed and found by this later statement.
    await this.messages.withdrawMessages(tx, ids, by.reason);
    for (const document of documents) {
      await this.audit.record(tx, {
        actor: by.actor,
        action: by.action,
        target: { type: 'outbound-document', id: document.id },
        partnerId: document.partnerId,
        before: { status: document.before },
        after: { status: 'cancelled' },
        note: by.reason,
      });
      // Resolved by the gateway, which raised it, the note saying who took the document back and
      // why: an operator's right to cancel is not a right to act on cases (the bootstrap token is no user).
      await this.exceptions.resolveRaised(
        tx,
        WAITING_CASES,
        `outbound-document:${document.id}`,
        GATEWAY_ACTOR,
        by.reason,
      );
    }
  }

  /**
   * Intents still waiting to be rendered never will be: `withdrawn`, not `failed` (nothing went
   * wrong with them). The order's history says why, and the rendering job skips them.
   */
  private async withdrawIntents(tx: EntityManager, order: EndedOrder): Promise<Withdrawn[]> {
    const rows = await queryRows<{ event_type: string; revision: number }>(
      tx,
      `UPDATE outbound_intent SET status = 'withdrawn' WHERE po_id = $1 AND status = 'waiting'
       RETURNING event_type, revision`,
      [order.id],
    );
    return rows.flatMap((r) => {
      const kind = KIND_OF_EVENT[r.event_type];
      return kind ? [{ kind, revision: r.revision, documentId: null }] : [];
    });
  }
}
