import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { UserRole } from '../gateway/principal.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { PortalAccountsService } from './portal-accounts.service.js';
import type { PortalUser } from './portal-user.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';

const PORTAL_ROLES = 'supplier-gateway:portal-roles';
const PORTAL_ANONYMOUS = 'supplier-gateway:portal-anonymous';

/** Roles a portal page admits (a signed-in user of another role gets 403). */
export const PortalRoles = (...roles: UserRole[]) => SetMetadata(PORTAL_ROLES, roles);
/** A page for people who are not signed in (login, reset, invitation): no session user needed. */
export const PortalAnonymous = () => SetMetadata(PORTAL_ANONYMOUS, true);

/** What a supplier user of a partner whose portal channel is off (`channels.portal.enabled: false`) is told. */
export const PORTAL_OFF =
  'The supplier portal is switched off for your company. Ask your buyer to switch it on, or use the channels agreed with them (EDI, API).';

export const SUPPLIER = ['supplier-user', 'supplier-admin'] as const satisfies readonly UserRole[];

export interface PortalRequest extends Request {
  portalUser?: PortalUser;
}

/** The session's synchronizer token (created on first use); every form carries it as `_csrf`. */
export function csrfToken(request: Request): string {
  request.session.csrfToken ??= randomBytes(32).toString('base64url');
  return request.session.csrfToken;
}

/**
 * Rejects a state-changing request whose `_csrf` field (or X-CSRF-Token header) is not the session's
 * token (OWASP synchronizer token pattern). SameSite=Lax cookies are a second line, not the only one.
 */
export function assertCsrf(request: Request): void {
  const expected = request.session?.csrfToken;
  const body = request.body as Record<string, unknown> | undefined;
  const sent = typeof body?._csrf === 'string' ? body._csrf : request.header('x-csrf-token');
  if (!expected || typeof sent !== 'string' || !sameToken(sent, expected))
    throw new PortalError(
      PortalErrorCode.CsrfRejected,
      'The form expired or did not come from this site. Go back, reload the page and try again.',
    );
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The portal's one guard (its routes are @Public() to the API's bearer guard): CSRF on every
 * state-changing request, then the session's user — reloaded on every request, so a deactivated
 * user, a removed partner or a changed role takes effect at once — and the page's roles.
 * Multipart forms are checked in their handler once the body is parsed (@CsrfInHandler()).
 */
@Injectable()
export class PortalGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: PortalAccountsService,
    private readonly partners: PartnerRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PortalRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const safe = request.method === 'GET' || request.method === 'HEAD';
    if (!safe && !this.reflector.getAllAndOverride<boolean>(CSRF_IN_HANDLER, targets)) assertCsrf(request);
    if (this.reflector.getAllAndOverride<boolean>(PORTAL_ANONYMOUS, targets)) return true;
    const userId = request.session?.userId;
    const user = userId ? await this.accounts.user(userId) : undefined;
    if (!user || !user.active || (user.partnerId && !this.partners.get(user.partnerId))) {
      if (userId) delete request.session.userId;
      throw new PortalError(PortalErrorCode.SignInRequired, 'Please sign in.');
    }
    if (user.partnerId && !this.partners.channelOn(user.partnerId, 'portal')) {
      // Signed out as well: switching the channel back on needs a new sign-in, as after a removal.
      delete request.session.userId;
      throw new PortalError(PortalErrorCode.Forbidden, PORTAL_OFF);
    }
    request.portalUser = user;
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(PORTAL_ROLES, targets);
    if (roles && !roles.includes(user.role))
      throw new PortalError(PortalErrorCode.Forbidden, 'Your role does not give access to this page.');
    return true;
  }
}

const CSRF_IN_HANDLER = 'supplier-gateway:portal-csrf-in-handler';
/** The handler calls assertCsrf() itself, after a multipart body is parsed. */
export const CsrfInHandler = () => SetMetadata(CSRF_IN_HANDLER, true);

/** The signed-in user of a guarded page. */
export function portalUser(request: PortalRequest): PortalUser {
  if (!request.portalUser) throw new PortalError(PortalErrorCode.SignInRequired, 'Please sign in.');
  return request.portalUser;
}

/** The partner a supplier user acts for (supplier pages only). */
export function partnerOf(request: PortalRequest): string {
  const user = portalUser(request);
  if (!user.partnerId) throw new PortalError(PortalErrorCode.Forbidden, 'This page is for suppliers.');
  return user.partnerId;
}
