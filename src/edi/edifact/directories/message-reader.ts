import type {
  EdifactIssue,
  EdifactGroupResult,
  EdifactInterchangeResult,
  EdifactMessageResult,
} from '../result.js';
import { EdifactReader, edifactBytes, type EdifactReaderOptions } from '../reader.js';
import { EDIFACT_ISSUE_CODES, type EdifactIssueKind } from '../codes.js';
import type { EdifactEnvelopeHandler } from '../envelope-types.js';
import type { EdifactValidationResult } from '../result.js';
import type { EdifactSegmentView } from '../segment.js';
import {
  COMPONENT_MARK,
  KeptSegment,
  segmentIdCode,
  X12ParsedSetBuilder,
  X12SetWalker,
  type X12ParsedBody,
  type X12PlacementProblem,
} from '../x12-shared.js';
import { defaultEdifactDirectories, EdifactDirectoryRegistry } from './directories.js';
import type { EdifactMessageStructure } from './directory-loader.js';
import {
  checkSegmentValues,
  EdifactSegmentValues,
  segmentViewIsClean,
  type EdifactElementFinding,
} from './element-checks.js';

/**
 * A message as its directory read it: the segment groups a map interpreter walks. Segments are kept
 * as the shared map layer reads them: `elements[0]` the tag, each element its first repetition, its
 * components separated by the segment's `componentMark` — the interchange's own separator for a
 * segment without release characters (its text as sent), `COMPONENT_MARK` for one with them (so a
 * released `:` in data stays data).
 */
export interface EdifactParsedMessage {
  readonly type: string;
  readonly reference: string;
  readonly directory: string;
  readonly subset: string;
  readonly structure: EdifactMessageStructure;
  readonly body: X12ParsedBody;
  readonly hierarchy: undefined;
  /** What `body` joins components with where a segment says nothing else (`componentMark`). */
  readonly component: string;
}

export interface EdifactDirectoryReadOptions extends EdifactReaderOptions {
  readonly directories?: EdifactDirectoryRegistry;
  /** Receives each message read with a directory, at its UNT (read `message.status` after `end`). */
  readonly onMessage?: (
    parsed: EdifactParsedMessage,
    message: EdifactMessageResult,
    group: EdifactGroupResult | undefined,
    interchange: EdifactInterchangeResult,
  ) => void;
  /** Messages whose type and directory have a structure but are not to be kept (the intake: none). */
  readonly keep?: (type: string) => boolean;
  /**
   * Whether the receiver can validate and translate a message of this UNH S009 (type, version,
   * release, agency, association code). A message it cannot is rejected with 0085 14 at UNH S009 and
   * not read against any directory. Unset: every message is taken (the syntax layer alone judges it).
   */
  readonly isMessageSupported?: (
    message: Pick<EdifactMessageResult, 'type' | 'version' | 'release' | 'agency' | 'associationCode'>,
  ) => boolean;
}

const PLACEMENT: Record<X12PlacementProblem, EdifactIssueKind> = {
  'segment-id-unrecognized': 'segment-not-in-message',
  'segment-not-in-set': 'segment-not-in-message',
  'segment-unexpected': 'segment-not-in-message',
  'segment-out-of-sequence': 'segment-out-of-sequence',
  'segment-over-max': 'segment-repeated-too-often',
  'loop-over-max': 'group-repeated-too-often',
};

/**
 * The segment being checked, read once from the view (the reader is synchronous: one segment at a
 * time). Shared, not one per message: a closure per message made the collector's work triple.
 */
const VALUES = new EdifactSegmentValues();
const addValue = (value: string, e: number, c: number, r: number): void => VALUES.add(value, e, c, r);
const FINDINGS: EdifactElementFinding[] = [];

/** A kept segment with the separator its components are joined with (`X12Segment.componentMark`). */
class MarkedSegment extends KeptSegment {
  constructor(
    id: string,
    elements: readonly string[],
    offset: number,
    segmentIndex: number,
    readonly componentMark: string,
  ) {
    super(id, elements, offset, segmentIndex);
  }
}

/** Walks one message against its structure; findings go to the message (UCS / UCD). */
class MessageCheck {
  private readonly walker: X12SetWalker;
  private position = 1;
  private at: { readonly offset: number; readonly segmentIndex: number } = { offset: 0, segmentIndex: 0 };
  private readonly issues: EdifactIssue[] = [];

