import type { X12SegmentDictionarySource } from '../grammar.types.js';
import { idPairs, pairNotes } from './segment-helpers.js';

/**
 * Packaging, carrier, measurement and ship-notice segments (X12 004010 segment directory; 005010
 * keeps them as they are for the elements used here).
 */
export const LOGISTICS_SEGMENTS: X12SegmentDictionarySource = {
  PKG: {
    name: 'Marking, Packaging, Loading',
    elements: ['349 X', '753 O', '559 X', '754 X', '352 X', '400 O'],
    notes: ['R040506', 'C0403'],
  },
  TD1: {
    name: 'Carrier Details (Quantity and Weight)',
    elements: ['103 O', '80 X', '23 O', '22 X', '79 O', '187 O', '81 X', '355 X', '183 X', '355 X'],
    notes: ['C0102', 'C0304', 'C0607', 'P0708', 'P0910'],
  },
  TD5: {
    name: 'Carrier Details (Routing Sequence/Transit Time)',
    elements: [
      '133 O',
      '66 X',
      '67 X',
      '91 X',
      '387 X',
      '368 X',
      '309 O',
      '310 X',
      '731 O',
      '732 X',
      '733 X',
      '284 X',
      '284 O',
      '284 O',
      '26 O',
    ],
    notes: ['R0204050612', 'C0203', 'C0708', 'C1011', 'C1312', 'C1413', 'C1512'],
  },
  TD3: {
    name: 'Carrier Details (Equipment)',
    elements: ['40 X', '206 O', '207 X', '187 O', '81 X', '355 O', '183 O', '355 O', '225 O', '24 O'],
    notes: ['E0110', 'C0203', 'C0405', 'P0506'],
  },
  TD4: {
    name: 'Carrier Details (Special Handling, or Hazardous Materials, or Both)',
    elements: ['152 X', '208 X', '209 X', '352 X', '1073 O'],
    notes: ['R010204', 'C0203'],
  },
  MEA: {
    name: 'Measurements',
    elements: ['737 O', '738 X', '739 X', 'C001 X', '740 X', '741 X', '935 O', '936 X', '752 O', '1373 O'],
    notes: ['R03050608', 'C0504', 'C0604', 'L07030506', 'E0803'],
  },
  PO4: {
    name: 'Item Physical Details',
    elements: [
      '356 O',
      '357 X',
      '355 X',
      '103 X',
      '187 X',
      '384 X',
      '355 X',
      '385 X',
      '355 X',
      '82 X',
      '189 X',
      '65 X',
      '355 X',
      '810 O',
      '752 O',
      '350 X',
      '350 O',
      '1470 O',
    ],
    notes: ['C0203', 'C0506', 'P0607', 'P0809', 'C1013', 'C1113', 'C1213', 'L13101112', 'C1716'],
  },
  HL: {
    name: 'Hierarchical Level',
    elements: ['628 M', '734 O', '735 M', '736 O'],
  },
  LIN: {
    name: 'Item Identification',
    elements: ['350 O', '235 M', '234 M', ...idPairs(14)],
    notes: pairNotes(4, 14),
  },
  SN1: {
    name: 'Item Detail (Shipment)',
    elements: ['350 O', '382 M', '355 M', '646 O', '330 X', '355 X', '728 O', '668 O'],
    notes: ['P0506'],
  },
  PRF: {
    name: 'Purchase Order Reference',
    elements: ['324 M', '328 O', '327 O', '373 O', '350 O', '367 O', '92 O'],
  },
  MAN: {
    name: 'Marks and Numbers',
    elements: ['88 M', '87 M', '87 O', '88 X', '87 X', '87 O'],
    notes: ['P0405', 'C0604'],
  },
  CLD: {
    name: 'Load Detail',
    elements: ['622 M', '382 M', '103 O', '357 O', '355 O'],
  },
  PWK: {
    name: 'Paperwork',
    elements: ['755 M', '756 O', '757 O', '98 O', '66 X', '67 X', '352 O'],
    notes: ['P0506'],
  },
};
