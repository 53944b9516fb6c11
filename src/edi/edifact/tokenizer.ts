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

// Byte classes inside a segment.
const C_DATA = 0;
const C_ELEMENT = 1;
const C_COMPONENT = 2;
const C_REPETITION = 3;
const C_RELEASE = 4;
const C_TERM = 5;
/** CR or LF that is not a service character: a line wrap (ISO 9735 has no line structure), dropped. */
const C_IGNORE = 6;
/** A data byte outside the declared repertoire (levels A/B): kept, and reported per segment. */
const C_SUSPECT = 7;
/** A data byte >= 0x80 (not checked against a repertoire): kept, and marks the segment for decoding. */
const C_HIGH = 8;

// States.
const S_START = 0;
const S_BETWEEN = 1;
const S_SEGMENT = 2;
const S_UNA = 3;

const EMPTY = new Uint8Array(0);
const CR = 0x0d;
const LF = 0x0a;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const U = 0x55;
const N = 0x4e;

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
 * partners hard-wrap at 80 columns, even inside values); a released CR or LF is data. The UNB syntax
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
  private previousWasUna = false;
  private controlNumbers: EdiControlNumbers = {};

  // Segment being built: unescaped bytes, separator positions.
  private readonly view = new EdifactSegmentView();
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

  // The chunk being written, decoded to Latin-1 text at most once, on demand (see `EdifactSegmentView.eachValue`).
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkText: string | undefined;
  private readonly textOfChunk = (): string => {
    const c = this.chunk;
    this.chunkText ??= Buffer.from(c.buffer, c.byteOffset, c.length).toString('latin1');
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
    this.useDelimiters(DEFAULT_EDIFACT_DELIMITERS);
  }

  get stats(): EdifactTokenizerStats {
    return { bytes: this.base, segments: this.segmentCount, work: this.work };
  }

  write(chunk: Uint8Array): void {
    if (this.ended) throw new EdiError('STREAM_ENDED', 'write() after end()');
    if (!(chunk instanceof Uint8Array)) throw new EdiError('INVALID_OPTION', 'write() takes a Uint8Array');
    const n = chunk.length;
    this.chunk = chunk;
    this.chunkText = undefined;
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
    const cls = this.cls;
    cls.fill(C_DATA);
    const repertoire = this.charset.repertoire;
    if (repertoire !== undefined) {
      const ok = REPERTOIRE_TABLES[repertoire];
      for (let b = 0; b < 256; b++) if (ok[b] === 0) cls[b] = C_SUSPECT;
    } else {
      for (let b = 0x80; b < 256; b++) cls[b] = C_HIGH;
    }
    cls[CR] = C_IGNORE;
    cls[LF] = C_IGNORE;
    cls[d.element.charCodeAt(0)] = C_ELEMENT;
    cls[d.component.charCodeAt(0)] = C_COMPONENT;
    if (d.repetition !== undefined) cls[d.repetition.charCodeAt(0)] = C_REPETITION;
    if (d.release !== undefined) cls[d.release.charCodeAt(0)] = C_RELEASE;
    cls[d.segment.charCodeAt(0)] = C_TERM;
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
    const start = i;
    while (i < n && (buf[i] === CR || buf[i] === LF)) i++;
    this.work += i - start;
    if (i < n) {
      this.beginSegment(this.base + i);
      this.state = S_SEGMENT;
    }
    return i;
  }

  private beginSegment(offset: number): void {
    this.segOffset = offset;
    this.len = 0;
    this.rawLen = 0;
    this.bCount = 0;
    this.eCount = 0;
    this.high = false;
    this.released = false;
    this.overflow = false;
    this.suspect = -1;
  }

  /**
   * The hot loop: one pass, one class lookup per byte; the release state survives chunk ends. Plain data
   * bytes after a segment's first three (where a UNA is recognised) are copied in a tight inner loop;
   * everything else (separators, release, CR/LF, growth, the size limit) goes through `scanByte`.
   */
  private segment(buf: Uint8Array, i: number): number {
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
          const c = cls[b];
          if (c === C_DATA) {
            if (len === scratch.length) break;
            scratch[len++] = b;
          } else if (c === C_COMPONENT) {
            if (bCount === bPos.length) break;
            bPos[bCount] = len;
            bType[bCount++] = B_COMPONENT;
          } else if (c === C_ELEMENT) {
            if (bCount === bPos.length || eCount === eIdx.length) break;
            eIdx[eCount++] = bCount;
            bPos[bCount] = len;
            bType[bCount++] = B_ELEMENT;
          } else {
            break;
          }
        }
        this.len = len;
        this.bCount = bCount;
        this.eCount = eCount;
        this.rawLen += i - first;
        if (i >= n) break;
        if (cls[buf[i]!] === C_TERM) {
          // End of segment without leaving the loop: deliver, skip CR/LF, start the next one here.
          this.finishSegment();
          i++;
          while (i < n && (buf[i] === CR || buf[i] === LF)) i++;
          if (i >= n) {
            this.state = S_BETWEEN;
            break;
          }
          this.beginSegment(this.base + i);
          continue;
        }
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
        this.boundary(B_ELEMENT);
        return false;
      case C_COMPONENT:
        this.boundary(B_COMPONENT);
        return false;
      case C_REPETITION:
        this.boundary(B_REPETITION);
        return false;
      case C_IGNORE:
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

  private boundary(type: number): void {
    if (this.overflow) return;
    if (this.bCount === this.bPos.length) {
      const size = this.bPos.length * 2;
      const pos = new Int32Array(size);
      pos.set(this.bPos);
      this.bPos = pos;
      const types = new Uint8Array(size);
      types.set(this.bType);
      this.bType = types;
    }
    if (type === B_ELEMENT) {
      if (this.eCount === this.eIdx.length) {
        const idx = new Int32Array(this.eIdx.length * 2);
        idx.set(this.eIdx);
        this.eIdx = idx;
      }
      this.eIdx[this.eCount++] = this.bCount;
    }
    this.bPos[this.bCount] = this.len;
    this.bType[this.bCount++] = type;
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
    // Delivered as a segment whose single element is the six characters, unsplit.
    this.scratch.set(this.una, 3);
    this.len = 9;
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
    this.checkCharacters(index);
    this.afterSegment();
  }

  /** Character-set findings for the segment just delivered (after it, so they can be placed in it). */
  private checkCharacters(index: number): void {
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
    view.bytes = this.scratch;
    view.length = this.len;
    view.bPos = this.bPos;
    view.bType = this.bType;
    view.bCount = this.bCount;
    view.eIdx = this.eIdx;
    view.eCount = this.eCount;
    view.high = this.high;
    // A segment read in one piece from the current chunk (no release character, no dropped CR/LF, no
    // byte >= 0x80) can hand out its values as substrings of the chunk's text.
    const inChunk = this.segOffset - this.base;
    view.chunkStart =
      inChunk >= 0 && !this.high && this.rawLen === this.len + this.bCount && this.chunk.length > 0
        ? inChunk
        : -1;
    view.textOfChunk = this.textOfChunk;
    view.utf8 = this.high && isUtf8(this.scratch.subarray(0, this.len));
    view.charset = this.charset;
    view.offset = this.segOffset;
    view.rawLength = this.rawLen;
    view.delimiters = this.delimiters;
    view.segmentIndex = this.segmentCount++;
    this.listener.segment(view);
  }

  /** Service segments that change the delimiters or the control numbers findings carry. */
  private afterSegment(): void {
    const view = this.view;
    if (this.scratch[0] !== U) {
      this.previousWasUna = false;
      return;
    }
    const wasUna = this.previousWasUna;
    this.previousWasUna = false;
    if (view.tagIs(U, N, 0x42)) {
      // UNB: without a UNA the defaults of the declared syntax version apply (S001/0002).
      // S001/0001 names the character set of everything after the UNB.
      this.charset = EDIFACT_CHARSETS.get(view.value(1).trim()) ?? AUTO_CHARSET;
      if (!wasUna) {
        const version = Number.parseInt(view.value(1, 2), 10);
        this.useDelimiters(version >= 4 ? DEFAULT_EDIFACT_DELIMITERS_V4 : DEFAULT_EDIFACT_DELIMITERS);
      } else {
        this.useDelimiters(this.delimiters);
      }
      this.controlNumbers = { interchange: view.value(5).trim() };
    } else if (view.tagIs(U, N, 0x5a)) {
      // UNZ: the next interchange starts from the defaults (or its own UNA).
      this.charset = AUTO_CHARSET;
      this.useDelimiters(DEFAULT_EDIFACT_DELIMITERS);
      this.controlNumbers = {};
    } else if (view.tagIs(U, N, 0x47)) {
      this.controlNumbers = { ...this.controlNumbers, group: view.value(5).trim() };
    } else if (view.tagIs(U, N, 0x45)) {
      this.controlNumbers = { interchange: this.controlNumbers.interchange };
    } else if (view.tagIs(U, N, 0x48)) {
      this.controlNumbers = { ...this.controlNumbers, set: view.value(1).trim() };
    } else if (view.tagIs(U, N, 0x54)) {
      const { set: _set, ...rest } = this.controlNumbers;
      this.controlNumbers = rest;
    }
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
      controlNumbers: this.controlNumbers,
      ...(badValue === undefined ? {} : { badValue }),
    });
  }
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
