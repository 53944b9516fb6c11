import type { X12Delimiters } from './delimiters.js';
import { COMPONENT_MARK } from './maps/map.types.js';

/** A value that holds one of the delimiters it would be written with, and where. */
export interface X12DelimiterConflict {
  /** Segment id and element position: `ISA08`, `AK202`. */
  readonly element: string;
  /** The value, or the component of a composite, that holds the delimiter. */
  readonly value: string;
  readonly delimiter:
    'element separator' | 'segment terminator' | 'component separator' | 'repetition separator';
  readonly character: string;
}

/**
 * Serialises segments given as value arrays (id first), composites joined by `COMPONENT_MARK`: the
 * writer puts the component separator in for it. Trailing empty elements are dropped (X12.6 §3.2.1:
 * no trailing element separators). A value containing a delimiter, the component separator included,
 * cannot be written in X12, which has no release character (X12.6 §3.3.2: delimiters must not occur in
 * data): `conflict` reports the first one instead of corrupting the output.
 */
export class X12SegmentWriter {
  private readonly parts: string[] = [];
  private readonly rows: string[][] = [];
  conflict: X12DelimiterConflict | undefined;
  /** What no value may hold, by name. */
  private readonly forbidden: readonly (readonly [X12DelimiterConflict['delimiter'], string | undefined])[];

  constructor(
    readonly delimiters: X12Delimiters,
    private readonly lineBreak = '',
  ) {
    this.forbidden = [
      ['element separator', delimiters.element],
      ['segment terminator', firstCharacter(delimiters.segment)],
      ['component separator', delimiters.component],
      ['repetition separator', delimiters.repetition],
    ];
  }

  get segmentCount(): number {
    return this.rows.length;
  }

  /** `delimiterSlots`: positions that carry a delimiter on purpose (ISA11, ISA16). */
  write(values: readonly string[], delimiterSlots: readonly number[] = []): void {
    let last = values.length - 1;
    while (last > 0 && values[last] === '') last--;
    const row = values.slice(0, last + 1);
    for (let k = 0; k < row.length; k++) if (!delimiterSlots.includes(k)) this.check(row, k);
    const written = row.map((v) =>
      v.includes(COMPONENT_MARK) ? v.replaceAll(COMPONENT_MARK, this.delimiters.component) : v,
    );
    this.rows.push(written);
    this.parts.push(written.join(this.delimiters.element) + this.delimiters.segment + this.lineBreak);
  }

  text(): string {
    return this.parts.join('');
  }

  segments(): string[][] {
    return this.rows;
  }

  private check(row: readonly string[], k: number): void {
    if (this.conflict !== undefined) return;
    // Each component alone: the marks between them become component separators on purpose.
    for (const value of row[k]!.split(COMPONENT_MARK))
      for (const [delimiter, character] of this.forbidden)
        if (character !== undefined && value.includes(character)) {
          const element = k === 0 ? 'segment id' : `${row[0]}${String(k).padStart(2, '0')}`;
          this.conflict = { element, value, delimiter, character };
          return;
        }
  }
}

/** What a conflict says: `ISA08 "SUP:PLIER" contains the component separator ":"` (ISA padding trimmed). */
export function describeConflict(conflict: X12DelimiterConflict): string {
  return `${conflict.element} "${conflict.value.trimEnd()}" contains the ${conflict.delimiter} "${conflict.character}"`;
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
