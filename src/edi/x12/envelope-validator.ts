import type { EdiLevel, EdiSeverity } from '../core/issue.js';
import type { EdiPosition } from '../core/position.js';
import { codeFor, type X12IssueKind } from './code-tables.js';
import { clip, Level } from './envelope-common.js';
import { onGe, onGs } from './envelope-group.js';
import { closeInterchange, onIea, onIsa, straySegment } from './envelope-interchange.js';
import { onSe, onSt } from './envelope-set.js';
import type {
  X12GroupResult,
  X12InterchangeResult,
  X12Issue,
  X12SetResult,
  X12ValidationResult,
} from './result.js';
import {
  ID_GE,
  ID_GS,
  ID_IEA,
  ID_ISA,
  ID_ISB,
  ID_ISE,
  ID_SE,
  ID_ST,
  ID_TA1,
  type X12SegmentView,
} from './segment.js';
import type { X12TokenIssue, X12TokenListener } from './tokenizer.js';
import type { X12CodeVersion } from './versions.js';

export interface X12ValidatorOptions {
  /** Decides whether a transaction set is processed; `false` answers AK502 1 (set not supported). */
  readonly isSetSupported?: (set: { functionalId: string; setId: string; version: string }) => boolean;
  /** Decides whether a functional group is processed; `false` answers AK905 1. */
  readonly isGroupSupported?: (group: { functionalId: string; version: string }) => boolean;
  /**
   * Decides whether a GS03 application receiver code (syntactically sound) is ours; `false` rejects
   * the group, AK905 8 (005010) or AK9 R without a code (004010 has none). Default: not checked.
   */
  readonly isApplicationReceiver?: (code: string) => boolean;
  /** Accepted ISA12 values; others answer TA105 003. Default: any five-digit version. */
  readonly interchangeVersions?: readonly string[];
  /** Findings kept (default 10,000); the rest are counted in `suppressedIssues`, statuses stay exact. */
  readonly maxIssues?: number;
  /**
   * Validates the content of supported transaction sets against their grammar (AK3/AK4 findings);
   * see `src/edi/x12/grammar`. Called once per set whose header is sound; `undefined` = not checked.
   */
  readonly setContent?: X12SetContentFactory;
}

/** A segment- or element-level finding of a set content validator, coded by the envelope layer. */
export interface X12SetContentFinding {
  readonly level: 'segment' | 'element';
  readonly kind: X12IssueKind;
  readonly message: string;
  readonly severity?: EdiSeverity;
  /**
   * An error the receiver chose to accept: it is acknowledged (AK3/AK4) but the set is "accepted,
   * errors noted" (AK5 E) instead of rejected. Never the default (docs/edi-x12.md).
   */
  readonly noted?: boolean;
  readonly at: EdiPosition;
  readonly detail: Partial<Omit<X12Issue, 'level' | 'kind' | 'message' | 'severity' | 'code' | 'codeList'>>;
}

/** Per-set content validator: sees every body segment (ST and SE excluded) with its position. */
export interface X12SetContentCheck {
  segment(view: X12SegmentView, positionInSet: number): void;
  /** `trailer` is the SE (position and place) or `undefined` when the set ended without one. */
  end(trailer: { readonly positionInSet: number; readonly at: EdiPosition } | undefined): void;
}

export type X12SetContentFactory = (
  set: X12SetResult,
  group: X12GroupResult,
  report: (finding: X12SetContentFinding) => void,
) => X12SetContentCheck | undefined;

/** Where a segment sits, handed to `X12EnvelopeHandler.segment`. The object is reused between calls. */
export interface X12SegmentContext {
  interchange: X12InterchangeResult | undefined;
  group: X12GroupResult | undefined;
  set: X12SetResult | undefined;
  /** 1-based position in the transaction set (ST = 1), 0 outside a set. */
  positionInSet: number;
}

/** Envelope-aware events, StAEDI style. Every callback is optional. */
export interface X12EnvelopeHandler {
  startInterchange?(interchange: X12InterchangeResult): void;
  endInterchange?(interchange: X12InterchangeResult): void;
  startGroup?(group: X12GroupResult, interchange: X12InterchangeResult): void;
  endGroup?(group: X12GroupResult, interchange: X12InterchangeResult): void;
  startSet?(set: X12SetResult, group: X12GroupResult): void;
  endSet?(set: X12SetResult, group: X12GroupResult): void;
  /** Every segment, envelopes included; the view is valid only during the call. */
  segment?(view: X12SegmentView, context: X12SegmentContext): void;
  issue?(issue: X12Issue): void;
}

/** Interchange findings that do not reject it (TA104 E): the content is still trustworthy. */
const NOTED_INTERCHANGE: ReadonlySet<X12IssueKind> = new Set(['iea-group-count', 'isa-date', 'isa-time']);
/** Group findings that do not reject the group (AK901 E). */
const NOTED_GROUP: ReadonlySet<X12IssueKind> = new Set(['gs-date', 'gs-time']);

