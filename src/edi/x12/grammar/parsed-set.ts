import type { X12Segment } from '../segment.js';
import type { X12Hierarchy } from './hierarchy.js';
import type { X12SetGrammar } from './grammar.types.js';
import type { X12WalkFrame } from './set-walker.js';

/** A segment of a parsed set, with where the grammar placed it. */
export interface X12ParsedSegment {
  readonly kind: 'segment';
  readonly segment: X12Segment;
  /** Position in the set (ST = 1). */
  readonly position: number;
}

/** One iteration of a loop: its segments and nested loop iterations, in the order received. */
export interface X12LoopInstance {
  readonly kind: 'loop';
  /** Grammar loop id (`PO1`, `PO1/N1`, `HL`); '' for the set body. */
  readonly loopId: string;
  /** 1-based iteration within the parent iteration. */
  readonly iteration: number;
  readonly items: (X12ParsedSegment | X12LoopInstance)[];
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
  readonly body: X12LoopInstance;
  /** 856 only (sets with an HL loop). */
  readonly hierarchy: X12Hierarchy | undefined;
}

/** Keeps a loop-instance tree in step with the walker's frames. */
export class X12ParsedSetBuilder {
  readonly body: X12LoopInstance = { kind: 'loop', loopId: '', iteration: 1, items: [] };
  /** Open loop instances, `open[k]` mirroring `frames[k]`; entries past `size` are spare, reused. */
  private readonly open: { serial: number; instance: X12LoopInstance }[] = [
    { serial: 0, instance: this.body },
  ];
  private size = 1;

  add(frames: readonly X12WalkFrame[], segment: X12Segment, position: number): void {
    // frames[0] is the set itself; open[k] mirrors frames[k] for k >= 1.
    const open = this.open;
    let keep = 1;
    while (keep < this.size && keep < frames.length && open[keep]!.serial === frames[keep]!.serial) keep++;
    let size = keep;
    for (let k = keep; k < frames.length; k++) {
      const f = frames[k]!;
      const instance: X12LoopInstance = {
        kind: 'loop',
        loopId: f.loop.id,
        iteration: f.iteration,
        items: [],
      };
      open[size - 1]!.instance.items.push(instance);
      const entry = open[size];
      if (entry === undefined) open.push({ serial: f.serial, instance });
      else {
        entry.serial = f.serial;
        entry.instance = instance;
      }
      size++;
    }
    this.size = size;
    open[size - 1]!.instance.items.push({ kind: 'segment', segment, position });
  }
}
