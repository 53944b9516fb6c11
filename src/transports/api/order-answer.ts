import type { EntityManager } from 'typeorm';
import { noChangeToAnswer, revisionConflict, revisionOf } from '../../procurement/answer-revision.js';
import type { PurchaseOrderRepository } from '../../procurement/purchase-order.repository.js';
import type { PurchaseOrder } from '../../procurement/purchase-order.types.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import { issueLines } from './partner-document.mapper.js';
import {
  acknowledgmentDocumentV1,
  changeAnswerDocumentV1,
  PARTNER_DOCUMENT_VERSION,
  type InboundPartnerDocument,
} from './schemas/partner-documents.v1.js';

/** An answer completed from the path, and the order revision its body named (none: the latest). */
export interface OrderAnswer {
  readonly document: InboundPartnerDocument;
  readonly revision: number | undefined;
}

/**
 * The partner document of an answer posted to /orders/{poNumber}/acknowledgment or …/change-answer:
 * the body is the answer's payload without the order (the path names it) plus `document`, an
 * optional `sender` (the caller's partner by default) and an optional `revision`, the order revision
 * answered (the one the gateway holds by default). Problems are reported at the body's own paths.
 */
export function orderAnswerDocument(
  kind: 'acknowledgment' | 'change-answer',
  bytes: Buffer,
  order: Pick<PurchaseOrder, 'poNumber' | 'revision'>,
  partnerId: string,
): OrderAnswer {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new PartnerApiError(
      PartnerApiErrorCode.MalformedDocument,
      `the body is not JSON: ${(error as Error).message}`,
    );
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new PartnerApiError(PartnerApiErrorCode.MalformedDocument, 'the body must be a JSON object');
  const { sender, document, revision, ...payload } = body as Record<string, unknown>;
  const named = namedRevision(revision);
  const schema = kind === 'acknowledgment' ? acknowledgmentDocumentV1 : changeAnswerDocumentV1;
  const parsed = schema.safeParse({
    type: kind === 'acknowledgment' ? 'purchase-order-acknowledgment' : 'purchase-order-change-answer',
    version: PARTNER_DOCUMENT_VERSION,
    sender: sender ?? { scheme: 'partner', id: partnerId },
    document,
    payload: {
      ...payload,
      purchaseOrder: { number: order.poNumber, revision: String(named ?? order.revision) },
    },
  });
  const problems = parsed.success ? [] : issueLines(parsed.error).map((l) => l.replace(/^payload\./, ''));
  if (named === null)
    problems.push(
      'revision: the order revision answered, a whole number such as "1" (omit it for the latest)',
    );
  if (!parsed.success || named === null)
    throw new PartnerApiError(PartnerApiErrorCode.InvalidDocument, `the ${kind} is invalid`, problems);
  return { document: parsed.data, revision: named };
}

/** A body's (or the portal form's) `revision`: undefined when absent, null when it is no revision number. */
export function namedRevision(revision: unknown): number | undefined | null {
  if (revision === undefined) return undefined;
  if (typeof revision === 'number') return Number.isSafeInteger(revision) && revision >= 0 ? revision : null;
  return typeof revision === 'string' ? (revisionOf(revision) ?? null) : null;
}

/**
 * The check of an answer naming revision `named`, run in the transaction that stores it with the
 * order locked, so a change the ERP records meanwhile comes wholly before or after it: an answer to
 * a revision that is no longer the one to answer (answer-revision.ts) is refused (409), not recorded
 * as a stale answer the supplier would never hear of. A change answer to an order never changed is
 * refused (409) whatever revision it names.
 */
export function answersRevision(
  orders: PurchaseOrderRepository,
  poNumber: string,
  named: number | undefined,
  kind: 'acknowledgment' | 'change-answer',
) {
  return async (tx: EntityManager): Promise<PartnerApiError | undefined> => {
    const order = await orders.lockByNumber(tx, poNumber);
    if (!order) return undefined;
    if (kind === 'change-answer' && !(await orders.changeSent(tx, order.id)))
      return new PartnerApiError(PartnerApiErrorCode.NoChangeToAnswer, noChangeToAnswer(poNumber), [
        `answer the order with POST /partner/v1/orders/${poNumber}/acknowledgment`,
      ]);
    if (named === undefined) return undefined;
    const conflict = revisionConflict(named, order, await orders.revisionToAnswer(tx, order));
    return (
      conflict &&
      new PartnerApiError(PartnerApiErrorCode.RevisionConflict, conflict.message, [
        `revision: ${named} is not the revision to answer; answer revision ${conflict.toAnswer} ` +
          `(GET /partner/v1/orders/${poNumber} shows the order as it stands)`,
      ])
    );
  };
}
