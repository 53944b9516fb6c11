import type { EdiIssue, EdiLevel, EdiSeverity } from '../core/issue.js';
import type { EdifactSegmentView } from './segment.js';

export type EdifactTokenIssueKind =
  /** A UNA whose service characters cannot split the interchange; the defaults are used instead. */
  | 'una-invalid'
  /** End of data inside the six characters of a UNA. */
  | 'una-truncated'
  /** A segment longer than `maxSegmentBytes`: it is counted, reported and not delivered. */
  | 'segment-too-long'
  /** A release character as the last byte of the data: it has nothing to release. */
  | 'release-at-end'
  /** A release character before a character that is no service character: it releases nothing. */
  | 'release-before-data'
  /** End of data inside a segment; the partial segment is still delivered. */
  | 'unterminated-segment'
  /** A character outside the UNOA / UNOB repertoire (a warning unless `strictCharacterSet`). */
  | 'character-outside-repertoire'
  /** Valid UTF-8 in an interchange that declared a single-byte set (UNOC…UNOL): read as UTF-8, noted. */
  | 'character-set-mismatch'
  /** Bytes that are not UTF-8 in an interchange that declared UNOW / UNOY. */
  | 'invalid-utf8'
  /** A C0 control character (CR and LF aside) or DEL as data, at any syntax level: always an error. */
  | 'control-character';

/** A tokenizer finding: the shared `EdiIssue` (syntax error codes, list 0085) plus the bytes concerned. */
export interface EdifactTokenIssue extends EdiIssue<EdifactTokenIssueKind> {
  readonly length: number;
}

export interface EdifactTokenListener {
  /** Receives every segment, UNA included. The view is reused: copy what must outlive the call. */
  segment(view: EdifactSegmentView): void;
  issue(issue: EdifactTokenIssue): void;
  /**
   * Optional fast path for validation without values: asked before a run of segments, true when the
   * listener needs nothing of a plain body segment but to count it. The tokenizer then skips such
   * segments without building a view and reports them with `bodySegments`. A plain body segment lies
   * whole in one chunk, does not start with "U" (no service segment, no UNA) nor with a release
   * character, and has nothing the tokenizer would report (no byte outside the repertoire, no byte
   * >= 0x80, not too long); anything else is delivered as usual, so findings cannot differ.
   */
  readonly countsBodySegments?: (() => boolean) | undefined;
  /** `count` plain body segments were skipped; the last began at `offset` and has index `segmentIndex`. */
  bodySegments?(count: number, offset: number, segmentIndex: number): void;
}

export interface EdifactTokenizerOptions {
  /** Longest segment accepted, in raw bytes (default 1 MiB); longer ones are reported and skipped. */
  readonly maxSegmentBytes?: number;
  /** Characters outside the UNOA / UNOB repertoire are errors instead of warnings (default false). */
  readonly strictCharacterSet?: boolean;
}

export interface EdifactTokenizerStats {
  readonly bytes: number;
  readonly segments: number;
  /** Loop iterations spent, for work-budget checks (each byte is visited once). */
  readonly work: number;
}

/** Syntax error codes (0085) and levels of the tokenizer's findings. */
export const TOKEN_ISSUE_META: Record<
  EdifactTokenIssueKind,
  { level: EdiLevel; severity: EdiSeverity; code: string }
> = {
  // 20: character invalid as service character (a character advised in UNA).
  'una-invalid': { level: 'interchange', severity: 'error', code: '20' },
  // 13: missing.
  'una-truncated': { level: 'interchange', severity: 'error', code: '13' },
  // 0085 has no code for these; 18 is "unspecified error".
  'segment-too-long': { level: 'segment', severity: 'error', code: '18' },
  'release-at-end': { level: 'segment', severity: 'error', code: '18' },
  // 22: invalid service character(s), here the release character used where it releases nothing. An
  // error: "?" left unreleased in data and a character released needlessly cannot be told apart.
  'release-before-data': { level: 'segment', severity: 'error', code: '22' },
  'unterminated-segment': { level: 'segment', severity: 'error', code: '18' },
  // 21: invalid character(s).
  'character-outside-repertoire': { level: 'segment', severity: 'warning', code: '21' },
  'character-set-mismatch': { level: 'segment', severity: 'warning', code: '21' },
  'invalid-utf8': { level: 'segment', severity: 'error', code: '21' },
  // 21: invalid character(s). Not a warning even where the repertoire is: no syntax level has them.
  'control-character': { level: 'segment', severity: 'error', code: '21' },
};
