import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Render,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../gateway/access-rules.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { PORTAL_OFF, PortalAnonymous, PortalGuard, portalUser, type PortalRequest } from './portal-access.js';
import { PortalAccountsService } from './portal-accounts.service.js';
import { PortalLinksService } from './portal-links.service.js';
import { PortalLoginService } from './portal-login.service.js';
import type { LinkKind } from './portal-link-mail.js';
import { PortalSso } from './portal-sso.js';
import { PortalThrottle, waitMessage } from './portal-throttle.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { PASSWORD_MIN_LENGTH } from './portal-passwords.js';
import { flash, landingPage, pageLocals, redirectAfterSave, safeNext } from './portal-view.js';

type Form = Record<string, unknown>;
const text = (form: Form, name: string): string =>
  typeof form[name] === 'string' ? (form[name] as string) : '';

const WRONG = 'The e-mail address or the password is wrong.';
/**
 * A locked account is told what an unknown address is: saying "locked" would confirm the account
 * exists. Its owner learns of the lock by mail (PortalLoginService).
 */
const LOGIN_REFUSED = {
  invalid: WRONG,
  locked: WRONG,
  'portal-off': PORTAL_OFF,
} as const;

/** Regenerates the session id (no session fixation) and signs the user in on the new session. */
function signIn(request: Request, userId: string): Promise<void> {
  return new Promise((resolve, reject) =>
    request.session.regenerate((error) => {
      if (error) return reject(error as Error);
      request.session.userId = userId;
      request.session.signedInAt = new Date().toISOString();
      request.session.save((e) => (e ? reject(e as Error) : resolve()));
    }),
  );
}

function endSession(request: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    request.session.destroy((e) => (e ? reject(e as Error) : resolve())),
  );
}

