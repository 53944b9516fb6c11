import { z } from 'zod';

/**
 * What a supplier builds in the ASN builder: the shipment, its pallets and cartons, and the order lines
 * in each carton. A draft may be incomplete (it is saved as the supplier goes); `validateDraft` says
 * what must still change before it can be submitted. Quantities are decimal strings in any unit that
 * converts to the order line's unit.
 */
const code = (max: number) => z.string().trim().min(1).max(max);
const decimal = z
  .string()
  .regex(/^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?$/, 'expected a decimal such as 12 or 0.5');
const quantity = z.strictObject({ value: decimal, unit: code(3) });

export const draftItemSchema = z.strictObject({
  poNumber: code(35),
  lineNumber: code(20),
  quantity,
  lots: z
    .array(z.strictObject({ lot: code(35), quantity: quantity.optional() }))
    .max(50)
    .optional(),
  serialNumbers: z.array(code(35)).max(1000).optional(),
});

export const draftCartonSchema = z.strictObject({
  /** Left out, the gateway allocates one from the partner's GS1 Company Prefix. */
  sscc: z
    .string()
    .regex(/^[0-9]{18}$/, 'expected an SSCC of 18 digits')
    .optional(),
  grossWeight: quantity.optional(),
  items: z.array(draftItemSchema).max(500).default([]),
});

export const draftPalletSchema = z.strictObject({
  sscc: z
    .string()
    .regex(/^[0-9]{18}$/, 'expected an SSCC of 18 digits')
    .optional(),
  grossWeight: quantity.optional(),
  cartons: z.array(draftCartonSchema).max(500).default([]),
});

export const draftBodySchema = z.strictObject({
  shippedAt: z.iso
    .datetime({ offset: true, error: 'expected a date and time such as 2026-11-27T14:00:00Z' })
    .optional(),
  expectedDeliveryAt: z.iso.datetime({ offset: true }).optional(),
  carrier: z
    .strictObject({
      scac: z
        .string()
        .regex(/^[A-Z]{2,4}$/, 'expected a SCAC of 2-4 capital letters')
        .optional(),
      name: code(128).optional(),
      mode: z.enum(['road', 'rail', 'sea', 'air', 'parcel', 'courier', 'other']).optional(),
    })
    .optional(),
  trackingNumbers: z.array(code(35)).max(20).optional(),
  billOfLading: code(35).optional(),
  shipFrom: code(128).optional(),
  /** The receiving plant or location; left out, the ship-to of the orders (when they agree). */
  shipTo: code(35).optional(),
  pallets: z.array(draftPalletSchema).max(200).default([]),
  /** Cartons shipped on no pallet. */
  cartons: z.array(draftCartonSchema).max(1000).default([]),
});

export type DraftItem = z.output<typeof draftItemSchema>;
export type DraftCarton = z.output<typeof draftCartonSchema>;
export type DraftPallet = z.output<typeof draftPalletSchema>;
export type DraftBody = z.output<typeof draftBodySchema>;

export const DRAFT_STATUSES = ['draft', 'submitted', 'cancelled'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export interface ShipNoticeDraft {
  readonly id: string;
  readonly partnerId: string;
  readonly shipmentNumber: string;
  /** draft: being built; submitted: sent (and perhaps changed since: `changedSinceSubmit`); cancelled. */
  readonly status: DraftStatus;
  /** The revision submitted last (0 the original, then replacements); null before the first submission. */
  readonly revision: number | null;
  readonly body: DraftBody;
  /** The archived submission of the last revision (the JSON ship notice, as any partner document). */
  readonly interchangeId: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly submittedAt: string | null;
}

/** Every carton of a draft with where it sits: on a pallet (index) or loose. */
export function cartonsOf(body: DraftBody): { carton: DraftCarton; pallet?: DraftPallet; path: string }[] {
  return [
    ...body.pallets.flatMap((pallet, p) =>
      pallet.cartons.map((carton, c) => ({ carton, pallet, path: `pallets.${p}.cartons.${c}` })),
    ),
    ...body.cartons.map((carton, c) => ({ carton, path: `cartons.${c}` })),
  ];
}
