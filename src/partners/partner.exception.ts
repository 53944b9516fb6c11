export enum PartnerErrorCode {
  /** One or more profiles failed validation; the details list every problem. */
  InvalidProfiles = 'PARTNER_PROFILES_INVALID',
  /** A live partner on the embedded database, without EMBEDDED_ALLOW_LIVE_PARTNERS=true. */
  LiveOnEmbedded = 'PARTNER_LIVE_ON_EMBEDDED',
  /** Two profiles claim one identity (or one partner id). */
  DuplicateIdentity = 'PARTNER_DUPLICATE_IDENTITY',
  UnknownPartner = 'PARTNER_UNKNOWN',
}

/** The partners module's one exception: a code to branch on and the lines an operator reads. */
export class PartnerError extends Error {
  constructor(
    readonly code: PartnerErrorCode,
    readonly details: readonly string[],
    summary?: string,
  ) {
    super(summary === undefined ? details.join('; ') : [summary, ...details.map((d) => `  ${d}`)].join('\n'));
    this.name = 'PartnerError';
  }
}
