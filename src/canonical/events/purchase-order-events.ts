import { z } from 'zod';
import { equals, sum } from '../decimal.js';
import { defineEvent } from './envelope.js';
import {
  calendarDate,
  currency,
  identifier,
  isDecimal,
  locationCode,
  materialFields,
  purchaseOrderRef,
  quantity,
  reason,
  reportDuplicates,
  text,
  unitPrice,
} from './values.js';

/**
 * The purchase order's life: issued by the ERP (the only source of orders and changes, DESIGN.md),
 * answered by the supplier (855 / ORDRSP / API / portal), changed (860 / ORDCHG) and the change
 * answered (865 / ORDRSP), or cancelled. The document of `purchase-order.*` events is the order (or
 * the supplier's answer to it); their correlation id is the order's chain.
 */

type Quantity = z.output<typeof quantity>;

/** Schedule lines must be in the line's unit and add up to the line's quantity (ERP item = Σ schedule). */
function checkSchedule(
  ctx: z.RefinementCtx<unknown>,
  total: Quantity | undefined,
  schedule: readonly { quantity: Quantity }[],
  path: readonly PropertyKey[],
): void {
  if (total === undefined || schedule.length === 0) return;
  let units = true;
  schedule.forEach((line, i) => {
    if (line.quantity.unit !== total.unit) {
      units = false;
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'schedule', i, 'quantity', 'unit'],
        message: `schedule quantity in ${line.quantity.unit}, line quantity in ${total.unit}: use the line's unit`,
      });
    }
  });
  const values = schedule.map((line) => line.quantity.value);
  if (!units || !isDecimal(total.value) || !values.every(isDecimal)) return;
  const scheduled = sum(values);
  if (!equals(scheduled, total.value))
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'schedule'],
      message: `schedule lines add up to ${scheduled} ${total.unit}, the line quantity is ${total.value}`,
    });
}

const scheduleLine = z.strictObject({
  /** The ERP's schedule line number, where it has one. */
  scheduleLine: identifier.optional(),
  quantity,
  deliveryDate: calendarDate,
});

export const orderLine = z
  .strictObject({
    lineNumber: identifier,
    ...materialFields,
    quantity,
    unitPrice: unitPrice.optional(),
    /** A line delivered elsewhere than the order's ship-to. */
    shipTo: locationCode.optional(),
    schedule: z.array(scheduleLine).min(1, { error: 'expected at least one schedule line' }),
  })
  .superRefine((line, ctx) => checkSchedule(ctx, line.quantity, line.schedule, []));

const incoterms = z.strictObject({
  /** Incoterms® rule (EXW, FCA, DAP, DDP, …). */
  code: z.string().regex(/^[A-Z]{3}$/, { error: 'expected a three-letter Incoterms rule' }),
  place: text(128).optional(),
});

const orderHeader = {
  orderType: z.enum(['standard', 'blanket', 'release', 'consignment', 'subcontracting']),
  orderDate: calendarDate,
  currency,
  buyer: z.strictObject({ name: text(128).optional(), email: z.email().optional() }).optional(),
  shipTo: locationCode,
  billTo: locationCode.optional(),
  paymentTerms: text(256).optional(),
  incoterms: incoterms.optional(),
  notes: z.array(text(1024)).optional(),
};

export const purchaseOrderIssuedV1 = defineEvent('purchase-order.issued', 'v1', {
  description:
    'The ERP released a purchase order to a supplier (outbound 850 / ORDERS / API / portal). The document is the order; its number and revision are the ERP order number and revision.',
  partnerRequired: true,
  plantRequired: false,
  documentKinds: ['original', 'replacement'],
  payload: z
    .strictObject({
      ...orderHeader,
      lines: z.array(orderLine).min(1, { error: 'expected at least one line' }),
    })
    .superRefine((order, ctx) =>
      reportDuplicates(ctx, order.lines, (l) => l.lineNumber, ['lines'], 'line number'),
    ),
});

