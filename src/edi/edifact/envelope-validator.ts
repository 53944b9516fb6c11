import type { EdiLevel, EdiSeverity } from '../core/issue.js';
import type { EdiPosition } from '../core/position.js';
import { EDIFACT_ISSUE_CODES, type EdifactIssueKind } from './codes.js';
import type {
  EdifactEnvelopeHandler,
  EdifactSegmentContext,
  EdifactValidatorOptions,
} from './envelope-types.js';
import { checkTrailer, checkUnb, checkUng } from './header-checks.js';
import { closeStatus, MessageTracker } from './message-tracker.js';
import {
  messagesOf,
  type EdifactGroupResult,
  type EdifactInterchangeResult,
  type EdifactIssue,
  type EdifactMessageResult,
  type EdifactValidationResult,
} from './result.js';
import type { EdifactSegmentView } from './segment.js';
import { combine, groupFrom, interchangeFrom, LEVEL_OF_TAG } from './envelope-results.js';
import {
  checkServiceSegment,
  clip,
  UNE_SPEC,
  UNH_SPEC,
  UNZ_SPEC,
  untSpec,
  type FieldReport,
} from './service-segments.js';
import type { EdifactTokenIssue, EdifactTokenListener } from './tokenizer.js';

export type {
  EdifactEnvelopeHandler,
  EdifactSegmentContext,
  EdifactValidatorOptions,
} from './envelope-types.js';

// `EdifactSegmentView.serviceTag()` codes: the third letter of the tag.
const TAG_UNA = 0x41;
const TAG_UNB = 0x42;
const TAG_UNE = 0x45;
const TAG_UNG = 0x47;
const TAG_UNH = 0x48;
const TAG_UNT = 0x54;
const TAG_UNZ = 0x5a;

/**
 * Checks UNB/UNZ, UNG/UNE and UNH/UNT (ISO 9735-1 §5–§9: counts, references, syntax identifier, dates)
 * over the tokenizer's segments and builds the result tree the CONTRL builder reads. Never throws on
 * input: every defect is an `EdifactIssue` with its 0085 syntax error code and position.
 */
export class EdifactEnvelopeValidator implements EdifactTokenListener {
  private readonly interchanges: EdifactInterchangeResult[] = [];
  private readonly looseMessages: EdifactMessageResult[] = [];
  private readonly allIssues: EdifactIssue[] = [];
  private readonly streamIssues: EdifactIssue[] = [];
  /** Interchange-level findings before a UNB (an unusable UNA): they belong to the next interchange. */
  private pending: EdifactTokenIssue[] = [];
  private suppressed = 0;
  private readonly maxIssues: number;
  private work = 0;

  private ic: EdifactInterchangeResult | undefined;
  private group: EdifactGroupResult | undefined;
  private readonly tracker: MessageTracker;
  private icRejected = false;
  private groupRejected = false;
  private una = false;
  private version = 4;
  private groupRefs = new Set<string>();
  private messageRefs = new Set<string>();
  private groupType: string | undefined;
  /** A run of stray segments is reported once, at its first segment. */
  private strayRun = false;
  /** Where the last segment began (kept as numbers: no object per segment on the hot path). */
  private lastOffset = 0;
  private lastDelivered = -1;
  private readonly context: EdifactSegmentContext = {
    interchange: undefined,
    group: undefined,
    message: undefined,
    positionInMessage: 0,
  };

  /**
   * The tokenizer's validate-only skip (`EdifactTokenListener.countsBodySegments`), offered only when no
   * segment handler is given: then a body segment inside a message is only counted (see `segment`).
   */
  readonly countsBodySegments: (() => boolean) | undefined;

  constructor(
    private readonly handler: EdifactEnvelopeHandler = {},
    options: EdifactValidatorOptions = {},
  ) {
    this.maxIssues = options.maxIssues ?? 10_000;
    this.countsBodySegments =
      handler.segment === undefined ? () => this.context.message !== undefined : undefined;
    this.tracker = new MessageTracker(
      (...args) => this.add(...args),
      this.context,
      (message) => this.handler.endMessage?.(message, this.group),
    );
  }

  // ---- tokenizer events ------------------------------------------------------------------------

