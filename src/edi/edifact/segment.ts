import { shortLatin1Value } from '../core/short-value.js';
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
 * call (use `toSegment()` to keep a copy). It points either into the chunk being written (a segment
 * read there in one piece, with no release character, line wrap or byte outside ASCII: nothing was
 * copied) or into the tokenizer's scratch buffer, where the bytes are held already unescaped. Either
 * way `bytes[start, end)` holds the segment with its unreleased separators, whose positions are
 * recorded, so a value is decoded only when asked for. Element 0 is the tag.
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

  /** @internal the chunk being written, or the scratch buffer. */ bytes: Buffer = Buffer.alloc(0);
  /** @internal first byte of the segment in `bytes`. */ start = 0;
  /** @internal end of the segment in `bytes` (exclusive). */ end = 0;
  /** @internal indices in `bytes` of the separators, in order. */ bPos: Int32Array = new Int32Array(0);
  /** @internal */ bType: Uint8Array = new Uint8Array(0);
  /** @internal */ bCount = 0;
  /** @internal indices into bPos of the element separators. */ eIdx: Int32Array = new Int32Array(0);
  /** @internal */ eCount = 0;
  /** @internal a byte >= 0x80 occurs in the segment. */ high = false;
  /** @internal the segment's bytes are valid UTF-8 (only computed when `high`). */ utf8 = false;
  /** @internal `bytes` is the chunk being written (whose text `textOfChunk` gives), not the scratch. */
  inChunk = false;
  /**
   * @internal the chunk's Latin-1 text, decoded at most once per chunk: when `all` values of a segment
   * are read, or when it was decoded already (else `undefined`: a few single values, as validation reads
   * from UNH and UNT, do not pay for decoding 64 KiB).
   */
  textOfChunk: (all: boolean) => string | undefined = () => undefined;
  /** @internal the segment's text (ASCII only), decoded on the first single value read; reset per segment. */
  text: string | undefined = undefined;
  /** Character set of the interchange (from UNB S001), which decides how values are decoded. */
  charset: EdifactCharset = AUTO_CHARSET;

  /** Number of data elements after the tag (trailing empty elements included as sent). */
  get elementCount(): number {
    return this.eCount;
  }

  /**
   * The segment tag (first component of element 0). For a segment without bytes >= 0x80 the same string
   * comes back for the same tag (the short-value table), so a map keyed by tags does not hash a new
   * string every segment.
   */
  get id(): string {
    // A tag is three letters (two in damaged data): read from its bytes, without decoding the segment.
    const length = this.tagEnd() - this.start;
    if (!this.high && (length === 3 || length === 2)) return shortLatin1Value(this.bytes, this.start, length);
    return this.value(0);
  }

  /** Value of element `n` (1-based; 0 = tag), component `c`, repetition `r` (both 1-based); '' when absent. */
  value(n: number, c = 1, r = 1): string {
    if (n < 0 || n > this.eCount || c < 1 || r < 1) return '';
    // Value k lies between separators k - 1 and k; element n spans values first..last.
    const last = n === this.eCount ? this.bCount : this.eIdx[n]!;
    let rep = 1;
    let comp = 1;
    for (let k = n === 0 ? 0 : this.eIdx[n - 1]! + 1; k <= last; k++) {
      if (rep === r && comp === c) return this.valueAt(k);
      if (k === last) return '';
      if (this.bType[k] === B_REPETITION) {
        if (rep === r) return '';
        rep++;
        comp = 1;
      } else {
        comp++;
      }
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
    const last = n === this.eCount ? this.bCount : this.eIdx[n]!;
    const out: string[][] = [];
    let current: string[] = [];
    for (let k = n === 0 ? 0 : this.eIdx[n - 1]! + 1; k <= last; k++) {
      current.push(this.valueAt(k));
      if (k < last && this.bType[k] === B_REPETITION) {
        out.push(current);
        current = [];
      }
    }
    out.push(current);
    return out;
  }

  /**
   * Every value of the segment in order, tag first (element 0), each decoded once: the cheapest way to
   * read a whole segment. `element`, `component` and `repetition` are 1-based (0 for the tag's element).
   */
  eachValue(fn: (value: string, element: number, component: number, repetition: number) => void): void {
    // Substrings of one text: the chunk's (decoded once per chunk) or, for ASCII in the scratch, the
    // segment's; two- and three-byte values from the shared table. With bytes >= 0x80 each value is
    // decoded by character set.
    const text = this.inChunk
      ? this.textOfChunk(true)
      : this.high
        ? undefined
        : (this.text ??= latin1(this.bytes, this.start, this.end));
    const shift = this.inChunk ? 0 : this.start;
    const bPos = this.bPos;
    const bType = this.bType;
    const count = this.bCount;
    let from = this.start;
    let element = 0;
    let component = 1;
    let repetition = 1;
    for (let k = 0; ; k++) {
      const to = k === count ? this.end : bPos[k]!;
      const length = to - from;
      fn(
        text === undefined
          ? this.decode(from, to)
          : length === 2 || length === 3
            ? shortLatin1Value(this.bytes, from, length)
            : text.substring(from - shift, to - shift),
        element,
        component,
        repetition,
      );
      if (k === count) return;
      const type = bType[k];
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
      from = to + 1;
    }
  }

  /**
   * The tag (as `id`), then one string per data element: the components of its first repetition joined
   * by `mark` (later repetitions are left out), each value decoded as `eachValue` decodes it. What a
   * parsed tree keeps of a segment, read straight from the view (no value table in between). Joined by
   * concatenation, not `Array.join`: the join was the most expensive line of the reader (measured), and
   * values this short are mostly copied flat anyway.
   */
  firstRepetitions(mark: string): string[] {
    const count = this.eCount;
    const out = new Array<string>(count + 1);
    out[0] = this.id;
    const text = this.inChunk
      ? this.textOfChunk(true)
      : this.high
        ? undefined
        : (this.text ??= latin1(this.bytes, this.start, this.end));
    const shift = this.inChunk ? 0 : this.start;
    const bPos = this.bPos;
    const bType = this.bType;
    const eIdx = this.eIdx;
    const bCount = this.bCount;
    for (let e = 1; e <= count; e++) {
      // Values first..last (value k lies between separators k - 1 and k); the first repetition ends at
      // the first repetition separator.
      const first = eIdx[e - 1]! + 1;
      const last = e === count ? bCount : eIdx[e]!;
      let from = bPos[first - 1]! + 1;
      let to = first === bCount ? this.end : bPos[first]!;
      let value = this.valueIn(text, shift, from, to);
      for (let k = first; k < last && bType[k] !== B_REPETITION; k++) {
        from = to + 1;
        to = k + 1 === bCount ? this.end : bPos[k + 1]!;
        value = value + mark + this.valueIn(text, shift, from, to);
      }
      out[e] = value;
    }
    return out;
  }

  /**
   * What `firstRepetitions(delimiters.component)` gives, for a segment read in place (in one chunk,
   * without release characters or bytes outside ASCII), cut from the chunk's text instead of joined:
   * there every component separator in an element's text is a separator, so each element's first
   * repetition is its own text. `undefined` for any other segment (the caller joins with a mark of its
   * own, which released separators in data cannot be mistaken for).
   */
  ownTexts(): string[] | undefined {
    if (!this.inChunk || this.high) return undefined;
    const text = this.textOfChunk(true);
    if (text === undefined) return undefined;
    const count = this.eCount;
    const out = new Array<string>(count + 1);
    out[0] = this.id;
    const bPos = this.bPos;
    const bType = this.bType;
    const eIdx = this.eIdx;
    const bCount = this.bCount;
    for (let e = 1; e <= count; e++) {
      const first = eIdx[e - 1]! + 1;
      const last = e === count ? bCount : eIdx[e]!;
      const from = bPos[first - 1]! + 1;
      let to = last === bCount ? this.end : bPos[last]!;
      for (let k = first; k < last; k++)
        if (bType[k] === B_REPETITION) {
          to = bPos[k]!;
          break;
        }
      out[e] = this.valueIn(text, 0, from, to);
    }
    return out;
  }

  /** The value `bytes[from, to)`: from `text` (see `eachValue`) or, when there is none, decoded. */
  private valueIn(text: string | undefined, shift: number, from: number, to: number): string {
    const length = to - from;
    if (text === undefined) return this.decode(from, to);
    if (length === 2 || length === 3) return shortLatin1Value(this.bytes, from, length);
    return text.substring(from - shift, to - shift);
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

  /**
   * @internal The third letter of a service tag (UNA, UNB, UNE, UNG, UNH, UNT, UNZ) as a byte, 0 for any
   * other tag: one test of the first byte for most segments.
   */
  serviceTag(): number {
    const bytes = this.bytes;
    const s = this.start;
    if (bytes[s] !== 0x55 || bytes[s + 1] !== 0x4e || this.tagEnd() - s !== 3) return 0;
    const c = bytes[s + 2]!;
    return c === 0x41 || c === 0x42 || c === 0x45 || c === 0x47 || c === 0x48 || c === 0x54 || c === 0x5a
      ? c
      : 0;
  }

  /** @internal True when the tag is exactly the three given ASCII bytes. */
  tagIs(b0: number, b1: number, b2: number): boolean {
    const bytes = this.bytes;
    const s = this.start;
    return this.tagEnd() - s === 3 && bytes[s] === b0 && bytes[s + 1] === b1 && bytes[s + 2] === b2;
  }

  private tagEnd(): number {
    return this.bCount > 0 ? this.bPos[0]! : this.end;
  }

  /**
   * Value k: between separators k - 1 and k (the segment's start and end at either side). ASCII values
   * are substrings of one decoded text (the chunk's when there is one, else the segment's): envelope
   * checks read a dozen values of a UNH with one native decode.
   */
  private valueAt(k: number): string {
    const from = k === 0 ? this.start : this.bPos[k - 1]! + 1;
    const to = k === this.bCount ? this.end : this.bPos[k]!;
    if (from >= to) return '';
    if (this.high) return this.decode(from, to);
    if (to - from <= 3 && to - from >= 2) return shortLatin1Value(this.bytes, from, to - from);
    if (this.inChunk) {
      const chunkText = this.textOfChunk(false);
      if (chunkText !== undefined) return chunkText.substring(from, to);
    }
    this.text ??= latin1(this.bytes, this.start, this.end);
    return this.text.substring(from - this.start, to - this.start);
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
