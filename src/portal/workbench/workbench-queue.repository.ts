import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isoTimestamp, queryRows } from '../../platform/database/sql.js';
import { PAGE_SIZE, QUEUE_STATES, type QueueCursor, type QueueQuery } from './workbench-queue.js';

export interface QueueRow {
  readonly id: string;
  readonly type: string;
  readonly severity: string;
  readonly summary: string | null;
  readonly partnerId: string | null;
  readonly poNumber: string | null;
  readonly poLine: string | null;
  readonly material: string | null;
  readonly plant: string | null;
  readonly valueAtRisk: string | null;
  readonly currency: string | null;
  readonly daysLate: number | null;
  readonly state: string;
  readonly owner: string | null;
  readonly createdAt: string;
}

/** The queue's order: the impact keys of ix_exception_case_impact and the workbench's partial indexes. */
const IMPACT = `-coalesce(c.value_at_risk, -1), -coalesce(c.days_late, -1), c.created_at, c.id`;

/**
 * The queue read, one page at a time after a keyset cursor (read only: cases are changed by
 * ExceptionService and BuyerDecisionService). Every filter is an index condition or a filter on rows
 * read in index order, so a page reads about as many rows as it shows, with 20,000 cases or more:
 * the state group is written as a literal so the planner can use the partial indexes of migration
 * 1764230400026, and "value at risk at least V" is a range on the index's leading key.
 */
@Injectable()
export class WorkbenchQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(
    query: QueueQuery,
    after: QueueCursor | undefined,
    userId: string,
  ): Promise<{ rows: QueueRow[]; next: QueueCursor | null }> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    // From a fixed list, never from the request: safe to inline.
    const where = [`c.state IN (${QUEUE_STATES[query.state].map((s) => `'${s}'`).join(', ')})`];
    if (query.partner) where.push(`c.partner_id = ${param(query.partner)}`);
    if (query.plant) where.push(`c.plant = ${param(query.plant)}`);
    if (query.type) {
      const p = param(query.type);
      where.push(`(c.type = ${p} OR c.type LIKE ${p} || '.%')`);
    }
    if (query.age) where.push(`c.created_at < now() - make_interval(days => ${param(query.age)}::integer)`);
    if (query.minValue) where.push(`-coalesce(c.value_at_risk, -1) <= -(${param(query.minValue)}::numeric)`);
    if (query.owner === 'none') where.push(`c.owner_user_id IS NULL`);
    if (query.owner === 'me') where.push(`c.owner_user_id = ${param(userId)}::uuid`);
    if (after)
      where.push(
        `(${IMPACT}) > (${param(after.negValue)}::numeric, ${param(after.negDays)}::integer, ` +
          `${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`,
      );
    const rows = await queryRows<QueueRow & { kValue: string; kDays: number }>(
      this.dataSource,
      `SELECT c.id::text AS id, c.type, c.severity, c.summary, c.partner_id AS "partnerId", c.po_number AS "poNumber",
              c.po_line AS "poLine", c.material, c.plant, c.value_at_risk::text AS "valueAtRisk", c.currency,
              c.days_late AS "daysLate", c.state, u.display_name AS owner,
              ${isoTimestamp('c.created_at')} AS "createdAt",
              (-coalesce(c.value_at_risk, -1))::text AS "kValue", -coalesce(c.days_late, -1) AS "kDays"
         FROM exception_case c LEFT JOIN app_user u ON u.id = c.owner_user_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${IMPACT}
        LIMIT ${param(PAGE_SIZE + 1)}`,
      params,
    );
    const shown = rows.slice(0, PAGE_SIZE);
    const last = shown.at(-1);
    return {
      rows: shown.map(({ kValue: _v, kDays: _d, ...row }) => row),
      next:
        rows.length > PAGE_SIZE && last
          ? { negValue: last.kValue, negDays: last.kDays, createdAt: last.createdAt, id: last.id }
          : null,
    };
  }
}
