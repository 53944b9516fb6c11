import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { PartnerPrincipal } from '../gateway/principal.js';
import { DocumentSubmissionService, type Submission } from '../transports/api/document-submission.service.js';
import type { InboundPartnerDocument } from '../transports/api/schemas/partner-documents.v1.js';
import type { RecordedAnswer } from '../transports/api/submission.types.js';
import { actorOf, type PortalUser } from './portal-user.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';

/**
 * The portal's answers and uploads go through the partner API's submission path, unchanged: archived
 * as an interchange first, then the same intake jobs (X12, EDIFACT) or the same canonical event and PO
 * lifecycle (JSON answers), so tolerances, exceptions and ERP postings apply exactly as for EDI. The
 * user acts with the partner's rights for documents; the archive row names the user.
 */
@Injectable()
export class PortalSubmissions {
  constructor(
    private readonly submissions: DocumentSubmissionService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  async submit(
    user: PortalUser,
    input: {
      readonly body: Buffer;
      readonly contentType: string;
      readonly idempotencyKey: string;
      readonly route: string;
      readonly document?: InboundPartnerDocument;
      readonly metadata?: Record<string, unknown>;
      readonly filename?: string;
      readonly precondition?: Submission['precondition'];
    },
    audit: { action: string; target: { type: string; id: string | null }; after?: Record<string, unknown> },
  ): Promise<RecordedAnswer> {
    if (!user.partnerId) throw new PortalError(PortalErrorCode.Forbidden, 'This page is for suppliers.');
    const principal: PartnerPrincipal = {
      kind: 'partner',
      partnerId: user.partnerId,
      credentialId: `portal-user:${user.id}`,
      scopes: ['documents:write', 'acknowledgments:write', 'ship-notices:write'],
    };
    const answer = await this.submissions.submit({
      principal,
      body: input.body,
      contentType: input.contentType,
      idempotencyKey: input.idempotencyKey,
      parseJson: () => {
        if (!input.document)
          throw new PortalError(PortalErrorCode.InvalidInput, 'Upload an X12 or EDIFACT file.');
        return input.document;
      },
      route: input.route,
      precondition: input.precondition,
      metadata: {
        portalUser: { id: user.id, email: user.email },
        ...(input.filename ? { filename: input.filename } : {}),
        ...input.metadata,
      },
    });
    const interchangeId = 'body' in answer ? answer.body.interchangeId : null;
    await this.dataSource.transaction((tx) =>
      this.audit.record(tx, {
        actor: actorOf(user),
        action: audit.action,
        target: audit.target,
        partnerId: user.partnerId,
        after: {
          interchangeId,
          status: 'body' in answer ? answer.body.status : 'rejected',
          ...('problem' in answer ? { problem: answer.problem.message } : {}),
          ...audit.after,
        },
      }),
    );
    return answer;
  }
}
