import { readFile, rm } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { BLOB_STORE, type BlobStore } from '../../platform/blobs/blob-store.js';
import { sendProblem } from '../../platform/http/problem-details.filter.js';
import {
  AS2_STREAMING_THRESHOLD_BYTES,
  As2BodyError,
  as2WorkDir,
  spoolAs2Body,
  sweepAs2WorkDir,
  type SpooledAs2Body,
} from './as2-spool.js';

/** Where the controller finds a spooled AS2 body (see `spooledAs2Body`). */
const SPOOLED = Symbol('as2.spooled-body');

type SpooledRequest = Request & { [SPOOLED]?: SpooledAs2Body };

/** The spooled body of an AS2 message request, if the capture spooled it. */
export function spooledAs2Body(request: Request): SpooledAs2Body | undefined {
  return (request as SpooledRequest)[SPOOLED];
}

/**
 * AS2 bodies are MIME and CMS whose exact bytes are signed and hashed (RFC 4130 §7.3.1), so POST
 * bodies under /as2 are read raw, whatever their Content-Type, before Nest's parsers (which skip a body
 * already read). Node's HTTP server answers `Expect: 100-continue` and decodes chunked transfer
 * coding; Content-Length bodies are read as they are. Installed while the application is created.
 *
 * An AS2 message body streams, as it arrives, into the blob store (the raw request, archived before
 * any answer) and into a work file the core reads from; nothing holds it whole. Bodies up to
 * AS2_STREAMING_THRESHOLD_BYTES are then also handed over as a Buffer (the Buffer core). Asynchronous
 * MDNs at /as2/mdn/receipt are read into a Buffer as before.
 */
@Injectable()
export class As2RawBodyCapture {
  constructor(
    adapterHost: HttpAdapterHost,
    @InjectConfig() config: GatewayConfig,
    @Inject(BLOB_STORE) blobs: BlobStore,
  ) {
    const app = adapterHost.httpAdapter?.getInstance<express.Express>();
    if (!app || typeof app.use !== 'function') return;
    const limit = config.AS2_MAX_MESSAGE_BYTES;
    const dir = as2WorkDir(config);
    void sweepAs2WorkDir(dir);
    const raw = express.raw({ type: () => true, limit });
    app.use('/as2', (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'POST') return next();
      if (request.path === '/mdn/receipt') {
        return raw(request, response, (error?: unknown) => {
          if (!error) return next();
          // Body-parser errors happen outside Nest's filters: answer them in the same problem+json form.
          const status = (error as { status?: number }).status ?? 400;
          sendProblem(
            request,
            response,
            status,
            status === 413 ? tooLargeDetail(limit) : 'the body could not be read',
          );
        });
      }
      spoolAs2Body(request, { blobs, dir, limit })
        .then(async (spooled) => {
          // The handler removes the work file when it is done (also when the client hung up); this
          // covers an answer given before the handler ran (a guard, say).
          response.once('close', () => {
            if (response.writableFinished && !spooled.claimed) void rm(spooled.path, { force: true });
          });
          (request as SpooledRequest)[SPOOLED] = spooled;
          request.body =
            spooled.size <= AS2_STREAMING_THRESHOLD_BYTES ? await readFile(spooled.path) : Buffer.alloc(0);
        })
        .then(
          () => next(),
          (error: unknown) => {
            const status = error instanceof As2BodyError ? error.status : 400;
            // The rest of the body may still be on its way: this connection cannot carry another request.
            response.setHeader('Connection', 'close');
            sendProblem(
              request,
              response,
              status,
              status === 413 ? tooLargeDetail(limit) : 'the body could not be read',
            );
          },
        );
    });
  }
}

function tooLargeDetail(limit: number): string {
  return `the AS2 message exceeds AS2_MAX_MESSAGE_BYTES (${limit} bytes)`;
}
