import { CP037_TO_LATIN1 } from '../core/ebcdic.js';
import { EdiError } from '../core/edi-error.js';
import { isDelimiterCandidate, type X12Delimiters } from './delimiters.js';
import { ByteSource, idKeyOf, X12SegmentView } from './segment.js';

export type X12TokenIssueKind =
  /** Bytes that are neither whitespace nor part of an interchange (before the first ISA). */
  | 'junk-outside-interchange'
  /** An ISA whose delimiters cannot be determined (too short, no terminator, premature end of file). */
  | 'isa-unreadable'
  /** The ISA was read, but its delimiters cannot split the rest (terminator alphanumeric or equal to the element separator). */
  | 'isa-delimiters-unusable'
  /** A segment longer than `maxSegmentBytes`; it is counted but not delivered. */
  | 'segment-too-long'
  /** End of data inside a segment; the partial segment is still delivered. */
  | 'unterminated-segment';

export interface X12TokenIssue {
  readonly kind: X12TokenIssueKind;
  readonly offset: number;
  readonly segmentIndex: number;
  /** Bytes concerned (junk run, overlong segment). */
  readonly length: number;
  readonly message: string;
}

export interface X12TokenListener {
  /** Receives every segment, the ISA included. The view is reused: copy what must outlive the call. */
  segment(view: X12SegmentView): void;
  issue(issue: X12TokenIssue): void;
  /**
   * Optional fast path for validation without values: offered a segment that lies whole in one chunk
   * and has a plain 2–3 character id, before any view is built. Returning true means the id was all the
   * listener needed (it counted the segment); false means "deliver it as usual" and must change nothing.
   */
  readonly idOnly?: ((key: number, offset: number, segmentIndex: number) => boolean) | undefined;
}

export interface X12TokenizerOptions {
  /** Longest segment accepted, in bytes (default 1 MiB); longer ones are reported and skipped. */
  readonly maxSegmentBytes?: number;
}

export interface X12TokenizerStats {
  readonly bytes: number;
  readonly segments: number;
  /** Loop iterations spent, for work-budget checks (each byte is visited a bounded number of times). */
  readonly work: number;
  readonly encoding: 'ascii' | 'ebcdic';
}

// Byte classes inside a segment.
const C_DATA = 0;
const C_ELEM = 1;
const C_TERM = 2;
const C_CRLF = 3;
const C_HIGH = 4;
const C_TERM_LEAD = 5;
/**
 * Data the grammar's element checks must look at (a control character, DEL, the component or the
 * repetition separator): noted per segment, so that a segment without one needs no character scan.
 */
const C_SPECIAL = 6;

// Classes of two bytes read as one little-endian 16-bit number (first byte low), see `pairClasses`.
const P_DATA_DATA = 0;
const P_DATA_ELEM = 1;
const P_ELEM_DATA = 2;
/** Anything else: the pair goes through the one-byte step. */
const P_OTHER = 3;

/**
 * The pair class of every two-byte combination (64 KiB), from the one-byte classes `cls`. Index =
 * first byte | second byte << 8, so each second byte owns a row of 256 entries, one per first byte.
 * A row depends only on the second byte's class: the three possible rows are worked out once and
 * copied, where filling 64 Ki entries one by one was a start-up cost of its own in a fresh process
 * (that loop runs before anything is optimized).
 */
function pairClasses(cls: Uint8Array): Uint8Array {
  const beforeData = new Uint8Array(256).fill(P_OTHER);
  const beforeElem = new Uint8Array(256).fill(P_OTHER);
  for (let first = 0; first < 256; first++) {
    const c0 = cls[first]!;
    if (c0 === C_DATA) {
      beforeData[first] = P_DATA_DATA;
      beforeElem[first] = P_DATA_ELEM;
    } else if (c0 === C_ELEM) {
      beforeData[first] = P_ELEM_DATA;
    }
  }
  const pairs = new Uint8Array(65536).fill(P_OTHER);
  for (let second = 0; second < 256; second++) {
    const c1 = cls[second]!;
    if (c1 === C_DATA) pairs.set(beforeData, second << 8);
    else if (c1 === C_ELEM) pairs.set(beforeElem, second << 8);
  }
  return pairs;
}

/**
 * The pair tables made so far, by `pairsKey`: read-only once made, so every reader of interchanges with
 * the same delimiters shares one (a gateway reads many small interchanges, mostly with a handful of
 * delimiter sets). Bounded: past the limit a table is made for the reader alone.
 */
const PAIR_TABLES = new Map<string, Uint8Array>();
const MAX_PAIR_TABLES = 16;

/** Free slots in `seps` below which the hot loop grows it (see `fastSegment`). */
const MIN_SEPS_ROOM = 16;

