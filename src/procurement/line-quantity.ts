import { CanonicalError, CanonicalErrorCode } from '../canonical/canonical.exception.js';
import type { DecimalString } from '../canonical/decimal.js';
import { convertQuantity } from '../canonical/units.js';
import {
  ERP_QUANTITY_ROUNDING,
  parseErpDocumentBody,
  type ErpPostingKind,
} from '../erp/port/erp-documents.js';

/**
 * A document's quantity in its order line's unit, as the ERP takes it. A conversion is the
 * gateway's arithmetic, so it is rounded to the ERP's scale (`ERP_QUANTITY_ROUNDING`, half-up to 6
 * decimals): 3 lb is 1.36077711 kg and 1 kg is 2.2046226218… lb, neither of which an ERP carries.
 * A quantity already in the line's unit is taken as written. Throws `CanonicalError`
 * (`UNIT_NOT_CONVERTIBLE` for units of different dimensions or without fixed sizes).
 */
export function quantityInLineUnit(value: DecimalString, unit: string, lineUnit: string): DecimalString {
  return unit === lineUnit ? value : convertQuantity(value, unit, lineUnit, ERP_QUANTITY_ROUNDING);
}

/** The units do not convert: a mismatch between the document and its line, not a bad number. */
export function isUnitMismatch(error: unknown): boolean {
  return error instanceof CanonicalError && error.code === CanonicalErrorCode.UnitNotConvertible;
}

/**
 * Why the ERP contract cannot carry a body (a value with more than 6 decimals or 15 integer digits,
 * a zero quantity…), one `path: message` per problem; empty when it can. Checked before a posting is
 * requested, so such a document is held for a person instead of failing the transaction that
 * records it (`ErpPostingService` refuses the same body with `invalid-body`).
 */
export function erpBodyProblems(kind: ErpPostingKind, body: unknown): string[] {
  const parsed = parseErpDocumentBody(kind, body);
  return parsed.ok ? [] : parsed.problems;
}

/** The index of the item a body problem is about (`items.3.quantity: …` → 3), if any. */
export function itemIndexOf(problem: string): number | undefined {
  const match = /^items\.(\d+)\./.exec(problem);
  return match ? Number(match[1]) : undefined;
}