  segment(view: EdifactSegmentView): void {
    this.work++;
    this.lastOffset = view.offset;
    this.lastDelivered = view.segmentIndex;
    const message = this.context.message;
    const tag = view.serviceTag();
    // The hot path: a body segment inside a message.
    if (message !== undefined && tag === 0) {
      this.tracker.body();
      this.deliver(view);
      return;
    }
    switch (tag) {
      case TAG_UNA:
        this.closeInterchange(view);
        this.una = true;
        this.strayRun = false;
        break;
      case TAG_UNB:
        this.onUnb(view);
        break;
      case TAG_UNZ:
        this.onUnz(view);
        break;
      case TAG_UNG:
        this.onUng(view);
        break;
      case TAG_UNE:
        this.onUne(view);
        break;
      case TAG_UNH:
        this.onUnh(view);
        break;
      case TAG_UNT:
        this.onUnt(view);
        break;
      default:
        this.stray(view, view.id);
    }
  }

  /** What `segment` does for `count` body segments in a message when there is no handler to deliver to. */
  bodySegments(count: number, offset: number, segmentIndex: number): void {
    this.work += count;
    this.lastOffset = offset;
    this.lastDelivered = segmentIndex;
    this.tracker.bodyRun(count);
  }

  issue(t: EdifactTokenIssue): void {
    this.work++;
    const pos = { offset: t.offset, segmentIndex: t.segmentIndex };
    const base = { ...(t.badValue === undefined ? {} : { badValue: t.badValue }) };
    // The last segment lacks its terminator but is complete: noted, as for X12.
    const severity = t.kind === 'unterminated-segment' ? 'warning' : t.severity;
    if (t.kind === 'una-invalid') {
      // The UNA precedes the UNB it configures: the finding rejects that interchange.
      this.pending.push(t);
      return;
    }
    if (t.kind === 'una-truncated') {
      this.add('interchange', t.kind, t.message, pos, { segmentId: 'UNA' });
      return;
    }
    const message = this.context.message;
    if (message !== undefined) {
      // A segment that was not delivered (too long) still takes a position in the message.
      if (t.kind === 'segment-too-long') this.tracker.body();
      const delivered = t.segmentIndex === this.lastDelivered || t.kind === 'segment-too-long';
      this.add(
        'segment',
        t.kind,
        t.message,
        pos,
        { ...base, ...(delivered ? { segmentPosition: this.context.positionInMessage } : {}) },
        severity,
      );
      return;
    }
    this.add('interchange', t.kind, t.message, pos, base, severity);
  }

  finish(stats: { bytes: number; segments: number; work: number }): EdifactValidationResult {
    this.closeInterchange(this.lastPosition());
    this.flushPending();
    return {
      interchanges: this.interchanges,
      looseMessages: this.looseMessages,
      issues: this.allIssues,
      streamIssues: this.streamIssues,
      suppressedIssues: this.suppressed,
      bytes: stats.bytes,
      segments: stats.segments,
      work: stats.work + this.work,
    };
  }

  // ---- segments ----------------------------------------------------------------------------------

  private deliver(view: EdifactSegmentView): void {
    this.handler.segment?.(view, this.context);
  }

  private stray(view: EdifactSegmentView, id: string): void {
    if (!this.strayRun) {
      this.strayRun = true;
      const where = this.ic ? 'between messages' : 'outside any interchange';
      this.add(
        'interchange',
        this.ic ? 'segment-outside-message' : 'segment-outside-interchange',
        `${clip(id)} segment ${where}`,
        view,
        { segmentId: clip(id) },
      );
    }
    this.deliver(view);
  }

  private onUnb(view: EdifactSegmentView): void {
    this.closeInterchange(view);
    this.ic = interchangeFrom(view, this.una);
    const header = this.ic.header;
    const version = Number.parseInt(header.syntaxVersion, 10);
    this.version = version >= 1 && version <= 4 ? version : 4;
    this.una = false;
    this.icRejected = false;
    this.groupRefs = new Set();
    this.messageRefs = new Set();
    this.strayRun = false;
    this.context.interchange = this.ic;
    this.interchanges.push(this.ic);
    this.flushPending();
    this.handler.startInterchange?.(this.ic);
    checkUnb(view, header, this.version, this.reporter('interchange', 'UNB', view));
    this.deliver(view);
  }

  private onUnz(view: EdifactSegmentView): void {
    const ic = this.ic;
    if (!ic) {
      this.stray(view, 'UNZ');
      return;
    }
    this.tracker.close(view);
    this.closeGroup(view);
    ic.trailer = { declaredCount: view.value(1), reference: view.value(2) };
    // 0036 counts the groups when there are any, the messages otherwise (ISO 9735-1 §9.2).
    const grouped = ic.groups.length > 0;
    checkTrailer(
      view,
      {
        spec: UNZ_SPEC,
        header: 'UNB',
        count: grouped ? ic.groups.length : ic.messages.length,
        counted: grouped ? 'groups' : 'messages',
        countReference: '0036',
        reference: ic.header.reference,
        referenceReference: '0020',
      },
      this.reporter('interchange', 'UNZ', view),
    );
    this.deliver(view);
    this.endInterchange();
  }

