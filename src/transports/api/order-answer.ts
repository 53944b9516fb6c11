import type { PurchaseOrder } from '../../procurement/purchase-order.types.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import { issueLines } from './partner-document.mapper.js';
import {
  acknowledgmentDocumentV1,
  changeAnswerDocumentV1,
  PARTNER_DOCUMENT_VERSION,
  type InboundPartnerDocument,
} from './schemas/partner-documents.v1.js';

/**
 * The partner document of an answer posted to /orders/{poNumber}/acknowledgment or …/change-answer:
 * the body is the answer's payload without the order (the path names it) plus `document` and an
 * optional `sender` (the caller's partner by default). Problems are reported at the body's own paths.
 */
export function orderAnswerDocument(
  kind: 'acknowledgment' | 'change-answer',
  bytes: Buffer,
  order: Pick<PurchaseOrder, 'poNumber' | 'revision'>,
  partnerId: string,
): InboundPartnerDocument {
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
  const schema = kind === 'acknowledgment' ? acknowledgmentDocumentV1 : changeAnswerDocumentV1;
  const purchaseOrder =
    kind === 'acknowledgment'
      ? { number: order.poNumber, revision: String(order.revision) }
      : {
          number: order.poNumber,
          revision: typeof revision === 'string' ? revision : String(order.revision),
        };
  const parsed = schema.safeParse({
    type: kind === 'acknowledgment' ? 'purchase-order-acknowledgment' : 'purchase-order-change-answer',
    version: PARTNER_DOCUMENT_VERSION,
    sender: sender ?? { scheme: 'partner', id: partnerId },
    document,
    payload: { ...payload, purchaseOrder },
  });
  if (!parsed.success) {
    const lines = issueLines(parsed.error).map((l) => l.replace(/^payload\./, ''));
    if (kind === 'acknowledgment' && revision !== undefined)
      lines.push(
        'revision: not expected in an acknowledgment (the order revision is the one the gateway holds)',
      );
    throw new PartnerApiError(PartnerApiErrorCode.InvalidDocument, `the ${kind} is invalid`, lines);
  }
  if (kind === 'acknowledgment' && revision !== undefined)
    throw new PartnerApiError(PartnerApiErrorCode.InvalidDocument, `the ${kind} is invalid`, [
      'revision: not expected in an acknowledgment (the order revision is the one the gateway holds)',
    ]);
  return parsed.data;
}
