import type { X12IssueKind } from '../code-tables.js';
import type {
  X12SetContentCheck,
  X12SetContentFactory,
  X12SetContentFinding,
} from '../envelope-validator.js';
import type { X12GroupResult, X12Issue, X12SetResult } from '../result.js';
import { idCodeOfKey, idKeyOf, segmentIdCode, type X12SegmentView } from '../segment.js';
import { isSupportedX12Set } from '../supported-sets.js';
import type { X12CodeVersion } from '../versions.js';
import { checkSegmentElements, planOf, type X12SegmentPlan } from './element-checks.js';
import { type X12ElementFinding, X12ValueFinding } from './element-findings.js';
import { defaultX12Grammars, type X12GrammarRegistry } from './grammar-registry.js';
import type { X12GrammarNode, X12LoopNode, X12SegmentNode, X12SetGrammar } from './grammar.types.js';
import { buildHierarchy, DEFAULT_MAX_HL_DEPTH, hierarchyProblems, type X12HlRecord } from './hierarchy.js';
import { X12ParsedSetBuilder, type X12ParsedSet } from './parsed-set.js';
import { X12SetWalker } from './set-walker.js';

type EdiPosition = Pick<X12Issue, 'offset' | 'segmentIndex'>;

export interface X12GrammarValidatorOptions {
  /** Grammars to validate with (default: the built-in ones, see `defaultX12Grammars`). */
  readonly grammars?: X12GrammarRegistry;
  /**
   * Receives every complete set (SE seen) as parsed by its grammar. Called at SE, before the set's
   * final status is known: read `set.status` in the reader's `endSet`. Segments are copied only
   * when this is given.
   */
  readonly onSet?: (parsed: X12ParsedSet, set: X12SetResult, group: X12GroupResult) => void;
  /**
   * Sets whose parsed tree `onSet` wants (default: every set). The others are checked all the same but
   * never copied, and `onSet` does not see them: a translator that keeps only 856s passes its filter
   * here instead of dropping the other sets' trees at SE.
   */
  readonly keep?: (setId: string) => boolean;
  /** HL nesting limit (default 64). */
  readonly maxHierarchyDepth?: number;
  /**
   * Errors to accept rather than reject (a partner agreement, e.g. AK403 7 in a reference
   * qualifier): still acknowledged with AK3/AK4, but the set is AK5 E and goes on to translation.
   * Default: none (LESSONS.md: an invalid set never reaches the business side by default).
   */
  readonly accept?: (finding: X12GrammarFindingInfo) => boolean;
}

/** What `accept` sees of a finding. */
export interface X12GrammarFindingInfo {
  readonly setId: string;
  readonly kind: X12IssueKind;
  readonly segmentId: string;
  readonly elementPosition: number | undefined;
  readonly elementReference: string | undefined;
}

const MESSAGES: Record<string, string> = {
  'segment-id-unrecognized': 'is not a segment of the X12 dictionary',
  'segment-not-in-set': 'is not defined in this transaction set',
  'segment-out-of-sequence': 'is not in its proper sequence',
  'segment-unexpected': 'is not expected here',
  'segment-over-max': 'exceeds its maximum use',
  'loop-over-max': 'starts a loop iteration past the loop maximum',
};

/**
 * Reader options for translation: supported sets only (others AK502 1) and their grammars.
 * `readX12(bytes, handler, x12ReadOptions())`.
 */
export function x12ReadOptions(options: X12GrammarValidatorOptions = {}): {
  isSetSupported: typeof isSupportedX12Set;
  setContent: X12SetContentFactory;
} {
  return { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator(options) };
}

/**
 * The grammar layer's `setContent` option for the X12 reader:
 * `readX12(bytes, handler, { isSetSupported: isSupportedX12Set, setContent: x12GrammarValidator() })`.
 * Sets without a grammar (unsupported sets and versions) are not checked here. Make one per read:
 * the sets of a read share its parsed-tree builder.
 */
export function x12GrammarValidator(options: X12GrammarValidatorOptions = {}): X12SetContentFactory {
  const grammars = options.grammars ?? defaultX12Grammars();
  // Sets are read one after the other: one parsed-tree builder, one HL record list and one walker per
  // grammar serve them all (a walker made per set was 1.3 µs of setup for a set of ~150 segments).
  const builder = new X12ParsedSetBuilder();
  const walkers = new Map<X12SetGrammar, GrammarWalk>();
  const hl: X12HlRecord[] = [];
  return (set, group, report) => {
    const grammar = grammars.find(set.id, group.version);
    if (!grammar) return undefined;
    const keep = options.onSet !== undefined && (options.keep?.(set.id) ?? true);
    if (keep) builder.start();
    let walk = walkers.get(grammar);
    if (walk === undefined) {
      walk = new GrammarWalk(grammar);
      walkers.set(grammar, walk);
    }
    hl.length = 0;
    return new X12SetContentValidator(
      grammar,
      group.codeVersion,
      set,
      group,
      report,
      options,
      keep ? builder : undefined,
      walk,
      hl,
    );
  };
}

