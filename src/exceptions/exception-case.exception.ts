export enum ExceptionCaseErrorCode {
  /** The type is not in EXCEPTION_TYPES. */
  UnknownType = 'EXCEPTION_UNKNOWN_TYPE',
  /** A field of the input is malformed; the message says which. */
  InvalidInput = 'EXCEPTION_INVALID_INPUT',
  /** No such case, or not one the caller's scope may see (the two are not told apart). */
  NotFound = 'EXCEPTION_NOT_FOUND',
  /** The action is not allowed from the case's state. */
  InvalidTransition = 'EXCEPTION_INVALID_TRANSITION',
  /** The action needs a note saying why. */
  NoteRequired = 'EXCEPTION_NOTE_REQUIRED',
  /** The owner is not an active user in the directory. */
  UnknownOwner = 'EXCEPTION_UNKNOWN_OWNER',
  /** A supplier user may own only cases (and rules) of their own partner. */
  OwnerOutsidePartner = 'EXCEPTION_OWNER_OUTSIDE_PARTNER',
  /** The dedupe key already names a case of another partner. */
  DedupeConflict = 'EXCEPTION_DEDUPE_CONFLICT',
  /** A routing rule with the same partner, plant and type prefix exists. */
  RoutingRuleExists = 'EXCEPTION_ROUTING_RULE_EXISTS',
  RoutingRuleNotFound = 'EXCEPTION_ROUTING_RULE_NOT_FOUND',
  /** `raise` was called without an active transaction. */
  OutsideTransaction = 'EXCEPTION_OUTSIDE_TRANSACTION',
}

const HTTP_STATUS: Record<ExceptionCaseErrorCode, number> = {
  [ExceptionCaseErrorCode.UnknownType]: 422,
  [ExceptionCaseErrorCode.InvalidInput]: 422,
  [ExceptionCaseErrorCode.NotFound]: 404,
  [ExceptionCaseErrorCode.InvalidTransition]: 409,
  [ExceptionCaseErrorCode.NoteRequired]: 422,
  [ExceptionCaseErrorCode.UnknownOwner]: 422,
  [ExceptionCaseErrorCode.OwnerOutsidePartner]: 422,
  [ExceptionCaseErrorCode.DedupeConflict]: 409,
  [ExceptionCaseErrorCode.RoutingRuleExists]: 409,
  [ExceptionCaseErrorCode.RoutingRuleNotFound]: 404,
  [ExceptionCaseErrorCode.OutsideTransaction]: 500,
};

/** The exceptions module's one exception: a code to branch on and a message a person reads. */
export class ExceptionCaseError extends Error {
  /** How an HTTP API answers it (problem+json). */
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: ExceptionCaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExceptionCaseError';
    this.httpStatus = HTTP_STATUS[code];
    this.problemCode = code.toLowerCase().replace(/_/g, '-');
  }
}
