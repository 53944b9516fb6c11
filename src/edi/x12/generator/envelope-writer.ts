import { isDelimiterCandidate, type X12Delimiters } from '../delimiters.js';
import { aboveLatin1, codePointName, type X12Encoding } from '../encoding.js';
import { describeConflict, firstCharacter, X12SegmentWriter } from '../segment-writer.js';
import { X12GenerationError } from './generation-error.js';

export interface X12Party {
  /** ISA05/ISA07 qualifier (ZZ, 01, …). */
  readonly qualifier: string;
  /** ISA06/ISA08, written padded to 15. */
  readonly id: string;
  /** GS02/GS03 (default: the ISA id). */
  readonly gs?: string | undefined;
}

export interface X12EnvelopeOptions {
  readonly delimiters: X12Delimiters;
  readonly sender: X12Party;
  readonly receiver: X12Party;
  /** GS08, e.g. `004010` or `005010`; ISA12 follows it (00401 / 00501) unless given. */
  readonly version: string;
  readonly interchangeVersion?: string | undefined;
  /** ISA15, default T until a partner is live. */
  readonly usage?: 'P' | 'T' | undefined;
  /** ISA14. */
  readonly ackRequested?: boolean | undefined;
  readonly now: Date;
  readonly controlNumbers: {
    readonly interchange: number;
    readonly group: number;
    /** One per set, in order. */
    readonly sets: readonly number[];
  };
  /** Written after each terminator (e.g. '\n' for partners who want one segment a line). */
  readonly lineBreak?: string | undefined;
  /**
   * The encoding the text will be written in (encodeX12), default `utf8`. In a single-byte one
   * (`latin1`, `ebcdic`) every value and delimiter must be a character of ISO 8859-1: one above U+00FF
   * is refused (`VALUE_INVALID`), since it has no byte there.
   */
  readonly encoding?: X12Encoding | undefined;
}

export interface X12OutboundSet {
  readonly setId: string;
  /** Body rows between ST and SE, id first. */
  readonly rows: readonly (readonly string[])[];
}

export interface X12Interchange {
  readonly text: string;
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  readonly setControlNumbers: readonly string[];
}

function control(value: number, width: number, what: string): string {
  if (!Number.isInteger(value) || value < 1 || value > 999_999_999)
    throw new X12GenerationError(
      'ENVELOPE_INVALID',
      `${what} control number ${value} is not in 1..999999999`,
    );
  return String(value).padStart(width, '0');
}

function fixed(value: string, width: number, what: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > width)
    throw new X12GenerationError('ENVELOPE_INVALID', `${what} "${value}" must be 1-${width} characters`);
  return v.padEnd(width, ' ');
}

function checkDelimiters(d: X12Delimiters): void {
  const all = [d.element, d.component, d.segment, d.repetition].filter((x): x is string => x !== undefined);
  if (
    new Set(all).size !== all.length ||
    all.some((x) => x.length === 0 || !isDelimiterCandidate(x.charCodeAt(0))) ||
    d.element.length !== 1 ||
    d.component.length !== 1
  )
    throw new X12GenerationError(
      'ENVELOPE_INVALID',
      `delimiters must be distinct single non-alphanumeric characters: ${JSON.stringify(d)}`,
    );
}

/** The name of the byte set of a single-byte encoding, for messages; undefined for UTF-8 (every character has bytes). */
export function singleByteSet(encoding: X12Encoding | undefined): string | undefined {
  if (encoding === 'latin1') return 'ISO 8859-1';
  return encoding === 'ebcdic' ? 'EBCDIC (cp037)' : undefined;
}

/** Refuses a value that holds a delimiter: X12 cannot escape it, and the partner would misread the file. */
function checkValue(value: string, d: X12Delimiters, where: string, byteSet: string | undefined): void {
  // A terminator of two characters ("~\n", "~\r\n") ends a segment at its first: a reader that
  // splits on it, or a partner who trims the line break, would cut the value there.
  const names: [string | undefined, string][] = [
    [d.element, 'element separator'],
    [firstCharacter(d.segment), 'segment terminator'],
    [d.component, 'component separator'],
    [d.repetition, 'repetition separator'],
  ];
  for (const [delimiter, name] of names)
    if (delimiter !== undefined && value.includes(delimiter))
      throw new X12GenerationError(
        'DELIMITER_IN_VALUE',
        `${where} "${value}" contains the ${name} "${delimiter}"; change the value or the partner's delimiters`,
      );
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\x00-\x1f\x7f]/.test(value))
    throw new X12GenerationError('DELIMITER_IN_VALUE', `${where} "${value}" contains a control character`);
  const unwritable = byteSet === undefined ? undefined : aboveLatin1(value);
  if (unwritable !== undefined)
    throw new X12GenerationError(
      'VALUE_INVALID',
      `${where} "${value}" contains ${String.fromCodePoint(unwritable)} (${codePointName(unwritable)}), which has no byte in ${byteSet}, the encoding this interchange is written in`,
    );
}

