/**
 * Reviewed expectations for every EDIFACT file of the shared corpus (`$CORPUS_DIR/edifact`,
 * `$CORPUS_DIR/invalid/edifact`), written from MANIFEST.tsv, ISO 9735 and the bytes of each file's
 * service segments (which were counted by hand: UNH..UNT, repertoire of UNOA/UNOB). Nothing of the
 * corpus is copied here: only file names, references, codes and a few short values the MANIFEST quotes.
 *
 * Notation
 * - Statuses: A accepted, P partially accepted, R rejected. EDIFACT has no "accepted with errors"; an
 *   interchange whose every message is rejected is R even when UCI carries no code (UCI 7 + UCM 4s).
 * - Codes are syntax error codes, list 0085 (../shared/ACK-CODES.md): `uci` (interchange level, UCI5),
 *   `ucf` (group, UCF5), `ucm` (message, UCM4), `ucs` as `code@position` (UNH = 1).
 * - `warnings`: tolerated deviations over the whole file, as `code kind`, each listed once.
 * - `values`: decoded values the MANIFEST names (release characters, wraps, repetitions, character
 *   sets), checked on the engine's segments; `inExpected` says the value must also appear in the
 *   `.expected.*` file the MANIFEST names alongside (JSON strings / XML text, entities decoded).
 * - `pending`: findings the standard requires that only a message directory can make (code values,
 *   data types and repetitions inside the body). The syntax layer cannot see them; the directories
 *   issue adds them and these lines are its acceptance list. Printed, not asserted.
 */

export type MessageStatus = 'A' | 'R';
export type Status = 'A' | 'P' | 'R';

export interface MessageExpectation {
  /** UNH 0062 and 0065. */
  readonly unh: readonly [reference: string, type: string];
  readonly status: MessageStatus;
  readonly ucm: readonly string[];
  readonly ucs?: readonly string[];
}

export interface GroupExpectation {
  readonly ung: string;
  readonly status: Status;
  readonly ucf: readonly string[];
  readonly messages: readonly MessageExpectation[];
}

export interface InterchangeExpectation {
  /** UNB 0020. */
  readonly unb: string;
  readonly status: Status;
  readonly uci: readonly string[];
  readonly groups?: readonly GroupExpectation[];
  readonly messages: readonly MessageExpectation[];
}

export interface ValueCheck {
  /** A decoded value (an element component, any repetition) containing this must exist… */
  readonly value: string;
  /** …in a segment with this tag, if given. */
  readonly tag?: string;
  /** The value must also occur in the file's `.expected.*` output. */
  readonly inExpected?: boolean;
}

export interface EdifactFileExpectation {
  /** Path relative to CORPUS_DIR. */
  readonly file: string;
  readonly interchanges: readonly InterchangeExpectation[];
  /** Messages without any UNB. */
  readonly loose?: readonly MessageExpectation[];
  /** 0085 codes of errors outside any interchange. */
  readonly stream?: readonly string[];
  readonly warnings?: readonly string[];
  readonly values?: readonly ValueCheck[];
  /** The `.expected.*` file alongside, relative to CORPUS_DIR. */
  readonly expected?: string;
  /** Another corpus file whose segments (tags and values) must be identical. */
  readonly sameSegmentsAs?: string;
  /** One line per quirk: the MANIFEST note, then the rule that decides it. */
  readonly quirks: readonly string[];
  readonly pending?: readonly string[];
}

const ok = (reference: string, type: string): MessageExpectation => ({
  unh: [reference, type],
  status: 'A',
  ucm: [],
});
const rejected = (reference: string, type: string, ...ucm: string[]): MessageExpectation => ({
  unh: [reference, type],
  status: 'R',
  ucm,
});

const CHARSET_A = '21 character-outside-repertoire';
const MISMATCH = '21 character-set-mismatch';
const SHORT_DATE = '40 element-too-short';