  constructor(
    readonly structure: EdifactMessageStructure,
    private readonly message: EdifactMessageResult,
    private readonly ic: EdifactInterchangeResult,
    private readonly group: EdifactGroupResult | undefined,
    /** The read's parsed-tree builder when the message is kept (started here). */
    private readonly tree: X12ParsedSetBuilder | undefined,
  ) {
    this.walker = new X12SetWalker(structure, (node) =>
      this.add(
        'segment-missing',
        `mandatory ${node.kind === 'loop' ? `group ${node.code} (${node.trigger})` : `segment ${node.id}`} missing`,
        {
          segmentId: node.kind === 'loop' ? node.trigger : node.id,
        },
      ),
    );
    tree?.start();
  }

  /**
   * One segment of the message body. Its elements are checked on the view's bytes; only a segment not
   * proved clean there is read into the reused value table for the string checks, which find and
   * explain. The parsed message keeps one string per element, read straight from the view.
   */
  segment(id: string, view: EdifactSegmentView, position: number): void {
    this.position = position;
    this.at = view;
    const node = this.walker.place(id);
    const problem = this.walker.problem;
    if (problem)
      this.add(PLACEMENT[problem], `${id} ${problem.replace('set', 'message').replaceAll('-', ' ')}`, {
        segmentId: id,
      });
    if (!node) return;
    const def = this.structure.segments.get(id);
    if (def !== undefined && !segmentViewIsClean(def, view)) {
      const values = VALUES;
      values.reset(view.elementCount);
      view.eachValue(addValue);
      const findings = FINDINGS;
      if (findings.length > 0) findings.length = 0;
      checkSegmentValues(def, values, this.ic.delimiters.decimalMark, findings);
      for (const f of findings)
        this.add(
          f.kind,
          f.message,
          {
            segmentId: id,
            elementPosition: f.elementPosition,
            ...(f.componentPosition === undefined ? {} : { componentPosition: f.componentPosition }),
            elementReference: f.elementReference,
            ...(f.badValue === undefined ? {} : { badValue: f.badValue }),
          },
          'element',
        );
    }
    if (this.tree) {
      // One string per element, its first repetition. A segment read in place is cut from the chunk's
      // text, components separated as sent; any other is joined with COMPONENT_MARK, which released
      // separators in data cannot be mistaken for. Each segment says which (`componentMark`).
      const own = view.ownTexts();
      const elements = own ?? view.firstRepetitions(COMPONENT_MARK);
      elements[0] = id;
      this.tree.add(
        this.walker.frames,
        new MarkedSegment(
          id,
          elements,
          view.offset,
          view.segmentIndex,
          own ? view.delimiters.component : COMPONENT_MARK,
        ),
        segmentIdCode(id),
        position,
      );
    }
  }

  /** At UNT: missing mandatory segments are reported at the UNT's position. */
  finish(untPosition: number, at: { offset: number; segmentIndex: number }): EdifactIssue[] {
    this.position = untPosition;
    this.at = at;
    this.walker.finish();
    return this.issues;
  }

  parsed(): EdifactParsedMessage | undefined {
    if (!this.tree) return undefined;
    return {
      type: this.message.type,
      reference: this.message.reference,
      directory: this.structure.directory,
      subset: this.structure.subset,
      structure: this.structure,
      body: this.tree.finish(),
      hierarchy: undefined,
      component: COMPONENT_MARK,
    };
  }

  private add(
    kind: EdifactIssueKind,
    message: string,
    extra: Partial<EdifactIssue>,
    level: 'segment' | 'element' = 'segment',
  ): void {
    if (this.issues.length >= 1000) return;
    this.issues.push({
      level,
      severity: 'error',
      kind,
      codeList: '0085',
      code: EDIFACT_ISSUE_CODES[kind],
      message,
      offset: this.at.offset,
      segmentIndex: this.at.segmentIndex,
      controlNumbers: {
        interchange: this.ic.header.reference,
        group: this.group?.reference,
        set: this.message.reference,
      },
      segmentPosition: this.position,
      ...extra,
    });
  }
}

/** UCM 4 / 14 pointing at UNH S009 (element 2): the message is of a type or version not read here. */
function notSupported(
  message: EdifactMessageResult,
  ic: EdifactInterchangeResult | undefined,
  group: EdifactGroupResult | undefined,
): EdifactIssue {
  const s009 = [message.type, message.version, message.release, message.agency, message.associationCode];
  return {
    level: 'set',
    severity: 'error',
    kind: 'message-not-supported',
    codeList: '0085',
    code: EDIFACT_ISSUE_CODES['message-not-supported'],
    message: `message ${s009.filter((v) => v !== '').join(':')} is not supported`,
    offset: message.offset,
    segmentIndex: message.segmentIndex,
    controlNumbers: {
      interchange: ic?.header.reference ?? '',
      group: group?.reference,
      set: message.reference,
    },
    segmentId: 'UNH',
    segmentPosition: 1,
    elementPosition: 2,
    elementReference: 'S009',
  };
}

