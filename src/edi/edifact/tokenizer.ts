import { isUtf8 } from 'node:buffer';
import { EdiError } from '../core/edi-error.js';
import type { EdiSeverity } from '../core/issue.js';
import type { EdiControlNumbers } from '../core/position.js';
import { AUTO_CHARSET, EDIFACT_CHARSETS, REPERTOIRE_TABLES, type EdifactCharset } from './charsets.js';
import {
  DEFAULT_EDIFACT_DELIMITERS,
  DEFAULT_EDIFACT_DELIMITERS_V4,
  parseServiceStringAdvice,
  type EdifactDelimiters,
} from './delimiters.js';
import { B_COMPONENT, B_ELEMENT, B_REPETITION, EdifactSegmentView, type EdifactSegment } from './segment.js';
import {
  TOKEN_ISSUE_META,
  type EdifactTokenIssue,
  type EdifactTokenIssueKind,
  type EdifactTokenizerOptions,
  type EdifactTokenizerStats,
  type EdifactTokenListener,
} from './token-types.js';

export type {
  EdifactTokenIssue,
  EdifactTokenIssueKind,
  EdifactTokenizerOptions,
  EdifactTokenizerStats,
  EdifactTokenListener,
} from './token-types.js';

// Byte classes inside a segment. The separators' classes are their boundary kinds (recorded as they are).
const C_DATA = 0;
const C_ELEMENT = B_ELEMENT;
const C_COMPONENT = B_COMPONENT;
const C_REPETITION = B_REPETITION;
const C_RELEASE = 4;
const C_TERM = 5;
/** CR or LF that is not a service character: a line wrap (ISO 9735 has no line structure), dropped. */
const C_IGNORE = 6;
/** A data byte outside the declared repertoire (levels A/B): kept, and reported per segment. */
const C_SUSPECT = 7;
/** A data byte >= 0x80 (not checked against a repertoire): kept, and marks the segment for decoding. */
const C_HIGH = 8;
/**
 * A C0 control character or DEL as data, at any syntax level: kept, and reported per segment as an
 * error (0085 code 21). No level's repertoire has them (ISO 9735-1 annex C: A and B list their
 * graphic characters; C to L are ISO 8859 graphic sets, W and Y ISO 10646 graphic characters); they
 * appear only as service characters a UNA advises (IS1, IS3, IS4) and as the line wraps (CR, LF)
 * that are dropped. A NUL in data cannot be stored by PostgreSQL, so such a message must never be
 * acknowledged as accepted.
 */
const C_CONTROL = 9;

// Byte kinds for the validate-only skip (`bodyRun`): what a plain body segment may contain.
/** Data, separators and CR/LF: nothing to record when only the segment count matters. */
const K_PLAIN = 0;
const K_TERM = 1;
const K_RELEASE = 2;
/** Outside the repertoire or >= 0x80: the segment may have a finding, so it takes the general path. */
const K_OTHER = 3;

// States.
const S_START = 0;
const S_BETWEEN = 1;
const S_SEGMENT = 2;
const S_UNA = 3;

const EMPTY = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const U = 0x55;
const N = 0x4e;
const A = 0x41;

/**
 * Streaming EDIFACT tokenizer over bytes (ISO 9735 syntax level A/B, versions 1–4). Feed chunks of any
 * size with `write`, then call `end`: segments, findings and offsets are the same whatever the chunking,
 * because every byte goes through one state machine whose state (including "the previous byte was a
 * release character") survives chunk boundaries.
 *
 * Delimiters come from a UNA (six characters: component, element, decimal mark, release, repetition,
 * terminator) or are the defaults `:+.? '`; a UNB without UNA that declares syntax version 4 switches
 * on the default repetition separator "*". A UNZ restores the defaults for the next interchange.
 *
 * CR and LF that are not service characters are dropped wherever they occur (ISO 9735 has no lines:
 * partners hard-wrap at 80 columns, even inside values); a released CR or LF is data. The release
 * character releases service characters only ("? immediately preceding one of the characters ' + : ?
 * restores their normal meaning", UNTDID Part 4, 2.2 §5.1): before any other byte it is still dropped,
 * and the segment gets a 0085 22 error, since "?" unreleased and a byte released needlessly look alike. The UNB syntax
 * identifier selects the character set (`charsets.ts`): UNOA/UNOB repertoires are checked byte by byte
 * (findings per segment), the others decide how values with bytes >= 0x80 are decoded.
 */
