import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { queryRows } from '../platform/database/sql.js';
import { actorOf } from './portal-user.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';

const STRATEGY = 'portal-sso';

/** Who the identity provider says signed in, once it is a known buyer or admin. */
interface SsoUser {
  readonly id: string;
  readonly email: string;
}

/**
 * Optional single sign-on for buyers and administrators against the company's OAuth2/OIDC identity
 * provider (passport-oauth2, authorization code with PKCE and a state bound to the session). The
 * provider's verified e-mail must belong to an active buyer or admin of the user directory: SSO signs
 * people in, it does not create them, and suppliers keep their passwords.
 */
@Injectable()
export class PortalSso {
  private readonly passport?: passport.Authenticator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {
    const { PORTAL_SSO_AUTHORIZATION_URL: authorizationURL, PORTAL_SSO_TOKEN_URL: tokenURL } = config;
    if (!authorizationURL || !tokenURL || !config.PORTAL_SSO_USERINFO_URL || !config.PORTAL_SSO_CLIENT_ID)
      return;
    const instance = new passport.Passport();
    const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
    instance.use(
      STRATEGY,
      new OAuth2Strategy(
        {
          authorizationURL,
          tokenURL,
          clientID: config.PORTAL_SSO_CLIENT_ID,
          clientSecret: config.PORTAL_SSO_CLIENT_SECRET_FILE
            ? readFileSync(config.PORTAL_SSO_CLIENT_SECRET_FILE, 'utf8').trim()
            : '',
          callbackURL: `${base}/portal/sso/callback`,
          scope: config.PORTAL_SSO_SCOPE.split(/\s+/),
          state: true,
          pkce: true,
        },
        (
          accessToken: string,
          _refresh: string,
          _params: unknown,
          _profile: unknown,
          done: OAuth2Strategy.VerifyCallback,
        ) => {
          this.userFor(accessToken).then(
            (user) => done(null, user ?? false),
            (error: Error) => done(error),
          );
        },
      ),
    );
    this.passport = instance;
  }

  get enabled(): boolean {
    return this.passport !== undefined;
  }

  /**
   * Sends the browser to the identity provider. The state and PKCE verifier are in the session, which
   * is saved before the redirect is answered (the provider may send the browser back at once).
   */
  async start(request: Request, response: Response): Promise<void> {
    const outcome = await this.run(request);
    if (!('redirect' in outcome))
      throw new PortalError(PortalErrorCode.Forbidden, 'Single sign-on could not start.');
    await new Promise<void>((resolve, reject) =>
      request.session.save((e) => (e ? reject(e as Error) : resolve())),
    );
    response.redirect(302, outcome.redirect);
  }

  /** The provider's answer: the signed-in buyer, or a refusal the page explains. */
  async finish(request: Request): Promise<SsoUser> {
    const outcome = await this.run(request);
    const user = 'user' in outcome ? outcome.user : undefined;
    if (!user)
      throw new PortalError(
        PortalErrorCode.Forbidden,
        'Single sign-on did not confirm an active buyer or administrator with this e-mail address. Ask an administrator to add you.',
      );
    await this.dataSource.transaction((tx) =>
      this.audit.record(tx, {
        actor: actorOf(user),
        action: 'portal.signed-in',
        target: { type: 'user', id: user.id },
        after: { method: 'sso' },
      }),
    );
    return user;
  }

  /**
   * Runs the strategy against a stand-in response that only records where passport would redirect,
   * so the portal decides how to answer (saving the session first, rendering refusals as pages).
   */
  private run(request: Request): Promise<{ redirect: string } | { user: SsoUser | undefined }> {
    const instance = this.passport;
    if (!instance) throw new PortalError(PortalErrorCode.NotFound, 'Single sign-on is not configured.');
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      const standIn = {
        statusCode: 200,
        setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
        end: () =>
          headers.location ? resolve({ redirect: headers.location }) : resolve({ user: undefined }),
      };
      const middleware = instance.authenticate(
        STRATEGY,
        { session: false },
        (error: unknown, user: SsoUser | false) =>
          error ? reject(ssoError(error)) : resolve({ user: user || undefined }),
      ) as (req: Request, res: unknown, next: (error?: unknown) => void) => void;
      middleware(request, standIn, (error?: unknown) =>
        error ? reject(ssoError(error)) : resolve({ user: undefined }),
      );
    });
  }

  private async userFor(accessToken: string): Promise<SsoUser | undefined> {
    const answer = await fetch(this.config.PORTAL_SSO_USERINFO_URL!, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!answer.ok) throw new Error(`the identity provider's userinfo answered ${answer.status}`);
    const info = (await answer.json()) as { email?: unknown; email_verified?: unknown };
    // OIDC Core §5.1: an e-mail is trusted only when the provider says it verified it; a missing claim
    // is no such statement, unless the operator vouches for the provider (and `false` never is).
    const verified =
      info.email_verified === true ||
      (info.email_verified === undefined && !this.config.PORTAL_SSO_REQUIRE_EMAIL_VERIFIED);
    if (typeof info.email !== 'string' || !verified) return undefined;
    const [row] = await queryRows<SsoUser>(
      this.dataSource,
      `SELECT id::text AS id, email FROM app_user
        WHERE email = lower($1) AND active AND role IN ('buyer', 'admin')`,
      [info.email.trim()],
    );
    return row;
  }
}

function ssoError(error: unknown): PortalError {
  return new PortalError(
    PortalErrorCode.Forbidden,
    `Single sign-on failed: ${(error as Error)?.message ?? 'the identity provider refused'}. Try again.`,
  );
}
