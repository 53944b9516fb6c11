import type { OpenAPIObject } from '@nestjs/swagger';
import { MAX_SUBMISSION_BYTES } from '../../transports/api/partner-http.js';
import { problemResponse } from './problem-response.js';

/** A problem response as an OpenAPI response object (without the decorator's `status`). */
function problem(...args: Parameters<typeof problemResponse>) {
  const { status: _status, ...response } = problemResponse(...args);
  return response;
}

/**
 * The answers every partner route can give whatever its handler (AccessGuard's rate limit; the raw
 * body reader's size limit on POSTs, partner-http.ts), declared on each /partner/v1 operation.
 */
export function declarePartnerLimits(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/partner/v1/')) continue;
    for (const [method, operation] of Object.entries(item) as [
      string,
      { responses: Record<string, unknown> },
    ][]) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      operation.responses['429'] ??= problem(
        429,
        'rate-limited',
        "Over the partner's or the credential's rate limit: retry after `Retry-After` seconds (docs/access.md).",
        {
          detail: 'rate limit exceeded (partner: 5/s, burst 20); retry after 3 s',
          instance: path,
        },
      );
      if (method === 'post')
        operation.responses['413'] ??= problem(
          413,
          'payload-too-large',
          `The body exceeds ${MAX_SUBMISSION_BYTES} bytes (answered while it is read): split the transmission.`,
          {
            detail: `the body exceeds ${MAX_SUBMISSION_BYTES} bytes; split the transmission`,
            instance: path,
          },
        );
    }
  }
}
