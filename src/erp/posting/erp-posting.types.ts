import type { ErpDocumentBody, ErpPostingKind } from '../port/erp-documents.js';
import type { ErpOperation } from '../port/erp-port.js';

export type ErpPostingStatus = 'pending' | 'posted' | 'dead';

/** What the gateway believes it posted (or is posting) to an ERP: one row per effect. */
export interface ErpPosting {
  readonly id: string;
  readonly erpInstance: string;
  readonly operation: ErpOperation;
  readonly kind: ErpPostingKind;
  readonly businessKey: string;
  readonly revision: number;
  readonly idempotencyKey: string;
  readonly externalReference: string;
  readonly poNumber: string | null;
  readonly orderingKey: string | null;
  readonly targetPostingId: string | null;
  readonly body: ErpDocumentBody | { reason: string };
  readonly status: ErpPostingStatus;
  readonly documentNumber: string | null;
  readonly erpEntryId: string | null;
  readonly outcomeUnknownAt: string | null;
  readonly attempts: number;
  readonly lookups: number;
  readonly lastError: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly createdAt: string;
  readonly postedAt: string | null;
  readonly reconciledAt: string | null;
}

interface RequestBase {
  /** The business document: PO number, shipment number, receipt number… */
  readonly businessKey: string;
  /** The document's revision; a new revision is a new effect, the same revision the same one. */
  readonly revision: number;
  /** Routes to the ERP serving this plant; the default instance otherwise. */
  readonly plant?: string | null;
  readonly correlationId?: string;
  readonly causationId?: string | null;
}

export interface PostRequest<K extends ErpPostingKind = ErpPostingKind> extends RequestBase {
  readonly kind: K;
  readonly poNumber?: string | null;
  /**
   * Postings with the same ordering key go to the ERP in the order they were requested (default:
   * the PO number), so a confirmation never overtakes the posting before it.
   */
  readonly orderingKey?: string | null;
  readonly body: ErpDocumentBody<K>;
}

/** Amend or reverse the effect of an earlier post of the same kind and business key. */
export interface AmendRequest<K extends ErpPostingKind = ErpPostingKind> extends RequestBase {
  readonly kind: K;
  readonly body: ErpDocumentBody<K>;
}

export interface ReverseRequest extends RequestBase {
  readonly kind: ErpPostingKind;
  readonly reason: string;
}

const KIND_CODES: Record<ErpPostingKind, string> = {
  'po-confirmation': 'CF',
  'inbound-delivery': 'ID',
  'goods-receipt': 'GR',
  'po-change': 'CR',
  'production-confirmation': 'PC',
  'po-request': 'RQ',
};

/** `inbound-delivery:SHP-1:rev-2`: the business key plus the revision, the same for every retry. */
export function idempotencyKeyOf(kind: ErpPostingKind, businessKey: string, revision: number): string {
  return `${kind}:${businessKey}:rev-${revision}`;
}

/** `SG-ID-SHP-1-2`: what the ERP stores with the effect and can be searched by. */
export function externalReferenceOf(kind: ErpPostingKind, businessKey: string, revision: number): string {
  return `SG-${KIND_CODES[kind]}-${businessKey}-${revision}`;
}