const CHANGED_FIELDS = ['quantity', 'price', 'date', 'material', 'ship-to', 'other'] as const;

const lineChange = z.discriminatedUnion('change', [
  z
    .strictObject({ change: z.literal('added'), ...orderLine.shape })
    .superRefine((line, ctx) => checkSchedule(ctx, line.quantity, line.schedule, [])),
  z
    .strictObject({
      change: z.literal('changed'),
      ...orderLine.shape,
      /** What changed on this line, so the supplier and the matcher need not diff revisions. */
      changedFields: z.array(z.enum(CHANGED_FIELDS)).min(1, { error: 'expected what changed on the line' }),
      /** The quantity before this change (X12 POC02 QI / QD says which way it went). */
      previousQuantity: quantity.optional(),
      /**
       * What is still to be received on the line after this change, in the line's unit, when the
       * sender knows it (X12 POC04, Quantity Left to Receive): less than the quantity once part of
       * it has been delivered.
       */
      quantityLeftToReceive: quantity.optional(),
    })
    .superRefine((line, ctx) => {
      checkSchedule(ctx, line.quantity, line.schedule, []);
      if (line.quantityLeftToReceive && line.quantityLeftToReceive.unit !== line.quantity.unit)
        ctx.addIssue({
          code: 'custom',
          path: ['quantityLeftToReceive', 'unit'],
          message: `quantity left to receive in ${line.quantityLeftToReceive.unit}, line quantity in ${line.quantity.unit}: use the line's unit`,
        });
    }),
  z.strictObject({ change: z.literal('cancelled'), lineNumber: identifier, reason: reason.optional() }),
]);

export const purchaseOrderChangedV1 = defineEvent('purchase-order.changed', 'v1', {
  description:
    'The ERP changed a purchase order (outbound 860 / ORDCHG / API / portal). The document is the order at its new revision; lines carry their full new state and what changed. Replenishment-driven changes carry the decision as causation id.',
  partnerRequired: true,
  plantRequired: false,
  documentKinds: ['replacement'],
  payload: z
    .strictObject({
      /** Header fields that changed, with their new values; absent fields did not change. */
      header: z.strictObject(orderHeader).partial().optional(),
      /** The order's own date, unchanged (X12 BCH06 is the purchase order date, not the change's). */
      orderDate: calendarDate.optional(),
      reason: reason.optional(),
      /**
       * The lines that changed. Empty only when the header changed alone (a new ship-to): every
       * event valid before stays valid, and a consumer that reads lines finds none to apply.
       */
      lines: z.array(lineChange),
    })
    .superRefine((order, ctx) => {
      if (order.lines.length === 0 && Object.keys(order.header ?? {}).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['lines'],
          message: 'expected at least one changed line, or a changed header',
        });
      reportDuplicates(ctx, order.lines, (l) => l.lineNumber, ['lines'], 'line number');
    }),
});

export const purchaseOrderCancelledV1 = defineEvent('purchase-order.cancelled', 'v1', {
  description:
    'The ERP cancelled a whole purchase order (860 / ORDCHG with a cancellation purpose, API, portal). Cancelling single lines is a purchase-order.changed.',
  partnerRequired: true,
  plantRequired: false,
  documentKinds: ['cancellation'],
  payload: z.strictObject({ reason: reason.optional() }),
});

/** How the supplier answered one order line (X12 ACK01, EDIFACT ORDRSP LIN 1229 / line status). */
export const LINE_STATUSES = ['accepted', 'changed', 'rejected', 'backordered'] as const;
/** What a `changed` line changed (X12 IQ/DR/IP…; several at once are common). */
export const LINE_CHANGES = ['quantity', 'date', 'price', 'material'] as const;

const confirmedScheduleLine = z.strictObject({
  quantity,
  /** The date the supplier commits to deliver (or to ship, when only that is confirmed). */
  deliveryDate: calendarDate.optional(),
  shipDate: calendarDate.optional(),
});

