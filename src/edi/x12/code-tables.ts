import { defineCodeTable, extendCodeTable, type CodeTable } from '../core/code-table.js';
import type { X12CodeVersion } from './versions.js';

/**
 * Acknowledgment code lists, one table per version family. Sources: X12 data element dictionary
 * (I18 for TA105, 715/716/717/718/720/723 for the 997) and the 005010X231 999 guide for the I-codes;
 * the shared summary is ../shared/ACK-CODES.md. Only codes the engine can emit or a partner can send us
 * are listed; the security codes (8–17, 19–27 in 004010's 716/718) are omitted on purpose.
 */

const TA105 = {
  '000': 'No error',
  '001': 'The Interchange Control Number in the Header and Trailer Do Not Match',
  '002': 'This Standard as Noted in the Control Standards Identifier is Not Supported',
  '003': 'This Version of the Controls is Not Supported',
  '004': 'The Segment Terminator is Invalid',
  '005': 'Invalid Interchange ID Qualifier for Sender',
  '006': 'Invalid Interchange Sender ID',
  '007': 'Invalid Interchange ID Qualifier for Receiver',
  '008': 'Invalid Interchange Receiver ID',
  '009': 'Unknown Interchange Receiver ID',
  '010': 'Invalid Authorization Information Qualifier Value',
  '011': 'Invalid Authorization Information Value',
  '012': 'Invalid Security Information Qualifier Value',
  '013': 'Invalid Security Information Value',
  '014': 'Invalid Interchange Date Value',
  '015': 'Invalid Interchange Time Value',
  '016': 'Invalid Interchange Standards Identifier Value',
  '017': 'Invalid Interchange Version ID Value',
  '018': 'Invalid Interchange Control Number Value',
  '019': 'Invalid Acknowledgment Requested Value',
  '020': 'Invalid Test Indicator Value',
  '021': 'Invalid Number of Included Groups Value',
  '022': 'Invalid Control Structure',
  '023': 'Improper (Premature) End-of-File (Transmission)',
  '024': 'Invalid Interchange Content (e.g., Invalid GS Segment)',
  '025': 'Duplicate Interchange Control Number',
  '026': 'Invalid Data Element Separator',
  '027': 'Invalid Component Element Separator',
};

const AK304_4010 = {
  '1': 'Unrecognized segment ID',
  '2': 'Unexpected segment',
  '3': 'Mandatory segment missing',
  '4': 'Loop Occurs Over Maximum Times',
  '5': 'Segment Exceeds Maximum Use',
  '6': 'Segment Not in Defined Transaction Set',
  '7': 'Segment Not in Proper Sequence',
  '8': 'Segment Has Data Element Errors',
};

const AK403_4010 = {
  '1': 'Mandatory data element missing',
  '2': 'Conditional required data element missing',
  '3': 'Too many data elements',
  '4': 'Data element too short',
  '5': 'Data element too long',
  '6': 'Invalid character in data element',
  '7': 'Invalid code value',
  '8': 'Invalid Date',
  '9': 'Invalid Time',
  '10': 'Exclusion Condition Violated',
};

const AK501 = {
  A: 'Accepted',
  E: 'Accepted But Errors Were Noted',
  M: 'Rejected, Message Authentication Code (MAC) Failed',
  R: 'Rejected',
  W: 'Rejected, Assurance Failed Validity Tests',
  X: 'Rejected, Content After Decryption Could Not Be Analyzed',
};

const AK502_4010 = {
  '1': 'Transaction Set Not Supported',
  '2': 'Transaction Set Trailer Missing',
  '3': 'Transaction Set Control Number in Header and Trailer Do Not Match',
  '4': 'Number of Included Segments Does Not Match Actual Count',
  '5': 'One or More Segments in Error',
  '6': 'Missing or Invalid Transaction Set Identifier',
  '7': 'Missing or Invalid Transaction Set Control Number',
  '23': 'Transaction Set Control Number Not Unique within the Functional Group',
};

const AK901 = {
  A: 'Accepted',
  E: 'Accepted, But Errors Were Noted.',
  M: 'Rejected, Message Authentication Code (MAC) Failed',
  P: 'Partially Accepted, At Least One Transaction Set Was Rejected',
  R: 'Rejected',
  W: 'Rejected, Assurance Failed Validity Tests',
  X: 'Rejected, Content After Decryption Could Not Be Analyzed',
};

const AK905_4010 = {
  '1': 'Functional Group Not Supported',
  '2': 'Functional Group Version Not Supported',
  '3': 'Functional Group Trailer Missing',
  '4': 'Group Control Number in the Functional Group Header and Trailer Do Not Agree',
  '5': 'Number of Included Transaction Sets Does Not Match Actual Count',
  '6': 'Group Control Number Violates Syntax',
};