/**
 * Checks ISA/IEA, GS/GE and ST/SE (X12.6 §3 control structures) over the tokenizer's segments and
 * builds the result tree the acknowledgment builders read. Never throws on input: every defect is an
 * `X12Issue` with the code of the interchange's (or group's) own version.
 *
 * Per-segment work stays here; the checks of each envelope level, which run once per interchange,
 * group or set, are functions of this instance in envelope-interchange.ts, envelope-group.ts and
 * envelope-set.ts. The state they read and write is therefore not private: the class is internal to
 * this folder (index.ts exports its types only).
 */
export class X12EnvelopeValidator implements X12TokenListener {
  readonly interchanges: X12InterchangeResult[] = [];
  private readonly allIssues: X12Issue[] = [];
  private readonly streamIssues: X12Issue[] = [];
  private suppressed = 0;
  private readonly maxIssues: number;
  work = 0;

  level = Level.None;
  ic: X12InterchangeResult | undefined;
  group: X12GroupResult | undefined;
  set: X12SetResult | undefined;
  icRejected = false;
  icNoted = false;
  groupRejected = false;
  groupNoted = false;
  setSegmentErrors = false;
  /** Accepted errors in the current set (AK5 E), see `X12SetContentFinding.noted`. */
  setNotedErrors = false;
  private noting = false;
  content: X12SetContentCheck | undefined;
  readonly reportContent = (f: X12SetContentFinding): void => {
    this.noting = f.noted === true;
    this.add(f.level, f.kind, f.message, f.at, f.detail, f.severity);
    this.noting = false;
  };
  groupCount = 0;
  groupNumbers = new Set<string>();
  setNumbers = new Set<string>();
  readonly context: X12SegmentContext = {
    interchange: undefined,
    group: undefined,
    set: undefined,
    positionInSet: 0,
  };

  /**
   * The tokenizer's id-only fast path (X12TokenListener.idOnly), offered only when nothing but
   * validation is asked: no segment handler and no grammar, so no body segment needs its values.
   */
  readonly idOnly: ((key: number, offset: number, segmentIndex: number) => boolean) | undefined;

  constructor(
    readonly handler: X12EnvelopeHandler = {},
    readonly options: X12ValidatorOptions = {},
  ) {
    this.maxIssues = options.maxIssues ?? 10_000;
    this.idOnly =
      handler.segment === undefined && options.setContent === undefined
        ? (key) => this.countBodySegment(key)
        : undefined;
  }

  // ---- tokenizer events ------------------------------------------------------------------------

  segment(view: X12SegmentView): void {
    this.work++;
    const key = view.idKey;
    // The hot path: a body segment inside a transaction set.
    if (
      this.level === Level.Set &&
      key !== ID_SE &&
      key !== ID_ST &&
      key !== ID_GE &&
      key !== ID_GS &&
      key !== ID_IEA &&
      key !== ID_ISA
    ) {
      this.bodySegment(view, key);
      return;
    }
    this.envelopeSegment(view, key);
  }

  /**
   * Kept out of `segment`, which is inlined into the tokenizer's hot loop: inline, the first GS or GE
   * after that loop was optimized (no feedback yet) deoptimized the whole loop, which was then compiled
   * again; out of line only this small function pays for it (one recompile of the loop fewer on 50 MB).
   */
  private envelopeSegment(view: X12SegmentView, key: number): void {
    switch (key) {
      case ID_ISA:
        onIsa(this, view);
        break;
      case ID_IEA:
        onIea(this, view);
        break;
      case ID_GS:
        onGs(this, view);
        break;
      case ID_GE:
        onGe(this, view);
        break;
      case ID_ST:
        onSt(this, view);
        break;
      case ID_SE:
        onSe(this, view);
        break;
      default:
        straySegment(this, view, key);
    }
  }

  issue(t: X12TokenIssue): void {
    this.work++;
    const pos = { offset: t.offset, segmentIndex: t.segmentIndex };
    switch (t.kind) {
      case 'junk-outside-interchange':
        this.add('interchange', 'junk-outside-interchange', t.message, pos);
        return;
      case 'isa-unreadable':
        // A new ISA began (at a segment boundary or after junk): whatever was open ends here.
        closeInterchange(this, pos);
        this.add('interchange', 'isa-unreadable', t.message, pos);
        return;
      case 'isa-delimiters-unusable':
        this.add('interchange', 'isa-delimiters-unusable', t.message, pos);
        if (this.ic) this.ic.readable = false;
        this.level = Level.Dead;
        return;
      case 'segment-too-long':
        if (this.level === Level.Set) {
          this.context.positionInSet++;
          this.set!.segmentCount++;
          this.add('segment', 'segment-too-long', t.message, pos, {
            segmentPosition: this.context.positionInSet,
          });
        } else {
          this.add(
            'interchange',
            this.ic ? 'interchange-content' : 'segment-outside-interchange',
            t.message,
            pos,
          );
        }
        return;
      case 'unterminated-segment':
        this.add('interchange', 'unterminated-segment', t.message, pos, {}, 'warning');
        return;
    }
  }

