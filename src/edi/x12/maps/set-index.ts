import type { X12ParsedBody } from '../grammar/parsed-set.js';
import type { X12Segment } from '../segment.js';

/**
 * A parsed set seen through one set of collection loops (a map's: their content is not part of the
 * scopes around them). Every segment then belongs to one *home*: the innermost collection loop
 * iteration holding it, or the body. A scope is one home (a line, a pack, an HL level) or a few (an
 * 856 header: the body and its shipment level), and its segments are its homes' segments in order.
 * Filled per set (`reset`) into arrays kept from set to set, so that no scope copies or collects
 * segments and indexing a set allocates nothing once the arrays have grown to the sets' size.
 */
export class X12SetIndex {
  body: X12ParsedBody = EMPTY_BODY;
  exclude: ReadonlySet<string> = NO_LOOPS;
  segments: readonly X12Segment[] = [];
  /** The segments' id codes (`segmentIdCode`), the body's. */
  idCodes: readonly number[] = [];
  /*
   * The four arrays below are reused from set to set: entries past the current set's loops (or
   * segments) are stale, and nothing reads them.
   */
  /*
   * Typed arrays, grown to the largest set seen (up to `KEPT_SIZE`): plain arrays reused from set to
   * set were about a tenth of the interpreter's time, in `reset` alone.
   */
  /** Per loop iteration: its home (itself for a collection loop and for the body). */
  homeOf = new Int32Array(64);
  /** Per home: where its segments' indexes lie in `slots` (`from` inclusive, `to` exclusive). */
  from = new Int32Array(64);
  to = new Int32Array(64);
  /** Indexes of the set's segments, grouped by home, in set order within each home. */
  slots = new Int32Array(256);
  /** Per large home, its segment indexes by segment id, built when first asked. */
  private readonly byId: (Map<string, number[]> | undefined)[] = [];

  constructor(body?: X12ParsedBody, exclude?: ReadonlySet<string>) {
    if (body) this.reset(body, exclude ?? NO_LOOPS);
  }

  /** Indexes another set (its body seen through these collection loops). */
  reset(body: X12ParsedBody, exclude: ReadonlySet<string>): void {
    this.body = body;
    this.exclude = exclude;
    const { loops, loopOf, segments } = body;
    this.segments = segments;
    this.idCodes = body.idCodes;
    if (this.byId.length > 0) this.byId.length = 0;
    if (this.homeOf.length < loops.length) {
      const size = Math.max(loops.length, this.homeOf.length * 2);
      this.homeOf = new Int32Array(size);
      this.from = new Int32Array(size);
      this.to = new Int32Array(size);
    }
    if (this.slots.length < loopOf.length)
      this.slots = new Int32Array(Math.max(loopOf.length, this.slots.length * 2));
    const { homeOf, from, to, slots } = this;
    // Loops come after their parent: one forward pass resolves every home.
    homeOf[0] = 0;
    for (let j = 1; j < loops.length; j++) {
      const loop = loops[j]!;
      homeOf[j] = exclude.has(loop.loopId) ? j : homeOf[loop.parent]!;
    }
    // A counting sort of the segments by home.
    for (let j = 0; j < loops.length; j++) to[j] = 0;
    for (let i = 0; i < loopOf.length; i++) to[homeOf[loopOf[i]!]!]!++;
    let next = 0;
    for (let j = 0; j < loops.length; j++) {
      from[j] = next;
      next += to[j]!;
      to[j] = from[j]!;
    }
    for (let i = 0; i < loopOf.length; i++) slots[to[homeOf[loopOf[i]!]!]!++] = i;
  }

  /** Lets go of the set (the index outlives it), and of working arrays a huge set grew. */
  release(): void {
    this.body = EMPTY_BODY;
    this.segments = EMPTY_BODY.segments;
    this.idCodes = EMPTY_BODY.idCodes;
    if (this.byId.length > 0) this.byId.length = 0;
    if (this.slots.length > KEPT_SIZE) this.slots = new Int32Array(256);
    if (this.homeOf.length > KEPT_SIZE) {
      this.homeOf = new Int32Array(64);
      this.from = new Int32Array(64);
      this.to = new Int32Array(64);
    }
  }

  /**
   * The segment indexes of a large home that have this id; undefined for a small home, whose few
   * segments are cheaper to scan (a map evaluates dozens of selectors per scope, and a set's header
   * can hold hundreds of segments).
   */
  idList(home: number, id: string): readonly number[] | undefined {
    if (this.to[home]! - this.from[home]! <= SMALL_SCOPE) return undefined;
    let byId = this.byId[home];
    if (byId === undefined) {
      byId = new Map();
      for (let k = this.from[home]!; k < this.to[home]!; k++) {
        const i = this.slots[k]!;
        const segmentId = this.segments[i]!.id;
        const list = byId.get(segmentId);
        if (list === undefined) byId.set(segmentId, [i]);
        else list.push(i);
      }
      this.byId[home] = byId;
    }
    return byId.get(id) ?? NONE;
  }
}

const SMALL_SCOPE = 24;
/** Working arrays larger than this after a set (a huge 856) are dropped rather than kept for the next. */
export const KEPT_SIZE = 1 << 16;
const NONE: readonly number[] = [];
const NO_LOOPS: ReadonlySet<string> = new Set();
const EMPTY_BODY: X12ParsedBody = { segments: [], idCodes: [], loopOf: [], loops: [] };

/** What a selector is evaluated in: one or more homes of a set index (see `X12SetIndex`). */
export interface X12Scope {
  readonly index: X12SetIndex;
  /** Homes (loop indexes) in order: one for a collection item, the body and its S level(s) for an 856 header. */
  readonly homes: readonly number[];
  readonly envelope: Readonly<Record<string, string>>;
  readonly component: string;
  /** The header scope, for `^` selectors. */
  readonly root?: X12Scope | undefined;
  /** The parent HL level's scope, for `../` selectors. */
  readonly parent?: X12Scope | undefined;
}

/** The scope of a whole set body (the header, collections excluded). */
export function bodyScope(
  body: X12ParsedBody,
  exclude: ReadonlySet<string>,
  envelope: Readonly<Record<string, string>>,
  component: string,
): X12Scope {
  return { index: new X12SetIndex(body, exclude), homes: [0], envelope, component };
}
