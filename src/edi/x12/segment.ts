import { shortLatin1Value } from '../core/short-value.js';
import type { X12Delimiters } from './delimiters.js';

/**
 * A detached, fully decoded segment: what `X12SegmentView.toSegment()` returns and what tests and
 * low-volume consumers use. `elements[0]` is the segment id, so `elements[1]` is e.g. ST01.
 */
export interface X12Segment {
  readonly id: string;
  readonly elements: readonly string[];
  readonly offset: number;
  readonly segmentIndex: number;
  /**
   * What separates the components inside `elements` when it is not the separator the reader of the
   * segment is told (an EDIFACT segment kept as its own text uses the interchange's, one with released
   * characters `COMPONENT_MARK`). Absent for X12.
   */
  readonly componentMark?: string;
}

/**
 * Where the bytes of the current segment live. One per chunk (zero-copy) or the tokenizer's scratch
 * buffer (segments split across chunks or hard-wrapped); the Latin-1 string of the region is built
 * once on first use so that every value is then a cheap `substring`.
 */
export class ByteSource {
  private text: string | undefined;

  constructor(
    public bytes: Uint8Array,
    public length: number,
  ) {}

  reset(bytes: Uint8Array, length: number): void {
    this.bytes = bytes;
    this.length = length;
    this.text = undefined;
    this.requests = 0;
  }

  private requests = 0;

  /**
   * Latin-1 value of `bytes[start..end)`. The first values of a region are decoded on their own, so
   * that a validation pass reading only envelope fields never turns a whole 1 MiB chunk into a string;
   * past that, one string of the region makes every further value a cheap `substring`.
   */
  slice(start: number, end: number): string {
    if (end - start <= 3) return end === start ? '' : shortLatin1Value(this.bytes, start, end - start);
    // One request per 256 bytes: envelope-only readers stay far below, value readers pass it quickly.
    if (this.text === undefined && ++this.requests <= (this.length >> 8) + 16) {
      const bytes = this.bytes;
      if (end - start > 32)
        return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
      let value = '';
      for (let i = start; i < end; i++) value += String.fromCharCode(bytes[i]!);
      return value;
    }
    return this.latin1().substring(start, end);
  }

  latin1(): string {
    let text = this.text;
    if (text === undefined) {
      text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.length).toString('latin1');
      this.text = text;
    }
    return text;
  }

  utf8(start: number, end: number): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
  }
}

const idCache = new Map<number, string>();

/**
 * A segment id of one to three characters below U+0100 (every X12 id and EDIFACT tag) as one
 * integer, -1 for anything else: map selectors and the grammar's set walker compare and look up these
 * instead of id strings (comparing copied ids character by character was the largest line of the map
 * interpreter).
 */
export function segmentIdCode(id: string): number {
  if (id.length === 0 || id.length > 3) return -1;
  let code = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 0 || c > 0xff) return -1;
    code = (code << 8) | c;
  }
  return code;
}

/** Packs a 2–3 byte segment id into a number so that envelope checks compare integers, not strings. */
export function idKeyOf(b0: number, b1: number, b2: number): number {
  return (b0 << 16) | (b1 << 8) | b2;
}

export const ID_ISA = idKeyOf(0x49, 0x53, 0x41);
export const ID_IEA = idKeyOf(0x49, 0x45, 0x41);
export const ID_GS = idKeyOf(0x47, 0x53, 0);
export const ID_GE = idKeyOf(0x47, 0x45, 0);
export const ID_ST = idKeyOf(0x53, 0x54, 0);
export const ID_SE = idKeyOf(0x53, 0x45, 0);
export const ID_TA1 = idKeyOf(0x54, 0x41, 0x31);
export const ID_ISB = idKeyOf(0x49, 0x53, 0x42);
export const ID_ISE = idKeyOf(0x49, 0x53, 0x45);

/**
 * A window on the segment being delivered. It is reused for every segment, so it is valid only during
 * the listener call that receives it; call `toSegment()` to keep a copy. Values are decoded on demand:
 * a consumer that only counts segments never builds a string.
 */
