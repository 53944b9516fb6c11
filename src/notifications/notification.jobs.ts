import { defineJob } from '../platform/jobs/job-definition.js';
import type { NotifyDigestPayload, NotifyPayload } from './notification.types.js';

// Mail servers and chat tools recover within minutes to hours: retries spread over about a day
// (capped at 30 min apart) before a notification is dead-lettered for an operator to replay.
const backoff = { baseMs: 5_000, maxMs: 30 * 60_000 };

/** One e-mail to a case's owner about one change. Keyed `<case id>:<event id>`. */
export const NotifyEmailJob = defineJob<NotifyPayload>('notifications.email', { maxAttempts: 60, backoff });

/** One webhook call about one change. Keyed `<case id>:<event id>`. */
export const NotifyWebhookJob = defineJob<NotifyPayload>('notifications.webhook', {
  maxAttempts: 60,
  backoff,
});

/** One digest of held notifications to one recipient. Keyed by the digest's id. */
export const NotifyDigestJob = defineJob<NotifyDigestPayload>('notifications.digest', {
  maxAttempts: 60,
  backoff,
});

export const NOTIFICATION_JOBS = [NotifyEmailJob, NotifyWebhookJob, NotifyDigestJob];
