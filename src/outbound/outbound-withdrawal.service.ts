import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { KIND_OF_EVENT } from './outbound-renderer.js';
import type { OutboundKind } from './outbound.types.js';
import { WebhookSubscriptionService } from './webhooks/webhook-subscriptions.service.js';

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

/**
 * An order the ERP closed or cancelled expects nothing more to reach the supplier: what was intended
 * for it and has not gone yet is withdrawn, in the transaction that ends the order. An intent not
 * rendered yet is never rendered (`withdrawn`); a document pending, waiting for its transport,
 * failed or offered for pickup and not fetched becomes `cancelled`, its detail saying why, audited as
 * `outbound-document.withdrawn`, and its case (a failed delivery, an overdue acknowledgment) is
 * resolved with the same words; the webhook-subscription messages announcing it that have not
 * reached their subscriber are withdrawn with it. A document delivered stays as it is; a try under
 * way when the order ends concludes as for an operator's cancel (docs/outbound.md).
 */
@Injectable()
export class OutboundWithdrawalService {
  constructor(
    private readonly documents: OutboundDocumentRepository,
    private readonly exceptions: ExceptionService,
    private readonly audit: AuditService,
    private readonly subscriptions: WebhookSubscriptionService,
  ) {}

  async withdrawUnsent(tx: EntityManager, order: EndedOrder, reason: string): Promise<Withdrawn[]> {
    // Intents first: a rendering under way holds its intent, so this waits for it to commit and then
    // finds its document below (the documents are read by a later statement).
    const intents = await this.withdrawIntents(tx, order);
    const documents = await this.documents.withdrawUnsent(tx, order.partnerId, order.poNumber, reason);
    // Written when each document was rendered, so committed and found by this later statement.
    await this.subscriptions.withdrawMessages(
      tx,
      documents.map((d) => d.id),
      reason,
    );
    for (const document of documents) {
      await this.audit.record(tx, {
        actor: GATEWAY_ACTOR,
        action: 'outbound-document.withdrawn',
        target: { type: 'outbound-document', id: document.id },
        partnerId: order.partnerId,
        before: { status: document.before },
        after: { status: 'cancelled' },
        note: reason,
      });
      await this.exceptions.resolveRaised(
        tx,
        WAITING_CASES,
        `outbound-document:${document.id}`,
        GATEWAY_ACTOR,
        reason,
      );
    }
    return [
      ...documents.map((d) => ({ kind: d.kind, revision: d.poRevision, documentId: d.id })),
      ...intents,
    ].sort((a, b) => a.revision - b.revision);
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