// Tokenizer states.
const S_START = 0;
const S_SEEK = 1;
const S_ISA = 2;
const S_BETWEEN = 3;
const S_SEGMENT = 4;
const S_SCRATCH = 5;
const S_DEAD = 6;

const CR = 0x0d;
const LF = 0x0a;
const BYTE_I = 0x49;
const BYTE_S = 0x53;
const BYTE_A = 0x41;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** ISA is 106 bytes; hard-wrapping adds line breaks, a too-wide element a few bytes. Beyond this it is garbage. */
const ISA_MAX_LOGICAL = 200;
const ISA_MAX_RAW = 400;

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function isUpperAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a);
}

/** Bytes skipped before the first interchange and between segments (X12.6 allows none, partners send them anyway). */
function isLooseWhitespace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x00 || b === 0x1a;
}

function utf8SequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/**
 * Streaming X12 tokenizer over bytes. Feed chunks of any size with `write`, then call `end`; the same
 * segments, issues and offsets come out whatever the chunking (a property test pins this down).
 *
 * Delimiters come from each ISA (X12.5 §3.3): element separator = ISA byte 4, component separator =
 * ISA16, repetition separator = ISA11 from 00402, segment terminator = the byte(s) after ISA16. A new
 * interchange starts only where a segment whose id is ISA begins, so "ISA" inside data (ISAAC) is data.
 */
export class X12Tokenizer {
  private readonly maxSegmentBytes: number;
  private state = S_START;
  private base = 0;
  private segmentCount = 0;
  private work = 0;
  private ebcdic = false;
  private ended = false;

  // Delimiters of the current interchange.
  private cls = new Uint8Array(256);
  private ws = new Uint8Array(256);
  private term: Uint8Array = new Uint8Array(0);
  private delimiters: X12Delimiters | undefined;

  // Segment being built.
  private readonly view = new X12SegmentView();
  private readonly chunkSource = new ByteSource(new Uint8Array(0), 0);
  /**
   * The chunk `process` is reading, for the hot loop's two-byte reads: a DataView reads at any
   * position (a Uint16Array only at even ones of an even-aligned chunk), and V8 compiles its reads
   * in optimized code to plain loads.
   */
  private chunkData: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /**
   * `pairClasses` of the current delimiters, made when the hot loop first needs them and kept while
   * the next interchanges use the same delimiters (`pairsKey`).
   */
  private pairs: Uint8Array | undefined = undefined;
  private pairsKey = '';
  private readonly scratchSource = new ByteSource(new Uint8Array(0), 0);
  private seps: Int32Array<ArrayBufferLike> = new Int32Array(64);
  private sepCount = 0;
  private high = 0;
  private special = 0;
  private segOffset = 0;
  private scratch = new Uint8Array(4096);
  private scratchLen = 0;
  private overflow = false;
  private pendingIsaCheck = false;
  private termMatched = 0;

  // Start/seek state: matching "ISA" + delimiter byte-by-byte when no delimiters are known.
  private seekMatched = 0;
  private seekPrevAlnum = false;
  private junkStart = -1;
  private junkEnd = -1;

  // ISA collector.
  private readonly isaBuf = new Uint8Array(ISA_MAX_LOGICAL + 8);
  private isaLen = 0;
  private readonly isaSeps = new Int32Array(16);
  private isaSepCount = 0;
  private isaPhase = 0;
  private isaRaw = 0;
  private isaOffset = 0;
  private isaTermCandidate = 0;
  private isaTermBytes: number[] = [];
  private isaTermNeed = 0;
  private readonly isaSource = new ByteSource(this.isaBuf, 0);
  private readonly useIdOnly: boolean;

  constructor(
    private readonly listener: X12TokenListener,
    options: X12TokenizerOptions = {},
  ) {
    const max = options.maxSegmentBytes ?? 1 << 20;
    if (!Number.isInteger(max) || max < 106) {
      throw new EdiError('INVALID_OPTION', 'maxSegmentBytes must be an integer >= 106');
    }
    this.maxSegmentBytes = max;
    this.useIdOnly = typeof listener.idOnly === 'function';
  }

  get stats(): X12TokenizerStats {
    return {
      bytes: this.base,
      segments: this.segmentCount,
      work: this.work,
      encoding: this.ebcdic ? 'ebcdic' : 'ascii',
    };
  }

  write(chunk: Uint8Array): void {
    if (this.ended) throw new EdiError('STREAM_ENDED', 'write() after end()');
    if (chunk.length === 0) return;
    const bytes = this.ebcdic ? this.translate(chunk, 0) : chunk;
    this.process(bytes, 0);
    this.base += chunk.length;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.finish();
  }

