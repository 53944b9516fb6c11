import type { Request, Response } from 'express';
import type { z } from 'zod';
import { ErpCallError } from '../../port/erp-errors.js';

/** RFC 9457 problem types of the generic REST contract (docs/erp-contract.yaml, `Problem`). */
export const PROBLEM_TYPES = {
  'bad-request': 400,
  unauthenticated: 401,
  'not-found': 404,
  'idempotency-key-reused': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  rejected: 422,
  'internal-error': 500,
  unavailable: 503,
} as const;
export type ProblemCode = keyof typeof PROBLEM_TYPES;

const TITLES: Record<ProblemCode, string> = {
  'bad-request': 'Bad request',
  unauthenticated: 'Unauthenticated',
  'not-found': 'Not found',
  'idempotency-key-reused': 'Idempotency key reused',
  'payload-too-large': 'Payload too large',
  'unsupported-media-type': 'Unsupported media type',
  rejected: 'Rejected',
  'internal-error': 'Internal error',
  unavailable: 'Not processed, retry',
};

export function problemType(code: ProblemCode): string {
  return `urn:supplier-gateway:erp-contract:${code}`;
}

/** An answer a handler gives by throwing: the request stops here with this problem. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors: readonly string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** The value if it fits the schema; otherwise a 400 listing every problem (50 at most). */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpProblem(
    'bad-request',
    `invalid ${what}`,
    parsed.error.issues.slice(0, 50).map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`),
  );
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  if (res.headersSent) return;
  const status = PROBLEM_TYPES[problem.code];
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: problemType(problem.code),
        title: TITLES[problem.code],
        status,
        detail: problem.message,
        instance: req.originalUrl,
        correlationId: res.getHeader('X-Correlation-Id'),
        ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
      }),
    );
}

/** The simulator core's errors in the contract's terms; anything unexpected is a 500 (outcome unknown). */
export function toProblem(error: unknown): { problem: HttpProblem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, unexpected: false };
  if (error instanceof ErpCallError) {
    switch (error.failure) {
      case 'rejected':
        return { problem: new HttpProblem('rejected', error.message, error.details), unexpected: false };
      case 'conflict':
        return {
          problem: new HttpProblem('idempotency-key-reused', error.message, error.details),
          unexpected: false,
        };
      case 'unavailable':
        return {
          problem: new HttpProblem('unavailable', error.message, [], { 'Retry-After': '1' }),
          unexpected: false,
        };
      case 'outcome-unknown':
        break;
    }
  }
  const bodyParser = bodyParserProblem(error);
  if (bodyParser) return { problem: bodyParser, unexpected: false };
  return {
    problem: new HttpProblem(
      'internal-error',
      'the ERP simulator failed; the request may have been processed',
    ),
    unexpected: true,
  };
}

/** express.json() failures carry a status and a type (`entity.parse.failed`, `entity.too.large`…). */
function bodyParserProblem(error: unknown): HttpProblem | null {
  if (!(error instanceof Error)) return null;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return null;
  if (status === 413) return new HttpProblem('payload-too-large', 'the request body is too large');
  if (status === 415) return new HttpProblem('unsupported-media-type', error.message);
  if (status >= 400 && status < 500) {
    return new HttpProblem(
      'bad-request',
      type === 'entity.parse.failed' ? 'the request body is not valid JSON' : error.message,
    );
  }
  return null;
}
