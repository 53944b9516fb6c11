import { writeFileSync } from 'node:fs';
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

/** What the REST adapter sends and how it reads answers, against a local server. */
const peer = useMisbehavingErp();

describe('RestErp requests', () => {
  it('posts the contract body with the key, the correlation id and JSON headers, and reads a 201', async () => {
    peer.behaviour = answer(201, entry());
    const result = await peer.erp().post(request, call());

    expect(result).toEqual(entry());
    expect(peer.received).toHaveLength(1);
    const [sent] = peer.received;
    expect(sent!.method).toBe('POST');
    expect(sent!.url).toBe('/gateway/v1/postings/po-request');
    expect(sent!.headers['idempotency-key']).toBe(request.idempotencyKey);
    expect(sent!.headers['x-correlation-id']).toBe('corr-4711');
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.headers.accept).toContain('application/json');
    expect(sent!.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent!.body)).toEqual({
      externalReference: request.externalReference,
      poNumber: null,
      body: request.body,
    });
  });

  it('reads a 200 as the first entry answered again (created: false)', async () => {
    peer.behaviour = answer(200, entry({ created: false }));
    await expect(peer.erp().post(request, call())).resolves.toMatchObject({ created: false, entryId: '17' });
  });

  it('amends and reverses on the document path with the contract bodies', async () => {
    peer.behaviour = answer(
      201,
      entry({ operation: 'amend', documentNumber: '18/0001', kind: 'po-request' }),
    );
    await peer
      .erp()
      .amend(
        { ...request, documentNumber: '18/0001', revision: 2, idempotencyKey: request.idempotencyKey },
        call(),
      );
    peer.behaviour = answer(201, entry({ operation: 'reverse', documentNumber: '18/0001' }));
    await peer.erp().reverse(
      {
        documentNumber: '18/0001',
        reason: 'cancelled',
        idempotencyKey: request.idempotencyKey,
        externalReference: request.externalReference,
      },
      call(),
    );
    expect(peer.received.map((r) => r.url)).toEqual([
      '/gateway/v1/documents/18%2F0001/amendments',
      '/gateway/v1/documents/18%2F0001/reversal',
    ]);
    expect(JSON.parse(peer.received[0]!.body)).toEqual({
      kind: 'po-request',
      revision: 2,
      externalReference: request.externalReference,
      body: request.body,
    });
    expect(JSON.parse(peer.received[1]!.body)).toEqual({
      externalReference: request.externalReference,
      reason: 'cancelled',
    });
  });

  it('refuses an idempotency key the contract cannot carry, without sending anything', async () => {
    const error = await failureOf(
      peer.erp().post({ ...request, idempotencyKey: 'po-request:Lieferschein-Größe-5' }, call()),
    );
    expect(error.failure).toBe('rejected');
    expect(peer.received).toHaveLength(0);
    await expect(
      failure(peer.erp().post({ ...request, idempotencyKey: 'trailing-space ' }, call())),
    ).resolves.toBe('rejected');
    expect(peer.received).toHaveLength(0);
  });

  it('sends a key with spaces inside as it is', async () => {
    peer.behaviour = answer(201, entry({ idempotencyKey: 'inbound-delivery:SHP 1:rev-0' }));
    await peer.erp().post({ ...request, idempotencyKey: 'inbound-delivery:SHP 1:rev-0' }, call());
    expect(peer.received[0]!.headers['idempotency-key']).toBe('inbound-delivery:SHP 1:rev-0');
  });
});

