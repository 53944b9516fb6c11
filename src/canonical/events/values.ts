import { z } from 'zod';
import {
  CANONICAL_DECIMAL_PATTERN,
  decimalString,
  nonNegativeDecimalString,
  type DecimalString,
} from '../decimal.js';
import { named } from '../schema-registry.js';
import { UNIT_CODES } from '../unit-tables.js';

/**
 * Building blocks shared by the event schemas. Objects are strict: a misspelt field in an event the
 * gateway writes is a bug to catch at the producer, not data to drop silently.
 */

/**
 * Whether PostgreSQL can store the text, in a text column or inside jsonb: no U+0000 (refused by
 * both, SQLSTATE 22021 / 22P05) and well-formed UTF-16, since a lone surrogate has no UTF-8 form
 * (jsonb refuses its `\udXXX` escape, 22P02; a text parameter would silently become U+FFFD). Text
 * a partner or a plant controls is refused here, at the edge, rather than failing the transaction
 * that stores it (and with it a whole batch, a job or an archived receipt).
 */
export function isStorableText(s: string): boolean {
  return s.isWellFormed() && !s.includes('\0');
}

export const UNSTORABLE_TEXT_MESSAGE =
  'expected text without U+0000 (NUL) or unpaired surrogates (\\ud800-\\udfff alone), which cannot be stored';

/** Free text from a document: non-empty, no leading or trailing whitespace, storable, bounded. */
export function text(max: number) {
  return z
    .string()
    .min(1, { error: 'expected non-empty text' })
    .max(max, { error: `expected at most ${max} characters` })
    .regex(/^\S(?:[\s\S]*\S)?$/, { error: 'expected text without leading or trailing whitespace' })
    .refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE });
}

/**
 * An identifier from a business document: order, line, material, lot, serial and shipment numbers.
 * 48 characters holds the longest of them, X12 product ids (DE 234, AN 1-48); EDIFACT document and
 * item numbers (DE 1004, 7140) are an..35.
 */
export const identifier = named(text(48), 'Identifier');

/** The id of an archived interchange (`interchange.id`, a positive integer as text). */
export const interchangeIdString = named(
  z.string().regex(/^[1-9][0-9]{0,17}$/, { error: 'expected an interchange id (digits)' }),
  'InterchangeId',
);

/** A plant, storage location or ship-to in the manufacturer's own codes (cross-referenced from theirs). */
export const locationCode = text(35);

/** A partner id as in `partners/<id>.yaml`. */
export const partnerId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
  error: "expected a partner id in lower-case kebab-case ('acme-fasteners')",
});

/** An instant with its offset (`2025-03-14T09:30:00+01:00`, or `Z`): never a local time without one. */
export const timestamp = named(
  z.iso.datetime({
    offset: true,
    error: 'expected an ISO 8601 date-time with an offset, such as 2025-03-14T09:30:00+01:00',
  }),
  'Timestamp',
  'ISO 8601 date-time with seconds and an offset (Z or ±hh:mm).',
);

/** A calendar date (`2025-03-14`): delivery and due dates are days in the receiving plant's calendar. */
export const calendarDate = named(
  z.iso.date({ error: 'expected an ISO 8601 date, such as 2025-03-14' }),
  'CalendarDate',
  'ISO 8601 calendar date (YYYY-MM-DD).',
);

/** A UN/ECE Rec 20 unit code of the gateway's table (see docs/units-and-decimals.md). */
export const unitCode = named(
  z.enum(UNIT_CODES, {
    error: 'expected a UN/ECE Rec 20 unit code of the gateway table (C62, H87, KGM, XBX, …)',
  }),
  'UnitCode',
  'UN/ECE Rec 20 unit code (Rec 21 package codes with an X prefix); see docs/units-and-decimals.md.',
);

/** An amount of something in a unit: `{ "value": "12.5", "unit": "KGM" }`. Never negative. */
export const quantity = named(
  z.strictObject({ value: nonNegativeDecimalString, unit: unitCode }),
  'Quantity',
  'A non-negative exact decimal (string) in a Rec 20 unit.',
);

