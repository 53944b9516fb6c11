import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import {
  BEARER_REQUIRED,
  bearerChallenge,
  bearerToken,
  wellFormedCredential,
} from '../../gateway/access.guard.js';
import { sendProblem } from '../../platform/http/problem-details.filter.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import type { RecordedAnswer, SubmissionResult } from './submission.types.js';

/** Largest body a submission may have (X12 and EDIFACT interchanges of a few thousand lines fit easily). */
export const MAX_SUBMISSION_BYTES = 20 * 1024 * 1024;

/**
 * Submissions are archived as the exact bytes received (DESIGN.md: store first, never re-encode), so
 * POST bodies under /partner/v1 are read raw, whatever their type, before Nest's JSON parser (which
 * skips a body already read). Installed while the application is created, ahead of the parsers Nest
 * registers at init — so ahead of the access guard too, which is why this middleware guards the read:
 * - a request without a credential that could authenticate anybody is answered 401 (as the guard
 *   would) before a byte of its body is read, and its connection closed rather than drained;
 * - bodies are not inflated: a Content-Encoding other than identity is 415 before anything is read,
 *   so the 20 MB limit counts the bytes sent (a small gzip body cannot grow into 20 MB of buffers),
 *   and the archive keeps what the partner sent, not what we decoded.
 */
@Injectable()
export class PartnerRawBodyCapture {
  constructor(adapterHost: HttpAdapterHost, @InjectConfig() config: GatewayConfig) {
    const app = adapterHost.httpAdapter?.getInstance<express.Express>();
    if (!app || typeof app.use !== 'function') return;
    const raw = express.raw({ type: () => true, limit: MAX_SUBMISSION_BYTES, inflate: false });
    app.use('/partner/v1', (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'POST') return next();
      const header = request.header('authorization');
      const token = bearerToken(header);
      if (!token || !wellFormedCredential(token, config.BOOTSTRAP_ADMIN_TOKEN)) {
        response.setHeader('WWW-Authenticate', bearerChallenge(Boolean(header)));
        return refuseUnread(request, response, 401, BEARER_REQUIRED);
      }
      raw(request, response, (error?: unknown) => {
        if (!error) return next();
        // Body-parser errors happen outside Nest's filters: answer them in the same problem+json form.
        const { status = 400, type } = error as { status?: number; type?: string };
        if (type === 'encoding.unsupported')
          return refuseUnread(
            request,
            response,
            415,
            `Content-Encoding ${request.header('content-encoding')} is not accepted; send the body uncompressed`,
          );
        sendProblem(
          request,
          response,
          status,
          status === 413
            ? `the body exceeds ${MAX_SUBMISSION_BYTES} bytes; split the transmission`
            : 'the body could not be read',
        );
      });
    });
  }
}

/** A refusal before the body was read: the connection closes after it instead of reading the body off. */
function refuseUnread(request: Request, response: Response, status: number, detail: string): void {
  response.setHeader('Connection', 'close');
  sendProblem(request, response, status, detail);
}

/** The request body as bytes (an empty buffer when there was none). */
export function bodyOf(request: Request): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** Sends a recorded answer (first time or repeated) with its status code, or throws its problem. */
export function answerOrThrow(answer: RecordedAnswer, response: Response): SubmissionResult {
  if ('problem' in answer) {
    const known = (Object.values(PartnerApiErrorCode) as string[]).includes(answer.problem.code);
    throw new PartnerApiError(
      known ? (answer.problem.code as PartnerApiErrorCode) : PartnerApiErrorCode.InvalidDocument,
      answer.problem.message,
      answer.problem.details,
    );
  }
  response.status(answer.httpStatus);
  response.location(answer.body.links.self);
  return answer.body;
}

export const SUBMISSION_EXAMPLE: SubmissionResult = {
  interchangeId: '4711',
  status: 'received',
  format: 'x12',
  documentType: null,
  events: [],
  links: { self: '/partner/v1/documents/4711', acknowledgment: '/partner/v1/documents/4711/acknowledgment' },
};

function problem(status: number, code: string, detail: string, errors?: string[]) {
  return {
    status,
    description: detail,
    content: {
      'application/problem+json': {
        example: {
          type: `urn:supplier-gateway:problem:${code}`,
          title: {
            400: 'Bad request',
            403: 'Forbidden',
            404: 'Not found',
            409: 'Conflict',
            415: 'Unsupported media type',
            422: 'Unprocessable entity',
          }[status],
          status,
          detail,
          instance: '/partner/v1/documents',
          correlationId: '01JDX3W6Q5M2V7K9R8T4N1B0C2',
          ...(errors ? { errors } : {}),
        },
      },
    },
  };
}

/** problem+json answers of the partner API, with their stable codes, for the OpenAPI document. */
export const PROBLEM_RESPONSES = {
  400: problem(
    400,
    'partner-api.malformed-document',
    'the body is not JSON: Unexpected token } in JSON at position 12',
  ),
  403: problem(403, 'partner-api.scope-missing', 'ship-notice documents need the scope ship-notices:write'),
  404: problem(404, 'partner-api.document-not-found', 'no document 4711'),
  409: problem(
    409,
    'partner-api.revision-conflict',
    'purchase order 4500000001 changed after revision 0: the revision to answer is 1 (kept as interchange 4713, rejected)',
    [
      'revision: 0 is not the revision to answer; answer revision 1 (GET /partner/v1/orders/4500000001 shows the order as it stands)',
    ],
  ),
  415: {
    ...problem(415, 'partner-api.unsupported-media-type', 'Content-Type text/plain is not accepted'),
    description:
      'A Content-Type other than the three accepted, or any Content-Encoding (gzip, deflate, br: problem type ' +
      '`unsupported-media-type`, answered before the body is read): send the body uncompressed.',
  },
  422: problem(
    422,
    'partner-api.invalid-document',
    'the purchase-order-acknowledgment document is invalid (kept as interchange 4712, rejected)',
    ['payload.lines.0.quantity.value: expected a decimal string such as "12.5"'],
  ),
} as const;
