import type { EdiLevel, EdiSeverity } from '../core/issue.js';
import type { EdiPosition } from '../core/position.js';
import type { EdifactIssueKind } from './codes.js';
import type { EdifactSegmentContext } from './envelope-types.js';
import type { EdifactIssue, EdifactMessageResult, EdifactStatus } from './result.js';
import type { EdifactSegmentView } from './segment.js';
import { clip } from './service-segments.js';

type Add = (
  level: EdiLevel,
  kind: EdifactIssueKind,
  message: string,
  at: EdiPosition,
  extra?: Partial<EdifactIssue>,
  severity?: EdiSeverity,
) => void;

/** The open message (UNH … UNT): its segment count, position and whether anything in it is an error. */
export class MessageTracker {
  private rejected = false;

  constructor(
    private readonly add: Add,
    private readonly context: EdifactSegmentContext,
    private readonly onEnd: (message: EdifactMessageResult) => void,
  ) {}

  open(view: EdifactSegmentView): EdifactMessageResult {
    const message: EdifactMessageResult = {
      reference: view.value(1),
      type: view.value(2, 1),
      version: view.value(2, 2),
      release: view.value(2, 3),
      agency: view.value(2, 4),
      associationCode: view.value(2, 5),
      offset: view.offset,
      segmentIndex: view.segmentIndex,
      segmentCount: 1,
      trailer: undefined,
      status: 'accepted',
      issues: [],
      segmentIssues: [],
    };
    this.rejected = false;
    this.context.message = message;
    this.context.positionInMessage = 1;
    return message;
  }

  /** A segment after UNH (UNT included): UCS positions count UNH as 1 (ISO 9735-6 §5 / CONTRL UCS 0096). */
  body(): void {
    this.context.positionInMessage++;
    this.context.message!.segmentCount++;
  }

  /** `count` segments after UNH at once (the validate-only skip), none of them the UNT. */
  bodyRun(count: number): void {
    this.context.positionInMessage += count;
    this.context.message!.segmentCount += count;
  }

  reject(level: EdiLevel): void {
    if (this.context.message && (level === 'set' || level === 'segment' || level === 'element'))
      this.rejected = true;
  }

  /** Ends the open message, if any, because another header or the end of data came before its UNT. */
  close(at: EdiPosition): void {
    const message = this.context.message;
    if (!message) return;
    this.add('set', 'trailer-missing', `message ${clip(message.reference)} has no UNT`, at, {
      segmentId: 'UNT',
    });
    this.end();
  }

  end(): void {
    const message = this.context.message!;
    message.status = this.rejected ? 'rejected' : 'accepted';
    this.context.message = undefined;
    this.context.positionInMessage = 0;
    this.onEnd(message);
  }
}

/** The verdict over messages: all accepted, all rejected, or partially accepted. */
export function closeStatus(messages: readonly EdifactMessageResult[]): EdifactStatus {
  let rejected = 0;
  for (const m of messages) if (m.status === 'rejected') rejected++;
  if (rejected === 0) return 'accepted';
  return rejected === messages.length ? 'rejected' : 'partially-accepted';
}