/**
 * Reads EDIFACT with the message directories on: every message whose UNH names a directory and type
 * known here (`ORDERS:D:96A:UN:EAN008`) is checked segment by segment against its structure (EANCOM
 * subset when UNH 0057 names one), its findings added to the message (UCS / UCD in the CONTRL) and the
 * message rejected when any is an error. Messages of other types or directories are rejected with 0085
 * 14 when `isMessageSupported` says the receiver cannot read them, else left to the syntax layer.
 * Never throws for input.
 *
 * The push form of `readEdifactWithDirectories`, as `EdifactReader` is of `readEdifact`: bytes come
 * through `write` in chunks of any size, each message is checked (and handed to `onMessage`) at its
 * UNT, and nothing of a chunk is kept after its write.
 */
export class EdifactDirectoryReader {
  private readonly reader: EdifactReader;
  /** The directory findings, put after the syntax findings in the result's list at the end. */
  private readonly found: EdifactIssue[] = [];
  private result: EdifactValidationResult | undefined;

  constructor(handler: EdifactEnvelopeHandler = {}, options: EdifactDirectoryReadOptions = {}) {
    const directories = options.directories ?? defaultEdifactDirectories();
    const found = this.found;
    // Messages are read one after the other: one parsed-tree builder serves them all.
    const builder = new X12ParsedSetBuilder();
    let ic: EdifactInterchangeResult | undefined;
    let check: MessageCheck | undefined;
    let group: EdifactGroupResult | undefined;
    let unsupported = false;
    this.reader = new EdifactReader(
      {
        ...handler,
        startInterchange: (i) => {
          ic = i;
          handler.startInterchange?.(i);
        },
        startGroup: (g, i) => {
          group = g;
          handler.startGroup?.(g, i);
        },
        endGroup: (g, i) => {
          group = undefined;
          handler.endGroup?.(g, i);
        },
        startMessage: (message, g) => {
          check = undefined;
          unsupported = options.isMessageSupported !== undefined && !options.isMessageSupported(message);
          if (unsupported) {
            const issue = notSupported(message, ic, g ?? group);
            message.issues.push(issue);
            found.push(issue);
            handler.startMessage?.(message, g);
            return;
          }
          const structure = directories.find(
            message.type,
            EdifactDirectoryRegistry.directoryOf(message.version, message.release),
            message.associationCode,
          );
          if (structure && ic && message.agency === 'UN') {
            const keep = options.keep?.(message.type) ?? true;
            check = new MessageCheck(structure, message, ic, g ?? group, keep ? builder : undefined);
          }
          handler.startMessage?.(message, g);
        },
        segment: (view, context) => {
          if (check && context.message && context.positionInMessage > 1) {
            const id = view.id;
            if (id !== 'UNT' && id !== 'UNH') check.segment(id, view, context.positionInMessage);
            else if (id === 'UNT') {
              const issues = check.finish(context.positionInMessage, view);
              const message = context.message;
              for (const issue of issues) message.segmentIssues.push(issue);
              found.push(...issues);
            }
          }
          handler.segment?.(view, context);
        },
        endMessage: (message, g) => {
          const current = check;
          check = undefined;
          if (unsupported) message.status = 'rejected';
          unsupported = false;
          if (current) {
            if (message.segmentIssues.some((i) => i.severity === 'error')) message.status = 'rejected';
            const parsed = current.parsed();
            if (parsed && ic && options.onMessage) options.onMessage(parsed, message, g, ic);
          }
          handler.endMessage?.(message, g);
        },
      },
      options,
    );
  }

  write(chunk: Uint8Array): void {
    this.reader.write(chunk);
  }

  end(): EdifactValidationResult {
    if (this.result) return this.result;
    const result = this.reader.end();
    result.issues.push(...this.found);
    this.result = result;
    return result;
  }
}

/** Reads a whole buffer (or string, as `readEdifact` takes it) with the directories on. */
export function readEdifactWithDirectories(
  input: Uint8Array | string,
  handler: EdifactEnvelopeHandler = {},
  options: EdifactDirectoryReadOptions = {},
): EdifactValidationResult {
  const reader = new EdifactDirectoryReader(handler, options);
  reader.write(edifactBytes(input));
  return reader.end();
}
