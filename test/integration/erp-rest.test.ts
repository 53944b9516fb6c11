import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErpDocumentBody } from '../../src/erp/port/erp-documents.js';
import { componentValidator, loadContract } from '../../src/erp/rest/erp-contract.test-helper.js';
import { RestErp } from '../../src/erp/rest/rest-erp.js';
import { startSimulatorHttpServer } from '../../src/erp/simulator/http/simulator-http-server.js';
import {
  call,
  delivery,
  failure,
  failureOf,
  postDelivery,
  useSimulatorOverHttp,
} from '../support/erp-simulator-http.js';

/**
 * The generic REST adapter against the ERP simulator served over HTTP on a fresh database: every
 * contract operation, keys honoured and ignored, authentication, and answers that fit
 * docs/erp-contract.yaml. Faults: erp-rest-faults.test.ts.
 */
describe('RestErp against the ERP simulator over HTTP', () => {
  const h = useSimulatorOverHttp('erp_rest');
  const secrets = mkdtempSync(join(tmpdir(), 'sg-erp-rest-'));
  afterAll(() => rmSync(secrets, { recursive: true, force: true }));

  describe('effects', () => {
    it('posts once: a repeated key returns the first entry, another request under it is a conflict', async () => {
      const request = postDelivery();
      const first = await h.erp.post(request, call());
      expect(first).toMatchObject({
        operation: 'post',
        kind: 'inbound-delivery',
        externalReference: request.externalReference,
        idempotencyKey: request.idempotencyKey,
        created: true,
      });
      expect(first.documentNumber).toMatch(/^18\d{8}$/);

      const again = await h.erp.post(request, call());
      expect(again).toEqual({ ...first, created: false });

      const conflict = await failureOf(h.erp.post({ ...request, body: delivery('OTHER', '5') }, call()));
      expect(conflict.failure).toBe('conflict');
      expect(await h.entriesFor(request.externalReference)).toHaveLength(1);
    });

    it('rejects a business error (422) and an invalid body (400) with their reasons', async () => {
      const confirmation = await failureOf(
        h.erp.post(
          {
            kind: 'po-confirmation',
            idempotencyKey: `po-confirmation:${randomUUID()}:rev-0`,
            externalReference: `sg:po-confirmation:${randomUUID()}`,
            poNumber: '4599999999',
            body: {
              poNumber: '4599999999',
              poRevision: 0,
              supplier: 'acme-fasteners',
              acknowledgedAt: '2026-02-01T08:00:00Z',
              lines: [{ lineNumber: '10', status: 'accepted', quantity: '10', unit: 'EA' }],
            },
          },
          call(),
        ),
      );
      expect(confirmation.failure).toBe('rejected');
      expect(confirmation.message).toContain('HTTP 422');
      expect(confirmation.message).toContain('no purchase order 4599999999');

      const request = postDelivery();
      const invalid = await failureOf(
        h.erp.post(
          { ...request, body: { ...request.body, items: [] } as ErpDocumentBody<'inbound-delivery'> },
          call(),
        ),
      );
      expect(invalid.failure).toBe('rejected');
      expect(invalid.message).toContain('HTTP 400');
      expect(invalid.details.join('\n')).toContain('body.items');
    });

    it('amends and reverses a document; stale revisions and unknown documents are rejected', async () => {
      const request = postDelivery('100');
      const posted = await h.erp.post(request, call());
      const amendment = {
        kind: 'inbound-delivery' as const,
        documentNumber: posted.documentNumber,
        revision: 1,
        idempotencyKey: `${request.idempotencyKey}:amend-1`,
        externalReference: `${request.externalReference}:rev-1`,
        body: delivery(request.body.shipmentNumber, '80'),
      };
      const amended = await h.erp.amend(amendment, call());
      expect(amended).toMatchObject({
        operation: 'amend',
        documentNumber: posted.documentNumber,
        created: true,
      });
      await expect(h.erp.amend(amendment, call())).resolves.toMatchObject({ created: false });

      const document = await h.erp.readDocument(request.externalReference, call());
      expect(document).toMatchObject({
        status: 'active',
        revision: 1,
        documentNumber: posted.documentNumber,
      });
      expect(document!.body).toEqual(amendment.body);

      const stale = await failureOf(
        h.erp.amend({ ...amendment, idempotencyKey: `${amendment.idempotencyKey}:x`, revision: 1 }, call()),
      );
      expect(stale.failure).toBe('rejected');
      expect(stale.message).toContain('stale');

      const reversal = {
        documentNumber: posted.documentNumber,
        reason: 'shipment cancelled by the supplier',
        idempotencyKey: `${request.idempotencyKey}:reverse`,
        externalReference: `${request.externalReference}:reverse`,
      };
      await expect(h.erp.reverse(reversal, call())).resolves.toMatchObject({
        operation: 'reverse',
        created: true,
      });
      await expect(h.erp.readDocument(request.externalReference, call())).resolves.toMatchObject({
        status: 'reversed',
      });
      const twice = await failureOf(h.erp.reverse({ ...reversal, idempotencyKey: 'another-key' }, call()));
      expect(twice.failure).toBe('rejected');

      const unknown = await failureOf(h.erp.reverse({ ...reversal, documentNumber: '1899999999' }, call()));
      expect(unknown.failure).toBe('rejected');
      expect(unknown.message).toContain('HTTP 404');
    });
  });

  describe('reads', () => {
    it('finds an entry and a document by external reference, null when there is none', async () => {
      const request = postDelivery();
      const posted = await h.erp.post(request, call());
      await expect(h.erp.findEntry(request.externalReference, call())).resolves.toEqual({
        ...posted,
        created: false,
      });
      await expect(h.erp.findEntry('sg:nothing-here', call())).resolves.toBeNull();
      await expect(h.erp.readDocument('sg:nothing-here', call())).resolves.toBeNull();
    });

    it('reads a purchase order the buyer issued and changed in the ERP', async () => {
      const poNumber = `45${Date.now().toString().slice(-8)}`;
      const issued = await h.admin('POST', '/purchase-orders', {
        poNumber,
        supplier: 'acme-fasteners',
        plant: '1000',
        currency: 'EUR',
        lines: [
          {
            lineNumber: '10',
            material: 'CMP-BOLT-M8',
            quantity: '1000',
            unit: 'EA',
            deliveryDate: '2026-03-01',
          },
        ],
      });
      expect(await h.erp.readPurchaseOrder(poNumber, call())).toEqual(issued);

      await h.admin('POST', `/purchase-orders/${poNumber}/changes`, {
        lines: [{ lineNumber: '10', quantity: '1200' }],
      });
      const changed = await h.erp.readPurchaseOrder(poNumber, call());
      expect(changed).toMatchObject({ revision: 1, lines: [{ quantity: '1200', status: 'open' }] });
      const outputs = (await h.admin('GET', '/outputs')).items.filter((o: any) => o.poNumber === poNumber);
      expect(outputs.map((o: any) => [o.message, o.revision])).toEqual([
        ['po-issued', 0],
        ['po-changed', 1],
      ]);
      await expect(h.erp.readPurchaseOrder('4599999998', call())).resolves.toBeNull();
    });

    it('reads master data with filters, and stock', async () => {
      const data = await h.erp.readMasterData({ plant: '1000', materials: ['FG-PUMP-100'] }, call());
      expect(data.plants).toEqual([
        { plant: '1000', name: 'Riverside assembly (Line 4)', timezone: 'Europe/Berlin' },
      ]);
      expect(data.materials.map((m) => m.material)).toEqual([
        'CMP-BOLT-M8',
        'CMP-HOUSING-C1',
        'FG-PUMP-100',
        'RAW-STEEL-S235',
      ]);
      expect(data.billsOfMaterial).toContainEqual({
        plant: '1000',
        material: 'FG-PUMP-100',
        component: 'RAW-STEEL-S235',
        quantityPer: '3.25',
        unit: 'KGM',
      });
      const all = await h.erp.readMasterData({}, call());
      expect(all.plants.map((p) => p.plant)).toEqual(['1000', '2000']);
      expect(all.sourceList).toContainEqual(
        expect.objectContaining({ material: 'CMP-HOUSING-C1', leadTimeDays: 21 }),
      );

      await expect(h.erp.readStock('CMP-BOLT-M8', '1000', call())).resolves.toMatchObject({
        material: 'CMP-BOLT-M8',
        plant: '1000',
        unrestricted: '4800',
        unit: 'H87',
      });
      await expect(h.erp.readStock('CMP-BOLT-M8', '2000', call())).resolves.toBeNull();
    });
  });

  it('with keys ignored, a repeated key makes a second entry, and the duplicates are listed', async () => {
    await h.admin('PUT', '/settings', { idempotency: 'ignore' });
    const request = postDelivery();
    const first = await h.erp.post(request, call());
    const second = await h.erp.post(request, call());
    expect(second.created).toBe(true);
    expect(second.entryId).not.toBe(first.entryId);
    expect(second.documentNumber).not.toBe(first.documentNumber);
    const duplicates = (await h.admin('GET', '/duplicates')).items;
    expect(duplicates).toContainEqual({
      externalReference: request.externalReference,
      operation: 'post',
      count: 2,
    });
    // findEntry answers the oldest: the effect the gateway should keep.
    await expect(h.erp.findEntry(request.externalReference, call())).resolves.toMatchObject({
      entryId: first.entryId,
    });
  });

  describe('authentication', () => {
    it('bearer: the right token passes, a wrong one is unavailable with a clear message', async () => {
      const secured = await startSimulatorHttpServer({
        dataSource: h.dataSource,
        port: 0,
        credentials: { type: 'bearer', token: 'sim-token-1' },
      });
      try {
        const good = join(secrets, 'good-token');
        const bad = join(secrets, 'bad-token');
        writeFileSync(good, 'sim-token-1\n');
        writeFileSync(bad, 'sim-token-0\n');
        const rest = (tokenFile: string) =>
          new RestErp({ id: 'secured', rest: { baseUrl: secured.url, auth: { type: 'bearer', tokenFile } } });
        await expect(rest(good).post(postDelivery(), call())).resolves.toMatchObject({ created: true });
        const error = await failureOf(rest(bad).post(postDelivery(), call()));
        expect(error.failure).toBe('unavailable');
        expect(error.message).toContain('HTTP 401');
        expect(error.message).toContain('credentials');
      } finally {
        await secured.close();
      }
    });

    it('basic: the right password passes, a wrong one is unavailable', async () => {
      const secured = await startSimulatorHttpServer({
        dataSource: h.dataSource,
        port: 0,
        credentials: { type: 'basic', username: 'gateway', password: 'pässword' },
      });
      try {
        const good = join(secrets, 'good-password');
        const bad = join(secrets, 'bad-password');
        writeFileSync(good, 'pässword\n');
        writeFileSync(bad, 'password\n');
        const rest = (passwordFile: string) =>
          new RestErp({
            id: 'secured',
            rest: { baseUrl: secured.url, auth: { type: 'basic', username: 'gateway', passwordFile } },
          });
        await expect(rest(good).readStock('CMP-BOLT-M8', '1000', call())).resolves.not.toBeNull();
        await expect(failure(rest(bad).readStock('CMP-BOLT-M8', '1000', call()))).resolves.toBe(
          'unavailable',
        );
        const anonymous = await fetch(`${secured.url}/stock/1000/CMP-BOLT-M8`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
      } finally {
        await secured.close();
      }
    });
  });

  it('answers as docs/erp-contract.yaml says, success and failure alike', async () => {
    const contract = loadContract();
    const fits = async (res: Response, status: number, schema: string) => {
      expect(res.status).toBe(status);
      const body = await res.json();
      const parsed = componentValidator(contract, schema).safeParse(body);
      expect(parsed.error?.issues ?? [], `${res.url} ${schema}`).toEqual([]);
      return body as any;
    };
    const request = postDelivery();
    const post = (body: unknown) =>
      fetch(`${h.simulator.url}/postings/inbound-delivery`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': request.idempotencyKey },
        body: JSON.stringify(body),
      });
    const contractBody = {
      externalReference: request.externalReference,
      poNumber: '4500000001',
      body: request.body,
    };
    const entry = await fits(await post(contractBody), 201, 'Entry');
    await fits(await post(contractBody), 200, 'Entry');
    await fits(await post({ ...contractBody, poNumber: null }), 409, 'Problem');
    const query = `externalReference=${encodeURIComponent(request.externalReference)}`;
    await fits(await fetch(`${h.simulator.url}/entries?${query}`), 200, 'EntryList');
    await fits(await fetch(`${h.simulator.url}/documents?${query}`), 200, 'DocumentList');
    await fits(
      await fetch(`${h.simulator.url}/master-data?plant=1000&material=FG-PUMP-100`),
      200,
      'MasterData',
    );
    await fits(await fetch(`${h.simulator.url}/stock/1000/RAW-STEEL-S235`), 200, 'Stock');
    await fits(await fetch(`${h.simulator.url}/stock/2000/RAW-STEEL-S235`), 404, 'Problem');
    await fits(await fetch(`${h.simulator.url}/purchase-orders/4599999997`), 404, 'Problem');
    const po = await h.admin('POST', '/purchase-orders', {
      supplier: 'nordic-castings',
      plant: '1000',
      currency: 'EUR',
      lines: [
        {
          lineNumber: '10',
          material: 'CMP-HOUSING-C1',
          quantity: '40',
          unit: 'EA',
          deliveryDate: '2026-04-01',
          netPrice: '31.5',
        },
      ],
    });
    await fits(await fetch(`${h.simulator.url}/purchase-orders/${po.poNumber}`), 200, 'PurchaseOrder');
    const amend = (revision: number) =>
      fetch(`${h.simulator.url}/documents/${entry.documentNumber}/amendments`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': `${request.idempotencyKey}:${revision}`,
        },
        body: JSON.stringify({
          kind: 'inbound-delivery',
          revision,
          externalReference: `${request.externalReference}:${revision}`,
          body: request.body,
        }),
      });
    await fits(await amend(0), 422, 'Problem');
    await h.admin('PUT', '/faults/read/fail', { rate: 1, remaining: 1 });
    const refused = await fetch(`${h.simulator.url}/stock/1000/RAW-STEEL-S235`);
    expect(refused.headers.get('retry-after')).toBe('1');
    await fits(refused, 503, 'Problem');
  });
});
