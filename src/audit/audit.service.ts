import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../platform/database/sql.js';
import { currentCorrelationId } from '../platform/logging/correlation.js';
import { ACTOR_KINDS, actorId, actorProblem, describeActor } from './actor.js';
import { AuditError, AuditErrorCode } from './audit.exception.js';
import type { AuditEntry, AuditPage, AuditQuery, AuditRecord } from './audit.types.js';

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
// A query prefix may be one segment (`exception`); no `_` or `%`, so it is safe inside LIKE.
const ACTION_PREFIX = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
const TARGET_TYPE = /^[a-z][a-z0-9-]*$/;
const MAX_LIMIT = 500;

interface Row {
  id: string;
  at: string;
  actor_kind: AuditRecord['actor']['kind'];
  actor_id: string | null;
  actor_display: string;
  action: string;
  target_type: string;
  target_id: string | null;
  partner_id: string | null;
  before: unknown;
  after: unknown;
  correlation_id: string;
  note: string | null;
}

const COLUMNS = `id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
  actor_kind, actor_id, actor_display, action, target_type, target_id, partner_id, before, after,
  correlation_id, note`;

/**
 * The append-only record of human and administrative actions. An entry is written in the action's
 * own transaction, so an action that rolls back leaves no entry and a committed one always has one.
 * The database refuses to change or remove entries (trigger in the AuditLog migration).
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(tx: EntityManager, entry: AuditEntry): Promise<AuditRecord> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new AuditError(
        AuditErrorCode.OutsideTransaction,
        `audit ${entry.action}: call inside the action's transaction (pass the transaction's EntityManager)`,
      );
    }
    validateEntry(entry);
    const [row] = await queryRows<Row>(
      tx,
      `INSERT INTO audit_log (actor_kind, actor_id, actor_display, action, target_type, target_id, partner_id,
                              before, after, correlation_id, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${COLUMNS}`,
      [
        entry.actor.kind,
        actorId(entry.actor),
        describeActor(entry.actor),
        entry.action,
        entry.target.type,
        entry.target.id ?? null,
        entry.partnerId ?? null,
        toJson(entry.before),
        toJson(entry.after),
        entry.correlationId ?? currentCorrelationId(),
        entry.note ?? null,
      ],
    );
    return toRecord(row!);
  }

  /** Newest first, filtered, one page at a time (keyset on id, so pages stay stable while entries arrive). */
  async query(filters: AuditQuery = {}): Promise<AuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filters.actor) {
      if (!ACTOR_KINDS.includes(filters.actor.kind)) invalid(`unknown actor kind ${filters.actor.kind}`);
      where.push(`actor_kind = ${param(filters.actor.kind)}`);
      if (filters.actor.id !== undefined) where.push(`actor_id = ${param(filters.actor.id)}`);
    }
    if (filters.action !== undefined) {
      if (!ACTION_PREFIX.test(filters.action)) invalid(`action prefix ${JSON.stringify(filters.action)}`);
      const p = param(filters.action);
      where.push(`(action = ${p} OR action LIKE ${p} || '.%')`);
    }
    if (filters.target) {
      where.push(`target_type = ${param(filters.target.type)}`);
      if (filters.target.id !== undefined) where.push(`target_id = ${param(filters.target.id)}`);
    }
    if (filters.partnerId !== undefined) where.push(`partner_id = ${param(filters.partnerId)}`);
    if (filters.correlationId !== undefined) where.push(`correlation_id = ${param(filters.correlationId)}`);
    if (filters.from) where.push(`at >= ${param(validDate(filters.from, 'from'))}`);
    if (filters.to) where.push(`at < ${param(validDate(filters.to, 'to'))}`);
    if (filters.cursor !== undefined) where.push(`id < ${param(decodeCursor(filters.cursor))}`);
    const limit = filters.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) invalid(`limit must be 1–${MAX_LIMIT}`);
    // One row more than asked tells whether there is a next page.
    const rows = await queryRows<Row>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM audit_log
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY audit_log.id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    const items = rows.slice(0, limit).map(toRecord);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null,
    };
  }
}

function validateEntry(entry: AuditEntry): void {
  const problem = actorProblem(entry.actor);
  if (problem) throw new AuditError(AuditErrorCode.InvalidEntry, `audit entry: ${problem}`);
  if (!ACTION.test(entry.action)) {
    throw new AuditError(
      AuditErrorCode.InvalidEntry,
      `audit entry: action ${JSON.stringify(entry.action)} is not a dotted verb such as exception.accepted`,
    );
  }
  if (!TARGET_TYPE.test(entry.target?.type ?? '')) {
    throw new AuditError(
      AuditErrorCode.InvalidEntry,
      `audit entry: target type ${JSON.stringify(entry.target?.type)} is not a kebab-case noun`,
    );
  }
}

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function validDate(value: Date, name: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) invalid(`${name} is not a valid date`);
  return value.toISOString();
}

// Opaque to callers, so the ordering can change without breaking their links.
function encodeCursor(id: string): string {
  return Buffer.from(`a:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = /^a:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) invalid('cursor is not one this service gave out');
  return match[1]!;
}

function invalid(message: string): never {
  throw new AuditError(AuditErrorCode.InvalidQuery, `audit query: ${message}`);
}

function toRecord(row: Row): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, display: row.actor_display },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    partnerId: row.partner_id,
    before: row.before,
    after: row.after,
    correlationId: row.correlation_id,
    note: row.note,
  };
}
