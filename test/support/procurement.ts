import { randomUUID } from 'node:crypto';
import { parseEventOf } from '../../src/canonical/events/catalogue.js';
import { BOLT_LINE } from './erp.js';
import { queryOnce } from './postgres.js';

/** A second order line beside BOLT_LINE: 140 housings, otherwise the same. */
export const HOUSING_LINE = { ...BOLT_LINE, lineNumber: '20', material: 'CMP-HOUSING-C1', quantity: '140' };

/** Which lines of an order are cancelled, by line number. */
export function lineCancellations(databaseUrl: string, poNumber: string) {
  return queryOnce<{ line_number: string; cancelled: boolean }>(
    databaseUrl,
    `SELECT line_number, cancelled FROM purchase_order_line l JOIN purchase_order o ON o.id = l.po_id
      WHERE o.po_number = $1 ORDER BY line_number`,
    [poNumber],
  );
}

/** One shipped item of a test ship notice; the unit defaults to pieces. */
export interface ShippedItem {
  readonly line: string;
  readonly material: string;
  readonly quantity: string;
  readonly unit?: string;
}

/** A validated `ship-notice.received` event from acme-fasteners, one pack per order. */
export function shipNotice(
  shipmentNumber: string,
  kind: 'original' | 'replacement' | 'cancellation',
  revision: string,
  orders: { po: string; items: ShippedItem[] }[],
) {
  return parseEventOf('ship-notice.received.v1', {
    id: randomUUID(),
    type: 'ship-notice.received',
    schemaVersion: 'v1',
    partnerId: 'acme-fasteners',
    occurredAt: '2026-11-28T07:00:00Z',
    receivedAt: '2026-11-28T07:00:03Z',
    correlationId: 'asn-chain',
    causationId: null,
    document: { kind, number: shipmentNumber, revision },
    payload: {
      shipmentNumber,
      shippedAt: '2026-11-28T06:30:00Z',
      carrier: { scac: 'ABFS' },
      shipTo: '1000',
      orders: orders.map((o) => ({
        purchaseOrder: { number: o.po },
        packs: [
          {
            items: o.items.map((i) => ({
              lineNumber: i.line,
              material: i.material,
              quantity: { value: i.quantity, unit: i.unit ?? 'H87' },
            })),
          },
        ],
      })),
    },
  });
}
