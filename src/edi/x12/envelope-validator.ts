import type { EdiLevel, EdiSeverity } from '../core/issue.js';
import type { EdiPosition } from '../core/position.js';
import { codeFor, type X12IssueKind } from './code-tables.js';
import { isValidGroupDate, isValidTime, isValidYymmdd } from './date-time.js';
import { isDelimiterCandidate } from './delimiters.js';
import { expectedFunctionalId } from './functional-groups.js';
import type {
  X12GroupResult,
  X12InterchangeHeader,
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
import {
  codeVersionFor,
  groupVersionNumber,
  interchangeVersionNumber,
  isInterchangeVersionCode,
  type X12CodeVersion,
} from './versions.js';

export interface X12ValidatorOptions {
  /** Decides whether a transaction set is processed; `false` answers AK502 1 (set not supported). */
  readonly isSetSupported?: (set: { functionalId: string; setId: string; version: string }) => boolean;
  /** Decides whether a functional group is processed; `false` answers AK905 1. */
  readonly isGroupSupported?: (group: { functionalId: string; version: string }) => boolean;
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

const enum Level {
  None,
  Interchange,
  Group,
  Set,
  /** ST outside a group: skipped up to its SE. */
  Orphan,
  /** ISA delimiters unusable: nothing to read until the next ISA. */
  Dead,
}

/** Interchange findings that do not reject it (TA104 E): the content is still trustworthy. */
const NOTED_INTERCHANGE: ReadonlySet<X12IssueKind> = new Set(['iea-group-count', 'isa-date', 'isa-time']);
/** Set-level findings after which the set's content is not validated against a grammar. */
const UNREADABLE_SET: ReadonlySet<X12IssueKind> = new Set([
  'set-not-supported',
  'st-set-id',
  'st-functional-group-mismatch',
]);
/** Group findings that do not reject the group (AK901 E). */
const NOTED_GROUP: ReadonlySet<X12IssueKind> = new Set(['gs-date', 'gs-time']);

const ISA_FIELDS: readonly (readonly [X12IssueKind, number])[] = [
  ['isa-authorization-qualifier', 2],
  ['isa-authorization', 10],
  ['isa-security-qualifier', 2],
  ['isa-security', 10],
  ['isa-sender-qualifier', 2],
  ['isa-sender', 15],
  ['isa-receiver-qualifier', 2],
  ['isa-receiver', 15],
  ['isa-date', 6],
  ['isa-time', 4],
  ['isa-standards-id', 1],
  ['isa-version', 5],
  ['isa-control-number', 9],
  ['isa-ack-requested', 1],
  ['isa-usage', 1],
  ['isa-component-separator', 1],
];

const DIGITS = /^\d+$/;

/** ST/SE element rules (DE, min, max): ST01 143 ID 3/3, ST02 329 AN 4/9, ST03 1705 AN 1/35; SE01 96 N0 1/10. */
const ST_ELEMENTS: readonly (readonly [string, number, number])[] = [
  ['143', 3, 3],
  ['329', 4, 9],
  ['1705', 1, 35],
];
const SE_ELEMENTS: readonly (readonly [string, number, number])[] = [
  ['96', 1, 10],
  ['329', 4, 9],
];

/**
 * Element `n` is all ASCII digits. Checked on its string: ST01 and most SE01 are short values, which
 * the view hands out without building a string, where a byte view meant a new Buffer per ST and SE.
 * A digit can only come from a digit byte in Latin-1 and UTF-8 alike, so the answer is the bytes'.
 */
function allDigits(view: X12SegmentView, n: number): boolean {
  const value = view.element(n);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return value.length > 0;
}
const ALNUM2 = /^[A-Z0-9]{2}$/;

/**
 * Checks ISA/IEA, GS/GE and ST/SE (X12.6 §3 control structures) over the tokenizer's segments and
 * builds the result tree the acknowledgment builders read. Never throws on input: every defect is an
 * `X12Issue` with the code of the interchange's (or group's) own version.
 */
export class X12EnvelopeValidator implements X12TokenListener {
  private readonly interchanges: X12InterchangeResult[] = [];
  private readonly allIssues: X12Issue[] = [];
  private readonly streamIssues: X12Issue[] = [];
  private suppressed = 0;
  private readonly maxIssues: number;
  private work = 0;

  private level = Level.None;
  private ic: X12InterchangeResult | undefined;
  private group: X12GroupResult | undefined;
  private set: X12SetResult | undefined;
  private icRejected = false;
  private icNoted = false;
  private groupRejected = false;
  private groupNoted = false;
  private setSegmentErrors = false;
  /** Accepted errors in the current set (AK5 E), see `X12SetContentFinding.noted`. */
  private setNotedErrors = false;
  private noting = false;
  private content: X12SetContentCheck | undefined;
  private readonly reportContent = (f: X12SetContentFinding): void => {
    this.noting = f.noted === true;
    this.add(f.level, f.kind, f.message, f.at, f.detail, f.severity);
    this.noting = false;
  };
  private groupCount = 0;
  private groupNumbers = new Set<string>();
  private setNumbers = new Set<string>();
  private readonly context: X12SegmentContext = {
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
    private readonly handler: X12EnvelopeHandler = {},
    private readonly options: X12ValidatorOptions = {},
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
        this.onIsa(view);
        break;
      case ID_IEA:
        this.onIea(view);
        break;
      case ID_GS:
        this.onGs(view);
        break;
      case ID_GE:
        this.onGe(view);
        break;
      case ID_ST:
        this.onSt(view);
        break;
      case ID_SE:
        this.onSe(view);
        break;
      default:
        this.straySegment(view, key);
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
        this.closeInterchange(pos);
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
    this.closeInterchange({ offset: stats.bytes, segmentIndex: stats.segments });
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

  private straySegment(view: X12SegmentView, key: number): void {
    const id = clip(view.id);
    switch (this.level) {
      case Level.None:
        this.add(
          'interchange',
          'segment-outside-interchange',
          `${id} segment outside any interchange`,
          view,
          {
            segmentId: id,
          },
        );
        break;
      case Level.Interchange:
        if (key === ID_TA1) this.ic!.ta1Count++;
        else if (key !== ID_ISB && key !== ID_ISE) {
          // X12.6: only GS (and the TA1/ISB/ISE service segments) may follow an ISA.
          this.add('interchange', 'interchange-content', `${id} segment between ISA and GS`, view, {
            segmentId: id,
          });
        }
        break;
      case Level.Group:
        this.add('interchange', 'interchange-content', `${id} segment between transaction sets`, view, {
          segmentId: id,
        });
        break;
      default:
        // Orphan set body or dead interchange: already reported once.
        break;
    }
    this.deliver(view);
  }

  private deliver(view: X12SegmentView): void {
    if (this.handler.segment) this.handler.segment(view, this.context);
  }

  // ---- ISA / IEA -----------------------------------------------------------------------------

  private onIsa(view: X12SegmentView): void {
    this.closeInterchange(view);
    const e = (k: number): string => view.element(k);
    const header: X12InterchangeHeader = {
      authorizationQualifier: e(1),
      authorization: e(2),
      securityQualifier: e(3),
      security: e(4),
      senderQualifier: e(5),
      senderId: e(6),
      receiverQualifier: e(7),
      receiverId: e(8),
      date: e(9),
      time: e(10),
      standardsIdOrRepetition: e(11),
      version: e(12),
      controlNumber: e(13),
      ackRequested: e(14),
      usage: e(15),
      componentSeparator: e(16),
    };
    const ic: X12InterchangeResult = {
      header,
      delimiters: view.delimiters,
      controlNumber: header.controlNumber.trim(),
      offset: view.offset,
      segmentIndex: view.segmentIndex,
      codeVersion: codeVersionFor(undefined, interchangeVersionNumber(header.version)),
      groups: [],
      trailer: undefined,
      status: 'accepted',
      issues: [],
      ta1Count: 0,
      readable: true,
    };
    this.ic = ic;
    this.level = Level.Interchange;
    this.icRejected = false;
    this.icNoted = false;
    this.groupCount = 0;
    this.groupNumbers = new Set();
    this.context.interchange = ic;
    this.context.group = undefined;
    this.context.set = undefined;
    this.context.positionInSet = 0;
    this.interchanges.push(ic);
    this.checkIsa(view, header);
    this.handler.startInterchange?.(ic);
    this.deliver(view);
  }

  private checkIsa(view: X12SegmentView, h: X12InterchangeHeader): void {
    const values = [
      h.authorizationQualifier,
      h.authorization,
      h.securityQualifier,
      h.security,
      h.senderQualifier,
      h.senderId,
      h.receiverQualifier,
      h.receiverId,
      h.date,
      h.time,
      h.standardsIdOrRepetition,
      h.version,
      h.controlNumber,
      h.ackRequested,
      h.usage,
      h.componentSeparator,
    ];
    const bad = new Set<number>();
    // X12.5 §3.2: every ISA element has a fixed width, so the segment is always 106 bytes.
    for (let k = 0; k < 16; k++) {
      const [kind, width] = ISA_FIELDS[k]!;
      const value = values[k]!;
      if (value.length !== width) {
        bad.add(k + 1);
        this.isaIssue(
          kind,
          k + 1,
          `ISA${pad2(k + 1)} is ${value.length} characters wide, the ISA requires ${width}`,
          view,
          value,
        );
      }
    }
    const check = (k: number, ok: boolean, message: string): void => {
      if (bad.has(k) || ok) return;
      this.isaIssue(ISA_FIELDS[k - 1]![0], k, message, view, values[k - 1]!);
    };
    check(
      1,
      /^0[0-6]$/.test(h.authorizationQualifier),
      'ISA01 is not an authorization information qualifier (00–06)',
    );
    check(3, h.securityQualifier === '00' || h.securityQualifier === '01', 'ISA03 is not 00 or 01');
    check(5, ALNUM2.test(h.senderQualifier), 'ISA05 is not an interchange id qualifier');
    check(6, h.senderId.trim() !== '', 'ISA06 sender id is blank');
    check(7, ALNUM2.test(h.receiverQualifier), 'ISA07 is not an interchange id qualifier');
    check(8, h.receiverId.trim() !== '', 'ISA08 receiver id is blank');
    check(9, isValidYymmdd(h.date), `ISA09 "${h.date}" is not a YYMMDD date`);
    check(10, isValidTime(h.time, false), `ISA10 "${h.time}" is not an HHMM time`);
    const version = interchangeVersionNumber(h.version);
    check(
      12,
      isInterchangeVersionCode(h.version),
      `ISA12 "${h.version}" is not an interchange version (I11)`,
    );
    const supported = this.options.interchangeVersions;
    if (!bad.has(12) && isInterchangeVersionCode(h.version) && supported && !supported.includes(h.version)) {
      this.isaIssue(
        'isa-version-unsupported',
        12,
        `interchange version ${h.version} is not supported`,
        view,
        h.version,
      );
    }
    check(13, DIGITS.test(h.controlNumber), 'ISA13 is not a nine-digit number');
    check(14, h.ackRequested === '0' || h.ackRequested === '1', 'ISA14 is not 0 or 1');
    check(15, h.usage === 'P' || h.usage === 'T' || h.usage === 'I', 'ISA15 is not P, T or I');
    const d = view.delimiters;
    const isa11 = h.standardsIdOrRepetition;
    // ISA11's meaning depends on ISA12; with no valid version there is nothing to check it against.
    if (!bad.has(11) && version !== undefined && isInterchangeVersionCode(h.version)) {
      if (version >= 402) {
        if (isa11 === 'U') {
          // Many 00402+ senders keep the pre-00402 "U": read as "no repetition separator".
          this.isaIssue(
            'isa-repetition-separator',
            11,
            'ISA11 "U" in a 00402+ interchange: no repetition separator',
            view,
            isa11,
            'warning',
          );
        } else if (
          !isDelimiterCandidate(isa11.charCodeAt(0)) ||
          isa11 === d.element ||
          isa11 === d.component ||
          isa11 === d.segment
        ) {
          this.isaIssue(
            'isa-repetition-separator',
            11,
            `ISA11 "${isa11}" cannot be the repetition separator`,
            view,
            isa11,
          );
        }
      } else if (isa11 !== 'U') {
        this.isaIssue(
          'isa-standards-id',
          11,
          `ISA11 "${isa11}" is not the standards identifier U`,
          view,
          isa11,
        );
      }
    }
    if (
      !bad.has(16) &&
      (!isDelimiterCandidate(h.componentSeparator.charCodeAt(0)) ||
        h.componentSeparator === d.element ||
        h.componentSeparator === d.segment)
    ) {
      this.isaIssue(
        'isa-component-separator',
        16,
        `ISA16 "${h.componentSeparator}" cannot be the component separator`,
        view,
        h.componentSeparator,
      );
    }
    if (d.segment === d.component) {
      this.isaIssue(
        'isa-terminator',
        16,
        'the segment terminator equals the component separator',
        view,
        d.segment,
      );
    }
  }

  private isaIssue(
    kind: X12IssueKind,
    position: number,
    message: string,
    at: EdiPosition,
    value: string,
    severity: EdiSeverity = 'error',
  ): void {
    this.add(
      'interchange',
      kind,
      message,
      at,
      { segmentId: 'ISA', elementPosition: position, badValue: value },
      severity,
    );
  }

  private onIea(view: X12SegmentView): void {
    if (this.level === Level.None) {
      this.add('interchange', 'segment-outside-interchange', 'IEA without ISA', view, { segmentId: 'IEA' });
      this.deliver(view);
      return;
    }
    if (this.level === Level.Dead) return;
    this.closeSet(view);
    this.closeGroup(view);
    const ic = this.ic!;
    const count = view.element(1);
    const control = view.element(2);
    ic.trailer = { groupCount: count, controlNumber: control };
    if (!DIGITS.test(count) || Number(count) !== this.groupCount) {
      this.add(
        'interchange',
        'iea-group-count',
        `IEA01 says ${count || '(empty)'} groups, the interchange holds ${this.groupCount}`,
        view,
        {
          segmentId: 'IEA',
          elementPosition: 1,
          badValue: count,
        },
      );
    }
    if (control !== ic.header.controlNumber) {
      this.add(
        'interchange',
        'iea-control-mismatch',
        `IEA02 "${control}" does not match ISA13 "${ic.header.controlNumber}"`,
        view,
        {
          segmentId: 'IEA',
          elementPosition: 2,
          badValue: control,
        },
      );
    }
    this.deliver(view);
    this.endInterchange();
  }

  private closeInterchange(at: EdiPosition): void {
    if (!this.ic) return;
    if (this.level !== Level.Dead) {
      this.closeSet(at);
      this.closeGroup(at);
      this.add('interchange', 'iea-missing', `interchange ${this.ic.controlNumber} has no IEA trailer`, at);
    }
    this.endInterchange();
  }

  private endInterchange(): void {
    const ic = this.ic!;
    ic.status = this.icRejected ? 'rejected' : this.icNoted ? 'accepted-with-errors' : 'accepted';
    this.level = Level.None;
    this.ic = undefined;
    this.context.interchange = undefined;
    this.handler.endInterchange?.(ic);
  }

  // ---- GS / GE -------------------------------------------------------------------------------

  private onGs(view: X12SegmentView): void {
    if (this.level === Level.None || this.level === Level.Dead) {
      if (this.level === Level.None) {
        this.add('interchange', 'segment-outside-interchange', 'GS outside any interchange', view, {
          segmentId: 'GS',
        });
      }
      this.deliver(view);
      return;
    }
    this.closeSet(view);
    this.closeGroup(view);
    const ic = this.ic!;
    const e = (k: number): string => view.element(k);
    const version = e(8);
    const groupVersion = groupVersionNumber(version);
    const codeVersion = codeVersionFor(groupVersion, interchangeVersionNumber(ic.header.version));
    const group: X12GroupResult = {
      functionalId: e(1),
      senderCode: e(2),
      receiverCode: e(3),
      date: e(4),
      time: e(5),
      controlNumber: e(6),
      agency: e(7),
      version,
      codeVersion,
      offset: view.offset,
      segmentIndex: view.segmentIndex,
      sets: [],
      trailer: undefined,
      status: 'accepted',
      issues: [],
    };
    this.group = group;
    this.level = Level.Group;
    this.groupRejected = false;
    this.groupNoted = false;
    this.groupCount++;
    this.setNumbers = new Set();
    this.context.group = group;
    ic.groups.push(group);
    const gsIssue = (kind: X12IssueKind, k: number, message: string): void => {
      this.add('group', kind, message, view, { segmentId: 'GS', elementPosition: k, badValue: e(k) });
    };
    if (!/^[A-Z]{2}$/.test(group.functionalId))
      gsIssue('gs-functional-id', 1, `GS01 "${group.functionalId}" is not a functional identifier`);
    else if (
      this.options.isGroupSupported &&
      !this.options.isGroupSupported({ functionalId: group.functionalId, version })
    ) {
      gsIssue('group-not-supported', 1, `functional group ${group.functionalId} is not supported`);
    }
    if (!inLength(group.senderCode, 2, 15))
      gsIssue('gs-sender', 2, 'GS02 application sender code must be 2–15 characters');
    if (!inLength(group.receiverCode, 2, 15))
      gsIssue('gs-receiver', 3, 'GS03 application receiver code must be 2–15 characters');
    if (!isValidGroupDate(group.date, groupVersion !== undefined && groupVersion < 4010)) {
      gsIssue('gs-date', 4, `GS04 "${group.date}" is not a CCYYMMDD date`);
    }
    if (!isValidTime(group.time, true))
      gsIssue('gs-time', 5, `GS05 "${group.time}" is not an HHMM[SS[dd]] time`);
    if (!DIGITS.test(group.controlNumber) || group.controlNumber.length > 9) {
      gsIssue('gs-control-number', 6, `GS06 "${group.controlNumber}" is not a 1–9 digit number`);
    } else if (this.groupNumbers.has(group.controlNumber)) {
      gsIssue(
        'gs-control-duplicate',
        6,
        `GS06 ${group.controlNumber} is used twice in interchange ${ic.controlNumber}`,
      );
    }
    this.groupNumbers.add(group.controlNumber);
    if (group.agency !== 'X' && group.agency !== 'T')
      gsIssue('gs-agency', 7, `GS07 "${group.agency}" is not X or T`);
    if (groupVersion === undefined || version.length > 12)
      gsIssue('gs-version', 8, `GS08 "${version}" is not a version/release code`);
    this.handler.startGroup?.(group, ic);
    this.deliver(view);
  }

  private onGe(view: X12SegmentView): void {
    if (this.level !== Level.Group && this.level !== Level.Set && this.level !== Level.Orphan) {
      if (this.level !== Level.Dead) {
        this.add(
          'interchange',
          this.level === Level.None ? 'segment-outside-interchange' : 'interchange-structure',
          'GE without GS',
          view,
          {
            segmentId: 'GE',
          },
        );
      }
      this.deliver(view);
      return;
    }
    this.closeSet(view);
    if (this.level === Level.Orphan) this.level = Level.Interchange;
    const group = this.group;
    if (!group) {
      this.add('interchange', 'interchange-structure', 'GE without GS', view, { segmentId: 'GE' });
      this.deliver(view);
      return;
    }
    const count = view.element(1);
    const control = view.element(2);
    group.trailer = { declaredCount: count, controlNumber: control };
    if (!DIGITS.test(count) || Number(count) !== group.sets.length) {
      this.add(
        'group',
        'ge-set-count',
        `GE01 says ${count || '(empty)'} sets, the group holds ${group.sets.length}`,
        view,
        {
          segmentId: 'GE',
          elementPosition: 1,
          badValue: count,
        },
      );
    }
    if (control !== group.controlNumber) {
      this.add(
        'group',
        'ge-control-mismatch',
        `GE02 "${control}" does not match GS06 "${group.controlNumber}"`,
        view,
        {
          segmentId: 'GE',
          elementPosition: 2,
          badValue: control,
        },
      );
    }
    // GE02 is the group control number too (DE 28, N0 1/9): its syntax is checked like GS06's.
    if (!DIGITS.test(control) || control.length > 9) {
      this.add('group', 'ge-control-number', `GE02 "${clip(control)}" is not a 1–9 digit number`, view, {
        segmentId: 'GE',
        elementPosition: 2,
        badValue: control,
      });
    }
    this.deliver(view);
    this.endGroup();
  }

  private closeGroup(at: EdiPosition): void {
    if (!this.group) return;
    this.add('group', 'ge-missing', `functional group ${this.group.controlNumber} has no GE trailer`, at);
    this.endGroup();
  }

  private endGroup(): void {
    const group = this.group!;
    const accepted = group.sets.filter((s) => s.status !== 'rejected').length;
    if (this.groupRejected || (group.sets.length > 0 && accepted === 0)) group.status = 'rejected';
    else if (accepted < group.sets.length) group.status = 'partially-accepted';
    else if (this.groupNoted || group.sets.some((s) => s.status === 'accepted-with-errors'))
      group.status = 'accepted-with-errors';
    else group.status = 'accepted';
    this.work += group.sets.length;
    this.group = undefined;
    this.level = Level.Interchange;
    this.context.group = undefined;
    this.handler.endGroup?.(group, this.ic!);
  }

  // ---- ST / SE -------------------------------------------------------------------------------

  private onSt(view: X12SegmentView): void {
    if (this.level === Level.Set) this.closeSet(view);
    if (this.level !== Level.Group) {
      if (this.level === Level.Interchange || this.level === Level.Orphan) {
        this.add('interchange', 'interchange-structure', 'transaction set outside a functional group', view, {
          segmentId: 'ST',
        });
        this.level = Level.Orphan;
      } else if (this.level === Level.None) {
        this.add('interchange', 'segment-outside-interchange', 'ST outside any interchange', view, {
          segmentId: 'ST',
        });
      }
      this.deliver(view);
      return;
    }
    const group = this.group!;
    const id = view.element(1);
    const control = view.element(2);
    const set: X12SetResult = {
      id,
      controlNumber: control,
      implementationReference: view.elementCount >= 3 ? view.element(3) : undefined,
      offset: view.offset,
      segmentIndex: view.segmentIndex,
      segmentCount: 1,
      trailer: undefined,
      status: 'accepted',
      issues: [],
      segmentIssues: [],
    };
    this.set = set;
    this.level = Level.Set;
    this.setSegmentErrors = false;
    this.setNotedErrors = false;
    group.sets.push(set);
    this.context.set = set;
    this.context.positionInSet = 1;
    const groupVersion = groupVersionNumber(group.version);
    const maxElements = groupVersion !== undefined && groupVersion < 4030 ? 2 : 3;
    this.checkStSe(view, 'ST', maxElements, ST_ELEMENTS);
    if (id === '') this.add('set', 'st-set-id', 'ST01 is missing', view);
    else if (!/^\d{3}$/.test(id)) {
      this.add('set', 'st-set-id', `ST01 "${clip(id)}" is not a transaction set identifier`, view);
    } else {
      const expected = expectedFunctionalId(id);
      if (
        expected !== undefined &&
        group.functionalId !== expected &&
        /^[A-Z]{2}$/.test(group.functionalId)
      ) {
        this.add(
          'set',
          'st-functional-group-mismatch',
          `transaction set ${id} belongs in a ${expected} group, not ${group.functionalId}`,
          view,
        );
      } else if (
        this.options.isSetSupported &&
        !this.options.isSetSupported({ functionalId: group.functionalId, setId: id, version: group.version })
      ) {
        this.add(
          'set',
          'set-not-supported',
          `transaction set ${id} (${group.version}) is not supported`,
          view,
        );
      }
    }
    if (control.length < 4 || control.length > 9) {
      this.add(
        'set',
        'st-control-number',
        control === '' ? 'ST02 is missing' : `ST02 "${clip(control)}" must be 4–9 characters`,
        view,
      );
    } else if (this.setNumbers.has(control)) {
      this.add(
        'set',
        'st-control-duplicate',
        `ST02 ${control} is used twice in group ${group.controlNumber}`,
        view,
      );
    }
    this.setNumbers.add(control);
    this.content = undefined;
    // A set whose identity is in doubt (AK502 1/6) is not read with any grammar.
    if (this.options.setContent && !set.issues.some((i) => UNREADABLE_SET.has(i.kind))) {
      this.content = this.options.setContent(set, group, this.reportContent);
    }
    this.handler.startSet?.(set, group);
    this.deliver(view);
  }

  /** Element checks of ST and SE (they belong to the set, so they are answered with AK3/AK4). */
  private checkStSe(
    view: X12SegmentView,
    id: 'ST' | 'SE',
    maxElements: number,
    elements: readonly (readonly [string, number, number])[],
  ): void {
    const position = this.context.positionInSet;
    const at = { segmentId: id, segmentPosition: position };
    if (view.elementCount > maxElements) {
      this.add(
        'element',
        'element-too-many',
        `${id} has ${view.elementCount} elements, at most ${maxElements} are defined`,
        view,
        {
          ...at,
          elementPosition: maxElements + 1,
        },
      );
    }
    for (let k = 1; k <= Math.min(elements.length, maxElements); k++) {
      const [ref, min, max] = elements[k - 1]!;
      const len = view.elementLength(k);
      // Checked once per set on the hot path: the finding's details are built only when there is one.
      if (len >= min && len <= max && (k !== 1 || allDigits(view, 1))) continue;
      const base = { ...at, elementPosition: k, elementReference: ref };
      if (len === 0) {
        if (k <= 2) this.add('element', 'element-missing', `${id}${pad2(k)} is missing`, view, base);
      } else if (len < min) {
        this.add('element', 'element-too-short', `${id}${pad2(k)} is shorter than ${min}`, view, {
          ...base,
          badValue: view.element(k),
        });
      } else if (len > max) {
        this.add('element', 'element-too-long', `${id}${pad2(k)} is longer than ${max}`, view, {
          ...base,
          badValue: view.element(k),
        });
      } else if (id === 'SE' && k === 1 && !DIGITS.test(view.element(1))) {
        this.add('element', 'element-invalid-character', 'SE01 is not a number', view, {
          ...base,
          badValue: view.element(1),
        });
      } else if (id === 'ST' && k === 1 && !DIGITS.test(view.element(1))) {
        this.add('element', 'element-invalid-code', 'ST01 is not a transaction set identifier', view, {
          ...base,
          badValue: view.element(1),
        });
      }
    }
  }

  private onSe(view: X12SegmentView): void {
    if (this.level === Level.Orphan) {
      this.level = Level.Interchange;
      this.deliver(view);
      return;
    }
    if (this.level !== Level.Set) {
      if (this.level !== Level.Dead) {
        this.add(
          'interchange',
          this.level === Level.None ? 'segment-outside-interchange' : 'interchange-structure',
          'SE without ST',
          view,
          {
            segmentId: 'SE',
          },
        );
      }
      this.deliver(view);
      return;
    }
    const set = this.set!;
    this.context.positionInSet++;
    set.segmentCount++;
    this.checkStSe(view, 'SE', 2, SE_ELEMENTS);
    this.content?.end({ positionInSet: this.context.positionInSet, at: view });
    this.content = undefined;
    const count = view.element(1);
    const control = view.element(2);
    set.trailer = { declaredCount: count, controlNumber: control };
    if (DIGITS.test(count) && Number(count) !== set.segmentCount) {
      this.add(
        'set',
        'se-segment-count',
        `SE01 says ${count} segments, the set has ${set.segmentCount}`,
        view,
      );
    } else if (!DIGITS.test(count)) {
      this.add('set', 'se-segment-count', `SE01 "${clip(count)}" is not a segment count`, view);
    }
    if (control !== set.controlNumber) {
      this.add(
        'set',
        'se-control-mismatch',
        `SE02 "${clip(control)}" does not match ST02 "${clip(set.controlNumber)}"`,
        view,
      );
    }
    this.deliver(view);
    this.endSet();
  }

  private closeSet(at: EdiPosition): void {
    if (this.level === Level.Orphan) {
      this.level = Level.Interchange;
      return;
    }
    if (!this.set) return;
    this.content?.end(undefined);
    this.content = undefined;
    this.add('set', 'se-missing', `transaction set ${this.set.controlNumber} has no SE trailer`, at);
    this.endSet();
  }

  private endSet(): void {
    const set = this.set!;
    if (this.setSegmentErrors) {
      this.add('set', 'set-segment-errors', 'one or more segments in error', {
        offset: set.offset,
        segmentIndex: set.segmentIndex,
      });
    } else if (this.setNotedErrors && set.status === 'accepted') {
      // Only errors the receiver accepts: acknowledged with AK3/AK4, the set goes on (AK5 E).
      set.status = 'accepted-with-errors';
    }

    this.set = undefined;
    this.level = Level.Group;
    this.context.set = undefined;
    this.context.positionInSet = 0;
    this.handler.endSet?.(set, this.group!);
  }

  // ---- findings ------------------------------------------------------------------------------

  private add(
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

function inLength(value: string, min: number, max: number): boolean {
  return value.length >= min && value.length <= max;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Keeps garbage ids and values printable and short in messages. */
function clip(value: string): string {
  return value.length > 35 ? `${value.slice(0, 35)}…` : value;
}
