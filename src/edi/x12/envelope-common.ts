/** What the envelope checks (envelope-validator.ts and its envelope-*.ts use cases) share. */

/** Where the validator stands in the X12.6 control structure. */
export const enum Level {
  None,
  Interchange,
  Group,
  Set,
  /** ST outside a group: skipped up to its SE. */
  Orphan,
  /** ISA delimiters unusable: nothing to read until the next ISA. */
  Dead,
}

export const DIGITS = /^\d+$/;

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Keeps garbage ids and values printable and short in messages. */
export function clip(value: string): string {
  return value.length > 35 ? `${value.slice(0, 35)}…` : value;
}

/**
 * Whether a value holds a C0 control character or DEL. No X12 character set (basic, extended,
 * X12.6 §3.3.1) has them, so they are never data, only delimiters.
 */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
