import type { X12Delimiters } from './delimiters.js';

/**
 * Serialises segments given as value arrays (id first). Trailing empty elements are dropped (X12.6
 * §3.2.1: no trailing element separators). A value containing a delimiter cannot be written in X12,
 * which has no release character: `conflict` reports the first one instead of corrupting the output.
 */
export class X12SegmentWriter {
  private readonly parts: string[] = [];
  private readonly rows: string[][] = [];
  conflict: string | undefined;

  constructor(
    readonly delimiters: X12Delimiters,
    private readonly lineBreak = '',
  ) {}

  get segmentCount(): number {
    return this.rows.length;
  }

  /** `delimiterSlots`: positions that carry a delimiter on purpose (ISA11, ISA16). */
  write(values: readonly string[], delimiterSlots: readonly number[] = []): void {
    let last = values.length - 1;
    while (last > 0 && values[last] === '') last--;
    const row = values.slice(0, last + 1);
    for (let k = 0; k < row.length; k++) if (!delimiterSlots.includes(k)) this.check(row[k]!);
    this.rows.push(row);
    this.parts.push(row.join(this.delimiters.element) + this.delimiters.segment + this.lineBreak);
  }

  /** A composite value (e.g. C030 "2:1") from its components, trailing empty ones dropped. */
  composite(components: readonly (string | number | undefined)[]): string {
    const values = components.map((c) => (c === undefined ? '' : String(c)));
    let last = values.length - 1;
    while (last > 0 && values[last] === '') last--;
    return values.slice(0, last + 1).join(this.delimiters.component);
  }

  text(): string {
    return this.parts.join('');
  }

  segments(): string[][] {
    return this.rows;
  }

  private check(value: string): void {
    if (this.conflict !== undefined) return;
    const d = this.delimiters;
    if (
      value.includes(d.element) ||
      value.includes(firstCharacter(d.segment)) ||
      (d.repetition !== undefined && value.includes(d.repetition))
    ) {
      this.conflict = value;
    }
  }
}

/**
 * The character a segment terminator starts with: a terminator of two characters ("~\n", "~\r\n")
 * ends the segment for a reader at its first one, so a value must not hold that alone either.
 */
export function firstCharacter(s: string): string {
  return String.fromCodePoint(s.codePointAt(0)!);
}

/** Drops delimiters and control characters from a copy of bad data (AK404) and keeps it within 1–99 chars. */
export function sanitizeCopy(value: string, d: X12Delimiters): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (
      code < 0x20 ||
      code === 0x7f ||
      ch === d.element ||
      ch === firstCharacter(d.segment) ||
      ch === d.component ||
      ch === d.repetition
    )
      continue;
    out += ch;
    if (out.length >= 99) break;
  }
  return out;
}
