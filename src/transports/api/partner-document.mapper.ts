import { z } from 'zod';
import { orderCorrelationId, parseEvent, type CanonicalEvent } from '../../canonical/index.js';
import { stableUuid } from '../../translation/x12-translator.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import {
  CANONICAL_TYPE_OF,
  inboundPartnerDocumentV1,
  INBOUND_DOCUMENT_TYPES,
  OUTBOUND_DOCUMENT_TYPES,
  PARTNER_DOCUMENT_VERSION,
  type InboundPartnerDocument,
} from './schemas/partner-documents.v1.js';

/** One line per problem, `path: message`, the form every 4xx of the gateway lists its errors in. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(document)'}: ${i.message}`);
}

/** Parses the bytes of a JSON submission into a partner document, or throws the precise 4xx problem. */
export function parsePartnerDocument(bytes: Buffer): InboundPartnerDocument {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new PartnerApiError(
      PartnerApiErrorCode.MalformedDocument,
      `the body is not JSON: ${(error as Error).message}`,
    );
  }
  const head =
    json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  if ((OUTBOUND_DOCUMENT_TYPES as readonly unknown[]).includes(head.type))
    throw new PartnerApiError(
      PartnerApiErrorCode.NotAcceptedInbound,
      `${String(head.type)} documents go from the gateway to partners; partners send ${INBOUND_DOCUMENT_TYPES.join(', ')}`,
    );
  if (!(INBOUND_DOCUMENT_TYPES as readonly unknown[]).includes(head.type))
    throw new PartnerApiError(
      PartnerApiErrorCode.MalformedDocument,
      `type must be one of ${INBOUND_DOCUMENT_TYPES.join(', ')}`,
      [
        `type: expected one of ${INBOUND_DOCUMENT_TYPES.join(', ')}, got ${JSON.stringify(head.type ?? null)}`,
      ],
    );
  if (head.version !== PARTNER_DOCUMENT_VERSION)
    throw new PartnerApiError(
      PartnerApiErrorCode.MalformedDocument,
      `version must be ${PARTNER_DOCUMENT_VERSION}`,
      [`version: expected "${PARTNER_DOCUMENT_VERSION}", got ${JSON.stringify(head.version ?? null)}`],
    );
  const parsed = inboundPartnerDocumentV1.safeParse(json);
  if (!parsed.success)
    throw new PartnerApiError(
      PartnerApiErrorCode.InvalidDocument,
      `the ${String(head.type)} document is invalid`,
      issueLines(parsed.error),
    );
  return parsed.data;
}

export interface MappingContext {
  readonly partnerId: string;
  readonly interchangeId: string;
  readonly receivedAt: Date;
}

/**
 * The canonical event a partner document becomes: the same type, document revision, correlation
 * (`po:<number>`) and causation (the archived interchange) as the X12 translation gives an 855, 865
 * or 856 (src/translation/x12-translator.ts), so the PO lifecycle cannot tell the channels apart.
 */
export function toCanonicalEvent(doc: InboundPartnerDocument, context: MappingContext): CanonicalEvent {
  const poNumber =
    doc.type === 'ship-notice'
      ? doc.payload.orders[0]?.purchaseOrder.number
      : doc.payload.purchaseOrder.number;
  const event = {
    id: stableUuid(`api:${context.interchangeId}:0`),
    type: CANONICAL_TYPE_OF[doc.type],
    schemaVersion: 'v1',
    partnerId: context.partnerId,
    occurredAt: doc.document.issuedAt ?? context.receivedAt.toISOString(),
    receivedAt: context.receivedAt.toISOString(),
    correlationId: poNumber ? orderCorrelationId(poNumber) : `api:${context.interchangeId}`,
    causationId: context.interchangeId,
    document: doc.document,
    source: {
      channel: 'api',
      interchangeId: context.interchangeId,
      standard: 'json',
      messageType: doc.type,
    },
    payload: doc.payload,
  };
  try {
    return parseEvent(event);
  } catch (error) {
    // The envelope rules of the catalogue (document kinds per type) are the last word.
    const details = (error as { details?: readonly string[] }).details ?? [];
    throw new PartnerApiError(
      PartnerApiErrorCode.InvalidDocument,
      `the ${doc.type} document does not make a valid ${event.type} event`,
      details.length > 0 ? details : [(error as Error).message],
    );
  }
}
