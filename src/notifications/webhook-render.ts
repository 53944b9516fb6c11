import type { ExceptionCase } from '../exceptions/exception.types.js';
import { caseLink, digestLine, DIGEST_MAX_LISTED, type RenderOptions } from './notification-render.js';
import type { NotificationReason } from './notification.types.js';

const TEXT_PREFIX: Record<NotificationReason, string> = {
  raised: 'New exception',
  reopened: 'Exception reopened',
  assigned: 'Exception assigned',
  escalated: 'Exception escalated',
  'severity-raised': 'Exception severity raised',
};

/** The case as the webhook carries it: the store's fields, stable names, decimals as strings. */
export function webhookCase(c: ExceptionCase, options: RenderOptions) {
  return {
    id: c.id,
    type: c.type,
    severity: c.severity,
    state: c.state,
    summary: c.summary,
    references: c.references,
    differences: c.differences,
    impact: c.impact,
    ownerUserId: c.ownerUserId,
    correlationId: c.correlationId,
    createdAt: c.createdAt,
    link: caseLink(c, options) ?? null,
  };
}

/**
 * The body of one notification: `text` for chat tools (Slack and Teams incoming webhooks show it),
 * the structured case for anything else.
 */
export function webhookNotificationBody(
  c: ExceptionCase,
  reason: NotificationReason,
  delivery: string,
  options: RenderOptions,
): string {
  const link = caseLink(c, options);
  return JSON.stringify({
    text: `${TEXT_PREFIX[reason]}: ${digestLine(c, 'raised')}${link ? ` ${link}` : ''}`,
    event: 'exception.notification.v1',
    delivery,
    reason,
    case: webhookCase(c, options),
  });
}

export function webhookDigestBody(
  entries: readonly { readonly case: ExceptionCase; readonly reason: NotificationReason }[],
  total: number,
  delivery: string,
  options: RenderOptions,
): string {
  const listed = entries.slice(0, DIGEST_MAX_LISTED);
  const lines = listed.map((e) => `• ${digestLine(e.case, e.reason)}`);
  const more = total - listed.length;
  return JSON.stringify({
    text: [
      `${total} exception notifications held back:`,
      ...lines,
      ...(more > 0 ? [`… and ${more} more`] : []),
      ...(options.workbenchUrl ? [`${options.workbenchUrl}/exceptions`] : []),
    ].join('\n'),
    event: 'exception.digest.v1',
    delivery,
    total,
    cases: listed.map((e) => ({ reason: e.reason, case: webhookCase(e.case, options) })),
  });
}
