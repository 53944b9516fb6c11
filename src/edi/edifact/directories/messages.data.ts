import type {
  EdifactGroupSource,
  EdifactMessageSource,
  EdifactNodeSource,
  EdifactSubsetSource,
} from './directory.types.js';

/**
 * Message structures of UNTDID D.96A (UNSM ORDERS, ORDCHG, ORDRSP, DESADV, APERAK) and the syntax 3
 * CONTRL (ISO 9735 / UN/ECE TRADE/WP.4), as segment groups in directory order. Group numbers follow
 * the D.96A ORDERS branching diagram; ORDCHG and ORDRSP share its skeleton in every segment they use
 * (their differences are in groups these maps never read: SG8 PAT in ORDCHG, SG19 RCS in ORDRSP).
 * DESADV differs by directory: D.96A's is checked against its segment table, D.01B's is not (yet).
 * Segments without a dictionary entry (FII, DOC, PAT, ALC …) are placed, and their elements not checked.
 */
function g(
  group: string,
  status: 'M' | 'C',
  max: number,
  ...children: EdifactNodeSource[]
): EdifactGroupSource {
  return { group, status, max, children };
}

/** NAD and what hangs below it (SG2–SG5 at the header, SG35–SG38 in a line). */
const party = (n: number, max: number): EdifactGroupSource =>
  g(
    `SG${n}`,
    'C',
    max,
    'NAD M 1',
    'LOC C 99',
    'FII C 5',
    g(`SG${n + 1}`, 'C', 10, 'RFF M 1', 'DTM C 5'),
    g(`SG${n + 2}`, 'C', 5, 'DOC M 1', 'DTM C 5'),
    g(`SG${n + 3}`, 'C', 5, 'CTA M 1', 'COM C 5'),
  );

const allowance = (n: number, max: number): EdifactGroupSource =>
  g(
    `SG${n}`,
    'C',
    max,
    'ALC M 1',
    'ALI C 5',
    'DTM C 5',
    g(`SG${n + 1}`, 'C', 1, 'QTY M 1', 'RNG C 1'),
    g(`SG${n + 2}`, 'C', 1, 'PCD M 1', 'RNG C 1'),
    g(`SG${n + 3}`, 'C', 2, 'MOA M 1', 'RNG C 1'),
    g(`SG${n + 4}`, 'C', 1, 'RTE M 1', 'RNG C 1'),
    g(`SG${n + 5}`, 'C', 5, 'TAX M 1', 'MOA C 1'),
  );

