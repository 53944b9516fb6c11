/**
 * What the 004010 and 005010 850/855/856/865 files of the shared corpus translate to, written from
 * the files (their BEG/BAK/BCA/BSN, PRF, PO1/ACK/POC and SN1 segments) and the maps in edi-maps/x12
 * before the translator ran on them. Nothing of the corpus is copied here.
 *
 * Per transaction set: `event` says whether it becomes a canonical event (the reason when not), `po`
 * the purchase order number(s) read, `lines` the order lines (855/865) or shipped items (856),
 * `quantity` their total: ordered (850, PO102), confirmed (855, ACK02; 865, POC03 with rejected
 * lines at 0) or shipped (856, SN102). A set the grammar rejects has no reading at all (`rejected`).
 * Sets without an event are still read: the numbers are asserted on the map's reading.
 */
export interface TranslationExpectation {
  readonly st: string;
  readonly outcome: 'translated' | 'failed' | 'rejected' | 'not-translated';
  readonly po?: readonly string[];
  readonly lines?: number;
  readonly quantity?: string;
  /** For `failed`: a fragment of the first problem that stops the event. */
  readonly because?: string;
}

export interface TranslationFileExpectation {
  readonly file: string;
  readonly sets: readonly TranslationExpectation[];
  readonly notes: readonly string[];
}

const NO_CURRENCY = 'payload.currency';
const NO_DELIVERY_DATE = 'deliveryDate';

