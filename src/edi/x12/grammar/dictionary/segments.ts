import type { X12SegmentDictionarySource } from '../grammar.types.js';
import { LOGISTICS_SEGMENTS } from './logistics-segments.js';
import { dateTriplets, idPairs, pad, pairNotes, tripletNotes } from './segment-helpers.js';

/** Composites used by the sets (X12 004010 / 005010 composite dictionary). */
export const COMPOSITES: X12SegmentDictionarySource = {
  C001: {
    name: 'Composite Unit of Measure',
    elements: [
      '355 M',
      ...Array.from({ length: 4 }, () => ['1018 O', '649 O', '355 X']).flat(),
      '1018 O',
      '649 O',
    ],
    notes: [
      // An exponent or multiplier needs the unit it qualifies (components 4, 7, 10, 13).
      'C0504',
      'C0604',
      'C0807',
      'C0907',
      'C1110',
      'C1210',
      'C1413',
      'C1513',
    ],
  },
  C040: {
    name: 'Reference Identifier',
    elements: ['128 M', '127 M', '128 X', '127 X', '128 X', '127 X'],
    notes: ['P0304', 'P0506'],
  },
};

/**
 * Segment dictionary for 004010 (element reference + requirement designator, syntax notes as in the
 * standard's segment directory). Only segments the supported sets use.
 */
