import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { queryOnce } from './postgres.js';

/** Writes an ERP_CONFIG_FILE with the given instances and returns its path. */
export function erpConfigFile(instances: Record<string, unknown>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-erp-'));
  const file = join(dir, 'erp.yaml');
  writeFileSync(file, stringify({ instances }));
  return file;
}

/** Waits until no posting is pending, or fails after `timeoutMs` naming how many still are. */
export async function waitForPostings(databaseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await queryOnce<{ pending: number }>(
      databaseUrl,
      `SELECT count(*)::int AS pending FROM erp_posting WHERE status = 'pending'`,
    );
    if (row!.pending === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${row!.pending} ERP postings still pending after ${timeoutMs} ms`);
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
