import { Module, type DynamicModule } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger, type Options } from 'pino-http';
import { currentCorrelationId } from './correlation.js';
import { redactUrl } from './redact-url.js';

/** How each request is logged: one line when it ends, named by its correlation id. */
function requestLogOptions(logger: Logger): Options {
  return {
    logger,
    genReqId: () => currentCorrelationId(),
    // Health probes and metric scrapes would drown the log.
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)\b/.test(req.url ?? '') },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      // Link tokens and OAuth2 codes in URLs never reach the log (redact-url.ts).
      req: (req: { method: string; url: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * The request log, installed on the HTTP server right after the correlation middleware and before
 * anything Nest or a module adds (start-gateway.ts): a request refused by an early middleware (the
 * partner API's 401, 413 and 415 before the body is read) is logged like any other.
 */
export function requestLogMiddleware(logger: Logger): HttpLogger {
  return pinoHttp(requestLogOptions(logger));
}

/**
 * nestjs-pino on the root logger. It reuses the request logger installed ahead of Nest
 * (`useExisting`: req.log) rather than mounting a second one, so each request is logged once.
 */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: requestLogOptions(logger), useExisting: true })],
      exports: [LoggerModule],
    };
  }
}
