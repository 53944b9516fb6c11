export enum ReplenishmentErrorCode {
  InvalidMasterData = 'invalid-master-data',
  NoMasterData = 'no-master-data',
  BatchTooLarge = 'batch-too-large',
  InvalidBatch = 'invalid-batch',
  UnsupportedMediaType = 'unsupported-media-type',
  UnknownBalance = 'unknown-balance',
  InvalidSnapshot = 'invalid-snapshot',
  UnknownRecommendation = 'unknown-recommendation',
  RecommendationState = 'recommendation-state',
  InvalidPolicy = 'invalid-policy',
}

const HTTP_STATUS: Record<ReplenishmentErrorCode, number> = {
  [ReplenishmentErrorCode.InvalidMasterData]: 422,
  [ReplenishmentErrorCode.NoMasterData]: 409,
  [ReplenishmentErrorCode.BatchTooLarge]: 413,
  [ReplenishmentErrorCode.InvalidBatch]: 400,
  [ReplenishmentErrorCode.UnsupportedMediaType]: 415,
  [ReplenishmentErrorCode.UnknownBalance]: 404,
  [ReplenishmentErrorCode.InvalidSnapshot]: 422,
  [ReplenishmentErrorCode.UnknownRecommendation]: 404,
  [ReplenishmentErrorCode.RecommendationState]: 409,
  [ReplenishmentErrorCode.InvalidPolicy]: 422,
};

/** Errors of plant events, master data and balances; answered as problem+json `replenishment.<code>`. */
export class ReplenishmentError extends Error {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: ReplenishmentErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ReplenishmentError';
    this.httpStatus = HTTP_STATUS[code];
    this.problemCode = `replenishment.${code}`;
  }
}
