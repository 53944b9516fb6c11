import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import type { CanonicalEvent } from '../../canonical/index.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { InterchangeArchive } from '../../interchanges/interchange-archive.service.js';
import type { StoredReceipt } from '../../interchanges/interchange.types.js';
import type { PartnerPrincipal } from '../../gateway/principal.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { isDataException, storableText } from '../../platform/database/storable-json.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { currentCorrelationId } from '../../platform/logging/correlation.js';
import { CanonicalEventStore } from '../../translation/canonical-event.store.js';
import { EdifactIntakeJob } from '../../translation/edifact-intake.job.js';
import { X12IntakeJob } from '../../translation/x12-intake.job.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import { toCanonicalEvent } from './partner-document.mapper.js';
import type { InboundPartnerDocument } from './schemas/partner-documents.v1.js';
import {
  edifactSenderMismatch,
  jsonSenderMismatch,
  x12SenderMismatch,
  type SenderMismatch,
} from './sender-check.js';
import {
  API_ANSWER_KEY,
  formatOf,
  type DocumentFormat,
  type RecordedAnswer,
  type SubmissionResult,
} from './submission.types.js';

export interface Submission {
  readonly principal: PartnerPrincipal;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
  /**
   * How the JSON body becomes a partner document: the document itself (POST /documents) or a short
   * answer completed from the path (POST /orders/{poNumber}/acknowledgment). Throws a PartnerApiError.
   */
  readonly parseJson: (body: Buffer) => InboundPartnerDocument;
  /** Which route received it, kept in the archive row's metadata. */
  readonly route: string;
  /** More facts for the archive row's metadata (what the path said, the request body as sent). */
  readonly metadata?: Record<string, unknown>;
  /**
   * Checked in the transaction that stores a JSON document, before its event is stored and applied
   * (what it checks is locked until then): a refusal is the answer, and the receipt is kept as
   * rejected with the reason. The order routes refuse an answer to a revision no longer to answer.
   */
  readonly precondition?: (tx: EntityManager) => Promise<PartnerApiError | undefined>;
}

type Verdict =
  | { readonly kind: 'edi'; readonly format: 'x12' | 'edifact' }
  | { readonly kind: 'json'; readonly document: InboundPartnerDocument }
  | { readonly kind: 'rejected'; readonly error: PartnerApiError; readonly mismatch?: SenderMismatch };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** What each document type needs beyond documents:write (scopes per document type and direction). */
const TYPE_SCOPE = {
  'purchase-order-acknowledgment': 'acknowledgments:write',
  'purchase-order-change-answer': 'acknowledgments:write',
  'ship-notice': 'ship-notices:write',
} as const;

/**
 * A partner's submission over the REST API, stored first (DESIGN.md invariant 1): the bytes go to the
 * interchange archive (channel `api`, the caller's partner, the Idempotency-Key as caller key), and in
 * the same transaction either the intake job is queued (X12, EDIFACT), or the JSON document's canonical
 * event is stored (the PO lifecycle applies it in that transaction), or the receipt is marked rejected
 * with the reason. The answer is recorded on the row, so a repeat with the same key and body gets it
 * again, status code and body alike.
 */
@Injectable()
export class DocumentSubmissionService {
  constructor(
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly outbox: OutboxService,
    private readonly exceptions: ExceptionService,
    private readonly events: CanonicalEventStore,
  ) {}

