/**
 * Reviewed expectations for every X12 file of the shared corpus (`$CORPUS_DIR/x12`, `$CORPUS_DIR/invalid/x12`).
 *
 * Written from MANIFEST.tsv and the standards before the engine ran on the files; where the engine
 * disagreed, the standard decided (see `quirks`, and the engine specs for the fixes it caused).
 * Nothing of the corpus is copied here: only file names, control numbers and codes.
 *
 * Notation
 * - Statuses: TA104 / AK501 / AK901 letters (A accepted, E accepted with errors, P partially accepted,
 *   R rejected). Group and set statuses are the engine's verdict on the content even inside a rejected
 *   interchange (which is answered by the TA1 alone).
 * - Codes are those of the interchange's or group's own version (../shared/ACK-CODES.md): TA105 for the
 *   interchange, AK905 for groups, AK502 for sets, `AK304 c SEG@pos` / `AK403 c SEG@pos.elem` inside sets.
 *   A finding the version has no code for is written `none:<kind>` (e.g. a duplicate GS06 in 004010).
 * - `warnings`: tolerated deviations (severity warning, status unchanged), as `LIST code`.
 * - Sets are read with the transaction-set grammars (src/edi/x12/grammar: 850 855 856 860 865 997 in
 *   004010 and 005010, 999 in 005010), so `segments` holds their AK3/AK4 findings too and set-level `warnings` their
 *   notes (codes outside a `common` code list). Where a first note here disagreed with the grammar,
 *   the quirk line says which side the standard took.
 * - `pending`: findings the standard requires that no grammar of ours can make yet (partners' TA1s;
 *   004060 sets). They are printed, not asserted.
 * - Supported sets (src/edi/x12/supported-sets.ts): 850 855 856 860 865 997 999 in 004010 and 005010;
 *   any other set is answered AK5 R / AK502 1 (not supported) after its envelope is checked.
 */

export type SetStatus = 'A' | 'E' | 'R';
export type GroupStatus = 'A' | 'E' | 'P' | 'R';

export interface SetExpectation {
  /** ST01 and ST02. */
  readonly st: readonly [string, string];
  readonly status: SetStatus;
  readonly ak502: readonly string[];
  /** AK3/AK4 material: `AK304 c SEG@pos` or `AK403 c SEG@pos.elem`. */
  readonly segments?: readonly string[];
  /**
   * Grammar warnings (same notation), never in the acknowledgment: a code outside a `common` code
   * list (src/edi/x12/grammar/dictionary/code-lists.ts), or an HL04 that does not match the tree.
   */
  readonly warnings?: readonly string[];
}

export interface GroupExpectation {
  readonly gs06: string;
  readonly status: GroupStatus;
  readonly ak905: readonly string[];
  readonly sets: readonly SetExpectation[];
}

export interface InterchangeExpectation {
  readonly isa13: string;
  readonly status: 'A' | 'E' | 'R';
  readonly ta105: readonly string[];
  readonly warnings?: readonly string[];
  readonly groups: readonly GroupExpectation[];
}

export interface X12FileExpectation {
  /** Path relative to CORPUS_DIR. */
  readonly file: string;
  readonly interchanges: readonly InterchangeExpectation[];
  /** TA105 codes of findings outside any interchange. */
  readonly stream?: readonly string[];
  /** One line of reasoning per quirk: the MANIFEST note, then the rule that decides it. */
  readonly quirks: readonly string[];
  readonly pending?: readonly string[];
}

const set = (id: string, control: string, status: SetStatus = 'A', ...ak502: string[]): SetExpectation => ({
  st: [id, control],
  status,
  ak502,
});
/** A set the gateway does not translate: AK5 R / AK502 1 (plus any envelope code after it). */
const unsupported = (id: string, control: string, ...more: string[]): SetExpectation =>
  set(id, control, 'R', '1', ...more);
const group = (
  gs06: string,
  status: GroupStatus,
  ak905: readonly string[],
  sets: readonly SetExpectation[],
): GroupExpectation => ({ gs06, status, ak905, sets });

/** A set rejected by its grammar: AK5 R / AK502 5 with the AK3/AK4 material. */
const rejected = (
  id: string,
  control: string,
  segments: readonly string[],
  ...more: string[]
): SetExpectation => ({
  st: [id, control],
  status: 'R',
  ak502: [...more, '5'],
  segments,
});
/** An accepted set with grammar warnings (codes outside a `common` list). */
const noted = (id: string, control: string, warnings: readonly string[]): SetExpectation => ({
  st: [id, control],
  status: 'A',
  ak502: [],
  warnings,
});

