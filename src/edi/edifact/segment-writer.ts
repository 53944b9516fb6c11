import type { EdifactDelimiters } from './delimiters.js';

/** A value of a segment to write: a simple value, or a composite given as its components. */
export type EdifactValue = string | readonly (string | undefined)[] | undefined;

/**
 * Serialises EDIFACT segments (tag first) with the release character in front of every service
 * character inside a value (ISO 9735-1 §7.5), trailing empty components and elements dropped
 * (§7.4). Without a release character a service character in a value cannot be written: `conflict`
 * reports the first one rather than corrupting the output.
 */
export class EdifactSegmentWriter {
  private readonly parts: string[] = [];
  private readonly rows: string[][] = [];
  conflict: string | undefined;

  constructor(
    readonly delimiters: EdifactDelimiters,
    private readonly lineBreak = '',
  ) {}

  get segmentCount(): number {
    return this.rows.length;
  }

  /** Writes the service string advice (not counted as a segment, ISO 9735-1 §8). */
  una(): void {
    const d = this.delimiters;
    this.parts.push(
      `UNA${d.component}${d.element}${d.decimalMark}${d.release ?? ' '}${d.repetition ?? ' '}${d.segment}${this.lineBreak}`,
    );
  }

  write(tag: string, ...values: EdifactValue[]): void {
    const d = this.delimiters;
    const elements = values.map((v) => {
      if (v === undefined) return '';
      if (typeof v === 'string') return this.escape(v);
      const comps = v.map((c) => this.escape(c ?? ''));
      while (comps.length > 0 && comps[comps.length - 1] === '') comps.pop();
      return comps.join(d.component);
    });
    while (elements.length > 0 && elements[elements.length - 1] === '') elements.pop();
    this.rows.push([tag, ...elements]);
    this.parts.push([tag, ...elements].join(d.element) + d.segment + this.lineBreak);
  }

  text(): string {
    return this.parts.join('');
  }

  /** The written segments as (escaped) value arrays, tag first, for inspection and tests. */
  segments(): string[][] {
    return this.rows;
  }

  private escape(value: string): string {
    const d = this.delimiters;
    let out = '';
    for (const ch of value) {
      if (
        ch === d.component ||
        ch === d.element ||
        ch === d.segment ||
        ch === d.release ||
        ch === d.repetition
      ) {
        if (d.release === undefined) {
          this.conflict ??= value;
          continue;
        }
        out += d.release;
      }
      out += ch;
    }
    return out;
  }
}
