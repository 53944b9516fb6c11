/**
 * What a supplier is told about a case raised on one of its orders. A case's summary and differences
 * are written for the buyer and can carry the plant's internals — a refused replenishment change
 * names the shortage date and the production orders at risk — so supplier pages never show them;
 * they show this text, derived from the case type alone (the line is shown beside it). A type not
 * listed here is internal (ERP postings, stock, AS2 security, another partner's order) and a supplier
 * does not see the case at all: a new type stays hidden until someone writes its supplier text.
 */
const SUPPLIER_TEXT: Readonly<Record<string, string>> = {
  'acknowledgment.quantity-changed': 'Your acknowledgment confirms another quantity than ordered.',
  'acknowledgment.date-changed': 'Your acknowledgment confirms another delivery date than ordered.',
  'acknowledgment.price-changed': 'Your acknowledgment confirms another price than ordered.',
  'acknowledgment.rejected': 'You rejected the order or this line.',
  'acknowledgment.backordered': 'You backordered this line.',
  'acknowledgment.unknown-line':
    'Your acknowledgment names a line the order does not have (or has cancelled).',
  'acknowledgment.late': 'Your acknowledgment did not arrive within the agreed time.',
  'po-change.unanswered': 'Your answer to the change of this order did not arrive within the agreed time.',
  'po-change.rejected': 'You answered that you cannot meet the change to this order.',
  'ship-notice.unknown-order': 'Your ship notice names an order or line we do not hold for you.',
  'ship-notice.over-shipment': 'Your ship notice ships more than ordered, beyond the agreed tolerance.',
  'ship-notice.item-mismatch': 'Your ship notice names an item that does not match the order line.',
  'goods-receipt.short': 'We received less than your ship notice announced.',
  'goods-receipt.over': 'We received more than your ship notice announced.',
  'goods-receipt.damaged': 'Goods were received damaged, wrong or held for inspection.',
  'interchange.rejected': 'A document you sent about this order was rejected (see the timeline).',
  'interchange.translation-failed':
    'A document you sent about this order was accepted but could not be processed (see the timeline).',
  'interchange.unacknowledged':
    'Your functional acknowledgment of a document we sent did not arrive in time.',
  'interchange.ack-rejected': 'Your functional acknowledgment rejected a document we sent.',
  'outbound.delivery-failed': 'A document for this order could not be delivered to you yet.',
};

/** The supplier-facing text of a case type; undefined: the case is internal, not shown to suppliers. */
export function supplierCaseText(type: string): string | undefined {
  return Object.hasOwn(SUPPLIER_TEXT, type) ? SUPPLIER_TEXT[type] : undefined;
}

/** The types a supplier may see (for the spec that holds them to the exception catalogue). */
export const SUPPLIER_VISIBLE_CASE_TYPES: readonly string[] = Object.keys(SUPPLIER_TEXT);
