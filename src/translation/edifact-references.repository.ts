import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContrlReferenceKind } from '../edi/edifact/index.js';
import { queryRows } from '../platform/database/sql.js';
import { allocateRange } from './control-counter.js';

const KIND_ORDER: readonly ContrlReferenceKind[] = ['interchange', 'message'];

/** A UNB sender: S002 0004 id and 0007 qualifier, as the registry compares them (trimmed, upper case). */
export interface EdifactSender {
  readonly qualifier: string;
  readonly id: string;
}

export interface AcceptedEdifactInterchange {
  readonly partnerId: string;
  readonly sender: EdifactSender;
  readonly reference: string;
  readonly interchangeId: string;
  readonly position: number;
  readonly receivedAt: Date;
}

export interface EarlierEdifactInterchange {
  readonly interchangeId: string;
  readonly receivedAt: Date;
}

/**
 * The two EDIFACT reference tables (migration 1764230400008). Every method runs in the caller's
 * transaction: the embedded database has one connection (docs/architecture.md).
 */
@Injectable()
export class EdifactReferencesRepository {
  /**
   * Takes consecutive references per kind from the partner's counters, locked in the caller's
   * transaction (a rollback gives them back); kinds are locked in one order, so callers cannot deadlock.
   */
  async allocate(
    tx: EntityManager,
    partnerId: string,
    counts: Readonly<Record<ContrlReferenceKind, number>>,
  ): Promise<Record<ContrlReferenceKind, number[]>> {
    const out: Record<ContrlReferenceKind, number[]> = { interchange: [], message: [] };
    for (const kind of KIND_ORDER) {
      const count = counts[kind];
      if (count === 0) continue;
      await tx.query(
        `INSERT INTO edifact_reference_counter (partner_id, kind, next_value) VALUES ($1, $2, 1)
         ON CONFLICT (partner_id, kind) DO NOTHING`,
        [partnerId, kind],
      );
      const [row] = await queryRows<{ next_value: string }>(
        tx,
        `SELECT next_value::text AS next_value FROM edifact_reference_counter
          WHERE partner_id = $1 AND kind = $2 FOR UPDATE`,
        [partnerId, kind],
      );
      const range = allocateRange(Number(row!.next_value), count);
      await tx.query(
        `UPDATE edifact_reference_counter SET next_value = $3 WHERE partner_id = $1 AND kind = $2`,
        [partnerId, kind, range.next],
      );
      out[kind] = range.values;
    }
    return out;
  }

  /**
   * Records an accepted interchange unless the same partner and sender had the same UNB 0020 accepted
   * within `windowDays` of this receipt; then returns that earlier one. A transaction-scoped advisory
   * lock on (partner, sender, reference) makes two copies processed at once take turns.
   */
  async acceptOnce(
    tx: EntityManager,
    entry: AcceptedEdifactInterchange,
    windowDays: number,
  ): Promise<EarlierEdifactInterchange | undefined> {
    const { partnerId, sender, reference } = entry;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `edifact-unb:${partnerId}:${sender.qualifier}/${sender.id}:${reference}`,
    ]);
    const [earlier] = await queryRows<{ interchange_id: string; received_at: Date }>(
      tx,
      `SELECT interchange_id::text AS interchange_id, received_at FROM edifact_interchange_reference
        WHERE partner_id = $1 AND sender_qualifier = $2 AND sender_id = $3 AND reference = $4
          AND received_at > $5::timestamptz - make_interval(days => $6::int)
        ORDER BY received_at DESC, id DESC
        LIMIT 1`,
      [partnerId, sender.qualifier, sender.id, reference, entry.receivedAt, windowDays],
    );
    if (earlier) return { interchangeId: earlier.interchange_id, receivedAt: new Date(earlier.received_at) };
    await tx.query(
      `INSERT INTO edifact_interchange_reference
         (partner_id, sender_qualifier, sender_id, reference, interchange_id, position, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        partnerId,
        sender.qualifier,
        sender.id,
        reference,
        entry.interchangeId,
        entry.position,
        entry.receivedAt,
      ],
    );
    return undefined;
  }
}
