/** Why a case change notifies someone. */
export const NOTIFICATION_REASONS = [
  'raised',
  'reopened',
  'assigned',
  'escalated',
  'severity-raised',
] as const;
export type NotificationReason = (typeof NOTIFICATION_REASONS)[number];

export const NOTIFICATION_CHANNELS = ['email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The webhook is one recipient: the operator's chat channel. */
export const WEBHOOK_RECIPIENT = 'webhook';

/** What the outbox job of one notification carries. */
export interface NotifyPayload {
  readonly caseId: string;
  readonly eventId: string;
  readonly reason: NotificationReason;
  /** The user to mail (the owner when the change happened); absent for the webhook. */
  readonly userId?: string;
}

export interface NotifyDigestPayload {
  readonly digestId: string;
}

export type NotificationStatus = 'sending' | 'sent' | 'held' | 'digested' | 'skipped';

export interface NotificationRow {
  readonly id: string;
  readonly caseId: string;
  readonly eventId: string;
  readonly reason: NotificationReason;
  readonly channel: NotificationChannel;
  readonly recipient: string;
  readonly status: NotificationStatus;
  readonly messageId: string;
  readonly holdUntil: string | null;
}

export interface DigestRow {
  readonly id: string;
  readonly channel: NotificationChannel;
  readonly recipient: string;
  readonly recipientUserId: string | null;
  readonly status: 'sending' | 'sent';
  readonly messageId: string;
}
