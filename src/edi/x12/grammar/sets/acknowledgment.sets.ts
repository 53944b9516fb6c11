import type { X12SetSource } from '../grammar.types.js';

/**
 * 997 Functional Acknowledgment (X12.6 §5; 004010 and 005010 tables) and 999 Implementation
 * Acknowledgment (005010, 005010X231 table). Per acknowledged set an AK2 loop: its segment notes
 * (AK3 with up to 99 AK4, or IK3 with its CTX and IK4 loops) and the mandatory AK5 / IK5. 004010 bounds
 * the loops at 999999; 005010 leaves them unbounded.
 */
const set997 = (max: number | '>1'): X12SetSource => ({
  setId: '997',
  name: 'Functional Acknowledgment',
  functionalId: 'FA',
  body: [
    'AK1 M 1',
    {
      loop: 'AK2',
      usage: 'O',
      max,
      children: [
        'AK2 O 1',
        { loop: 'AK2/AK3', code: 'AK3', usage: 'O', max, children: ['AK3 O 1', 'AK4 O 99'] },
        'AK5 M 1',
      ],
    },
    'AK9 M 1',
  ],
});

export const SET_997_004010: X12SetSource = set997(999999);
export const SET_997_005010: X12SetSource = set997('>1');

export const SET_999: X12SetSource = {
  setId: '999',
  name: 'Implementation Acknowledgment',
  functionalId: 'FA',
  body: [
    'AK1 M 1',
    {
      loop: 'AK2',
      usage: 'O',
      max: '>1',
      children: [
        'AK2 O 1',
        {
          loop: 'AK2/IK3',
          code: 'IK3',
          usage: 'O',
          max: '>1',
          children: [
            'IK3 O 1',
            'CTX O 10',
            {
              loop: 'AK2/IK3/IK4',
              code: 'IK4',
              usage: 'O',
              max: '>1',
              children: ['IK4 O 1', 'CTX O 10'],
            },
          ],
        },
        'IK5 M 1',
      ],
    },
    'AK9 M 1',
  ],
};
