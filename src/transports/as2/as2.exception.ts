import type { HttpProblem } from '../../platform/http/problem-details.filter.js';

export enum As2ErrorCode {
  /** Message-ID, AS2-From or AS2-To is missing or unusable: no MDN can be addressed. */
  MissingHeader = 'as2.missing-header',
  /** A partner certificate file of a profile cannot be read or is not a PEM certificate. */
  CertificateUnreadable = 'as2.certificate-unreadable',
}

const STATUS: Record<As2ErrorCode, number> = {
  [As2ErrorCode.MissingHeader]: 400,
  [As2ErrorCode.CertificateUnreadable]: 500,
};

/**
 * The AS2 channel's one exception. Problems an MDN can express are answered with an MDN, never with
 * this; it covers requests no MDN can answer (answered application/problem+json) and configuration.
 */
export class As2Error extends Error implements HttpProblem {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: As2ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'As2Error';
    this.httpStatus = STATUS[code];
    this.problemCode = code;
  }
}