  private translate(chunk: Uint8Array, from: number): Uint8Array {
    const out = new Uint8Array(chunk.length - from);
    for (let i = from; i < chunk.length; i++) out[i - from] = CP037_TO_LATIN1[chunk[i]!]!;
    this.work += out.length;
    return out;
  }

  /** `buf` is the chunk (or its translated tail); `shift` = stream offset of buf[0] minus `this.base`. */
  private process(buf: Uint8Array, shift: number): void {
    const n = buf.length;
    let i = 0;
    this.chunkSource.reset(buf, n);
    this.chunkData = new DataView(buf.buffer, buf.byteOffset, n);
    while (i < n) {
      switch (this.state) {
        case S_START:
        case S_SEEK: {
          const r = this.seek(buf, i, shift);
          if (r < 0) {
            // Switched to EBCDIC at byte -r-1: translate the rest and start over on it.
            const at = -r - 1;
            this.process(this.translate(buf, at), shift + at);
            return;
          }
          i = r;
          break;
        }
        case S_ISA:
          i = this.collectIsa(buf, i);
          break;
        case S_BETWEEN:
          i = this.between(buf, i, shift);
          break;
        case S_SEGMENT:
          i = this.fastSegment(buf, i, shift);
          break;
        case S_SCRATCH:
          i = this.slowSegment(buf, i);
          break;
        default:
          // S_DEAD: the last ISA's delimiters cannot split anything; wait for the next ISA.
          i = this.seek(buf, i, shift);
      }
    }
  }

  // ---- before an interchange -------------------------------------------------------------------

  private seek(buf: Uint8Array, i: number, shift: number): number {
    const n = buf.length;
    const start = i;
    for (; i < n; i++) {
      const b = buf[i]!;
      const at = this.base + shift + i;
      if (this.state === S_START) {
        // A UTF-8 BOM at the very start of the stream, then any whitespace.
        if (at === this.bomSoFar && at < 3 && b === UTF8_BOM[at]) {
          this.bomSoFar++;
          continue;
        }
        if (isLooseWhitespace(b)) continue;
        if (b === 0xc9 && !this.ebcdic) {
          // cp037 "I": an EBCDIC interchange (X12.6 allows EBCDIC as the transmission code).
          this.ebcdic = true;
          this.work += i - start;
          return -i - 1;
        }
        this.state = S_SEEK;
      }
      if (this.seekMatched === 3) {
        this.seekMatched = 0;
        if (isDelimiterCandidate(b) && b !== CR && b !== LF) {
          this.flushJunk(at - 3);
          this.beginIsa(at - 3, b);
          this.work += i - start + 1;
          return i + 1;
        }
        this.markJunk(at - 3, at - 1);
      }
      if (b === BYTE_I && this.seekMatched === 0 && !this.seekPrevAlnum) this.seekMatched = 1;
      else if (b === BYTE_S && this.seekMatched === 1) this.seekMatched = 2;
      else if (b === BYTE_A && this.seekMatched === 2) this.seekMatched = 3;
      else {
        if (this.seekMatched > 0) this.markJunk(at - this.seekMatched, at - 1);
        this.seekMatched = 0;
        if (!isLooseWhitespace(b)) this.markJunk(at, at);
      }
      this.seekPrevAlnum = isAlnum(b);
    }
    this.work += n - start;
    return n;
  }

  private bomSoFar = 0;

  private markJunk(from: number, to: number): void {
    // After an ISA with unusable delimiters the bytes belong to that (rejected) interchange.
    if (this.state === S_DEAD) return;
    if (this.junkStart < 0) this.junkStart = from;
    if (to > this.junkEnd) this.junkEnd = to;
  }

  private flushJunk(before: number): void {
    if (this.junkStart < 0) return;
    const end = Math.min(this.junkEnd + 1, before);
    if (end > this.junkStart) {
      this.listener.issue({
        kind: 'junk-outside-interchange',
        offset: this.junkStart,
        segmentIndex: this.segmentCount,
        length: end - this.junkStart,
        message: `${end - this.junkStart} byte(s) outside any interchange were skipped`,
      });
    }
    this.junkStart = -1;
    this.junkEnd = -1;
  }

  // ---- the ISA ---------------------------------------------------------------------------------

  private beginIsa(offset: number, elementSeparator: number): void {
    this.state = S_ISA;
    this.isaOffset = offset;
    this.isaBuf[0] = BYTE_I;
    this.isaBuf[1] = BYTE_S;
    this.isaBuf[2] = BYTE_A;
    this.isaBuf[3] = elementSeparator;
    this.isaLen = 4;
    this.isaSeps[0] = 3;
    this.isaSepCount = 1;
    this.isaPhase = 0;
    this.isaRaw = 4;
    this.isaTermBytes = [];
  }