  async submit(submission: Submission): Promise<RecordedAnswer> {
    const key = submission.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new PartnerApiError(
        PartnerApiErrorCode.InvalidIdempotencyKey,
        'Idempotency-Key must be 1-200 visible ASCII characters (a UUID is a good choice)',
      );
    const format = formatOf(submission.contentType);
    const verdict = this.judge(submission, format);
    const correlationId = currentCorrelationId();
    let answer: RecordedAnswer | undefined;
    const stored = await this.archive.receive(
      {
        partnerId: submission.principal.partnerId,
        channel: 'api',
        payload: submission.body,
        callerKey: key === undefined ? undefined : `idempotency:${key}`,
        contentType: submission.contentType,
        metadata: {
          route: submission.route,
          format,
          credentialId: submission.principal.credentialId,
          ...submission.metadata,
          ...(verdict.kind === 'json' ? { documentType: verdict.document.type } : {}),
        },
        correlationId,
      },
      async (tx, receipt) => {
        if (receipt.disposition !== 'new') return;
        answer = await this.process(tx, receipt, submission, verdict, format, correlationId);
        await this.archive.recordAnswer(receipt.id, { [API_ANSWER_KEY]: answer }, tx);
      },
    );
    if (stored.disposition === 'duplicate') {
      // The original answer is for a credential allowed to send it: one without the document type's
      // scope is refused, as it would be for new bytes, rather than told another credential's outcome.
      if (verdict.kind === 'rejected' && verdict.error.code === PartnerApiErrorCode.ScopeMissing)
        throw verdict.error;
      return this.repeat(stored);
    }
    if (stored.disposition === 'quarantined')
      throw new PartnerApiError(
        PartnerApiErrorCode.IdempotencyKeyReused,
        `Idempotency-Key ${key} was used for interchange ${stored.original!.id} with a different body; ` +
          `this body is kept as interchange ${stored.id} (quarantined) and not processed`,
      );
    return answer!;
  }

  /** Everything decidable without the database: format, JSON schema, scopes, sender binding. */
  private judge(submission: Submission, format: DocumentFormat | undefined): Verdict {
    const profile = this.partners.require(submission.principal.partnerId);
    const bytes = submission.body;
    try {
      if (format === undefined)
        throw new PartnerApiError(
          PartnerApiErrorCode.UnsupportedMediaType,
          `Content-Type ${submission.contentType ?? '(none)'} is not accepted: send application/json, application/edi-x12 or application/edifact`,
        );
      if (bytes.length === 0)
        throw new PartnerApiError(PartnerApiErrorCode.MalformedDocument, 'the body is empty');
      if (format === 'json') {
        const document = submission.parseJson(bytes);
        const scope = TYPE_SCOPE[document.type];
        if (!submission.principal.scopes.includes(scope))
          throw new PartnerApiError(
            PartnerApiErrorCode.ScopeMissing,
            `${document.type} documents need the scope ${scope}`,
          );
        const mismatch = jsonSenderMismatch(document.sender, profile, this.partners);
        if (mismatch) return senderRejection(mismatch);
        return { kind: 'json', document };
      }
      const mismatch =
        format === 'x12'
          ? x12SenderMismatch(bytes, profile, this.partners)
          : edifactSenderMismatch(bytes, profile, this.partners);
      if (mismatch) return senderRejection(mismatch);
      return { kind: 'edi', format };
    } catch (error) {
      if (error instanceof PartnerApiError) return { kind: 'rejected', error };
      throw error;
    }
  }

