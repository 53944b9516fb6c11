/** Errors of the portal, each with a code; the portal's filter renders them as pages (portal-error.filter.ts). */
export enum PortalErrorCode {
  /** No session, or the session's user is gone or inactive: sign in. */
  SignInRequired = 'sign-in-required',
  /** The form's CSRF token is missing or not this session's. */
  CsrfRejected = 'csrf-rejected',
  /** The user's role may not do this. */
  Forbidden = 'forbidden',
  NotFound = 'not-found',
  InvalidInput = 'invalid-input',
  /** An invitation or reset link that is unknown, used or expired. */
  LinkInvalid = 'link-invalid',
  /** The mail server refused or could not take the mail. */
  MailUnavailable = 'mail-unavailable',
  /** E-mail is not configured (NOTIFY_SMTP_URL), so no link can be sent. */
  MailNotConfigured = 'mail-not-configured',
}

const STATUS: Record<PortalErrorCode, number> = {
  [PortalErrorCode.SignInRequired]: 401,
  [PortalErrorCode.CsrfRejected]: 403,
  [PortalErrorCode.Forbidden]: 403,
  [PortalErrorCode.NotFound]: 404,
  [PortalErrorCode.InvalidInput]: 400,
  [PortalErrorCode.LinkInvalid]: 410,
  [PortalErrorCode.MailUnavailable]: 503,
  [PortalErrorCode.MailNotConfigured]: 503,
};

export class PortalError extends Error {
  readonly httpStatus: number;
  readonly problemCode: string;

  constructor(
    readonly code: PortalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PortalError';
    this.httpStatus = STATUS[code];
    this.problemCode = code;
  }
}
