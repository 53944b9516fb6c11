import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { actorId, describeActor, type Actor } from '../audit/actor.js';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';
import { storableJson, storableText, storableValue } from '../platform/database/storable-json.js';
import type { ExceptionState } from './exception-state.js';
import type { Severity } from './exception-types.js';
import type {
  CaseScope,
  Differences,
  ExceptionCase,
  ExceptionEvent,
  ExceptionListFilters,
} from './exception.types.js';

interface CaseRow {
  id: string;
  type: string;
  severity: Severity;
  dedupe_key: string;
  summary: string | null;
  partner_id: string | null;
  po_number: string | null;
  po_line: string | null;
  material: string | null;
  plant: string | null;
  interchange_id: string | null;
  posting_ref: string | null;
  po_revision: number | null;
  differences: Differences;
  value_at_risk: string | null;
  currency: string | null;
  days_late: number | null;
  owner_user_id: string | null;
  occurrence: string | null;
  state: ExceptionState;
  state_changed_by: string;
  state_changed_at: string;
  correlation_id: string;
  created_at: string;
  updated_at: string;
}

const iso = isoTimestamp;

// value_at_risk as text: numeric keeps the digits it was given, and text keeps them out of floats.
const CASE_COLUMNS = `id::text AS id, type, severity, dedupe_key, summary, partner_id, po_number, po_line, material,
  plant, interchange_id::text AS interchange_id, posting_ref, po_revision, differences,
  value_at_risk::text AS value_at_risk, currency, days_late, owner_user_id::text AS owner_user_id, occurrence, state,
  state_changed_by,
  ${iso('state_changed_at')} AS state_changed_at, correlation_id, ${iso('created_at')} AS created_at,
  ${iso('updated_at')} AS updated_at`;

/** The keys the workbench sorts by, ascending: negated impact puts the largest (and unknown last) first. */
const SORT_KEY = `(-coalesce(value_at_risk, -1), -coalesce(days_late, -1), created_at, id)`;

/** The facts of a case that a raise sets and a repeated raise may update. */
export interface CaseFacts {
  readonly severity: Severity;
  readonly summary: string | null;
  readonly poNumber: string | null;
  readonly poLine: string | null;
  readonly material: string | null;
  readonly plant: string | null;
  readonly interchangeId: string | null;
  readonly postingRef: string | null;
  readonly poRevision: number | null;
  readonly differences: Differences;
  readonly valueAtRisk: string | null;
  readonly currency: string | null;
  readonly daysLate: number | null;
  /** The occurrence the raise named (RaiseExceptionInput.occurrence), or the case's own when it named none. */
  readonly occurrence: string | null;
}

export interface NewCase extends CaseFacts {
  readonly type: string;
  readonly dedupeKey: string;
  readonly partnerId: string | null;
  readonly ownerUserId: string | null;
  readonly stateChangedBy: string;
  readonly correlationId: string;
}

export interface DirectoryUser {
  readonly id: string;
  readonly role: 'supplier-user' | 'supplier-admin' | 'buyer' | 'admin';
  readonly partnerId: string | null;
  readonly active: boolean;
}

/**
 * Case text as it is stored: what PostgreSQL text refuses (U+0000, SQLSTATE 22021) and unpaired
 * surrogates become U+FFFD (`storableText`), and so does every other control character but tab, line
 * feed and carriage return, which no reader of a summary can see. Producers quote what partners sent
 * (an ISA06 with a NUL, an AS2 header): they pass it as it came, and this is the one place that makes
 * it storable and readable.
 */
