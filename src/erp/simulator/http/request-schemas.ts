import { z } from 'zod';
import { IDEMPOTENCY_KEY } from '../../rest/rest-answers.js';
import { SIMULATOR_FAULT_MODES, SIMULATOR_FAULT_OPERATIONS } from '../simulator-faults.js';

/** What the simulator's HTTP routes accept; the contract's request shapes (docs/erp-contract.yaml). */

// A parameter given twice arrives as an array and fails these string schemas.
const text = (max: number) => z.string().min(1).max(max);
const decimal = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, { error: 'expected an exact decimal string' });

const limit = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, { error: 'expected a whole number' })
    .transform(Number)
    .pipe(z.int().min(1).max(max));

export const idempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(IDEMPOTENCY_KEY, {
    error: 'Idempotency-Key must be 1-255 printable ASCII characters, no spaces at either end',
  });

export const externalReference = text(255);
export const documentNumber = text(64);
export const poNumber = text(35);

export const postRequest = z.strictObject({
  externalReference,
  poNumber: text(35).nullable(),
  body: z.unknown(),
});

export const amendRequest = z.strictObject({
  kind: z.string(),
  revision: z.int().min(0),
  externalReference,
  body: z.unknown(),
});

export const reverseRequest = z.strictObject({ externalReference, reason: text(256) });

export const byReferenceQuery = z.object({ externalReference: externalReference });

export const masterDataQuery = z.object({
  plant: text(10).optional(),
  material: z
    .union([text(40), z.array(text(40)).max(500)])
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .optional(),
});

export const stockParams = z.object({ plant: text(10), material: text(40) });

// Simulator-only administration.

export const faultParams = z.object({
  operation: z.enum(SIMULATOR_FAULT_OPERATIONS),
  mode: z.enum(SIMULATOR_FAULT_MODES),
});

export const faultRule = z
  .strictObject({
    rate: z.number().min(0).max(1),
    delayMs: z.int().min(0).max(600_000).optional(),
    /** The rule fires until this instant (an outage window)… */
    until: z.iso.datetime({ offset: true }).nullable().optional(),
    /** …or for this long from now. */
    forMs: z.int().min(1).max(86_400_000).optional(),
    /** The rule fires this many times at most. */
    remaining: z.int().min(0).nullable().optional(),
  })
  .refine((r) => !(r.until && r.forMs), { error: 'give until or forMs, not both' });

export const settingsUpdate = z.strictObject({
  idempotency: z.enum(['honour', 'ignore']).optional(),
  outputPoChanges: z.boolean().optional(),
});

export const newPurchaseOrder = z.strictObject({
  poNumber: text(35).optional(),
  supplier: text(35),
  plant: text(10),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code' }),
  orderDate: z.iso.date().optional(),
  lines: z
    .array(
      z.strictObject({
        lineNumber: text(10),
        material: text(40),
        quantity: decimal,
        unit: z.string().regex(/^[A-Z0-9]{2,3}$/, { error: 'expected a UN/ECE Rec 20 unit code' }),
        deliveryDate: z.iso.date(),
        netPrice: decimal.nullable().default(null),
      }),
    )
    .min(1)
    .max(999),
});

export const buyerChange = z
  .strictObject({
    cancel: z.boolean().optional(),
    lines: z
      .array(
        z.strictObject({
          lineNumber: text(10),
          quantity: decimal.optional(),
          deliveryDate: z.iso.date().optional(),
          cancel: z.boolean().optional(),
        }),
      )
      .max(999)
      .optional(),
  })
  .refine((c) => c.cancel || (c.lines?.length ?? 0) > 0, { error: 'change at least one line, or cancel' });

export const outputsQuery = z.object({
  undelivered: z
    .string()
    .pipe(z.enum(['true', 'false']))
    .optional(),
  limit: limit(1000).optional(),
});

export const entriesQuery = z.object({
  externalReference: externalReference.optional(),
  after: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: limit(500).optional(),
});

export const documentsQuery = z.object({
  kind: text(40).optional(),
  poNumber: text(35).optional(),
  after: text(64).optional(),
  limit: limit(500).optional(),
});