export interface X12CodeTables {
  readonly version: X12CodeVersion;
  readonly ta105: CodeTable;
  readonly ak304: CodeTable;
  readonly ak403: CodeTable;
  readonly ak501: CodeTable;
  readonly ak502: CodeTable;
  readonly ak901: CodeTable;
  readonly ak905: CodeTable;
  /** 999 only (005010): AK304 plus the implementation codes. */
  readonly ik304: CodeTable;
  readonly ik403: CodeTable;
  readonly ik502: CodeTable;
}

const ta105 = defineCodeTable('TA105', '004010', TA105);
const ak304v4 = defineCodeTable('AK304', '004010', AK304_4010);
const ak403v4 = defineCodeTable('AK403', '004010', AK403_4010);
const ak501v4 = defineCodeTable('AK501', '004010', AK501);
const ak502v4 = defineCodeTable('AK502', '004010', AK502_4010);
const ak901v4 = defineCodeTable('AK901', '004010', AK901);
const ak905v4 = defineCodeTable('AK905', '004010', AK905_4010);

const ak403v5 = extendCodeTable(ak403v4, '005010', {
  '12': 'Too Many Repetitions',
  '13': 'Too Many Components',
});
const ak502v5 = extendCodeTable(ak502v4, '005010', {
  '18': 'Transaction Set not in Functional Group',
  '19': 'Invalid Transaction Set Implementation Convention Reference',
});
// 005010 redefined 19 (a security code in 004010) and added 7–9, 30, 31 (ACK-CODES.md).
const ak905v5 = extendCodeTable(ak905v4, '005010', {
  '7': 'Invalid Application Sender Code',
  '8': 'Invalid Application Receiver Code',
  '9': 'Invalid Responsible Agency',
  '19': 'Functional Group Control Number not Unique within Interchange',
  '30': 'Invalid Functional Group Date',
  '31': 'Invalid Functional Group Time',
});

export const X12_CODE_TABLES: Readonly<Record<X12CodeVersion, X12CodeTables>> = Object.freeze({
  '004010': Object.freeze({
    version: '004010',
    ta105,
    ak304: ak304v4,
    ak403: ak403v4,
    ak501: ak501v4,
    ak502: ak502v4,
    ak901: ak901v4,
    ak905: ak905v4,
    // The 999 does not exist before 005010; a 999 answering an older group uses the 997 lists.
    ik304: ak304v4,
    ik403: ak403v4,
    ik502: ak502v4,
  }),
  '005010': Object.freeze({
    version: '005010',
    ta105: extendCodeTable(ta105, '005010', {}),
    ak304: extendCodeTable(ak304v4, '005010', {}),
    ak403: ak403v5,
    ak501: extendCodeTable(ak501v4, '005010', {}),
    ak502: ak502v5,
    ak901: extendCodeTable(ak901v4, '005010', {}),
    ak905: ak905v5,
    ik304: extendCodeTable(ak304v4, '005010', {
      I4: 'Implementation "Not Used" Segment Present',
      I6: 'Implementation Dependent Segment Missing',
      I7: 'Implementation Loop Occurs Under Minimum Times',
      I8: 'Implementation Segment Below Minimum Use',
      I9: 'Implementation Dependent "Not Used" Segment Present',
    }),
    ik403: extendCodeTable(ak403v5, '005010', {
      I6: 'Code Value Not Used in Implementation',
      I9: 'Implementation Dependent Data Element Missing',
      I10: 'Implementation "Not Used" Data Element Present',
      I11: 'Implementation Too Few Repetitions',
      I12: 'Implementation Pattern Match Failure',
      I13: 'Implementation Dependent "Not Used" Data Element Present',
    }),
    ik502: extendCodeTable(ak502v5, '005010', {
      I5: 'Implementation One or More Segments in Error',
      I6: 'Implementation Convention Not Supported',
    }),
  }),
});

/**
 * Every condition the X12 engine reports, with the code list it is answered in. A kind whose code a
 * version lacks is reported with `code: undefined` in that version (see `codeFor`).
 */
