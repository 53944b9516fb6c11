import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import type { ErpEntry } from '../port/erp-port.js';
import type { ErpPosting, ErpPostingStatus } from './erp-posting.types.js';

const COLUMNS = `id::text AS id, erp_instance, operation, kind, business_key, revision, idempotency_key,
  external_reference, po_number, ordering_key, target_posting_id::text AS target_posting_id, body, status,
  document_number, erp_entry_id, ${isoTimestamp('outcome_unknown_at')} AS outcome_unknown_at, attempts, lookups,
  last_error, correlation_id, causation_id, ${isoTimestamp('created_at')} AS created_at,
  ${isoTimestamp('posted_at')} AS posted_at, ${isoTimestamp('reconciled_at')} AS reconciled_at`;

interface Row {
  id: string;
  erp_instance: string;
  operation: ErpPosting['operation'];
  kind: ErpPosting['kind'];
  business_key: string;
  revision: number;
  idempotency_key: string;
  external_reference: string;
  po_number: string | null;
  ordering_key: string | null;
  target_posting_id: string | null;
  body: ErpPosting['body'];
  status: ErpPostingStatus;
  document_number: string | null;
  erp_entry_id: string | null;
  outcome_unknown_at: string | null;
  attempts: number;
  lookups: number;
  last_error: string | null;
  correlation_id: string;
  causation_id: string | null;
  created_at: string;
  posted_at: string | null;
  reconciled_at: string | null;
}

const toPosting = (r: Row): ErpPosting => ({
  id: r.id,
  erpInstance: r.erp_instance,
  operation: r.operation,
  kind: r.kind,
  businessKey: r.business_key,
  revision: r.revision,
  idempotencyKey: r.idempotency_key,
  externalReference: r.external_reference,
  poNumber: r.po_number,
  orderingKey: r.ordering_key,
  targetPostingId: r.target_posting_id,
  body: r.body,
  status: r.status,
  documentNumber: r.document_number,
  erpEntryId: r.erp_entry_id,
  outcomeUnknownAt: r.outcome_unknown_at,
  attempts: r.attempts,
  lookups: r.lookups,
  lastError: r.last_error,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  createdAt: r.created_at,
  postedAt: r.posted_at,
  reconciledAt: r.reconciled_at,
});

export type NewPosting = Omit<
  ErpPosting,
  | 'id'
  | 'status'
  | 'documentNumber'
  | 'erpEntryId'
  | 'outcomeUnknownAt'
  | 'attempts'
  | 'lookups'
  | 'lastError'
  | 'createdAt'
  | 'postedAt'
  | 'reconciledAt'
>;

export interface PostingFilter {
  readonly erpInstance?: string;
  readonly status?: ErpPostingStatus;
  readonly kind?: string;
  readonly poNumber?: string;
  readonly businessKey?: string;
  readonly after?: string;
  readonly limit?: number;
}

@Injectable()
export class ErpPostingRepository {
  /** Inserts the posting, or returns the one with the same idempotency key (inserted: false). */
  async insert(tx: EntityManager, posting: NewPosting): Promise<{ posting: ErpPosting; inserted: boolean }> {
    const [row] = await queryRows<Row>(
      tx,
      `INSERT INTO erp_posting (erp_instance, operation, kind, business_key, revision, idempotency_key,
              external_reference, po_number, ordering_key, target_posting_id, body, correlation_id, causation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT ON CONSTRAINT uq_erp_posting_idempotency_key DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        posting.erpInstance,
        posting.operation,
        posting.kind,
        posting.businessKey,
        posting.revision,
        posting.idempotencyKey,
        posting.externalReference,
        posting.poNumber,
        posting.orderingKey,
        posting.targetPostingId,
        JSON.stringify(posting.body),
        posting.correlationId,
        posting.causationId,
      ],
    );
    if (row) return { posting: toPosting(row), inserted: true };
    const existing = await this.byKey(tx, posting.erpInstance, posting.idempotencyKey);
    return { posting: existing!, inserted: false };
  }

  async get(db: Queryable, id: string): Promise<ErpPosting | undefined> {
    const [row] = await queryRows<Row>(db, `SELECT ${COLUMNS} FROM erp_posting WHERE id = $1`, [id]);
    return row && toPosting(row);
  }

  async byKey(db: Queryable, erpInstance: string, idempotencyKey: string): Promise<ErpPosting | undefined> {
    const [row] = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM erp_posting WHERE erp_instance = $1 AND idempotency_key = $2`,
      [erpInstance, idempotencyKey],
    );
    return row && toPosting(row);
  }

