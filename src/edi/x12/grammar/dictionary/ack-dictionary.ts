import type { X12ElementDictionarySource, X12SegmentDictionarySource } from '../grammar.types.js';

/**
 * The acknowledgment segments: 997 (X12.6 §5, 004010 and 005010), 999 (005010; the segment tables of
 * 005010X231, requirement designators as the standard gives them, not the guide's usage) and the TA1
 * (X12.5 §3.4), which is an interchange control segment, checked by the same rules as a set's. Their
 * code lists come from the engine's code tables (../ack-code-lists.ts).
 */

/** Elements of the acknowledgment segments, as in the 004010 dictionary. */
export const ACK_ELEMENTS_004010: X12ElementDictionarySource = {
  '2': 'N0 1/6', // Number of Accepted Transaction Sets
  '28': 'N0 1/9', // Group Control Number
  '97': 'N0 1/6', // Number of Transaction Sets Included
  '123': 'N0 1/6', // Number of Received Transaction Sets
  '143': 'ID 3/3', // Transaction Set Identifier Code
  '329': 'AN 4/9', // Transaction Set Control Number
  '447': 'AN 1/6', // Loop Identifier Code
  '479': 'ID 2/2', // Functional Identifier Code
  '715': 'ID 1/1', // Functional Group Acknowledge Code
  '716': 'ID 1/3', // Functional Group Syntax Error Code
  '717': 'ID 1/1', // Transaction Set Acknowledgment Code
  '718': 'ID 1/3', // Transaction Set Syntax Error Code
  '719': 'N0 1/6', // Segment Position in Transaction Set
  '720': 'ID 1/3', // Segment Syntax Error Code
  '721': 'ID 2/3', // Segment ID Code
  '722': 'N0 1/2', // Element Position in Segment
  '723': 'ID 1/3', // Data Element Syntax Error Code
  '724': 'AN 1/99', // Copy of Bad Data Element
  '725': 'N0 1/4', // Data Element Reference Number
  '1528': 'N0 1/2', // Component Data Element Position in Composite
  I08: 'DT 6/6', // Interchange Date (TA102, YYMMDD)
  I09: 'TM 4/4', // Interchange Time (TA103, HHMM)
  I12: 'N0 9/9', // Interchange Control Number (TA101)
  I17: 'ID 1/1', // Interchange Acknowledgment Code (TA104)
  I18: 'ID 3/3', // Interchange Note Code (TA105)
};

/**
 * 005010: segment positions up to ten digits (as SE01), loop ids of four, the version in AK103, the
 * implementation reference in AK203, repetition positions (C030-03) and the 999's own elements.
 */
export const ACK_ELEMENTS_005010: X12ElementDictionarySource = {
  ...ACK_ELEMENTS_004010,
  '447': 'AN 1/4',
  '719': 'N0 1/10',
  '480': 'AN 1/12', // Version / Release / Industry Identifier Code
  '618': 'ID 1/3', // Implementation Transaction Set Syntax Error Code
  '620': 'ID 1/3', // Implementation Segment Syntax Error Code
  '621': 'ID 1/3', // Implementation Data Element Syntax Error Code
  '1686': 'N0 1/4', // Repeating Data Element Position
  '1705': 'AN 1/35', // Implementation Convention Reference
  '9998': 'AN 1/35', // Context Reference
  '9999': 'AN 1/35', // Context Name
};

export const ACK_COMPOSITES_004010: X12SegmentDictionarySource = {
  C030: { name: 'Position in Segment', elements: ['722 M', '1528 O'] },
};

export const ACK_COMPOSITES_005010: X12SegmentDictionarySource = {
  C030: { name: 'Position in Segment', elements: ['722 M', '1528 O', '1686 O'] },
  C998: { name: 'Context Identification', elements: ['9999 M', '9998 O'] },
  C999: { name: 'Reference in Segment', elements: ['725 M', '725 O'] },
};

const FIVE = (ref: string): string[] => Array.from({ length: 5 }, () => `${ref} O`);

export const ACK_SEGMENTS_004010: X12SegmentDictionarySource = {
  AK1: { name: 'Functional Group Response Header', elements: ['479 M', '28 M'] },
  AK2: { name: 'Transaction Set Response Header', elements: ['143 M', '329 M'] },
  AK3: { name: 'Data Segment Note', elements: ['721 M', '719 M', '447 O', '720 O'] },
  AK4: { name: 'Data Element Note', elements: ['C030 M', '725 O', '723 M', '724 O'] },
  AK5: { name: 'Transaction Set Response Trailer', elements: ['717 M', ...FIVE('718')] },
  AK9: {
    name: 'Functional Group Response Trailer',
    elements: ['715 M', '97 M', '123 M', '2 M', ...FIVE('716')],
  },
  TA1: { name: 'Interchange Acknowledgment', elements: ['I12 M', 'I08 M', 'I09 M', 'I17 M', 'I18 M'] },
};

export const ACK_SEGMENTS_005010: X12SegmentDictionarySource = {
  ...ACK_SEGMENTS_004010,
  AK1: { name: 'Functional Group Response Header', elements: ['479 M', '28 M', '480 O'] },
  AK2: { name: 'Transaction Set Response Header', elements: ['143 M', '329 M', '1705 O'] },
  IK3: { name: 'Implementation Data Segment Note', elements: ['721 M', '719 M', '447 O', '620 O'] },
  IK4: { name: 'Implementation Data Element Note', elements: ['C030 M', '725 O', '621 M', '724 O'] },
  IK5: { name: 'Implementation Transaction Set Response Trailer', elements: ['717 M', ...FIVE('618')] },
  // CTX01 repeats up to ten times (005010X231: one context name per situational trigger).
  CTX: {
    name: 'Context',
    elements: ['C998 M 10', '721 O', '719 O', '447 O', 'C030 O', 'C999 O'],
  },
};
