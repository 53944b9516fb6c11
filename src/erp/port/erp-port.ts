import type { ErpDocumentBody, ErpPostingKind } from './erp-documents.js';
import type { ErpMasterData, ErpStock } from './erp-master-data.js';

/**
 * What the gateway needs from an ERP, whatever the ERP is. Adapters (the embedded simulator, the
 * generic REST contract in docs/erp-contract.yaml, later named ERPs) implement it; posting jobs,
 * the PO lifecycle and replenishment call it and nothing else.
 *
 * Every effect carries an idempotency key (the business key plus the document revision) and an
 * external reference the gateway owns. An ERP that honours keys answers a repeat with the first
 * result; for one that does not, the posting job reads the effect back by its external reference
 * before retrying a call whose outcome is unknown (`findEntry`). Errors are `ErpCallError`s that
 * say whether the effect may have happened.
 */
export interface ErpPort {
  /** Post a new document: PO confirmation, inbound delivery, goods receipt, PO change request… */
  post(request: ErpPostRequest, call: ErpCallOptions): Promise<ErpEntry>;
  /** Replace an earlier posting's content (a replacement ASN amends its inbound delivery). */
  amend(request: ErpAmendRequest, call: ErpCallOptions): Promise<ErpEntry>;
  /** Reverse an earlier posting (a cancelled ASN reverses its inbound delivery). */
  reverse(request: ErpReverseRequest, call: ErpCallOptions): Promise<ErpEntry>;
  /** The ledger entry an effect made, by the external reference the gateway gave it; null if none. */
  findEntry(externalReference: string, call: ErpCallOptions): Promise<ErpEntry | null>;
  /** A document by the external reference of the posting that created it; null if none. */
  readDocument(externalReference: string, call: ErpCallOptions): Promise<ErpDocument | null>;
  readPurchaseOrder(poNumber: string, call: ErpCallOptions): Promise<ErpPurchaseOrder | null>;
  readMasterData(query: ErpMasterDataQuery, call: ErpCallOptions): Promise<ErpMasterData>;
  readStock(material: string, plant: string, call: ErpCallOptions): Promise<ErpStock | null>;
}

export interface ErpCallOptions {
  /** Carried to the ERP so its logs join ours. */
  readonly correlationId: string;
  /** The call is given up (outcome unknown for effects) after this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

interface EffectRequest {
  /** Same key, same effect: `<kind>:<business key>:rev-<revision>`. */
  readonly idempotencyKey: string;
  /** The gateway's reference for this one effect, stored by the ERP and searchable (`findEntry`). */
  readonly externalReference: string;
}

export interface ErpPostRequest<K extends ErpPostingKind = ErpPostingKind> extends EffectRequest {
  readonly kind: K;
  /** The purchase order the document belongs to, when it belongs to one. */
  readonly poNumber: string | null;
  readonly body: ErpDocumentBody<K>;
}

export interface ErpAmendRequest<K extends ErpPostingKind = ErpPostingKind> extends EffectRequest {
  readonly kind: K;
  /** The ERP document number the amended posting created. */
  readonly documentNumber: string;
  /** The document's new revision; an amendment to an older revision than the ERP holds is refused. */
  readonly revision: number;
  readonly body: ErpDocumentBody<K>;
}

export interface ErpReverseRequest extends EffectRequest {
  readonly documentNumber: string;
  readonly reason: string;
}

export const ERP_OPERATIONS = ['post', 'amend', 'reverse'] as const;
export type ErpOperation = (typeof ERP_OPERATIONS)[number];

/** One effect as the ERP recorded it. */
export interface ErpEntry {
  readonly entryId: string;
  readonly operation: ErpOperation;
  readonly kind: ErpPostingKind;
  readonly documentNumber: string;
  readonly externalReference: string;
  readonly idempotencyKey: string;
  readonly postedAt: string;
  /** False when the ERP answered a repeated idempotency key with the first entry. */
  readonly created: boolean;
}

/** A document in the ERP after every amendment and reversal. */
export interface ErpDocument {
  readonly documentNumber: string;
  readonly kind: ErpPostingKind;
  readonly poNumber: string | null;
  readonly externalReference: string;
  readonly status: 'active' | 'reversed';
  readonly revision: number;
  readonly body: ErpDocumentBody;
  readonly updatedAt: string;
}

export interface ErpPurchaseOrderLine {
  readonly lineNumber: string;
  readonly material: string;
  readonly quantity: string;
  readonly unit: string;
  readonly deliveryDate: string;
  readonly netPrice: string | null;
  readonly status: 'open' | 'cancelled' | 'delivered';
}

export interface ErpPurchaseOrder {
  readonly poNumber: string;
  readonly revision: number;
  readonly supplier: string;
  readonly plant: string;
  readonly currency: string;
  readonly orderDate: string;
  readonly status: 'open' | 'cancelled' | 'closed';
  readonly lines: readonly ErpPurchaseOrderLine[];
  readonly updatedAt: string;
}

export interface ErpMasterDataQuery {
  readonly plant?: string;
  /** Only these materials (and, for bills of material, their components). */
  readonly materials?: readonly string[];
}