export const X12_TRANSLATION_EXPECTATIONS: readonly TranslationFileExpectation[] = [
  {
    file: 'x12/850/bots_850_004010VICS_binary-delims_large.edi',
    sets: [
      {
        st: '850 000004422',
        outcome: 'failed',
        po: ['15918851602'],
        lines: 64,
        quantity: '596',
        because: NO_DELIVERY_DATE,
      },
      {
        st: '850 000004423',
        outcome: 'failed',
        po: ['15918861602'],
        lines: 58,
        quantity: '427',
        because: NO_DELIVERY_DATE,
      },
      {
        st: '850 000004424',
        outcome: 'failed',
        po: ['15918871602'],
        lines: 25,
        quantity: '219',
        because: NO_DELIVERY_DATE,
      },
      {
        st: '850 000004425',
        outcome: 'failed',
        po: ['15918881602'],
        lines: 22,
        quantity: '634',
        because: NO_DELIVERY_DATE,
      },
    ],
    notes: [
      'CUR*BY*CAD and N1*ST**92 are there, but only DTM 063/064 (do not deliver before/after): no delivery date, which an order line must have',
    ],
  },
  {
    file: 'x12/850/bots_850_004010_ebcdic-80col-records.edi',
    sets: [
      { st: '850 0278', outcome: 'failed', po: ['12345678'], lines: 4, quantity: '5', because: NO_CURRENCY },
    ],
    notes: ['no CUR segment: an order has a currency'],
  },
  {
    file: 'x12/850/bots_850_004010_pipe-multi-st.edi',
    sets: [
      {
        st: '850 0001',
        outcome: 'failed',
        po: ['P1234567'],
        lines: 5,
        quantity: '862',
        because: NO_CURRENCY,
      },
      { st: '850 0002', outcome: 'failed', po: ['Q1234567'], lines: 2, quantity: '55', because: NO_CURRENCY },
      {
        st: '850 0003',
        outcome: 'failed',
        po: ['V1234567'],
        lines: 1,
        quantity: '5000',
        because: NO_CURRENCY,
      },
      {
        st: '850 0004',
        outcome: 'failed',
        po: ['W1234567'],
        lines: 11,
        quantity: '2691',
        because: NO_CURRENCY,
      },
    ],
    notes: ['no CUR; N1*ST with qualifier 15 still gives the ship-to code (N104)'],
  },
  {
    file: 'x12/850/bots_850_004010_wrapped-80col.edi',
    sets: [
      { st: '850 0007', outcome: 'failed', po: ['801104'], lines: 3, quantity: '89', because: NO_CURRENCY },
      { st: '850 0001', outcome: 'rejected' },
    ],
    notes: [
      'CUR*ZZ*USD: the currency of an unknown entity is not the buyer currency (CUR01 BY)',
      'the second set is rejected by its grammar (DTM05 century, see x12-expectations.ts): never an event',
    ],
  },
  {
    file: 'x12/850/ediengine_850_composite-SLN.edi',
    sets: [
      {
        st: '850 000000010',
        outcome: 'failed',
        po: ['08292233294'],
        lines: 2,
        quantity: '340',
        because: NO_CURRENCY,
      },
    ],
    notes: ['SLN sublines are not order lines'],
  },
  {
    file: 'x12/850/nodex12_850_004010VICS_newline-terminator.edi',
    sets: [
      {
        st: '850 000000010',
        outcome: 'failed',
        po: ['08292233294'],
        lines: 6,
        quantity: '1310',
        because: NO_CURRENCY,
      },
    ],
    notes: [],
  },
  {
    file: 'x12/850/oopfactory_850_adobe_tilde-element-sep.edi',
    sets: [
      {
        st: '850 114640004',
        outcome: 'failed',
        po: ['TLP-X12'],
        lines: 1,
        quantity: '1',
        because: NO_CURRENCY,
      },
    ],
    notes: ['CUR*SE*USD names the seller currency, not the order (buyer) currency'],
  },
  {
    file: 'x12/850/oopfactory_850_pgwglass_pipe-terminator.edi',
    sets: [{ st: '850 0001', outcome: 'translated', po: ['S41000439'], lines: 4, quantity: '20' }],
    notes: ['BEG01 05: a replacement; CUR*BY*USD, N1*ST**92, DTM*002 per line: a complete order'],
  },
  {
    file: 'x12/855/nodex12_855_004010_book-ack.edi',
    sets: [{ st: '855 0005', outcome: 'translated', po: ['POTEST1112'], lines: 4, quantity: '5' }],
    notes: [
      'ACK IA 3, IR 0, IR 0, IA 2: confirmed 5 of 8 ordered; BAK02 AD with rejected lines is accepted-with-changes',
      'ACK04/05 are empty: no confirmed schedule',
    ],
  },
  {
    file: 'x12/855/staedi_855_004010_two-st-in-group.edi',
    sets: [
      { st: '855 0001', outcome: 'translated', po: ['ORDER1'], lines: 0, quantity: '0' },
      { st: '855 0002', outcome: 'translated', po: ['ORDER2'], lines: 0, quantity: '0' },
    ],
    notes: ['an acknowledgment without detail (BAK only) is complete'],
  },
  {
    file: 'x12/855/stedi_855_005010_dropship.edi',
    sets: [{ st: '855 0001', outcome: 'translated', po: ['365465413'], lines: 2, quantity: '12' }],
    notes: ['no CUR: the line prices are not carried (docs/edi-x12.md)'],
  },
  {
    file: 'x12/856/bots_856_004010_SOPI_large.edi',
    sets: [
      { st: '856 0062', outcome: 'failed', po: ['ordernumber'], lines: 58, quantity: '427', because: 'SSCC' },
    ],
    notes: ['MAN*GM carries 22 digits: not an SSCC (18, or 00 + 18)'],
  },
  {
    file: 'x12/856/ediengine_856_004010_crossdock_SOPI.edi',
    sets: [
      {
        st: '856 0001',
        outcome: 'failed',
        po: ['POREF00', 'POREF01'],
        lines: 5,
        quantity: '60',
        because: 'lineNumber',
      },
    ],
    notes: ['LIN01 is empty and no PL qualifier: the order line an item ships against is unknown'],
  },
  {
    file: 'x12/856/oopfactory_856_SOI_no-parent-HL.edi',
    sets: [{ st: '856 0414', outcome: 'rejected' }],
    notes: ['rejected by its grammar (N402 too long)'],
  },
  {
    file: 'x12/856/oopfactory_856_ellipsis-terminator_SI.edi',
    sets: [
      { st: '856 0022', outcome: 'failed', po: [], lines: 3, quantity: '4188', because: 'purchaseOrder' },
    ],
    notes: ['S/I without an order level: PRF sits on the items, so no order is named'],
  },
  {
    file: 'x12/856/oopfactory_856_tilde-elemsep_star-terminator.edi',
    sets: [{ st: '856 0001', outcome: 'translated', po: ['123456'], lines: 3, quantity: '55' }],
    notes: ['S/O/I: one pack without SSCC per order; SN1 in PC and LB'],
  },
  {
    file: 'x12/865/oopfactory_865_advanceautoparts.edi',
    sets: [{ st: '865 0004', outcome: 'rejected' }],
    notes: ['rejected by its grammar (DTM02 of 9 digits)'],
  },
  {
    file: 'x12/865/oopfactory_865_mclane_crlf-terminator.edi',
    sets: [{ st: '865 49650001', outcome: 'translated', po: ['3249785'], lines: 7, quantity: '650' }],
    notes: [
      'POC PC/NC/DI/CT: changed, accepted, rejected (0 of 504), changed; BCA02 AT with changed lines is accepted-with-changes',
    ],
  },
];
