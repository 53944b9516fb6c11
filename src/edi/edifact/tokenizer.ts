import { EdiError } from '../core/edi-error.js';
import type { EdiIssue, EdiLevel, EdiSeverity } from '../core/issue.js';
import type { EdiControlNumbers } from '../core/position.js';
import {
  DEFAULT_EDIFACT_DELIMITERS,
  DEFAULT_EDIFACT_DELIMITERS_V4,
  parseServiceStringAdvice,
  type EdifactDelimiters,
} from './delimiters.js';
import { B_COMPONENT, B_ELEMENT, B_REPETITION, EdifactSegmentView, type EdifactSegment } from './segment.js';

export type EdifactTokenIssueKind =
  /** A UNA whose service characters cannot split the interchange; the defaults are used instead. */
  | 'una-invalid'
  /** End of data inside the six characters of a UNA. */
  | 'una-truncated'
  /** A segment longer than `maxSegmentBytes`: it is counted, reported and not delivered. */
  | 'segment-too-long'
  /** A release character as the last byte of the data: it has nothing to release. */
  | 'release-at-end'
  /** End of data inside a segment; the partial segment is still delivered. */
  | 'unterminated-segment';

/** A tokenizer finding: the shared `EdiIssue` (syntax error codes, list 0085) plus the bytes concerned. */
export interface EdifactTokenIssue extends EdiIssue<EdifactTokenIssueKind> {
  readonly length: number;
}

export interface EdifactTokenListener {
  /** Receives every segment, UNA included. The view is reused: copy what must outlive the call. */
  segment(view: EdifactSegmentView): void;
  issue(issue: EdifactTokenIssue): void;
}

export interface EdifactTokenizerOptions {
  /** Longest segment accepted, in raw bytes (default 1 MiB); longer ones are reported and skipped. */
  readonly maxSegmentBytes?: number;
}

export interface EdifactTokenizerStats {
  readonly bytes: number;
  readonly segments: number;
  /** Loop iterations spent, for work-budget checks (each byte is visited once). */
  readonly work: number;
}

/** Syntax error codes (0085) and levels of the tokenizer's findings. */
const ISSUE_META: Record<EdifactTokenIssueKind, { level: EdiLevel; severity: EdiSeverity; code: string }> = {
  // 20: character invalid as service character (a character advised in UNA).
  'una-invalid': { level: 'interchange', severity: 'error', code: '20' },
  // 13: missing.
  'una-truncated': { level: 'interchange', severity: 'error', code: '13' },
  // 0085 has no code for these; 18 is "unspecified error".
  'segment-too-long': { level: 'segment', severity: 'error', code: '18' },
  'release-at-end': { level: 'segment', severity: 'error', code: '18' },
  'unterminated-segment': { level: 'segment', severity: 'error', code: '18' },
};

// Byte classes inside a segment.
const C_DATA = 0;
const C_ELEMENT = 1;
const C_COMPONENT = 2;
const C_REPETITION = 3;
const C_RELEASE = 4;
const C_TERM = 5;

// States.
const S_START = 0;
const S_BETWEEN = 1;
const S_SEGMENT = 2;
const S_UNA = 3;

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
  private readonly cls = new Uint8Array(256);
  private previousWasUna = false;
  private controlNumbers: EdiControlNumbers = {};

  // Segment being built: unescaped bytes, separator positions.
  private readonly view = new EdifactSegmentView();
  private scratch = new Uint8Array(256);
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
    this.useDelimiters(DEFAULT_EDIFACT_DELIMITERS);
  }

  get stats(): EdifactTokenizerStats {
    return { bytes: this.base, segments: this.segmentCount, work: this.work };
  }

  write(chunk: Uint8Array): void {
    if (this.ended) throw new EdiError('STREAM_ENDED', 'write() after end()');
    if (!(chunk instanceof Uint8Array)) throw new EdiError('INVALID_OPTION', 'write() takes a Uint8Array');
    const n = chunk.length;
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
  }

  /** The hot loop: one pass, one class lookup per byte; the release state survives chunk ends. */
  private segment(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const start = i;
    for (; i < n; i++) {
      if (this.scanByte(buf[i]!)) {
        this.work += i - start + 1;
        return i + 1;
      }
      if (this.state === S_UNA) {
        this.work += i - start + 1;
        return i + 1;
      }
    }
    this.work += n - start;
    return n;
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
      default:
        this.boundary(B_REPETITION);
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
      const next = new Uint8Array(Math.min(this.scratch.length * 2, this.maxSegmentBytes));
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
    this.emit();
    this.afterSegment();
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
    view.offset = this.segOffset;
    view.rawLength = this.rawLen;
    view.delimiters = this.delimiters;
    view.segmentIndex = this.segmentCount++;
    this.listener.segment(view);
  }

  /** Service segments that change the delimiters or the control numbers findings carry. */
  private afterSegment(): void {
    const view = this.view;
    const wasUna = this.previousWasUna;
    this.previousWasUna = false;
    if (view.tagIs(U, N, 0x42)) {
      // UNB: without a UNA the defaults of the declared syntax version apply (S001/0002).
      if (!wasUna) {
        const version = Number.parseInt(view.value(1, 2), 10);
        this.useDelimiters(version >= 4 ? DEFAULT_EDIFACT_DELIMITERS_V4 : DEFAULT_EDIFACT_DELIMITERS);
      }
      this.controlNumbers = { interchange: view.value(5).trim() };
    } else if (view.tagIs(U, N, 0x5a)) {
      // UNZ: the next interchange starts from the defaults (or its own UNA).
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
  ): void {
    const meta = ISSUE_META[kind];
    this.listener.issue({
      kind,
      level: meta.level,
      severity: meta.severity,
      codeList: '0085',
      code: meta.code,
      message,
      offset,
      segmentIndex: this.segmentCount,
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