/** What the sets of a read that share a grammar share: its walker, and the element plans by node. */
class GrammarWalk {
  readonly walker: X12SetWalker;
  /** By the walker's `slot` of the node: a look-up in an array, not in the plans' WeakMap. */
  private readonly plans: (X12SegmentPlan | undefined)[] = [];

  constructor(grammar: X12SetGrammar) {
    this.walker = new X12SetWalker(grammar, () => undefined);
  }

  planOf(node: X12SegmentNode): X12SegmentPlan {
    const slot = this.walker.slot;
    let plan = this.plans[slot];
    if (plan === undefined) {
      plan = planOf(node.def);
      this.plans[slot] = plan;
    }
    return plan;
  }
}

/**
 * An HL segment's record and place, kept for `buildHierarchy` until SE (and with the set's tree when
 * it is kept). Classes, not object literals: short-lived objects from a hot literal site may be
 * pretenured by V8 (see `OpenLoopRecord` in parsed-set.ts).
 */
class HlRecord implements X12HlRecord {
  constructor(
    readonly id: string,
    readonly parentId: string,
    readonly levelCode: string,
    readonly childCode: string,
    readonly position: number,
    readonly at: EdiPosition,
  ) {}
}

class SegmentPosition implements EdiPosition {
  constructor(
    readonly offset: number,
    readonly segmentIndex: number,
  ) {}
}

/** `idKeyOf` of "HL": the 856 hierarchy segment, told by the tokenizer's integer id. */
const ID_HL = idKeyOf(0x48, 0x4c, 0);

/** Walks one set: placement (AK304), elements (AK403), the HL hierarchy, and the parsed tree on request. */
class X12SetContentValidator implements X12SetContentCheck {
  private readonly walker: X12SetWalker;
  private readonly hasHl: boolean;
  private position = 1;
  private offset = -1;
  private segmentIndex = -1;
  private readonly elementFindings: X12ElementFinding[] = [];
  private readonly report: (finding: X12SetContentFinding) => void;

  constructor(
    private readonly grammar: X12SetGrammar,
    private readonly version: X12CodeVersion,
    private readonly set: X12SetResult,
    private readonly group: X12GroupResult,
    report: (finding: X12SetContentFinding) => void,
    private readonly options: X12GrammarValidatorOptions,
    /** The read's parsed-tree builder, started for this set, when the set is kept. */
    private readonly tree: X12ParsedSetBuilder | undefined,
    /** The read's walker and plans for this grammar; the walker is restarted here. */
    private readonly walk: GrammarWalk,
    /** The read's HL record list, emptied for this set. */
    private readonly hl: X12HlRecord[],
  ) {
    const accept = options.accept;
    this.report = accept
      ? (f) => {
          const noted =
            (f.severity ?? 'error') === 'error' &&
            accept({
              setId: set.id,
              kind: f.kind,
              segmentId: f.detail.segmentId ?? '',
              elementPosition: f.detail.elementPosition,
              elementReference: f.detail.elementReference,
            });
          report(noted ? { ...f, noted } : f);
        }
      : report;
    this.walker = walk.walker;
    this.walker.restart((node, loop) => this.missing(node, loop));
    this.hasHl = grammar.segmentIds.has('HL');
  }

  segment(view: X12SegmentView, positionInSet: number): void {
    this.position = positionInSet;
    this.offset = view.offset;
    this.segmentIndex = view.segmentIndex;
    const key = view.idKey;
    const walker = this.walker;
    // The id string is made only for findings: the walker takes the tokenizer's integer id (its
    // third byte 0 for a two-character id) in its own form, `segmentIdCode`.
    const node = key >= 0 ? walker.placeCode(idCodeOfKey(key), view) : walker.place(view.id);
    if (!node) {
      // The segment has no place in the grammar, so no loop to name in AK303 (it is optional).
      this.segmentFinding(walker.problem!, view.id, undefined);
      return;
    }
    if (walker.problem) this.segmentFinding(walker.problem, view.id, this.loopCode(walker.currentLoop));
    const findings = this.elementFindings;
    if (findings.length > 0) findings.length = 0;
    checkSegmentElements(view, node.def, this.version, findings, this.walk.planOf(node));
    if (findings.length > 0) this.reportElementFindings(view, positionInSet);
    const tree = this.tree;
    if (tree === undefined) {
      if (key === ID_HL && this.hasHl) {
        this.hl.push(
          new HlRecord(
            view.element(1),
            view.element(2),
            view.element(3),
            view.element(4),
            positionInSet,
            new SegmentPosition(view.offset, view.segmentIndex),
          ),
        );
      }
      return;
    }
    // The parsed tree keeps a copy of every segment; the HL record reads its values from that copy.
    const segment = view.toSegment();
    if (key === ID_HL && this.hasHl) {
      const el = segment.elements;
      this.hl.push(
        new HlRecord(
          el[1] ?? '',
          el[2] ?? '',
          el[3] ?? '',
          el[4] ?? '',
          positionInSet,
          new SegmentPosition(view.offset, view.segmentIndex),
        ),
      );
    }
    // The id code map selectors compare: the tokenizer's key of a plain two- or three-character id.
    const idCode = key < 0 ? segmentIdCode(segment.id) : idCodeOfKey(key);
    tree.add(walker.frames, segment, idCode, positionInSet);
  }

