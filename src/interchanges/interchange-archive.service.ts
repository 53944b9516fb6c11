import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { BLOB_STORE, type BlobStore } from '../platform/blobs/blob-store.js';
import { isRowId, queryRows } from '../platform/database/sql.js';
import { storableJson, storableText } from '../platform/database/storable-json.js';
import { currentCorrelationId } from '../platform/logging/correlation.js';
import {
  ACCEPTED_STATUSES,
  InterchangeNotFoundError,
  type ArchivedInterchange,
  type InterchangeStatus,
  type Receipt,
  type StoredReceipt,
} from './interchange.types.js';

interface Row {
  id: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  partner_id: string | null;
  received_at: Date;
  sha256: string;
  size_bytes: string;
  blob_key: string | null;
  content_type: string | null;
  filename: string | null;
  caller_key: string | null;
  metadata: Record<string, unknown>;
  status: InterchangeStatus;
  status_detail: string | null;
  duplicate_of: string | null;
  answer: unknown;
  correlation_id: string;
}

interface OriginalRow {
  id: string;
  sha256: string;
  status: InterchangeStatus;
  answer: unknown;
  by_caller_key: boolean;
}

const COLUMNS = `id::text AS id, direction, channel, partner_id, received_at, sha256, size_bytes::text AS size_bytes,
  blob_key, content_type, filename, caller_key, metadata, status, status_detail, duplicate_of::text AS duplicate_of,
  answer, correlation_id`;

/**
 * The archive of every payload that crosses the gateway, stored before anything answers its sender
 * (DESIGN.md invariant 1). Every receipt gets its own row. A receipt repeating one that was accepted
 * (same partner and content, or same caller key such as an AS2 Message-ID, X12 control numbers or an
 * Idempotency-Key) is stored as a duplicate linked to the original, so the channel can give the
 * original answer without processing it again. A resend of a receipt that was rejected or failed is
 * new. The same caller key with different content is quarantined for a person to look at.
 */
@Injectable()
export class InterchangeArchive {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /**
   * Stores a payload and classifies it. `withinTransaction` runs in the same transaction as the
   * row (to enqueue the job that processes it); when this resolves, the receipt is durable.
   */
  async receive(
    receipt: Receipt,
    withinTransaction?: (tx: EntityManager, stored: StoredReceipt) => Promise<void>,
  ): Promise<StoredReceipt> {
    const { inline, blob, sha256, size } = await this.place(receipt.payload);
    return this.dataSource.transaction(async (tx) => {
      // Receipts of one partner are classified one at a time, so two copies arriving together
      // cannot both be taken for originals.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `interchange:${receipt.direction ?? 'inbound'}:${receipt.partnerId ?? ''}`,
      ]);
      const original = await this.findOriginal(tx, receipt, sha256);
      const disposition: StoredReceipt['disposition'] = !original
        ? 'new'
        : original.sha256 === sha256
          ? 'duplicate'
          : 'quarantined';
      const status: InterchangeStatus =
        disposition === 'new'
          ? (receipt.status ?? 'received')
          : disposition === 'duplicate'
            ? 'duplicate'
            : 'quarantined';
      const detail =
        disposition === 'quarantined'
          ? `caller key ${receipt.callerKey} was accepted before with different content (interchange ${original!.id})`
          : null;
      const [row] = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO interchange (direction, channel, partner_id, sha256, size_bytes, content, blob_key, content_type,
                                  filename, caller_key, metadata, status, status_detail, duplicate_of, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING id::text AS id`,
        [
          receipt.direction ?? 'inbound',
          receipt.channel,
          receipt.partnerId ?? null,
          sha256,
          size,
          inline ?? null,
          blob ?? null,
          receipt.contentType ?? null,
          receipt.filename ?? null,
          receipt.callerKey ?? null,
          storableJson(receipt.metadata ?? {}),
          status,
          detail,
          original?.id ?? null,
          receipt.correlationId ?? currentCorrelationId(),
        ],
      );
      const stored: StoredReceipt = {
        id: row!.id,
        disposition,
        sha256,
        size,
        original: original
          ? {
              id: original.id,
              status: original.status,
              answer: original.answer,
              byCallerKey: original.by_caller_key,
            }
          : undefined,
      };
      if (withinTransaction) await withinTransaction(tx, stored);
      return stored;
    });
  }

  /**
   * Archives a payload the gateway is about to send, in the caller's transaction (with the control
   * numbers it used and the document row that tracks its delivery). Outbound payloads are never
   * classified as duplicates: each carries its own control numbers. The bytes are placed before the
   * row; a rollback leaves at most an unreferenced blob.
   */
  async recordOutbound(
    tx: EntityManager,
    receipt: Omit<Receipt, 'direction' | 'callerKey'> & { readonly status?: InterchangeStatus },
  ): Promise<string> {
    const { inline, blob, sha256, size } = await this.place(receipt.payload);
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO interchange (direction, channel, partner_id, sha256, size_bytes, content, blob_key, content_type,
                                filename, metadata, status, correlation_id)
       VALUES ('outbound', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING id::text AS id`,
      [
        receipt.channel,
        receipt.partnerId ?? null,
        sha256,
        size,
        inline ?? null,
        blob ?? null,
        receipt.contentType ?? null,
        receipt.filename ?? null,
        storableJson(receipt.metadata ?? {}),
        receipt.status ?? 'processing',
        receipt.correlationId ?? currentCorrelationId(),
      ],
    );
    return row!.id;
  }