  private async process(
    tx: EntityManager,
    receipt: StoredReceipt,
    submission: Submission,
    verdict: Verdict,
    format: DocumentFormat | undefined,
    correlationId: string,
  ): Promise<RecordedAnswer> {
    const partnerId = submission.principal.partnerId;
    if (verdict.kind === 'rejected') return this.reject(tx, receipt.id, partnerId, verdict, correlationId);
    if (verdict.kind === 'edi') {
      const job = verdict.format === 'x12' ? X12IntakeJob : EdifactIntakeJob;
      await this.outbox.enqueue(tx, job, { interchangeId: receipt.id }, { key: receipt.id, correlationId });
      return accepted(202, receipt.id, 'received', format, undefined, []);
    }
    const refusal = await submission.precondition?.(tx);
    if (refusal)
      return this.reject(tx, receipt.id, partnerId, { kind: 'rejected', error: refusal }, correlationId);
    let event: CanonicalEvent;
    try {
      event = toCanonicalEvent(verdict.document, {
        partnerId,
        interchangeId: receipt.id,
        receivedAt: new Date(),
      });
    } catch (error) {
      if (!(error instanceof PartnerApiError)) throw error;
      return this.reject(tx, receipt.id, partnerId, { kind: 'rejected', error }, correlationId);
    }
    let stored;
    try {
      // A savepoint: a value the database refuses (SQLSTATE class 22) rejects the document, and the
      // receipt stays archived as rejected instead of the whole transaction failing with a 500.
      stored = await tx.transaction((inner) => this.events.append(inner, event));
    } catch (error) {
      if (!isDataException(error)) throw error;
      const refused = new PartnerApiError(
        PartnerApiErrorCode.InvalidDocument,
        `the ${verdict.document.type} document holds a value the database cannot store`,
        [storableText((error as Error).message)],
      );
      return this.reject(tx, receipt.id, partnerId, { kind: 'rejected', error: refused }, correlationId);
    }
    await this.archive.setStatus(receipt.id, 'processed', undefined, tx);
    return accepted(201, receipt.id, 'processed', format, verdict.document.type, [
      { id: stored.id, type: event.type, stored: stored.stored },
    ]);
  }

  /** Kept in the archive as rejected, with the reason; a sender in another's name is also a case. */
  private async reject(
    tx: EntityManager,
    interchangeId: string,
    partnerId: string,
    verdict: Extract<Verdict, { kind: 'rejected' }>,
    correlationId: string,
  ): Promise<RecordedAnswer> {
    const { error, mismatch } = verdict;
    await this.archive.setStatus(
      interchangeId,
      'rejected',
      clip(`${error.problemCode}: ${error.message}`),
      tx,
    );
    if (mismatch)
      await this.exceptions.raise(
        tx,
        {
          type: 'interchange.rejected',
          dedupeKey: `interchange:${interchangeId}`,
          summary: clip(`REST submission by ${partnerId} rejected: ${mismatch.detail}`),
          references: { partnerId, interchangeId },
          differences: { [mismatch.field]: { expected: [...mismatch.expected], actual: mismatch.found } },
          correlationId,
        },
        GATEWAY_ACTOR,
      );
    return {
      httpStatus: error.httpStatus,
      problem: {
        code: error.code,
        message: `${error.message} (kept as interchange ${interchangeId}, rejected)`,
        details: [...error.details],
      },
    };
  }

  /** The same key and body (or the same body) accepted before: the original answer, as it was. */
  private repeat(stored: StoredReceipt): RecordedAnswer {
    const original = stored.original!;
    const recorded = (original.answer as Record<string, unknown> | null)?.[API_ANSWER_KEY] as
      RecordedAnswer | undefined;
    if (recorded) return recorded;
    // The same bytes came first over another channel (SFTP, AS2): that receipt answers for this one.
    return accepted(200, original.id, original.status, undefined, undefined, []);
  }
}

function senderRejection(mismatch: SenderMismatch): Verdict {
  return {
    kind: 'rejected',
    mismatch,
    error: new PartnerApiError(PartnerApiErrorCode.SenderNotBound, mismatch.detail, [
      `${mismatch.field}: expected one of ${mismatch.expected.join(', ') || '(none)'}, got ${mismatch.found}`,
    ]),
  };
}

function accepted(
  httpStatus: number,
  interchangeId: string,
  status: string,
  format: DocumentFormat | undefined,
  documentType: string | undefined,
  events: SubmissionResult['events'],
): RecordedAnswer {
  const body: SubmissionResult = {
    interchangeId,
    status,
    format: format ?? null,
    documentType: documentType ?? null,
    events,
    links: {
      self: `/partner/v1/documents/${interchangeId}`,
      acknowledgment:
        format === 'x12' || format === 'edifact'
          ? `/partner/v1/documents/${interchangeId}/acknowledgment`
          : null,
    },
  };
  return { httpStatus, body };
}

function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}