export class X12SegmentView {
  /** Byte offset of the segment's first byte in the stream. */
  offset = 0;
  /** 0-based index of the segment in the stream. */
  segmentIndex = 0;
  /** Integer form of the id for 2–3 byte ids, -1 when the id is empty or longer than 3 bytes. */
  idKey = -1;
  delimiters!: X12Delimiters;

  /** @internal */ source!: ByteSource;
  /** @internal */ start = 0;
  /** @internal */ end = 0;
  /** @internal positions of element separators inside `source.bytes`. */ seps: Int32Array<ArrayBufferLike> =
    new Int32Array(0);
  /** @internal */ sepCount = 0;
  /** @internal true when a byte >= 0x80 occurs and the interchange is not EBCDIC. */ utf8 = false;
  /**
   * @internal true when no byte of the segment is a control character, DEL, or the component or
   * repetition separator: the element checks then take every value's characters as valid.
   */
  plain = false;

  /** Number of data elements after the id (trailing empty elements included as sent). */
  get elementCount(): number {
    return this.sepCount;
  }

  get id(): string {
    const key = this.idKey;
    if (key >= 0) {
      const cached = idCache.get(key);
      if (cached !== undefined) return cached;
      const text = this.value(0);
      if (idCache.size < 4096) idCache.set(key, text);
      return text;
    }
    return this.value(0);
  }

  /** Byte length of element `n` (1-based; 0 = id) without decoding it; 0 when absent. */
  elementLength(n: number): number {
    if (n < 0 || n > this.sepCount) return 0;
    const from = n === 0 ? this.start : this.seps[n - 1]! + 1;
    const to = n === this.sepCount ? this.end : this.seps[n]!;
    return to - from;
  }

  /** Element `n` as a string (1-based, so `element(2)` of an ST is ST02); '' when absent. */
  element(n: number): string {
    if (n < 1 || n > this.sepCount) return '';
    return this.value(n);
  }

  /** The exact bytes of element `n` (a copy), for consumers that must not lose undecodable bytes. */
  elementBytes(n: number): Uint8Array {
    if (n < 0 || n > this.sepCount) return new Uint8Array(0);
    const from = n === 0 ? this.start : this.seps[n - 1]! + 1;
    const to = n === this.sepCount ? this.end : this.seps[n]!;
    return this.source.bytes.slice(from, to);
  }

  /** @internal The bytes of element `n` without a copy, valid only during the callback. */
  elementBytesView(n: number): Uint8Array {
    if (n < 0 || n > this.sepCount) return new Uint8Array(0);
    const from = n === 0 ? this.start : this.seps[n - 1]! + 1;
    const to = n === this.sepCount ? this.end : this.seps[n]!;
    return this.source.bytes.subarray(from, to);
  }

  /** Components of element `n` split on the interchange's component separator (ISA16). */
  components(n: number): string[] {
    return this.element(n).split(this.delimiters.component);
  }

  /** Repetitions of element `n` split on the repetition separator (ISA11, 00402+); one item before 00402. */
  repetitions(n: number): string[] {
    const value = this.element(n);
    const rep = this.delimiters.repetition;
    return rep === undefined ? [value] : value.split(rep);
  }

  /** All values, id first. */
  elements(): string[] {
    const out = new Array<string>(this.sepCount + 1);
    for (let n = 0; n <= this.sepCount; n++) out[n] = this.value(n);
    return out;
  }

  toSegment(): X12Segment {
    const elements = this.elements();
    return { id: elements[0]!, elements, offset: this.offset, segmentIndex: this.segmentIndex };
  }

  private value(n: number): string {
    const from = n === 0 ? this.start : this.seps[n - 1]! + 1;
    const to = n === this.sepCount ? this.end : this.seps[n]!;
    if (from === to) return '';
    if (this.utf8) return this.source.utf8(from, to);
    return this.source.slice(from, to);
  }
}
