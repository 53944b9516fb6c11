/**
 * The correlation id of a purchase order's chain: `po:<number>`. Derived, not looked up, so every
 * channel and module (the ERP's order, a supplier's 855 translated before the order is known, an
 * ERP posting) puts a document in the same chain (docs/events/README.md, correlation and causation).
 */
export function orderCorrelationId(poNumber: string): string {
  return `po:${poNumber.replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 128);
}
