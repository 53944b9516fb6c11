import { z } from 'zod';
import { isZero } from '../decimal.js';
import { defineEvent } from './envelope.js';
import {
  identifier,
  isDecimal,
  locationCode,
  lot,
  materialFields,
  quantity,
  signedQuantity,
  text,
} from './values.js';

/**
 * What the plants report (MES, WMS): consumption, production and stock corrections. These events start
 * their own chains (correlation id = the production order's or the message's) and are the causes that
 * replenishment decisions point back to.
 */

const consumedItem = z.strictObject({
  ...materialFields,
  quantity,
  /** What the bill of materials planned for this output; actual above standard drives reorder points. */
  standardQuantity: quantity.optional(),
  storageLocation: locationCode.optional(),
  lots: z.array(lot).optional(),
});

export const materialConsumedV1 = defineEvent('material.consumed', 'v1', {
  description:
    'A plant consumed material (MES / WMS goods issue), for a production order or otherwise. The document is the MES or WMS message (its id and revision).',
  partnerRequired: false,
  plantRequired: true,
  payload: z.strictObject({
    productionOrder: identifier.optional(),
    operation: identifier.optional(),
    workCenter: locationCode.optional(),
    purpose: z.enum(['production', 'maintenance', 'scrap', 'sample', 'other']),
    items: z.array(consumedItem).min(1, { error: 'expected at least one consumed item' }),
  }),
});

export const productionCompletedV1 = defineEvent('production.completed', 'v1', {
  description:
    'A production order (or a partial confirmation of it) completed on a line: finished quantity, scrap and the components consumed with their lots. The document is the MES confirmation.',
  partnerRequired: false,
  plantRequired: true,
  payload: z
    .strictObject({
      productionOrder: identifier,
      operation: identifier.optional(),
      /** The line or work center ("LINE-4"). */
      workCenter: locationCode.optional(),
      ...materialFields,
      finishedQuantity: quantity,
      scrapQuantity: quantity,
      /** The lot the finished goods were booked to. */
      lot: identifier.optional(),
      /** True when this confirmation closes the order, false for a partial one. */
      final: z.boolean(),
      components: z.array(consumedItem),
    })
    .superRefine((done, ctx) => {
      if (done.scrapQuantity.unit !== done.finishedQuantity.unit)
        ctx.addIssue({
          code: 'custom',
          path: ['scrapQuantity', 'unit'],
          message: `scrap in ${done.scrapQuantity.unit}, finished quantity in ${done.finishedQuantity.unit}: use one unit`,
        });
    }),
});

export const INVENTORY_ADJUSTMENT_REASONS = [
  'cycle-count',
  'damage',
  'expiry',
  'found',
  'lost',
  'quality',
  'correction',
  'other',
] as const;

export const inventoryAdjustedV1 = defineEvent('inventory.adjusted', 'v1', {
  description:
    'Stock of a material was corrected outside receipts and consumption (count, damage, expiry). The document is the WMS or ERP adjustment.',
  partnerRequired: false,
  plantRequired: true,
  payload: z
    .strictObject({
      ...materialFields,
      storageLocation: locationCode.optional(),
      lot: identifier.optional(),
      /** Signed: −3 H87 for three pieces written off. */
      change: signedQuantity,
      /** The stock after the adjustment, when the reporting system knows it. */
      quantityAfter: quantity.optional(),
      reason: z.enum(INVENTORY_ADJUSTMENT_REASONS),
      note: text(1024).optional(),
    })
    .superRefine((adjustment, ctx) => {
      if (isDecimal(adjustment.change.value) && isZero(adjustment.change.value))
        ctx.addIssue({
          code: 'custom',
          path: ['change', 'value'],
          message: 'an adjustment changes the stock: not 0',
        });
      if (adjustment.quantityAfter !== undefined && adjustment.quantityAfter.unit !== adjustment.change.unit)
        ctx.addIssue({
          code: 'custom',
          path: ['quantityAfter', 'unit'],
          message: 'quantityAfter is in the unit of change',
        });
    }),
});
