export enum ProcurementErrorCode {
  UnknownPartner = 'unknown-partner',
  UnknownOrder = 'unknown-order',
  NotYourOrder = 'not-your-order',
  InvalidOrder = 'invalid-order',
  /** A case raised from an answer to a revision the order has moved on from: not accepted. */
  CaseSuperseded = 'case-superseded',
}

const HTTP_STATUS: Record<ProcurementErrorCode, number> = {
  [ProcurementErrorCode.UnknownPartner]: 422,
  [ProcurementErrorCode.UnknownOrder]: 404,
  // Another partner's order is answered as if it did not exist.
  [ProcurementErrorCode.NotYourOrder]: 404,
  [ProcurementErrorCode.InvalidOrder]: 422,
  [ProcurementErrorCode.CaseSuperseded]: 409,
};

export class ProcurementError extends Error {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: ProcurementErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ProcurementError';
    this.httpStatus = HTTP_STATUS[code];
    this.problemCode = `procurement.${code}`;
  }
}
