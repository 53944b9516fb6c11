import { z } from 'zod';
import { defineEvent } from './envelope.js';
import { identifier, interchangeIdString, text } from './values.js';

/**
 * Functional acknowledgments: syntax answers to interchanges (X12 997 / 999 / TA1, EDIFACT CONTRL),
 * received from partners for what the gateway sent and sent by the gateway for what it received.
 * They belong to the chain of the acknowledged document (its correlation id) and start SLA timers.
 */

/** Where a syntax problem was found, in the acknowledgment's own codes (AK3/AK4, IK3/IK4, UCS/UCD). */
const syntaxIssue = z.strictObject({
  level: z.enum(['interchange', 'group', 'set', 'segment', 'element']),
  /** The standard code (TA105, AK304, AK403, IK403, CONTRL 0085). */
  code: text(10).optional(),
  segmentId: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,2}$/, { error: 'expected a segment id (PO1, LIN)' })
    .optional(),
  /** 1-based position of the segment in the set (ST / UNH = 1). */
  segmentPosition: z.int().positive().optional(),
  elementPosition: z.int().positive().optional(),
  componentPosition: z.int().positive().optional(),
  description: text(512).optional(),
});

const ACK_STATUSES = ['accepted', 'accepted-with-errors', 'partially-accepted', 'rejected'] as const;

const acknowledgedSet = z.strictObject({
  /** ST02 / UNH 0062. */
  controlNumber: identifier,
  /** ST01 / UNH 0065: 850, ORDERS. */
  type: z.string().regex(/^(?:[0-9]{3}|[A-Z]{6})$/, {
    error: 'expected an X12 set id (850) or EDIFACT message type (ORDERS)',
  }),
  status: z.enum(['accepted', 'accepted-with-errors', 'rejected']),
  issues: z.array(syntaxIssue).optional(),
});

const ACK_STANDARDS = { '997': 'x12', '999': 'x12', TA1: 'x12', CONTRL: 'edifact' } as const;

const payload = z
  .strictObject({
    standard: z.enum(['x12', 'edifact']),
    ackType: z.enum(['997', '999', 'TA1', 'CONTRL']),
    /** What is acknowledged. */
    acknowledged: z.strictObject({
      /** ISA13 / UNB 0020. */
      interchangeControlNumber: identifier,
      /** GS06 (absent for TA1 and CONTRL on interchange level). */
      groupControlNumber: identifier.optional(),
      /** The archived interchange acknowledged, when the gateway has it. */
      interchangeId: interchangeIdString.optional(),
    }),
    /** AK9 / IK9 / TA104 / UCI 0083, as one status. */
    status: z.enum(ACK_STATUSES),
    /** Per transaction set or message; empty for a TA1 or an interchange-level CONTRL. */
    transactionSets: z.array(acknowledgedSet),
    issues: z.array(syntaxIssue).optional(),
  })
  .superRefine((ack, ctx) => {
    if (ACK_STANDARDS[ack.ackType] !== ack.standard)
      ctx.addIssue({
        code: 'custom',
        path: ['ackType'],
        message: `${ack.ackType} is an ${ACK_STANDARDS[ack.ackType] === 'x12' ? 'X12' : 'EDIFACT'} acknowledgment, not ${ack.standard}`,
      });
  });

export const functionalAcknowledgmentReceivedV1 = defineEvent('functional-acknowledgment.received', 'v1', {
  description:
    'A partner acknowledged the syntax of an interchange the gateway sent (997 / 999 / TA1 / CONTRL). The document is the acknowledgment interchange (its control number).',
  partnerRequired: true,
  plantRequired: false,
  payload,
});

export const functionalAcknowledgmentSentV1 = defineEvent('functional-acknowledgment.sent', 'v1', {
  description:
    'The gateway acknowledged the syntax of an interchange a partner sent (997 / 999 / TA1 / CONTRL). The document is the acknowledgment interchange the gateway generated.',
  partnerRequired: true,
  plantRequired: false,
  payload,
});
