import type { X12LoopSource, X12NodeSource } from '../grammar.types.js';

/**
 * Loops that recur in the purchasing sets with the same content (X12 004010/005010 tables for 850,
 * 855, 860, 865). `prefix` makes their ids unique inside one set ("PO1/N1" vs the header's "N1").
 */
const id = (prefix: string, loop: string): string => (prefix ? `${prefix}/${loop}` : loop);

export const sacLoop = (prefix = ''): X12LoopSource => ({
  loop: id(prefix, 'SAC'),
  usage: 'O',
  max: 25,
  children: ['SAC O 1', 'CUR O 1'],
});

export const ctpLoop = (prefix: string): X12LoopSource => ({
  loop: id(prefix, 'CTP'),
  usage: 'O',
  max: '>1',
  children: ['CTP O 1', 'CUR O 1'],
});

export const pidLoop = (prefix: string): X12LoopSource => ({
  loop: id(prefix, 'PID'),
  usage: 'O',
  max: 1000,
  children: ['PID O 1', 'MEA O 10'],
});

export const n9Loop = (prefix = ''): X12LoopSource => ({
  loop: id(prefix, 'N9'),
  usage: 'O',
  max: 1000,
  children: ['N9 O 1', 'DTM O >1', 'MSG O 1000'],
});

/** Party loop: N1 with its address, references, contacts and party-specific logistics. */
export const n1Loop = (prefix = '', withDates = false): X12LoopSource => ({
  loop: id(prefix, 'N1'),
  usage: 'O',
  max: 200,
  children: [
    'N1 O 1',
    'N2 O 2',
    'N3 O 2',
    'N4 O >1',
    'REF O 12',
    'PER O >1',
    'SI O >1',
    ...(withDates ? ['DTM O 1'] : []),
    'FOB O 1',
    'TD1 O 2',
    'TD5 O 12',
    'TD3 O 12',
    'TD4 O 5',
    'PKG O 200',
  ],
});

export const schLoop = (prefix: string): X12LoopSource => ({
  loop: id(prefix, 'SCH'),
  usage: 'O',
  max: 200,
  children: ['SCH O 1', 'TD1 O 2', 'TD5 O 12', 'TD3 O 12', 'TD4 O 5', 'REF O >1'],
});

export const ackLoop = (prefix: string): X12LoopSource => ({
  loop: id(prefix, 'ACK'),
  usage: 'O',
  max: 104,
  children: ['ACK O 1', 'DTM O 10'],
});

export const slnLoop = (prefix: string): X12LoopSource => ({
  loop: id(prefix, 'SLN'),
  usage: 'O',
  max: 1000,
  children: ['SLN O 1', 'MSG O >1', 'SI O >1', 'PID O 1000', 'DTM O 10', 'CTP O 25', 'PO4 O 1', 'REF O >1'],
});

/** Summary: CTT loop with its AMT (optional in 004010 and 005010). */
export const cttLoop: X12LoopSource = {
  loop: 'CTT',
  usage: 'O',
  max: 1,
  children: ['CTT O 1', 'AMT O 1'],
};

/** Header segments shared by the purchase order family, after the beginning segment. */
export const PURCHASING_HEADER: readonly X12NodeSource[] = [
  'CUR O 1',
  'REF O >1',
  'PER O 3',
  'FOB O >1',
  'CTP O >1',
  'CSH O 5',
  sacLoop(),
  'ITD O >1',
  'DTM O 10',
  'SI O >1',
  'PID O 200',
  'MEA O 40',
  'PWK O 25',
  'PKG O 200',
  'TD1 O 2',
  'TD5 O 12',
  'TD3 O 12',
  'TD4 O 5',
  'MAN O 10',
];

/**
 * Line loop content after the line's first segment (PO1 or POC); `ack` adds the 855/865 ACK loop
 * before the schedule, where those sets place it.
 */
export function lineContent(prefix: string, ack: boolean): X12NodeSource[] {
  return [
    'LIN O >1',
    'SI O >1',
    'CUR O 1',
    ctpLoop(prefix),
    'MEA O 40',
    pidLoop(prefix),
    'PWK O 25',
    'PO4 O >1',
    'REF O >1',
    'PER O 3',
    sacLoop(prefix),
    'CSH O >1',
    'ITD O 2',
    'FOB O >1',
    'SDQ O 500',
    'DTM O 10',
    'TD1 O 1',
    'TD5 O 12',
    'TD3 O 12',
    'TD4 O 5',
    'MAN O 10',
    'MSG O 12',
    ...(ack ? [ackLoop(prefix)] : []),
    schLoop(prefix),
    'PKG O 200',
    n9Loop(prefix),
    n1Loop(prefix, true),
    slnLoop(prefix),
    { loop: `${prefix}/AMT`, usage: 'O', max: '>1', children: ['AMT O 1', 'REF O 1', 'DTM O 1'] },
  ];
}
