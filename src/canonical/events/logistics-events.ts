import { z } from 'zod';
import { UNITS } from '../unit-tables.js';
import { defineEvent } from './envelope.js';
import {
  identifier,
  locationCode,
  lot,
  materialFields,
  purchaseOrderRef,
  quantity,
  reportDuplicates,
  sscc,
  text,
  timestamp,
  unitCode,
} from './values.js';

/**
 * Goods on their way and arriving: the supplier's ship notice (856 / DESADV / API / portal) and the
 * plant's goods receipt (WMS), matched against it and the order lines.
 */

const massQuantity = quantity.refine((q) => UNITS.get(q.unit)?.dimension === 'mass', {
  error: 'expected a weight in a mass unit (KGM, LBR, …)',
});

const shippedItem = z.strictObject({
  /** The order line shipped against. */
  lineNumber: identifier,
  ...materialFields,
  quantity,
  lots: z.array(lot).optional(),
  serialNumbers: z.array(identifier).optional(),
  /** ISO 3166-1 alpha-2. */
  countryOfOrigin: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 country code' })
    .optional(),
});

const pack = z.strictObject({
  /** The pack's SSCC label (GS1 AI 00); absent for loose items. */
  sscc: sscc.optional(),
  /** The pallet or outer pack this one sits in. */
  parentSscc: sscc.optional(),
  /** Rec 21 package type (XPX pallet, XCT carton), as Rec 20 X-codes. */
  packaging: unitCode.optional(),
  grossWeight: massQuantity.optional(),
  /** What the pack holds directly; empty only for a pack that holds other packs (a pallet of cartons). */
  items: z.array(shippedItem),
});

const shippedOrder = z.strictObject({
  purchaseOrder: purchaseOrderRef,
  packs: z.array(pack).min(1, { error: 'expected at least one pack' }),
});

export const shipNoticeReceivedV1 = defineEvent('ship-notice.received', 'v1', {
  description:
    'A supplier announced a shipment (856 / DESADV / API / portal): shipment → orders → packs with SSCC → items with lots and serials, carrier, tracking and dates. The document is the notice (shipment number); a corrected notice is a replacement, a withdrawn one a cancellation.',
  partnerRequired: true,
  plantRequired: false,
  payload: z
    .strictObject({
      shipmentNumber: identifier,
      shippedAt: timestamp,
      expectedDeliveryAt: timestamp.optional(),
      carrier: z
        .strictObject({
          /** Standard Carrier Alpha Code (X12 TD503). */
          scac: z
            .string()
            .regex(/^[A-Z]{2,4}$/, { error: 'expected a SCAC of 2-4 letters' })
            .optional(),
          name: text(128).optional(),
          mode: z.enum(['road', 'rail', 'sea', 'air', 'parcel', 'courier', 'other']).optional(),
        })
        .optional(),
      trackingNumbers: z.array(identifier).optional(),
      billOfLading: identifier.optional(),
      /** The supplier's ship-from location as it names it. */
      shipFrom: text(128).optional(),
      /**
       * Where the shipment goes, when the notice says (X12 N1*ST and EDIFACT NAD+ST are optional);
       * absent, it goes where its orders go: nothing downstream reads it from the notice (the ERP's
       * inbound delivery is keyed by the order lines, and the ASN builder fills in the orders' ship-to).
       */
      shipTo: locationCode.optional(),
      grossWeight: massQuantity.optional(),
      orders: z.array(shippedOrder).min(1, { error: 'expected at least one order' }),
    })
    .superRefine((notice, ctx) => {
      // Paths are built only for an issue: a large notice has thousands of packs and none. The
      // second pass runs only when a pack names a parent or holds no items; translation checks
      // every notice it makes here, so a clean one allocates no more than the SSCC index.
      const path = (i: number, j: number) => ['orders', i, 'packs', j];
      // Each SSCC's first pack as an index into `firstAt` (its order, then its pack): small integers
      // in a Map and a flat array, not an object per pack kept alive until the check ends.
      const seen = new Map<string, number>();
      const firstAt: number[] = [];
      let secondPass = false;
      for (let i = 0; i < notice.orders.length; i++) {
        const packs = notice.orders[i]!.packs;
        for (let j = 0; j < packs.length; j++) {
          const p = packs[j]!;
          if (p.parentSscc !== undefined || p.items.length === 0) secondPass = true;
          if (p.sscc === undefined) continue;
          const first = seen.get(p.sscc);
          if (first !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: [...path(i, j), 'sscc'],
              message: `SSCC ${p.sscc} appears twice (also at ${path(firstAt[first]!, firstAt[first + 1]!).join('.')})`,
            });
          else {
            seen.set(p.sscc, firstAt.length);
            firstAt.push(i, j);
          }
        }
      }
      if (secondPass) {
        const parents = new Set<string>();
        for (const o of notice.orders)
          for (const p of o.packs) if (p.parentSscc !== undefined) parents.add(p.parentSscc);
        for (let i = 0; i < notice.orders.length; i++) {
          const packs = notice.orders[i]!.packs;
          for (let j = 0; j < packs.length; j++) {
            const p = packs[j]!;
            if (p.parentSscc !== undefined && !seen.has(p.parentSscc))
              ctx.addIssue({
                code: 'custom',
                path: [...path(i, j), 'parentSscc'],
                message: `parent SSCC ${p.parentSscc} is not a pack of this shipment`,
              });
            if (p.items.length === 0 && (p.sscc === undefined || !parents.has(p.sscc)))
              ctx.addIssue({
                code: 'custom',
                path: [...path(i, j), 'items'],
                message:
                  'expected at least one item in the pack (only a pack that holds other packs may have none)',
              });
          }
        }
      }
      reportDuplicates(ctx, notice.orders, (o) => o.purchaseOrder.number, ['orders'], 'purchase order');
    }),
});

/** How a received line differs from what was ordered or announced. */
export const DISCREPANCY_KINDS = [
  'over-delivery',
  'under-delivery',
  'damaged',
  'wrong-material',
  'not-on-ship-notice',
  'not-ordered',
  'lot-mismatch',
  'quality-hold',
  'other',
] as const;

const receivedLine = z.strictObject({
  purchaseOrder: purchaseOrderRef,
  lineNumber: identifier,
  ...materialFields,
  /** What was counted in. */
  quantity,
  /** What the ship notice announced for this line, when the receipt was against one. */
  shipNoticeQuantity: quantity.optional(),
  sscc: sscc.optional(),
  lots: z.array(lot).optional(),
  storageLocation: locationCode.optional(),
  discrepancies: z.array(
    z.strictObject({
      kind: z.enum(DISCREPANCY_KINDS, {
        error: `expected a discrepancy kind: ${DISCREPANCY_KINDS.join(', ')}`,
      }),
      quantity: quantity.optional(),
      note: text(1024).optional(),
    }),
  ),
});

export const goodsReceivedV1 = defineEvent('goods.received', 'v1', {
  description:
    'A plant received goods (WMS goods receipt), against a ship notice and purchase order lines, with each discrepancy found. The document is the receipt; a corrected receipt is a replacement, a reversed one a cancellation.',
  partnerRequired: false,
  plantRequired: true,
  payload: z.strictObject({
    /** The ship notice received against, if any (no ASN: every line is not-on-ship-notice). */
    shipNotice: z.strictObject({ shipmentNumber: identifier }).optional(),
    deliveryNote: identifier.optional(),
    lines: z.array(receivedLine).min(1, { error: 'expected at least one received line' }),
  }),
});