  /**
   * Reads the ISA structurally: 16 element separators, ISA16, then the terminator. CR/LF before the
   * terminator are dropped (80-column hard-wrapping); a CR/LF right after ISA16 is the terminator unless
   * the next significant byte is a delimiter-like character, in which case the line break was a wrap.
   */
  private collectIsa(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const sep = this.isaBuf[3]!;
    const start = i;
    for (; i < n; i++) {
      const b = buf[i]!;
      this.isaRaw++;
      if (this.isaRaw > ISA_MAX_RAW || this.isaLen >= ISA_MAX_LOGICAL) {
        this.work += i - start + 1;
        this.isaFailed(`no ISA16 within ${ISA_MAX_LOGICAL} bytes`);
        return i + 1;
      }
      switch (this.isaPhase) {
        case 0:
          if (b === CR || b === LF) continue;
          if (b === sep) {
            this.isaSeps[this.isaSepCount++] = this.isaLen;
            if (this.isaSepCount === 16) this.isaPhase = 1;
          }
          this.isaBuf[this.isaLen++] = b;
          continue;
        case 1:
          if (b === CR || b === LF) continue;
          this.isaBuf[this.isaLen++] = b;
          this.isaPhase = 2;
          continue;
        case 2:
          if (b === CR || b === LF) {
            this.isaTermCandidate = b;
            this.isaPhase = 3;
            continue;
          }
          if (!this.ebcdic && utf8SequenceLength(b) > 1) {
            this.isaTermBytes = [b];
            this.isaTermNeed = utf8SequenceLength(b);
            this.isaPhase = 4;
            continue;
          }
          this.isaTermBytes = [b];
          this.work += i - start + 1;
          this.completeIsa();
          return i + 1;
        case 3: {
          if (b === CR || b === LF) continue;
          const isa16 = this.isaBuf[this.isaLen - 1]!;
          this.work += i - start + 1;
          if (b > 0x20 && b < 0x7f && isDelimiterCandidate(b) && b !== sep && b !== isa16) {
            this.isaTermBytes = [b];
            this.completeIsa();
            return i + 1;
          }
          this.isaTermBytes = [this.isaTermCandidate];
          this.completeIsa();
          return i;
        }
        default:
          this.work += i - start + 1;
          if (b >= 0x80 && b <= 0xbf) {
            this.isaTermBytes.push(b);
            if (this.isaTermBytes.length < this.isaTermNeed) continue;
            this.completeIsa();
            return i + 1;
          }
          this.isaTermBytes = [this.isaTermBytes[0]!];
          this.completeIsa();
          return i;
      }
    }
    this.work += n - start;
    return n;
  }

  private isaFailed(reason: string): void {
    this.listener.issue({
      kind: 'isa-unreadable',
      offset: this.isaOffset,
      segmentIndex: this.segmentCount,
      length: this.isaLen,
      message: `ISA unreadable: ${reason}`,
    });
    this.state = S_SEEK;
    this.seekMatched = 0;
    this.seekPrevAlnum = false;
  }

  private completeIsa(): void {
    const buf = this.isaBuf;
    const seps = this.isaSeps;
    const sep = buf[3]!;
    const isa16 = buf[this.isaLen - 1]!;
    const term = Uint8Array.from(this.isaTermBytes);
    // ISA11 is the repetition separator from 00402 on (X12.5 §3.3.2, ISA11 redefined in 004020).
    const versionStart = seps[11]! + 1;
    let version = 0;
    for (let k = versionStart; k < seps[12]!; k++) {
      const d = buf[k]! - 0x30;
      version = d >= 0 && d <= 9 ? version * 10 + d : -1e9;
    }
    const isa11Len = seps[11]! - seps[10]! - 1;
    const isa11 = buf[seps[10]! + 1]!;
    const hasRepetition = version >= 402 && isa11Len === 1 && isDelimiterCandidate(isa11);
    const termText = this.ebcdic
      ? Buffer.from(term).toString('latin1')
      : Buffer.from(term).toString(term.length > 1 ? 'utf8' : 'latin1');
    this.delimiters = Object.freeze({
      element: String.fromCharCode(sep),
      component: String.fromCharCode(isa16),
      repetition: hasRepetition ? String.fromCharCode(isa11) : undefined,
      segment: termText,
    });
    const usable = term.length > 0 && term[0] !== sep && isDelimiterCandidate(term[0]!);
    this.term = term;
    this.buildClasses(sep, term, isa16, hasRepetition ? isa11 : -1);

    const view = this.view;
    this.isaSource.reset(buf, this.isaLen);
    view.source = this.isaSource;
    view.start = 0;
    view.end = this.isaLen;
    view.seps = seps;
    view.sepCount = 16;
    view.utf8 = false;
    view.plain = false;
    view.delimiters = this.delimiters;
    view.encoding = this.ebcdic ? 'ebcdic' : term.length > 1 ? 'utf8' : 'latin1';
    view.offset = this.isaOffset;
    view.idKey = idKeyOf(BYTE_I, BYTE_S, BYTE_A);
    view.segmentIndex = this.segmentCount++;
    this.listener.segment(view);
    if (usable) {
      this.state = S_BETWEEN;
    } else {
      this.listener.issue({
        kind: 'isa-delimiters-unusable',
        offset: this.isaOffset,
        segmentIndex: view.segmentIndex,
        length: this.isaLen,
        message: 'the segment terminator after ISA16 cannot delimit segments',
      });
      this.state = S_DEAD;
      this.seekMatched = 0;
      this.seekPrevAlnum = false;
    }
  }

