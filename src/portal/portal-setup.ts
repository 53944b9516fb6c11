import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import hbs from 'hbs';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { SecretFiles } from '../platform/secrets/secret-files.js';
import { registerPortalHelpers } from './portal-helpers.js';
import { portalDir } from './portal-paths.js';
import { DatabaseSessionStore } from './portal-session.store.js';

/** Name of the portal's session cookie (scoped to /portal). */
export const PORTAL_COOKIE = 'sg_portal';
/** Largest EDI file a portal user may upload (the partner API's limit). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/**
 * Everything the portal needs from Express, in one place: the handlebars view engine over the repo's
 * `portal/` folder (layouts, partials, views), its static assets and database-backed sessions on
 * /portal only. Called once by start-gateway before the application listens.
 */
export function setupPortal(app: NestExpressApplication, config: GatewayConfig): void {
  const dir = portalDir();
  registerPartials(join(dir, 'partials'));
  registerPortalHelpers(hbs.handlebars);
  app.setBaseViewsDir(join(dir, 'views'));
  app.setViewEngine('hbs');
  app.set('view options', { layout: '../layouts/main' });
  // Templates are part of the release: compile each once. Express turns the cache on only under
  // NODE_ENV=production, and without it hbs read and compiled every page and its layout on every
  // request (a third of the portal's CPU under `npm run bench:portal`).
  app.set('view cache', true);
  app.useStaticAssets(join(dir, 'static'), {
    prefix: '/portal/static/',
    index: false,
    fallthrough: true,
    maxAge: '1h',
  });

  app.use('/portal', (request: Request, response: Response, next: NextFunction) => {
    // Pages of one origin only: no inline script, no framing, forms posted here only.
    response.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Referrer-Policy', 'same-origin');
    // Pages show one partner's data to one user: never kept by shared caches or the back button's store.
    if (!request.path.startsWith('/static/')) response.setHeader('Cache-Control', 'no-store');
    next();
  });
  const secure =
    config.PORTAL_COOKIE_SECURE === 'always' ||
    (config.PORTAL_COOKIE_SECURE === 'auto' && config.PUBLIC_URL?.startsWith('https:') === true);
  const idleMs = config.PORTAL_SESSION_IDLE_MINUTES * 60_000;
  app.use(
    '/portal',
    session({
      name: PORTAL_COOKIE,
      // Signs the cookie; derived from the token signing key every process of one installation shares.
      secret: sessionSecret(config),
      store: new DatabaseSessionStore(app.get(DataSource), idleMs),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      // Behind a TLS-terminating proxy the connection itself is plain HTTP: trust X-Forwarded-Proto then.
      proxy: secure ? true : undefined,
      cookie: {
        path: '/portal',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.PORTAL_COOKIE_SECURE === 'never' ? false : secure ? true : 'auto',
        maxAge: idleMs,
      },
    }),
  );
}

function sessionSecret(config: GatewayConfig): string {
  const key = SecretFiles.for(config).tokenSigningKey(config);
  return createHmac('sha256', key.export({ format: 'der', type: 'pkcs8' }))
    .update('supplier-gateway portal session cookie v1')
    .digest('base64url');
}

/** Partials by file name, registered before the first request (hbs's own registration is asynchronous). */
function registerPartials(dir: string): void {
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.hbs')) continue;
    hbs.handlebars.registerPartial(basename(file, '.hbs'), readFileSync(join(dir, file), 'utf8'));
  }
}