  /** The latest effect on a business document (post, amendment or reversal) at or below a revision. */
  async latestOf(
    db: Queryable,
    erpInstance: string,
    kind: string,
    businessKey: string,
  ): Promise<ErpPosting | undefined> {
    const [row] = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM erp_posting WHERE erp_instance = $1 AND kind = $2 AND business_key = $3
        ORDER BY revision DESC, erp_posting.id DESC LIMIT 1`,
      [erpInstance, kind, businessKey],
    );
    return row && toPosting(row);
  }

  /**
   * The changes (amend, reverse) of a posted document at one moment (one statement): whether one is
   * still pending (sent, or about to be) and which is the latest posted.
   */
  async changesOf(db: Queryable, postId: string): Promise<{ pending: boolean; latestPosted: string | null }> {
    const [row] = await queryRows<{ pending: boolean; latest_posted: string | null }>(
      db,
      `SELECT EXISTS (SELECT 1 FROM erp_posting WHERE target_posting_id = $1 AND status = 'pending') AS pending,
              (SELECT id::text FROM erp_posting WHERE target_posting_id = $1 AND status = 'posted'
                ORDER BY revision DESC, erp_posting.id DESC LIMIT 1) AS latest_posted`,
      [postId],
    );
    return { pending: row?.pending === true, latestPosted: row?.latest_posted ?? null };
  }

  /** The first earlier posting with the same ordering key that is not posted yet. */
  async firstUnpostedBefore(db: Queryable, posting: ErpPosting): Promise<ErpPosting | undefined> {
    if (posting.orderingKey === null) return undefined;
    const [row] = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM erp_posting
        WHERE erp_instance = $1 AND ordering_key = $2 AND id < $3 AND status <> 'posted'
        ORDER BY erp_posting.id LIMIT 1`,
      [posting.erpInstance, posting.orderingKey, posting.id],
    );
    return row && toPosting(row);
  }

  /** Records the ERP's answer; `sent` counts the try that got it (a look-up is not a try). */
  async markPosted(db: Queryable, id: string, entry: ErpEntry, sent: boolean): Promise<void> {
    await db.query(
      `UPDATE erp_posting SET status = 'posted', document_number = $2, erp_entry_id = $3, posted_at = now(),
              last_error = NULL, attempts = attempts + CASE WHEN $4 THEN 1 ELSE 0 END
        WHERE id = $1`,
      [id, entry.documentNumber, entry.entryId, sent],
    );
  }

  async recordAttempt(
    db: Queryable,
    id: string,
    error: string | null,
    outcomeUnknown: boolean,
  ): Promise<void> {
    await db.query(
      `UPDATE erp_posting SET attempts = attempts + 1, last_error = $2,
              outcome_unknown_at = CASE WHEN $3 THEN now() ELSE outcome_unknown_at END
        WHERE id = $1`,
      [id, error, outcomeUnknown],
    );
  }

  async countLookup(db: Queryable, id: string): Promise<void> {
    await db.query(`UPDATE erp_posting SET lookups = lookups + 1 WHERE id = $1`, [id]);
  }

  async setStatus(db: Queryable, id: string, status: ErpPostingStatus): Promise<void> {
    await db.query(`UPDATE erp_posting SET status = $2 WHERE id = $1 AND status <> 'posted'`, [id, status]);
  }

  async markReconciled(db: Queryable, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.query(`UPDATE erp_posting SET reconciled_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /**
   * Posted effects on one ERP, oldest reconciliation first, for the reconciliation pass; documents
   * with a change still pending wait until it is settled.
   */
  async postedForReconciliation(db: Queryable, erpInstance: string, limit: number): Promise<ErpPosting[]> {
    const rows = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM erp_posting p WHERE erp_instance = $1 AND status = 'posted'
          AND NOT EXISTS (SELECT 1 FROM erp_posting c WHERE c.target_posting_id = p.id AND c.status = 'pending')
        ORDER BY reconciled_at NULLS FIRST, p.id LIMIT $2`,
      [erpInstance, limit],
    );
    return rows.map(toPosting);
  }

  async list(db: Queryable, filter: PostingFilter): Promise<{ items: ErpPosting[]; next: string | null }> {
    const limit = Math.min(filter.limit ?? 50, 500);
    const rows = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM erp_posting
        WHERE ($1::text IS NULL OR erp_instance = $1) AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR kind = $3) AND ($4::text IS NULL OR po_number = $4)
          AND ($5::text IS NULL OR business_key = $5) AND ($6::bigint IS NULL OR id < $6::bigint)
        ORDER BY erp_posting.id DESC LIMIT $7`,
      [
        filter.erpInstance ?? null,
        filter.status ?? null,
        filter.kind ?? null,
        filter.poNumber ?? null,
        filter.businessKey ?? null,
        filter.after ?? null,
        limit + 1,
      ],
    );
    const items = rows.slice(0, limit).map(toPosting);
    return { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}
