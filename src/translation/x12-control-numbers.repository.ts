import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { X12ControlNumberKind } from '../edi/x12/index.js';
import { queryRows } from '../platform/database/sql.js';
import { allocateRange } from './control-counter.js';
import type { X12Sender } from './sender-binding.js';

/** Counter key for acknowledgments to a receipt no partner was identified for (no partner id has it). */
export const UNIDENTIFIED_COUNTER = '*unidentified';

const KIND_ORDER: readonly X12ControlNumberKind[] = ['interchange', 'group', 'set'];

export interface AcceptedInterchange {
  readonly partnerId: string;
  readonly sender: X12Sender;
  readonly controlNumber: string;
  readonly interchangeId: string;
  readonly position: number;
  readonly receivedAt: Date;
}

export interface EarlierInterchange {
  readonly interchangeId: string;
  readonly receivedAt: Date;
}

/**
 * The two control-number tables (migration 1764230400006). Every method runs in the caller's
 * transaction: the embedded database has one connection (docs/architecture.md).
 */
@Injectable()
export class X12ControlNumbersRepository {
  /**
   * Takes consecutive control numbers per kind from the partner's counters, locked in the caller's
   * transaction: a rollback gives them back, so committed acknowledgments have no gaps. Kinds are
   * always locked in the same order so concurrent callers cannot deadlock.
   */
  async allocate(
    tx: EntityManager,
    partnerId: string,
    counts: Readonly<Record<X12ControlNumberKind, number>>,
  ): Promise<Record<X12ControlNumberKind, number[]>> {
    const out: Record<X12ControlNumberKind, number[]> = { interchange: [], group: [], set: [] };
    for (const kind of KIND_ORDER) {
      const count = counts[kind];
      if (count === 0) continue;
      await tx.query(
        `INSERT INTO x12_control_counter (partner_id, kind, next_value) VALUES ($1, $2, 1)
         ON CONFLICT (partner_id, kind) DO NOTHING`,
        [partnerId, kind],
      );
      const [row] = await queryRows<{ next_value: string }>(
        tx,
        `SELECT next_value::text AS next_value FROM x12_control_counter
          WHERE partner_id = $1 AND kind = $2 FOR UPDATE`,
        [partnerId, kind],
      );
      const range = allocateRange(Number(row!.next_value), count);
      await tx.query(`UPDATE x12_control_counter SET next_value = $3 WHERE partner_id = $1 AND kind = $2`, [
        partnerId,
        kind,
        range.next,
      ]);
      out[kind] = range.values;
    }
    return out;
  }

  /**
   * Records an accepted interchange unless the same partner and sender had the same ISA13 accepted
   * within `windowDays` of this receipt; then returns that earlier one instead. A transaction-scoped
   * advisory lock on (partner, sender, ISA13) makes two copies processed at once take turns, so only
   * one of them can pass (the second sees the first's row once the first commits).
   */
  async acceptOnce(
    tx: EntityManager,
    entry: AcceptedInterchange,
    windowDays: number,
  ): Promise<EarlierInterchange | undefined> {
    const { partnerId, sender, controlNumber } = entry;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `x12-isa13:${partnerId}:${sender.qualifier}/${sender.id}:${controlNumber}`,
    ]);
    const [earlier] = await queryRows<{ interchange_id: string; received_at: Date }>(
      tx,
      `SELECT interchange_id::text AS interchange_id, received_at FROM x12_interchange_control
        WHERE partner_id = $1 AND sender_qualifier = $2 AND sender_id = $3 AND control_number = $4
          AND received_at > $5::timestamptz - make_interval(days => $6::int)
        ORDER BY received_at DESC, id DESC
        LIMIT 1`,
      [partnerId, sender.qualifier, sender.id, controlNumber, entry.receivedAt, windowDays],
    );
    if (earlier) return { interchangeId: earlier.interchange_id, receivedAt: new Date(earlier.received_at) };
    await tx.query(
      `INSERT INTO x12_interchange_control
         (partner_id, sender_qualifier, sender_id, control_number, interchange_id, position, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        partnerId,
        sender.qualifier,
        sender.id,
        controlNumber,
        entry.interchangeId,
        entry.position,
        entry.receivedAt,
      ],
    );
    return undefined;
  }
}
