/** Pieces shared by the X12 and EDIFACT engines: positions, findings, code tables, EBCDIC, the typed error. */
export { NO_POSITION, type EdiControlNumbers, type EdiPosition } from './position.js';
export { isError, type EdiIssue, type EdiIssueContext, type EdiLevel, type EdiSeverity } from './issue.js';
export { defineCodeTable, describeCode, extendCodeTable, hasCode, type CodeTable } from './code-table.js';
export { EdiError, type EdiErrorCode } from './edi-error.js';
export { CP037_TO_LATIN1, ebcdicToLatin1 } from './ebcdic.js';
export {
  detectEdiStandard,
  EDI_SNIFF_BYTES,
  ediSniffHead,
  type EdiDetection,
  type EdiStandard,
} from './detect.js';
