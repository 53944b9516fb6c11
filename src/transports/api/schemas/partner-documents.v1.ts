import { z } from 'zod';
import { shipNoticeReceivedV1 } from '../../../canonical/events/logistics-events.js';
import {
  purchaseOrderAcknowledgedV1,
  purchaseOrderChangeAnsweredV1,
  purchaseOrderChangedV1,
  purchaseOrderIssuedV1,
} from '../../../canonical/events/purchase-order-events.js';
import {
  identifier,
  isStorableText,
  timestamp,
  UNSTORABLE_TEXT_MESSAGE,
} from '../../../canonical/events/values.js';

/**
 * The partner REST API's own document schemas, version 1. A partner document is an envelope (type,
 * version, sender, document number and revision) around a payload that is the canonical event's
 * payload, so a JSON document maps to the same canonical event an X12 855/856/865 produces, field for
 * field, and is validated by the same rules (exact decimal strings, Rec 20 units, schedule sums).
 */

export const PARTNER_DOCUMENT_VERSION = 'v1';

/**
 * Who sends the document: by default the partner id (`acme-fasteners`), or one of the partner's
 * envelope identities (`x12` with ISA05 qualifier, `gs`, `edifact`), as its profile lists them. It must
 * be an identity of the partner the credential belongs to.
 */
export const partnerSender = z.strictObject({
  scheme: z.enum(['partner', 'x12', 'gs', 'edifact']).default('partner'),
  qualifier: z.string().min(1).max(4).refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE }).optional(),
  id: z.string().min(1).max(64).refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE }),
});
export type PartnerSender = z.output<typeof partnerSender>;

/** The business document's own number and revision (a corrected document is a new revision). */
export const partnerDocumentRef = z.strictObject({
  kind: z.enum(['original', 'replacement', 'cancellation']).default('original'),
  number: identifier,
  revision: identifier,
  issuedAt: timestamp.optional(),
});

function partnerDocument<const T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.strictObject({
    type: z.literal(type),
    version: z.literal(PARTNER_DOCUMENT_VERSION),
    sender: partnerSender,
    document: partnerDocumentRef,
    payload,
  });
}

/** Outbound (gateway → partner): the order as the ERP issued it. Listed and fetched, never submitted. */
export const purchaseOrderDocumentV1 = partnerDocument('purchase-order', purchaseOrderIssuedV1.shape.payload);
/** Outbound (gateway → partner): a change of an order. */
export const purchaseOrderChangeDocumentV1 = partnerDocument(
  'purchase-order-change',
  purchaseOrderChangedV1.shape.payload,
);
/** Inbound: the supplier's answer to an order (as an 855 / ORDRSP). */
export const acknowledgmentDocumentV1 = partnerDocument(
  'purchase-order-acknowledgment',
  purchaseOrderAcknowledgedV1.shape.payload,
);
/** Inbound: the supplier's answer to an order change (as an 865). */
export const changeAnswerDocumentV1 = partnerDocument(
  'purchase-order-change-answer',
  purchaseOrderChangeAnsweredV1.shape.payload,
);
/** Inbound: a ship notice (as an 856 / DESADV). */
export const shipNoticeDocumentV1 = partnerDocument('ship-notice', shipNoticeReceivedV1.shape.payload);

/** Every document type a partner may submit, discriminated by `type`. */
export const inboundPartnerDocumentV1 = z.discriminatedUnion('type', [
  acknowledgmentDocumentV1,
  changeAnswerDocumentV1,
  shipNoticeDocumentV1,
]);
export type InboundPartnerDocument = z.output<typeof inboundPartnerDocumentV1>;
export type InboundDocumentType = InboundPartnerDocument['type'];

export const INBOUND_DOCUMENT_TYPES: readonly InboundDocumentType[] = [
  'purchase-order-acknowledgment',
  'purchase-order-change-answer',
  'ship-notice',
];

/** Types that exist in the schema set but only go out to partners. */
export const OUTBOUND_DOCUMENT_TYPES = ['purchase-order', 'purchase-order-change'] as const;

/** The canonical event each inbound type becomes. */
export const CANONICAL_TYPE_OF = {
  'purchase-order-acknowledgment': 'purchase-order.acknowledged',
  'purchase-order-change-answer': 'purchase-order.change-answered',
  'ship-notice': 'ship-notice.received',
} as const satisfies Record<InboundDocumentType, string>;

/** The schemas published in the OpenAPI document, by component name. */
export const PARTNER_DOCUMENT_SCHEMAS = {
  PurchaseOrderV1: purchaseOrderDocumentV1,
  PurchaseOrderChangeV1: purchaseOrderChangeDocumentV1,
  PurchaseOrderAcknowledgmentV1: acknowledgmentDocumentV1,
  PurchaseOrderChangeAnswerV1: changeAnswerDocumentV1,
  ShipNoticeV1: shipNoticeDocumentV1,
} as const;
