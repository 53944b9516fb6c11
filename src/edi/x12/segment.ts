import { isUtf8 } from 'node:buffer';
import { shortLatin1Value } from '../core/short-value.js';
import type { X12Delimiters } from './delimiters.js';
import type { X12Encoding } from './encoding.js';

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

/** Bytes per decoded window: well below V8's large-object size, where a string costs 10× per byte. */
const WINDOW = 16 * 1024;
/** Values decoded one by one, within one window's span, before the span is decoded as a whole. */
const DENSE = 32;

/** From this length on, V8 makes a substring a view on its parent string (SlicedString::kMinLength). */
const SLICED_MIN = 13;

/**
 * Where the bytes of the current segment live. One per chunk (zero-copy) or the tokenizer's scratch
 * buffer (segments split across chunks or hard-wrapped). A reader that takes a few values here and
 * there (envelope fields, dates) gets each decoded on its own; one that takes many (a kept set) gets
 * the Latin-1 text of a window of the region decoded once, and every value in it is then a cheap
 * `substring`. Windows, not the whole region: a 50 MB file read as one chunk made a 50 MB string,
 * which took three times longer than decoding it in windows and stayed alive as long as any kept value.
 */
export class ByteSource {
  /** Latin-1 text of `bytes[textFrom, textFrom + text.length)`. */
  private text = '';
  private textFrom = 0;
  /** Values taken from the current window: a reader still dense gets the next window at once. */
  private hits = 0;
  /** Values decoded one by one since `spanFrom`, the first of them. */
  private misses = 0;
  private spanFrom = 0;
  /** `bytes` as a Buffer, made on the first value decoded on its own (a Buffer per value cost more). */
  private buffer: Buffer | undefined = undefined;

  constructor(
    public bytes: Uint8Array,
    public length: number,
  ) {}

  reset(bytes: Uint8Array, length: number): void {
    this.bytes = bytes;
    this.length = length;
    this.text = '';
    this.textFrom = 0;
    this.hits = 0;
    this.misses = 0;
    this.spanFrom = 0;
    this.buffer = undefined;
  }

  /** Latin-1 value of `bytes[start..end)`. */
  slice(start: number, end: number): string {
    if (end - start <= 3) return end === start ? '' : shortLatin1Value(this.bytes, start, end - start);
    const from = this.textFrom;
    if (start >= from && end - from <= this.text.length) {
      this.hits++;
      // V8 makes a substring of 13 characters or more a view on the window, which would keep the
      // whole window alive (and copied by every young-generation collection) for as long as the value:
      // an SSCC in a kept event. Those are decoded on their own.
      if (end - start >= SLICED_MIN) return this.latin1(start, end);
      return this.text.substring(start - from, end - from);
    }
    if (this.hits >= DENSE && start >= from && start - from - this.text.length < WINDOW) {
      return this.window(start, end);
    }
    if (start - this.spanFrom > WINDOW || start < this.spanFrom) {
      this.spanFrom = start;
      this.misses = 0;
    }
    if (++this.misses >= DENSE) return this.window(start, end);
    if (end - start > 32) return this.latin1(start, end);
    const bytes = this.bytes;
    let value = '';
    for (let i = start; i < end; i++) value += String.fromCharCode(bytes[i]!);
    return value;
  }

  /**
   * `slice` for a reader known to take every value of the region (a kept segment): no values decoded
   * one by one before the windows start, which on a 50 MB chunk was the first ~200k values.
   */
  denseSlice(start: number, end: number): string {
    if (end - start <= 3) return end === start ? '' : shortLatin1Value(this.bytes, start, end - start);
    // Decoded on its own even within the window: see `slice`.
    if (end - start >= SLICED_MIN) return this.latin1(start, end);
    const from = this.textFrom;
    // No `hits` counted: they would make the few envelope values read between two kept sets decode
    // a window of their own.
    if (start >= from && end - from <= this.text.length) return this.text.substring(start - from, end - from);
    return this.window(start, end);
  }

  private latin1(start: number, end: number): string {
    return this.bufferOfBytes().toString('latin1', start, end);
  }

  private bufferOfBytes(): Buffer {
    let buffer = this.buffer;
    if (buffer === undefined) {
      const bytes = this.bytes;
      buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.buffer = buffer;
    }
    return buffer;
  }

  /** Decodes the window starting at `start` and returns `bytes[start..end)` from it. */
  private window(start: number, end: number): string {
    const to = Math.min(this.length, Math.max(start + WINDOW, end));
    this.text = this.latin1(start, to);
    this.textFrom = start;
    this.hits = 1;
    this.misses = 0;
    this.spanFrom = start;
    return end - start >= SLICED_MIN ? this.latin1(start, end) : this.text.substring(0, end - start);
  }

  /**
   * A value with bytes of 0x80 and up: UTF-8 when they are valid UTF-8, else ISO 8859-1, byte for byte.
   * No X12 character set has such characters, but partners send them both ways (a name's Ü as C3 9C or
   * as DC); decoded as UTF-8 alone, a Latin-1 Ü became U+FFFD and the name was lost. A text in a
   * single-byte code whose bytes happen to form valid UTF-8 sequences is far less likely (the rule
   * `decodeEdifact` follows for EDIFACT).
   */
  utf8(start: number, end: number): string {
    const buffer = this.bufferOfBytes();
    return isUtf8(buffer.subarray(start, end))
      ? buffer.toString('utf8', start, end)
      : buffer.toString('latin1', start, end);
  }
}

/**
 * A segment a parsed set keeps: what `toSegment` returns, and (with its component mark) what the
 * EDIFACT message reader keeps. A class, not an object literal: V8 decides per literal whether to
 * allocate its objects straight in the old generation (allocation-site pretenuring), and for these,
 * which live only until their set is translated, it sometimes decided wrongly, making a whole run a
 * third slower. Instances of a class are allocated young. The other short-lived per-set classes of the
 * parsed sets point here.
 */
export class KeptSegment implements X12Segment {
  constructor(
    readonly id: string,
    readonly elements: readonly string[],
    readonly offset: number,
    readonly segmentIndex: number,
  ) {}
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

/**
 * `segmentIdCode` of the id a tokenizer key (`X12SegmentView.idKey`, >= 0) stands for: a two-character
 * id's key has a third byte of 0, which its code does not.
 */
export function idCodeOfKey(key: number): number {
  return (key & 0xff) === 0 ? key >>> 8 : key;
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
  /** How the interchange this segment belongs to was read (set at its ISA). */
  encoding: X12Encoding = 'latin1';

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
    // One pass over the separators (`value` finds each element's bounds anew): every kept segment
    // of a translation comes through here.
    const count = this.sepCount;
    const seps = this.seps;
    const source = this.source;
    const utf8 = this.utf8;
    const out = new Array<string>(count + 1);
    let from = this.start;
    for (let n = 0; n <= count; n++) {
      const to = n === count ? this.end : seps[n]!;
      out[n] = from === to ? '' : utf8 ? source.utf8(from, to) : source.denseSlice(from, to);
      from = to + 1;
    }
    return out;
  }

  toSegment(): X12Segment {
    const elements = this.elements();
    return new KeptSegment(elements[0]!, elements, this.offset, this.segmentIndex);
  }

  private value(n: number): string {
    const from = n === 0 ? this.start : this.seps[n - 1]! + 1;
    const to = n === this.sepCount ? this.end : this.seps[n]!;
    if (from === to) return '';
    if (this.utf8) return this.source.utf8(from, to);
    return this.source.slice(from, to);
  }
}
