import type {
  EdifactGroupResult,
  EdifactInterchangeResult,
  EdifactIssue,
  EdifactMessageResult,
} from './result.js';
import type { EdifactSegmentView } from './segment.js';

export interface EdifactValidatorOptions {
  /** Findings kept (default 10,000); the rest are counted in `suppressedIssues`, statuses stay exact. */
  readonly maxIssues?: number;
}

/** Where a segment sits, handed to `EdifactEnvelopeHandler.segment`. The object is reused between calls. */
export interface EdifactSegmentContext {
  interchange: EdifactInterchangeResult | undefined;
  group: EdifactGroupResult | undefined;
  message: EdifactMessageResult | undefined;
  /** 1-based position in the message (UNH = 1), 0 outside a message. */
  positionInMessage: number;
}

/** Envelope-aware events, as for X12. Every callback is optional. */
export interface EdifactEnvelopeHandler {
  startInterchange?(interchange: EdifactInterchangeResult): void;
  endInterchange?(interchange: EdifactInterchangeResult): void;
  startGroup?(group: EdifactGroupResult, interchange: EdifactInterchangeResult): void;
  endGroup?(group: EdifactGroupResult, interchange: EdifactInterchangeResult): void;
  startMessage?(message: EdifactMessageResult, group: EdifactGroupResult | undefined): void;
  endMessage?(message: EdifactMessageResult, group: EdifactGroupResult | undefined): void;
  /** Every segment, service segments included; the view is valid only during the call. */
  segment?(view: EdifactSegmentView, context: EdifactSegmentContext): void;
  issue?(issue: EdifactIssue): void;
}
