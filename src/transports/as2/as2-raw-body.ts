import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';

/**
 * AS2 bodies are MIME and CMS whose exact bytes are signed and hashed (RFC 4130 §7.3.1), so POST
 * bodies under /as2 are read raw, whatever their Content-Type, before Nest's parsers (which skip a body
 * already read). Node's HTTP server answers `Expect: 100-continue` and decodes chunked transfer
 * coding; Content-Length bodies are read as they are. Installed while the application is created.
 */
@Injectable()
export class As2RawBodyCapture {
  constructor(adapterHost: HttpAdapterHost, @InjectConfig() config: GatewayConfig) {
    const app = adapterHost.httpAdapter?.getInstance<express.Express>();
    if (!app || typeof app.use !== 'function') return;
    const limit = config.AS2_MAX_MESSAGE_BYTES;
    const raw = express.raw({ type: () => true, limit });
    app.use('/as2', (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'POST') return next();
      raw(request, response, (error?: unknown) => {
        if (!error) return next();
        // Body-parser errors happen outside Nest's filters: answer them in the same problem+json form.
        const status = (error as { status?: number }).status ?? 400;
        const tooLarge = status === 413;
        response
          .status(status)
          .type('application/problem+json')
          .send(
            JSON.stringify({
              type: `urn:supplier-gateway:problem:${tooLarge ? 'payload-too-large' : 'bad-request'}`,
              title: tooLarge ? 'Payload too large' : 'Bad request',
              status,
              detail: tooLarge
                ? `the AS2 message exceeds AS2_MAX_MESSAGE_BYTES (${limit} bytes)`
                : 'the body could not be read',
              instance: request.originalUrl,
            }),
          );
      });
    });
  }
}