  /** Reports the element findings of the segment just checked (a clean segment has none). */
  private reportElementFindings(view: X12SegmentView, positionInSet: number): void {
    // The loop is named only in findings (AK303).
    const loopId = this.loopCode(this.walker.currentLoop);
    const id = view.id;
    for (const f of this.elementFindings) {
      const { kind, message, severity } = f;
      // Keys in the order the finding has them, then the segment's: the issue keeps that order.
      let detail: X12SetContentFinding['detail'];
      if (f instanceof X12ValueFinding) {
        detail = {
          elementPosition: f.elementPosition,
          elementReference: f.elementReference,
          badValue: f.badValue,
          segmentId: id,
          segmentPosition: positionInSet,
          loopId,
        };
      } else {
        const { kind: _k, message: _m, severity: _s, ...place } = f;
        detail = { ...place, segmentId: id, segmentPosition: positionInSet, loopId };
      }
      this.report({ level: 'element', kind, message, severity, at: this.at(), detail });
    }
  }

  end(trailer: { readonly positionInSet: number; readonly at: EdiPosition } | undefined): void {
    // Without an SE the set is already rejected (AK502 2); what is "missing" would only be guessed.
    if (!trailer) return;
    this.position = trailer.positionInSet;
    this.offset = trailer.at.offset;
    this.segmentIndex = trailer.at.segmentIndex;
    this.walker.finish();
    const maxDepth = this.options.maxHierarchyDepth ?? DEFAULT_MAX_HL_DEPTH;
    // Only a kept set needs the tree; the others need its problems alone.
    const hierarchy = this.hasHl && this.tree ? buildHierarchy(this.hl, maxDepth) : undefined;
    const problems = hierarchy ? hierarchy.problems : this.hasHl ? hierarchyProblems(this.hl, maxDepth) : [];
    // The list lets go of the records now, not at the next set: held, they would outlive young
    // collections (see `X12ParsedSetBuilder.finish`).
    this.hl.length = 0;
    for (const p of problems) {
      const r = p.record;
      const value = p.elementPosition === 1 ? r.id : p.elementPosition === 2 ? r.parentId : r.childCode;
      // HL02 must name an HL01 of the set, HL01 must be unique, HL04 must tell the truth: a value that
      // breaks the hierarchy is an invalid value (AK403 7); a wrong HL04 alone is only noted.
      this.report({
        level: 'element',
        kind: 'element-invalid-code',
        message: p.message,
        severity: p.kind === 'child-code-mismatch' ? 'warning' : 'error',
        at: r.at,
        detail: {
          segmentId: 'HL',
          segmentPosition: r.position,
          loopId: 'HL',
          elementPosition: p.elementPosition,
          elementReference: p.elementPosition === 1 ? '628' : p.elementPosition === 2 ? '734' : '736',
          badValue: value,
        },
      });
    }
    if (this.tree && this.options.onSet) {
      this.options.onSet(
        {
          setId: this.set.id,
          controlNumber: this.set.controlNumber,
          version: this.group.version,
          grammar: this.grammar,
          body: this.tree.finish(),
          hierarchy,
        },
        this.set,
        this.group,
      );
    }
  }

  private missing(node: X12GrammarNode, inLoop: X12LoopNode): void {
    const id = node.kind === 'segment' ? node.id : node.trigger;
    const loopId = node.kind === 'loop' ? node.code : this.loopCode(inLoop);
    this.report({
      level: 'segment',
      kind: 'segment-missing',
      message: `mandatory segment ${id}${loopId ? ` (loop ${loopId})` : ''} is missing`,
      at: this.at(),
      detail: { segmentId: id, segmentPosition: this.position, loopId },
    });
  }

  private segmentFinding(kind: X12IssueKind, id: string, loopId: string | undefined): void {
    this.report({
      level: 'segment',
      kind,
      message: `${id} ${MESSAGES[kind] ?? kind}`,
      at: this.at(),
      detail: { segmentId: id, segmentPosition: this.position, loopId },
    });
  }

  private at(): EdiPosition {
    return { offset: this.offset, segmentIndex: this.segmentIndex };
  }

  private loopCode(loop: X12LoopNode): string | undefined {
    return loop.code === '' ? undefined : loop.code;
  }
}