export const X12_ISSUE_CODES = {
  // Interchange level: TA105 (the same I18 list in 00401 and 00501).
  'junk-outside-interchange': ['TA105', '024'],
  'segment-outside-interchange': ['TA105', '024'],
  'isa-unreadable': ['TA105', '024'],
  'isa-delimiters-unusable': ['TA105', '004'],
  'isa-terminator': ['TA105', '004'],
  'isa-authorization-qualifier': ['TA105', '010'],
  'isa-authorization': ['TA105', '011'],
  'isa-security-qualifier': ['TA105', '012'],
  'isa-security': ['TA105', '013'],
  'isa-sender-qualifier': ['TA105', '005'],
  'isa-sender': ['TA105', '006'],
  'isa-receiver-qualifier': ['TA105', '007'],
  'isa-receiver': ['TA105', '008'],
  'isa-date': ['TA105', '014'],
  'isa-time': ['TA105', '015'],
  'isa-standards-id': ['TA105', '016'],
  'isa-repetition-separator': ['TA105', '026'],
  'isa-version': ['TA105', '017'],
  'isa-version-unsupported': ['TA105', '003'],
  'isa-control-number': ['TA105', '018'],
  'isa-ack-requested': ['TA105', '019'],
  'isa-usage': ['TA105', '020'],
  'isa-component-separator': ['TA105', '027'],
  'isa-element-separator': ['TA105', '026'],
  'iea-control-mismatch': ['TA105', '001'],
  'iea-group-count': ['TA105', '021'],
  'iea-missing': ['TA105', '023'],
  'unterminated-segment': ['TA105', '023'],
  'interchange-structure': ['TA105', '022'],
  'interchange-content': ['TA105', '024'],
  // Group level: AK905.
  'gs-functional-id': ['AK905', '1'],
  'group-not-supported': ['AK905', '1'],
  'gs-version': ['AK905', '2'],
  'ge-missing': ['AK905', '3'],
  'ge-control-mismatch': ['AK905', '4'],
  'ge-set-count': ['AK905', '5'],
  'gs-control-number': ['AK905', '6'],
  'ge-control-number': ['AK905', '6'],
  'gs-sender': ['AK905', '7'],
  'gs-receiver': ['AK905', '8'],
  'gs-receiver-unknown': ['AK905', '8'],
  'gs-agency': ['AK905', '9'],
  'gs-control-duplicate': ['AK905', '19'],
  'gs-date': ['AK905', '30'],
  'gs-time': ['AK905', '31'],
  // Transaction set level: AK502.
  'set-not-supported': ['AK502', '1'],
  'se-missing': ['AK502', '2'],
  'se-control-mismatch': ['AK502', '3'],
  'se-segment-count': ['AK502', '4'],
  'set-segment-errors': ['AK502', '5'],
  'st-set-id': ['AK502', '6'],
  'st-functional-group-mismatch': ['AK502', '6'],
  'st-control-number': ['AK502', '7'],
  'st-control-duplicate': ['AK502', '23'],
  // Segment level: AK304.
  'segment-id-unrecognized': ['AK304', '1'],
  'segment-unexpected': ['AK304', '2'],
  'segment-too-long': ['AK304', '8'],
  // Segment level, decided by a transaction-set grammar (src/edi/x12/grammar).
  'segment-missing': ['AK304', '3'],
  'loop-over-max': ['AK304', '4'],
  'segment-over-max': ['AK304', '5'],
  'segment-not-in-set': ['AK304', '6'],
  'segment-out-of-sequence': ['AK304', '7'],
  // Element level: AK403.
  'element-missing': ['AK403', '1'],
  'element-too-many': ['AK403', '3'],
  'element-too-short': ['AK403', '4'],
  'element-too-long': ['AK403', '5'],
  'element-invalid-character': ['AK403', '6'],
  'element-invalid-code': ['AK403', '7'],
  // Element level, decided by a transaction-set grammar; 12 and 13 exist from 005010 on.
  'element-conditional-missing': ['AK403', '2'],
  'element-invalid-date': ['AK403', '8'],
  'element-invalid-time': ['AK403', '9'],
  'element-exclusion': ['AK403', '10'],
  'element-too-many-repetitions': ['AK403', '12'],
  'element-too-many-components': ['AK403', '13'],
} as const satisfies Record<string, readonly [string, string]>;

export type X12IssueKind = keyof typeof X12_ISSUE_CODES;

const TABLE_BY_LIST: Record<string, keyof X12CodeTables> = {
  TA105: 'ta105',
  AK905: 'ak905',
  AK502: 'ak502',
  AK304: 'ak304',
  AK403: 'ak403',
};

/** The code list and code for a kind in a version; the code is `undefined` when that version has none. */
export function codeFor(
  kind: X12IssueKind,
  version: X12CodeVersion,
): { codeList: string; code: string | undefined } {
  const [codeList, code] = X12_ISSUE_CODES[kind];
  const table = X12_CODE_TABLES[version][TABLE_BY_LIST[codeList]!] as CodeTable;
  return { codeList, code: table.codes.has(code) ? code : undefined };
}
