/**
 * X12 syntax library: streaming tokenizer, envelope validation (ISA/IEA, GS/GE, ST/SE) and TA1 / 997 /
 * 999 builders. Framework-free; see docs/edi-x12.md.
 */
export { X12Reader, readX12, readX12Stream, parseX12, validateX12, type X12ReaderOptions } from './reader.js';
export type { X12EnvelopeHandler, X12SegmentContext, X12ValidatorOptions } from './envelope-validator.js';
export {
  X12Tokenizer,
  type X12TokenIssue,
  type X12TokenIssueKind,
  type X12TokenListener,
  type X12TokenizerOptions,
  type X12TokenizerStats,
} from './tokenizer.js';
export { X12SegmentView, type X12Segment } from './segment.js';
export { DEFAULT_X12_DELIMITERS, type X12Delimiters } from './delimiters.js';
export { decodeX12, encodeX12, x12EncodingOf, X12_MIME_CHARSETS, type X12Encoding } from './encoding.js';
export type {
  X12GroupResult,
  X12InterchangeHeader,
  X12InterchangeResult,
  X12Issue,
  X12SetResult,
  X12Status,
  X12ValidationResult,
} from './result.js';
export {
  X12_CODE_TABLES,
  X12_ISSUE_CODES,
  codeFor,
  type X12CodeTables,
  type X12IssueKind,
} from './code-tables.js';
export {
  buildTa1,
  buildX12Acknowledgment,
  type X12AckOptions,
  type X12AckResult,
  type X12ControlNumberKind,
  type X12Ta1,
} from './ack-builder.js';
export { expectedFunctionalId, isAcknowledgmentSet } from './functional-groups.js';
export type { X12CodeVersion } from './versions.js';
export { SUPPORTED_X12_SETS, SUPPORTED_X12_VERSIONS, isSupportedX12Set } from './supported-sets.js';
export type { X12SetContentCheck, X12SetContentFactory, X12SetContentFinding } from './envelope-validator.js';
export * from './grammar/index.js';
