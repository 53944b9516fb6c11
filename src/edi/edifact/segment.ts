import { AUTO_CHARSET, decodeEdifact, type EdifactCharset } from './charsets.js';
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

  /** @internal */ bytes: Buffer = Buffer.alloc(0);
  /** @internal */ length = 0;
  /** @internal */ bPos: Int32Array = new Int32Array(0);
  /** @internal */ bType: Uint8Array = new Uint8Array(0);
  /** @internal */ bCount = 0;
  /** @internal indices into bPos of the element separators. */ eIdx: Int32Array = new Int32Array(0);
  /** @internal */ eCount = 0;
  /** @internal a byte >= 0x80 occurs in the segment. */ high = false;
  /** @internal the segment's bytes are valid UTF-8 (only computed when `high`). */ utf8 = false;
  /** @internal raw start of the segment in the chunk being written, -1 when it is not there in one piece. */
  chunkStart = -1;
  /** @internal the chunk's Latin-1 text (decoded once per chunk). */
  textOfChunk: () => string = () => '';
  /** Character set of the interchange (from UNB S001), which decides how values are decoded. */
  charset: EdifactCharset = AUTO_CHARSET;

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
      if (rep === r && comp === c) return this.decodeAt(start, end, lo);
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

  /** Number of components of the first repetition of element `n` (0 when absent), without decoding. */
  componentCount(n: number): number {
    if (n < 0 || n > this.eCount) return 0;
    const lo = n === 0 ? -1 : this.eIdx[n - 1]!;
    const hi = n === this.eCount ? this.bCount : this.eIdx[n]!;
    let count = 1;
    for (let k = lo + 1; k < hi; k++) {
      if (this.bType[k] === B_REPETITION) break;
      count++;
    }
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
      current.push(this.decodeAt(start, end, lo));
      if (lo < hi && this.bType[lo] === B_REPETITION) {
        out.push(current);
        current = [];
      }
      start = end;
    }
    out.push(current);
    return out;
  }

  /**
   * Every value of the segment in order, tag first (element 0), each decoded once: the cheapest way to
   * read a whole segment. `element`, `component` and `repetition` are 1-based (0 for the tag's element).
   */
  eachValue(fn: (value: string, element: number, component: number, repetition: number) => void): void {
    // In one piece in the chunk: substrings of the chunk's text, where value k starts k separators
    // further than in the unescaped bytes. Otherwise ASCII: one decode of the segment, then substrings.
    const cs = this.chunkStart;
    if (cs >= 0) {
      this.eachValueOf(this.textOfChunk(), cs, 1, fn);
      return;
    }
    // ASCII: one decode of the segment, then substrings; with high bytes: per value, by character set.
    this.eachValueOf(this.high ? undefined : latin1(this.bytes, 0, this.length), 0, 0, fn);
  }

  private eachValueOf(
    text: string | undefined,
    base: number,
    perBoundary: number,
    fn: (value: string, element: number, component: number, repetition: number) => void,
  ): void {
    let start = 0;
    let element = 0;
    let component = 1;
    let repetition = 1;
    for (let k = 0; k <= this.bCount; k++) {
      const end = k === this.bCount ? this.length : this.bPos[k]!;
      const shift = base + k * perBoundary;
      const value = text === undefined ? this.decode(start, end) : text.substring(start + shift, end + shift);
      fn(value, element, component, repetition);
      if (k === this.bCount) break;
      const type = this.bType[k];
      if (type === B_ELEMENT) {
        element++;
        component = 1;
        repetition = 1;
      } else if (type === B_COMPONENT) {
        component++;
      } else {
        repetition++;
        component = 1;
      }
      start = end;
    }
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
   * The value at unescaped bytes [start, end), preceded by `boundaries` separators: a substring of the
   * chunk's text when the segment is there in one piece, decoded from the bytes otherwise.
   */
  private decodeAt(start: number, end: number, boundaries: number): string {
    const cs = this.chunkStart;
    if (cs < 0) return this.decode(start, end);
    const shift = cs + boundaries;
    return this.textOfChunk().substring(start + shift, end + shift);
  }

  /**
   * Values with bytes >= 0x80 are decoded per the UNB character set (`charsets.ts`); valid UTF-8 is read
   * as UTF-8 whatever was declared (the tokenizer reports the mismatch). ASCII takes the fast path.
   */
  private decode(start: number, end: number): string {
    if (start >= end) return '';
    if (this.high) return decodeEdifact(this.bytes.subarray(start, end), this.charset, this.utf8);
    return latin1(this.bytes, start, end);
  }
}

/**
 * `buf.toString('latin1', start, end)` without its argument checks: Buffer's own `latin1Slice`, which
 * `toString` calls after validating (present since Node 0.x, not in the type definitions). This is the
 * hottest call of a full read: one per segment.
 */
function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
}
