import { X12GenerationError } from './generation-error.js';

/*
 * Values of an order line or header that no single event field holds as X12 wants them: the price
 * of one unit (PO104 / POC06 / PO1 of the 855) and the order's one currency (CUR02).
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Event values here are strings (validated events); anything else is a map or event error. */
function text(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new X12GenerationError('VALUE_INVALID', `expected a value, got ${JSON.stringify(v)}`);
}

function parse(value: string, what: string): { digits: bigint; scale: number } {
  const m = DECIMAL.exec(value);
  if (!m) throw new X12GenerationError('VALUE_INVALID', `${what} "${value}" is not a decimal number`);
  const frac = m[2] ?? '';
  return { digits: BigInt(`${m[1]}${frac}`), scale: frac.length };
}

/** `a ÷ b` as an exact decimal, or undefined when it has no finite decimal form (10 ÷ 3). */
export function exactQuotient(a: string, b: string): string | undefined {
  const x = parse(a, 'dividend');
  const y = parse(b, 'divisor');
  if (y.digits === 0n) return undefined;
  // a / b = (x.digits / y.digits) × 10^(y.scale - x.scale); try k decimals until it divides.
  for (let k = 0; k <= 40; k++) {
    const shift = y.scale - x.scale + k;
    const num = shift >= 0 ? x.digits * 10n ** BigInt(shift) : x.digits;
    const den = shift >= 0 ? y.digits : y.digits * 10n ** BigInt(-shift);
    if (num % den !== 0n) continue;
    const q = (num / den).toString().padStart(k + 1, '0');
    const out = k === 0 ? q : `${q.slice(0, -k)}.${q.slice(-k)}`;
    return out.includes('.') ? out.replace(/0+$/, '').replace(/\.$/, '') : out;
  }
  return undefined;
}

interface PricedLine {
  readonly lineNumber?: unknown;
  readonly quantity?: { readonly unit?: unknown };
  readonly unitPrice?: {
    readonly amount?: unknown;
    readonly per?: { readonly value?: unknown; readonly unit?: unknown };
  };
}

/**
 * The price of one unit of the line's unit, for PO104 (DE 212, "price per unit of product"): what an
 * 850 reader multiplies by PO102. A canonical price per N units (12.50 per 100 H87) is written as
 * amount ÷ N (0.125), exactly; the CTP segment keeps the price as quoted. A price per a unit other
 * than the line's, or one whose quotient has no exact decimal form, is refused: no reader could
 * recompute it, and a rounded price is a different price. A line without a quantity (an 855 answer
 * line that does not restate it) names no unit of its own, PO103 being left out with PO102 (note
 * C0302): amount ÷ N is then the price of one unit of the quote's unit, which the CTP names.
 */
export function perUnitPrice(line: unknown, where: string): string | undefined {
  if (line === null || typeof line !== 'object') return undefined;
  const { lineNumber, quantity, unitPrice } = line as PricedLine;
  if (unitPrice?.amount === undefined) return undefined;
  const amount = text(unitPrice.amount);
  const per = unitPrice.per;
  if (per === undefined) return amount;
  const label = `${where}: line ${String(lineNumber)} price ${amount} per ${String(per.value)} ${String(per.unit)}`;
  if (quantity !== undefined && per.unit !== quantity.unit)
    throw new X12GenerationError(
      'VALUE_INVALID',
      `${label} is for a unit other than the line's (${String(quantity.unit)}): it cannot be written as a unit price`,
    );
  const q = exactQuotient(amount, String(per.value));
  if (q === undefined) throw new X12GenerationError('VALUE_INVALID', `${label} has no exact price per unit`);
  return q;
}

interface OrderPayload {
  readonly currency?: unknown;
  readonly header?: { readonly currency?: unknown };
  readonly lines?: readonly {
    readonly lineNumber?: unknown;
    readonly unitPrice?: { readonly currency?: unknown };
  }[];
}

/**
 * CUR02 of an order (850), order change (860) or answer (855), and CUX 6345 of their EDIFACT
 * counterparts (ORDERS, ORDCHG, ORDRSP): the header's currency (`payload.currency`, or the changed
 * header's); a change that names none, and an answer (which has no header currency), takes its
 * lines'. Every line price must be in it: one CUR or CUX qualifies every price of the set or message
 * (X12 850/855/860 CUR at the heading, EDIFACT SG7/SG8 CUX in the header), so a line in another
 * currency would be read in the wrong one. `where` names the segment first (`CUR02`, `CUX01.2`).
 */
export function orderCurrency(payload: unknown, where: string): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const p = payload as OrderPayload;
  const header = p.currency ?? p.header?.currency;
  const priced = (p.lines ?? [])
    .map((l) => [l.lineNumber, l.unitPrice?.currency] as const)
    .filter(([, c]) => c !== undefined);
  const currency = header ?? priced[0]?.[1];
  for (const [line, c] of priced)
    if (c !== currency)
      throw new X12GenerationError(
        'VALUE_INVALID',
        `${where}: line ${String(line)} is priced in ${String(c)}, the order in ${String(currency)}; one ${where.slice(0, 3)} covers every price`,
      );
  return currency === undefined ? undefined : text(currency);
}
