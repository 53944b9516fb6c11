import { z } from 'zod';
import { compare, decimal } from '../../canonical/decimal.js';
import { EXCEPTION_TYPE_PREFIX_PATTERN } from '../../exceptions/exception-types.js';

/**
 * The buyer's queue: which cases it shows, in which order, and how a page ends. Framework-free, so
 * the ranking is unit-tested here and the SQL (workbench-queue.repository.ts) follows the same rule.
 */

/** What the state filter offers. `action` (the default) is what waits for a buyer: open and escalated. */
export const QUEUE_STATES = {
  action: ['open', 'escalated'],
  open: ['open'],
  escalated: ['escalated'],
  countered: ['countered'],
  accepted: ['accepted'],
  resolved: ['resolved'],
} as const;
export type QueueState = keyof typeof QUEUE_STATES;

export const PAGE_SIZE = 25;

const optionalText = (max: number, pattern?: RegExp) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || undefined)
    .pipe(pattern ? z.string().regex(pattern).optional() : z.string().optional())
    .optional()
    .catch(undefined);

/** The queue's query string. Anything malformed falls back to "no filter", never to an error page. */
export const queueQuery = z.object({
  state: z.enum(Object.keys(QUEUE_STATES) as [QueueState, ...QueueState[]]).catch('action'),
  type: optionalText(100, EXCEPTION_TYPE_PREFIX_PATTERN),
  partner: optionalText(64),
  plant: optionalText(10),
  /** Older than this many days. */
  age: z.coerce.number().int().min(1).max(3650).optional().catch(undefined),
  /** Value at risk at least this much (the buyer's reporting currency). */
  minValue: optionalText(20, /^\d{1,15}(\.\d{1,6})?$/),
  /** `me`, `none` (unassigned) or empty for anybody. */
  owner: z.enum(['me', 'none']).optional().catch(undefined),
  after: optionalText(200),
});
export type QueueQuery = z.output<typeof queueQuery>;

/**
 * Impact, the queue's order: value at risk (affected quantity × net price, as the acknowledgment
 * matcher computes it) highest first, then days late most first, a case without a figure after every
 * case with one; then the oldest first, then the id, so the order is total and pages never overlap.
 * These are the keys of the index ix_exception_case_impact (migration 1764230400005) and of the
 * workbench's partial indexes (1764230400026).
 */
export interface ImpactKey {
  readonly valueAtRisk: string | null;
  readonly daysLate: number | null;
  readonly createdAt: string;
  readonly id: string;
}

export function compareImpact(a: ImpactKey, b: ImpactKey): number {
  return (
    compareDecimalDesc(a.valueAtRisk, b.valueAtRisk) ||
    (b.daysLate ?? -1) - (a.daysLate ?? -1) ||
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Decimals compared exactly (no float), null below every figure. */
function compareDecimalDesc(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compare(decimal(b), decimal(a));
}

/** Where a page ended, in the index's own terms (the negated figures), opaque to the browser. */
export interface QueueCursor {
  readonly negValue: string;
  readonly negDays: number;
  readonly createdAt: string;
  readonly id: string;
}

export function encodeQueueCursor(key: QueueCursor): string {
  return Buffer.from(JSON.stringify(['w1', key.negValue, key.negDays, key.createdAt, key.id])).toString(
    'base64url',
  );
}

/** The cursor, or undefined for one this page did not give out (the queue then starts at its top). */
export function decodeQueueCursor(text: string | undefined): QueueCursor | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== 'w1') return undefined;
    const [, negValue, negDays, createdAt, id] = parsed as unknown[];
    if (
      typeof negValue === 'string' &&
      /^-?\d{1,20}(\.\d{1,20})?$/.test(negValue) &&
      Number.isSafeInteger(negDays) &&
      typeof createdAt === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdAt) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    )
      return { negValue, negDays: negDays as number, createdAt, id };
  } catch {
    // not one of ours
  }
  return undefined;
}
