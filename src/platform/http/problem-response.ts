import type { ApiResponseOptions } from '@nestjs/swagger';
import { problemType, titleOf, type ProblemDetails } from './problem-details.filter.js';

/**
 * An OpenAPI response for a problem+json answer (`@ApiResponse(problemResponse(…))`), with an example
 * in the shape ProblemDetailsFilter writes, so a client sees the refusal it has to handle.
 */
export function problemResponse(
  status: number,
  code: string,
  description: string,
  example: { readonly detail: string; readonly instance: string },
): ApiResponseOptions {
  const problem: ProblemDetails = {
    type: problemType(code),
    title: titleOf(status),
    status,
    ...example,
    correlationId: '6f1c2a7e-2b1d-4c1e-9a43-0d6f5a3b9e10',
  };
  return { status, description, content: { 'application/problem+json': { example: problem } } };
}
