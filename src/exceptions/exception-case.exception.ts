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

/** The exceptions module's one exception: a code to branch on and a message a person reads. */
export class ExceptionCaseError extends Error {
  constructor(
    readonly code: ExceptionCaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExceptionCaseError';
  }
}