  private onUng(view: EdifactSegmentView): void {
    const ic = this.ic;
    if (!ic) {
      this.stray(view, 'UNG');
      return;
    }
    this.tracker.close(view);
    this.closeGroup(view);
    this.strayRun = false;
    if (ic.messages.length > 0) {
      this.add('interchange', 'groups-and-messages-mixed', 'a group after messages outside groups', view, {
        segmentId: 'UNG',
      });
    }
    const group = groupFrom(view);
    this.group = group;
    this.groupRejected = false;
    this.groupType = undefined;
    this.context.group = group;
    ic.groups.push(group);
    this.handler.startGroup?.(group, ic);
    checkUng(view, group, this.version, this.groupRefs, this.reporter('group', 'UNG', view));
    this.groupRefs.add(group.reference);
    this.deliver(view);
  }

  private onUne(view: EdifactSegmentView): void {
    const group = this.group;
    if (!group) {
      if (this.ic)
        this.add('interchange', 'segment-outside-message', 'UNE without UNG', view, { segmentId: 'UNE' });
      else this.stray(view, 'UNE');
      this.deliver(view);
      return;
    }
    this.tracker.close(view);
    group.trailer = { declaredCount: view.value(1), reference: view.value(2) };
    checkTrailer(
      view,
      {
        spec: UNE_SPEC,
        header: 'UNG',
        count: group.messages.length,
        counted: 'messages',
        countReference: '0060',
        reference: group.reference,
        referenceReference: '0048',
      },
      this.reporter('group', 'UNE', view),
    );
    this.deliver(view);
    this.endGroup();
  }

  private onUnh(view: EdifactSegmentView): void {
    const ic = this.ic;
    this.tracker.close(view);
    this.strayRun = false;
    if (!ic) {
      this.add(
        'interchange',
        'interchange-header-missing',
        'message without UNB: it cannot be acknowledged',
        view,
        {
          segmentId: 'UNH',
        },
      );
    } else if (!this.group && ic.groups.length > 0) {
      this.add('interchange', 'groups-and-messages-mixed', 'a message outside groups after a group', view, {
        segmentId: 'UNH',
      });
    }
    const message = this.tracker.open(view);
    if (ic) (this.group ? this.group.messages : ic.messages).push(message);
    else this.looseMessages.push(message);
    if (message.type === 'CONTRL' && ic) ic.contrlCount++;
    this.handler.startMessage?.(message, this.group);
    const report = this.reporter('set', 'UNH', view);
    const bad = checkServiceSegment(view, UNH_SPEC, report);
    if (!bad.has(101)) {
      if (this.messageRefs.has(message.reference)) {
        report('duplicate-reference', `message reference "${clip(message.reference)}" used twice`, {
          elementPosition: 1,
          elementReference: '0062',
          badValue: clip(message.reference),
        });
      }
      this.messageRefs.add(message.reference);
    }
    if (this.group && message.type !== '') {
      if (this.groupType === undefined) this.groupType = message.type;
      else if (message.type !== this.groupType) {
        this.add(
          'group',
          'group-mixed-message-types',
          `${clip(message.type)} in a group of ${this.groupType}`,
          view,
          {
            segmentId: 'UNH',
            elementPosition: 2,
            componentPosition: 1,
            elementReference: '0065',
          },
        );
      }
    }
    this.deliver(view);
  }

  private onUnt(view: EdifactSegmentView): void {
    const message = this.context.message;
    if (!message) {
      if (this.ic)
        this.add('interchange', 'segment-outside-message', 'UNT without UNH', view, { segmentId: 'UNT' });
      else this.stray(view, 'UNT');
      this.deliver(view);
      return;
    }
    this.tracker.body();
    message.trailer = { declaredCount: view.value(1), reference: view.value(2) };
    checkTrailer(
      view,
      {
        spec: untSpec(this.version),
        header: 'UNH',
        count: message.segmentCount,
        counted: 'segments',
        countReference: '0074',
        reference: message.reference,
        referenceReference: '0062',
      },
      this.reporter('set', 'UNT', view),
    );
    this.deliver(view);
    this.tracker.end();
  }

  // ---- closing -----------------------------------------------------------------------------------

