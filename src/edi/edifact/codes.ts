import { defineCodeTable, type CodeTable } from '../core/code-table.js';
import type { EdifactTokenIssueKind } from './tokenizer.js';

/**
 * Syntax error codes, UN/EDIFACT data element 0085 (the codes CONTRL carries in UCI5, UCF5, UCM4, UCS2
 * and UCD1). The list is the same for syntax versions 3 and 4 in the codes the engine emits; only those
 * and the ones partners send us are listed (../shared/ACK-CODES.md).
 */
export const EDIFACT_0085: CodeTable = defineCodeTable('0085', '4', {
  '2': 'Syntax version or level not supported',
  '7': 'Interchange recipient not actual recipient',
  '12': 'Invalid value',
  '13': 'Missing',
  '14': 'Value not supported in this position',
  '15': 'Not supported in this position',
  '16': 'Too many constituents',
  '17': 'No agreement',
  '18': 'Unspecified error',
  '19': 'Invalid decimal notation',
  '20': 'Character invalid as service character',
  '21': 'Invalid character(s)',
  '22': 'Invalid service character(s)',
  '23': 'Unknown Interchange sender',
  '24': 'Too old',
  '25': 'Test indicator not supported',
  '26': 'Duplicate detected',
  '28': 'References do not match',
  '29': 'Control count does not match number of instances received',
  '30': 'Functional groups and messages mixed',
  '31': 'More than one message type in group',
  '32': 'Lower level empty',
  '33': 'Invalid occurrence outside message, package or group',
  '35': 'Too many repetitions',
  '36': 'Too many segment group repetitions',
  '37': 'Invalid type of character(s)',
  '38': 'Missing digit in front of decimal sign',
  '39': 'Data element too long',
  '40': 'Data element too short',
  '43': 'Unknown interchange recipient',
  '45': 'Trailing separator',
  '46': 'Character set not supported',
  '47': 'Envelope functionality not supported',
  '48': 'Dependency condition violated',
});

/** Action codes, data element 0083 (UCI4, UCF4, UCM3). */
export const EDIFACT_0083 = {
  rejected: '4',
  acknowledged: '7',
  received: '8',
} as const;

/** Conditions found by the envelope validator and the intake, each with its 0085 code. */
export type EdifactEnvelopeIssueKind =
  /** UNB S001: a syntax identifier or version we do not read. */
  | 'syntax-not-supported'
  /** A mandatory data element or component of a service segment is empty or absent. */
  | 'element-missing'
  | 'element-too-long'
  | 'element-too-short'
  /** Letters in a numeric field, digits in an alphabetic one. */
  | 'element-invalid-type'
  /** A date, time or code value that cannot be right (UNB S004, UNB9 0031, UNB11 0035). */
  | 'element-invalid-value'
  /** More data elements or components than the service segment defines. */
  | 'too-many-constituents'
  /** UNZ, UNE or UNT absent (another header or the end of data came first). */
  | 'trailer-missing'
  /** UNZ 0020 ≠ UNB 0020, UNE 0048 ≠ UNG 0048, UNT 0062 ≠ UNH 0062. */
  | 'reference-mismatch'
  /** UNZ 0036, UNE 0060 or UNT 0074 differs from what was received. */
  | 'count-mismatch'
  /** The same message or group reference twice in one interchange. */
  | 'duplicate-reference'
  | 'groups-and-messages-mixed'
  | 'group-mixed-message-types'
  /** An interchange without messages, a group without messages. */
  | 'lower-level-empty'
  /** A segment between messages, or an unexpected trailer. */
  | 'segment-outside-message'
  /** A segment that belongs to no interchange (junk after UNZ, a body without UNB/UNH). */
  | 'segment-outside-interchange'
  /** Messages without UNB: read, reported, never acknowledged (there is no UNB to answer). */
  | 'interchange-header-missing'
  /** Intake: the UNB sender is not an identity of the partner the channel authenticated. */
  | 'unknown-sender'
  /** Intake: the UNB recipient is not us. */
  | 'unknown-recipient'
  /** Intake: the interchange reference was already received from this sender. */
  | 'duplicate-interchange'
  /**
   * UNH S009: a message type, version, release or agency the receiver cannot validate or translate
   * (0085 14, "value not supported in this position"; the message is rejected, as X12's AK502 1).
   */
  | 'message-not-supported'
  /** Directory: a segment the message does not define, or not in this position (0085 15). */
  | 'segment-not-in-message'
  /** Directory: a segment defined in the message, but before the current position. */
  | 'segment-out-of-sequence'
  /** Directory: a mandatory segment or segment group did not occur. */
  | 'segment-missing'
  | 'segment-repeated-too-often'
  | 'group-repeated-too-often'
  /** Directory: a numeric value with a second, trailing or undeclared decimal sign. */
  | 'invalid-decimal-notation'
  | 'missing-digit-before-decimal-sign';

export type EdifactIssueKind = EdifactEnvelopeIssueKind | EdifactTokenIssueKind;

export const EDIFACT_ISSUE_CODES: Readonly<Record<EdifactIssueKind, string | undefined>> = {
  'syntax-not-supported': '2',
  'element-missing': '13',
  'element-too-long': '39',
  'element-too-short': '40',
  'element-invalid-type': '37',
  'element-invalid-value': '12',
  'too-many-constituents': '16',
  'trailer-missing': '13',
  'reference-mismatch': '28',
  'count-mismatch': '29',
  'duplicate-reference': '26',
  'groups-and-messages-mixed': '30',
  'group-mixed-message-types': '31',
  'lower-level-empty': '32',
  'segment-outside-message': '33',
  'segment-outside-interchange': '33',
  'interchange-header-missing': '13',
  'unknown-sender': '23',
  'unknown-recipient': '43',
  'duplicate-interchange': '26',
  'message-not-supported': '14',
  'segment-not-in-message': '15',
  'segment-out-of-sequence': '15',
  'segment-missing': '13',
  'segment-repeated-too-often': '35',
  'group-repeated-too-often': '36',
  'invalid-decimal-notation': '19',
  'missing-digit-before-decimal-sign': '38',
  'una-invalid': '20',
  'una-truncated': '13',
  'segment-too-long': '18',
  'release-at-end': '18',
  'release-before-data': '22',
  'unterminated-segment': '18',
  'character-outside-repertoire': '21',
  'character-set-mismatch': '21',
  'invalid-utf8': '21',
  'control-character': '21',
};
