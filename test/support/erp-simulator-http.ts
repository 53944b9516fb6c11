import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ErpDocumentBody } from '../../src/erp/port/erp-documents.js';
import { ErpCallError, type ErpFailure } from '../../src/erp/port/erp-errors.js';
import type { ErpCallOptions, ErpPostRequest } from '../../src/erp/port/erp-port.js';
import { RestErp } from '../../src/erp/rest/rest-erp.js';
import {
  startSimulatorHttpServer,
  type RunningSimulator,
} from '../../src/erp/simulator/http/simulator-http-server.js';
import { seedDemoMasterData } from '../../src/erp/simulator/simulator-seed.js';
import type { DatabaseEndpoint } from '../../src/platform/database/database-endpoint.js';
import { dataSourceOptions, runMigrations } from '../../src/platform/database/data-source.js';
import { createTestDatabase, queryOnce, type TestDatabase } from './postgres.js';

/**
 * The ERP simulator served over HTTP in the test process, on a fresh migrated database with the
 * demo master data, and a RestErp pointed at it. Faults and settings are reset after each test;
 * the file fails if the simulator answered any request with an unexpected 500.
 */
export interface SimulatorOverHttp {
  readonly db: TestDatabase;
  readonly dataSource: DataSource;
  readonly simulator: RunningSimulator;
  readonly erp: RestErp;
  /** Calls the simulator's /simulator administration; throws unless it answers 2xx. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  /** The journal entries under an external reference, read straight from the database. */
  entriesFor(reference: string): Promise<{ operation: string }[]>;
}

export function useSimulatorOverHttp(label: string): SimulatorOverHttp {
  const errors: unknown[] = [];
  const state = {} as { db: TestDatabase; dataSource: DataSource; simulator: RunningSimulator; erp: RestErp };
  const harness: SimulatorOverHttp = {
    get db() {
      return state.db;
    },
    get dataSource() {
      return state.dataSource;
    },
    get simulator() {
      return state.simulator;
    },
    get erp() {
      return state.erp;
    },
    async admin(method, path, body) {
      const res = await fetch(`${state.simulator.url}/simulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    },
    entriesFor: (reference) =>
      queryOnce<{ operation: string }>(
        state.db.url,
        `SELECT operation FROM erp_sim_entry WHERE external_reference = $1 ORDER BY id`,
        [reference],
      ),
  };

  beforeAll(async () => {
    state.db = await createTestDatabase(label);
    const endpoint: DatabaseEndpoint = {
      url: state.db.url,
      embedded: false,
      poolSize: 4,
      settle: async () => {},
      close: async () => {},
    };
    await runMigrations(endpoint);
    state.dataSource = new DataSource(dataSourceOptions(endpoint));
    await state.dataSource.initialize();
    await seedDemoMasterData(state.dataSource);
    state.simulator = await startSimulatorHttpServer({
      dataSource: state.dataSource,
      port: 0,
      onError: (e) => errors.push(e),
    });
    state.erp = new RestErp({
      id: 'sim-http',
      rest: { baseUrl: state.simulator.url, auth: { type: 'none' } },
    });
  });

  afterEach(async () => {
    await harness.admin('DELETE', '/faults');
    await harness.admin('PUT', '/settings', { idempotency: 'honour' });
  });

  afterAll(async () => {
    await state.simulator?.close();
    await state.dataSource?.destroy();
    await state.db?.drop();
    expect(errors, 'the simulator answered no request with an unexpected 500').toEqual([]);
  });

  return harness;
}

export const call = (timeoutMs = 5_000): ErpCallOptions => ({
  correlationId: `it-${randomUUID()}`,
  timeoutMs,
});

export async function failureOf(promise: Promise<unknown>): Promise<ErpCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ErpCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export const failure = async (promise: Promise<unknown>): Promise<ErpFailure> =>
  (await failureOf(promise)).failure;

export const delivery = (shipmentNumber: string, quantity = '100'): ErpDocumentBody<'inbound-delivery'> => ({
  shipmentNumber,
  supplier: 'acme-fasteners',
  shippedAt: '2026-02-01T08:00:00Z',
  items: [{ poNumber: '4500000001', lineNumber: '10', material: 'CMP-BOLT-M8', quantity, unit: 'EA' }],
});

/** A new inbound delivery posting with its own key and reference. */
export function postDelivery(quantity = '100'): ErpPostRequest<'inbound-delivery'> {
  const asn = `ASN-${randomUUID().slice(0, 8)}`;
  return {
    kind: 'inbound-delivery',
    idempotencyKey: `inbound-delivery:acme-fasteners:${asn}:rev-0`,
    externalReference: `sg:inbound-delivery:${asn}`,
    poNumber: '4500000001',
    body: delivery(asn, quantity),
  };
}
