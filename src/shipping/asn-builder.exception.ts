import type { DraftProblem } from './asn-validation.js';

/** A refused builder request, answered as problem+json (the problems listed for a draft that is not ready). */
export class AsnBuilderError extends Error {
  readonly problemCode: string;
  constructor(
    message: string,
    readonly httpStatus: 400 | 404 | 409 | 422,
    readonly problems: readonly DraftProblem[] = [],
  ) {
    super(message);
    this.name = 'AsnBuilderError';
    this.problemCode = { 400: 'bad-request', 404: 'not-found', 409: 'conflict', 422: 'asn-not-ready' }[
      httpStatus
    ];
  }

  /** One line per problem, as the problem+json `errors`. */
  get details(): readonly string[] {
    return this.problems.map((p) => `${p.path || '(shipment)'}: ${p.message}`);
  }
}
