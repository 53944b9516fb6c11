import type { PurchaseOrderLine } from '../procurement/purchase-order.types.js';

/** What a person can answer for one line in the portal's form. */
export type LineAction = 'accept' | 'change' | 'reject';

/** One line of the form as the template shows it (fields are named by position: l0_action, l0_quantity…). */
export interface AnswerFormLine {
  readonly index: number;
  readonly lineNumber: string;
  readonly material: string;
  readonly supplierPart: string | null;
  readonly quantity: string;
  readonly unit: string;
  readonly unitPrice: string | null;
  readonly deliveryDate: string;
  readonly confirmed: string | null;
}

export type AnswerBody = {
  readonly document: { readonly number: string; readonly revision: string };
  readonly status: 'accepted' | 'accepted-with-changes' | 'rejected';
  readonly lines: Record<string, unknown>[];
  readonly revision?: string;
};

const DECIMAL = /^(?:0|[1-9]\d{0,14})(?:\.\d{1,6})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function formLines(lines: readonly PurchaseOrderLine[]): AnswerFormLine[] {
  return lines
    .filter((l) => !l.cancelled)
    .map((l, index) => ({
      index,
      lineNumber: l.lineNumber,
      material: l.material,
      supplierPart: l.supplierPart,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: l.unitPrice,
      deliveryDate: l.deliveryDate,
      confirmed: l.confirmedQuantity,
    }));
}

/** 4800.0 and 4800 are the same number (exact, by string). */
function sameDecimal(a: string, b: string): boolean {
  const norm = (v: string) => {
    const [int = '0', frac = ''] = v.split('.');
    const f = frac.replace(/0+$/, '');
    return `${int.replace(/^0+(?=\d)/, '')}${f ? `.${f}` : ''}`;
  };
  return norm(a) === norm(b);
}

/**
 * The answer a person filled in, as the body the partner API's answer routes take (the same document
 * an API partner would post, so the same validation, tolerances and ERP postings apply), or the
 * problems to show next to the form. Each line is accepted as ordered, changed (quantity, delivery
 * date, unit price: what differs from the order is what changed) or rejected with a reason.
 */
export function answerFromForm(
  form: Record<string, unknown>,
  lines: readonly PurchaseOrderLine[],
  options: { currency: string; documentNumber: string; revision?: number },
): { body: AnswerBody } | { problems: string[] } {
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const problems: string[] = [];
  const answered: Record<string, unknown>[] = [];
  const statuses: string[] = [];
  for (const line of formLines(lines)) {
    const ordered = lines.find((l) => l.lineNumber === line.lineNumber)!;
    const p = `l${line.index}_`;
    if (field(`${p}line`) !== line.lineNumber) {
      problems.push('The order changed while you were answering it. Reload the page and answer again.');
      break;
    }
    const action = (field(`${p}action`) || 'accept') as LineAction;
    const label = `Line ${line.lineNumber}`;
    if (action === 'accept') {
      answered.push({
        lineNumber: line.lineNumber,
        status: 'accepted',
        quantity: { value: ordered.quantity, unit: ordered.unit },
      });
      statuses.push('accepted');
    } else if (action === 'reject') {
      const reason = field(`${p}reason`);
      if (!reason) problems.push(`${label}: say why you reject it.`);
      if (reason.length > 1024) problems.push(`${label}: the reason may have at most 1024 characters.`);
      answered.push({
        lineNumber: line.lineNumber,
        status: 'rejected',
        quantity: { value: '0', unit: ordered.unit },
        reason: { text: reason.slice(0, 1024) },
      });
      statuses.push('rejected');
    } else if (action === 'change') {
      const quantity = field(`${p}quantity`) || ordered.quantity;
      const date = field(`${p}date`) || ordered.deliveryDate;
      const price = field(`${p}price`) || ordered.unitPrice || '';
      if (!DECIMAL.test(quantity))
        problems.push(`${label}: the quantity must be a number such as 4800 or 12.5.`);
      if (!DATE.test(date) || Number.isNaN(Date.parse(date)))
        problems.push(`${label}: the delivery date must be a date (YYYY-MM-DD).`);
      if (price && !DECIMAL.test(price)) problems.push(`${label}: the price must be a number such as 0.042.`);
      const changes: string[] = [];
      if (DECIMAL.test(quantity) && !sameDecimal(quantity, ordered.quantity)) changes.push('quantity');
      if (date !== ordered.deliveryDate) changes.push('date');
      if (price && ordered.unitPrice && DECIMAL.test(price) && !sameDecimal(price, ordered.unitPrice))
        changes.push('price');
      if (price && !ordered.unitPrice) changes.push('price');
      if (changes.length === 0) {
        problems.push(`${label}: nothing differs from the order; choose “Accept” or change a value.`);
        continue;
      }
      const reason = field(`${p}reason`);
      answered.push({
        lineNumber: line.lineNumber,
        status: 'changed',
        changes,
        quantity: { value: quantity, unit: ordered.unit },
        schedule: [{ quantity: { value: quantity, unit: ordered.unit }, deliveryDate: date }],
        ...(changes.includes('price') ? { unitPrice: { amount: price, currency: options.currency } } : {}),
        ...(reason ? { reason: { text: reason.slice(0, 1024) } } : {}),
      });
      statuses.push('changed');
    } else {
      problems.push(`${label}: choose accept, change or reject.`);
    }
  }
  if (problems.length > 0) return { problems: [...new Set(problems)] };
  const status = statuses.every((s) => s === 'accepted')
    ? 'accepted'
    : statuses.every((s) => s === 'rejected')
      ? 'rejected'
      : 'accepted-with-changes';
  return {
    body: {
      document: { number: options.documentNumber, revision: '1' },
      status,
      lines: answered,
      ...(options.revision !== undefined ? { revision: String(options.revision) } : {}),
    },
  };
}
