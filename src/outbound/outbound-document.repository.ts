import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';
import type { DeliveryChannel } from '../partners/delivery.schema.js';
import type {
  FunctionalAckStatus,
  OutboundDocument,
  OutboundKind,
  OutboundStatus,
} from './outbound.types.js';
import { UNSENT_STATUSES } from './outbound.types.js';

const COLUMNS = `d.id::text AS id, d.partner_id AS "partnerId", d.kind, d.po_number AS "poNumber", d.po_revision AS "poRevision",
  d.standard, d.message_type AS "messageType", d.channel, d.interchange_id::text AS "interchangeId", d.filename,
  d.control_reference AS "controlReference", d.group_reference AS "groupReference", d.set_references AS "setReferences",
  d.status, d.status_detail AS "statusDetail", d.attempts, ${isoTimestamp('d.delivered_at')} AS "deliveredAt",
  json_build_object('expected', d.fa_expected, 'status', d.fa_status, 'dueAt', ${isoTimestamp('d.fa_due_at')},
                    'interchangeId', d.fa_interchange_id::text) AS "functionalAck",
  d.correlation_id AS "correlationId", ${isoTimestamp('d.created_at')} AS "createdAt"`;

export interface NewOutboundDocument {
  readonly partnerId: string;
  readonly sourceKey: string;
  readonly kind: OutboundKind;
  readonly intentId?: string;
  readonly poNumber?: string;
  readonly poRevision?: number;
  readonly standard: OutboundDocument['standard'];
  readonly messageType: string;
  readonly channel: DeliveryChannel;
  readonly interchangeId: string;
  readonly filename: string;
  readonly controlReference?: string;
  readonly groupReference?: string;
  readonly setReferences?: readonly string[];
  readonly functionalAckExpected: boolean;
  readonly correlationId: string;
}

export interface OutboundListFilter {
  readonly partnerId?: string;
  readonly status?: OutboundStatus;
  readonly poNumber?: string;
  readonly channel?: DeliveryChannel;
  /** Rows with a smaller id than this (cursor). */
  readonly before?: string;
  readonly limit: number;
}

/** A document of an order taken back before it reached the partner, with the status it had. */
export interface WithdrawnDocument {
  readonly id: string;
  readonly kind: Exclude<OutboundKind, 'functional-ack'>;
  readonly poRevision: number;
  readonly before: OutboundStatus;
}

