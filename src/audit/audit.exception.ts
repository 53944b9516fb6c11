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
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}
