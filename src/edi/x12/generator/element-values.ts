import { aboveLatin1, codePointName, type X12Encoding } from '../encoding.js';
import { checkValue } from '../grammar/element-findings.js';
import type { X12ElementDef, X12SegmentDef, X12SetGrammar } from '../grammar/grammar.types.js';
import { COMPONENT_MARK } from '../maps/map.types.js';
import type { X12CodeVersion } from '../versions.js';
import { singleByteSet } from './envelope-writer.js';
import { X12GenerationError } from './generation-error.js';
import { segmentRuleFindings } from './segment-rules.js';

/**
 * Free-text data elements (names, descriptions, addresses, message text): a line break or a tab in
 * them is layout, not data, and X12 has no way to carry it (X12.6 §3.3.1: control characters are not
 * in the basic or extended character set). Each CR, LF, CR LF or TAB becomes one space. Identifiers
 * and codes are never rewritten: a control character there is refused.
 */
const FREE_TEXT = new Set(['93', '166', '352', '369', '933']);

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function pad2(k: number): string {
  return k < 10 ? `0${k}` : String(k);
}

function refuse(where: string, e: X12ElementDef, message: string): never {
  throw new X12GenerationError(
    'VALUE_INVALID',
    `${where} (data element ${e.ref}, ${e.type} ${e.min}/${e.max}): ${message}`,
  );
}

/**
 * A value in the form its type prescribes (X12.6 §3.3.5): R as a plain decimal without leading zeros
 * or trailing fraction zeros (`012.500` → `12.5`); Nn as the digits of value × 10^n with the decimal
 * point implied (N2 `12.5` → `1250`), refused when it has more than n decimals rather than rounded.
 */
function numeric(value: string, e: X12ElementDef, where: string): string {
  const m = DECIMAL.exec(value);
  if (!m) refuse(where, e, `"${value}" is not a decimal number`);
  const [, sign, int, frac = ''] = m;
  if (e.type === 'R') {
    const whole = int!.replace(/^0+(?=\d)/, '');
    const fraction = frac.replace(/0+$/, '');
    const out = fraction ? `${whole}.${fraction}` : whole;
    return out === '0' ? out : `${sign}${out}`;
  }
  const implied = Number(e.type.slice(1));
  if (frac.replace(/0+$/, '').length > implied)
    refuse(where, e, `"${value}" has more decimals than the ${implied} the type implies`);
  const digits = `${int}${frac.padEnd(implied, '0').slice(0, implied)}`.replace(/^0+(?=\d)/, '');
  return digits === '0' ? digits : `${sign}${digits}`;
}

/**
 * The C1 control characters (U+0080-U+009F). The reader's check (`checkValue`) refuses C0 and DEL;
 * written out these are control characters too, as the bytes 80-9F in Latin-1 and in UTF-8 alike, and
 * no more data than those (X12.6 §3.3.1).
 */
const C1_CONTROL = /[\u0080-\u009f]/;

/** What a value must fit besides its element: the bytes it is written in. */
interface ValueContext {
  readonly version: X12CodeVersion;
  /** The byte set of a single-byte encoding (ISO 8859-1), undefined when written as UTF-8. */
  readonly byteSet: string | undefined;
}

function formatSimple(value: string, e: X12ElementDef, where: string, context: ValueContext): string {
  let out = value;
  if (e.type === 'R' || e.type[0] === 'N') out = numeric(value, e, where);
  else if (e.type === 'AN' && FREE_TEXT.has(e.ref)) out = value.replace(/\r\n|[\r\n\t]/g, ' ');
  const problem = checkValue(out, e, context.version);
  // A code outside a list the gateway keeps only in part is the partner's to judge (a warning inbound).
  if (problem && problem.severity === 'error') refuse(where, e, problem.message);
  if (C1_CONTROL.test(out)) refuse(where, e, 'control character in data');
  const unwritable = context.byteSet === undefined ? undefined : aboveLatin1(out);
  if (unwritable !== undefined)
    refuse(
      where,
      e,
      `"${out}" contains ${String.fromCodePoint(unwritable)} (${codePointName(unwritable)}), which has no byte in ${context.byteSet}, the encoding the partner's X12 is written in`,
    );
  return out;
}

/**
 * Checks and formats every body value against the set's grammar before anything is written: length,
 * type, character set and complete code lists, as the partner's translator will (997 AK403 / 999
 * IK403), and, for X12 written in a single-byte `encoding` (latin1), that each character has a byte
 * there. A value that does not fit is refused as `VALUE_INVALID` naming the segment, the element
 * position, the value and the limit; ids are never truncated. Then each segment as a whole: its
 * mandatory elements and syntax notes (`segmentRuleFindings`), refused as `VALUE_INVALID` naming the
 * set, the segment and its position, the elements and the rule broken. Rows are returned with numbers
 * in the form their type prescribes and free text made writable (see `FREE_TEXT`).
 */