  private buildClasses(sep: number, term: Uint8Array, component: number, repetition: number): void {
    const cls = this.cls;
    const ws = this.ws;
    for (let b = 0; b < 256; b++) {
      cls[b] = b >= 0x80 && !this.ebcdic ? C_HIGH : C_DATA;
      ws[b] = isLooseWhitespace(b) ? 1 : 0;
    }
    cls[CR] = C_CRLF;
    cls[LF] = C_CRLF;
    cls[sep] = C_ELEM;
    cls[term[0]!] = term.length > 1 ? C_TERM_LEAD : C_TERM;
    for (let b = 0; b < 256; b++) {
      if (cls[b] === C_DATA && (b < 0x20 || b === 0x7f || b === component || b === repetition)) {
        cls[b] = C_SPECIAL;
      }
    }
    // Everything `cls` depends on: an equal key means an equal pair table.
    const pairsKey = `${this.ebcdic ? 'e' : 'a'} ${sep} ${term[0]} ${term.length > 1 ? 1 : 0} ${component} ${repetition}`;
    if (pairsKey !== this.pairsKey) {
      this.pairsKey = pairsKey;
      this.pairs = undefined;
    }
    ws[sep] = 0;
    ws[component] = 0;
    if (repetition >= 0) ws[repetition] = 0;
    for (const t of term) ws[t] = 0;
  }

  // ---- segments --------------------------------------------------------------------------------

  private between(buf: Uint8Array, i: number, shift: number): number {
    if (this.useIdOnly && this.term.length === 1) {
      i = this.idOnlySegments(buf, i, shift);
      if (i >= buf.length) return i;
    }
    const n = buf.length;
    const ws = this.ws;
    const start = i;
    while (i < n && ws[buf[i]!] === 1) i++;
    this.work += i - start;
    if (i >= n) return n;
    const b = buf[i]!;
    const c = this.cls[b]!;
    if (c === C_TERM) {
      // An empty segment ("~~"): nothing to deliver.
      this.work++;
      return i + 1;
    }
    this.segOffset = this.base + shift + i;
    this.sepCount = 0;
    this.high = 0;
    this.special = 0;
    this.overflow = false;
    this.termMatched = 0;
    if (b === BYTE_I) {
      // Only a segment whose id is ISA starts an interchange; decided on the first four bytes with
      // line breaks removed, the same way whether or not they arrive in one chunk.
      if (i + 3 >= n) return this.startScratch(buf, i, i, true);
      const b1 = buf[i + 1]!;
      const b2 = buf[i + 2]!;
      const b3 = buf[i + 3]!;
      if (b1 === CR || b1 === LF || b2 === CR || b2 === LF || b3 === CR || b3 === LF) {
        return this.startScratch(buf, i, i, true);
      }
      if (b1 === BYTE_S && b2 === BYTE_A && this.startsInterchange(b3)) {
        this.beginIsa(this.segOffset, b3);
        this.work += 4;
        return i + 4;
      }
    }
    this.state = S_SEGMENT;
    this.segStart = i;
    return i;
  }

  private segStart = 0;

