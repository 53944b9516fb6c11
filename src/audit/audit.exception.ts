export enum AuditErrorCode {
  /** `record` was called without an active transaction: the entry could commit without its action. */
  OutsideTransaction = 'AUDIT_OUTSIDE_TRANSACTION',
  /** The entry is malformed (actor, action or target); the message says which. */
  InvalidEntry = 'AUDIT_INVALID_ENTRY',
  /** A query filter or cursor is malformed. */
  InvalidQuery = 'AUDIT_INVALID_QUERY',
}

/** The audit module's one exception: a code to branch on and a message a person reads. */
export class AuditError extends Error {
  /** For problem+json answers: a bad query is the caller's mistake; anything else is ours. */
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
    this.httpStatus = code === AuditErrorCode.InvalidQuery ? 400 : 500;
    this.problemCode = code.toLowerCase().replace(/_/g, '-');
  }
}
