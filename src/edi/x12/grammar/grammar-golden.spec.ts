import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildX12Acknowledgment } from '../ack-builder.js';
import { readX12 } from '../reader.js';
import { isSupportedX12Set } from '../supported-sets.js';
import { x12GrammarValidator } from './content-validator.js';

/**
 * Golden tests: our own fixtures (fixtures/<set>/<set>-<version>-<case>.edi) in, 997 and 999 out.
 * The AK3/AK4/AK5 lines below were written by hand from the standard before the first run; the
 * `.997.txt` / `.999.txt` files next to each fixture were then reviewed line by line. Set
 * `UPDATE_GOLDEN=1` only to create a missing golden file, and review it before committing.
 */
const DIR = join(import.meta.dirname, 'fixtures');

function acks(file: string): { '997': string; '999': string; codes: string[] } {
  const result = readX12(
    readFileSync(join(DIR, file)),
    {},
    {
      isSetSupported: isSupportedX12Set,
      setContent: x12GrammarValidator(),
    },
  );
  const ic = result.interchanges[0]!;
  const build = (type: '997' | '999'): string => {
    let n = 0;
    const ack = buildX12Acknowledgment(ic, {
      type,
      nextControlNumber: () => ++n,
      now: new Date(Date.UTC(2024, 1, 2, 9, 5)),
      lineBreak: '\n',
    });
    if (ack.kind !== 'ack') throw new Error(`${file}: no acknowledgment (${ack.reason})`);
    return ack.text;
  };
  const text997 = build('997');
  const codes = text997
    .split('\n')
    .filter((l) => /^(AK3|AK4|AK5|AK9)/.test(l))
    .map((l) => l.slice(0, -1)); // the segment terminator
  return { '997': text997, '999': build('999'), codes };
}

function golden(file: string, type: '997' | '999', text: string): void {
  const path = join(DIR, file.replace(/\.edi$/, `.${type}.txt`));
  if (!existsSync(path) && process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text, path).toBe(readFileSync(path, 'latin1'));
}

const VALID = ['850', '855', '856', '860', '865'].flatMap((set) =>
  ['004010', '005010'].map((version) => `${set}/${set}-${version}-valid.edi`),
);

const SEGMENTS_997 = [
  'AK3~BEG~2~~3', // BEG never came before CUR: mandatory segment missing
  'AK3~ZZZ~3~~1', // no such segment in the dictionary
  'AK3~BSN~4~~6', // a real segment, but not in the 850
  'AK3~BEG~5~~7', // BEG after CUR: out of sequence
  'AK3~PER~9~~5', // fourth PER, max use 3
  'AK3~SLN~10~~2', // SLN belongs to the PO1 loop, none is open
  'AK3~CTT~14~CTT~4', // second CTT loop, max 1
  'AK5~R~5',
  'AK9~R~1~1~0',
];

const ELEMENTS_COMMON_HEAD = [
  'AK3~BEG~2~~8',
  'AK4~1~353~7~9Z', // BEG01 outside DE 353
  'AK4~3~324~1', // BEG03 mandatory
  'AK4~5~373~8~20240231', // 31 February
  'AK3~CUR~3~~8',
  'AK4~3~280~6~ABC', // R with letters
  'AK3~REF~4~~8',
  'AK4~2~127~2', // R0203
];

const ELEMENTS_TAIL = (ctt: number): string[] => [
  `AK3~CTT~${ctt}~CTT~8`,
  `AK4~8~~3~EXTRA`, // CTT has 7 elements
  'AK5~R~5',
  'AK9~R~1~1~0',
];