export const SEGMENTS_004010: X12SegmentDictionarySource = {
  BEG: {
    name: 'Beginning Segment for Purchase Order',
    elements: [
      '353 M',
      '92 M',
      '324 M',
      '328 O',
      '373 M',
      '367 O',
      '587 O',
      '1019 O',
      '1166 O',
      '1232 O',
      '786 O',
      '640 O',
    ],
  },
  BAK: {
    name: 'Beginning Segment for Purchase Order Acknowledgment',
    elements: ['353 M', '587 M', '324 M', '373 M', '328 O', '326 O', '367 O', '127 O', '373 O', '640 O'],
  },
  BCH: {
    name: 'Beginning Segment for Purchase Order Change',
    elements: [
      '353 M',
      '92 M',
      '324 M',
      '328 O',
      '327 O',
      '373 M',
      '326 O',
      '367 O',
      '127 O',
      '373 O',
      '373 O',
      '1166 O',
      '786 O',
      '587 O',
      '640 O',
      '1232 O',
    ],
  },
  BCA: {
    name: 'Beginning Segment for Purchase Order Change Acknowledgment',
    // Like BCH: BCA09 seller's order number, BCA10 acknowledgment date, BCA11 change request date.
    elements: [
      '353 M',
      '587 O',
      '324 M',
      '328 O',
      '327 O',
      '373 M',
      '326 O',
      '367 O',
      '127 O',
      '373 O',
      '373 O',
      '1166 O',
      '786 O',
      '587 O',
      '640 O',
      '1232 O',
    ],
  },
  BSN: {
    name: 'Beginning Segment for Ship Notice',
    elements: ['353 M', '396 M', '373 M', '337 M', '1005 O', '640 X', '641 X'],
    notes: ['C0706'],
  },
  CUR: {
    name: 'Currency',
    // Five date/time triplets (qualifier, date, time) after the currencies and the market code.
    elements: ['98 M', '100 M', '280 O', '98 O', '100 O', '669 O', ...dateTriplets(5)],
    notes: Array.from({ length: 5 }, (_, k) => tripletNotes(7 + 3 * k)).flat(),
  },
  REF: {
    name: 'Reference Identification',
    elements: ['128 M', '127 X', '352 X', 'C040 O'],
    notes: ['R0203'],
  },
  PER: {
    name: 'Administrative Communications Contact',
    elements: ['366 M', '93 O', '365 X', '364 X', '365 X', '364 X', '365 X', '364 X', '443 O'],
    notes: ['P0304', 'P0506', 'P0708'],
  },
  FOB: {
    name: 'F.O.B. Related Instructions',
    elements: ['146 M', '309 X', '352 O', '334 O', '335 X', '309 X', '352 O', '54 O', '352 X'],
    notes: ['C0302', 'C0405', 'C0706'],
  },
  CSH: {
    name: 'Sales Requirements',
    elements: ['563 O', '306 X', '610 X', '508 X', '373 O', '563 O', '332 O', '1004 O', '306 X'],
  },
  SAC: {
    name: 'Service, Promotion, Allowance, or Charge Information',
    elements: [
      '248 M',
      '1300 X',
      '559 X',
      '1301 X',
      '610 O',
      '378 X',
      '332 X',
      '118 O',
      '355 X',
      '380 X',
      '380 O',
      '331 O',
      '127 X',
      '770 O',
      '352 X',
      '819 O',
    ],
    notes: ['R0203', 'P0304', 'P0607', 'P0910', 'C1413', 'C1615'],
  },
  ITD: {
    name: 'Terms of Sale/Deferred Terms of Sale',
    elements: [
      '336 O',
      '333 O',
      '338 O',
      '370 X',
      '351 X',
      '446 O',
      '386 O',
      '362 O',
      '388 O',
      '389 X',
      '342 X',
      '352 O',
      '765 X',
      '107 O',
      '954 O',
    ],
    notes: ['L03040513', 'L08040513', 'L091011'],
  },
  DTM: {
    name: 'Date/Time Reference',
    elements: ['374 M', '373 X', '337 X', '623 O', '1250 X', '1251 X'],
    notes: ['R020305', 'C0403', 'P0506'],
  },
  N9: {
    name: 'Reference Identification',
    elements: ['128 M', '127 X', '369 X', '373 O', '337 X', '623 O', 'C040 O'],
    notes: ['R0203', 'C0605'],
  },
  MSG: {
    name: 'Message Text',
    elements: ['933 M', '934 X', '1470 O'],
    notes: ['C0302'],
  },
  N1: {
    name: 'Name',
    elements: ['98 M', '93 X', '66 X', '67 X', '706 O', '98 O'],
    notes: ['R0203', 'P0304'],
  },
  N2: { name: 'Additional Name Information', elements: ['93 M', '93 O'] },
  N3: { name: 'Address Information', elements: ['166 M', '166 O'] },
  N4: {
    name: 'Geographic Location',
    elements: ['19 O', '156 O', '116 O', '26 O', '309 X', '310 O'],
    notes: ['C0605'],
  },
  PO1: {
    name: 'Baseline Item Data',
    elements: ['350 O', '330 X', '355 O', '212 X', '639 O', ...idPairs(10)],
    notes: ['C0302', 'C0504', ...pairNotes(6, 10)],
  },
  CTP: {
    name: 'Pricing Information',
    elements: [
      '687 O',
      '236 X',
      '212 X',
      '380 X',
      'C001 X',
      '648 O',
      '649 X',
      '782 O',
      '639 O',
      '499 O',
      '289 O',
    ],
    notes: ['P0405', 'C0607', 'C0902', 'C1002', 'C1103'],
  },
  PID: {
    name: 'Product/Item Description',
    elements: ['349 M', '750 O', '559 X', '751 X', '352 X', '752 O', '822 O', '1073 O', '819 O'],
    notes: ['C0403', 'R0405', 'C0703', 'C0804', 'C0905'],
  },
  SDQ: {
    name: 'Destination Quantity',
    elements: [
      '355 M',
      '66 O',
      '67 M',
      '380 M',
      ...Array.from({ length: 9 }, () => ['67 X', '380 X']).flat(),
      '310 O',
    ],
    notes: Array.from({ length: 9 }, (_, k) => `P${pad(5 + 2 * k)}${pad(6 + 2 * k)}`),
  },
  SI: {
    name: 'Service Characteristic Identification',
    elements: ['559 M', '1000 M', '234 M', ...Array.from({ length: 9 }, () => ['1000 X', '234 X']).flat()],
    notes: Array.from({ length: 9 }, (_, k) => `P${pad(4 + 2 * k)}${pad(5 + 2 * k)}`),
  },
  SLN: {
    name: 'Subline Item Detail',
    elements: ['350 M', '350 O', '662 M', '380 X', 'C001 X', '212 X', '639 O', '662 O', ...idPairs(10)],
    notes: ['P0405', 'C0706', 'C0806', ...pairNotes(9, 10)],
  },
  SCH: {
    name: 'Line Item Schedule',
    elements: [
      '380 M',
      '355 M',
      '98 X',
      '93 X',
      '374 M',
      '373 M',
      '337 O',
      '374 X',
      '373 X',
      '337 O',
      '326 O',
      '350 O',
    ],
    notes: ['C0304', 'L080910', 'C0908'],
  },
  AMT: { name: 'Monetary Amount', elements: ['522 M', '782 M', '478 O'] },
  CTT: {
    name: 'Transaction Totals',
    elements: ['354 M', '347 O', '81 X', '355 X', '183 X', '355 X', '352 O'],
    notes: ['P0304', 'P0506'],
  },
  ACK: {
    name: 'Line Item Acknowledgment',
    elements: [
      '668 M',
      '380 X',
      '355 X',
      '374 O',
      '373 X',
      '326 O',
      ...idPairs(10),
      '559 O',
      '822 O',
      '1271 X',
    ],
    notes: ['P0203', 'C0405', ...pairNotes(7, 10), 'C2827', 'C2927'],
  },
  POC: {
    name: 'Line Item Change',
    elements: ['350 O', '670 M', '330 O', '671 X', 'C001 X', '212 X', '639 O', ...idPairs(9)],
    notes: ['C030405', 'C0706', ...pairNotes(8, 9)],
  },
  ...LOGISTICS_SEGMENTS,
};

/** 005010: N4 gained N407 country subdivision (E0207: a state or a subdivision, not both). */
export const SEGMENTS_005010: X12SegmentDictionarySource = {
  ...SEGMENTS_004010,
  N4: {
    name: 'Geographic Location',
    elements: ['19 O', '156 X', '116 O', '26 X', '309 X', '310 O', '1715 X'],
    notes: ['E0207', 'C0605', 'C0704'],
  },
};
