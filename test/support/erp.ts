import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { stringify } from 'yaml';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import type { ErpPurchaseOrderLine } from '../../src/erp/port/erp-port.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { queryOnce } from './postgres.js';

/** Writes an ERP_CONFIG_FILE with the given instances and returns its path. */
export function erpConfigFile(instances: Record<string, unknown>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-erp-'));
  const file = join(dir, 'erp.yaml');
  writeFileSync(file, stringify({ instances }));
  return file;
}

/**
 * Waits until no posting is pending and no posting job is queued or running (a replayed dead letter
 * is queued before its posting turns pending again), or fails after `timeoutMs` saying what waits.
 */
export async function waitForPostings(databaseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await queryOnce<{ pending: number; jobs: number }>(
      databaseUrl,
      `SELECT (SELECT count(*)::int FROM erp_posting WHERE status = 'pending') AS pending,
              (SELECT count(*)::int FROM outbox WHERE job_name = 'erp.post' AND status NOT IN ('done', 'dead')) AS jobs`,
    );
    if (row!.pending === 0 && row!.jobs === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${row!.pending} ERP postings pending and ${row!.jobs} posting jobs open after ${timeoutMs} ms`,
      );
    }
    await sleep(100);
  }
}

/** An inbound delivery body for shipment `n` against one PO line. */
export function deliveryBody(n: number, poNumber = '4500000001', quantity = '100') {
  return {
    shipmentNumber: `SHP-${n}`,
    supplier: 'acme-fasteners',
    shippedAt: '2026-11-27T08:00:00Z',
    items: [{ poNumber, lineNumber: '10', material: 'CMP-BOLT-M8', quantity, unit: 'EA' }],
  };
}

/**
 * The environment of a test gateway on `databaseUrl` whose one ERP is the embedded simulator, with
 * quick retries and quiet logs; `instance` overrides the ERP instance's settings.
 */
export function simulatorGatewayEnv(
  databaseUrl: string,
  instance: Record<string, unknown> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ERP_CONFIG_FILE: erpConfigFile([
      {
        id: 'main',
        adapter: 'simulator',
        default: true,
        timeoutMs: 2000,
        retry: { maxAttempts: 5, baseMs: 50, maxMs: 200 },
        ...instance,
      },
    ]),
    ERP_RECONCILE_EVERY_MINUTES: '0',
    JOBS_POLL_MS: '50',
    LOG_LEVEL: 'error',
  };
}

/** The test orders' line: 4800 bolts at 0.042 EUR by 2026-12-04 (a test overrides what it needs). */
export const BOLT_LINE = {
  lineNumber: '10',
  material: 'CMP-BOLT-M8',
  quantity: '4800',
  unit: 'H87',
  deliveryDate: '2026-12-04',
  netPrice: '0.042',
} as const;

export type SimulatorOrderLine = Omit<ErpPurchaseOrderLine, 'status'>;

/**
 * Issues an order in the gateway's embedded ERP simulator (plant 1000, EUR, ordered 2026-11-27) and
 * relays the simulator's output to the PO lifecycle, as the running gateway would on its own schedule.
 */
export async function issueSimulatorOrder(
  app: INestApplication,
  order: {
    readonly poNumber: string;
    readonly supplier: string;
    readonly lines?: readonly SimulatorOrderLine[];
  },
): Promise<void> {
  await app
    .get(ErpConnections)
    .embeddedSimulator()!
    .purchaseOrders.issue({
      poNumber: order.poNumber,
      supplier: order.supplier,
      plant: '1000',
      currency: 'EUR',
      orderDate: '2026-11-27',
      lines: (order.lines ?? [BOLT_LINE]).map((line) => ({ ...line })),
    });
  await app.get(SimulatorOutputRelay).relay();
}