/** The order messages' body: ORDERS, and in the parts used here ORDCHG and ORDRSP. */
function orderBody(): EdifactNodeSource[] {
  return [
    'BGM M 1',
    'DTM M 35',
    'PAI C 1',
    'ALI C 5',
    'IMD C 999',
    'FTX C 99',
    g('SG1', 'C', 10, 'RFF M 1', 'DTM C 5'),
    party(2, 99),
    g('SG6', 'C', 5, 'TAX M 1', 'MOA C 1', 'LOC C 5'),
    g('SG7', 'C', 5, 'CUX M 1', 'PCD C 5', 'DTM C 5'),
    g('SG8', 'C', 10, 'PAT M 1', 'DTM C 5', 'PCD C 1', 'MOA C 1'),
    g('SG9', 'C', 10, 'TDT M 1', g('SG10', 'C', 10, 'LOC M 1', 'DTM C 5')),
    g('SG11', 'C', 5, 'TOD M 1', 'LOC C 2'),
    g('SG12', 'C', 10, 'PAC M 1', 'MEA C 5', g('SG13', 'C', 5, 'PCI M 1', 'RFF C 1', 'DTM C 5', 'GIN C 10')),
    g('SG14', 'C', 10, 'EQD M 1', 'HAN C 5', 'MEA C 5', 'FTX C 5'),
    allowance(15, 15),
    g('SG21', 'C', 10, 'RCS M 1', 'RFF C 5', 'DTM C 5', 'FTX C 5'),
    g('SG22', 'C', 10, 'SCC M 1', 'FTX C 5', 'RFF C 5', g('SG23', 'C', 10, 'QTY M 1', 'DTM C 5')),
    g('SG24', 'C', 10, 'APR M 1', 'DTM C 5', 'RNG C 1'),
    g(
      'SG25',
      'C',
      200000,
      'LIN M 1',
      'PIA C 25',
      'IMD C 99',
      'MEA C 99',
      'QTY C 99',
      'PCD C 5',
      'ALI C 5',
      'DTM C 35',
      'MOA C 10',
      'GIN C 127',
      'GIR C 1',
      'QVR C 1',
      'DOC C 99',
      'PAI C 1',
      'FTX C 99',
      g('SG26', 'C', 999, 'CCI M 1', 'CAV C 10', 'MEA C 10'),
      g('SG27', 'C', 10, 'PAT M 1', 'DTM C 5', 'PCD C 1', 'MOA C 1'),
      g('SG28', 'C', 25, 'PRI M 1', 'CUX C 1', 'APR C 1', 'RNG C 1', 'DTM C 5'),
      g('SG29', 'C', 10, 'RFF M 1', 'DTM C 5'),
      g(
        'SG30',
        'C',
        10,
        'PAC M 1',
        'MEA C 5',
        'QTY C 5',
        'DTM C 5',
        g('SG31', 'C', 1, 'RFF M 1', 'DTM C 5'),
        g('SG32', 'C', 10, 'PCI M 1', 'RFF C 1', 'DTM C 5', 'GIN C 10'),
      ),
      g('SG33', 'C', 9999, 'LOC M 1', 'QTY C 1', 'DTM C 5'),
      g('SG34', 'C', 10, 'TAX M 1', 'MOA C 1', 'LOC C 5'),
      party(35, 999),
      allowance(39, 15),
      g('SG45', 'C', 10, 'TDT M 1', g('SG46', 'C', 10, 'LOC M 1', 'DTM C 5')),
      g('SG47', 'C', 5, 'TOD M 1', 'LOC C 2'),
      g('SG48', 'C', 10, 'EQD M 1', 'HAN C 5', 'MEA C 5', 'FTX C 5'),
      g('SG49', 'C', 100, 'SCC M 1', 'FTX C 5', 'RFF C 5', g('SG50', 'C', 10, 'QTY M 1', 'DTM C 5')),
      g('SG51', 'C', 10, 'RCS M 1', 'RFF C 5', 'DTM C 5', 'FTX C 5'),
    ),
    'UNS M 1',
    'MOA C 12',
    'CNT C 10',
    g('SG55', 'C', 10, 'ALC M 1', 'ALI C 1', 'MOA C 2'),
  ];
}

/**
 * DESADV in D.96A, as the UNSM's segment table gives it (UNTDID D.96A desadv_s: SG2 NAD up to 10, SG14
 * GIN up to 99 with DLM 10, LIN MOA, SG19 SGP, SG22 HAN before SG23 QVR, CNT up to 5).
 */
