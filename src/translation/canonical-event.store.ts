import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { parseEvent, type CanonicalEvent } from '../canonical/index.js';
import { queryRows } from '../platform/database/sql.js';

export interface StoredEvent {
  /** True when this call stored it; false when the same (type, document, revision) was stored before. */
  readonly stored: boolean;
  /** The stored event's id (the earlier one's on a repeat). */
  readonly id: string;
}

interface Row {
  payload: CanonicalEvent;
}

/**
 * The `canonical_event` table (migration 1764230400009): events the translation produced, one per
 * (type, partner, document number, revision). Other modules (the PO lifecycle) read and append through this
 * service, in their own transaction (docs/architecture.md, one-connection rule).
 */
/**
 * Told about every event stored for the first time, inside the storing transaction, so the state
 * it changes (the PO lifecycle) commits with it or not at all. A listener that throws rolls the
 * store back (the translation job then retries).
 */
export interface CanonicalEventListener {
  eventStored(tx: EntityManager, event: CanonicalEvent): Promise<void>;
}

@Injectable()
export class CanonicalEventStore {
  private readonly listeners: CanonicalEventListener[] = [];

  /** Registers a listener (another module, at its init). */
  listen(listener: CanonicalEventListener): void {
    this.listeners.push(listener);
  }

  /**
   * Validates and stores an event in the caller's transaction. A second event of the same type,
   * partner, document number and revision is not stored (a replay); the first one's id is returned.
   */
  async append(tx: EntityManager, event: CanonicalEvent): Promise<StoredEvent> {
    const valid = parseEvent(event);
    const interchangeId = valid.source?.interchangeId ?? null;
    const [inserted] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO canonical_event
         (id, type, schema_version, partner_id, document_kind, document_number, document_revision,
          correlation_id, causation_id, interchange_id, occurred_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT ON CONSTRAINT uq_canonical_event_document DO NOTHING
       RETURNING id::text AS id`,
      [
        valid.id,
        valid.type,
        valid.schemaVersion,
        valid.partnerId ?? null,
        valid.document.kind,
        valid.document.number,
        valid.document.revision,
        valid.correlationId,
        valid.causationId,
        interchangeId,
        valid.occurredAt,
        JSON.stringify(valid),
      ],
    );
    if (inserted) {
      for (const listener of this.listeners) await listener.eventStored(tx, valid);
      return { stored: true, id: inserted.id };
    }
    const [earlier] = await queryRows<{ id: string }>(
      tx,
      `SELECT id::text AS id FROM canonical_event
        WHERE type = $1 AND partner_id IS NOT DISTINCT FROM $2 AND document_number = $3 AND document_revision = $4`,
      [valid.type, valid.partnerId ?? null, valid.document.number, valid.document.revision],
    );
    return { stored: false, id: earlier!.id };
  }

  /** Every event of a document number (all types and revisions), oldest first. */
  async listByDocument(
    db: Pick<EntityManager, 'query'>,
    documentNumber: string,
    options: { readonly type?: string; readonly partnerId?: string } = {},
  ): Promise<CanonicalEvent[]> {
    const rows = await queryRows<Row>(
      db,
      `SELECT payload FROM canonical_event
        WHERE document_number = $1
          AND ($2::text IS NULL OR type = $2)
          AND ($3::text IS NULL OR partner_id = $3)
        ORDER BY created_at, occurred_at, id`,
      [documentNumber, options.type ?? null, options.partnerId ?? null],
    );
    return rows.map((r) => r.payload);
  }

  /** Every event of one chain (`po:<number>` for a purchase order: x12-translator.ts), oldest first. */
  async listByCorrelation(
    db: Pick<EntityManager, 'query'>,
    correlationId: string,
  ): Promise<CanonicalEvent[]> {
    const rows = await queryRows<Row>(
      db,
      `SELECT payload FROM canonical_event WHERE correlation_id = $1 ORDER BY occurred_at, created_at, id`,
      [correlationId],
    );
    return rows.map((r) => r.payload);
  }

  /** The events one archived interchange produced, in the order they were stored. */
  async listByInterchange(
    db: Pick<EntityManager, 'query'>,
    interchangeId: string,
  ): Promise<CanonicalEvent[]> {
    const rows = await queryRows<Row>(
      db,
      `SELECT payload FROM canonical_event WHERE interchange_id = $1 ORDER BY created_at, id`,
      [interchangeId],
    );
    return rows.map((r) => r.payload);
  }
}
