import type { EdifactDelimiters } from './delimiters.js';

/** Boundary kinds recorded while scanning a segment (the separators themselves are not stored). */
export const B_ELEMENT = 1;
export const B_COMPONENT = 2;
export const B_REPETITION = 3;

/**
 * A detached, fully decoded segment. `elements[0]` is the tag; each element is a list of repetitions,
 * each repetition a list of components, every value unescaped (release characters removed).
 */
export interface EdifactSegment {
  readonly id: string;
  readonly elements: readonly (readonly (readonly string[])[])[];
  readonly offset: number;
  readonly segmentIndex: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A window on the segment being delivered, reused for every segment: valid only during the listener
 * call (use `toSegment()` to keep a copy). The bytes are held already unescaped, with the positions of
 * the unreleased separators, so a value is decoded only when asked for. Element 0 is the tag.
 */
export class EdifactSegmentView {
  /** Byte offset of the segment's first byte in the stream. */
  offset = 0;
  /** 0-based index of the segment in the stream (UNA included). */
  segmentIndex = 0;
  /** Raw length in bytes, release characters included, terminator excluded. */
  rawLength = 0;
  /** The delimiters the segment was split with. */
  delimiters!: EdifactDelimiters;

  /** @internal */ bytes: Uint8Array = new Uint8Array(0);
  /** @internal */ length = 0;
  /** @internal */ bPos: Int32Array = new Int32Array(0);
  /** @internal */ bType: Uint8Array = new Uint8Array(0);
  /** @internal */ bCount = 0;
  /** @internal indices into bPos of the element separators. */ eIdx: Int32Array = new Int32Array(0);
  /** @internal */ eCount = 0;
  /** @internal a byte >= 0x80 occurs in the segment. */ high = false;

  /** Number of data elements after the tag (trailing empty elements included as sent). */
  get elementCount(): number {
    return this.eCount;
  }

  /** The segment tag (first component of element 0). */
  get id(): string {
    return this.value(0);
  }

  /** Value of element `n` (1-based; 0 = tag), component `c`, repetition `r` (both 1-based); '' when absent. */
  value(n: number, c = 1, r = 1): string {
    if (n < 0 || n > this.eCount || c < 1 || r < 1) return '';
    let lo = n === 0 ? -1 : this.eIdx[n - 1]!;
    const hi = n === this.eCount ? this.bCount : this.eIdx[n]!;
    let rep = 1;
    let comp = 1;
    let start = lo < 0 ? 0 : this.bPos[lo]!;
    for (lo++; lo <= hi; lo++) {
      const end = lo === hi ? (hi === this.bCount ? this.length : this.bPos[hi]!) : this.bPos[lo]!;
      if (rep === r && comp === c) return this.decode(start, end);
      if (lo === hi) return '';
      if (this.bType[lo] === B_REPETITION) {
        if (rep === r) return '';
        rep++;
        comp = 1;
      } else {
        comp++;
      }
      start = end;
    }
    return '';
  }

  /** Number of repetitions of element `n` (1 when it does not repeat, 0 when absent). */
  repetitionCount(n: number): number {
    if (n < 0 || n > this.eCount) return 0;
    const lo = n === 0 ? -1 : this.eIdx[n - 1]!;
    const hi = n === this.eCount ? this.bCount : this.eIdx[n]!;
    let count = 1;
    for (let k = lo + 1; k < hi; k++) if (this.bType[k] === B_REPETITION) count++;
    return count;
  }

  /** Components of repetition `r` of element `n`. */
  components(n: number, r = 1): string[] {
    return this.repetitions(n)[r - 1] ?? [];
  }

  /** Every repetition of element `n`, each as its components. */
  repetitions(n: number): string[][] {
    if (n < 0 || n > this.eCount) return [];
    let lo = n === 0 ? -1 : this.eIdx[n - 1]!;
    const hi = n === this.eCount ? this.bCount : this.eIdx[n]!;
    const out: string[][] = [];
    let current: string[] = [];
    let start = lo < 0 ? 0 : this.bPos[lo]!;
    for (lo++; lo <= hi; lo++) {
      const end = lo === hi ? (hi === this.bCount ? this.length : this.bPos[hi]!) : this.bPos[lo]!;
      current.push(this.decode(start, end));
      if (lo < hi && this.bType[lo] === B_REPETITION) {
        out.push(current);
        current = [];
      }
      start = end;
    }
    out.push(current);
    return out;
  }

  /** All elements, tag first, as repetitions of components. */
  elements(): string[][][] {
    const out = new Array<string[][]>(this.eCount + 1);
    for (let n = 0; n <= this.eCount; n++) out[n] = this.repetitions(n);
    return out;
  }

  toSegment(): EdifactSegment {
    return {
      id: this.id,
      elements: this.elements(),
      offset: this.offset,
      segmentIndex: this.segmentIndex,
    };
  }

  /** @internal True when the tag is exactly the three given ASCII bytes. */
  tagIs(b0: number, b1: number, b2: number): boolean {
    const end = this.bCount > 0 ? this.bPos[0]! : this.length;
    const bytes = this.bytes;
    return end === 3 && bytes[0] === b0 && bytes[1] === b1 && bytes[2] === b2;
  }

  /**
   * Values are read as UTF-8 when the segment has bytes >= 0x80 that form valid UTF-8, as Latin-1
   * otherwise (decoding by the UNB character set, UNOA…UNOY, belongs to the envelope layer).
   */
  private decode(start: number, end: number): string {
    if (start >= end) return '';
    const view = this.bytes.subarray(start, end);
    if (this.high) {
      try {
        return utf8.decode(view);
      } catch {
        // Not UTF-8: fall through to Latin-1, which maps every byte.
      }
    }
    return Buffer.from(view.buffer, view.byteOffset, view.length).toString('latin1');
  }
}
