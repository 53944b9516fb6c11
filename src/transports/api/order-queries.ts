import { z } from 'zod';
import { ORDER_STATES } from '../../procurement/purchase-order.types.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import { issueLines } from './partner-document.mapper.js';

const limit = z.coerce.number().int().min(1).max(200).default(50);
const instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with an offset' });

/** Query of GET /partner/v1/orders. */
export const orderListQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(ORDER_STATES, { error: `expected states among ${ORDER_STATES.join(', ')}` })))
    .optional(),
  orderDateFrom: z.iso.date().optional(),
  orderDateTo: z.iso.date().optional(),
  updatedSince: instant.optional(),
  cursor: z.string().max(200).optional(),
  limit,
});

/** Query of GET /partner/v1/order-changes and /orders/{poNumber}/changes. */
export const changeListQuery = z.strictObject({
  since: instant.optional(),
  cursor: z.string().max(200).optional(),
  limit,
});

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success)
    throw new PartnerApiError(
      PartnerApiErrorCode.InvalidQuery,
      'the query is invalid',
      issueLines(parsed.error),
    );
  return parsed.data;
}

/** Opaque page cursors: base64url JSON of the position after which the next page starts. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, check: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // answered below
  }
  throw new PartnerApiError(PartnerApiErrorCode.InvalidQuery, 'the cursor is not one this API returned', [
    'cursor: pass nextCursor of the previous page unchanged',
  ]);
}

export const isOrderCursor = (v: unknown): v is { id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { id?: unknown }).id === 'string' &&
  /^\d{1,18}$/.test((v as { id: string }).id);

export const isChangeCursor = (v: unknown): v is { at: string; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { at?: unknown }).at === 'string' &&
  !Number.isNaN(Date.parse((v as { at: string }).at)) &&
  typeof (v as { id?: unknown }).id === 'string' &&
  /^[0-9a-f-]{36}$/i.test((v as { id: string }).id);
