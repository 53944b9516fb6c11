/** Errors of the identity and access module, each with a code the problem+json answer carries. */
export enum GatewayErrorCode {
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  /** The partner's API channel is switched off in its profile. */
  ChannelDisabled = 'channel-disabled',
  InvalidInput = 'invalid-input',
  NotFound = 'not-found',
  Conflict = 'conflict',
  RouteWithoutRule = 'route-without-access-rule',
  RateLimited = 'rate-limited',
}

const STATUS: Record<GatewayErrorCode, number> = {
  [GatewayErrorCode.Unauthenticated]: 401,
  [GatewayErrorCode.Forbidden]: 403,
  [GatewayErrorCode.ChannelDisabled]: 403,
  [GatewayErrorCode.InvalidInput]: 400,
  [GatewayErrorCode.NotFound]: 404,
  [GatewayErrorCode.Conflict]: 409,
  [GatewayErrorCode.RouteWithoutRule]: 500,
  [GatewayErrorCode.RateLimited]: 429,
};

export class GatewayError extends Error {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
    this.httpStatus = STATUS[code];
    this.problemCode = code;
  }
}
