import { compare, type DecimalString } from '../canonical/decimal.js';

/** A line status of a `po-confirmation` posting (docs/erp-contract.yaml, PoConfirmationBody). */
export type ConfirmationLineStatus = 'accepted' | 'changed' | 'rejected' | 'backordered';

/** The values of an order line, as ordered or as a confirmation carries them, in the line's unit. */
export interface LineValues {
  readonly quantity: DecimalString;
  /** Null: none confirmed, so the ordered one stands. */
  readonly deliveryDate: string | null;
  /** Null: none confirmed (or none ordered). */
  readonly unitPrice: DecimalString | null;
}

/**
 * The status the ERP is told for a confirmed line. The supplier's rejection or backorder stands.
 * Otherwise the line is `changed` when the supplier said so or when the confirmation carries another
 * quantity, date or price than the order line (a deviation accepted within tolerance, or by a buyer,
 * is still a change to the order), and `accepted` when it confirms the line as ordered, whoever
 * accepted it: the ERP must not read a change into a line that has none.
 */
export function confirmationLineStatus(
  supplierStatus: string | null | undefined,
  ordered: LineValues,
  confirmed: LineValues,
): ConfirmationLineStatus {
  if (supplierStatus === 'rejected' || supplierStatus === 'backordered') return supplierStatus;
  return supplierStatus === 'changed' || differs(ordered, confirmed) ? 'changed' : 'accepted';
}

function differs(ordered: LineValues, confirmed: LineValues): boolean {
  const price = confirmed.unitPrice;
  return (
    compare(confirmed.quantity, ordered.quantity) !== 0 ||
    (confirmed.deliveryDate !== null && confirmed.deliveryDate !== ordered.deliveryDate) ||
    (price !== null && (ordered.unitPrice === null || compare(price, ordered.unitPrice) !== 0))
  );
}