/** The `outbound_document` table: one row per document sent (or to be sent) to a partner. */
@Injectable()
export class OutboundDocumentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the document unless its source already made one; returns the id either way and whether it is new. */
  async insert(tx: EntityManager, doc: NewOutboundDocument): Promise<{ id: string; created: boolean }> {
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO outbound_document
         (partner_id, source_key, kind, intent_id, po_number, po_revision, standard, message_type, channel,
          interchange_id, filename, control_reference, group_reference, set_references, fa_expected, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT ON CONSTRAINT uq_outbound_document_source DO NOTHING
       RETURNING id::text AS id`,
      [
        doc.partnerId,
        doc.sourceKey,
        doc.kind,
        doc.intentId ?? null,
        doc.poNumber ?? null,
        doc.poRevision ?? null,
        doc.standard,
        doc.messageType,
        doc.channel,
        doc.interchangeId,
        doc.filename,
        doc.controlReference ?? null,
        doc.groupReference ?? null,
        doc.setReferences ?? [],
        doc.functionalAckExpected,
        doc.correlationId,
      ],
    );
    if (row) return { id: row.id, created: true };
    const [existing] = await queryRows<{ id: string }>(
      tx,
      `SELECT id::text AS id FROM outbound_document WHERE source_key = $1`,
      [doc.sourceKey],
    );
    return { id: existing!.id, created: false };
  }

  async get(id: string, db: Queryable = this.dataSource): Promise<OutboundDocument | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row] = await queryRows<OutboundDocument>(
      db,
      `SELECT ${COLUMNS} FROM outbound_document d WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  async lock(tx: EntityManager, id: string): Promise<OutboundDocument | undefined> {
    const [row] = await queryRows<OutboundDocument>(
      tx,
      `SELECT ${COLUMNS} FROM outbound_document d WHERE d.id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  async list(filter: OutboundListFilter): Promise<OutboundDocument[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.partnerId !== undefined) add('d.partner_id = ?', filter.partnerId);
    if (filter.status) add('d.status = ?', filter.status);
    if (filter.poNumber) add('d.po_number = ?', filter.poNumber);
    if (filter.channel) add('d.channel = ?', filter.channel);
    if (filter.before) add('d.id < ?', filter.before);
    params.push(filter.limit);
    return queryRows<OutboundDocument>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM outbound_document d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** A failed try, recorded on its own (the job's transaction is not ours). */
  async countAttemptNow(id: string, detail: string): Promise<void> {
    await this.dataSource.query(
      // A document cancelled while the try was under way keeps the operator's note.
      `UPDATE outbound_document
          SET attempts = attempts + 1, updated_at = now(),
              status_detail = CASE WHEN status = 'cancelled' THEN status_detail ELSE $2 END
        WHERE id = $1`,
      [id, detail.slice(0, 1000)],
    );
  }

  /** Why a document waits without a failed try (a deferral: Retry-After, an asynchronous MDN). */
  async noteNow(id: string, detail: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbound_document SET status_detail = $2, updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id, detail.slice(0, 1000)],
    );
  }

  async setStatus(
    tx: EntityManager,
    id: string,
    status: OutboundStatus,
    detail: string | null,
    extra: { platformRef?: string; functionalAckHours?: number } = {},
  ): Promise<void> {
    const delivered = status === 'delivered' || status === 'awaiting-pickup';
    await tx.query(
      `UPDATE outbound_document
          SET status = $2, status_detail = $3, updated_at = now(),
              attempts = attempts + CASE WHEN $4 OR $2 = 'waiting-transport' THEN 1 ELSE 0 END,
              delivered_at = CASE WHEN $4 THEN COALESCE(delivered_at, now()) ELSE delivered_at END,
              platform_ref = COALESCE($5, platform_ref),
              fa_status = CASE WHEN $4 AND fa_expected AND fa_status IS NULL THEN 'waiting' ELSE fa_status END,
              fa_due_at = CASE WHEN $4 AND fa_expected AND fa_due_at IS NULL
                               THEN now() + make_interval(hours => $6) ELSE fa_due_at END
        WHERE id = $1`,
      [id, status, detail, delivered, extra.platformRef ?? null, extra.functionalAckHours ?? 24],
    );
  }

  /**
   * A resend makes the document pending again as it was before its first delivery: not delivered in
   * this round (`delivered_at` cleared) and no acknowledgment due, so neither clock runs out while the
   * resend is on its way; its delivery starts both again from then (setStatus), the business answer's
   * (AcknowledgmentSla, the scorecard) and the functional acknowledgment's. A functional
   * acknowledgment the partner already sent for these control numbers stays: a repeat of the same
   * interchange is recognised as one and not answered again.
   */
  async resendRound(tx: EntityManager, id: string, detail: string): Promise<void> {
    await tx.query(
      `UPDATE outbound_document
          SET status = 'pending', status_detail = $2, updated_at = now(), delivered_at = NULL,
              fa_status = CASE WHEN fa_status IN ('waiting', 'overdue') THEN NULL ELSE fa_status END,
              fa_due_at = CASE WHEN fa_status IN ('waiting', 'overdue') THEN NULL ELSE fa_due_at END
        WHERE id = $1`,
      [id, detail],
    );
  }

  /**
   * Cancels documents, saying why. A cancelled document stops its acknowledgment clock (started when
   * it was offered for pickup): nothing is due for a document taken back, so the sweep raises no
   * case for it. A try under way that delivers it after all starts the clock again (setStatus).
   */
  async cancel(tx: EntityManager, ids: readonly string[], detail: string): Promise<void> {
    await tx.query(
      `UPDATE outbound_document
          SET status = 'cancelled', status_detail = $2, updated_at = now(),
              fa_status = CASE WHEN fa_status = 'waiting' THEN NULL ELSE fa_status END,
              fa_due_at = CASE WHEN fa_status = 'waiting' THEN NULL ELSE fa_due_at END
        WHERE id = ANY ($1::bigint[])`,
      [ids, detail.slice(0, 1000)],
    );
  }

  /**
   * The order's documents that have not reached the partner (pending, waiting for their transport,
   * failed, offered for pickup and not fetched), locked, with the status each has.
   */
  async unsentOf(tx: EntityManager, partnerId: string, poNumber: string): Promise<WithdrawnDocument[]> {
    return queryRows<WithdrawnDocument>(
      tx,
      `SELECT id::text AS id, kind, po_revision AS "poRevision", status AS before FROM outbound_document
        WHERE partner_id = $1 AND po_number = $2 AND kind <> 'functional-ack'
          AND status = ANY ($3::text[])
        ORDER BY id FOR UPDATE`,
      [partnerId, poNumber, UNSENT_STATUSES],
    );
  }

  /** The partner's documents a functional acknowledgment can answer: by GS06 (X12) or UNB 0020 (EDIFACT). */
  async findAcknowledged(
    tx: EntityManager,
    partnerId: string,
    reference: { group?: string; interchange?: string },
  ): Promise<OutboundDocument[]> {
    if (reference.group)
      return queryRows<OutboundDocument>(
        tx,
        `SELECT ${COLUMNS} FROM outbound_document d
          WHERE d.partner_id = $1 AND d.standard = 'x12' AND ltrim(d.group_reference, '0') = ltrim($2, '0')
          ORDER BY d.id DESC LIMIT 1 FOR UPDATE`,
        [partnerId, reference.group],
      );
    return queryRows<OutboundDocument>(
      tx,
      `SELECT ${COLUMNS} FROM outbound_document d
        WHERE d.partner_id = $1 AND d.control_reference = $2
        ORDER BY d.id DESC LIMIT 1 FOR UPDATE`,
      [partnerId, reference.interchange],
    );
  }

  async recordFunctionalAck(
    tx: EntityManager,
    id: string,
    status: FunctionalAckStatus,
    ackInterchangeId: string | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE outbound_document SET fa_status = $2, fa_interchange_id = $3, updated_at = now() WHERE id = $1`,
      [id, status, ackInterchangeId],
    );
  }

  /** Documents whose functional acknowledgment is overdue at `now`, locked for the sweep. */
  async overdueFunctionalAcks(tx: EntityManager, now: Date, limit = 200): Promise<OutboundDocument[]> {
    return queryRows<OutboundDocument>(
      tx,
      `SELECT ${COLUMNS} FROM outbound_document d
        WHERE d.fa_status = 'waiting' AND d.fa_due_at <= $1
        ORDER BY d.fa_due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
  }

  /** Platform documents still waiting for the platform's acknowledgment. */
  async platformAwaitingAnswer(
    partnerId: string,
  ): Promise<{ id: string; platformRef: string; correlationId: string }[]> {
    return queryRows(
      this.dataSource,
      `SELECT id::text AS id, platform_ref AS "platformRef", correlation_id AS "correlationId" FROM outbound_document
        WHERE partner_id = $1 AND channel = 'platform' AND platform_ref IS NOT NULL AND status = 'delivered'
          AND kind <> 'functional-ack' AND NOT EXISTS (
            SELECT 1 FROM interchange i WHERE i.partner_id = $1 AND i.direction = 'inbound' AND i.channel = 'platform'
              AND i.caller_key = 'platform-answer:' || outbound_document.platform_ref)
        ORDER BY outbound_document.id LIMIT 100`,
      [partnerId],
    );
  }
}
