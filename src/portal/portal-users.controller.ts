import { Body, Controller, Get, Param, Post, Render, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../gateway/access-rules.js';
import { USER_ROLES, type UserRole } from '../gateway/principal.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { PortalGuard, PortalRoles, portalUser, type PortalRequest } from './portal-access.js';
import { PortalAccountsService } from './portal-accounts.service.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { flash, pageLocals, redirectAfterSave } from './portal-view.js';

type Form = Record<string, unknown>;
const text = (form: Form, name: string): string =>
  typeof form[name] === 'string' ? (form[name] as string) : '';

/**
 * A supplier admin manages its own partner's users: invites (by e-mail, single-use link), re-sends a
 * pending invitation, deactivates and reactivates. Administrators do the same for every partner (and
 * invite the first supplier admin of each).
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles('supplier-admin', 'admin')
@Controller('portal/users')
export class PortalUsersController {
  constructor(
    private readonly accounts: PortalAccountsService,
    private readonly partners: PartnerRegistry,
  ) {}

  @Get()
  @Render('users')
  async list(@Req() request: PortalRequest) {
    const me = portalUser(request);
    const users = await this.accounts.users(me.role === 'admin' ? null : me.partnerId);
    const admin = me.role === 'admin';
    return pageLocals(
      request,
      this.partners,
      { title: 'Users', nav: 'users' },
      {
        admin,
        partners: admin ? this.partners.all().map((p) => ({ id: p.id, name: p.name })) : [],
        roles: admin ? [...USER_ROLES] : ['supplier-user', 'supplier-admin'],
        users: users.map((u) => ({
          id: u.id,
          email: u.email,
          displayName: u.displayName,
          role: u.role,
          partnerId: u.partnerId,
          state: !u.active ? 'deactivated' : !u.hasPassword ? 'invited' : u.lockedUntil ? 'locked' : 'active',
          lastLoginAt: u.lastLoginAt,
          self: u.id === me.id,
          pending: u.active && !u.hasPassword,
        })),
      },
    );
  }

  @Post()
  async invite(@Req() request: PortalRequest, @Res() response: Response, @Body() form: Form) {
    const role = text(form, 'role') as UserRole;
    if (!USER_ROLES.includes(role)) throw new PortalError(PortalErrorCode.InvalidInput, 'Choose a role.');
    const user = await this.accounts.invite(portalUser(request), {
      email: text(form, 'email'),
      displayName: text(form, 'displayName'),
      role,
      partnerId: text(form, 'partnerId') || null,
    });
    flash(request, 'info', `Invitation sent to ${user.email}.`);
    await redirectAfterSave(request, response, '/portal/users');
  }

  @Post(':userId/invitation')
  async resend(@Req() request: PortalRequest, @Res() response: Response, @Param('userId') userId: string) {
    const user = await this.accounts.resendInvitation(portalUser(request), userId);
    flash(request, 'info', `Invitation sent again to ${user.email}; the earlier link no longer works.`);
    await redirectAfterSave(request, response, '/portal/users');
  }

  @Post(':userId/deactivate')
  async deactivate(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('userId') userId: string,
  ) {
    const user = await this.accounts.setActive(portalUser(request), userId, false);
    flash(request, 'info', `${user.email} is deactivated and signed out everywhere.`);
    await redirectAfterSave(request, response, '/portal/users');
  }

  @Post(':userId/activate')
  async activate(@Req() request: PortalRequest, @Res() response: Response, @Param('userId') userId: string) {
    const user = await this.accounts.setActive(portalUser(request), userId, true);
    flash(request, 'info', `${user.email} is active again.`);
    await redirectAfterSave(request, response, '/portal/users');
  }
}