  /**
   * Validation without values (X12TokenListener.idOnly): one loop over many segments that reads each
   * id, asks the listener whether the id is all it needs, and if so jumps to the terminator without
   * recording separators or building a view. Anything else (an envelope or unknown id, a segment cut by
   * the chunk end, a line break in the id, an overlong segment) returns at the segment's first byte,
   * and the general path reads it exactly as before: the findings cannot differ. A line break after the
   * id changes nothing the listener sees (the id, the offset, the index). Returns where it stopped.
   */
  private idOnlySegments(buf: Uint8Array, i: number, shift: number): number {
    const n = buf.length;
    const ws = this.ws;
    const cls = this.cls;
    const t = this.term[0]!;
    const max = this.maxSegmentBytes;
    const idOnly = this.listener.idOnly!;
    // Node's Buffer#indexOf finds the terminator with memchr, about twice as fast as a loop in JS on
    // the ~30-byte segments of a business document; a view over the same memory, not a copy.
    const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    for (;;) {
      const start = i;
      while (i < n && ws[buf[i]!] === 1) i++;
      this.work += i - start;
      if (i + 3 >= n) return i;
      const b0 = buf[i]!;
      const b1 = buf[i + 1]!;
      const b2 = buf[i + 2]!;
      let key: number;
      let j: number;
      if (cls[b2] === C_ELEM || b2 === t) {
        key = (b0 << 16) | (b1 << 8);
        j = i + 2;
      } else {
        const b3 = buf[i + 3]!;
        if (!(cls[b3] === C_ELEM || b3 === t) || !isUpperAlnum(b2)) return i;
        key = (b0 << 16) | (b1 << 8) | b2;
        j = i + 3;
      }
      if (b0 < 0x41 || b0 > 0x5a || !isUpperAlnum(b1)) return i;
      j = bytes.indexOf(t, j);
      if (j < 0 || j - i > max) return i;
      if (!idOnly(key, this.base + shift + i, this.segmentCount)) return i;
      this.segmentCount++;
      this.work += j - i + 1;
      i = j + 1;
    }
  }

  /**
   * The byte after "ISA" must be a delimiter. It may be the current single-byte terminator: in a
   * mailbag the next interchange's element separator can be the previous one's terminator, and a bare
   * "ISA" segment means nothing. A multi-byte terminator cannot be an element separator.
   */
  private startsInterchange(b3: number): boolean {
    return this.cls[b3] !== C_TERM_LEAD && isDelimiterCandidate(b3);
  }

  /**
   * The hot loop: a segment that lies inside one chunk, with no line break in it, is never copied.
   * After its terminator the loop goes on to the next segment itself when only loose whitespace comes
   * between and the next byte is neither "I" (a possible ISA) nor the terminator; anything else goes
   * back through `between`, so this shortcut decides nothing `between` would decide differently.
   * Entered at the segment start `between` set up; `overflow` and `termMatched` are false/0 here
   * (only the scratch path sets them), so a segment started here needs no reset of them either.
   */
  private fastSegment(buf: Uint8Array, i: number, shift: number): number {
    const n = buf.length;
    const cls = this.cls;
    const ws = this.ws;
    const pairs = this.pairs ?? this.loadPairs();
    const data = this.chunkData;
    // The id-only path must see every segment start (it lives in `between`).
    const chain = !this.useIdOnly;
    let seps = this.seps;
    let sepCount = this.sepCount;
    let segStart = this.segStart;
    let offset = this.segOffset;
    let high = this.high;
    let special = this.special;
    // Bytes consumed since entry (segments and the whitespace between them), added to `work` once.
    let work = 0;
    for (;;) {
      // Data and element separators are nearly every byte: the inner loop handles only those and
      // calls nothing (a call in it, even one almost never taken, cost ~25 ms per 50 MB). A byte
      // adds at most one separator, so ending the loop where `seps` could be full replaces the
      // capacity check per separator with one per segment.
      const room = seps.length - sepCount;
      const limit = n - i > room ? i + room : n;
      // Two bytes per step while both are data or element separators (see `pairClasses`): half the
      // iterations and branches on the bytes most segments are made of. Anything else in the pair, and
      // the last byte before `limit`, goes through the one-byte step below. Two bytes add at most two
      // separators, so `limit` bounds both steps alike.
      const pairLimit = limit - 1;
      let c = C_DATA;
      for (;;) {
        while (i < pairLimit) {
          const p = pairs[data.getUint16(i, true)]!;
          if (p === P_DATA_DATA) {
            i += 2;
          } else if (p === P_DATA_ELEM) {
            seps[sepCount++] = i + 1;
            i += 2;
          } else if (p === P_ELEM_DATA) {
            seps[sepCount++] = i;
            i += 2;
          } else {
            break;
          }
        }
        if (i === limit) break;
        c = cls[buf[i]!]!;
        if (c === C_DATA) {
          i++;
          continue;
        }
        if (c !== C_ELEM) break;
        seps[sepCount++] = i++;
      }
      if (i === limit) {
        if (i === n) break;
        // Grown before it is quite full, so that a long value after many separators is still read
        // in long runs rather than a few bytes per round.
        if (seps.length - sepCount < MIN_SEPS_ROOM) seps = this.growSeps();
        continue;
      }
      const end = i;
      if (c === C_TERM) {
        i++;
      } else if (c === C_HIGH) {
        high = 1;
        i++;
        continue;
      } else if (c === C_SPECIAL) {
        special = 1;
        i++;
        continue;
      } else if (c === C_TERM_LEAD && i + this.term.length <= n) {
        const term = this.term;
        let k = 1;
        while (k < term.length && buf[i + k] === term[k]) k++;
        if (k !== term.length) {
          // Not the terminator after all: a UTF-8 character that shares its lead byte.
          high = 1;
          i++;
          continue;
        }
        i += term.length;
      } else {
        // A line break inside the segment (hard-wrapped transmission) or a terminator cut by the chunk end.
        break;
      }
      work += i - segStart;
      this.emit(this.chunkSource, segStart, end, offset, sepCount, high, special);
      // What `between` does for the common case: skip loose whitespace, start the next segment.
      const from = i;
      while (i < n && ws[buf[i]!] === 1) i++;
      work += i - from;
      if (!chain || i === n || buf[i] === BYTE_I || cls[buf[i]!] === C_TERM) {
        this.work += work;
        this.state = S_BETWEEN;
        return i;
      }
      segStart = i;
      offset = this.base + shift + i;
      sepCount = 0;
      seps = this.seps;
      high = 0;
      special = 0;
    }
    this.segOffset = offset;
    this.sepCount = sepCount;
    this.high = high;
    this.special = special;
    this.work += work + (i - segStart);
    return this.startScratch(buf, segStart, i, false);
  }