export const acknowledgedLine = z
  .strictObject({
    lineNumber: identifier,
    material: identifier.optional(),
    supplierPartNumber: identifier.optional(),
    status: z.enum(LINE_STATUSES, { error: `expected a line status: ${LINE_STATUSES.join(', ')}` }),
    changes: z.array(z.enum(LINE_CHANGES)).optional(),
    /** The quantity the supplier confirms in total (0 for a rejected line). */
    quantity: quantity.optional(),
    unitPrice: unitPrice.optional(),
    /** Confirmed schedule lines: how much comes when. */
    schedule: z.array(confirmedScheduleLine).optional(),
    reason: reason.optional(),
  })
  .superRefine((line, ctx) => {
    if (line.status === 'changed' && (line.changes === undefined || line.changes.length === 0))
      ctx.addIssue({ code: 'custom', path: ['changes'], message: 'a changed line says what changed' });
    if (line.status !== 'changed' && line.changes !== undefined && line.changes.length > 0)
      ctx.addIssue({ code: 'custom', path: ['changes'], message: `a ${line.status} line lists no changes` });
    if (line.status === 'rejected' && line.schedule !== undefined && line.schedule.length > 0)
      ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'a rejected line confirms no schedule' });
    for (const [i, s] of (line.schedule ?? []).entries())
      if (s.deliveryDate === undefined && s.shipDate === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', i],
          message: 'a confirmed schedule line has a delivery or ship date',
        });
    checkSchedule(ctx, line.quantity, line.schedule ?? [], []);
  });

const ANSWER_STATUSES = ['accepted', 'accepted-with-changes', 'rejected'] as const;

function answerPayload(revisionRequired: boolean) {
  return z
    .strictObject({
      purchaseOrder: revisionRequired ? purchaseOrderRef.extend({ revision: identifier }) : purchaseOrderRef,
      /** X12 BAK02 / BCA02, EDIFACT ORDRSP BGM 1225: the answer for the whole order. */
      status: z.enum(ANSWER_STATUSES, { error: `expected an order status: ${ANSWER_STATUSES.join(', ')}` }),
      supplierOrderNumber: identifier.optional(),
      reason: reason.optional(),
      /** Per-line answers; empty for an answer without detail (accepted or rejected as a whole). */
      lines: z.array(acknowledgedLine),
    })
    .superRefine((answer, ctx) => {
      reportDuplicates(ctx, answer.lines, (l) => l.lineNumber, ['lines'], 'line number');
      const expected =
        answer.status === 'accepted' ? 'accepted' : answer.status === 'rejected' ? 'rejected' : undefined;
      if (expected !== undefined)
        answer.lines.forEach((line, i) => {
          if (line.status !== expected)
            ctx.addIssue({
              code: 'custom',
              path: ['lines', i, 'status'],
              message: `the order is ${answer.status}, but line ${line.lineNumber} is ${line.status}: the order is accepted-with-changes`,
            });
        });
    });
}

export const purchaseOrderAcknowledgedV1 = defineEvent('purchase-order.acknowledged', 'v1', {
  description:
    "The supplier answered a purchase order (855 / ORDRSP / API / portal): the order's status and each line's (accepted, changed in quantity, date or price, rejected, backordered) with confirmed schedule lines. The document is the supplier's answer; a corrected answer is a replacement.",
  partnerRequired: true,
  plantRequired: false,
  payload: answerPayload(false),
});

export const purchaseOrderChangeAnsweredV1 = defineEvent('purchase-order.change-answered', 'v1', {
  description:
    'The supplier answered a purchase order change (865 / ORDRSP to ORDCHG / API / portal). purchaseOrder.revision names the change revision answered.',
  partnerRequired: true,
  plantRequired: false,
  payload: answerPayload(true),
});
