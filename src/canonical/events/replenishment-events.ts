import { z } from 'zod';
import { defineEvent } from './envelope.js';
import {
  actor,
  calendarDate,
  identifier,
  materialFields,
  partnerId,
  purchaseOrderRef,
  quantity,
  reason,
  signedQuantity,
  text,
} from './values.js';

/**
 * Replenishment: the gateway's own recommendations from projected balances and dynamic reorder
 * points, and what a person (or an automatic rule) decided. A decision is a request to the ERP, which
 * alone issues and changes orders; the resulting purchase-order.changed carries the decision's id as
 * its causation id.
 */

export const REPLENISHMENT_ACTIONS = [
  'order',
  'expedite',
  'increase-quantity',
  'decrease-quantity',
  'pull-in',
  'push-out',
  'cancel',
] as const;

const orderLineRef = purchaseOrderRef.extend({ lineNumber: identifier.optional() });

export const replenishmentRecommendedV1 = defineEvent('replenishment.recommended', 'v1', {
  description:
    'The gateway recommends replenishing a material at a plant: a new order or a change to an open one, with the balances that led to it. The document is the recommendation itself (its id, revision 1); its causation id is the consumption or production event that triggered it.',
  partnerRequired: false,
  plantRequired: true,
  documentKinds: ['original'],
  payload: z.strictObject({
    ...materialFields,
    action: z.enum(REPLENISHMENT_ACTIONS),
    quantity,
    neededBy: calendarDate,
    /** The supplier to order from, when the source list says. */
    supplier: partnerId.optional(),
    /** The open order line to change, for every action but `order`. */
    purchaseOrder: orderLineRef.optional(),
    basis: z
      .strictObject({
        onHand: quantity,
        projectedBalance: signedQuantity,
        reorderPoint: quantity,
        safetyStock: quantity.optional(),
        /** Recent average daily consumption, per day. */
        averageDailyConsumption: quantity.optional(),
      })
      .optional(),
    explanation: text(2048).optional(),
  }),
});

export const replenishmentDecidedV1 = defineEvent('replenishment.decided', 'v1', {
  description:
    'A buyer or an automatic rule decided on a replenishment recommendation: accepted, modified or rejected. Its causation id is the recommendation event.',
  partnerRequired: false,
  plantRequired: true,
  documentKinds: ['original'],
  payload: z
    .strictObject({
      /** The event id of the replenishment.recommended decided on. */
      recommendationId: z.uuid(),
      decision: z.enum(['accepted', 'modified', 'rejected']),
      decidedBy: actor,
      /** For `modified`: what was decided instead. */
      quantity: quantity.optional(),
      neededBy: calendarDate.optional(),
      purchaseOrder: orderLineRef.optional(),
      reason: reason.optional(),
    })
    .superRefine((decision, ctx) => {
      if (
        decision.decision === 'modified' &&
        decision.quantity === undefined &&
        decision.neededBy === undefined
      )
        ctx.addIssue({
          code: 'custom',
          path: ['decision'],
          message: 'a modified decision gives the decided quantity or date',
        });
    }),
});