export function storableCaseText(text: string): string;
export function storableCaseText(text: string | null): string | null;
export function storableCaseText(text: string | null): string | null {
  if (text === null) return null;
  const storable = storableText(text);
  let out: string | undefined;
  for (let i = 0; i < storable.length; i++) {
    const code = storable.charCodeAt(i);
    const hidden = (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
    if (hidden) out = (out ?? storable.slice(0, i)) + '\ufffd';
    else if (out !== undefined) out += storable[i];
  }
  return out ?? storable;
}

/**
 * The facts as they are stored (`storableCaseText` for text, jsonb-storable differences). Every write
 * of this repository applies it; the service compares and records a raise through it too, so that a
 * repeated raise of unstorable text reads as unchanged.
 */
export function storableCaseFacts(f: CaseFacts): CaseFacts {
  return {
    ...f,
    summary: storableCaseText(f.summary),
    poNumber: storableCaseText(f.poNumber),
    poLine: storableCaseText(f.poLine),
    material: storableCaseText(f.material),
    plant: storableCaseText(f.plant),
    postingRef: storableCaseText(f.postingRef),
    occurrence: storableCaseText(f.occurrence),
    // jsonb refuses \u0000 and lone surrogates; other control characters are kept, escaped, as quoted.
    differences: storableValue(f.differences),
  };
}

/** SQL for cases and their history; the service decides, this only reads and writes rows. */
@Injectable()
export class ExceptionCaseRepository {
  /** Inserts unless the (type, dedupe key) exists; undefined then. */
  async insertIfNew(tx: EntityManager, input: NewCase): Promise<ExceptionCase | undefined> {
    const c = { ...input, ...storableCaseFacts(input) };
    const [row] = await queryRows<CaseRow>(
      tx,
      `INSERT INTO exception_case (type, severity, dedupe_key, summary, partner_id, po_number, po_line, material,
                                   plant, interchange_id, posting_ref, differences, value_at_risk, currency,
                                   days_late, owner_user_id, state_changed_by, correlation_id, po_revision, occurrence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::numeric, $14, $15, $16, $17, $18, $19, $20)
       ON CONFLICT ON CONSTRAINT uq_exception_case_dedupe DO NOTHING
       RETURNING ${CASE_COLUMNS}`,
      [
        c.type,
        c.severity,
        c.dedupeKey,
        c.summary,
        c.partnerId,
        c.poNumber,
        c.poLine,
        c.material,
        c.plant,
        c.interchangeId,
        c.postingRef,
        JSON.stringify(c.differences),
        c.valueAtRisk,
        c.currency,
        c.daysLate,
        c.ownerUserId,
        c.stateChangedBy,
        c.correlationId,
        c.poRevision,
        c.occurrence,
      ],
    );
    return row ? toCase(row) : undefined;
  }

  async lockByDedupe(tx: EntityManager, type: string, dedupeKey: string): Promise<ExceptionCase | undefined> {
    const [row] = await queryRows<CaseRow>(
      tx,
      `SELECT ${CASE_COLUMNS} FROM exception_case WHERE type = $1 AND dedupe_key = $2 FOR UPDATE`,
      [type, dedupeKey],
    );
    return row ? toCase(row) : undefined;
  }

  /** The case, locked until the transaction ends, if the scope may see it. */
  async lock(tx: EntityManager, id: string, scope: CaseScope): Promise<ExceptionCase | undefined> {
    return this.find(tx, id, scope, true);
  }

  async find(
    db: Queryable,
    id: string,
    scope: CaseScope,
    forUpdate = false,
  ): Promise<ExceptionCase | undefined> {
    const [row] = await queryRows<CaseRow>(
      db,
      `SELECT ${CASE_COLUMNS} FROM exception_case
        WHERE id = $1 AND ($2::text IS NULL OR partner_id = $2)${forUpdate ? ' FOR UPDATE' : ''}`,
      [id, scope.kind === 'partner' ? scope.partnerId : null],
    );
    return row ? toCase(row) : undefined;
  }

  async updateFacts(tx: EntityManager, id: string, facts: CaseFacts): Promise<ExceptionCase> {
    const f = storableCaseFacts(facts);
    const [row] = await queryRows<CaseRow>(
      tx,
      `UPDATE exception_case
          SET severity = $2, summary = $3, po_number = $4, po_line = $5, material = $6, plant = $7,
              interchange_id = $8, posting_ref = $9, differences = $10, value_at_risk = $11::numeric,
              currency = $12, days_late = $13, po_revision = $14, occurrence = $15, updated_at = now()
        WHERE id = $1
        RETURNING ${CASE_COLUMNS}`,
      [
        id,
        f.severity,
        f.summary,
        f.poNumber,
        f.poLine,
        f.material,
        f.plant,
        f.interchangeId,
        f.postingRef,
        JSON.stringify(f.differences),
        f.valueAtRisk,
        f.currency,
        f.daysLate,
        f.poRevision,
        f.occurrence,
      ],
    );
    return toCase(row!);
  }

  async setState(tx: EntityManager, id: string, state: ExceptionState, by: string): Promise<ExceptionCase> {
    const [row] = await queryRows<CaseRow>(
      tx,
      `UPDATE exception_case SET state = $2, state_changed_by = $3, state_changed_at = now(), updated_at = now()
        WHERE id = $1 RETURNING ${CASE_COLUMNS}`,
      [id, state, by],
    );
    return toCase(row!);
  }

  async setOwner(tx: EntityManager, id: string, ownerUserId: string | null): Promise<ExceptionCase> {
    const [row] = await queryRows<CaseRow>(
      tx,
      `UPDATE exception_case SET owner_user_id = $2, updated_at = now() WHERE id = $1 RETURNING ${CASE_COLUMNS}`,
      [id, ownerUserId],
    );
    return toCase(row!);
  }

  async addEvent(
    tx: EntityManager,
    event: {
      caseId: string;
      actor: Actor;
      action: string;
      fromState: ExceptionState | null;
      toState: ExceptionState;
      note: string | null;
      changes: Record<string, unknown>;
      correlationId: string;
    },
  ): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO exception_event (case_id, actor_kind, actor_id, actor_display, action, from_state, to_state,
                                    note, changes, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING id::text AS id`,
      [
        event.caseId,
        event.actor.kind,
        actorId(event.actor),
        describeActor(event.actor),
        event.action,
        event.fromState,
        event.toState,
        storableCaseText(event.note),
        storableJson(event.changes),
        event.correlationId,
      ],
    );
    return row!.id;
  }

  async events(db: Queryable, caseId: string): Promise<ExceptionEvent[]> {
    const rows = await queryRows<{
      id: string;
      case_id: string;
      at: string;
      actor_kind: string;
      actor_id: string | null;
      actor_display: string;
      action: string;
      from_state: ExceptionState | null;
      to_state: ExceptionState;
      note: string | null;
      changes: Record<string, unknown>;
      correlation_id: string;
    }>(
      db,
      // Ordered by the bigint: `ORDER BY id` would sort the text alias, putting event 10 before 9.
      `SELECT id::text AS id, case_id::text AS case_id, ${iso('at')} AS at, actor_kind, actor_id, actor_display,
              action, from_state, to_state, note, changes, correlation_id
         FROM exception_event e WHERE case_id = $1 ORDER BY e.id`,
      [caseId],
    );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      at: r.at,
      actor: { kind: r.actor_kind, id: r.actor_id, display: r.actor_display },
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      note: r.note,
      changes: r.changes,
      correlationId: r.correlation_id,
    }));
  }

  /** One page in workbench order, after the cursor's sort key; one row more tells if another page follows. */
  async list(
    db: Queryable,
    filters: ExceptionListFilters,
    after: CursorKey | undefined,
    limit: number,
  ): Promise<{ cases: ExceptionCase[]; keys: CursorKey[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filters.scope.kind === 'partner') where.push(`partner_id = ${param(filters.scope.partnerId)}`);
    if (filters.state !== undefined) {
      const states: readonly ExceptionState[] = Array.isArray(filters.state)
        ? filters.state
        : [filters.state as ExceptionState];
      where.push(`state = ANY(${param(states)}::text[])`);
    }
    if (filters.type !== undefined) {
      const p = param(filters.type);
      where.push(`(type = ${p} OR type LIKE ${p} || '.%')`);
    }
    if (filters.ownerUserId === null) where.push(`owner_user_id IS NULL`);
    else if (filters.ownerUserId !== undefined)
      where.push(`owner_user_id = ${param(filters.ownerUserId)}::uuid`);
    if (filters.plant !== undefined) where.push(`plant = ${param(filters.plant)}`);
    if (filters.poNumber !== undefined) where.push(`po_number = ${param(filters.poNumber)}`);
    if (filters.material !== undefined) where.push(`material = ${param(filters.material)}`);
    if (after) {
      where.push(
        `${SORT_KEY} > (${param(after.negValue)}::numeric, ${param(after.negDays)}::integer, ` +
          `${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`,
      );
    }
    const rows = await queryRows<CaseRow & { k_value: string; k_days: number; k_created: string }>(
      db,
      `SELECT ${CASE_COLUMNS}, (-coalesce(value_at_risk, -1))::text AS k_value,
              -coalesce(days_late, -1) AS k_days, ${iso('created_at')} AS k_created
         FROM exception_case
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${SORT_KEY.slice(1, -1)}
        LIMIT ${param(limit + 1)}`,
      params,
    );
    return {
      cases: rows.map(toCase),
      keys: rows.map((r) => ({ negValue: r.k_value, negDays: r.k_days, createdAt: r.k_created, id: r.id })),
    };
  }

  /** The user from the directory (app_user), read in the caller's transaction. */
  async user(db: Queryable, id: string): Promise<DirectoryUser | undefined> {
    const [row] = await queryRows<DirectoryUser>(
      db,
      `SELECT id::text AS id, role, partner_id AS "partnerId", active FROM app_user WHERE id = $1`,
      [id],
    );
    return row;
  }
}

/** Where a page ends, in the terms of SORT_KEY. */
export interface CursorKey {
  readonly negValue: string;
  readonly negDays: number;
  readonly createdAt: string;
  readonly id: string;
}

function toCase(row: CaseRow): ExceptionCase {
  return {
    id: row.id,
    type: row.type,
    severity: row.severity,
    dedupeKey: row.dedupe_key,
    summary: row.summary,
    references: {
      partnerId: row.partner_id,
      poNumber: row.po_number,
      poLine: row.po_line,
      material: row.material,
      plant: row.plant,
      interchangeId: row.interchange_id,
      postingRef: row.posting_ref,
      poRevision: row.po_revision,
    },
    differences: row.differences,
    impact: { valueAtRisk: row.value_at_risk, currency: row.currency, daysLate: row.days_late },
    ownerUserId: row.owner_user_id,
    occurrence: row.occurrence,
    state: row.state,
    stateChangedBy: row.state_changed_by,
    stateChangedAt: row.state_changed_at,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
