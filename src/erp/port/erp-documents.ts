import { z } from 'zod';
import type { Rounding } from '../../canonical/decimal.js';

/**
 * The documents the gateway posts to an ERP, in the ERP's terms (not the canonical events': the PO
 * lifecycle maps an acknowledgment event to a confirmation body, a ship notice to an inbound
 * delivery). One schema per kind; the generic REST contract (docs/erp-contract.yaml) carries the
 * same shapes. Quantities and prices are exact decimal strings, units UN/ECE Rec 20 codes.
 */

/** Fraction digits a decimal of an ERP document carries (with at most 15 integer digits). */
export const ERP_DECIMAL_SCALE = 6;

/**
 * How the gateway brings a quantity it computed (a unit conversion) to the ERP's scale: half-up,
 * the commercial rounding ERPs apply to quantities themselves. A value a partner or plant wrote is
 * never rounded: one the contract cannot carry is held for a person.
 */
export const ERP_QUANTITY_ROUNDING: Rounding = { scale: ERP_DECIMAL_SCALE, mode: 'half-up' };

const decimal = z.string().regex(new RegExp(`^-?\\d{1,15}(\\.\\d{1,${ERP_DECIMAL_SCALE}})?$`), {
  error: 'expected an exact decimal string',
});
const positiveDecimal = decimal.refine((v) => !v.startsWith('-') && !/^0+(\.0+)?$/.test(v), {
  error: 'expected a quantity above zero',
});
const nonNegativeDecimal = decimal.refine((v) => !v.startsWith('-'), { error: 'expected zero or more' });
const code = (max: number) => z.string().min(1).max(max);
const unit = z.string().regex(/^[A-Z0-9]{2,3}$/, { error: 'expected a UN/ECE Rec 20 unit code' });
const date = z.iso.date();
const instant = z.iso.datetime({ offset: true });

export const poConfirmationBody = z.strictObject({
  poNumber: code(35),
  /** The PO revision the supplier answered. */
  poRevision: z.int().min(0),
  supplier: code(35),
  acknowledgedAt: instant,
  lines: z
    .array(
      z.strictObject({
        lineNumber: code(10),
        status: z.enum(['accepted', 'changed', 'rejected', 'backordered']),
        quantity: nonNegativeDecimal,
        unit,
        deliveryDate: date.optional(),
        netPrice: nonNegativeDecimal.optional(),
      }),
    )
    .min(1),
});

export const inboundDeliveryBody = z.strictObject({
  shipmentNumber: code(35),
  supplier: code(35),
  shippedAt: instant,
  expectedDeliveryAt: instant.optional(),
  carrierScac: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .optional(),
  trackingNumbers: z.array(code(35)).optional(),
  items: z
    .array(
      z.strictObject({
        poNumber: code(35),
        lineNumber: code(10),
        material: code(40),
        quantity: positiveDecimal,
        unit,
        sscc: z
          .string()
          .regex(/^\d{18}$/)
          .optional(),
        lots: z.array(code(35)).optional(),
      }),
    )
    .min(1),
});

export const goodsReceiptBody = z.strictObject({
  receiptNumber: code(35),
  plant: code(10),
  receivedAt: instant,
  /** The ERP inbound delivery received against, when there was one. */
  deliveryDocument: code(35).optional(),
  items: z
    .array(
      z.strictObject({
        poNumber: code(35),
        lineNumber: code(10),
        material: code(40),
        quantity: positiveDecimal,
        unit,
        storageLocation: code(10).optional(),
        lot: code(35).optional(),
      }),
    )
    .min(1),
});

export const poChangeBody = z.strictObject({
  poNumber: code(35),
  /** The revision the change was decided against; the ERP refuses a change to a stale revision. */
  baseRevision: z.int().min(0),
  reason: code(256),
  lines: z
    .array(
      z.strictObject({
        lineNumber: code(10),
        quantity: positiveDecimal.optional(),
        deliveryDate: date.optional(),
      }),
    )
    .min(1),
});

export const productionConfirmationBody = z.strictObject({
  productionOrder: code(35),
  plant: code(10),
  material: code(40),
  yieldQuantity: nonNegativeDecimal,
  scrapQuantity: nonNegativeDecimal,
  unit,
  completedAt: instant,
  components: z.array(
    z.strictObject({
      material: code(40),
      quantity: nonNegativeDecimal,
      unit,
      lot: code(35).optional(),
    }),
  ),
});

export const poRequestBody = z.strictObject({
  material: code(40),
  plant: code(10),
  quantity: positiveDecimal,
  unit,
  neededBy: date,
  supplier: code(35).optional(),
  reason: code(256),
});

export const ERP_DOCUMENT_BODIES = {
  'po-confirmation': poConfirmationBody,
  'inbound-delivery': inboundDeliveryBody,
  'goods-receipt': goodsReceiptBody,
  'po-change': poChangeBody,
  'production-confirmation': productionConfirmationBody,
  'po-request': poRequestBody,
} as const;

export type ErpPostingKind = keyof typeof ERP_DOCUMENT_BODIES;
export const ERP_POSTING_KINDS = Object.keys(ERP_DOCUMENT_BODIES) as ErpPostingKind[];

export type ErpDocumentBody<K extends ErpPostingKind = ErpPostingKind> = z.infer<
  (typeof ERP_DOCUMENT_BODIES)[K]
>;

export function isErpPostingKind(value: string): value is ErpPostingKind {
  return Object.hasOwn(ERP_DOCUMENT_BODIES, value);
}

/** The body validated for its kind, or the problems one per line. */
export function parseErpDocumentBody<K extends ErpPostingKind>(
  kind: K,
  body: unknown,
): { ok: true; body: ErpDocumentBody<K> } | { ok: false; problems: string[] } {
  const result = ERP_DOCUMENT_BODIES[kind].safeParse(body);
  if (result.success) return { ok: true, body: result.data as ErpDocumentBody<K> };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
  };
}

export type PoChangeBody = ErpDocumentBody<'po-change'>;