export class EdifactTokenizer {
  private readonly maxSegmentBytes: number;
  private state = S_START;
  private base = 0;
  private segmentCount = 0;
  private work = 0;
  private ended = false;
  private bomSoFar = 0;

  private delimiters: EdifactDelimiters = DEFAULT_EDIFACT_DELIMITERS;
  private charset: EdifactCharset = AUTO_CHARSET;
  private readonly strictCharacterSet: boolean;
  private readonly cls = new Uint8Array(256);
  /** `cls` folded to the K_* kinds of the validate-only skip. */
  private readonly kinds = new Uint8Array(256);
  private readonly countsBody: (() => boolean) | undefined;
  /** See `plainPairs`; `undefined` until needed after a change of delimiters. */
  private pairs: Uint8Array | undefined;
  /** The chunk as 16-bit words for `bodyRun` (validate-only, when the chunk starts at an even address). */
  private words: Uint16Array | undefined;
  private previousWasUna = false;
  private controlNumbers: EdiControlNumbers = {};
  /**
   * The UNH reference not yet added to `controlNumbers` (`undefined` when none is pending): the object
   * is only built when a finding needs it, and a UNT that closes the message drops the reference
   * without building anything (two objects per message otherwise).
   */
  private pendingSet: string | undefined;

  // Segment being built: read in place in the chunk (`inChunk`, from `segStart`) or copied to the scratch
  // (unescaped bytes and separators); separator positions in either.
  private readonly view = new EdifactSegmentView();
  private inChunk = false;
  private segStart = 0;
  // A Buffer, so that values decode with one native call and no wrapper object.
  private scratch = Buffer.allocUnsafe(256);
  private len = 0;
  private rawLen = 0;
  private bPos = new Int32Array(32);
  private bType = new Uint8Array(32);
  private bCount = 0;
  private eIdx = new Int32Array(32);
  private eCount = 0;
  private high = false;
  private released = false;
  private overflow = false;
  private segOffset = 0;
  /** First byte outside the repertoire in the current segment, -1 when none. */
  private suspect = -1;
  /** First control character (C0 or DEL, released or not, CR and LF aside) in the current segment, -1 when none. */
  private control = -1;
  /** First byte in the current segment released though no service character, -1 when none. */
  private misreleased = -1;
  /**
   * 1 for the bytes a release character may precede (the separators, the terminator, the release
   * character itself; CR and LF, tolerated as text): ISO 9735 releases service characters only.
   */
  private readonly releasable = new Uint8Array(256);

  // The chunk being written, decoded to Latin-1 text at most once, on demand (see `EdifactSegmentView.eachValue`).
  private chunk: Buffer = EMPTY;
  private chunkText: string | undefined;
  /** The chunk's text, decoded once when a whole segment is read (see `EdifactSegmentView.textOfChunk`). */
  private readonly textOfChunk = (all: boolean): string | undefined => {
    if (all) this.chunkText ??= latin1(this.chunk, 0, this.chunk.length);
    return this.chunkText;
  };

  // UNA collector.
  private readonly una = new Uint8Array(6);
  private unaCount = 0;

  constructor(
    private readonly listener: EdifactTokenListener,
    options: EdifactTokenizerOptions = {},
  ) {
    const max = options.maxSegmentBytes ?? 1 << 20;
    if (!Number.isInteger(max) || max < 16) {
      throw new EdiError('INVALID_OPTION', 'maxSegmentBytes must be an integer >= 16');
    }
    this.maxSegmentBytes = max;
    this.strictCharacterSet = options.strictCharacterSet ?? false;
    this.countsBody = listener.countsBodySegments;
    this.view.textOfChunk = this.textOfChunk;
    this.view.bPos = this.bPos;
    this.view.bType = this.bType;
    this.view.eIdx = this.eIdx;
    this.useDelimiters(DEFAULT_EDIFACT_DELIMITERS);
  }

  get stats(): EdifactTokenizerStats {
    return { bytes: this.base, segments: this.segmentCount, work: this.work };
  }

