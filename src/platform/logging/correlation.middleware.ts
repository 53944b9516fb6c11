import type { NextFunction, Request, Response } from 'express';
import { acceptCorrelationId, withCorrelation } from './correlation.js';

export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * Gives every request a correlation id (the caller's, when it sends a plausible one) that follows
 * it into logs, events and jobs, and returns it in the response so a partner can quote it.
 */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const correlationId = acceptCorrelationId(req.header(CORRELATION_HEADER));
  res.setHeader(CORRELATION_HEADER, correlationId);
  withCorrelation(correlationId, next);
}