/** A signed change of a quantity (inventory adjustments): `{ "value": "-3", "unit": "H87" }`. */
export const signedQuantity = named(
  z.strictObject({ value: decimalString, unit: unitCode }),
  'SignedQuantity',
  'A signed exact decimal (string) in a Rec 20 unit.',
);

/** ISO 4217 alphabetic currency code. */
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code (EUR, USD)' });

/** A signed amount of money. */
export const money = named(z.strictObject({ amount: decimalString, currency }), 'Money');

/**
 * A unit price: `amount` in `currency` per `per` (default: one of the line's unit). A supplier that
 * prices screws per hundred sends `per: { value: "100", unit: "H87" }` (X12 CTP / EDIFACT PRI basis).
 */
export const unitPrice = named(
  z.strictObject({
    amount: nonNegativeDecimalString,
    currency,
    per: quantity.optional(),
  }),
  'UnitPrice',
  'Price of `per` (default: one of the line unit) in `currency`.',
);

/** A purchase order as other documents refer to it. */
export const purchaseOrderRef = z.strictObject({
  number: identifier,
  /** The order revision the document answers or ships against, when it says. */
  revision: identifier.optional(),
});

/** A material in the manufacturer's numbering, with the supplier's part number where known. */
export const materialFields = {
  material: identifier,
  supplierPartNumber: identifier.optional(),
  description: text(512).optional(),
};

/** A batch or lot of a material, with how much of the quantity it holds when split across lots. */
export const lot = named(
  z.strictObject({
    lot: identifier,
    quantity: quantity.optional(),
    producedOn: calendarDate.optional(),
    expiresOn: calendarDate.optional(),
  }),
  'Lot',
);

/** GS1 check digit (mod 10, weights 3 and 1 from the right) of an SSCC (GS1 General Specifications §7.9). */
export function hasValidGs1CheckDigit(digits: string): boolean {
  let total = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight)
    total += digitAt(digits, i) * weight;
  return (10 - (total % 10)) % 10 === digitAt(digits, digits.length - 1);
}

/**
 * `Number(s[i])` without making and parsing a one-character string for a digit (every SSCC of
 * every translated notice). Anything else keeps `Number`'s answer (a space is 0, a letter NaN), as
 * zod calls the refinement on strings the pattern refused too.
 */
function digitAt(s: string, i: number): number {
  const code = s.charCodeAt(i);
  return code >= 0x30 && code <= 0x39 ? code - 0x30 : Number(s[i]);
}

/** Serial Shipping Container Code: 18 digits (AI 00) with a valid check digit. */
export const sscc = named(
  z
    .string()
    .regex(/^[0-9]{18}$/, { error: 'expected an SSCC of 18 digits' })
    .refine(hasValidGs1CheckDigit, { error: 'the SSCC check digit is wrong' }),
  'Sscc',
  'GS1 SSCC, 18 digits; the check digit is verified by parseEvent.',
);

/** Why something differs or was decided, as a standard code and/or words. */
export const reason = named(
  z.strictObject({
    code: text(35).optional(),
    text: text(1024).optional(),
  }),
  'Reason',
);

/** A person or system that acted: users from the user directory, systems by client id. */
export const actor = named(
  z.strictObject({
    kind: z.enum(['user', 'system', 'partner']),
    id: text(128),
    email: z.email().optional(),
  }),
  'Actor',
);

/** Reports every repeated key of `items` (line numbers, SSCCs) at the repeated item's path. */
export function reportDuplicates<T>(
  ctx: z.RefinementCtx,
  items: readonly T[],
  key: (item: T) => string | undefined,
  path: readonly PropertyKey[],
  what: string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: [...path, i],
        message: `${what} ${k} appears twice (also at ${first})`,
      });
  });
}

/**
 * Refinements run even when a field already failed its pattern (zod reports every issue at once), so
 * they compute only with values that are canonical decimals and leave the rest to the field's issue.
 */
export function isDecimal(value: unknown): value is DecimalString {
  return typeof value === 'string' && CANONICAL_DECIMAL_PATTERN.test(value);
}
