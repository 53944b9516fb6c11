import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** A request body or query that does not match its schema: 400, one line per problem. */
export class RequestValidationError extends Error {
  readonly httpStatus = 400;
  readonly problemCode = 'bad-request';

  constructor(readonly details: readonly string[]) {
    super(`the request is invalid: ${details.join('; ')}`);
    this.name = 'RequestValidationError';
  }
}

/**
 * `@Body(new ZodBody(schema))`: the parsed value, or a 400 problem listing every mismatch. A body read
 * as bytes (POSTs under /partner/v1 are, see src/transports/api/partner-http.ts) is parsed as JSON first.
 */
export class ZodBody<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(Buffer.isBuffer(value) ? jsonOf(value) : value);
    if (result.success) return result.data;
    throw new RequestValidationError(
      result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`),
    );
  }
}

function jsonOf(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RequestValidationError([`(body): not JSON: ${(error as Error).message}`]);
  }
}
