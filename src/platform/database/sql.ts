import type { DataSource, EntityManager } from 'typeorm';

/** Anything that runs SQL: the data source, or a transaction's entity manager. */
export type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

/**
 * Rows of a query. TypeORM's postgres driver returns `[rows, affectedCount]` for
 * UPDATE/DELETE … RETURNING but plain rows for SELECT and INSERT; callers should not care.
 */
export async function queryRows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/**
 * True when `id` can be a bigint identity key. Ids arrive as text from paths and commands; anything
 * else is answered "not found" before it reaches PostgreSQL (which would fail the cast instead).
 */
export function isRowId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

/**
 * SQL for a timestamptz column as an ISO 8601 UTC string with microseconds, so timestamps leave
 * PostgreSQL as text and never pass through a JS Date (which would drop the microseconds). NULL stays
 * NULL.
 */
export function isoTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