  private closeGroup(at: EdiPosition): void {
    if (!this.group) return;
    this.add('group', 'trailer-missing', `group ${clip(this.group.reference)} has no UNE`, at, {
      segmentId: 'UNE',
    });
    this.endGroup();
  }

  private endGroup(): void {
    const group = this.group!;
    if (group.messages.length === 0) {
      this.add(
        'group',
        'lower-level-empty',
        `group ${clip(group.reference)} has no messages`,
        this.lastPosition(),
        {
          segmentId: 'UNG',
        },
      );
    }
    if (this.groupRejected) for (const m of group.messages) m.status = 'rejected';
    group.status = this.groupRejected ? 'rejected' : closeStatus(group.messages);
    this.handler.endGroup?.(group, this.ic!);
    this.group = undefined;
    this.context.group = undefined;
    this.groupType = undefined;
  }

  private closeInterchange(at: EdiPosition): void {
    this.tracker.close(at);
    if (!this.ic) return;
    this.closeGroup(at);
    this.add(
      'interchange',
      'trailer-missing',
      `interchange ${clip(this.ic.header.reference)} has no UNZ`,
      at,
      {
        segmentId: 'UNZ',
      },
    );
    this.endInterchange();
  }

  private endInterchange(): void {
    const ic = this.ic!;
    if (ic.groups.length === 0 && ic.messages.length === 0) {
      this.add('interchange', 'lower-level-empty', 'interchange without messages', this.lastPosition(), {
        segmentId: 'UNB',
      });
    }
    if (this.icRejected) {
      ic.status = 'rejected';
      for (const m of messagesOf(ic)) m.status = 'rejected';
    } else {
      ic.status = ic.groups.length > 0 ? combine(ic.groups.map((g) => g.status)) : closeStatus(ic.messages);
    }
    this.handler.endInterchange?.(ic);
    this.ic = undefined;
    this.context.interchange = undefined;
    this.strayRun = false;
  }

  /** UNA findings held for the interchange they configure (or the stream, at the end). */
  private flushPending(): void {
    for (const p of this.pending) {
      this.add('interchange', p.kind, p.message, p, {
        segmentId: 'UNA',
        ...(p.badValue === undefined ? {} : { badValue: p.badValue }),
      });
    }
    this.pending = [];
  }

  private lastPosition(): EdiPosition {
    return { offset: this.lastOffset, segmentIndex: Math.max(0, this.lastDelivered) };
  }

  // ---- findings ----------------------------------------------------------------------------------

  private reporter(level: EdiLevel, segmentId: string, at: EdiPosition): FieldReport {
    const l = LEVEL_OF_TAG[segmentId] ?? level;
    return (kind, message, { severity, ...where }) =>
      this.add(l, kind, message, at, { segmentId, ...where }, severity ?? 'error');
  }

  private add(
    level: EdiLevel,
    kind: EdifactIssueKind,
    message: string,
    at: EdiPosition,
    extra: Partial<EdifactIssue> = {},
    severity: EdiSeverity = 'error',
  ): void {
    this.work++;
    const m = this.context.message;
    const issue: EdifactIssue = {
      level,
      severity,
      kind,
      codeList: '0085',
      code: EDIFACT_ISSUE_CODES[kind],
      message,
      offset: at.offset,
      segmentIndex: at.segmentIndex,
      controlNumbers: {
        interchange: this.ic?.header.reference,
        group: level === 'interchange' ? undefined : this.group?.reference,
        set: level === 'interchange' || level === 'group' ? undefined : m?.reference,
      },
      ...extra,
    };
    const error = severity === 'error';
    if (level === 'interchange') {
      if (error && this.ic) this.icRejected = true;
    } else if (level === 'group') {
      if (error) this.groupRejected = true;
    } else if (error) {
      this.tracker.reject(level);
    }
    this.keep(issue);
  }

  private keep(issue: EdifactIssue): void {
    if (this.allIssues.length >= this.maxIssues) {
      this.suppressed++;
      return;
    }
    this.allIssues.push(issue);
    const m = this.context.message;
    switch (issue.level) {
      case 'interchange':
        (this.ic ? this.ic.issues : this.streamIssues).push(issue);
        break;
      case 'group':
        (this.group ? this.group.issues : this.streamIssues).push(issue);
        break;
      case 'set':
        (m ? m.issues : this.streamIssues).push(issue);
        break;
      default:
        (m ? m.segmentIssues : this.streamIssues).push(issue);
    }
    this.handler.issue?.(issue);
  }
}
