/** A numeric (`n`) data element value read per ISO 9735-1 §11 (syntax 4) / ISO 9735 §10 (1–3). */
export type EdifactNumber =
  | {
      readonly ok: true;
      /** Canonical form: "-" when negative, digits, "." as decimal sign. */ readonly value: string;
      readonly digits: number;
    }
  | {
      readonly ok: false;
      /** Syntax error code (0085). */ readonly code: '19' | '37' | '38';
      readonly reason: string;
    };

export interface EdifactNumberOptions {
  /** The interchange's decimal mark (UNA3, default "."). */
  readonly decimalMark?: string;
  /**
   * Accept the other mark as well (default true). Syntax 4 lets either "," or "." be the decimal sign
   * whatever UNA3 says; strict version 1–3 readers pass false and get code 19 for the other one.
   */
  readonly acceptEither?: boolean;
}

/**
 * Reads a numeric value without going through floating point: the result is a decimal string for
 * decimal.js. The minus sign and the decimal sign do not count as digits (the length a dictionary gives
 * for an `n` element counts `digits`). Codes: 37 a character that is not a digit, sign or decimal mark,
 * 38 no digit before the decimal sign, 19 a second or undeclared decimal sign or a trailing one.
 */
export function readEdifactNumber(raw: string, options: EdifactNumberOptions = {}): EdifactNumber {
  const declared = options.decimalMark ?? '.';
  const either = options.acceptEither ?? true;
  let i = 0;
  let out = '';
  if (raw.startsWith('-')) {
    out = '-';
    i = 1;
  }
  let digits = 0;
  let beforeMark = 0;
  let seenMark = false;
  for (; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch >= '0' && ch <= '9') {
      out += ch;
      digits++;
      if (!seenMark) beforeMark++;
      continue;
    }
    if (ch === '.' || ch === ',') {
      if (ch !== declared && !either)
        return { ok: false, code: '19', reason: `"${ch}" is not the decimal mark` };
      if (seenMark) return { ok: false, code: '19', reason: 'more than one decimal sign' };
      if (beforeMark === 0) return { ok: false, code: '38', reason: 'no digit before the decimal sign' };
      seenMark = true;
      out += '.';
      continue;
    }
    return { ok: false, code: '37', reason: `"${ch}" is not allowed in a numeric value` };
  }
  if (digits === 0) return { ok: false, code: '37', reason: 'no digits' };
  if (out.endsWith('.'))
    return { ok: false, code: '19', reason: 'a decimal sign must be followed by a digit' };
  return { ok: true, value: out, digits };
}
