import { defineJob } from '../platform/jobs/job-definition.js';
import type { LinkReason } from './portal-link-mail.js';

export interface PortalResetMailPayload {
  /** The password-reset link (portal_link) to mail. */
  readonly linkId: string;
  readonly because?: LinkReason;
}

/**
 * Mails a password-reset link. Queued in the transaction that created the link, so the page that
 * asked answers without waiting for the mail server (its delay would tell a known address from an
 * unknown one) and a mail server that is down delays the mail instead of losing it. Retries come
 * quickly (a person waits for the mail) and stop mattering once the link expires: a link that was
 * used, voided or expired is not mailed.
 */
export const PortalResetMailJob = defineJob<PortalResetMailPayload>('portal.reset-mail', {
  maxAttempts: 12,
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
});

export const PORTAL_JOBS = [PortalResetMailJob];