export function checkAgainstGrammar(
  rows: readonly (readonly string[])[],
  grammar: X12SetGrammar,
  encoding: X12Encoding = 'utf8',
): string[][] {
  const context: ValueContext = {
    version: grammar.version >= '005010' ? '005010' : '004010',
    byteSet: singleByteSet(encoding),
  };
  return rows.map((row, index) => {
    const id = row[0]!;
    const def = grammar.dictionary.get(id);
    if (!def) throw new X12GenerationError('VALUE_INVALID', `${id} is not a segment of ${grammar.version}`);
    const formatted = formatRow(row, def, context);
    refuseBrokenRules(formatted, def, grammar, index);
    return formatted;
  });
}

/**
 * Refuses a segment that misses a mandatory element or breaks a syntax note. `index` is the row's
 * place in the body: the segment's position in the set (ST = 1, as in AK302) is two more.
 */
function refuseBrokenRules(
  row: readonly string[],
  def: X12SegmentDef,
  grammar: X12SetGrammar,
  index: number,
): void {
  const findings = segmentRuleFindings(row, def);
  if (findings.length === 0) return;
  throw new X12GenerationError(
    'VALUE_INVALID',
    `${grammar.setId} (${grammar.version}) segment ${def.id} at position ${index + 2}: ${findings
      .map((f) => f.message)
      .join('; ')}`,
  );
}

/**
 * Checks written segments as they are, without reformatting a value: for what echoes a received value
 * (AK102 the partner's GS06 "000005", AK202 its ST02), where `checkAgainstGrammar` would drop leading
 * zeros. Values (type, length, character set, complete code lists), then mandatory elements and syntax
 * notes, as `checkAgainstGrammar` does; refused as `VALUE_INVALID` naming the set, segment and position.
 */
export function refuseInvalidSegments(
  rows: readonly (readonly string[])[],
  grammar: X12SetGrammar,
  echoes: ReadonlySet<string> = NO_ECHOES,
): void {
  const version: X12CodeVersion = grammar.version >= '005010' ? '005010' : '004010';
  rows.forEach((row, index) => {
    const id = row[0]!;
    const def = grammar.dictionary.get(id);
    if (!def) throw new X12GenerationError('VALUE_INVALID', `${id} is not a segment of ${grammar.version}`);
    refuseInvalidSegment(
      row,
      def,
      version,
      `${grammar.setId} (${grammar.version}) segment ${id} at position ${index + 2}`,
      echoes,
    );
  });
}

const NO_ECHOES: ReadonlySet<string> = new Set();

/**
 * `refuseInvalidSegments` for one segment, also one outside a set (the TA1); `where` names it.
 * `echoes` names elements (`AK102`) that repeat a value as the partner sent it: present or not, and
 * free of control characters, but their type and length are the partner's (an acknowledgment that
 * rejects a GS06 "X" with AK905 6 must name that group as "X").
 */
export function refuseInvalidSegment(
  row: readonly string[],
  def: X12SegmentDef,
  version: X12CodeVersion,
  where: string,
  echoes: ReadonlySet<string> = NO_ECHOES,
): void {
  row.forEach((value, k) => {
    if (k === 0 || value === '') return;
    const name = `${def.id}${pad2(k)}`;
    const e = def.elements[k - 1];
    if (!e)
      throw new X12GenerationError(
        'VALUE_INVALID',
        `${where}: ${name} "${value}": ${def.id} has only ${def.elements.length} elements`,
      );
    const parts = value.split(COMPONENT_MARK);
    const components = e.components ?? [e];
    if (parts.length > components.length)
      throw new X12GenerationError(
        'VALUE_INVALID',
        `${where}: ${name} "${value}" has more than ${components.length} component(s)`,
      );
    parts.forEach((part, j) => {
      const c = components[j]!;
      const problem = part === '' ? undefined : checkValue(part, c, version);
      if (problem && echoes.has(name) && problem.message !== 'control character in data') return;
      if (problem && problem.severity === 'error')
        refuse(`${where}: ${e.components ? `${name}-${pad2(j + 1)}` : name}`, c, problem.message);
    });
  });
  const findings = segmentRuleFindings(row, def);
  if (findings.length > 0)
    throw new X12GenerationError('VALUE_INVALID', `${where}: ${findings.map((f) => f.message).join('; ')}`);
}

function formatRow(row: readonly string[], def: X12SegmentDef, context: ValueContext): string[] {
  const id = def.id;
  return row.map((value, k) => {
    if (k === 0 || value === '') return value;
    const where = `${id}${pad2(k)}`;
    const e = def.elements[k - 1];
    if (!e)
      throw new X12GenerationError(
        'VALUE_INVALID',
        `${where} "${value}": ${id} has only ${def.elements.length} elements`,
      );
    if (!e.components) return formatSimple(value, e, where, context);
    return value
      .split(COMPONENT_MARK)
      .map((part, j) => {
        const c = e.components![j];
        if (part === '' || !c) return part;
        return formatSimple(part, c, `${where}-${pad2(j + 1)}`, context);
      })
      .join(COMPONENT_MARK);
  });
}