  /** Moves the segment begun at `from` into the scratch buffer and continues byte by byte at `at`. */
  private startScratch(buf: Uint8Array, from: number, at: number, isaCheck: boolean): number {
    const len = at - from;
    this.scratchLen = 0;
    if (len > this.maxSegmentBytes) {
      this.overflow = true;
      this.scratchLen = len;
    } else {
      this.ensureScratch(len);
      this.scratch.set(buf.subarray(from, at), 0);
      this.scratchLen = len;
      for (let k = 0; k < this.sepCount; k++) this.seps[k] -= from;
    }
    this.pendingIsaCheck = isaCheck;
    this.state = S_SCRATCH;
    return at;
  }

  private slowSegment(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const cls = this.cls;
    const term = this.term;
    const start = i;
    for (; i < n; i++) {
      const b = buf[i]!;
      if (this.termMatched > 0) {
        if (b === term[this.termMatched]) {
          this.termMatched++;
          if (this.termMatched === term.length) {
            this.termMatched = 0;
            this.work += i - start + 1;
            this.emitScratch();
            return i + 1;
          }
          continue;
        }
        // Not the terminator after all: its bytes were data.
        for (let k = 0; k < this.termMatched; k++) this.append(term[k]!, C_HIGH);
        this.termMatched = 0;
      }
      const c = cls[b]!;
      if (c === C_TERM) {
        this.work += i - start + 1;
        if (this.pendingIsaCheck && this.scratchLen === 3 && this.isIsaId()) {
          this.pendingIsaCheck = false;
          this.beginIsa(this.segOffset, b);
          return i + 1;
        }
        this.emitScratch();
        return i + 1;
      }
      if (c === C_TERM_LEAD) {
        this.termMatched = 1;
        continue;
      }
      if (c === C_CRLF) continue;
      this.append(b, c);
      if (this.pendingIsaCheck && this.scratchLen >= 4) {
        this.pendingIsaCheck = false;
        if (this.isIsaId() && this.startsInterchange(this.scratch[3]!)) {
          this.beginIsa(this.segOffset, this.scratch[3]!);
          this.work += i - start + 1;
          return i + 1;
        }
      }
    }
    this.work += n - start;
    return n;
  }

  private isIsaId(): boolean {
    const s = this.scratch;
    return s[0] === BYTE_I && s[1] === BYTE_S && s[2] === BYTE_A;
  }

  private append(b: number, c: number): void {
    if (this.overflow) {
      this.scratchLen++;
      return;
    }
    if (this.scratchLen >= this.maxSegmentBytes) {
      this.overflow = true;
      this.scratchLen++;
      return;
    }
    if (this.scratchLen === this.scratch.length) this.ensureScratch(this.scratchLen + 1);
    if (c === C_ELEM) {
      if (this.sepCount === this.seps.length) this.growSeps();
      this.seps[this.sepCount++] = this.scratchLen;
    } else if (c === C_HIGH) {
      this.high = 1;
    } else if (c === C_SPECIAL) {
      this.special = 1;
    }
    this.scratch[this.scratchLen++] = b;
  }