describe('RestErp credentials', () => {
  it('sends the bearer token and, on a 401, reads the file again and retries once with the new token', async () => {
    const tokenFile = join(peer.dir, 'token');
    writeFileSync(tokenFile, 'old-token\n');
    const adapter = peer.erp({ baseUrl: peer.baseUrl, auth: { type: 'bearer', tokenFile } });
    peer.behaviour = answer(201, entry());
    await adapter.post(request, call());
    expect(peer.received[0]!.headers.authorization).toBe('Bearer old-token');

    writeFileSync(tokenFile, 'new-token\n');
    peer.behaviour = (req, res, body) =>
      req.headers.authorization === 'Bearer new-token'
        ? answer(200, entry({ created: false }))(req, res, body)
        : answer(401, { title: 'Unauthenticated', status: 401 })(req, res, body);
    await expect(adapter.post(request, call())).resolves.toMatchObject({ created: false });
    expect(peer.received.slice(1).map((r) => r.headers.authorization)).toEqual([
      'Bearer old-token',
      'Bearer new-token',
    ]);
  });

  it('a 401 with an unchanged token is unavailable after one request', async () => {
    const tokenFile = join(peer.dir, 'stale-token');
    writeFileSync(tokenFile, 'stale');
    peer.behaviour = answer(401, { title: 'Unauthenticated', status: 401 });
    const error = await failureOf(
      peer.erp({ baseUrl: peer.baseUrl, auth: { type: 'bearer', tokenFile } }).post(request, call()),
    );
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('rest.auth');
    expect(peer.received).toHaveLength(1);
  });

  it('sends basic credentials (RFC 7617)', async () => {
    const passwordFile = join(peer.dir, 'password');
    writeFileSync(passwordFile, 'sésame\n');
    peer.behaviour = answer(201, entry());
    await peer
      .erp({ baseUrl: peer.baseUrl, auth: { type: 'basic', username: 'gateway', passwordFile } })
      .post(request, call());
    expect(peer.received[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('gateway:sésame', 'utf8').toString('base64')}`,
    );
  });
});

describe('RestErp reads', () => {
  it('404 on a purchase order or stock is null; an empty search is null', async () => {
    peer.behaviour = answer(404, { title: 'Not found', status: 404 });
    await expect(peer.erp().readPurchaseOrder('4500000001', call())).resolves.toBeNull();
    await expect(peer.erp().readStock('CMP-BOLT-M8', '1000', call())).resolves.toBeNull();
    peer.behaviour = answer(200, { items: [] });
    await expect(peer.erp().findEntry('sg:x', call())).resolves.toBeNull();
    await expect(peer.erp().readDocument('sg:x', call())).resolves.toBeNull();
    expect(peer.received.map((r) => r.url)).toEqual([
      '/gateway/v1/purchase-orders/4500000001',
      '/gateway/v1/stock/1000/CMP-BOLT-M8',
      '/gateway/v1/entries?externalReference=sg%3Ax',
      '/gateway/v1/documents?externalReference=sg%3Ax',
    ]);
  });

  it('sends the master data filters as query parameters', async () => {
    peer.behaviour = answer(200, {
      plants: [],
      materials: [],
      unitConversions: [],
      billsOfMaterial: [],
      sourceList: [],
    });
    await peer.erp().readMasterData({ plant: '1000', materials: ['A', 'B'] }, call());
    expect(peer.received[0]!.url).toBe('/gateway/v1/master-data?plant=1000&material=A&material=B');
  });

  it('a document whose body does not fit its kind is not trusted', async () => {
    peer.behaviour = answer(200, {
      items: [
        {
          documentNumber: '1000000001',
          kind: 'po-request',
          poNumber: null,
          externalReference: 'sg:x',
          status: 'active',
          revision: 0,
          body: { material: 'A' },
          updatedAt: '2026-02-01T10:00:00Z',
        },
      ],
    });
    const error = await failureOf(peer.erp().readDocument('sg:x', call()));
    expect(error.failure).toBe('outcome-unknown');
    expect(error.message).toContain('body.');
  });

  it('a stock answer for another material is not trusted', async () => {
    peer.behaviour = answer(200, {
      material: 'OTHER',
      plant: '1000',
      unrestricted: '5',
      unit: 'EA',
      asOf: '2026-02-01T10:00:00Z',
    });
    await expect(failure(peer.erp().readStock('CMP-BOLT-M8', '1000', call()))).resolves.toBe(
      'outcome-unknown',
    );
  });
});
