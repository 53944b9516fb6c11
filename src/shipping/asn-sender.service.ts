import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { actorId, type Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { PartnerPrincipal } from '../gateway/principal.js';
import { queryRows } from '../platform/database/sql.js';
import type { PurchaseOrder, PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import { DocumentSubmissionService } from '../transports/api/document-submission.service.js';
import { PartnerApiError } from '../transports/api/partner-api.exception.js';
import { parsePartnerDocument } from '../transports/api/partner-document.mapper.js';
import type { RecordedAnswer, SubmissionResult } from '../transports/api/submission.types.js';
import { AsnBuilderError } from './asn-builder.exception.js';
import { shipNoticeDocument, type DocumentKind } from './asn-canonical.js';
import type { ShipNoticeDraft } from './asn-draft.js';

/** A revision of a draft being sent: the document handed to the archive, byte for byte. */
export interface SendingClaim {
  readonly draftId: string;
  readonly partnerId: string;
  readonly shipmentNumber: string;
  readonly revision: number;
  readonly kind: DocumentKind;
  readonly document: string;
}

/**
 * Sends a revision of a ship notice draft (the original, a replacement or a cancellation) through
 * the partner API's submission path, so that nothing sent is lost or sent twice however the request
 * ends. A short transaction on the locked draft claims the revision with the document's exact bytes
 * (`claim`); the slow submission runs outside it; the revision is recorded as sent only while the
 * draft still waits for exactly those bytes (`send`). While a claim stands, the builder refuses to
 * change or cancel the draft, and a repeat of the same action sends the same bytes under the same
 * Idempotency-Key, which the archive answers as the duplicate it is — so a submission interrupted
 * between the archive and the draft's update is finished by submitting again.
 */
@Injectable()
export class AsnSenderService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly submissions: DocumentSubmissionService,
    private readonly audit: AuditService,
  ) {}

  /** Claims `revision` of the draft, locked by the caller's transaction, with its document built now. */
  async claim(
    tx: EntityManager,
    draft: ShipNoticeDraft,
    revision: number,
    kind: DocumentKind,
    orders: Map<string, { order: PurchaseOrder; lines: PurchaseOrderLine[] }>,
  ): Promise<SendingClaim> {
    const document = JSON.stringify(
      shipNoticeDocument({
        partnerId: draft.partnerId,
        shipmentNumber: draft.shipmentNumber,
        revision,
        kind,
        body: draft.body,
        orders: new Map([...orders].map(([n, o]) => [n, { shipTo: o.order.shipTo, lines: o.lines }])),
        issuedAt: new Date().toISOString(),
      }),
    );
    await tx.query(
      `UPDATE ship_notice_draft SET sending_revision = $2, sending_kind = $3, sending_document = $4 WHERE id = $1`,
      [draft.id, revision, kind, document],
    );
    return {
      draftId: draft.id,
      partnerId: draft.partnerId,
      shipmentNumber: draft.shipmentNumber,
      revision,
      kind,
      document,
    };
  }

  /**
   * Submits the claimed document and records the revision as sent (a concurrent repeat may have
   * recorded it first; then this changes and audits nothing). A refusal releases the claim, since
   * nothing was accepted; any other failure keeps it, since the document may have been: the next
   * repeat sends it again.
   */
  async send(claim: SendingClaim, actor: Actor): Promise<SubmissionResult> {
    const principal: PartnerPrincipal = {
      kind: 'partner',
      partnerId: claim.partnerId,
      credentialId: `asn-builder:${describeActor(actor)}`,
      scopes: ['documents:write', 'ship-notices:write'],
    };
    let answer: RecordedAnswer;
    try {
      answer = await this.submissions.submit({
        principal,
        body: Buffer.from(claim.document),
        contentType: 'application/json',
        // The same revision of the same draft is one submission, however often it is retried.
        idempotencyKey: `asn-builder-${claim.draftId}-r${claim.revision}`,
        parseJson: parsePartnerDocument,
        route: 'asn-builder',
        metadata: { shipNoticeDraft: claim.draftId, actor: describeActor(actor) },
      });
    } catch (error) {
      if (error instanceof PartnerApiError) await this.release(claim);
      throw error;
    }
    if ('problem' in answer) {
      await this.release(claim);
      throw new AsnBuilderError(
        `the ship notice was refused: ${answer.problem.message}`,
        422,
        answer.problem.details.map((message) => ({ path: '', code: 'missing', message })),
      );
    }
    const { interchangeId } = answer.body;
    await this.dataSource.transaction(async (tx) => {
      const recorded = await queryRows<{ id: string }>(
        tx,
        `UPDATE ship_notice_draft
            SET status = $3, revision = sending_revision, interchange_id = $4, submitted_at = now(), updated_at = now(),
                sending_revision = NULL, sending_kind = NULL, sending_document = NULL
          WHERE id = $1 AND sending_document = $2
          RETURNING id::text AS id`,
        [
          claim.draftId,
          claim.document,
          claim.kind === 'cancellation' ? 'cancelled' : 'submitted',
          interchangeId,
        ],
      );
      if (recorded.length === 0) return;
      await this.audit.record(tx, {
        actor,
        action: claim.kind === 'cancellation' ? 'ship-notice-draft.cancelled' : 'ship-notice-draft.submitted',
        target: { type: 'ship-notice-draft', id: claim.draftId },
        partnerId: claim.partnerId,
        after: {
          shipmentNumber: claim.shipmentNumber,
          revision: claim.revision,
          kind: claim.kind,
          interchangeId,
        },
      });
    });
    return answer.body;
  }

  /** Gives up a claim whose document was refused, unless another call has settled it since. */
  private async release(claim: SendingClaim): Promise<void> {
    await this.dataSource.query(
      `UPDATE ship_notice_draft SET sending_revision = NULL, sending_kind = NULL, sending_document = NULL
        WHERE id = $1 AND sending_document = $2`,
      [claim.draftId, claim.document],
    );
  }
}

/** The actor as the draft's `created_by` and the submission's metadata name it. */
export function describeActor(actor: Actor): string {
  return `${actor.kind}:${actorId(actor) ?? actor.kind}`;
}
