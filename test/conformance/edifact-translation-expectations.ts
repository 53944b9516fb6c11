/**
 * What the D96A and D01B ORDERS, ORDRSP and DESADV files of the shared corpus translate to, written
 * from the files (their BGM, RFF+ON, LIN and QTY segments, read with grep) and the maps in
 * edi-maps/edifact before the translator ran on them. Nothing of the corpus is copied here.
 *
 * Per message: `outcome` (and the reason when there is no event), `numbers` the document numbers read
 * (ORDERS: BGM 1004; ORDRSP: the order answered, RFF+ON; DESADV: BGM 1004 then the order, RFF+ON),
 * `lines` the order lines (ORDERS, ORDRSP) or despatched items (DESADV), `quantity` their total:
 * ordered (QTY 21), confirmed (QTY 21, rejected lines at 0) or despatched (QTY 12). A message the
 * directory rejects has no reading at all (`rejected`, with the 0085 code that rejects it).
 */
export interface EdifactTranslationExpectation {
  /** `TYPE UNH0062`. */
  readonly message: string;
  readonly outcome: 'translated' | 'failed' | 'rejected' | 'not-translated';
  readonly numbers?: readonly string[];
  readonly lines?: number;
  readonly quantity?: string;
  /** For `failed`, `rejected` and `not-translated`: a fragment of the first problem. */
  readonly because?: string;
}

export interface EdifactTranslationFileExpectation {
  readonly file: string;
  readonly messages: readonly EdifactTranslationExpectation[];
  readonly notes: readonly string[];
}

/** The bots ORDERS carry no CUX: the event needs the order's currency. */
const NO_CURRENCY = 'payload.currency';

const botsOrder = (reference: string): EdifactTranslationExpectation => ({
  message: `ORDERS ${reference}`,
  outcome: 'failed',
  numbers: [reference],
  lines: 1,
  quantity: '1',
  because: NO_CURRENCY,
});

/** VERZENDVB7 … VERZENDVB1: two lines each, 48 + 250 despatched (VERZENDVB5: 48 + 5). */
const botsDesadv = (
  reference: string,
  bgm: string,
  order: string,
  total: string,
): EdifactTranslationExpectation => ({
  message: `DESADV ${reference}`,
  outcome: 'translated',
  numbers: [bgm, order],
  lines: 2,
  quantity: total,
});

export const EDIFACT_TRANSLATION_EXPECTATIONS: readonly EdifactTranslationFileExpectation[] = [
  {
    file: 'edifact/ORDERS/bots_orders_D96A_two-interchanges-one-file.edi',
    messages: [botsOrder('T0000000004-1'), botsOrder('T0000000004-2'), botsOrder('T0000000004-3')],
    notes: [
      'BGM 1001 "50E" is no order type the map knows: standard. LIN+1++2000100873151:EN, QTY+21:1, no unit: C62.',
      'No CUX, no NAD+ST/DP and no delivery date: valid EDIFACT, but not a complete canonical order (failed, read).',
    ],
  },
  {
    file: 'edifact/ORDERS/bots_orders_D96A_wrapped-80col.edi',
    messages: [botsOrder('T0000000015')],
    notes: ['DTM 137 wrapped inside its value (200508 / 19): the tokenizer drops the line break.'],
  },
  {
    file: 'edifact/ORDERS/phpedifact_orders_D01B_EAN010_large.edi',
    messages: [{ message: 'ORDERS 2019265563', outcome: 'rejected', because: '39' }],
    notes: [
      '146 LIN; 123 QTY carry a four-letter 6411 (GBND, PACK, SCHA) where D.01B allows an..3 (0085 39, UCD 1:3).',
      'The directory rejects the message, so it never becomes an event (the CONTRL lists each QTY).',
    ],
  },
  {
    file: 'edifact/ORDERS/smooks_orders_D03B_syntax4.edi',
    messages: [
      {
        message: 'ORDERS SSDD1',
        outcome: 'rejected',
        because: '0085 14 at 1 message ORDERS:D:03B:UN:EAN008 is not supported',
      },
    ],
    notes: [
      'D.03B is not a directory of this issue (D.96A and D.01B): not guessed, and rejected (CONTRL UCM 4 / 14 at UNH S009) rather than acknowledged and dropped.',
    ],
  },
  {
    file: 'edifact/ORDRSP/frends_ordrsp_D96A_EAN009.edi',
    messages: [
      { message: 'ORDRSP ME000001', outcome: 'translated', numbers: ['652744'], lines: 3, quantity: '48' },
    ],
    notes: [
      'BGM 1225 4: accepted with changes. LIN 1229: 5 accepted (no QTY), 3 changed (QTY+21:48), 7 not accepted (no QTY).',
      'PRI+AAA:550 without CUX: no price is read (a price needs its currency).',
    ],
  },
  {
    file: 'edifact/DESADV/phpedifact_desadv_D96A_version0.edi',
    messages: [
      {
        message: 'DESADV 142',
        outcome: 'rejected',
        because: '0085 14 at 1 message DESADV:0:96A:UN is not supported',
      },
    ],
    notes: [
      'UNH S009 says version "0", not "D": no directory is chosen by guessing; the message is rejected (UCM 4 / 14 at UNH S009).',
    ],
  },
  {
    file: 'edifact/DESADV/bots_desadv_D96A_EAN005_generated.edi',
    messages: [
      {
        message: 'DESADV 1',
        outcome: 'translated',
        numbers: ['VERZENDVB8', '124'],
        lines: 12,
        // 1 + 20 + 300 + … + 110000000000 + 121212121212.121, written with three decimals.
        quantity: '242199775533.121',
      },
      botsDesadv('2', 'VERZENDVB7', '123', '298'),
      botsDesadv('3', 'VERZENDVB6', '122', '298'),
      botsDesadv('4', 'VERZENDVB5', '121', '53'),
      botsDesadv('5', 'VERZENDVB4', '120', '298'),
      botsDesadv('6', 'VERZENDVB3', '119', '298'),
      botsDesadv('7', 'VERZENDVB2', '118', '298'),
      botsDesadv('8', 'VERZENDVB1', '117', '298'),
    ],
    notes: [
      'One CPS per message, LIN directly below it (no PAC, no SSCC): one pack without SSCC per message.',
      'QTY+12 with three decimals and no unit: exact decimals, unit C62.',
    ],
  },
];
