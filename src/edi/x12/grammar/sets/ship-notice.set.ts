import type { X12SetSource } from '../grammar.types.js';

/**
 * 856 Ship Notice/Manifest (004010 and 005010 tables): one flat HL loop; the hierarchy (shipment,
 * order, tare, pack, item) is carried by HL01/HL02 and checked by `hierarchy.ts`, not by nesting.
 */
export const SET_856: X12SetSource = {
  setId: '856',
  name: 'Ship Notice/Manifest',
  functionalId: 'SH',
  body: [
    'BSN M 1',
    'DTM O 10',
    {
      loop: 'HL',
      usage: 'M',
      max: 200000,
      children: [
        'HL M 1',
        'LIN O 1',
        'SN1 O 1',
        'SLN O 1000',
        'PRF O 1',
        'PO4 O 1',
        'PID O 200',
        'MEA O 40',
        'PWK O 25',
        'PKG O 25',
        'TD1 O 20',
        'TD5 O 10',
        'TD3 O 12',
        'TD4 O 5',
        'REF O >1',
        'PER O 3',
        { loop: 'HL/CLD', code: 'CLD', usage: 'O', max: 200, children: ['CLD O 1', 'REF O 200'] },
        'MAN O >1',
        'DTM O 10',
        'FOB O 1',
        {
          loop: 'HL/N1',
          code: 'N1',
          usage: 'O',
          max: 200,
          children: ['N1 O 1', 'N2 O 2', 'N3 O 2', 'N4 O 1', 'REF O 12', 'PER O 3', 'FOB O 1'],
        },
        'SDQ O 50',
        'CUR O 1',
        { loop: 'HL/SAC', code: 'SAC', usage: 'O', max: '>1', children: ['SAC O 1', 'CUR O 1'] },
      ],
    },
    'CTT O 1',
  ],
};