const DESADV_D96A: EdifactNodeSource[] = [
  'BGM M 1',
  'DTM C 10',
  'ALI C 5',
  'MEA C 5',
  'MOA C 5',
  g('SG1', 'C', 10, 'RFF M 1', 'DTM C 1'),
  g(
    'SG2',
    'C',
    10,
    'NAD M 1',
    'LOC C 10',
    g('SG3', 'C', 10, 'RFF M 1', 'DTM C 1'),
    g('SG4', 'C', 10, 'CTA M 1', 'COM C 5'),
  ),
  g('SG5', 'C', 10, 'TOD M 1', 'LOC C 5', 'FTX C 5'),
  g('SG6', 'C', 10, 'TDT M 1', 'PCD C 6', g('SG7', 'C', 10, 'LOC M 1', 'DTM C 10')),
  g('SG8', 'C', 10, 'EQD M 1', 'MEA C 5', 'SEL C 25', 'EQA C 5', g('SG9', 'C', 10, 'HAN M 1', 'FTX C 10')),
  g(
    'SG10',
    'C',
    9999,
    'CPS M 1',
    'FTX C 5',
    g(
      'SG11',
      'C',
      9999,
      'PAC M 1',
      'MEA C 10',
      'QTY C 10',
      g('SG12', 'C', 10, 'HAN M 1', 'FTX C 10'),
      g(
        'SG13',
        'C',
        1000,
        'PCI M 1',
        'RFF C 1',
        'DTM C 5',
        'GIR C 99',
        g('SG14', 'C', 99, 'GIN M 1', 'DLM C 10'),
      ),
    ),
    g(
      'SG15',
      'C',
      9999,
      'LIN M 1',
      'PIA C 10',
      'IMD C 25',
      'MEA C 10',
      'QTY C 10',
      'ALI C 10',
      'GIN C 100',
      'GIR C 100',
      'DLM C 100',
      'DTM C 5',
      'FTX C 5',
      'MOA C 5',
      g('SG16', 'C', 10, 'RFF M 1', 'DTM C 1'),
      g('SG17', 'C', 10, 'DGS M 1', 'QTY C 1', 'FTX C 5'),
      g('SG18', 'C', 100, 'LOC M 1', 'NAD C 1', 'DTM C 1', 'QTY C 10'),
      g('SG19', 'C', 1000, 'SGP M 1', 'QTY C 10'),
      g(
        'SG20',
        'C',
        9999,
        'PCI M 1',
        'DTM C 5',
        'MEA C 10',
        'QTY C 1',
        g('SG21', 'C', 10, 'GIN M 1', 'DLM C 100'),
        g('SG22', 'C', 10, 'HAN M 1', 'FTX C 5', 'GIN C 1000'),
      ),
      g('SG23', 'C', 10, 'QVR M 1', 'DTM C 5'),
    ),
  ),
  'CNT C 5',
];

/** DESADV in D.01B as kept before the D.96A check (no D.01B message text was found to check it). */
const DESADV_D01B: EdifactNodeSource[] = [
  'BGM M 1',
  'DTM C 10',
  'ALI C 5',
  'MEA C 5',
  'MOA C 5',
  g('SG1', 'C', 10, 'RFF M 1', 'DTM C 1'),
  g(
    'SG2',
    'C',
    99,
    'NAD M 1',
    'LOC C 10',
    g('SG3', 'C', 10, 'RFF M 1', 'DTM C 1'),
    g('SG4', 'C', 10, 'CTA M 1', 'COM C 5'),
  ),
  g('SG5', 'C', 10, 'TOD M 1', 'LOC C 5', 'FTX C 5'),
  g('SG6', 'C', 10, 'TDT M 1', 'PCD C 10', g('SG7', 'C', 10, 'LOC M 1', 'DTM C 10')),
  g('SG8', 'C', 10, 'EQD M 1', 'MEA C 5', 'SEL C 25', 'EQA C 5', g('SG9', 'C', 10, 'HAN M 1', 'FTX C 10')),
  g(
    'SG10',
    'C',
    9999,
    'CPS M 1',
    'FTX C 5',
    g(
      'SG11',
      'C',
      9999,
      'PAC M 1',
      'MEA C 10',
      'QTY C 10',
      g('SG12', 'C', 10, 'HAN M 1', 'FTX C 10'),
      g(
        'SG13',
        'C',
        1000,
        'PCI M 1',
        'RFF C 1',
        'DTM C 5',
        'GIR C 99',
        g('SG14', 'C', 10, 'GIN M 1', 'DLM C 100'),
      ),
    ),
    g(
      'SG15',
      'C',
      9999,
      'LIN M 1',
      'PIA C 10',
      'IMD C 25',
      'MEA C 10',
      'QTY C 10',
      'ALI C 10',
      'GIN C 100',
      'GIR C 100',
      'DLM C 100',
      'DTM C 5',
      'FTX C 5',
      g('SG16', 'C', 10, 'RFF M 1', 'DTM C 1'),
      g('SG17', 'C', 10, 'DGS M 1', 'QTY C 1', 'FTX C 5'),
      g('SG18', 'C', 100, 'LOC M 1', 'NAD C 1', 'DTM C 1', 'QTY C 10'),
      g(
        'SG20',
        'C',
        1000,
        'PCI M 1',
        'DTM C 5',
        'MEA C 10',
        'QTY C 1',
        g('SG21', 'C', 10, 'GIN M 1', 'DLM C 100'),
      ),
      g('SG22', 'C', 10, 'QVR M 1', 'DTM C 5', 'RFF C 1'),
    ),
  ),
  'CNT C 10',
];

