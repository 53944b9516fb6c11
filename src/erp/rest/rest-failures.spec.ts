import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  answer,
  call,
  entry,
  failure,
  failureOf,
  request,
  useMisbehavingErp,
} from './misbehaving-erp.test-helper.js';

/**
 * How the REST adapter classifies a failed call, against a local server that misbehaves on
 * purpose: the one question is whether the ERP may have processed it (docs/erp-contract.yaml,
 * "Failures").
 */
const peer = useMisbehavingErp();

describe('RestErp failures before the request is sent are unavailable', () => {
  it('connection refused', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await failureOf(
      peer.erp({ baseUrl: `http://127.0.0.1:${port}`, auth: { type: 'none' } }).post(request, call()),
    );
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a host that does not resolve', async () => {
    const error = await failureOf(
      peer
        .erp({ baseUrl: 'http://erp.no-such-host.invalid', auth: { type: 'none' } })
        .post(request, call({ timeoutMs: 10_000 })),
    );
    expect(error.failure).toBe('unavailable');
    expect(error.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('a call cancelled before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(failure(peer.erp().post(request, call({ signal: controller.signal })))).resolves.toBe(
      'unavailable',
    );
    expect(peer.received).toHaveLength(0);
  });

  it('a bearer token file that cannot be read', async () => {
    const error = await failureOf(
      peer
        .erp({ baseUrl: peer.baseUrl, auth: { type: 'bearer', tokenFile: join(peer.dir, 'missing-token') } })
        .post(request, call()),
    );
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('missing-token');
    expect(peer.received).toHaveLength(0);
  });
});

describe('RestErp failures after the request was sent are outcome-unknown', () => {
  it('the connection is reset after the request arrived', async () => {
    peer.behaviour = (req) => req.socket.destroy();
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('outcome-unknown');
    expect(error.mayHaveCommitted).toBe(true);
    expect(peer.received).toHaveLength(1);
  });

  it('no answer within the timeout', async () => {
    peer.behaviour = () => undefined; // hold the request forever
    const started = Date.now();
    const error = await failureOf(peer.erp().post(request, call({ timeoutMs: 300 })));
    expect(error.failure).toBe('outcome-unknown');
    expect(error.message).toContain('within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('the status line arrives but the body is cut short', async () => {
    peer.behaviour = (_req, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '400' });
      res.write('{"entryId":"1"');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await expect(failure(peer.erp().post(request, call()))).resolves.toBe('outcome-unknown');
  });

  it('the caller cancels while the call is in flight', async () => {
    peer.behaviour = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(failure(peer.erp().post(request, call({ signal: controller.signal })))).resolves.toBe(
      'outcome-unknown',
    );
  });

  it.each([500, 502, 504])('HTTP %i', async (status) => {
    peer.behaviour = answer(status, { title: 'Bad gateway', status });
    await expect(failure(peer.erp().post(request, call()))).resolves.toBe('outcome-unknown');
  });

  it.each([
    ['garbage', 'HTTP/1.1 pretend <html>'],
    ['JSON of another shape', JSON.stringify({ ok: true })],
    ['an entry for another key', JSON.stringify(entry({ idempotencyKey: 'someone-else' }))],
    ['an entry of another operation', JSON.stringify(entry({ operation: 'reverse' }))],
    ['created: false with 201', JSON.stringify(entry({ created: false }))],
  ])('a 201 with %s', async (_name, body) => {
    peer.behaviour = answer(201, body);
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('outcome-unknown');
  });

  it('a 204 with no entry', async () => {
    peer.behaviour = (_req, res) => res.writeHead(204).end();
    await expect(failure(peer.erp().post(request, call()))).resolves.toBe('outcome-unknown');
  });
});

describe('RestErp answers that say "not processed" are unavailable', () => {
  it('503 with Retry-After', async () => {
    peer.behaviour = answer(
      503,
      { title: 'Not processed, retry', status: 503, detail: 'maintenance' },
      { 'Retry-After': '30' },
    );
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('Retry-After: 30');
    expect(error.message).toContain('maintenance');
  });

  it('429 rate limited', async () => {
    peer.behaviour = answer(429, { title: 'Too many requests', status: 429 }, { 'Retry-After': '2' });
    await expect(failure(peer.erp().post(request, call()))).resolves.toBe('unavailable');
  });

  it('a redirect, which is not followed', async () => {
    peer.behaviour = (_req, res) => res.writeHead(302, { Location: 'http://127.0.0.1:9/elsewhere' }).end();
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('rest.baseUrl');
    expect(peer.received).toHaveLength(1);
  });

  it('403: misconfigured credentials, retried after the operator fixes them', async () => {
    peer.behaviour = answer(403, { title: 'Forbidden', status: 403 });
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('credentials');
  });
});

describe('RestErp business answers', () => {
  it('409: the key was used for another request', async () => {
    peer.behaviour = answer(409, { title: 'Idempotency key reused', status: 409, errors: ['first entry 3'] });
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('conflict');
    expect(error.details).toEqual(['first entry 3']);
  });

  it('422 with the problem errors as details', async () => {
    peer.behaviour = answer(422, {
      type: 'urn:supplier-gateway:erp-contract:rejected',
      title: 'Rejected',
      status: 422,
      detail: 'change to purchase order 4500000001 refused',
      errors: ['line 20 is cancelled', { pointer: '/body/lines/0', detail: 'no line 30' }],
    });
    const error = await failureOf(peer.erp().post(request, call()));
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('change to purchase order 4500000001 refused');
    expect(error.details).toEqual(['line 20 is cancelled', '/body/lines/0: no line 30']);
  });

  it.each([400, 404])('%i on an effect is rejected', async (status) => {
    peer.behaviour = answer(status, { title: 'x', status });
    await expect(failure(peer.erp().post(request, call()))).resolves.toBe('rejected');
  });
});