  async get(id: string): Promise<ArchivedInterchange> {
    const [row] = await queryRows<Row>(this.dataSource, `SELECT ${COLUMNS} FROM interchange WHERE id = $1`, [
      toId(id),
    ]);
    if (!row) throw new InterchangeNotFoundError(id);
    return toArchived(row);
  }

  /** The payload exactly as received (`tx`: read inside that transaction). */
  async payload(id: string, tx?: EntityManager): Promise<Buffer> {
    const [row] = await queryRows<{ content: Buffer | null; blob_key: string | null }>(
      tx ?? this.dataSource,
      `SELECT content, blob_key FROM interchange WHERE id = $1`,
      [toId(id)],
    );
    if (!row) throw new InterchangeNotFoundError(id);
    return row.content ?? this.blobs.read(row.blob_key!);
  }

  /**
   * The payload exactly as received, in the order of its bytes, without loading it whole: a payload
   * in the blob store is read as it goes (the translation jobs), one kept in the row is one chunk.
   */
  async payloadChunks(
    id: string,
    tx?: EntityManager,
  ): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>> {
    const [row] = await queryRows<{ content: Buffer | null; blob_key: string | null }>(
      tx ?? this.dataSource,
      `SELECT content, blob_key FROM interchange WHERE id = $1`,
      [toId(id)],
    );
    if (!row) throw new InterchangeNotFoundError(id);
    return row.content ? [row.content] : this.blobs.open(row.blob_key!);
  }

  /** Records what the sender was told (MDN, HTTP answer, TA1), so a duplicate can be told the same. */
  async recordAnswer(id: string, answer: unknown, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource).query(
      `UPDATE interchange SET answer = $2, updated_at = now() WHERE id = $1`,
      // An answer may quote what the sender sent (a reference, a sender id): never a reason to fail.
      [toId(id), storableJson(answer)],
    );
  }

  async setStatus(id: string, status: InterchangeStatus, detail?: string, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource).query(
      `UPDATE interchange SET status = $2, status_detail = $3, updated_at = now() WHERE id = $1 AND duplicate_of IS NULL`,
      [toId(id), status, detail === undefined ? null : storableText(detail)],
    );
  }

  /** Every receipt of the same payload or caller key, the original first. */
  async receiptsOf(id: string): Promise<ArchivedInterchange[]> {
    const rows = await queryRows<Row>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM interchange WHERE id = $1 OR duplicate_of = $1 ORDER BY interchange.id`,
      [toId(id)],
    );
    return rows.map(toArchived);
  }

  private async place(
    payload: Buffer | Readable,
  ): Promise<{ inline?: Buffer; blob?: string; sha256: string; size: number }> {
    if (Buffer.isBuffer(payload) && payload.length <= this.config.ARCHIVE_INLINE_MAX_BYTES) {
      return {
        inline: payload,
        sha256: createHash('sha256').update(payload).digest('hex'),
        size: payload.length,
      };
    }
    // Written and synced before the row commits: the row never points at bytes that are not on disk.
    const stored = await this.blobs.put(Buffer.isBuffer(payload) ? payload : Readable.from(payload));
    return { blob: stored.key, sha256: stored.sha256, size: stored.size };
  }

  private async findOriginal(
    tx: EntityManager,
    receipt: Receipt,
    sha256: string,
  ): Promise<OriginalRow | undefined> {
    // A caller key match wins over a content match: it is what the sender says it is repeating.
    // A receipt the channel already rejected (its raw bytes, e.g. an AS2 body that failed a check) is
    // never a content duplicate: it must stay rejected with its reason, even if its bytes equal an
    // accepted payload.
    const [row] = await queryRows<OriginalRow>(
      tx,
      `SELECT id::text AS id, sha256, status, answer,
              ($4::text IS NOT NULL AND caller_key IS NOT DISTINCT FROM $4) AS by_caller_key
         FROM interchange
        WHERE partner_id IS NOT DISTINCT FROM $1 AND direction = $2 AND duplicate_of IS NULL
          AND status = ANY($3::text[])
          AND (($4::text IS NOT NULL AND caller_key = $4) OR sha256 = $5)
        ORDER BY ($4::text IS NOT NULL AND caller_key = $4) DESC, interchange.id
        LIMIT 1`,
      [
        receipt.partnerId ?? null,
        receipt.direction ?? 'inbound',
        ACCEPTED_STATUSES,
        receipt.callerKey ?? null,
        receipt.status === 'rejected' ? null : sha256,
      ],
    );
    return row;
  }
}

function toId(id: string): string {
  if (!isRowId(id)) throw new InterchangeNotFoundError(id);
  return id;
}

function toArchived(row: Row): ArchivedInterchange {
  return {
    id: row.id,
    direction: row.direction,
    channel: row.channel,
    partnerId: row.partner_id,
    receivedAt: new Date(row.received_at),
    sha256: row.sha256,
    size: Number(row.size_bytes),
    storage: row.blob_key ? 'blob' : 'inline',
    contentType: row.content_type,
    filename: row.filename,
    callerKey: row.caller_key,
    metadata: row.metadata,
    status: row.status,
    statusDetail: row.status_detail,
    duplicateOf: row.duplicate_of,
    answer: row.answer,
    correlationId: row.correlation_id,
  };
}