const APERAK: EdifactNodeSource[] = [
  'BGM M 1',
  'DTM C 9',
  'FTX C 9',
  'CNT C 9',
  g('SG1', 'C', 9, 'RFF M 1', 'DTM C 9'),
  g('SG2', 'C', 9, 'NAD M 1', 'CTA C 9', 'COM C 9'),
  g('SG3', 'C', 99999, 'ERC M 1', 'FTX C 1', g('SG4', 'C', 1, 'RFF M 1', 'FTX C 9')),
];

/** CONTRL, syntax 3 (`CONTRL:D:3:UN`): the same for every directory. */
export const CONTRL: EdifactMessageSource = {
  type: 'CONTRL',
  name: 'Syntax and service report',
  body: [
    'UCI M 1',
    g('SG1', 'C', 999999, 'UCM M 1', g('SG2', 'C', 999, 'UCS M 1', 'UCD C 99')),
    g(
      'SG3',
      'C',
      999999,
      'UCF M 1',
      g('SG4', 'C', 999999, 'UCM M 1', g('SG5', 'C', 999, 'UCS M 1', 'UCD C 99')),
    ),
  ],
};

const messages = (desadv: EdifactNodeSource[]): readonly EdifactMessageSource[] => [
  { type: 'ORDERS', name: 'Purchase order', body: orderBody() },
  { type: 'ORDCHG', name: 'Purchase order change request', body: orderBody() },
  { type: 'ORDRSP', name: 'Purchase order response', body: orderBody() },
  { type: 'DESADV', name: 'Despatch advice', body: desadv },
  { type: 'APERAK', name: 'Application error and acknowledgement', body: APERAK },
  CONTRL,
];
export const MESSAGES_D96A = messages(DESADV_D96A);
export const MESSAGES_D01B = messages(DESADV_D01B);

/**
 * EANCOM subsets where they differ from the UNSM in what is checked here: EANCOM 1997 (D.96A) and
 * 2002 (D.01B) ORDERS, ORDCHG and ORDRSP require the party group (buyer and supplier), DESADV
 * requires the party group and the packing hierarchy (SG10 CPS), and leave out equipment (EQD).
 */
const orderSubset = (message: string, subset: string): EdifactSubsetSource => ({
  subset,
  message,
  mandatory: ['NAD'],
  removed: ['EQD', 'LIN/EQD'],
});
export const SUBSETS_D96A: readonly EdifactSubsetSource[] = [
  ...['EAN008', 'EAN009', 'EAN010'].flatMap((s) =>
    ['ORDERS', 'ORDCHG', 'ORDRSP'].map((m) => orderSubset(m, s)),
  ),
  ...['EAN005', 'EAN006', 'EAN007'].map((subset): EdifactSubsetSource => ({
    subset,
    message: 'DESADV',
    mandatory: ['NAD', 'CPS'],
    removed: ['EQD'],
  })),
];
