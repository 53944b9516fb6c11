import type { X12SetSource } from '../grammar.types.js';
import { cttLoop, lineContent, n1Loop, n9Loop, PURCHASING_HEADER } from './shared-loops.js';

/**
 * 850 Purchase Order, 855 Purchase Order Acknowledgment, 860 Purchase Order Change Request (buyer
 * initiated) and 865 Purchase Order Change Acknowledgment/Request (seller initiated): the segment
 * order, requirement and max use of the 004010 tables, kept for 005010 (whose tables keep this
 * order for the segments listed; element-level differences live in the dictionaries).
 */
const headerAmt = {
  loop: 'AMT',
  usage: 'O',
  max: '>1',
  children: ['AMT O 1', 'REF O >1', 'DTM O 1'],
} as const;

export const SET_850: X12SetSource = {
  setId: '850',
  name: 'Purchase Order',
  functionalId: 'PO',
  body: [
    'BEG M 1',
    ...PURCHASING_HEADER,
    headerAmt,
    n9Loop(),
    n1Loop(),
    { loop: 'PO1', usage: 'M', max: 100000, children: ['PO1 M 1', ...lineContent('PO1', false)] },
    cttLoop,
  ],
};

export const SET_855: X12SetSource = {
  setId: '855',
  name: 'Purchase Order Acknowledgment',
  functionalId: 'PR',
  body: [
    'BAK M 1',
    ...PURCHASING_HEADER,
    headerAmt,
    n9Loop(),
    n1Loop(),
    // 855 lines are optional: an acknowledgment without detail (BAK02 AC/AD/RJ…) is complete.
    { loop: 'PO1', usage: 'O', max: 100000, children: ['PO1 M 1', ...lineContent('PO1', true)] },
    cttLoop,
  ],
};

export const SET_860: X12SetSource = {
  setId: '860',
  name: 'Purchase Order Change Request - Buyer Initiated',
  functionalId: 'PC',
  body: [
    'BCH M 1',
    ...PURCHASING_HEADER,
    headerAmt,
    n9Loop(),
    n1Loop(),
    { loop: 'POC', usage: 'O', max: 100000, children: ['POC M 1', ...lineContent('POC', false)] },
    cttLoop,
  ],
};

export const SET_865: X12SetSource = {
  setId: '865',
  name: 'Purchase Order Change Acknowledgment/Request - Seller Initiated',
  functionalId: 'CA',
  body: [
    'BCA M 1',
    ...PURCHASING_HEADER,
    n9Loop(),
    n1Loop(),
    { loop: 'POC', usage: 'O', max: 100000, children: ['POC M 1', ...lineContent('POC', true)] },
    cttLoop,
  ],
};
