import type { Request, Response } from 'express';
import type { PartnerRegistry } from '../partners/partner-registry.js';
import { csrfToken, type PortalRequest } from './portal-access.js';
import type { PortalUser } from './portal-user.js';

export interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly current: boolean;
}

/** Navigation by role: suppliers' pages for partner users, the workbench pages for buyers and admins. */
function navigation(user: PortalUser | undefined, current: string): NavItem[] {
  if (!user) return [];
  const items: [string, string, string][] = [];
  if (user.partnerId) {
    items.push(['orders', '/portal/orders', 'Purchase orders']);
    items.push(['shipments', '/portal/shipments', 'Ship notices']);
    items.push(['uploads', '/portal/uploads', 'Upload EDI']);
    items.push(['scorecard', '/portal/scorecard', 'Scorecard']);
    items.push(['credentials', '/portal/credentials', 'Credentials']);
  }
  if (user.role === 'buyer' || user.role === 'admin') {
    items.push(['workbench', '/portal/workbench', 'Exceptions']);
    items.push(['tracking', '/portal/tracking', 'Tracking']);
    items.push(['partners', '/portal/partners', 'Partners']);
  }
  if (user.role === 'supplier-admin' || user.role === 'admin')
    items.push(['users', '/portal/users', 'Users']);
  items.push(['account', '/portal/account', 'Account']);
  return items.map(([key, href, label]) => ({ href, label, current: key === current }));
}

/**
 * The locals every page's layout needs: title, navigation, the signed-in user, the CSRF token for its
 * forms, and the messages (and a secret to show once) left by the previous request.
 */
export function pageLocals(
  request: Request,
  partners: PartnerRegistry,
  options: { title: string; nav?: string },
  data: Record<string, unknown> = {},
): Record<string, unknown> {
  const user = (request as PortalRequest).portalUser;
  const flash = request.session?.flash ?? [];
  const reveal = request.session?.reveal;
  if (request.session) {
    delete request.session.flash;
    delete request.session.reveal;
  }
  return {
    title: options.title,
    csrf: csrfToken(request),
    user: user && {
      displayName: user.displayName,
      email: user.email,
      role: user.role,
      partner: user.partnerId ? (partners.get(user.partnerId)?.name ?? user.partnerId) : null,
    },
    nav: navigation(user, options.nav ?? ''),
    flash,
    reveal,
    ...data,
  };
}

/** A message shown once on the next page (post/redirect/get). */
export function flash(request: Request, kind: 'info' | 'error', text: string): void {
  request.session.flash = [...(request.session.flash ?? []), { kind, text }];
}

/** Only a path inside the portal may be a redirect target (no open redirect). */
export function safeNext(next: unknown, fallback = '/portal/orders'): string {
  return typeof next === 'string' && /^\/portal(\/[^/\\][^\\]*)?$/.test(next) && !next.includes('//')
    ? next
    : fallback;
}

/** Where a signed-in user starts: suppliers at their orders, buyers and admins at the exception workbench. */
export function landingPage(user: { partnerId: string | null } | undefined): string {
  return user && !user.partnerId ? '/portal/workbench' : '/portal/orders';
}

/**
 * Post/redirect/get after saving the session: express-session would send the redirect's headers
 * before its own save completes, and the browser's next request could read the session without the
 * message just left in it.
 */
export async function redirectAfterSave(
  request: Request,
  response: Response,
  location: string,
): Promise<void> {
  if (request.session)
    await new Promise<void>((resolve, reject) =>
      request.session.save((e) => (e ? reject(e as Error) : resolve())),
    );
  response.redirect(303, location);
}
