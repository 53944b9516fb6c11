import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../platform/database/sql.js';
import {
  parseErpDocumentBody,
  type ErpDocumentBody,
  type ErpPostingKind,
  type PoChangeBody,
} from '../port/erp-documents.js';
import { erpConflict, erpRejected } from '../port/erp-errors.js';
import type {
  ErpAmendRequest,
  ErpEntry,
  ErpOperation,
  ErpPostRequest,
  ErpReverseRequest,
} from '../port/erp-port.js';
import { stableJson } from '../port/stable-json.js';
import { SimulatorFaults } from './simulator-faults.js';
import { nextDocumentNumber } from './simulator-numbers.js';
import { SimulatorPurchaseOrders } from './simulator-purchase-orders.js';
import { ENTRY_COLUMNS, toEntry, type EntryRow } from './simulator-rows.js';

/** Document number ranges per kind, like an ERP's number range objects. */
const NUMBER_PREFIX: Record<ErpPostingKind, string> = {
  'po-confirmation': '56',
  'inbound-delivery': '18',
  'goods-receipt': '50',
  'po-change': '57',
  'production-confirmation': '60',
  'po-request': '10',
};

/**
 * The simulator's effects: every post, amendment and reversal is a journal entry, and documents
 * carry their state after all of them. With `idempotency: honour` a repeated key returns the first
 * entry (the same request) or is refused as a conflict (a different one), serialised per key by a
 * transaction-scoped advisory lock; with `ignore` every call is a new effect.
 */
export class SimulatorLedger {
  private readonly purchaseOrders: SimulatorPurchaseOrders;

  constructor(private readonly dataSource: DataSource) {
    this.purchaseOrders = new SimulatorPurchaseOrders(dataSource);
  }

  post(request: ErpPostRequest, correlationId: string): Promise<ErpEntry> {
    const parsed = parseErpDocumentBody(request.kind, request.body);
    if (!parsed.ok) throw erpRejected(`invalid ${request.kind} body`, parsed.problems);
    return this.effect('post', request, correlationId, async (tx) => {
      const documentNumber = await nextDocumentNumber(tx, NUMBER_PREFIX[request.kind]);
      await this.applyToPurchaseOrder(tx, request.kind, parsed.body, correlationId);
      await tx.query(
        `INSERT INTO erp_sim_document (document_number, kind, po_number, external_reference, body)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          documentNumber,
          request.kind,
          request.poNumber,
          request.externalReference,
          JSON.stringify(parsed.body),
        ],
      );
      return { documentNumber, kind: request.kind, body: parsed.body };
    });
  }

  amend(request: ErpAmendRequest, correlationId: string): Promise<ErpEntry> {
    const parsed = parseErpDocumentBody(request.kind, request.body);
    if (!parsed.ok) throw erpRejected(`invalid ${request.kind} body`, parsed.problems);
    return this.effect('amend', request, correlationId, async (tx) => {
      const document = await this.lockDocument(tx, request.documentNumber);
      if (document.kind !== request.kind) {
        throw erpRejected(`document ${request.documentNumber} is a ${document.kind}, not a ${request.kind}`);
      }
      if (document.status === 'reversed') throw erpRejected(`document ${request.documentNumber} is reversed`);
      if (request.revision <= document.revision) {
        throw erpRejected(
          `document ${request.documentNumber} is at revision ${document.revision}; amendment revision ${request.revision} is stale`,
        );
      }
      await tx.query(
        `UPDATE erp_sim_document SET body = $2, revision = $3, updated_at = now() WHERE document_number = $1`,
        [request.documentNumber, JSON.stringify(parsed.body), request.revision],
      );
      return { documentNumber: request.documentNumber, kind: request.kind, body: parsed.body };
    });
  }

  reverse(request: ErpReverseRequest, correlationId: string): Promise<ErpEntry> {
    return this.effect('reverse', request, correlationId, async (tx) => {
      const document = await this.lockDocument(tx, request.documentNumber);
      if (document.status === 'reversed')
        throw erpRejected(`document ${request.documentNumber} is already reversed`);
      await tx.query(
        `UPDATE erp_sim_document SET status = 'reversed', updated_at = now() WHERE document_number = $1`,
        [request.documentNumber],
      );
      return {
        documentNumber: request.documentNumber,
        kind: document.kind,
        body: { reason: request.reason },
      };
    });
  }

  private async effect(
    operation: ErpOperation,
    request: ErpPostRequest | ErpAmendRequest | ErpReverseRequest,
    correlationId: string,
    apply: (tx: EntityManager) => Promise<{ documentNumber: string; kind: ErpPostingKind; body: unknown }>,
  ): Promise<ErpEntry> {
    const requestHash = hashRequest(operation, request);
    return this.dataSource.transaction(async (tx) => {
      const { idempotency } = await new SimulatorFaults(tx).settings();
      if (idempotency === 'honour') {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [request.idempotencyKey]);
        const [first] = await queryRows<EntryRow>(
          tx,
          `SELECT ${ENTRY_COLUMNS} FROM erp_sim_entry WHERE idempotency_key = $1 ORDER BY erp_sim_entry.id LIMIT 1`,
          [request.idempotencyKey],
        );
        if (first) {
          if (first.request_hash !== requestHash) {
            throw erpConflict(`idempotency key ${request.idempotencyKey} was used for a different request`, [
              `first entry ${first.id}, document ${first.document_number}`,
            ]);
          }
          return toEntry(first, false);
        }
      }
      const applied = await apply(tx);
      const [row] = await queryRows<EntryRow>(
        tx,
        `INSERT INTO erp_sim_entry (operation, kind, document_number, external_reference, idempotency_key,
                                    request_hash, correlation_id, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ENTRY_COLUMNS}`,
        [
          operation,
          applied.kind,
          applied.documentNumber,
          request.externalReference,
          request.idempotencyKey,
          requestHash,
          correlationId,
          JSON.stringify(applied.body),
        ],
      );
      return toEntry(row!, true);
    });
  }

  private async applyToPurchaseOrder(
    tx: EntityManager,
    kind: ErpPostingKind,
    body: ErpDocumentBody,
    correlationId: string,
  ): Promise<void> {
    if (kind === 'po-confirmation') {
      const poNumber = (body as ErpDocumentBody<'po-confirmation'>).poNumber;
      const po = await this.purchaseOrders.lock(tx, poNumber);
      if (!po) throw erpRejected(`no purchase order ${poNumber}`);
      if (po.status === 'cancelled') throw erpRejected(`purchase order ${poNumber} is cancelled`);
    } else if (kind === 'po-change') {
      await this.purchaseOrders.applyChangeRequest(tx, body as PoChangeBody, correlationId);
    } else if (kind === 'po-request') {
      await this.purchaseOrders.fulfilRequest(tx, body as ErpDocumentBody<'po-request'>);
    }
  }

  private async lockDocument(
    tx: EntityManager,
    documentNumber: string,
  ): Promise<{ kind: ErpPostingKind; status: string; revision: number }> {
    const [document] = await queryRows<{ kind: ErpPostingKind; status: string; revision: number }>(
      tx,
      `SELECT kind, status, revision FROM erp_sim_document WHERE document_number = $1 FOR UPDATE`,
      [documentNumber],
    );
    if (!document) throw erpRejected(`no document ${documentNumber}`);
    return document;
  }
}

/** Same request, same hash: the operation, references and body, with object keys sorted. */
export function hashRequest(
  operation: ErpOperation,
  request: ErpPostRequest | ErpAmendRequest | ErpReverseRequest,
): string {
  return createHash('sha256')
    .update(stableJson({ operation, ...request }))
    .digest('hex');
}