/**
 * Signing in and out, invitations and password resets, and the user's own account page.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@Controller('portal')
export class PortalAuthController {
  constructor(
    private readonly accounts: PortalAccountsService,
    private readonly logins: PortalLoginService,
    private readonly links: PortalLinksService,
    private readonly partners: PartnerRegistry,
    private readonly sso: PortalSso,
    private readonly throttle: PortalThrottle,
    @InjectPinoLogger(PortalAuthController.name) private readonly logger: PinoLogger,
  ) {}

  @Get()
  @PortalAnonymous()
  async home(@Req() request: Request, @Res() response: Response): Promise<void> {
    const userId = request.session?.userId;
    response.redirect(303, userId ? landingPage(await this.accounts.user(userId)) : '/portal/login');
  }

  @Get('login')
  @PortalAnonymous()
  @Render('login')
  loginPage(@Req() request: Request, @Query('next') next: unknown) {
    return pageLocals(
      request,
      this.partners,
      { title: 'Sign in' },
      // Empty without a target: the landing page then depends on who signs in.
      { next: safeNext(next, ''), email: '', sso: this.sso.enabled },
    );
  }

  @Post('login')
  @PortalAnonymous()
  async login(@Req() request: Request, @Res() response: Response, @Body() form: Form): Promise<void> {
    const email = text(form, 'email');
    const refused = (status: number, error: string) =>
      response
        .status(status)
        .render(
          'login',
          pageLocals(
            request,
            this.partners,
            { title: 'Sign in' },
            { next: safeNext(form.next, ''), email, error },
          ),
        );
    const wait = await this.throttle.wait(request, email);
    if (wait !== undefined) {
      response.setHeader('Retry-After', String(wait));
      refused(429, waitMessage(wait));
      return;
    }
    const result = await this.logins.login(email, text(form, 'password'));
    if (!result.ok) {
      refused(result.reason === 'portal-off' ? 403 : 401, LOGIN_REFUSED[result.reason]);
      return;
    }
    await signIn(request, result.user.id);
    await redirectAfterSave(request, response, safeNext(form.next, landingPage(result.user)));
  }

  @Get('sso')
  @PortalAnonymous()
  async ssoStart(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.sso.start(request, response);
  }

  @Get('sso/callback')
  @PortalAnonymous()
  async ssoCallback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const user = await this.sso.finish(request);
    await signIn(request, user.id);
    await redirectAfterSave(request, response, '/portal/account');
  }

  @Post('logout')
  async logout(@Req() request: PortalRequest, @Res() response: Response): Promise<void> {
    await this.logins.recordLogout(portalUser(request), false);
    await endSession(request);
    await redirectAfterSave(request, response, '/portal/login?signedOut=1');
  }

  @Post('logout-everywhere')
  async logoutEverywhere(@Req() request: PortalRequest, @Res() response: Response): Promise<void> {
    await this.logins.recordLogout(portalUser(request), true);
    await endSession(request).catch(() => undefined);
    await redirectAfterSave(request, response, '/portal/login?signedOut=everywhere');
  }

  @Get('password-reset')
  @PortalAnonymous()
  @Render('password-reset-request')
  resetRequestPage(@Req() request: Request) {
    return pageLocals(request, this.partners, { title: 'Reset your password' });
  }

  @Post('password-reset')
  @PortalAnonymous()
  async requestReset(@Req() request: Request, @Res() response: Response, @Body() form: Form): Promise<void> {
    const email = text(form, 'email').slice(0, 254);
    const wait = await this.throttle.wait(request, email);
    if (wait !== undefined) {
      response.setHeader('Retry-After', String(wait));
      response
        .status(429)
        .render(
          'password-reset-request',
          pageLocals(
            request,
            this.partners,
            { title: 'Reset your password' },
            { flash: [{ kind: 'error', text: waitMessage(wait) }] },
          ),
        );
      return;
    }
    try {
      await this.links.requestReset(email);
    } catch (error) {
      // Whether the address is known stays unsaid: the mail is queued, so neither the mail server's
      // delay nor its outage shows here; only mail missing from the configuration is everyone's.
      if (error instanceof PortalError && error.code === PortalErrorCode.MailNotConfigured) {
        // Trying again will not help: the operator has to act, so the operator is told.
        this.logger.warn(
          { email },
          'a portal password reset was asked for, but e-mail is not configured (NOTIFY_SMTP_URL): set the password with `gateway users set-password EMAIL`',
        );
        flash(
          request,
          'error',
          'This gateway cannot send e-mail, so no reset link was sent. Ask the gateway administrator to set your password.',
        );
        await redirectAfterSave(request, response, '/portal/password-reset');
        return;
      }
      throw error;
    }
    flash(
      request,
      'info',
      'If an account exists for that address, we have sent it a link to choose a new password. It is valid for a short time and works once.',
    );
    await redirectAfterSave(request, response, '/portal/login');
  }

  @Get('password-reset/:token')
  @PortalAnonymous()
  async resetPage(@Req() request: Request, @Res() response: Response, @Param('token') token: string) {
    await this.linkPage('password-reset', token, request, response);
  }

  @Post('password-reset/:token')
  @PortalAnonymous()
  async reset(
    @Req() request: Request,
    @Res() response: Response,
    @Param('token') token: string,
    @Body() form: Form,
  ) {
    await this.completeLink('password-reset', token, request, response, form);
  }

  @Get('invitations/:token')
  @PortalAnonymous()
  async invitationPage(@Req() request: Request, @Res() response: Response, @Param('token') token: string) {
    await this.linkPage('invitation', token, request, response);
  }

  @Post('invitations/:token')
  @PortalAnonymous()
  async acceptInvitation(
    @Req() request: Request,
    @Res() response: Response,
    @Param('token') token: string,
    @Body() form: Form,
  ) {
    await this.completeLink('invitation', token, request, response, form);
  }

  @Get('account')
  @Render('account')
  account(@Req() request: PortalRequest) {
    const user = portalUser(request);
    return pageLocals(
      request,
      this.partners,
      { title: 'Your account', nav: 'account' },
      {
        account: {
          email: user.email,
          displayName: user.displayName,
          role: user.role,
          lastLoginAt: user.lastLoginAt,
          signedInAt: request.session.signedInAt ?? null,
        },
        minLength: PASSWORD_MIN_LENGTH,
      },
    );
  }

  @Post('account/password')
  async changePassword(@Req() request: PortalRequest, @Res() response: Response, @Body() form: Form) {
    const user = portalUser(request);
    if (text(form, 'password') !== text(form, 'confirm'))
      throw new PortalError(PortalErrorCode.InvalidInput, 'The two new passwords differ.');
    await this.accounts.changePassword(
      user,
      text(form, 'current'),
      text(form, 'password'),
      request.sessionID,
    );
    flash(request, 'info', 'Your password is changed; your other sessions were signed out.');
    await redirectAfterSave(request, response, '/portal/account');
  }

  private async linkPage(kind: LinkKind, token: string, request: Request, response: Response): Promise<void> {
    // The token stays out of Referer headers sent from this page.
    response.setHeader('Referrer-Policy', 'no-referrer');
    const user = await this.links.linkUser(kind, token);
    if (!user)
      throw new PortalError(
        PortalErrorCode.LinkInvalid,
        'This link was used already, has expired or is not valid. Ask for a new one.',
      );
    response.render(
      'set-password',
      pageLocals(
        request,
        this.partners,
        { title: kind === 'invitation' ? 'Accept your invitation' : 'Choose a new password' },
        {
          invitation: kind === 'invitation',
          action: `/portal/${kind === 'invitation' ? 'invitations' : 'password-reset'}/${token}`,
          email: user.email,
          displayName: user.displayName,
          minLength: PASSWORD_MIN_LENGTH,
        },
      ),
    );
  }

  private async completeLink(
    kind: LinkKind,
    token: string,
    request: Request,
    response: Response,
    form: Form,
  ): Promise<void> {
    response.setHeader('Referrer-Policy', 'no-referrer');
    if (text(form, 'password') !== text(form, 'confirm'))
      throw new PortalError(
        PortalErrorCode.InvalidInput,
        'The two passwords differ. Go back and type them again.',
      );
    const user = await this.links.completeLink(kind, token, {
      password: text(form, 'password'),
      displayName: text(form, 'displayName') || undefined,
    });
    await signIn(request, user.id);
    flash(
      request,
      'info',
      kind === 'invitation' ? `Welcome, ${user.displayName}.` : 'Your new password is set.',
    );
    await redirectAfterSave(request, response, user.partnerId ? '/portal/orders' : '/portal/account');
  }
}
