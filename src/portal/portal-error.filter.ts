import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { currentCorrelationId } from '../platform/logging/correlation.js';
import { redactUrl } from '../platform/logging/redact-url.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { pageLocals } from './portal-view.js';

const TITLES: Record<number, string> = {
  400: 'Something in the form needs fixing',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  410: 'Link no longer valid',
  413: 'File too large',
  415: 'Unsupported file',
  422: 'Not accepted',
  429: 'Too many requests',
  503: 'Temporarily unavailable',
};

/**
 * Portal errors as pages, not problem+json: a missing session sends the browser to the login page
 * (coming back afterwards), everything else renders the error view with its status and a message a
 * person can act on. Unexpected errors say nothing about internals and are logged in full.
 */
@Catch()
export class PortalErrorFilter implements ExceptionFilter {
  constructor(
    private readonly partners: PartnerRegistry,
    @InjectPinoLogger(PortalErrorFilter.name) private readonly logger: PinoLogger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (error instanceof PortalError && error.code === PortalErrorCode.SignInRequired) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.originalUrl)}` : '';
      response.redirect(303, `/portal/login${next}`);
      return;
    }
    let status = 500;
    let message =
      'Something went wrong on our side. Please try again; if it keeps happening, quote the reference below.';
    if (error instanceof HttpException) {
      status = error.getStatus();
      const body = error.getResponse();
      message = typeof body === 'string' ? body : ((body as { message?: string }).message ?? error.message);
    } else if (error instanceof Error && typeof (error as { httpStatus?: unknown }).httpStatus === 'number') {
      status = (error as unknown as { httpStatus: number }).httpStatus;
      message = error.message;
    }
    if (status >= 500 && !(error instanceof PortalError))
      this.logger.error({ err: error, path: redactUrl(request.originalUrl) }, 'portal request failed');
    if (status >= 500 && !(error instanceof PortalError))
      message =
        'Something went wrong on our side. Please try again; if it keeps happening, quote the reference below.';
    response.status(status);
    response.render(
      'error',
      pageLocals(
        request,
        this.partners,
        { title: TITLES[status] ?? 'Error' },
        {
          status,
          message,
          reference: currentCorrelationId(),
        },
      ),
    );
  }
}
