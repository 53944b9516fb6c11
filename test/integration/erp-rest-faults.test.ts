import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RestErp } from '../../src/erp/rest/rest-erp.js';
import { startSimulatorHttpServer } from '../../src/erp/simulator/http/simulator-http-server.js';
import {
  call,
  failure,
  failureOf,
  postDelivery,
  useSimulatorOverHttp,
} from '../support/erp-simulator-http.js';

/**
 * The simulator's fault modes over HTTP, as the REST adapter sees them (docs/erp-contract.yaml,
 * "Failures"), bad input answered with problems, and a close that waits for late commits.
 */
describe('RestErp against a faulty ERP simulator over HTTP', () => {
  const h = useSimulatorOverHttp('erp_rest_faults');

  describe('faults, as the adapter sees them', () => {
    it('fail: 503, unavailable, nothing committed', async () => {
      await h.admin('PUT', '/faults/post/fail', { rate: 1, remaining: 1 });
      const request = postDelivery();
      const error = await failureOf(h.erp.post(request, call()));
      expect(error.failure).toBe('unavailable');
      expect(error.message).toContain('Retry-After');
      expect(await h.entriesFor(request.externalReference)).toHaveLength(0);
      // The rule fired once and is spent: the retry goes through.
      await expect(h.erp.post(request, call())).resolves.toMatchObject({ created: true });
      const [rule] = (await h.admin('GET', '/faults')).items;
      expect(rule).toMatchObject({ operation: 'post', mode: 'fail', injected: 1, remaining: 0 });
    });

    it('timeout: a 503 after the delay, or no answer in time when the caller gives up first; nothing committed', async () => {
      await h.admin('PUT', '/faults/post/timeout', { rate: 1, delayMs: 200 });
      const request = postDelivery();
      await expect(failure(h.erp.post(request, call(3_000)))).resolves.toBe('unavailable');

      await h.admin('PUT', '/faults/post/timeout', { rate: 1, delayMs: 1_000 });
      const given = await failureOf(h.erp.post(request, call(200)));
      expect(given.failure).toBe('outcome-unknown');
      expect(given.message).toContain('within 200 ms');
      await sleep(1_000);
      expect(await h.entriesFor(request.externalReference)).toHaveLength(0);
    });

    it('drop-answer: committed, connection cut, outcome unknown; the look-up finds the entry', async () => {
      await h.admin('PUT', '/faults/post/drop-answer', { rate: 1, remaining: 1 });
      const request = postDelivery();
      const error = await failureOf(h.erp.post(request, call()));
      expect(error.failure).toBe('outcome-unknown');
      expect(error.mayHaveCommitted).toBe(true);
      await expect(h.erp.findEntry(request.externalReference, call())).resolves.toMatchObject({
        idempotencyKey: request.idempotencyKey,
      });
      // Keys honoured: the retry answers the first entry instead of posting again.
      await expect(h.erp.post(request, call())).resolves.toMatchObject({ created: false });
      expect(await h.entriesFor(request.externalReference)).toHaveLength(1);
    });

    it('commit-late: the caller times out, the entry appears afterwards', async () => {
      await h.admin('PUT', '/faults/post/commit-late', { rate: 1, delayMs: 1_500, remaining: 1 });
      const request = postDelivery();
      await expect(failure(h.erp.post(request, call(200)))).resolves.toBe('outcome-unknown');
      await expect(h.erp.findEntry(request.externalReference, call())).resolves.toBeNull();
      const deadline = Date.now() + 5_000;
      let found = null;
      while (!found && Date.now() < deadline) {
        await sleep(100);
        found = await h.erp.findEntry(request.externalReference, call());
      }
      expect(found).toMatchObject({ externalReference: request.externalReference });
    });

    it('faults on reads: fail is unavailable, drop-answer is outcome-unknown', async () => {
      await h.admin('PUT', '/faults/read/fail', { rate: 1, remaining: 1 });
      await expect(failure(h.erp.readStock('CMP-BOLT-M8', '1000', call()))).resolves.toBe('unavailable');
      await h.admin('PUT', '/faults/read/drop-answer', { rate: 1, remaining: 1 });
      await expect(failure(h.erp.readMasterData({}, call()))).resolves.toBe('outcome-unknown');
      await expect(h.erp.readStock('CMP-BOLT-M8', '1000', call())).resolves.not.toBeNull();
    });

    it('an outage window: every call refused until it ends', async () => {
      await h.admin('PUT', '/faults/*/fail', { rate: 1, forMs: 1_500 });
      const request = postDelivery();
      await expect(failure(h.erp.post(request, call()))).resolves.toBe('unavailable');
      await expect(failure(h.erp.findEntry(request.externalReference, call()))).resolves.toBe('unavailable');
      await sleep(1_600);
      await expect(h.erp.post(request, call())).resolves.toMatchObject({ created: true });
    });
  });

  describe('bad input gets problem+json, never a crash', () => {
    const raw = (path: string, init: RequestInit = {}) => fetch(`${h.simulator.url}${path}`, init);
    const json = { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' };

    it.each([
      [
        'invalid JSON',
        '/postings/inbound-delivery',
        { method: 'POST', headers: json, body: '{"externalRef' },
        400,
      ],
      [
        'no Idempotency-Key',
        '/postings/inbound-delivery',
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' },
        400,
      ],
      [
        'a body that is not JSON',
        '/postings/inbound-delivery',
        { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': 'k' }, body: 'hello' },
        415,
      ],
      ['an unknown kind', '/postings/invoice', { method: 'POST', headers: json, body: '{}' }, 404],
      ['an unknown route', '/nothing', {}, 404],
      ['a repeated query parameter', '/entries?externalReference=a&externalReference=b', {}, 400],
      [
        'a fault rule out of range',
        '/simulator/faults/post/fail',
        { method: 'PUT', headers: json, body: '{"rate":2}' },
        400,
      ],
      [
        'an unknown fault mode',
        '/simulator/faults/post/explode',
        { method: 'PUT', headers: json, body: '{"rate":1}' },
        400,
      ],
      [
        'a too large body',
        '/postings/inbound-delivery',
        { method: 'POST', headers: json, body: `"${'x'.repeat(1_100_000)}"` },
        413,
      ],
    ])('%s', async (_name, path, init, status) => {
      const res = await raw(path, init as RequestInit);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as any;
      expect(problem).toMatchObject({
        status,
        type: expect.stringMatching(/^urn:supplier-gateway:erp-contract:/),
      });
      expect(problem.correlationId).toEqual(expect.any(String));
    });

    it('lists every problem of an invalid posting', async () => {
      const res = await raw('/postings/inbound-delivery', {
        method: 'POST',
        headers: { ...json, 'X-Correlation-Id': 'corr-bad-1' },
        body: JSON.stringify({ externalReference: '', poNumber: null, body: {}, extra: 1 }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-correlation-id')).toBe('corr-bad-1');
      const problem = (await res.json()) as any;
      expect(problem.correlationId).toBe('corr-bad-1');
      expect(problem.errors.length).toBeGreaterThanOrEqual(2);
    });
  });

  it('closing the server waits for a late commit still in flight', async () => {
    const own = await startSimulatorHttpServer({ dataSource: h.dataSource, port: 0 });
    const rest = new RestErp({ id: 'closing', rest: { baseUrl: own.url, auth: { type: 'none' } } });
    await h.admin('PUT', '/faults/post/commit-late', { rate: 1, delayMs: 500, remaining: 1 });
    const request = postDelivery();
    await expect(failure(rest.post(request, call(100)))).resolves.toBe('outcome-unknown');
    await own.close();
    expect(await h.entriesFor(request.externalReference)).toHaveLength(1);
  });
});
