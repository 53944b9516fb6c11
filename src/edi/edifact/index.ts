/**
 * EDIFACT syntax library (ISO 9735): streaming tokenizer, character sets, envelope validation (UNB/UNZ,
 * UNG/UNE, UNH/UNT) with 0085 syntax error codes, the CONTRL builder and readers for partners' CONTRL
 * and APERAK. Framework-free; see docs/edi-edifact.md.
 */
export {
  EdifactReader,
  edifactBytes,
  parseEdifact,
  readEdifact,
  readEdifactStream,
  validateEdifact,
  type EdifactReaderOptions,
} from './reader.js';
export type {
  EdifactEnvelopeHandler,
  EdifactSegmentContext,
  EdifactValidatorOptions,
} from './envelope-validator.js';
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
export {
  EDIFACT_CHARSETS,
  edifactMimeCharset,
  encodeEdifact,
  type EdifactCharset,
  type EdifactRepertoire,
} from './charsets.js';
export { readEdifactNumber, type EdifactNumber, type EdifactNumberOptions } from './numbers.js';
export {
  EDIFACT_0083,
  EDIFACT_0085,
  EDIFACT_ISSUE_CODES,
  type EdifactEnvelopeIssueKind,
  type EdifactIssueKind,
} from './codes.js';
export {
  messagesOf,
  type EdifactGroupResult,
  type EdifactInterchangeHeader,
  type EdifactInterchangeResult,
  type EdifactIssue,
  type EdifactMessageResult,
  type EdifactMessageStatus,
  type EdifactParty,
  type EdifactStatus,
  type EdifactValidationResult,
} from './result.js';
export {
  buildContrl,
  type ContrlAction,
  type ContrlOptions,
  type ContrlReferenceKind,
  type ContrlResult,
} from './contrl-builder.js';
export {
  EDIFACT_ACKNOWLEDGMENT_TYPES,
  interpretAperak,
  interpretContrl,
  readAcknowledgments,
  type AcknowledgmentsRead,
  type AperakReport,
  type ContrlGroupReport,
  type ContrlMessageReport,
  type ContrlReport,
  type ContrlSegmentError,
  type ContrlVerdict,
} from './ack-reader.js';
export { EdifactSegmentWriter, type EdifactValue } from './segment-writer.js';
export { declaredEdifactCharset, decodeEdifactInterchange, decodeUtf8OrLatin1 } from './interchange-text.js';