  /** Closes whatever is open (premature end of data) and returns the result. */
  finish(stats: { bytes: number; segments: number; work: number }): X12ValidationResult {
    closeInterchange(this, { offset: stats.bytes, segmentIndex: stats.segments });
    return {
      interchanges: this.interchanges,
      issues: this.allIssues,
      streamIssues: this.streamIssues,
      suppressedIssues: this.suppressed,
      bytes: stats.bytes,
      segments: stats.segments,
      work: stats.work + this.work,
    };
  }

  /**
   * A body segment with a plain id, seen by the tokenizer's id-only fast path: it only moves the
   * counters, exactly as `bodySegment` would. False (nothing changed) for anything else.
   */
  private countBodySegment(key: number): boolean {
    if (this.level !== Level.Set || this.content !== undefined || this.handler.segment !== undefined)
      return false;
    if (
      key === ID_SE ||
      key === ID_ST ||
      key === ID_GE ||
      key === ID_GS ||
      key === ID_IEA ||
      key === ID_ISA ||
      key === ID_TA1 ||
      key === ID_ISB ||
      key === ID_ISE
    )
      return false;
    this.work++;
    this.context.positionInSet++;
    this.set!.segmentCount++;
    return true;
  }

  // ---- body segments -------------------------------------------------------------------------

  private bodySegment(view: X12SegmentView, key: number): void {
    const ctx = this.context;
    ctx.positionInSet++;
    this.set!.segmentCount++;
    if (key < 0) {
      this.add(
        'segment',
        'segment-id-unrecognized',
        `segment id "${clip(view.id)}" is not a valid X12 segment id`,
        view,
        {
          segmentId: clip(view.id),
          segmentPosition: ctx.positionInSet,
        },
      );
    } else if (key === ID_TA1 || key === ID_ISB || key === ID_ISE) {
      this.add('segment', 'segment-unexpected', `${view.id} is an interchange-level segment`, view, {
        segmentId: view.id,
        segmentPosition: ctx.positionInSet,
      });
    } else if (this.content) {
      this.content.segment(view, ctx.positionInSet);
    }
    this.handler.segment?.(view, ctx);
  }

  deliver(view: X12SegmentView): void {
    if (this.handler.segment) this.handler.segment(view, this.context);
  }

  // ---- findings ------------------------------------------------------------------------------

  add(
    level: EdiLevel,
    kind: X12IssueKind,
    message: string,
    at: EdiPosition,
    extra: Partial<X12Issue> = {},
    severity: EdiSeverity = 'error',
  ): void {
    this.work++;
    const version: X12CodeVersion = this.group?.codeVersion ?? this.ic?.codeVersion ?? '005010';
    const { codeList, code } = codeFor(
      kind,
      level === 'interchange' ? (this.ic?.codeVersion ?? '005010') : version,
    );
    const issue: X12Issue = {
      level,
      severity,
      kind,
      codeList,
      code,
      message,
      offset: at.offset,
      segmentIndex: at.segmentIndex,
      controlNumbers: {
        interchange: this.ic?.controlNumber,
        group: level === 'interchange' ? undefined : this.group?.controlNumber,
        set: level === 'interchange' || level === 'group' ? undefined : this.set?.controlNumber,
      },
      ...extra,
    };
    const error = severity === 'error';
    switch (level) {
      case 'interchange':
        if (error) {
          if (NOTED_INTERCHANGE.has(kind)) this.icNoted = true;
          else this.icRejected = true;
        }
        break;
      case 'group':
        if (error) {
          if (NOTED_GROUP.has(kind)) this.groupNoted = true;
          else this.groupRejected = true;
        }
        break;
      case 'set':
        if (error && this.set) this.set.status = 'rejected';
        break;
      default:
        if (error) {
          if (this.noting) this.setNotedErrors = true;
          else this.setSegmentErrors = true;
        }
    }
    if (this.allIssues.length >= this.maxIssues) {
      this.suppressed++;
      return;
    }
    this.allIssues.push(issue);
    if (level === 'interchange') (this.ic ? this.ic.issues : this.streamIssues).push(issue);
    else if (level === 'group') this.group?.issues.push(issue);
    else if (level === 'set') this.set?.issues.push(issue);
    else this.set?.segmentIssues.push(issue);
    this.handler.issue?.(issue);
  }
}