export const EDIFACT_EXPECTATIONS: readonly EdifactFileExpectation[] = [
  {
    file: 'edifact/DESADV/bots_desadv_D96A_EAN005_generated.edi',
    interchanges: [
      {
        unb: '1',
        status: 'A',
        uci: [],
        messages: ['1', '2', '3', '4', '5', '6', '7', '8'].map((r) => ok(r, 'DESADV')),
      },
    ],
    values: [{ value: '121212121212.121', tag: 'QTY' }],
    quirks: [
      'Translator output, 8 messages, CRLF after every segment: CR/LF between segments is not data (ISO 9735 has no lines).',
      'Very large quantity: a numeric value of 15 digits is syntactically fine; its length against the D96A dictionary is a directory check.',
    ],
  },
  {
    file: 'edifact/DESADV/phpedifact_desadv_D96A_version0.edi',
    interchanges: [{ unb: '1', status: 'A', uci: [], messages: [ok('142', 'DESADV')] }],
    expected: 'edifact/DESADV/phpedifact_desadv_D96A_version0.expected.json',
    values: [{ value: '1694901', tag: 'NAD', inExpected: true }],
    quirks: [
      'UNH S009 0052 is "0": an..3 is satisfied; whether "0" is a valid message version is a code-list question (not a syntax error).',
      'UNOC:1: syntax version 1 with the Latin-1 repertoire is accepted (UNB S001 0002 may be 1–4).',
      'UNB sender qualifier "31B" is an..4: fine.',
    ],
    pending: ['BGM 1225 "700101" is not a message function code (0085 12 on BGM, UCS 2 / UCD 12 3).'],
  },
  {
    file: 'edifact/INVOIC/bots_invoic_D96A_EAN008.edi',
    interchanges: [
      { unb: '4', status: 'A', uci: [], messages: [ok('111424', 'INVOIC'), ok('111425', 'INVOIC')] },
    ],
    quirks: [
      'Mixed CRLF and bare LF between segments: both ignored.',
      'TAX+7+VAT++++E has empty elements in the middle: kept as empty values, not errors.',
    ],
  },
  {
    file: 'edifact/INVOIC/frends_invoic_D93A_EDIT30_swedish.edi',
    interchanges: [{ unb: 'SE4545670', status: 'A', uci: [], messages: [ok('000001', 'INVOIC')] }],
    warnings: [MISMATCH],
    expected: 'edifact/INVOIC/frends_invoic_D93A_EDIT30_swedish.expected.json',
    values: [
      { value: '412 97 GÖTEBORG', inExpected: true },
      { value: '  SE5565268538', inExpected: true },
    ],
    quirks: [
      'UNOC (ISO 8859-1) declared, UTF-8 sent: valid UTF-8 is read as UTF-8 (a Latin-1 reading would give "GÃ\u0096TEBORG") and noted with 21, which never rejects.',
      'Leading spaces inside values are data: kept.',
      'UNB 0035 = 1: a test interchange, still validated the same way.',
    ],
  },
  {
    file: 'edifact/INVOIC/pydifact_invoic_D97A_trailing-colon.edi',
    interchanges: [{ unb: 'PAYO0012101221', status: 'A', uci: [], messages: [ok('1', 'INVOIC')] }],
    values: [{ value: '382324067', tag: 'RFF' }],
    quirks: [
      '"RFF+VA:382324067:" ends with an empty component: ISO 9735-1 §7.4 says trailing separators should be omitted, but 0085 45 (trailing separator) is for a recipient that chooses to report it; tolerated silently, as every peer does.',
      'UNOA:1 with an unqualified sender: S002 0007 is conditional.',
    ],
  },
  {
    file: 'edifact/INVOIC/smooks_invoic_D96A_message-body-only.edi',
    interchanges: [],
    stream: ['33'],
    expected: 'edifact/INVOIC/smooks_invoic_D96A_message-body-only.expected.xml',
    values: [{ value: '500000000020', tag: 'BGM', inExpected: true }],
    quirks: [
      'Message body only (starts at BGM, no UNA/UNB/UNH): not detected as EDIFACT by detectEdiStandard; read with the EDIFACT reader it is one run of segments outside any interchange, reported once with 33 (invalid occurrence outside message).',
      'No UNB: nothing can be acknowledged.',
    ],
  },
  {
    file: 'edifact/INVOIC/staedi_invoic_D93A_una_umlaut.edi',
    interchanges: [{ unb: '9908021557', status: 'A', uci: [], messages: [ok('INVOIC0001', 'INVOIC')] }],
    warnings: [CHARSET_A],
    values: [{ value: 'München' }, { value: '19,9' }],
    quirks: [
      'UNA with "," decimal mark: UNA3 does not split anything; numeric values keep "19,9" and readEdifactNumber gives 19.9.',
      'UNOA:2 with lower case and UTF-8 "München": outside the level A repertoire, noted with 21 (a warning unless the partner profile asks for strict character sets); the UTF-8 is decoded as UTF-8.',
    ],
  },
  {
    file: 'edifact/INVOIC/staedi_invoic_D97B_custom-UNA.edi',
    interchanges: [
      {
        unb: '00000000000778',
        status: 'R',
        uci: ['22'],
        messages: [rejected('00000000000117', 'INVOIC')],
      },
    ],
    values: [{ value: '006415160', tag: 'UNB' }],
    quirks: [
      'UNA=*.? ~ : component "=", element "*", terminator "~"; the tokenizer takes the delimiters from the UNA, so "~" is no character of the data.',
      'A release character before a non-delimiter ("006?415160" in the UNB recipient): "? immediately preceding one of the characters \' + : ? restores their normal meaning" (UNTDID Part 4, 2.2 §5.1); before anything else it releases nothing, and a "?" left unreleased cannot be told from one too many. 22 (invalid service character) on the UNB rejects the interchange; the value still reads 006415160. StAEDI accepts it silently.',
      'UNB 0020 "00000000000778" has 14 characters: the maximum of an..14.',
    ],
  },
  {
    file: 'edifact/INVOIC/staedi_invoic_D97B_custom-UNA_wrapped-15col.edi',
    interchanges: [
      {
        unb: '00000000000778',
        status: 'R',
        uci: ['22'],
        messages: [rejected('00000000000117', 'INVOIC')],
      },
    ],
    sameSegmentsAs: 'edifact/INVOIC/staedi_invoic_D97B_custom-UNA.edi',
    quirks: [
      'Hard-wrapped every 15 characters, LF inside tags and values: an LF that is not a service character is a line wrap and dropped, so the segments equal the unwrapped file exactly (StAEDI issue 128).',
    ],
  },
  {
    file: 'edifact/ORDERS/bots_orders_D96A_two-interchanges-one-file.edi',
    interchanges: [
      {
        unb: 'T0000000004-1',
        status: 'A',
        uci: [],
        messages: [ok('T0000000004-1', 'ORDERS'), ok('T0000000004-2', 'ORDERS')],
      },
      { unb: 'T0000000004-2', status: 'A', uci: [], messages: [ok('T0000000004-3', 'ORDERS')] },
    ],
    quirks: ['Two UNB..UNZ in one file: each is an interchange of its own, answered on its own.'],
  },
  {
    file: 'edifact/ORDERS/bots_orders_D96A_wrapped-80col.edi',
    interchanges: [{ unb: 'T0000000015', status: 'A', uci: [], messages: [ok('T0000000015', 'ORDERS')] }],
    values: [{ value: '20050819', tag: 'DTM' }],
    quirks: [
      'Several segments per line and LF inside data ("DTM+137:200508<LF>19:102"): the LF is a wrap, dropped; the date is 20050819.',
    ],
  },
  {
    file: 'edifact/ORDERS/phpedifact_orders_D01B_EAN010_large.edi',
    interchanges: [{ unb: '896', status: 'A', uci: [], messages: [ok('2019265563', 'ORDERS')] }],
    warnings: [MISMATCH],
    values: [
      { value: 'A+A K\ufffdlte GmbH', tag: 'NAD' },
      { value: 'Sup 1:10', tag: 'IMD' },
    ],
    quirks: [
      'Released "?+" and "?:" in data: unescaped. (The MANIFEST spells the NAD name "A?+A Kaelte"; the bytes hold U+FFFD where the umlaut was lost, so the check uses that.)',
      'UNOC with U+FFFD written as UTF-8 (mojibake from the source): valid UTF-8, read as UTF-8 and noted with 21.',
      'Recipient "unbekannt": an..35, syntactically fine; binding it to us is the intake\'s business.',
    ],
  },
  {
    file: 'edifact/ORDERS/smooks_orders_D03B_syntax4.edi',
    interchanges: [{ unb: '6002', status: 'A', uci: [], messages: [ok('SSDD1', 'ORDERS')] }],
    warnings: [CHARSET_A],
    expected: 'edifact/ORDERS/smooks_orders_D03B_syntax4.expected.xml',
    values: [
      { value: 's11', tag: 'COM', inExpected: true },
      { value: 's21', tag: 'COM', inExpected: true },
      { value: 's31', tag: 'COM', inExpected: true },
      { value: 'Lord of the Rings', tag: 'FTX', inExpected: true },
    ],
    quirks: [
      'Syntax 4 without UNA: "*" is the default repetition separator, so COM holds three repetitions.',
      'UNB date 20051107 is CCYYMMDD as syntax 4 requires.',
      'UNOA with lower case ("s11", "Lord of the Rings"): outside level A, noted with 21.',
    ],
  },
  {
    file: 'edifact/ORDRSP/frends_ordrsp_D96A_EAN009.edi',
    interchanges: [{ unb: '131', status: 'A', uci: [], messages: [ok('ME000001', 'ORDRSP')] }],
    values: [{ value: 'ZZUK', tag: 'UNB' }],
    quirks: [
      'UTF-8 BOM before UNB: skipped (offsets still count it).',
      'UNB sender with three components (SENDER1:16:ZZUK): 0004, 0007 and 0008 (reverse routing address).',
      'UNB 0031 = 1: a CONTRL is owed even though everything is accepted.',
    ],
  },
  {
    file: 'edifact/RECADV/smooks_recadv_D01B_EAN007_utf8.edi',
    interchanges: [{ unb: '000002', status: 'A', uci: [], messages: [ok('1', 'RECADV')] }],
    warnings: [CHARSET_A],
    expected: 'edifact/RECADV/smooks_recadv_D01B_EAN007_utf8.expected.xml',
    values: [
      { value: '报文测试天津有限公司', tag: 'NAD', inExpected: true },
      { value: "CSP test d'This", tag: 'NAD' },
    ],
    quirks: [
      'Chinese UTF-8 under UNOA: outside the repertoire (21, noted) and decoded as UTF-8.',
      'Released apostrophe "d?\'This": data, not a terminator.',
      'Empty trailing elements (LIN+900001++): tolerated.',
    ],
  },
  {
    file: 'invalid/edifact/APERAK/pydifact_aperak_D96A_accepted_syntax3.edi',
    interchanges: [{ unb: '000000002', status: 'R', uci: [], messages: [rejected('1', 'APERAK', '29')] }],
    warnings: [CHARSET_A],
    quirks: [
      'UNT 0074 says 8, UNH..UNT holds 7 segments: 29 on UNT, the only message is rejected, so the interchange is R (UCI 7 + UCM 4).',
      'Lower case free text under UNOA: 21, noted.',
    ],
  },
  {
    file: 'invalid/edifact/APERAK/pydifact_aperak_D96A_rejected_syntax4.edi',
    interchanges: [{ unb: '000000004', status: 'R', uci: [], messages: [rejected('1', 'APERAK', '29')] }],
    warnings: [SHORT_DATE, CHARSET_A],
    quirks: [
      'UNT 8 vs 7 segments: 29.',
      'Syntax 4 with a YYMMDD date (250322): n8 in ISO 9735-2:2002, but unambiguous; noted with 40 (too short), not rejected.',
    ],
  },
  {
    file: 'invalid/edifact/INVOIC/frends_invoic_D96A_nordea_curly-quote.edi',
    interchanges: [{ unb: '112882', status: 'R', uci: [], messages: [rejected('1071870', 'INVOIC', '29')] }],
    warnings: [MISMATCH],
    quirks: [
      'U+2019 instead of the terminator: it is data, so COM and NAD run together into one segment; UNT says 52, which matches neither count: 29.',
      'U+2019 is UTF-8 under UNOC: read as UTF-8, noted with 21.',
      'UNB 0032 "EANCOM" (agreement id) at element 10: fine.',
    ],
  },
  {
    file: 'invalid/edifact/INVOIC/smooks_invoic_D03B_una-release-repetition.edi',
    interchanges: [{ unb: '17', status: 'R', uci: [], messages: [rejected('30', 'INVOIC', '29')] }],
    warnings: [SHORT_DATE],
    expected: 'invalid/edifact/INVOIC/smooks_invoic_D03B_una-release-repetition.expected.xml',
    values: [{ value: "Tolkien's", inExpected: true }],
    quirks: [
      'UNT 36 vs 35 segments: 29.',
      'UNA:+.?*\' (syntax 4, "*" repetition), released apostrophe "Tolkien?\'s": value Tolkien\'s, as in the expected XML.',
      'Syntax 4 with YYMMDD 990420: noted with 40.',
    ],
  },
  {
    file: 'invalid/edifact/INVOIC/staedi_invoic_D97B_bad-values.edi',
    interchanges: [
      { unb: '00000000000778', status: 'A', uci: [], messages: [ok('00000000000117', 'INVOIC')] },
    ],
    warnings: [CHARSET_A],
    quirks: [
      'Invalid only in the body: the envelope is right (UNT 25 counts the duplicated UNS: 25 segments from UNH to UNT).',
      '"$" in PRI is outside UNOA: 21, noted.',
    ],
    pending: [
      'NAD 3035 "BYZZ" is not a party qualifier (12).',
      'QTY 6060 "1020A" is not numeric (37).',
      'PRI 5118 "$1.179" is not numeric (37).',
      'UNS appears twice: segment repeated beyond its maximum (35).',
    ],
  },
  {
    file: 'invalid/edifact/ORDERS/phpedifact_orders_D01B_unescaped-chars.edi',
    interchanges: [
      {
        unb: '896',
        status: 'R',
        uci: [],
        messages: [{ ...rejected('2019265563', 'ORDERS'), ucs: ['22@83'] }],
      },
    ],
    warnings: [MISMATCH],
    quirks: [
      'An unreleased ":" and "?*" in IMD free text: syntactically an extra component, and a release character before "*", which is no service character in syntax 3: 22 (invalid service character) at the IMD rejects the message. The envelope is valid.',
    ],
    pending: [
      'IMD C273 gets more components than D01B defines: too many constituents (16) on three IMD segments.',
    ],
  },
  {
    file: 'invalid/edifact/ORDERS/pydifact_orders_D96A_no-UNZ.edi',
    interchanges: [
      { unb: '807', status: 'R', uci: ['13'], messages: [{ unh: ['1', 'ORDERS'], status: 'R', ucm: [] }] },
    ],
    warnings: [SHORT_DATE],
    values: [{ value: '12345678', tag: 'UNB' }],
    quirks: [
      'No UNZ: 13 (missing) on the interchange, which is rejected as a whole (UCI 4); its message is not processed.',
      'UNT 16 is right (UNH..UNT = 16 segments, as the pydifact test counts).',
      'Syntax 4 with YYMMDD 081012: noted with 40. UNA with "," as decimal mark.',
    ],
  },
  {
    file: 'invalid/edifact/ORDERS/pydifact_orders_huge_2MB_bad-counts.edi',
    interchanges: [
      {
        unb: '1',
        status: 'R',
        uci: ['2', '13'],
        messages: [{ unh: ['1', 'ORDERS'], status: 'R', ucm: ['29'] }],
      },
    ],
    quirks: [
      'UNB S001 "IATB" (IATA syntax): not a UN/ECE syntax identifier this engine reads: 2 (syntax level not supported).',
      'One UNH and ~109,000 segments, UNT 16: 29. No UNZ: 13. Read in linear time (see the bench and fuzz bounds).',
    ],
  },
  {
    file: 'invalid/edifact/ORDERS/smooks_orders_D03B_DTM-exceeds-max.edi',
    interchanges: [{ unb: '6002', status: 'R', uci: [], messages: [rejected('SSDD1', 'ORDERS', '29')] }],
    warnings: [CHARSET_A],
    expected: 'invalid/edifact/ORDERS/smooks_orders_D03B_DTM-exceeds-max.expected.xml',
    values: [{ value: 'Lord of the Rings', tag: 'FTX', inExpected: true }],
    quirks: ['UNT 22 vs 57 segments: 29.', 'Lower case under UNOA: 21, noted.'],
    pending: ['Header DTM repeated 36 times, D03B allows 35: too many repetitions (35) on the 36th DTM.'],
  },
  {
    file: 'invalid/edifact/ORDERS/staedi_orders_D96B_with-UNG.edi',
    interchanges: [
      {
        unb: '2722166169492',
        status: 'R',
        uci: [],
        groups: [
          { ung: '1', status: 'R', ucf: ['16', '39'], messages: [rejected('1', 'ORDERS', '39', '29')] },
        ],
        messages: [],
      },
    ],
    warnings: ['12 element-invalid-value'],
    quirks: [
      'UNB 0031 "0": not a code of 0031 (only 1, and 2 in syntax 4) but a common way to say "no acknowledgment": noted with 12.',
      'UNG S008 "D:96A:EAN008A:IGNORED" has four components where S008 has three: 16; its 0057 "EAN008A" exceeds an..6: 39. The group is rejected.',
      'UNH S009 0057 "EAN008B" exceeds an..6: 39. UNT 21 vs 18 segments: 29.',
      'UNG and UNH versions disagree (D96A vs D96B): no syntax rule compares them.',
    ],
  },
  {
    file: 'invalid/edifact/PAORES/phpedifact_paores_release-characters.edi',
    interchanges: [{ unb: '1', status: 'R', uci: ['2'], messages: [rejected('1', 'PAORES', '29')] }],
    values: [
      { value: 'NO MORE FLIGHTS 2?' },
      { value: "NO MORE ' FLIGHTS 3" },
      { value: 'FIELD 1?+FIELD 2' },
      { value: 'FIELD 1.1?:FIELD 1.2' },
    ],
    quirks: [
      'IATB:1 (IATA syntax): 2, the interchange is rejected.',
      'Release-character torture: "??" is "?", "?\'" is data, "???\'" is "?\'"; the values php-edifact asserts are reproduced.',
      'UNT 14 vs 23 segments: 29.',
    ],
  },
];
