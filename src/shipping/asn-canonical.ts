import type { PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import { cartonsOf, type DraftBody } from './asn-draft.js';

export type DocumentKind = 'original' | 'replacement' | 'cancellation';

interface Pack {
  sscc: string;
  parentSscc?: string;
  packaging: 'XPX' | 'XCT';
  grossWeight?: { value: string; unit: string };
  items: Record<string, unknown>[];
}

/**
 * A validated draft as the partner JSON ship notice (schema v1, docs/partner-api.md): the same
 * document an API partner would send, so it becomes the same canonical `ship-notice.received` event as
 * an 856 or a DESADV. Each order lists its cartons (`XCT`); a pallet (`XPX`) is listed once, under
 * the order of its first carton, with no items of its own, and its cartons name it as `parentSscc`.
 * Items carry the order line's material (and the supplier part, when the order has one).
 */
export function shipNoticeDocument(input: {
  readonly partnerId: string;
  readonly shipmentNumber: string;
  readonly revision: number;
  readonly kind: DocumentKind;
  readonly body: DraftBody;
  /** Each order's ship-to and lines, by PO number. */
  readonly orders: ReadonlyMap<string, { shipTo: string; lines: readonly PurchaseOrderLine[] }>;
  readonly issuedAt: string;
}): Record<string, unknown> {
  const { body } = input;
  const byOrder = new Map<string, Pack[]>();
  const packsOf = (poNumber: string) => {
    let packs = byOrder.get(poNumber);
    if (!packs) byOrder.set(poNumber, (packs = []));
    return packs;
  };
  for (const pallet of body.pallets) {
    const first = pallet.cartons.find((c) => c.items.length > 0)?.items[0]?.poNumber;
    if (first === undefined) continue;
    packsOf(first).push({
      sscc: pallet.sscc!,
      packaging: 'XPX',
      ...(pallet.grossWeight ? { grossWeight: pallet.grossWeight } : {}),
      items: [],
    });
  }
  for (const { carton, pallet } of cartonsOf(body)) {
    const poNumber = carton.items[0]!.poNumber;
    const lines = input.orders.get(poNumber)!.lines;
    packsOf(poNumber).push({
      sscc: carton.sscc!,
      ...(pallet ? { parentSscc: pallet.sscc! } : {}),
      packaging: 'XCT',
      ...(carton.grossWeight ? { grossWeight: carton.grossWeight } : {}),
      items: carton.items.map((item) => {
        const line = lines.find((l) => l.lineNumber === item.lineNumber)!;
        return {
          lineNumber: item.lineNumber,
          material: line.material,
          ...(line.supplierPart ? { supplierPartNumber: line.supplierPart } : {}),
          quantity: item.quantity,
          ...(item.lots?.length ? { lots: item.lots } : {}),
          ...(item.serialNumbers?.length ? { serialNumbers: item.serialNumbers } : {}),
        };
      }),
    });
  }
  const firstOrder = input.orders.get([...byOrder.keys()][0]!);
  return {
    type: 'ship-notice',
    version: 'v1',
    sender: { scheme: 'partner', id: input.partnerId },
    document: {
      kind: input.kind,
      number: input.shipmentNumber,
      revision: String(input.revision),
      issuedAt: input.issuedAt,
    },
    payload: {
      shipmentNumber: input.shipmentNumber,
      shippedAt: body.shippedAt,
      ...(body.expectedDeliveryAt ? { expectedDeliveryAt: body.expectedDeliveryAt } : {}),
      ...(body.carrier ? { carrier: body.carrier } : {}),
      ...(body.trackingNumbers?.length ? { trackingNumbers: body.trackingNumbers } : {}),
      ...(body.billOfLading ? { billOfLading: body.billOfLading } : {}),
      ...(body.shipFrom ? { shipFrom: body.shipFrom } : {}),
      shipTo: body.shipTo ?? firstOrder!.shipTo,
      orders: [...byOrder].map(([number, packs]) => ({ purchaseOrder: { number }, packs })),
    },
  };
}
