export enum ErpPostingErrorCode {
  InvalidBody = 'invalid-body',
  RevisionReused = 'revision-reused',
  NothingToChange = 'nothing-to-change',
  AlreadyReversed = 'already-reversed',
  StaleRevision = 'stale-revision',
  NotFound = 'not-found',
  ErpRefused = 'erp-refused',
}

const HTTP_STATUS: Record<ErpPostingErrorCode, number> = {
  [ErpPostingErrorCode.InvalidBody]: 422,
  [ErpPostingErrorCode.RevisionReused]: 409,
  [ErpPostingErrorCode.NothingToChange]: 409,
  [ErpPostingErrorCode.AlreadyReversed]: 409,
  [ErpPostingErrorCode.StaleRevision]: 409,
  [ErpPostingErrorCode.NotFound]: 404,
  [ErpPostingErrorCode.ErpRefused]: 409,
};

/** A posting request the gateway refuses before anything reaches the ERP. */
export class ErpPostingError extends Error {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: ErpPostingErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(details.length > 0 ? `${message}: ${details.join('; ')}` : message);
    this.name = 'ErpPostingError';
    this.httpStatus = HTTP_STATUS[code];
    this.problemCode = `erp-posting.${code}`;
  }
}