describe('transaction-set grammars: golden 997/999', () => {
  for (const file of VALID) {
    it(`accepts ${file}`, () => {
      const out = acks(file);
      expect(out.codes).toEqual(['AK5*A', 'AK9*A*1*1*1']);
      golden(file, '997', out['997']);
      golden(file, '999', out['999']);
    });
  }

  for (const version of ['004010', '005010']) {
    it(`850 ${version}: segment codes 1 2 3 4 5 6 7`, () => {
      const file = `850/850-${version}-segments.edi`;
      const out = acks(file);
      expect(out.codes).toEqual(SEGMENTS_997.map((l) => l.replaceAll('~', '*')));
      golden(file, '997', out['997']);
      golden(file, '999', out['999']);
    });
  }

  it('850 004010: element codes 1 2 3 4 5 6 7 8 9 10 (no 12/13 in 004010: the separator is an invalid character)', () => {
    const file = '850/850-004010-elements.edi';
    const out = acks(file);
    expect(out.codes).toEqual(
      [
        ...ELEMENTS_COMMON_HEAD,
        'AK3~REF~5~~8',
        'AK4~2~127~5~REFERENCE NUMBER OF THIRTY-ONE C', // 32 > 30 in 004010
        'AK3~REF~6~~8',
        'AK4~2~127~6~AB', // component separator in a simple element; the copy drops delimiters
        'AK3~REF~7~~8',
        'AK4~4>4~127~2', // C040 P0304: REF04-03 without REF04-04
        'AK3~PER~8~~8',
        'AK4~4~364~2', // P0304
        'AK3~DTM~9~~8',
        'AK4~3~337~9~2560', // minute 60
        'AK3~TD3~10~~8',
        'AK4~10~24~10', // E0110
        'AK3~N4~12~N1~8',
        'AK4~3~116~4~45', // postal code 3/15
        ...ELEMENTS_TAIL(14),
      ].map((l) => l.replaceAll('~', '*')),
    );
    golden(file, '997', out['997']);
    golden(file, '999', out['999']);
  });

  it('850 005010: element codes 12 13 and the N4 exclusion', () => {
    const file = '850/850-005010-elements.edi';
    const out = acks(file);
    expect(out.codes).toEqual(
      [
        ...ELEMENTS_COMMON_HEAD,
        'AK3~REF~5~~8',
        'AK4~2~127~12~AB', // repetition separator "^": REF02 does not repeat
        'AK3~REF~6~~8',
        'AK4~2~127~13~AB', // component separator ":" in a simple element
        'AK3~REF~7~~8',
        'AK4~4:4~127~2',
        'AK3~PER~8~~8',
        'AK4~4~364~2',
        'AK3~DTM~9~~8',
        'AK4~3~337~9~2560',
        'AK3~N4~11~N1~8',
        'AK4~7~1715~10', // E0207: N402 and N407
        'AK3~N4~12~N1~8',
        'AK4~3~116~4~45',
        ...ELEMENTS_TAIL(14),
      ].map((l) => l.replaceAll('~', '*')),
    );
    golden(file, '997', out['997']);
    golden(file, '999', out['999']);
  });

  for (const version of ['004010', '005010']) {
    it(`856 ${version}: hierarchy errors and a missing HL loop`, () => {
      const file = `856/856-${version}-hierarchy.edi`;
      const out = acks(file);
      expect(out.codes).toEqual(
        [
          'AK3~HL~5~HL~8',
          'AK4~2~734~7~9', // parent 9 does not exist
          'AK3~HL~6~HL~8',
          'AK4~2~734~7~4', // HL 4 is its own parent
          'AK3~HL~7~HL~8',
          'AK4~2~734~7~6', // 5 -> 6 -> 5
          'AK3~HL~8~HL~8',
          'AK4~2~734~7~5',
          'AK3~HL~9~HL~8',
          'AK4~1~628~7~2', // HL01 2 used twice
          'AK5~R~5',
          'AK3~HL~3~HL~3', // set 0002 has no HL loop at all
          'AK5~R~5',
          'AK9~R~2~2~0',
        ].map((l) => l.replaceAll('~', '*')),
      );
      golden(file, '997', out['997']);
      golden(file, '999', out['999']);
    });
  }

  const OTHERS: Record<string, string[]> = {
    '855/855-004010-invalid.edi': [
      'AK3~BAK~2~~8',
      'AK4~2~587~7~XX', // BAK02: no such acknowledgment type
      'AK3~N1~3~N1~8',
      'AK4~4~67~2', // P0304: N103 without N104
      'AK3~ACK~5~ACK~8',
      'AK4~1~668~7~XX', // ACK01: no such line item status
      'AK3~ACK~6~ACK~8',
      'AK4~3~355~2', // P0203: ACK02 without ACK03
      'AK5~R~5',
      'AK9~R~1~1~0',
    ],
    '860/860-005010-invalid.edi': [
      'AK3~BCH~2~~8',
      'AK4~6~373~8~2024-01-31', // not CCYYMMDD
      'AK3~POC~3~POC~8',
      'AK4~2~670~1', // POC02 mandatory
      'AK3~POC~4~POC~8',
      'AK4~4~671~2', // C030405: POC03 needs POC04 and POC05
      'AK4~5~355~2', // a composite is named by its first element (DE 725 is numeric)
      'AK3~DTM~6~~7', // header DTM after the summary
      'AK5~R~5',
      'AK9~R~1~1~0',
    ],
    '865/865-005010-invalid.edi': [
      'AK3~BCA~2~~8',
      'AK4~6~373~1', // BCA06 purchase order date is mandatory
      'AK3~POC~3~POC~8',
      'AK4~9~234~2', // P0809: qualifier without product id
      'AK3~ACK~4~ACK~8',
      'AK4~5~373~4~2024022', // 7 digits for DT 8/8
      'AK3~SCH~5~SCH~8',
      'AK4~7~337~9~2599', // minute 99
      'AK5~R~5',
      'AK9~R~1~1~0',
    ],
  };
  for (const [file, lines] of Object.entries(OTHERS)) {
    it(`${file}: the acknowledgment names each finding`, () => {
      const out = acks(file);
      expect(out.codes).toEqual(lines.map((l) => l.replaceAll('~', '*')));
      golden(file, '997', out['997']);
      golden(file, '999', out['999']);
    });
  }
});