  private ensureScratch(len: number): void {
    if (len <= this.scratch.length) return;
    let size = this.scratch.length;
    while (size < len) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.scratch.subarray(0, this.scratchLen));
    this.scratch = next;
  }

  private loadPairs(): Uint8Array {
    let pairs = PAIR_TABLES.get(this.pairsKey);
    if (pairs === undefined) {
      pairs = pairClasses(this.cls);
      if (PAIR_TABLES.size < MAX_PAIR_TABLES) PAIR_TABLES.set(this.pairsKey, pairs);
    }
    this.pairs = pairs;
    return pairs;
  }

  private growSeps(): Int32Array<ArrayBufferLike> {
    const next = new Int32Array(this.seps.length * 2);
    next.set(this.seps);
    this.seps = next;
    return next;
  }

  private emitScratch(): void {
    this.state = S_BETWEEN;
    if (this.overflow) {
      this.listener.issue({
        kind: 'segment-too-long',
        offset: this.segOffset,
        segmentIndex: this.segmentCount++,
        length: this.scratchLen,
        message: `segment of ${this.scratchLen} bytes exceeds the ${this.maxSegmentBytes}-byte limit`,
      });
      return;
    }
    this.scratchSource.reset(this.scratch, this.scratchLen);
    this.emit(this.scratchSource, 0, this.scratchLen, this.segOffset, this.sepCount, this.high, this.special);
  }

  /** Delivers a segment; `high`/`special` are the flags of the byte classes of the same names. */
  private emit(
    source: ByteSource,
    start: number,
    end: number,
    offset: number,
    sepCount: number,
    high: number,
    special: number,
  ): void {
    // An empty segment ("~~", or a terminator after a blank line) carries nothing: not delivered.
    if (end === start && sepCount === 0) return;
    if (end - start > this.maxSegmentBytes) {
      this.listener.issue({
        kind: 'segment-too-long',
        offset,
        segmentIndex: this.segmentCount++,
        length: end - start,
        message: `segment of ${end - start} bytes exceeds the ${this.maxSegmentBytes}-byte limit`,
      });
      return;
    }
    const view = this.view;
    const bytes = source.bytes;
    const idEnd = sepCount > 0 ? this.seps[0]! : end;
    const idLen = idEnd - start;
    let key = -1;
    if (idLen === 2 || idLen === 3) {
      const b0 = bytes[start]!;
      const b1 = bytes[start + 1]!;
      const b2 = idLen === 3 ? bytes[start + 2]! : 0;
      if (b0 >= 0x41 && b0 <= 0x5a && isUpperAlnum(b1) && (idLen === 2 || isUpperAlnum(b2))) {
        key = (b0 << 16) | (b1 << 8) | b2;
      }
    }
    // The source, separator array and delimiters change only at an ISA, a scratch segment or a
    // growth of `seps`: a comparison is cheaper than a pointer store with its write barrier.
    if (view.source !== source) view.source = source;
    if (view.seps !== this.seps) view.seps = this.seps;
    if (view.delimiters !== this.delimiters) view.delimiters = this.delimiters!;
    view.start = start;
    view.end = end;
    view.sepCount = sepCount;
    view.utf8 = high === 1;
    view.plain = special === 0;
    view.offset = offset;
    view.idKey = key;
    view.segmentIndex = this.segmentCount++;
    this.listener.segment(view);
  }

  // ---- end of data -----------------------------------------------------------------------------

  private finish(): void {
    switch (this.state) {
      case S_START:
      case S_SEEK:
      case S_DEAD:
        if (this.seekMatched > 0) this.markJunk(this.base - this.seekMatched, this.base - 1);
        this.flushJunk(this.base);
        return;
      case S_ISA:
        if (this.isaPhase === 3) {
          this.isaTermBytes = [this.isaTermCandidate];
          this.completeIsa();
        } else if (this.isaPhase === 4) {
          this.isaTermBytes = [this.isaTermBytes[0]!];
          this.completeIsa();
        } else {
          this.isaFailed('premature end of data');
          return;
        }
        return;
      case S_SCRATCH: {
        if (this.termMatched > 0) {
          for (let k = 0; k < this.termMatched; k++) this.append(this.term[k]!, C_HIGH);
          this.termMatched = 0;
        }
        if (this.scratchLen === 0 && !this.overflow) return;
        this.listener.issue({
          kind: 'unterminated-segment',
          offset: this.segOffset,
          segmentIndex: this.segmentCount,
          length: this.scratchLen,
          message: 'end of data before the segment terminator',
        });
        this.emitScratch();
        return;
      }
      default:
        return;
    }
  }
}
