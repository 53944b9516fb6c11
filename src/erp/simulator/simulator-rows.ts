import { isoTimestamp } from '../../platform/database/sql.js';
import type { ErpPostingKind } from '../port/erp-documents.js';
import type {
  ErpDocument,
  ErpEntry,
  ErpOperation,
  ErpPurchaseOrder,
  ErpPurchaseOrderLine,
} from '../port/erp-port.js';

export const ENTRY_COLUMNS = `id::text AS id, operation, kind, document_number, external_reference, idempotency_key,
  request_hash, ${isoTimestamp('posted_at')} AS posted_at`;

export interface EntryRow {
  id: string;
  operation: ErpOperation;
  kind: ErpPostingKind;
  document_number: string;
  external_reference: string;
  idempotency_key: string;
  request_hash: string;
  posted_at: string;
}

export function toEntry(row: EntryRow, created: boolean): ErpEntry {
  return {
    entryId: row.id,
    operation: row.operation,
    kind: row.kind,
    documentNumber: row.document_number,
    externalReference: row.external_reference,
    idempotencyKey: row.idempotency_key,
    postedAt: row.posted_at,
    created,
  };
}

export const DOCUMENT_COLUMNS = `document_number, kind, po_number, external_reference, status, revision, body,
  ${isoTimestamp('updated_at')} AS updated_at`;

export interface DocumentRow {
  document_number: string;
  kind: ErpPostingKind;
  po_number: string | null;
  external_reference: string;
  status: 'active' | 'reversed';
  revision: number;
  body: ErpDocument['body'];
  updated_at: string;
}

export function toDocument(row: DocumentRow): ErpDocument {
  return {
    documentNumber: row.document_number,
    kind: row.kind,
    poNumber: row.po_number,
    externalReference: row.external_reference,
    status: row.status,
    revision: row.revision,
    body: row.body,
    updatedAt: row.updated_at,
  };
}

export const PURCHASE_ORDER_COLUMNS = `po_number, revision, supplier, plant, currency,
  to_char(order_date, 'YYYY-MM-DD') AS order_date, status, lines, ${isoTimestamp('updated_at')} AS updated_at`;

export interface PurchaseOrderRow {
  po_number: string;
  revision: number;
  supplier: string;
  plant: string;
  currency: string;
  order_date: string;
  status: ErpPurchaseOrder['status'];
  lines: ErpPurchaseOrderLine[];
  updated_at: string;
}

export function toPurchaseOrder(row: PurchaseOrderRow): ErpPurchaseOrder {
  return {
    poNumber: row.po_number,
    revision: row.revision,
    supplier: row.supplier,
    plant: row.plant,
    currency: row.currency,
    orderDate: row.order_date,
    status: row.status,
    lines: row.lines,
    updatedAt: row.updated_at,
  };
}
