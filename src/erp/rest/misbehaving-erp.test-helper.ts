import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ErpInstanceConfig } from '../connections/erp-instances.schema.js';
import { ErpCallError, type ErpFailure } from '../port/erp-errors.js';
import type { ErpCallOptions, ErpEntry, ErpPostRequest } from '../port/erp-port.js';
import { RestErp } from './rest-erp.js';

/**
 * A local HTTP server that misbehaves on purpose, for the REST adapter's specs: each test sets how
 * it answers (`behaviour`) and reads what it received.
 */

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Behaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface MisbehavingErp {
  behaviour: Behaviour;
  readonly received: Received[];
  readonly baseUrl: string;
  /** A temporary directory for secret files. */
  readonly dir: string;
  /** The adapter under test, pointed at this server unless told otherwise. */
  erp(rest?: NonNullable<ErpInstanceConfig['rest']>): RestErp;
}

/** Starts the server for the spec file (vitest hooks) and returns its handle. */
export function useMisbehavingErp(): MisbehavingErp {
  let server: Server;
  const peer = {
    behaviour: (() => undefined) as Behaviour,
    received: [] as Received[],
    baseUrl: '',
    dir: mkdtempSync(join(tmpdir(), 'sg-rest-erp-')),
    erp(rest?: NonNullable<ErpInstanceConfig['rest']>) {
      return new RestErp({ id: 'test-erp', rest: rest ?? { baseUrl: peer.baseUrl, auth: { type: 'none' } } });
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        peer.received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        // A fresh connection per request: no test inherits a socket the previous one cut.
        res.shouldKeepAlive = false;
        peer.behaviour(req, res, body);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    peer.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway/v1`;
  });

  afterEach(() => {
    peer.received.length = 0;
    server.closeAllConnections();
  });

  afterAll(() => {
    server.close();
    rmSync(peer.dir, { recursive: true, force: true });
  });

  return peer;
}

export const call = (extra: Partial<ErpCallOptions> = {}): ErpCallOptions => ({
  correlationId: 'corr-4711',
  timeoutMs: 2_000,
  ...extra,
});

export const request: ErpPostRequest<'po-request'> = {
  kind: 'po-request',
  idempotencyKey: 'po-request:REQ-1:rev-0',
  externalReference: 'sg:po-request:REQ-1',
  poNumber: null,
  body: {
    material: 'CMP-BOLT-M8',
    plant: '1000',
    quantity: '500',
    unit: 'EA',
    neededBy: '2026-03-01',
    reason: 'below reorder point',
  },
};

export const entry = (overrides: Partial<ErpEntry> = {}): ErpEntry => ({
  entryId: '17',
  operation: 'post',
  kind: 'po-request',
  documentNumber: '1000000001',
  externalReference: request.externalReference,
  idempotencyKey: request.idempotencyKey,
  postedAt: '2026-02-01T10:00:00.123456Z',
  created: true,
  ...overrides,
});

/** Answers with a status and a JSON body (problem+json for errors), or a raw string. */
export function answer(status: number, body: unknown, headers: Record<string, string> = {}): Behaviour {
  return (_req, res) => {
    const json = status >= 400 && typeof body === 'object';
    res.writeHead(status, {
      'Content-Type': json ? 'application/problem+json' : 'application/json',
      ...headers,
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

export async function failureOf(promise: Promise<unknown>): Promise<ErpCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErpCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export async function failure(promise: Promise<unknown>): Promise<ErpFailure> {
  return (await failureOf(promise)).failure;
}
