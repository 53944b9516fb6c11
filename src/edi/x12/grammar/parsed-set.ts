import type { X12Segment } from '../segment.js';
import type { X12Hierarchy } from './hierarchy.js';
import type { X12SetGrammar } from './grammar.types.js';
import type { X12WalkFrame } from './set-walker.js';

/**
 * One iteration of a loop, as a range of the set's segment list: a loop iteration and the loops
 * nested in it always hold consecutive segments, so `start`…`end` says what it contains.
 */
export interface X12LoopRecord {
  /** Grammar loop id (`PO1`, `PO1/N1`, `HL`); '' for the set body. */
  readonly loopId: string;
  /** 1-based iteration within the parent iteration. */
  readonly iteration: number;
  /** Index of the enclosing iteration in `loops`; -1 for the set body. */
  readonly parent: number;
  /** Index of its first segment (the loop's trigger) in `segments`. */
  readonly start: number;
  /** Position of that segment in the set (ST = 1; the body's is 0). */
  readonly position: number;
  /** Index just past its last segment, nested loops included. */
  readonly end: number;
}

/**
 * A set's body as the grammar placed it, flat: the segments in the order received and the loop
 * iterations as ranges over them. Loops come in the order they opened (an iteration before the loops
 * nested in it), `loops[0]` being the set body itself. Flat rather than a tree of nodes: a large file
 * has millions of segments, and one object and one array per segment and loop iteration were a fifth
 * of what translation allocated.
 */
export interface X12ParsedBody {
  readonly segments: readonly X12Segment[];
  /**
   * `segmentIdCode` of each segment's id, from the reader that knew it (the tokenizer's id key): what
   * map selectors compare, without going back to every segment's id.
   */
  readonly idCodes: readonly number[];
  /** Index in `loops` of the innermost loop iteration holding each segment (0: the body itself). */
  readonly loopOf: readonly number[];
  readonly loops: readonly X12LoopRecord[];
}

/**
 * A transaction set as the grammar read it: what a map interpreter walks (segments with their loop
 * context, the 856 hierarchy). Segments the grammar could not place are left out; they are findings.
 */
export interface X12ParsedSet {
  readonly setId: string;
  readonly controlNumber: string;
  readonly version: string;
  readonly grammar: X12SetGrammar;
  readonly body: X12ParsedBody;
  /** 856 only (sets with an HL loop). */
  readonly hierarchy: X12Hierarchy | undefined;
}

/**
 * Loop records are written while their iteration is open: `end` is set when it closes. A class, not
 * an object literal, for the reason `KeptSegment` gives in src/edi/x12/segment.ts: V8 may decide
 * to allocate a literal's objects in the old generation, wrongly for these short-lived ones.
 */
class OpenLoopRecord implements X12LoopRecord {
  constructor(
    readonly loopId: string,
    readonly iteration: number,
    readonly parent: number,
    readonly start: number,
    readonly position: number,
    public end: number,
  ) {}
}

const NO_SEGMENT: X12Segment = { id: '', elements: [], offset: -1, segmentIndex: -1 };
const NO_LOOP = new OpenLoopRecord('', 0, -1, 0, 0, 0);

/**
 * Keeps the flat body in step with the walker's frames, one segment at a time. One builder serves a
 * whole read, set after set (`start` at each set): its working arrays are reused, and `finish` hands
 * out copies made at their final size, so a set costs no array growth.
 */
export class X12ParsedSetBuilder {
  private readonly segments: X12Segment[] = [];
  private readonly idCodes: number[] = [];
  private readonly loopOf: number[] = [];
  private readonly loops: OpenLoopRecord[] = [];
  private segmentCount = 0;
  private loopCount = 0;
  /** Open iterations, `openLoop[k]` (an index in `loops`) mirroring `frames[k]`; `openSerial[k]` its frame's serial. */
  private readonly openLoop: number[] = [0];
  private readonly openSerial: number[] = [0];
  private size = 1;

  constructor() {
    this.start();
  }

  /** Begins a set: the body is open, nothing else. */
  start(): void {
    this.segmentCount = 0;
    this.loops[0] = new OpenLoopRecord('', 1, -1, 0, 0, -1);
    this.loopCount = 1;
    this.size = 1;
  }

  /** Adds the segment the walker just placed; `idCode` is `segmentIdCode(segment.id)`. */
  add(frames: readonly X12WalkFrame[], segment: X12Segment, idCode: number, position: number): void {
    const at = this.segmentCount;
    const { openLoop, openSerial, loops } = this;
    // frames[0] is the set itself; open[k] mirrors frames[k] for k >= 1.
    let keep = 1;
    while (keep < this.size && keep < frames.length && openSerial[keep] === frames[keep]!.serial) keep++;
    for (let k = keep; k < this.size; k++) loops[openLoop[k]!]!.end = at;
    let size = keep;
    for (let k = keep; k < frames.length; k++) {
      const f = frames[k]!;
      openLoop[size] = this.loopCount;
      openSerial[size] = f.serial;
      loops[this.loopCount++] = new OpenLoopRecord(
        f.loop.id,
        f.iteration,
        openLoop[size - 1]!,
        at,
        position,
        -1,
      );
      size++;
    }
    this.size = size;
    this.segments[at] = segment;
    this.idCodes[at] = idCode;
    this.loopOf[at] = openLoop[size - 1]!;
    this.segmentCount = at + 1;
  }

  /** The body once the set is complete (every open iteration ends with the last segment). */
  finish(): X12ParsedBody {
    const end = this.segmentCount;
    for (let k = 0; k < this.size; k++) this.loops[this.openLoop[k]!]!.end = end;
    const body = {
      segments: this.segments.slice(0, end),
      idCodes: this.idCodes.slice(0, end),
      loopOf: this.loopOf.slice(0, end),
      loops: this.loops.slice(0, this.loopCount),
    };
    // The working arrays let go of the set's objects: held until the next set overwrote them, they
    // outlived every young-generation collection, and V8 took to allocating such segments and records
    // in the old generation (allocation-site pretenuring), where they died by the thousand (measured:
    // every other bench run was a third slower, with twice the peak memory).
    this.segments.fill(NO_SEGMENT, 0, end);
    this.loops.fill(NO_LOOP, 0, this.loopCount);
    this.start();
    return body;
  }
}
