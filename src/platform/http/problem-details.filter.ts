import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { currentCorrelationId } from '../logging/correlation.js';
import { redactUrl } from '../logging/redact-url.js';

/** RFC 9457 problem details, the one error shape of every HTTP answer. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance: string;
  readonly correlationId: string;
  readonly errors?: unknown;
}

/** Errors that know their HTTP status and problem code (module exceptions can implement this). */
export interface HttpProblem {
  readonly httpStatus: number;
  readonly problemCode: string;
  /** One line per problem, answered as the problem's `errors`. */
  readonly details?: readonly string[];
}

function isHttpProblem(error: unknown): error is Error & HttpProblem {
  return error instanceof Error && typeof (error as Partial<HttpProblem>).httpStatus === 'number';
}

const CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
  500: 'internal-error',
  503: 'unavailable',
};

export function problemType(code: string): string {
  return `urn:supplier-gateway:problem:${code}`;
}

/**
 * Answers a problem from outside Nest's filters (a body parser runs before them) in the same shape
 * the filter gives every other error, correlation id included.
 */
export function sendProblem(request: Request, response: Response, status: number, detail: string): void {
  const problem: ProblemDetails = {
    type: problemType(CODES[status] ?? `http-${status}`),
    title: titleOf(status),
    status,
    detail,
    instance: redactUrl(request.originalUrl ?? request.url),
    correlationId: currentCorrelationId(),
  };
  response.status(status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * Every error leaves as application/problem+json with the correlation id, so a partner can quote it.
 * Unexpected errors say nothing about internals; they are logged in full instead.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger(ProblemDetailsFilter.name) private readonly logger: PinoLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(error, request);
    if (problem.status >= 500)
      this.logger.error({ err: error, url: redactUrl(request.originalUrl ?? request.url) }, 'request failed');
    if (response.headersSent) return;
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(error: unknown, request: Request): ProblemDetails {
    const base = {
      instance: redactUrl(request.originalUrl ?? request.url),
      correlationId: currentCorrelationId(),
    };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      // The terminus health check answers 503 with its own report; keep it as the problem's detail.
      const errors =
        typeof body === 'object' && body !== null && 'error' in body && status === 503 ? body : undefined;
      return {
        type: problemType(CODES[status] ?? `http-${status}`),
        title: titleOf(status),
        status,
        detail: Array.isArray(message)
          ? message.join('; ')
          : typeof message === 'string'
            ? message
            : undefined,
        ...(errors ? { errors } : {}),
        ...base,
      };
    }
    if (isHttpProblem(error)) {
      return {
        type: problemType(error.problemCode),
        title: titleOf(error.httpStatus),
        status: error.httpStatus,
        detail: error.message,
        ...(error.details && error.details.length > 0 ? { errors: [...error.details] } : {}),
        ...base,
      };
    }
    return {
      type: problemType('internal-error'),
      title: titleOf(500),
      status: 500,
      detail: 'the gateway could not complete the request; quote the correlation id to the operator',
      ...base,
    };
  }
}

export function titleOf(status: number): string {
  const name = HttpStatus[status];
  return typeof name === 'string'
    ? name
        .toLowerCase()
        .split('_')
        .map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
        .join(' ')
    : `HTTP ${status}`;
}