/** bots' 850 0001 (also interchange 7 of the mailbag): "DTM*037*19980205***19". */
const DTM05_CENTURY = rejected('850', '0001', ['AK403 2 DTM@4.6']);
const DTM05_CENTURY_QUIRK =
  '850 0001 "DTM*037*19980205***19": "19" is the century element (DE 624) DTM05 had before 004010; in 004010 DTM05 is DE 1250 and P0506 pairs it with DTM06, which is absent: AK403 2 on DTM06, set rejected (AK502 5), group partially accepted. The grammar is right, the sample predates its version';
const N1_AK = noted('850', '000000001', ['AK403 7 N1@9.1']);
const PO4_LR = ['AK403 7 PO4@15.7', 'AK403 7 PO4@21.7', 'AK403 7 PO4@24.7', 'AK403 7 PO4@30.7'];
const PO4_LR_QUIRK =
  'PO407 "LR" is not in the gateway\'s common DE 355 list (the standard\'s list is far longer): a warning, never an AK4';

const UNTERMINATED_LAST =
  'last segment has no terminator (file ends after the IEA): tolerated as a warning, TA105 023 (premature end of file) noted, nothing lost';

export const X12_EXPECTATIONS: readonly X12FileExpectation[] = [
  // ---------------------------------------------------------------- x12/810 (not translated yet)
  {
    file: 'x12/810/bots_810_004010_jit.edi',
    interchanges: [
      {
        isa13: '000000001',
        status: 'A',
        ta105: [],
        groups: [group('1', 'R', [], [unsupported('810', '0063')])],
      },
    ],
    quirks: [
      'ISA12 00403 with ISA11 "^": a valid repetition separator from 00402 on (X12.5 ISA11 redefined in 004020)',
      '810 is not a supported set: AK5 R / AK502 1 after the envelope check; all sets rejected, so AK901 R',
      'N4 with empty elements and ITD with empty leading elements are data, not syntax errors (X12.6 §3.2.1)',
    ],
  },
  {
    file: 'x12/810/oopfactory_810_walmart_trailing-spaces.edi',
    interchanges: [
      {
        isa13: '810000263',
        status: 'R',
        ta105: ['017'],
        warnings: ['TA105 023'],
        groups: [group('810000263', 'R', [], [unsupported('810', '0001')])],
      },
    ],
    quirks: [
      'MANIFEST "invalid-looking ISA12 00040": ISA12 is an ID from code list I11 (00200…00501…, always 00[2-9]0n); 00040 is no version, so TA105 017 invalid version id, interchange rejected',
      'segment terminator is CR (the byte after ISA16 ">"): LF and the indentation spaces between segments are tolerated',
      UNTERMINATED_LAST,
      'trailing spaces inside AN elements ("72712 ") are allowed data (X12.6 says should be suppressed, not must)',
      '810 not supported: AK502 1',
    ],
  },
  {
    file: 'x12/810/staedi_810-850_two-groups_mixed-versions.edi',
    interchanges: [
      {
        isa13: '000000020',
        status: 'A',
        ta105: [],
        groups: [
          group('1', 'R', [], [unsupported('810', '000000001'), unsupported('810', '000000002')]),
          group('165', 'R', [], [unsupported('850', '000191240')]),
        ],
      },
    ],
    quirks: [
      'two GS groups in one ISA, each answered on its own (X12.6 §3.3)',
      'group 2 is 003010 with a 6-digit GS04 "020906": GS04 was YYMMDD before 004010, so no AK905 code',
      '003010 850 is outside the supported versions: AK502 1 (read, not misread with the 004010 grammar)',
      '810 not supported: AK502 1',
    ],
  },
  // ---------------------------------------------------------------- x12/850
  {
    file: 'x12/850/bots_850_004010VICS_binary-delims_large.edi',
    interchanges: [
      {
        isa13: '000001693',
        status: 'A',
        ta105: [],
        groups: [
          group(
            '3408',
            'A',
            [],
            [
              set('850', '000004422'),
              set('850', '000004423'),
              set('850', '000004424'),
              set('850', '000004425'),
            ],
          ),
        ],
      },
    ],
    quirks: [
      'element separator 0x7F and terminator 0x15: control characters are legal delimiters as long as they are not in the data (X12.6 §3.3.2)',
      'GS08 004010VICS is 004010 with an industry identifier: supported',
    ],
  },
  {
    file: 'x12/850/bots_850_004010_ebcdic-80col-records.edi',
    interchanges: [
      {
        isa13: '000000183',
        status: 'A',
        ta105: [],
        groups: [group('183', 'A', [], [set('850', '0278')])],
      },
    ],
    quirks: [
      'EBCDIC cp037 (X12.6 allows EBCDIC as transmission code): detected from the first byte, NEL 0x15 becomes the terminator',
      'space padding to 80-byte records lies between segments (after the terminator): tolerated whitespace',
    ],
  },
  {
    file: 'x12/850/bots_850_004010_pipe-multi-st.edi',
    interchanges: [
      {
        isa13: '000000010',
        status: 'A',
        ta105: [],
        groups: [
          group(
            '100001',
            'A',
            [],
            [set('850', '0001'), set('850', '0002'), set('850', '0003'), set('850', '0004')],
          ),
        ],
      },
    ],
    quirks: [
      'ISA12 00305 with GS08 004010: envelope and document versions are independent (X12.6 §3.3); ISA11 "U" is right before 00402',
      '"|" element separator, four sets in one group, GE01 4',
      'PO107 UPC values of 11/13 characters and "717119.837242" are valid for the 004010 grammar (DE 234 AN 1/48); UPC length and check digit are implementation-guide checks, not X12 (formerly a pending line)',
    ],
  },
  {
    file: 'x12/850/bots_850_004010_wrapped-80col.edi',
    interchanges: [
      {
        isa13: '000000010',
        status: 'A',
        ta105: [],
        warnings: ['TA105 026'],
        groups: [group('8', 'P', [], [set('850', '0007'), DTM05_CENTURY])],
      },
    ],
    quirks: [
      DTM05_CENTURY_QUIRK,
      'hard-wrapped at 80 columns, even inside ISA10 ("17<LF>00"): LF is not the terminator here, so it is ignored (LESSONS.md)',
      'ISA12 00403 with ISA11 "U": from 00402 ISA11 is the repetition separator and "U" cannot be one; read as "no repetition separator", a tolerated warning (TA105 026)',
      'trailing spaces after the last IEA are whitespace, not content',
    ],
  },
  {
    file: 'x12/850/ediengine_850_composite-SLN.edi',
    interchanges: [
      {
        isa13: '000003438',
        status: 'A',
        ta105: [],
        groups: [group('1421', 'A', [], [set('850', '000000010')])],
      },
    ],
    quirks: ['newline as segment terminator; composite SLN05 split on ISA16 ">" (X12.6 §3.4 composites)'],
  },
  {
    file: 'x12/850/nodex12_850_004010VICS_newline-terminator.edi',
    interchanges: [
      {
        isa13: '000003438',
        status: 'A',
        ta105: [],
        groups: [group('1421', 'A', [], [noted('850', '000000010', PO4_LR)])],
      },
    ],
    quirks: [
      'the byte after ISA16 is LF, so LF is the terminator (X12.5: the terminator is whatever follows ISA16)',
      PO4_LR_QUIRK,
      'PO4*4*4*EA*PLT94**3*LR*15*CT: PO404 without PO405 is fine, 004010 PO4 has no C0405 (EdiEngine agrees: its twin file below has exactly three errors)',
      'ISA01/ISA03 01 with authorization/security information present: valid qualifiers',
    ],
  },
  {
    file: 'x12/850/oopfactory_850_adobe_tilde-element-sep.edi',
    interchanges: [
      {
        isa13: '000211462',
        status: 'A',
        ta105: [],
        warnings: ['TA105 023'],
        groups: [group('11464', 'A', [], [set('850', '114640004')])],
      },
    ],
    quirks: [
      '"~" as ELEMENT separator and CR as terminator: delimiters come from the ISA, never assumed',
      'UTF-8 BOM and indentation spaces before segments tolerated (LESSONS.md)',
      UNTERMINATED_LAST,
    ],
  },
  {
    file: 'x12/850/oopfactory_850_pgwglass_pipe-terminator.edi',
    interchanges: [
      {
        isa13: '000000245',
        status: 'A',
        ta105: [],
        groups: [group('245', 'A', [], [set('850', '0001')])],
      },
    ],
    quirks: [
      'ISA16 "~" is the component separator and "|" the terminator; CRLF after each "|" is whitespace',
      'BOM + indentation tolerated',
    ],
  },
  // ---------------------------------------------------------------- x12/855
  {
    file: 'x12/855/nodex12_855_004010_book-ack.edi',
    interchanges: [
      {
        isa13: '000000005',
        status: 'A',
        ta105: [],
        groups: [group('5', 'A', [], [noted('855', '0005', ['AK403 7 REF@4.1'])])],
      },
    ],
    quirks: [
      'ACK with ~24 consecutive empty elements: empty optional elements are syntax-valid (X12.6 §3.2.1); ACK27–29 (559/822/1271) carry "BI*ACK*AC"',
      'REF01 "ZZZ" is no REF qualifier the gateway knows (DE 128 ID 2/3, common list): a warning, not an AK4',
    ],
  },
  {
    file: 'x12/855/staedi_855_004010_two-st-in-group.edi',
    interchanges: [
      {
        isa13: '000001337',
        status: 'A',
        ta105: [],
        groups: [group('0001', 'A', [], [set('855', '0001'), set('855', '0002')])],
      },
    ],
    quirks: ['two 855 sets in one group with GE01 2; ISA16 "^" is just a component separator in 00401'],
  },
  {
    file: 'x12/855/stedi_855_005010_dropship.edi',
    interchanges: [
      {
        isa13: '000001746',
        status: 'A',
        ta105: [],
        groups: [group('000001746', 'A', [], [set('855', '0001')])],
      },
    ],
    quirks: [
      '005010 with ISA11 "^" repetition separator; GS05 "202222" is HHMMSS (valid); GS08 "005010" without industry id is supported',
    ],
  },
  // ---------------------------------------------------------------- x12/856
  {
    file: 'x12/856/bots_856_004010_SOPI_large.edi',
    interchanges: [
      {
        isa13: '000000001',
        status: 'A',
        ta105: [],
        groups: [group('1', 'A', [], [set('856', '0062')])],
      },
    ],
    quirks: ['ISA12 00403 with ISA11 "^"; CRLF after each "~" is whitespace; SE01 190 matches'],
  },
  {
    file: 'x12/856/ediengine_856_004010_crossdock_SOPI.edi',
    interchanges: [
      {
        isa13: '000000091',
        status: 'A',
        ta105: [],
        groups: [group('91', 'A', [], [set('856', '0001', 'A')])],
      },
    ],
    quirks: [
      'newline terminator; SE01 57 matches (EdiEngine expects 0 errors)',
      'HL tree S/O/P/I built from HL01/HL02; REF01 "SE" (serial number) is in our DE 128 list, as the 856 maps read it',
    ],
  },
  {
    file: 'x12/856/nodex12_856_004060_SOI.edi',
    interchanges: [
      {
        isa13: '000000049',
        status: 'A',
        ta105: [],
        groups: [group('49', 'R', [], [unsupported('856', '0008')])],
      },
    ],
    quirks: [
      'GS08 004060 is outside the supported versions: AK502 1, so the group is rejected (all its sets are)',
      'ISA11 "-" is a legal repetition separator in 00406; ISA01/ISA03 01 with values present are valid',
    ],
    pending: [
      'ISA11 "-" also occurs in N403 "31139-0020" and REF02: a 004060 grammar would see repetitions of non-repeating elements',
    ],
  },
  {
    file: 'x12/856/oopfactory_856_SOI_no-parent-HL.edi',
    interchanges: [
      {
        isa13: '000001054',
        status: 'A',
        ta105: [],
        groups: [group('414', 'R', [], [rejected('856', '0414', ['AK403 5 N4@14.2'])])],
      },
    ],
    quirks: [
      'HL02 (parent id) is optional in the HL segment: "HL*2**O" is a second root level, not a missing parent (HL02 would have to name an HL01 that does not exist)',
      'N4 N402 "LOCSTATE" (placeholder data): N402 is DE 156 ID 2/2, AK403 5 too long; the only set is rejected, so is the group',
      'ISA16 "|"; BOM + indentation tolerated',
    ],
  },
  {
    file: 'x12/856/oopfactory_856_ellipsis-terminator_SI.edi',
    interchanges: [
      {
        isa13: '000000027',
        status: 'A',
        ta105: [],
        groups: [group('25', 'A', [], [noted('856', '0022', ['AK403 7 TD5@8.1'])])],
      },
    ],
    quirks: [
      'terminator U+2026 as three UTF-8 bytes: the whole sequence is the terminator, not its lead byte 0xE2',
      'CRLF after each terminator and BOM + indentation tolerated; spaces inside LIN values are data',
      'TD501 "1" is outside the common DE 133 routing sequence list: a warning',
    ],
  },
  {
    file: 'x12/856/oopfactory_856_tilde-elemsep_star-terminator.edi',
    interchanges: [
      {
        isa13: '000000001',
        status: 'A',
        ta105: [],
        groups: [group('1', 'A', [], [set('856', '0001')])],
      },
    ],
    quirks: ['"~" element separator, "*" terminator, "`" component: all taken from the ISA'],
  },
  // ---------------------------------------------------------------- x12/865
  {
    file: 'x12/865/oopfactory_865_advanceautoparts.edi',
    interchanges: [
      {
        isa13: '865000001',
        status: 'A',
        ta105: [],
        groups: [group('4', 'R', [], [rejected('865', '0004', ['AK403 5 DTM@6.2'])])],
      },
    ],
    quirks: [
      'ISA06 "SENDER_ID": "_" is allowed in AN data; envelopes are clean',
      'DTM*038*200902164 is at position 6 (ST 1, BCA 2, REF 3, DTM 4–6), not 7 as first noted: DTM02 has 9 digits for DT 8/8, AK403 5 (one AK4 per element: too long is decided before the date itself)',
      'POC**CA…: the earlier note expected AK403 1 for the empty POC01, but POC01 (DE 350) is optional (O) in the 004010 POC; the grammar is right, no finding',
    ],
  },
  {
    file: 'x12/865/oopfactory_865_mclane_crlf-terminator.edi',
    interchanges: [
      {
        isa13: '865000001',
        status: 'A',
        ta105: [],
        warnings: ['TA105 023'],
        groups: [group('865000001', 'A', [], [set('865', '49650001')])],
      },
    ],
    quirks: ['CR after ISA16 ":" is the terminator, LF and indentation are whitespace', UNTERMINATED_LAST],
  },
  // ---------------------------------------------------------------- x12/997
  {
    file: 'x12/997/bots_997_with-TA1_004010.edi',
    interchanges: [
      {
        isa13: '412141129',
        status: 'A',
        ta105: [],
        groups: [group('1', 'A', [], [set('997', '0001')])],
      },
    ],
    quirks: [
      'a TA1 between ISA and GS is allowed (X12.5 §3.4); the interchange carries an acknowledgment and is never acknowledged itself',
      "AK5*R*3*7 is the content of the partner's 997, not an error of ours",
    ],
  },
  {
    file: 'x12/997/gtlogistics_997_004010_backtick.edi',
    interchanges: [
      {
        isa13: '000000010',
        status: 'A',
        ta105: [],
        groups: [group('100', 'A', [], [set('997', '1000')])],
      },
    ],
    quirks: ['ISA16 "`"; GS05 "11000000" is HHMMSSdd, a valid 8-digit time (X12 TM 4/8)'],
  },
  {
    file: 'x12/997/staedi_997_ISB-ISE-service-segments.edi',
    interchanges: [
      {
        isa13: '000003438',
        status: 'A',
        ta105: [],
        groups: [group('000005', 'A', [], [set('997', '0001')])],
      },
    ],
    quirks: [
      'ISB and ISE are interchange service segments allowed between ISA and GS (X12.5)',
      'ISA 00401 with GS08 005010X230: the group is answered in 005010 codes',
    ],
  },
  {
    file: 'x12/997/staedi_997_three-interchanges.edi',
    interchanges: ['000000001', '000000002', '000000003'].map((isa13) => ({
      isa13,
      status: 'A' as const,
      ta105: [],
      groups: [group('000005', 'A', [], [set('997', '0001')])],
    })),
    quirks: [
      'three ISA..IEA in one file, each its own interchange; GS06/ST02 may repeat across interchanges (uniqueness is per interchange / group)',
    ],
  },
  // ---------------------------------------------------------------- x12/999
  {
    file: 'x12/999/imsweb_999_rejected_pipe-component.edi',
    interchanges: [
      {
        isa13: '095832987',
        status: 'A',
        ta105: [],
        groups: [group('95832987', 'A', [], [set('999', '95832987')])],
      },
    ],
    quirks: [
      'IK5*R / AK9*R are the partner\'s verdict on our 837, content of a valid 999; ISA16 "|"',
      'ST03 005010X231A1 is allowed from 004030 on',
    ],
  },
  {
    file: 'x12/999/staedi_999_005010X231_ctx.edi',
    interchanges: [
      {
        isa13: '000000286',
        status: 'A',
        ta105: [],
        groups: [group('287', 'A', [], [set('999', '2870001')])],
      },
    ],
    quirks: ['CTX01 with "^" repetitions and ":" components is data; SE01 16 matches'],
  },
  // ---------------------------------------------------------------- x12/TA1
  {
    file: 'x12/TA1/oopfactory_TA1_00501_gt-elemsep.edi',
    interchanges: [
      {
        isa13: '000000001',
        status: 'A',
        ta105: [],
        warnings: ['TA105 023'],
        groups: [],
      },
    ],
    quirks: [
      'element separator ">", repetition "^", component "+", CR terminator; qualifier 28 is two alphanumerics',
      'IEA01 0 with no groups is right for a TA1-only interchange',
      UNTERMINATED_LAST,
    ],
    pending: [
      'TA1 carries a sixth element "+" (TA1 has five): the TA1 grammar for reading partners\' acknowledgments (issue 5, not this layer) must report too many data elements',
    ],
  },
  // ---------------------------------------------------------------- x12/mixed
  {
    file: 'x12/mixed/bots_mailbag_7-interchanges_mixed-delims.edi',
    interchanges: [
      {
        isa13: '000001816',
        status: 'A',
        ta105: [],
        groups: [group('3407', 'A', [], [set('997', '000004421')])],
      },
      {
        isa13: '001000113',
        status: 'A',
        ta105: [],
        groups: [group('1000034', 'R', [], [unsupported('850', '001000058')])],
      },
      {
        isa13: '017000934',
        status: 'A',
        ta105: [],
        groups: [
          group('17000934', 'R', [], [unsupported('820', '017001511'), unsupported('820', '017001512')]),
        ],
      },
      {
        isa13: '112240001',
        status: 'A',
        ta105: [],
        groups: [group('123456789', 'E', ['none:gs-date'], [set('850', '4567')])],
      },
      {
        isa13: '000000005',
        status: 'A',
        ta105: [],
        groups: [
          group('5', 'P', ['none:gs-date'], [N1_AK, { ...N1_AK, status: 'R', ak502: ['23'] }]),
          group(
            '5',
            'R',
            ['none:gs-date', 'none:gs-control-duplicate'],
            [N1_AK, { ...N1_AK, status: 'R', ak502: ['23'] }],
          ),
        ],
      },
      {
        isa13: '000001000',
        status: 'A',
        ta105: [],
        groups: [
          group(
            '1000',
            'A',
            [],
            [noted('850', '10000001', ['AK403 7 REF@5.1']), noted('850', '10000002', ['AK403 7 REF@5.1'])],
          ),
        ],
      },
      {
        isa13: '000000010',
        status: 'A',
        ta105: [],
        warnings: ['TA105 026'],
        groups: [group('8', 'P', [], [set('850', '0007'), DTM05_CENTURY])],
      },
      {
        isa13: '000000183',
        status: 'A',
        ta105: [],
        groups: [group('183', 'A', [], [set('850', '0278')])],
      },
    ],
    quirks: [
      'MANIFEST says 7 interchanges, but the file holds 8 ISA..IEA (its own totals, 11x 850 + 2x 820 + 1x 997, only add up with 8); delimiters re-read at every ISA',
      'terminators NAK, NAK+CRLF, LF, "~", "~ " (the space is whitespace) and a trailing Ctrl-Z after the last IEA: all tolerated',
      'interchanges 2 and 3 are 004030 (850, 820): outside the supported versions, AK502 1',
      "interchange 4 (00302) and 5 (00300) carry 6-digit GS04 dates in 004010 groups, where GS04 is CCYYMMDD: an error that 004010's AK905 has no code for (30 is 005010+), noted as accepted with errors",
      'interchange 5: both groups are GS06 "5" (X12.6: unique within the interchange) - the second is rejected, with no AK905 code in 004010 (19 means something else there)',
      'interchange 5: each group has ST02 000000001 twice: the second set gets AK502 23 (not unique within the group); group 1 is partially accepted (AK901 P)',
      'interchange 7 (00403) has ISA11 "U": no repetition separator, warning TA105 026',
      `interchange 7 is the wrapped-80col file: ${DTM05_CENTURY_QUIRK}`,
      'interchange 5: N101 "AK" and interchange 6: REF01 "2P" are outside the common DE 98 / 128 lists: warnings only',
    ],
  },
  // ---------------------------------------------------------------- invalid/x12
  {
    file: 'invalid/x12/204/gtlogistics_204_wrong-SE-count.edi',
    interchanges: [
      {
        isa13: '000011111',
        status: 'R',
        ta105: ['017'],
        groups: [group('000001000', 'R', [], [unsupported('204', '1000', '4')])],
      },
    ],
    quirks: [
      'ISA12 "00000" is not a version of code list I11: TA105 017, interchange rejected',
      'MANIFEST: SE01 3 but ST..SE holds 2 segments: AK502 4 (after AK502 1, 204 not supported)',
    ],
  },
  {
    file: 'invalid/x12/850/ediengine_850_syntax-note-violations.edi',
    interchanges: [
      {
        isa13: '000003438',
        status: 'A',
        ta105: [],
        groups: [
          group(
            '1421',
            'R',
            [],
            [{ ...rejected('850', '000000010', ['AK403 2 PO1@13.7', 'AK403 2 PO4@30.6']), warnings: PO4_LR }],
          ),
        ],
      },
    ],
    quirks: [
      'envelopes are clean; the three MANIFEST errors are syntax notes of body segments (X12.6 §3.6 relational conditions)',
      'PO1@13 P0607 (PO106 "CB" without PO107): AK3 PO1 8, AK4 7 (PO107) code 2',
      'PO4@30 C0506 (PO405 "X" without PO406) and P0607 (PO407 "LR" without PO406) both name PO406: one AK4 per element, so one AK403 2 on PO406 under the same AK3 (EdiEngine counts the two notes separately)',
      'the set becomes AK5 R / AK502 5; its only set rejected, the group is AK9 R',
      PO4_LR_QUIRK,
    ],
  },
  {
    file: 'invalid/x12/860/oopfactory_860_004010_retailer.edi',
    interchanges: [
      {
        isa13: '000000568',
        status: 'R',
        ta105: ['006'],
        groups: [
          group(
            '568',
            'R',
            [],
            [rejected('860', '56488', ['AK403 8 BCH@2.6', 'AK403 5 N1@4.5', 'AK403 5 N1@4.6'], '4')],
          ),
        ],
      },
    ],
    quirks: [
      'MANIFEST: ISA06 "SENDERID      " is 14 characters; ISA06 is AN 15/15 (X12.5 fixed-width ISA): TA105 006, rejected',
      "MANIFEST: N1 has no terminator, only CRLF; CRLF is not this interchange's terminator, so N1 and N3 are one segment (9 segments) and SE01 10 is wrong: AK502 4",
      'grammar: BCH06 "PO DATE" is no date (AK403 8); the run-on N1 puts "123 THISRD" in N105 (DE 706 ID 2/2) and "SUITE11" in N106 (DE 98 ID 2/3): AK403 5 twice; AK502 5 follows 4',
    ],
  },
  {
    file: 'invalid/x12/865/oopfactory_865_tyco_isa00200.edi',
    interchanges: [
      {
        isa13: '000016680',
        status: 'R',
        ta105: ['001'],
        groups: [group('1091', 'A', [], [set('865', '3006')])],
      },
    ],
    quirks: [
      'MANIFEST: IEA02 "00001660" differs from ISA13 000016680: TA105 001, rejected',
      'ISA12 00200 is a real (old) I11 version: not an error',
    ],
  },
  {
    file: 'invalid/x12/940/ediengine_940_control-number-mismatch.edi',
    interchanges: [
      {
        isa13: '000003438',
        status: 'R',
        ta105: ['001'],
        groups: [group('3314', 'R', ['4'], [unsupported('940', '0001', '3')])],
      },
    ],
    quirks: [
      'MANIFEST: IEA02 000003439 vs ISA13 000003438: TA105 001',
      'MANIFEST: GE02 3315 vs GS06 3314: AK905 4, group rejected',
      'MANIFEST: SE02 0002 vs ST02 0001: AK502 3 (after AK502 1, 940 not supported)',
      'GS07 "T" is a valid responsible agency (TDCC)',
    ],
  },
  {
    file: 'invalid/x12/940/ediengine_940_wrong-group-and-tx-counts.edi',
    interchanges: [
      {
        isa13: '000003438',
        status: 'R',
        ta105: ['021', '001'],
        groups: [group('3314', 'R', ['5'], [unsupported('940', '0001')])],
      },
    ],
    quirks: [
      'MANIFEST: IEA01 2 with one group: TA105 021 (alone it would only be noted)',
      'MANIFEST: IEA02 "3438" is not the nine-digit ISA13 000003438 (IEA02 is N0 9/9 and must be identical): TA105 001, rejected',
      'MANIFEST: GE01 2 with one set: AK905 5, group rejected',
    ],
  },
  {
    file: 'invalid/x12/997/staedi_997_extra-repetitions-components.edi',
    interchanges: [
      {
        isa13: '508121953',
        status: 'A',
        ta105: [],
        groups: [
          group(
            '000005',
            'R',
            [],
            [rejected('997', '0001', ['AK403 12 AK3@4.2', 'AK403 12 AK3@4.4', 'AK403 12 AK4@5.4'])],
          ),
        ],
      },
    ],
    quirks: [
      'envelopes are clean; the MANIFEST errors are schema-level errors of 997 body elements (997 grammar, 005010)',
      'MANIFEST positions count file lines (AK3 on line 6); AK302 counts from ST = 1, so AK3 is 4 and AK4 5',
      'AK302, AK304 and AK404 do not repeat: AK403 12 too many repetitions on each; one finding per value, so the components (13) and the code (7) inside the repetitions are not reported as well',
      'the only set is rejected (AK502 5), so the group is; the 997 is a partner acknowledgment: never acknowledged, and not believed (no functional-acknowledgment event)',
    ],
  },
  {
    file: 'invalid/x12/997/staedi_997_invalid-elements.edi',
    interchanges: [
      {
        isa13: '508121953',
        status: 'A',
        ta105: [],
        groups: [group('000005', 'R', [], [rejected('997', '0001', ['AK403 5 AK1@2.1', 'AK403 6 AK4@5.2'])])],
      },
    ],
    quirks: [
      'envelopes are clean; the MANIFEST errors are in the 997 body (997 grammar, 005010)',
      'AK101 "HC NOT IN CODESET" is longer than DE 479 (ID 2/2): AK403 5; DE 479 has no code list in our grammar, and one finding per value',
      'AK402 "66 NON NUMERIC" is not a number (DE 725, N0 1/4): AK403 6; the type is checked before the length, one finding per value',
    ],
  },
  {
    file: 'invalid/x12/997/staedi_997_invalid-envelope-values.edi',
    interchanges: [
      {
        isa13: '508121953',
        status: 'A',
        ta105: [],
        groups: [
          group('000005', 'R', ['30', '31', '4', '6'], [rejected('997', '0001', ['AK403 5 AK1@2.1'])]),
        ],
      },
    ],
    quirks: [
      'MANIFEST: GS04 "BAD_DATE": AK905 30 invalid group date (005010 code)',
      'MANIFEST: GS05 "295335" (hour 29): AK905 31 invalid group time',
      'MANIFEST: GE02 does not match GS06: AK905 4, group rejected',
      'MANIFEST: GE02 too long and not numeric: GE02 is the group control number (DE 28, N0 1/9), so AK905 6 "group control number violates syntax" applies to it as to GS06',
      'AK101 "<NOT_IN_CODESET>" is longer than DE 479 (ID 2/2): AK403 5, the set rejected (997 grammar, 005010)',
    ],
  },
  {
    file: 'invalid/x12/999/imsweb_999_accepted_isa-iea-mismatch.edi',
    interchanges: [
      {
        isa13: '000000286',
        status: 'R',
        ta105: ['001'],
        groups: [group('1', 'E', ['31'], [set('999', '0001')])],
      },
    ],
    quirks: [
      'MANIFEST: ISA13 000000286 vs IEA02 000000001: TA105 001, rejected',
      'MANIFEST: GS05 "102497" has seconds 97: AK905 31, noted (accepted with errors)',
    ],
  },
  {
    file: 'invalid/x12/999/staedi_999_invalid-structure.edi',
    interchanges: [
      {
        isa13: '000000286',
        status: 'A',
        ta105: [],
        groups: [
          group(
            '287',
            'R',
            [],
            [
              rejected(
                '999',
                '2870001',
                [
                  'AK304 2 IK5@2',
                  'AK403 5 AK1@3.1',
                  'AK403 3 AK2@4.4',
                  'AK403 7 IK5@5.1',
                  'AK304 5 IK5@6',
                  'AK403 6 CTX@14.6',
                ],
                '4',
              ),
            ],
          ),
        ],
      },
    ],
    quirks: [
      'MANIFEST: SE01 16 but the set has 18 segments: AK502 4; the only set is rejected, so the group is',
      'MANIFEST (999 grammar, 005010): IK5 before AK1: AK304 2 unexpected; AK101 "HC   " AK403 5 too long; AK204/AK205 AK403 3 too many data elements (AK2 has three); IK501 "Q" AK403 7; the second IK5 of the loop AK304 5 exceeds maximum use',
      'not in the MANIFEST: CTX06-01 "C023" (C999-01 is DE 725, a data element reference number, N0 1/4) is not a number: AK403 6 on CTX06; the valid 999 of the corpus carries "1325" there',
      'AK502: 4 from the envelope, 5 from the grammar; the 999 is a partner acknowledgment, never acknowledged',
    ],
  },
  {
    file: 'invalid/x12/TA1/staedi_TA1_005010.edi',
    interchanges: [
      {
        isa13: '000000001',
        status: 'E',
        ta105: ['021'],
        groups: [],
      },
    ],
    quirks: [
      'MANIFEST: IEA01 1 but no functional group: TA105 021; a wrong group count alone is noted (TA104 E), the content is intact',
    ],
  },
  {
    file: 'invalid/x12/envelope/badx12_isa-without-terminator.edi',
    interchanges: [
      {
        isa13: '000010216',
        status: 'R',
        ta105: ['023'],
        groups: [],
      },
    ],
    quirks: [
      'MANIFEST: the file ends after ISA16 ":" + LF; the byte after ISA16 is the terminator (X12.5), so LF ends a complete ISA',
      'nothing follows, no IEA: TA105 023 improper (premature) end of file, rejected',
    ],
  },
  {
    file: 'invalid/x12/envelope/gtlogistics_trimmed-ISA.edi',
    interchanges: [
      {
        isa13: '000011111',
        status: 'R',
        ta105: ['011', '013', '006', '008', '017', '023'],
        groups: [],
      },
    ],
    quirks: [
      'MANIFEST: ISA elements not padded (71 bytes instead of 106): each short fixed-width element gets its own TA105 (ISA02 011, ISA04 013, ISA06 006, ISA08 008)',
      'ISA12 "00000" is not an I11 version: TA105 017',
      'no IEA follows: TA105 023',
    ],
  },
];
