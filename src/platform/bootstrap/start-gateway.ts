import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import type { Logger } from 'pino';
import { AppModule } from '../../app.module.js';
import type { GatewayConfig } from '../../config/config.js';
import { openDatabaseEndpoint, type DatabaseEndpoint } from '../database/database-endpoint.js';
import { runMigrations } from '../database/data-source.js';
import { SingleProcessGuard } from '../database/single-process-guard.js';
import { declareZodBodies } from '../http/openapi-bodies.js';
import { declarePartnerLimits } from '../http/openapi-partner-limits.js';
import { correlationMiddleware } from '../logging/correlation.middleware.js';
import { requestLogMiddleware } from '../logging/logging.module.js';
import { NestPinoLogger } from '../logging/nest-logger.js';
import { SecretFiles } from '../secrets/secret-files.js';
import { setupPortal } from '../../portal/portal-setup.js';

export interface RunningGateway {
  readonly app: INestApplication;
  readonly endpoint: DatabaseEndpoint;
  /** Base URL of the HTTP server, as reachable from this machine. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts one gateway process: database (embedded or server), migrations, keys, then Nest.
 * Stopping reverses the order, so Nest (and every job and request) is closed before the embedded
 * database underneath it.
 */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const endpoint = await openDatabaseEndpoint(config);
  let guard: SingleProcessGuard | undefined;
  let app: NestExpressApplication | undefined;
  try {
    if (!endpoint.embedded && !config.REDIS_URL) guard = await SingleProcessGuard.acquire(endpoint.url);
    if (config.MIGRATIONS_RUN) {
      const applied = await runMigrations(endpoint);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
      await endpoint.settle();
    }
    SecretFiles.for(config).tokenSigningKey(config);

    // The correlation id and the request log come first, ahead of the middleware modules install while
    // the application is created (the partner API's raw-body reader answers 401, 413 and 415 there):
    // every answer carries the request's own id and is logged.
    const server = express();
    server.use(correlationMiddleware, requestLogMiddleware(logger));
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, endpoint, logger }),
      new ExpressAdapter(server),
      { logger: new NestPinoLogger(logger), abortOnError: false },
    );
    app.disable('x-powered-by');
    // Before any route: req.ip, which every per-address limit counts, is the client's only behind a trusted proxy.
    app.set('trust proxy', config.TRUST_PROXY);
    setupPortal(app, config);
    app.enableShutdownHooks = () => app!; // signals are handled by main, which knows the order
    setupOpenApi(app);
    await app.listen(config.PORT, config.HOST);
    const url = localUrl(config, app);
    const stopApp = app;
    return {
      app,
      endpoint,
      url,
      stop: async () => {
        await stopApp.close();
        await guard?.release();
        await endpoint.close();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await guard?.release();
    await endpoint.close().catch(() => undefined);
    throw error;
  }
}

function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Supplier Gateway')
      .setDescription(
        'B2B supplier collaboration gateway: EDI, AS2, SFTP, REST and a supplier portal, translated into ' +
          'canonical procurement events and posted to the ERP exactly once.',
      )
      .setVersion('0.1.0')
      .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
      .addServer('/', 'this gateway')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description:
          'An OAuth2 access token from POST /oauth/token, an API key (sgp_…) or another token (docs/access.md)',
      })
      .addTag('oauth', 'OAuth2 client credentials: tokens, keys, metadata')
      .addTag('identity', 'Who the caller is')
      .addTag('partner documents', 'Partners submit EDI and JSON documents and follow them')
      .addTag('partner webhooks', 'Partners subscribe URLs to the documents the gateway sends them')
      .addTag('partner ship notices', 'The ASN builder: ship notices with SSCCs and GS1-128 labels')
      .addTag('tracking', 'Find any document and its chain, down to the bytes on the wire')
      .addTag('partner orders', "Partners' own purchase orders, changes and answers")
      .addTag('partner API', 'Partner-facing reads: profile and documents sent to the partner')
      .addTag('as2', 'AS2 receive (authenticated by signatures)')
      .addTag('buyer', 'Buyers: exceptions and purchase orders')
      .addTag('purchase orders', 'The ERP issues, changes and cancels purchase orders')
      .addTag('plant events', 'MES and WMS: plant events, master data and balances')
      .addTag('replenishment', 'Reorder policies, explained reorder points and replenishment recommendations')
      .addTag('outbound', 'Documents sent to partners, their delivery and acknowledgments')
      .addTag('erp', 'The ERP connector: postings and reconciliation')
      .addTag('erp-simulator', 'The embedded ERP simulator')
      .addTag('administration', 'Operators: partners, credentials, audit log')
      .addTag('operations', 'Health, metrics, dead letters')
      .build(),
  );
  declareZodBodies(app, document);
  declarePartnerLimits(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}

function localUrl(config: GatewayConfig, app: INestApplication): string {
  const address = app.getHttpServer().address() as { port: number } | string | null;
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host}:${port}`;
}
