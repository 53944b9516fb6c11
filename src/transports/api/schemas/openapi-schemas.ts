import { z } from 'zod';
import {
  ACKNOWLEDGMENT_EXAMPLE,
  CHANGE_ANSWER_EXAMPLE,
  PURCHASE_ORDER_CHANGE_EXAMPLE,
  PURCHASE_ORDER_EXAMPLE,
  SHIP_NOTICE_EXAMPLE,
} from './partner-document.examples.js';
import { PARTNER_DOCUMENT_SCHEMAS } from './partner-documents.v1.js';

type JsonSchema = Record<string, any>;

/**
 * OpenAPI 3.0 schemas of the partner documents, generated from the zod schemas the API enforces
 * (never written twice), with the examples the tests parse.
 */
function openApiSchema(schema: z.ZodType, description: string, example: unknown): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return { ...json, description, example };
}

export const PARTNER_DOCUMENT_OPENAPI: Readonly<Record<keyof typeof PARTNER_DOCUMENT_SCHEMAS, JsonSchema>> = {
  PurchaseOrderV1: openApiSchema(
    PARTNER_DOCUMENT_SCHEMAS.PurchaseOrderV1,
    'A purchase order as the gateway sends it to the partner (read-only; the ERP is the only source of orders).',
    PURCHASE_ORDER_EXAMPLE,
  ),
  PurchaseOrderChangeV1: openApiSchema(
    PARTNER_DOCUMENT_SCHEMAS.PurchaseOrderChangeV1,
    'A change of a purchase order as the gateway sends it to the partner (read-only).',
    PURCHASE_ORDER_CHANGE_EXAMPLE,
  ),
  PurchaseOrderAcknowledgmentV1: openApiSchema(
    PARTNER_DOCUMENT_SCHEMAS.PurchaseOrderAcknowledgmentV1,
    "The partner's answer to a purchase order, line by line (the JSON counterpart of an X12 855).",
    ACKNOWLEDGMENT_EXAMPLE,
  ),
  PurchaseOrderChangeAnswerV1: openApiSchema(
    PARTNER_DOCUMENT_SCHEMAS.PurchaseOrderChangeAnswerV1,
    "The partner's answer to a purchase order change (the JSON counterpart of an X12 865).",
    CHANGE_ANSWER_EXAMPLE,
  ),
  ShipNoticeV1: openApiSchema(
    PARTNER_DOCUMENT_SCHEMAS.ShipNoticeV1,
    'A ship notice: shipment, orders, packs with SSCC, items (the JSON counterpart of an X12 856).',
    SHIP_NOTICE_EXAMPLE,
  ),
};

/** The body of POST /partner/v1/orders/{poNumber}/acknowledgment and …/change-answer: the payload without the order, which the path names. */
export function orderAnswerBodySchema(
  kind: 'acknowledgment' | 'change-answer',
  example: unknown,
): JsonSchema {
  const full =
    kind === 'acknowledgment'
      ? PARTNER_DOCUMENT_OPENAPI.PurchaseOrderAcknowledgmentV1
      : PARTNER_DOCUMENT_OPENAPI.PurchaseOrderChangeAnswerV1;
  const payload = full.properties.payload as JsonSchema;
  const { purchaseOrder: _order, ...properties } = payload.properties as Record<string, JsonSchema>;
  return {
    type: 'object',
    additionalProperties: false,
    description:
      kind === 'acknowledgment'
        ? 'The answer to the order the path names, line by line; `sender` defaults to the caller, `revision` to the order revision the gateway holds.'
        : 'The answer to the change the path names; `revision` defaults to the order revision the gateway holds.',
    required: ['document', ...(payload.required as string[]).filter((r) => r !== 'purchaseOrder')],
    properties: {
      sender: full.properties.sender,
      document: full.properties.document,
      revision: {
        type: 'string',
        pattern: '^\\d{1,9}$',
        description:
          'The order revision answered: the one the order or its latest change showed (`order.revision` of ' +
          'GET /partner/v1/orders/{poNumber}). Omitted, the answer is to the order as the gateway holds it ' +
          'now (its latest revision). The revision to answer is the latest one sent to you; an answer to an ' +
          'older one (the order changed since) or to one the order does not have is refused with 409 ' +
          '`partner-api.revision-conflict` and applies nothing. A later revision that changed nothing you ' +
          'see was not sent, and naming it answers the same.',
        example: kind === 'acknowledgment' ? '0' : '1',
      },
      ...properties,
    },
    example,
  };
}