function stamp(now: Date): { yymmdd: string; ccyymmdd: string; hhmm: string } {
  if (Number.isNaN(now.getTime())) throw new X12GenerationError('ENVELOPE_INVALID', 'now is an invalid Date');
  const iso = now.toISOString();
  const ccyymmdd = iso.slice(0, 10).replaceAll('-', '');
  return { ccyymmdd, yymmdd: ccyymmdd.slice(2), hhmm: iso.slice(11, 16).replace(':', '') };
}

/**
 * One interchange with one functional group of `functionalId` holding `sets` (X12.5 ISA/IEA, X12.6
 * GS/GE and ST/SE). The ISA is fixed width (106 characters with its terminator): ids padded to 15,
 * ISA13 to nine digits. Every value is checked against every delimiter before anything is returned.
 */
export function writeInterchange(
  functionalId: string,
  sets: readonly X12OutboundSet[],
  options: X12EnvelopeOptions,
): X12Interchange {
  const d = options.delimiters;
  checkDelimiters(d);
  const byteSet = singleByteSet(options.encoding);
  if (byteSet !== undefined && Object.values(d).some((x) => x !== undefined && aboveLatin1(x) !== undefined))
    throw new X12GenerationError(
      'ENVELOPE_INVALID',
      `delimiters must have a byte in ${byteSet}, the encoding this interchange is written in: ${JSON.stringify(d)}`,
    );
  const v5 = options.version.startsWith('005');
  const isa12 = options.interchangeVersion ?? (v5 ? '00501' : '00401');
  const repetition = Number(isa12) >= 402 ? d.repetition : undefined;
  if (Number(isa12) >= 402 && repetition === undefined)
    throw new X12GenerationError('ENVELOPE_INVALID', `ISA12 ${isa12} needs a repetition separator`);
  if (options.controlNumbers.sets.length !== sets.length)
    throw new X12GenerationError('ENVELOPE_INVALID', 'one set control number per set is needed');
  // Before 00402 ISA11 is the standards identifier U, not a separator (X12.5): a `^` or any other
  // would-be repetition separator is then ordinary data, and only the effective delimiters are checked.
  const effective: X12Delimiters = { ...d, repetition };
  const writer = new X12SegmentWriter(effective, options.lineBreak ?? '');
  const { yymmdd, ccyymmdd, hhmm } = stamp(options.now);
  const isa13 = control(options.controlNumbers.interchange, 9, 'interchange');
  const gs06 = control(options.controlNumbers.group, 1, 'group');
  const isa = [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    fixed(options.sender.qualifier, 2, 'ISA05'),
    fixed(options.sender.id, 15, 'ISA06'),
    fixed(options.receiver.qualifier, 2, 'ISA07'),
    fixed(options.receiver.id, 15, 'ISA08'),
    yymmdd,
    hhmm,
    repetition ?? 'U',
    isa12,
    isa13,
    options.ackRequested ? '1' : '0',
    options.usage ?? 'T',
    d.component,
  ];
  // ISA11 carries the repetition separator on purpose (00402+).
  isa
    .slice(1, 16)
    .forEach((v, i) => i !== 10 && checkValue(v, effective, `ISA${String(i + 1).padStart(2, '0')}`, byteSet));
  writer.write(isa, [11, 16]);
  const gs = [
    'GS',
    functionalId,
    options.sender.gs ?? options.sender.id.trim(),
    options.receiver.gs ?? options.receiver.id.trim(),
    ccyymmdd,
    hhmm,
    gs06,
    'X',
    options.version,
  ];
  gs.forEach((v, i) => checkValue(v, effective, i === 0 ? 'GS' : `GS${String(i).padStart(2, '0')}`, byteSet));
  writer.write(gs);
  const setControls: string[] = [];
  sets.forEach((set, k) => {
    const st02 = control(options.controlNumbers.sets[k]!, 4, 'set');
    setControls.push(st02);
    writer.write(['ST', set.setId, st02]);
    for (const row of set.rows) {
      row
        .slice(1)
        .forEach((v, i) => checkValue(v, effective, `${row[0]}${String(i + 1).padStart(2, '0')}`, byteSet));
      writer.write(row);
    }
    writer.write(['SE', String(set.rows.length + 2), st02]);
  });
  writer.write(['GE', String(sets.length), gs06]);
  writer.write(['IEA', '1', isa13]);
  if (writer.conflict !== undefined)
    throw new X12GenerationError('DELIMITER_IN_VALUE', describeConflict(writer.conflict));
  return {
    text: writer.text(),
    interchangeControlNumber: isa13,
    groupControlNumber: gs06,
    setControlNumbers: setControls,
  };
}
