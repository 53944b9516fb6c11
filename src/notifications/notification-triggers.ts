import type { ExceptionCaseChange } from '../exceptions/exception.service.js';
import { SEVERITIES, type Severity } from '../exceptions/exception-types.js';
import type { NotificationReason } from './notification.types.js';

export interface NotificationPlan {
  readonly reason: NotificationReason;
  /** The user to mail, if any: the owner, unless the owner made the change themselves. */
  readonly emailUserId: string | null;
  /** Whether the operator's channel hears of it (new, escalated, more severe; not an assignment). */
  readonly webhook: boolean;
}

/**
 * Which changes notify: a new case, a decided case reopened because its problem came back (a raise
 * of another occurrence), an escalation, a severity raised by a later raise of the same problem, and
 * an assignment (to the new owner only). Everything else (accept, counter, resolve, a person's own
 * reopen, other updates) is the owner's own work or not urgent, and stays in the workbench.
 */
export function notificationPlan(change: ExceptionCaseChange): NotificationPlan | null {
  const reason = reasonOf(change);
  if (!reason) return null;
  const owner = change.case.ownerUserId;
  const ownChange = change.actor.kind === 'user' && change.actor.userId === owner;
  return {
    reason,
    emailUserId: owner !== null && !ownChange ? owner : null,
    webhook: reason !== 'assigned',
  };
}

function reasonOf(change: ExceptionCaseChange): NotificationReason | null {
  switch (change.action) {
    case 'raised':
      return 'raised';
    case 'reopened':
      return change.actor.kind === 'user' ? null : 'reopened';
    case 'escalated':
      return 'escalated';
    case 'assigned':
      return change.case.ownerUserId === null ? null : 'assigned';
    case 'updated': {
      const severity = change.changes['severity'] as { from?: unknown; to?: unknown } | undefined;
      return severity && rank(severity.to) > rank(severity.from) ? 'severity-raised' : null;
    }
    default:
      return null;
  }
}

function rank(severity: unknown): number {
  return SEVERITIES.indexOf(severity as Severity);
}
