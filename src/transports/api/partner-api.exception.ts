/** Errors of the partner REST API; each leaves as problem+json of type `urn:supplier-gateway:problem:partner-api.<code>`. */
export enum PartnerApiErrorCode {
  /** The body is not JSON, or not a partner document of a known type and version. */
  MalformedDocument = 'malformed-document',
  /** The document does not match its schema; `errors` lists every problem with its field path. */
  InvalidDocument = 'invalid-document',
  /** The document's sender (ISA/GS, UNB or JSON sender) is not an identity of the caller's partner. */
  SenderNotBound = 'sender-not-bound',
  /** The same Idempotency-Key was used before with a different body. */
  IdempotencyKeyReused = 'idempotency-key-reused',
  InvalidIdempotencyKey = 'invalid-idempotency-key',
  UnsupportedMediaType = 'unsupported-media-type',
  /** A document type partners receive but do not send (purchase-order, purchase-order-change). */
  NotAcceptedInbound = 'not-accepted-inbound',
  /** The credential lacks the scope of this document type (acknowledgments:write, ship-notices:write). */
  ScopeMissing = 'scope-missing',
  /** Unknown, or another partner's (answered the same, so ids do not leak). */
  DocumentNotFound = 'document-not-found',
  OrderNotFound = 'order-not-found',
  /**
   * An answer names a revision of the order that is no longer the one to answer (the order changed
   * since the supplier looked at it), or one the order does not have.
   */
  RevisionConflict = 'revision-conflict',
  /** A change answer to an order the supplier was never sent a change of. */
  NoChangeToAnswer = 'no-change-to-answer',
  /** The interchange exists but has no functional acknowledgment (yet, or never: JSON documents). */
  NoAcknowledgment = 'no-acknowledgment',
  InvalidQuery = 'invalid-query',
}

const HTTP_STATUS: Record<PartnerApiErrorCode, number> = {
  [PartnerApiErrorCode.MalformedDocument]: 400,
  [PartnerApiErrorCode.InvalidDocument]: 422,
  [PartnerApiErrorCode.SenderNotBound]: 422,
  [PartnerApiErrorCode.IdempotencyKeyReused]: 422,
  [PartnerApiErrorCode.InvalidIdempotencyKey]: 400,
  [PartnerApiErrorCode.UnsupportedMediaType]: 415,
  [PartnerApiErrorCode.NotAcceptedInbound]: 422,
  [PartnerApiErrorCode.ScopeMissing]: 403,
  [PartnerApiErrorCode.DocumentNotFound]: 404,
  [PartnerApiErrorCode.OrderNotFound]: 404,
  [PartnerApiErrorCode.RevisionConflict]: 409,
  [PartnerApiErrorCode.NoChangeToAnswer]: 409,
  [PartnerApiErrorCode.NoAcknowledgment]: 404,
  [PartnerApiErrorCode.InvalidQuery]: 400,
};

export class PartnerApiError extends Error {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: PartnerApiErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'PartnerApiError';
    this.httpStatus = HTTP_STATUS[code];
    this.problemCode = `partner-api.${code}`;
  }
}
