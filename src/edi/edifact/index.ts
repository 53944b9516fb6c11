/**
 * EDIFACT syntax library (ISO 9735). First step of issue 7: the streaming tokenizer. Envelopes
 * (UNB/UNZ, UNG/UNE, UNH/UNT), CONTRL and character-set decoding come next. Framework-free.
 */
export {
  EdifactTokenizer,
  tokenizeEdifact,
  type EdifactTokenIssue,
  type EdifactTokenIssueKind,
  type EdifactTokenListener,
  type EdifactTokenizerOptions,
  type EdifactTokenizerStats,
} from './tokenizer.js';
export { EdifactSegmentView, type EdifactSegment } from './segment.js';
export {
  DEFAULT_EDIFACT_DELIMITERS,
  DEFAULT_EDIFACT_DELIMITERS_V4,
  parseServiceStringAdvice,
  type EdifactDelimiters,
} from './delimiters.js';
