import type { PurchaseOrder } from './purchase-order.types.js';

/**
 * A revision named in a document (text, as the supplier echoed our REF*PP / RFF+PP) as the number it
 * is: '1' and '01' are revision 1; undefined for text that is no number or has more than nine digits
 * (nine always fit the order's integer revision column, ten may not). The one rule for every reader of
 * a named revision: the acknowledgments, the order routes and the scorecard's acknowledgment log.
 */
export function revisionOf(named: string): number | undefined {
  return /^\d{1,9}$/.test(named) ? Number(named) : undefined;
}

/** Why an answer to a revision is not an answer to the order as it stands. */
export interface RevisionConflict {
  readonly named: number;
  /** The revision the supplier answers now: the latest sent to it, else the order's. */
  readonly toAnswer: number;
  readonly message: string;
}

/**
 * Whether an answer to revision `named` (of a supplier's answer, or of the answer a buyer's case came
 * from) still answers the order. The revision to answer is the latest one sent to the supplier (the
 * order's when none was sent): an answer to an older one is about values the order no longer has. A
 * later revision without changes the supplier sees was not sent, so naming it, or any revision up to
 * the order's, answers the same values. A revision the order does not have yet answers nothing.
 */
export function revisionConflict(
  named: number,
  order: Pick<PurchaseOrder, 'poNumber' | 'revision'>,
  toAnswer: number,
): RevisionConflict | undefined {
  if (named < toAnswer)
    return {
      named,
      toAnswer,
      message: `purchase order ${order.poNumber} changed after revision ${named}: the revision to answer is ${toAnswer}`,
    };
  if (named > order.revision)
    return {
      named,
      toAnswer,
      message: `purchase order ${order.poNumber} has no revision ${named}: the revision to answer is ${toAnswer}`,
    };
  return undefined;
}

/**
 * Why a change answer (865 / ORDRSP to ORDCHG / the API's change-answer) to an order the supplier was
 * never sent a change of answers nothing: there is no change to accept or reject.
 */
export function noChangeToAnswer(poNumber: string): string {
  return `purchase order ${poNumber} has no change to answer: it was never changed (answer the order with an acknowledgment)`;
}
