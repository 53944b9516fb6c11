import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { SimulatorFaults } from '../simulator-faults.js';
import { SimulatorLedger } from '../simulator-ledger.js';
import { SimulatorPurchaseOrders } from '../simulator-purchase-orders.js';
import { SimulatorReads } from '../simulator-reads.js';
import { adminRoutes } from './admin.routes.js';
import { contractRoutes } from './contract.routes.js';
import { checkCredentials, type SimulatorCredentials } from './simulator-credentials.js';
import { HttpProblem, sendProblem, toProblem } from './problem.js';
import type { Handle, SimulatorCore } from './simulator-http-types.js';

export type { SimulatorCredentials } from './simulator-credentials.js';

export interface SimulatorHttpOptions {
  readonly dataSource: DataSource;
  /** When set, every route requires them, as an ERP would (the instance's `rest.auth`). */
  readonly credentials?: SimulatorCredentials;
  /** Told about unexpected errors only (each answered 500); the simulator logs nothing by itself. */
  readonly onError?: (error: unknown) => void;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 — the base URL of the contract. */
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, waits for work in flight (late commits included), then closes connections. */
  close(): Promise<void>;
}

/** Visible ASCII up to 128 characters, as the gateway sends it; anything else gets an id of its own. */
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * The simulator's HTTP face: the generic REST contract (docs/erp-contract.yaml) plus its
 * /simulator administration, over the simulator core on `dataSource`. Returns the app and a
 * function that waits for every piece of work still running.
 */
export function createSimulatorApp(options: SimulatorHttpOptions): {
  app: express.Express;
  drain: () => Promise<void>;
} {
  const core: SimulatorCore = {
    ledger: new SimulatorLedger(options.dataSource),
    reads: new SimulatorReads(options.dataSource),
    faults: new SimulatorFaults(options.dataSource),
    purchaseOrders: new SimulatorPurchaseOrders(options.dataSource),
  };
  const inFlight = new Set<Promise<void>>();
  const answerError = (req: Request, res: Response, error: unknown) => {
    const { problem, unexpected } = toProblem(error);
    if (unexpected) options.onError?.(error);
    sendProblem(req, res, problem);
  };
  const handle: Handle = (handler) => (req, res) => {
    const work = handler(req, res).catch((error: unknown) => answerError(req, res, error));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const given = req.get('X-Correlation-Id');
    res.setHeader('X-Correlation-Id', given && CORRELATION_ID.test(given) ? given : randomUUID());
    next();
  });
  if (options.credentials) {
    const credentials = options.credentials;
    app.use((req, res, next) => {
      const refusal = checkCredentials(credentials, req.get('Authorization'));
      if (refusal) return sendProblem(req, res, refusal);
      next();
    });
  }
  app.use((req, res, next) => {
    // req.is() is null without a body and false for a body of another type.
    if (req.is(JSON_TYPES) === false) {
      return sendProblem(
        req,
        res,
        new HttpProblem('unsupported-media-type', 'send the body as Content-Type: application/json'),
      );
    }
    next();
  });
  app.use(express.json({ limit: '1mb', type: JSON_TYPES }));
  app.use('/simulator', adminRoutes(core, handle));
  app.use(contractRoutes(core, handle));
  app.use((req: Request, res: Response) =>
    sendProblem(req, res, new HttpProblem('not-found', `no route ${req.method} ${req.path}`)),
  );
  // Errors raised before a route runs (the JSON body parser) end here.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => answerError(req, res, error));

  const drain = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  return { app, drain };
}

export async function startSimulatorHttpServer(
  options: SimulatorHttpOptions & { port: number; host?: string },
): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const { app, drain } = createSimulatorApp(options);
  const server = app.listen(options.port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await drain();
      // Connections still open once the work is done are idle keep-alives, or answered ones
      // still flushing: give those a moment, then cut what is left.
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearTimeout(cut);
    })());
  return { url, server, close };
}
