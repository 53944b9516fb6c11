/**
 * POC02 (DE 670, Change or Response Type Code) of a changed 860 line, from what changed on it. One
 * code must say it all, so the rule is:
 * - one of quantity / price / date: QI or QD (up or down against the previous quantity), PC, CT;
 * - two or three of them: PQ (price+quantity), PR (price+date), RQ (quantity+date), MU (all three);
 * - anything else changed (material, ship-to, other), alone or with the above: CA, "changes to line
 *   items" — the line carries its full new state, so the supplier reads what changed from it.
 * A quantity change whose previous quantity is unknown is CA too: QI for a decrease would misstate it.
 */
const COMBINED: Readonly<Record<string, string>> = {
  price: 'PC',
  date: 'CT',
  'price,quantity': 'PQ',
  'date,price': 'PR',
  'date,quantity': 'RQ',
  'date,price,quantity': 'MU',
};

export function changeTypeCode(line: unknown): string | undefined {
  if (line === null || typeof line !== 'object') return undefined;
  const { changedFields, quantity, previousQuantity } = line as {
    changedFields?: unknown;
    quantity?: { value?: unknown };
    previousQuantity?: { value?: unknown };
  };
  if (!Array.isArray(changedFields) || changedFields.length === 0) return undefined;
  const fields = [...new Set(changedFields.map(String))].sort();
  if (fields.length === 1 && fields[0] === 'quantity') {
    const now = Number(quantity?.value);
    const before = Number(previousQuantity?.value);
    if (!Number.isFinite(now) || !Number.isFinite(before) || now === before) return 'CA';
    return now > before ? 'QI' : 'QD';
  }
  return COMBINED[fields.join(',')] ?? 'CA';
}
