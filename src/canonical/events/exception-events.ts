import { z } from 'zod';
import { defineEvent } from './envelope.js';
import {
  actor,
  identifier,
  interchangeIdString,
  money,
  purchaseOrderRef,
  text,
  timestamp,
} from './values.js';

/**
 * Exceptions: what a person must decide (an acknowledgment that moves a date, a receipt short of its
 * ship notice). The exception store owns their state; these events record each step so that the
 * chain of a purchase order shows them and subscribers learn of them. Types are dotted kebab-case
 * names owned by the module that raises them (`acknowledgment.date-changed`).
 */

/** The exception store's states (src/exceptions/exception-state.ts). */
export const EXCEPTION_STATES = ['open', 'accepted', 'countered', 'escalated', 'resolved'] as const;
/** The exception store's severities (src/exceptions/exception-types.ts). */
export const EXCEPTION_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

const exceptionType = z.string().regex(/^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/, {
  error: "expected a dotted kebab-case exception type ('acknowledgment.date-changed')",
});

const references = z.strictObject({
  purchaseOrder: purchaseOrderRef.optional(),
  lineNumber: identifier.optional(),
  material: identifier.optional(),
  shipmentNumber: identifier.optional(),
  /** Archived interchange the exception is about. */
  interchangeId: interchangeIdString.optional(),
  /** ERP posting (outbox job key) the exception is about. */
  postingId: text(256).optional(),
  /** Events the exception was raised from. */
  eventIds: z.array(z.uuid()).optional(),
});

export const exceptionRaisedV1 = defineEvent('exception.raised', 'v1', {
  description:
    'Something needs a person: a new exception with what differs, its business impact and its owner. The document is the exception (its id, revision 1); correlation id is the chain it belongs to (a purchase order’s).',
  partnerRequired: false,
  plantRequired: false,
  documentKinds: ['original'],
  payload: z.strictObject({
    exceptionId: z.uuid(),
    exceptionType,
    severity: z.enum(EXCEPTION_SEVERITIES),
    summary: text(512),
    references,
    differences: z
      .array(
        z.strictObject({
          /** What differs: `quantity`, `deliveryDate`, `unitPrice`, `material`. */
          field: text(128),
          expected: text(256).optional(),
          actual: text(256).optional(),
        }),
      )
      .optional(),
    impact: z
      .strictObject({
        valueAtRisk: money.optional(),
        daysLate: z.int().optional(),
        /** Production orders or customer orders that the deviation puts at risk. */
        affectedOrders: z.array(identifier).optional(),
      })
      .optional(),
    owner: actor.optional(),
    dueAt: timestamp.optional(),
  }),
});

export const exceptionChangedV1 = defineEvent('exception.changed', 'v1', {
  description:
    'An exception changed state (accepted, countered, escalated, resolved, reopened) or owner. The document is the exception; revision counts its changes.',
  partnerRequired: false,
  plantRequired: false,
  documentKinds: ['replacement'],
  payload: z
    .strictObject({
      exceptionId: z.uuid(),
      exceptionType,
      from: z.enum(EXCEPTION_STATES),
      to: z.enum(EXCEPTION_STATES),
      changedBy: actor,
      owner: actor.optional(),
      note: text(2048).optional(),
    })
    .superRefine((change, ctx) => {
      if (change.from === change.to && change.owner === undefined)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'a change changes the state or the owner' });
    }),
});