  write(chunk: Uint8Array): void {
    if (this.ended) throw new EdiError('STREAM_ENDED', 'write() after end()');
    if (!(chunk instanceof Uint8Array)) throw new EdiError('INVALID_OPTION', 'write() takes a Uint8Array');
    const n = chunk.length;
    // A Buffer over the same memory: values decode from it with one native call.
    this.chunk = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, n);
    this.chunkText = undefined;
    this.words =
      this.countsBody !== undefined && (chunk.byteOffset & 1) === 0 && n >= 2
        ? new Uint16Array(chunk.buffer, chunk.byteOffset, n >> 1)
        : undefined;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S_START:
          i = this.start(chunk, i);
          break;
        case S_BETWEEN:
          i = this.between(chunk, i);
          break;
        case S_SEGMENT:
          i = this.segment(chunk, i);
          break;
        default:
          i = this.collectUna(chunk, i);
      }
    }
    this.base += n;
    // The caller may reuse its buffer: nothing may point into it after write returns.
    this.chunk = EMPTY;
    this.chunkText = undefined;
    this.words = undefined;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.state === S_START && this.bomSoFar > 0 && this.bomSoFar < 3) {
      // The data is only the beginning of a BOM: those bytes are an (unterminated) segment.
      this.state = S_SEGMENT;
      this.beginSegment(0);
      for (let k = 0; k < this.bomSoFar; k++) this.scanByte(UTF8_BOM[k]!);
    }
    if (this.state === S_UNA) {
      this.report('una-truncated', this.segOffset, 3 + this.unaCount, 'end of data inside the UNA');
    } else if (this.state === S_SEGMENT) {
      if (this.released) {
        this.report('release-at-end', this.base - 1, 1, 'the data ends with a release character');
      }
      this.report(
        'unterminated-segment',
        this.segOffset,
        this.rawLen,
        'end of data before the segment terminator',
      );
      this.finishSegment();
    }
    this.state = S_BETWEEN;
  }

  private useDelimiters(d: EdifactDelimiters): void {
    this.delimiters = d;
    // The view keeps what changes only here (the charset changes just before, at UNB and UNZ).
    this.view.delimiters = d;
    this.view.charset = this.charset;
    const cls = this.cls;
    cls.fill(C_DATA);
    const repertoire = this.charset.repertoire;
    if (repertoire !== undefined) {
      const ok = REPERTOIRE_TABLES[repertoire];
      for (let b = 0; b < 256; b++) if (ok[b] === 0) cls[b] = C_SUSPECT;
    } else {
      for (let b = 0x80; b < 256; b++) cls[b] = C_HIGH;
    }
    for (let b = 0; b < 0x20; b++) cls[b] = C_CONTROL;
    cls[0x7f] = C_CONTROL;
    cls[CR] = C_IGNORE;
    cls[LF] = C_IGNORE;
    cls[d.element.charCodeAt(0)] = C_ELEMENT;
    cls[d.component.charCodeAt(0)] = C_COMPONENT;
    if (d.repetition !== undefined) cls[d.repetition.charCodeAt(0)] = C_REPETITION;
    if (d.release !== undefined) cls[d.release.charCodeAt(0)] = C_RELEASE;
    cls[d.segment.charCodeAt(0)] = C_TERM;
    const releasable = this.releasable;
    for (let b = 0; b < 256; b++) {
      const c = cls[b]!;
      releasable[b] = (c >= C_ELEMENT && c <= C_TERM) || b === CR || b === LF ? 1 : 0;
    }
    const kinds = this.kinds;
    this.pairs = undefined;
    for (let b = 0; b < 256; b++) {
      const c = cls[b];
      kinds[b] =
        c === C_TERM
          ? K_TERM
          : c === C_RELEASE
            ? K_RELEASE
            : c === C_SUSPECT || c === C_HIGH || c === C_CONTROL
              ? K_OTHER
              : K_PLAIN;
    }
  }

  /** A UTF-8 BOM at the very start of the stream is skipped. */
  private start(buf: Uint8Array, i: number): number {
    const b = buf[i]!;
    this.work++;
    if (this.base + i === this.bomSoFar && this.bomSoFar < 3 && b === UTF8_BOM[this.bomSoFar]) {
      this.bomSoFar++;
      return i + 1;
    }
    if (this.bomSoFar > 0 && this.bomSoFar < 3) {
      // A partial BOM is data: restart the segment from the first byte of the stream.
      this.state = S_SEGMENT;
      this.beginSegment(0);
      for (let k = 0; k < this.bomSoFar; k++) this.scanByte(UTF8_BOM[k]!);
      return i;
    }
    this.state = S_BETWEEN;
    return i;
  }

  /** CR and LF between segments (after a terminator, before the first segment) are ignored. */
  private between(buf: Uint8Array, i: number): number {
    const n = buf.length;
    if (this.countsBody !== undefined && this.countsBody()) {
      i = this.bodyRun(buf, i);
      if (i >= n) return n;
    }
    const start = i;
    while (i < n && (buf[i] === CR || buf[i] === LF)) i++;
    this.work += i - start;
    if (i < n) this.begin(buf, i);
    return i;
  }

  /**
   * A segment starts at `buf[i]`: read in place unless it may be a UNA (whose six service characters are
   * read raw by `scanByte`, which recognises it on the first three bytes): one that starts with "UNA",
   * or whose first three bytes are not all in this chunk.
   */
  private begin(buf: Uint8Array, i: number): void {
    this.beginSegment(this.base + i);
    this.state = S_SEGMENT;
    this.segStart = i;
    this.inChunk = i + 2 < buf.length && !(buf[i] === U && buf[i + 1] === N && buf[i + 2] === A);
  }

  private beginSegment(offset: number): void {
    this.segOffset = offset;
    this.inChunk = false;
    this.len = 0;
    this.rawLen = 0;
    this.bCount = 0;
    this.eCount = 0;
    this.high = false;
    this.released = false;
    this.overflow = false;
    this.suspect = -1;
    this.control = -1;
    this.misreleased = -1;
  }

  /**
   * The hot loops: one class lookup per byte; the release state survives chunk ends. A segment read in
   * place (`inPlace`) records only separator positions. Any other (a release character, a line wrap, a
   * byte outside ASCII or the repertoire, the chunk's end, the size limit) continues in the scratch: plain
   * bytes after a segment's first three (where a UNA is recognised) are copied in a tight inner loop;
   * everything else (release, CR/LF, growth, the size limit) goes through `scanByte`.
   */
  private segment(buf: Uint8Array, i: number): number {
    if (this.inChunk) {
      i = this.inPlace(buf, i);
      if (this.state !== S_SEGMENT) return i;
    }
    const n = buf.length;
    const start = i;
    const cls = this.cls;
    while (i < n) {
      if (!this.released && !this.overflow && this.unaImpossible(buf[i]!)) {
        // Locals for the tight loop; any byte it does not handle (or a full array) leaves it.
        const scratch = this.scratch;
        const bPos = this.bPos;
        const bType = this.bType;
        const eIdx = this.eIdx;
        let len = this.len;
        let bCount = this.bCount;
        let eCount = this.eCount;
        const first = i;
        const room = this.maxSegmentBytes - this.rawLen;
        const limit = n - i < room ? n : i + room;
        for (; i < limit; i++) {
          const b = buf[i]!;
          const c = cls[b]!;
          if (c === C_DATA) {
            if (len === scratch.length) break;
            scratch[len++] = b;
          } else if (c === C_COMPONENT || c === C_ELEMENT) {
            if (len === scratch.length || bCount === bPos.length) break;
            if (c === C_ELEMENT) {
              if (eCount === eIdx.length) break;
              eIdx[eCount++] = bCount;
            }
            bPos[bCount] = len;
            bType[bCount++] = c;
            scratch[len++] = b;
          } else {
            break;
          }
        }
        this.len = len;
        this.bCount = bCount;
        this.eCount = eCount;
        this.rawLen += i - first;
        if (i >= n) break;
      }
      const terminated = this.scanByte(buf[i++]!);
      if (terminated || this.state === S_UNA) {
        this.work += i - start;
        return i;
      }
    }
    this.work += n - start;
    return n;
  }

  /**
   * Segments read in place: separator positions are recorded as indices into the chunk, nothing is
   * copied. After each terminator the next segment starts here too, unless the validate-only skip may
   * take it (`between`). Any byte that needs more (see `segment`) moves the segment to the scratch,
   * where the general loop goes on from that byte. Returns where it stopped.
   */
  private inPlace(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const cls = this.cls;
    const from = i;
    for (;;) {
      const segStart = this.segStart;
      // rawLength (terminator excluded) may be at most maxSegmentBytes.
      const limit = n - segStart > this.maxSegmentBytes ? segStart + this.maxSegmentBytes : n;
      let bPos = this.bPos;
      let bType = this.bType;
      let eIdx = this.eIdx;
      let bCount = this.bCount;
      let eCount = this.eCount;
      for (; i < limit; i++) {
        let c = cls[buf[i]!]!;
        if (c === C_DATA) {
          // A run of data bytes gets a loop of its own, with no store or call in it: V8 compiles it to a
          // few instructions a byte (measured: the tokenizer ~15 % faster than with one loop for all).
          do i++;
          while (i < limit && (c = cls[buf[i]!]!) === C_DATA);
          if (i >= limit) break;
        }
        if (c > C_REPETITION) break;
        if (bCount === bPos.length) {
          this.growBoundaries();
          bPos = this.bPos;
          bType = this.bType;
        }
        if (c === C_ELEMENT) {
          if (eCount === eIdx.length) {
            this.growElements();
            eIdx = this.eIdx;
          }
          eIdx[eCount++] = bCount;
        }
        bPos[bCount] = i;
        bType[bCount++] = c;
      }
      this.bCount = bCount;
      this.eCount = eCount;
      if (i >= n || cls[buf[i]!] !== C_TERM) {
        this.toScratch(buf, i);
        break;
      }
      this.rawLen = i - segStart;
      this.finishSegment();
      i++;
      while (i < n && (buf[i] === CR || buf[i] === LF)) i++;
      this.state = S_BETWEEN;
      if (i >= n || this.countsBody !== undefined) break;
      this.begin(buf, i);
      if (!this.inChunk) break;
    }
    this.work += i - from;
    return i;
  }

  /** The segment read in place so far (up to `buf[i]`) is copied to the scratch, separators included. */
  private toScratch(buf: Uint8Array, i: number): void {
    const segStart = this.segStart;
    const count = i - segStart;
    if (this.scratch.length < count) {
      this.scratch = Buffer.allocUnsafe(
        Math.min(Math.max(count, this.scratch.length * 2), this.maxSegmentBytes),
      );
    }
    this.scratch.set(buf.subarray(segStart, i));
    const bPos = this.bPos;
    for (let k = 0; k < this.bCount; k++) bPos[k] = bPos[k]! - segStart;
    this.len = count;
    this.rawLen = count;
    this.inChunk = false;
  }

  private growBoundaries(): void {
    const size = this.bPos.length * 2;
    const pos = new Int32Array(size);
    pos.set(this.bPos);
    this.bPos = pos;
    this.view.bPos = pos;
    const types = new Uint8Array(size);
    types.set(this.bType);
    this.bType = types;
    this.view.bType = types;
  }

  private growElements(): void {
    const idx = new Int32Array(this.eIdx.length * 2);
    idx.set(this.eIdx);
    this.eIdx = idx;
    this.view.eIdx = idx;
  }

  /**
   * Validation without values (`EdifactTokenListener.countsBodySegments`): one loop over many segments
   * that skips each plain body segment to its unreleased terminator, recording nothing, and hands the
   * listener their count. It returns at the first byte of any other segment (one that starts with "U" or
   * a release character, an empty one, one cut by the chunk end, one with a byte outside the repertoire
   * or >= 0x80, an overlong one, a release character before anything but a service character), which
   * the general path then reads exactly as before. A released byte is data and is not checked against the
   * repertoire (as in `scanByte`); CR and LF inside are dropped there and change nothing here.
   */
  private bodyRun(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const kinds = this.kinds;
    const max = this.maxSegmentBytes;
    const words = this.words;
    const pairs = words === undefined ? kinds : this.plainPairs();
    const from = i;
    let index = this.segmentCount;
    let lastStart = -1;
    for (;;) {
      while (i < n && (buf[i] === CR || buf[i] === LF)) i++;
      if (i >= n) break;
      const start = i;
      const b0 = buf[i]!;
      if (b0 === U || kinds[b0] !== K_PLAIN) break;
      // rawLength (terminator excluded) may be at most `max`.
      const limit = n - start > max ? start + max + 1 : n;
      i++;
      let k = K_OTHER;
      for (;;) {
        if (words !== undefined && (i & 1) === 0) {
          // Two bytes a step while both are plain.
          let w = i >> 1;
          const wordLimit = limit >> 1;
          while (w < wordLimit && pairs[words[w]!] === 0) w++;
          i = w << 1;
        }
        if (i >= limit) break;
        k = kinds[buf[i]!]!;
        if (k === K_PLAIN) i++;
        else if (k === K_RELEASE && i + 1 < limit && this.quietlyReleased(buf[i + 1]!)) i += 2;
        else break;
      }
      if (i >= limit || k !== K_TERM) {
        i = start;
        break;
      }
      lastStart = start;
      index++;
      i++;
    }
    this.work += i - from;
    if (lastStart >= 0) {
      const count = index - this.segmentCount;
      this.segmentCount = index;
      this.previousWasUna = false;
      this.listener.bodySegments!(count, this.base + lastStart, index - 1);
    }
    return i;
  }

  /** A byte after a release character that the skip may pass over: nothing to report in either path. */
  private quietlyReleased(b: number): boolean {
    return this.releasable[b] === 1 && isPlainReleased(b);
  }

  /**
   * For each two-byte word (either byte order), 0 when both bytes are K_PLAIN: `bodyRun` steps over a
   * plain segment two bytes at a time. Built on first use after the delimiters change (64 KiB, once per
   * interchange in practice).
   */
  private plainPairs(): Uint8Array {
    if (this.pairs === undefined) {
      const pairs = new Uint8Array(65536);
      const kinds = this.kinds;
      for (let w = 0; w < 65536; w++) pairs[w] = kinds[w & 0xff]! | kinds[w >> 8]!;
      this.pairs = pairs;
    }
    return this.pairs;
  }

  /**
   * True when the segment being read cannot turn out to be a UNA (whose six service characters must be
   * read raw): it has three bytes already, or does not start with "U", or had a byte not stored.
   */
  private unaImpossible(next: number): boolean {
    const raw = this.rawLen;
    if (raw >= 3) return true;
    if (raw === 0) return next !== U;
    return this.scratch[0] !== U || this.len !== raw;
  }

  /** Consumes one byte of a segment; true when it was the terminator. */
  private scanByte(b: number): boolean {
    const c = this.released ? C_DATA : this.cls[b];
    if (c === C_TERM) {
      this.finishSegment();
      this.state = S_BETWEEN;
      return true;
    }
    if (++this.rawLen > this.maxSegmentBytes) this.overflow = true;
    if (this.released) {
      this.released = false;
      // Read as data all the same; the segment gets a 0085 22 error (see `checkCharacters`).
      if (this.releasable[b] === 0 && this.misreleased < 0) this.misreleased = b;
      // A released byte is data: a control character stays one (a released CR or LF is tolerated text).
      if (this.control < 0 && isControl(b) && b !== CR && b !== LF) this.control = b;
      this.store(b);
      return false;
    }
    switch (c) {
      case C_DATA:
      case C_HIGH:
        this.store(b);
        if (this.rawLen === 3 && this.len === 3 && this.bCount === 0 && this.isUna()) {
          this.state = S_UNA;
          this.unaCount = 0;
        }
        return false;
      case C_RELEASE:
        this.released = true;
        return false;
      case C_ELEMENT:
      case C_COMPONENT:
      case C_REPETITION:
        this.boundary(c, b);
        return false;
      case C_IGNORE:
        return false;
      case C_CONTROL:
        if (this.control < 0) this.control = b;
        this.store(b);
        return false;
      default:
        if (this.suspect < 0) this.suspect = b;
        this.store(b);
        return false;
    }
  }

  private isUna(): boolean {
    const s = this.scratch;
    return s[0] === U && s[1] === N && s[2] === 0x41;
  }

  private store(b: number): void {
    if (this.overflow) return;
    if (this.len === this.scratch.length) {
      const next = Buffer.allocUnsafe(Math.min(this.scratch.length * 2, this.maxSegmentBytes));
      next.set(this.scratch);
      this.scratch = next;
    }
    if (b >= 0x80) this.high = true;
    this.scratch[this.len++] = b;
  }

  /** A separator: stored in the scratch like data, its position and kind recorded. */
  private boundary(type: number, b: number): void {
    if (this.overflow) return;
    if (this.bCount === this.bPos.length) this.growBoundaries();
    if (type === B_ELEMENT) {
      if (this.eCount === this.eIdx.length) this.growElements();
      this.eIdx[this.eCount++] = this.bCount;
    }
    this.bPos[this.bCount] = this.len;
    this.bType[this.bCount++] = type;
    this.store(b);
  }

  // ---- UNA ---------------------------------------------------------------------------------------

  private collectUna(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const start = i;
    while (i < n && this.unaCount < 6) this.una[this.unaCount++] = buf[i++]!;
    this.work += i - start;
    if (this.unaCount === 6) this.completeUna();
    return i;
  }

  private completeUna(): void {
    const parsed = parseServiceStringAdvice(this.una);
    // Delivered as a segment whose single element is the six characters, unsplit (the separator byte
    // at 3 is a placeholder: values never include separators).
    this.scratch[3] = 0x2b;
    this.scratch.set(this.una, 4);
    this.len = 10;
    this.rawLen = 9;
    this.bCount = 0;
    this.eCount = 0;
    this.boundaryAt(3);
    this.high = this.una.some((b) => b >= 0x80);
    this.state = S_BETWEEN;
    this.emit();
    if (parsed.ok) {
      this.useDelimiters(parsed.delimiters);
    } else {
      this.useDelimiters(DEFAULT_EDIFACT_DELIMITERS);
      this.report(
        'una-invalid',
        this.segOffset,
        9,
        `UNA position ${parsed.problem.position}: ${parsed.problem.reason}; the default delimiters are used`,
        Buffer.from(this.una).toString('latin1'),
      );
    }
    this.previousWasUna = true;
  }

  private boundaryAt(pos: number): void {
    this.eIdx[this.eCount++] = this.bCount;
    this.bPos[this.bCount] = pos;
    this.bType[this.bCount++] = B_ELEMENT;
  }

  // ---- delivery ----------------------------------------------------------------------------------

  private finishSegment(): void {
    // An empty segment ("''") carries nothing: not delivered, not counted.
    if (this.rawLen === 0) return;
    if (this.overflow) {
      this.report(
        'segment-too-long',
        this.segOffset,
        this.rawLen,
        `segment of ${this.rawLen} bytes exceeds the ${this.maxSegmentBytes}-byte limit`,
      );
      this.segmentCount++;
      this.previousWasUna = false;
      return;
    }
    const index = this.segmentCount;
    this.emit();
    // Most segments have nothing to check and are no service segment: two tests, no calls.
    if (this.suspect >= 0 || this.high || this.control >= 0 || this.misreleased >= 0)
      this.checkCharacters(index);
    if (this.view.bytes[this.view.start] === U) this.afterSegment();
    else this.previousWasUna = false;
  }

  /** Character findings for the segment just delivered (after it, so they can be placed in it). */
  private checkCharacters(index: number): void {
    if (this.misreleased >= 0) {
      const b = this.misreleased;
      const shown = b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : undefined;
      this.report(
        'release-before-data',
        this.segOffset,
        this.rawLen,
        `a release character before ${shown === undefined ? '' : `"${shown}" `}(byte 0x${b.toString(16).padStart(2, '0')}), which is no service character: it releases nothing`,
        shown === undefined ? undefined : `${this.delimiters.release ?? ''}${shown}`,
        index,
      );
    }
    if (this.control >= 0) {
      // No bad value: the character itself is what a CONTRL, a log or the database cannot carry.
      this.report(
        'control-character',
        this.segOffset,
        this.rawLen,
        `a control character in data (byte 0x${this.control.toString(16).padStart(2, '0')})`,
        undefined,
        index,
      );
    }
    if (this.suspect >= 0) {
      const kind = 'character-outside-repertoire';
      const b = this.suspect;
      this.report(
        kind,
        this.segOffset,
        this.rawLen,
        `a character outside the ${this.charset.id} repertoire (byte 0x${b.toString(16).padStart(2, '0')})`,
        b < 0x80 ? String.fromCharCode(b) : undefined,
        index,
        this.strictCharacterSet ? 'error' : 'warning',
      );
    } else if (this.high) {
      const decoding = this.charset.decoding;
      if (decoding === 'utf8' && !this.view.utf8) {
        this.report(
          'invalid-utf8',
          this.segOffset,
          this.rawLen,
          `${this.charset.id} data is not UTF-8`,
          undefined,
          index,
        );
      } else if (decoding !== 'utf8' && decoding !== 'auto' && this.view.utf8) {
        this.report(
          'character-set-mismatch',
          this.segOffset,
          this.rawLen,
          `UTF-8 text although UNB declares ${this.charset.id}; read as UTF-8`,
          undefined,
          index,
        );
      }
    }
  }

  private emit(): void {
    const view = this.view;
    if (this.inChunk) {
      view.bytes = this.chunk;
      view.start = this.segStart;
      view.end = this.segStart + this.rawLen;
      view.inChunk = true;
    } else {
      view.bytes = this.scratch;
      view.start = 0;
      view.end = this.len;
      view.inChunk = false;
    }
    // Arrays, delimiters and charset are kept up to date where they change (growth, `useDelimiters`).
    view.bCount = this.bCount;
    view.eCount = this.eCount;
    view.high = this.high;
    view.text = undefined;
    view.utf8 = this.high && this.valuesAreUtf8();
    view.offset = this.segOffset;
    view.rawLength = this.rawLen;
    view.segmentIndex = this.segmentCount++;
    this.listener.segment(view);
  }

  /**
   * Whether the segment's values, taken together without their separators, are valid UTF-8 (a segment
   * with bytes >= 0x80, so in the scratch; separators cannot split a character of a valid text).
   */
  private valuesAreUtf8(): boolean {
    const scratch = this.scratch;
    if (this.bCount === 0) return isUtf8(scratch.subarray(0, this.len));
    const values = Buffer.allocUnsafe(this.len - this.bCount);
    let at = 0;
    let from = 0;
    for (let k = 0; k <= this.bCount; k++) {
      const to = k === this.bCount ? this.len : this.bPos[k]!;
      values.set(scratch.subarray(from, to), at);
      at += to - from;
      from = to + 1;
    }
    return isUtf8(values);
  }

  /** Service segments that change the delimiters or the control numbers findings carry. */
  private afterSegment(): void {
    const view = this.view;
    const tag = view.serviceTag();
    const wasUna = this.previousWasUna;
    this.previousWasUna = false;
    switch (tag) {
      case 0x42: {
        // UNB: without a UNA the defaults of the declared syntax version apply (S001/0002).
        // S001/0001 names the character set of everything after the UNB.
        // Values are read before `useDelimiters` gives the view the new character set.
        const reference = view.value(5).trim();
        const version = Number.parseInt(view.value(1, 2), 10);
        this.charset = EDIFACT_CHARSETS.get(view.value(1).trim()) ?? AUTO_CHARSET;
        if (!wasUna) {
          this.useDelimiters(version >= 4 ? DEFAULT_EDIFACT_DELIMITERS_V4 : DEFAULT_EDIFACT_DELIMITERS);
        } else {
          this.useDelimiters(this.delimiters);
        }
        this.pendingSet = undefined;
        this.controlNumbers = { interchange: reference };
        break;
      }
      case 0x5a:
        // UNZ: the next interchange starts from the defaults (or its own UNA).
        this.charset = AUTO_CHARSET;
        this.useDelimiters(DEFAULT_EDIFACT_DELIMITERS);
        this.pendingSet = undefined;
        this.controlNumbers = {};
        break;
      case 0x47:
        this.controlNumbers = { ...this.currentControlNumbers(), group: view.value(5).trim() };
        break;
      case 0x45:
        this.controlNumbers = { interchange: this.currentControlNumbers().interchange };
        break;
      case 0x48:
        this.currentControlNumbers();
        this.pendingSet = view.value(1).trim();
        break;
      case 0x54: {
        // What removing `set` from `{ ...controlNumbers, set }` leaves.
        this.pendingSet = undefined;
        if ('set' in this.controlNumbers) {
          const { set: _set, ...rest } = this.controlNumbers;
          this.controlNumbers = rest;
        }
        break;
      }
    }
  }

  private currentControlNumbers(): EdiControlNumbers {
    if (this.pendingSet !== undefined) {
      this.controlNumbers = { ...this.controlNumbers, set: this.pendingSet };
      this.pendingSet = undefined;
    }
    return this.controlNumbers;
  }

  private report(
    kind: EdifactTokenIssueKind,
    offset: number,
    length: number,
    message: string,
    badValue?: string,
    segmentIndex = this.segmentCount,
    severity: EdiSeverity = TOKEN_ISSUE_META[kind].severity,
  ): void {
    const meta = TOKEN_ISSUE_META[kind];
    this.listener.issue({
      kind,
      level: meta.level,
      severity,
      codeList: '0085',
      code: meta.code,
      message,
      offset,
      segmentIndex,
      length,
      controlNumbers: this.currentControlNumbers(),
      ...(badValue === undefined ? {} : { badValue }),
    });
  }
}

/** C0 control characters and DEL. */
function isControl(b: number): boolean {
  return b < 0x20 || b === 0x7f;
}

/** A released byte the validate-only skip may pass over: ASCII and no control character (CR and LF are). */
function isPlainReleased(b: number): boolean {
  return b < 0x80 && (!isControl(b) || b === CR || b === LF);
}

/** Tokenizes a whole input at once; for tests and small documents. */
export function tokenizeEdifact(
  input: Uint8Array | string,
  options: EdifactTokenizerOptions = {},
): { segments: EdifactSegment[]; issues: EdifactTokenIssue[] } {
  const segments: EdifactSegment[] = [];
  const issues: EdifactTokenIssue[] = [];
  const tokenizer = new EdifactTokenizer(
    { segment: (view) => segments.push(view.toSegment()), issue: (issue) => issues.push(issue) },
    options,
  );
  tokenizer.write(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  tokenizer.end();
  return { segments, issues };
}

/** `buf.toString('latin1', start, end)` without its argument checks (see `segment.ts`). */
function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
}
