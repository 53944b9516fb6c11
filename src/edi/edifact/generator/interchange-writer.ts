import {
  EDIFACT_CHARSETS,
  edifactMimeCharset,
  encodeEdifact,
  unencodableCharacter,
  type EdifactCharset,
} from '../charsets.js';
import {
  DEFAULT_EDIFACT_DELIMITERS,
  DEFAULT_EDIFACT_DELIMITERS_V4,
  type EdifactDelimiters,
} from '../delimiters.js';
import { EdifactSegmentWriter, type EdifactValue } from '../segment-writer.js';
import { COMPONENT_MARK } from '../x12-shared.js';
import { EdifactGenerationError } from './generation-error.js';

export interface EdifactParty {
  /** UNB S002 0004 / S003 0010. */
  readonly id: string;
  /** 0007 code qualifier (14 GLN, ZZZ mutually defined …). */
  readonly qualifier?: string | undefined;
}

export interface EdifactEnvelopeOptions {
  /** UNB S001: `UNOC` and `3` by default. */
  readonly syntax?: string | undefined;
  readonly syntaxVersion?: 2 | 3 | 4 | undefined;
  /** Write a UNA (always when the service characters differ from the defaults). */
  readonly una?: boolean | undefined;
  /** The partner's service characters (UNA3–UNA8): component, element, decimal, release, repetition, terminator. */
  readonly serviceCharacters?: string | undefined;
  readonly sender: EdifactParty;
  readonly recipient: EdifactParty;
  readonly now: Date;
  /** UNB 0020 and one UNH 0062 per message. */
  readonly references: { readonly interchange: string; readonly messages: readonly string[] };
  /** UNB 0031 = 1: ask for a CONTRL. */
  readonly ackRequested?: boolean | undefined;
  /** UNB 0035 = 1. */
  readonly test?: boolean | undefined;
  /** Written after each terminator (e.g. "\n"). */
  readonly lineBreak?: string | undefined;
}

export interface EdifactOutboundMessage {
  /** UNH S009: `ORDERS`, `D`, `96A`, `UN`, optional association code (`EAN008`). */
  readonly type: string;
  readonly version: string;
  readonly release: string;
  readonly agency: string;
  readonly association?: string | undefined;
  /** Body rows between UNH and UNT, tag first; a composite's components joined by COMPONENT_MARK. */
  readonly rows: readonly (readonly string[])[];
}

export interface EdifactInterchange {
  readonly text: string;
  /** `text` in the character set UNB S001 declares: what goes to the partner. */
  readonly bytes: Buffer;
  /** The IANA name of that character set as `bytes` are written (ISO-8859-1 for UNOC, UTF-8 for UNOW …). */
  readonly charset: string;
  readonly interchangeReference: string;
  readonly messageReferences: readonly string[];
  readonly delimiters: EdifactDelimiters;
}

/** The delimiters a partner's UNA asks for (six characters, ISO 9735-1 §8), or the syntax defaults. */
export function delimitersFor(
  serviceCharacters: string | undefined,
  syntaxVersion: number,
): EdifactDelimiters {
  if (serviceCharacters === undefined)
    return syntaxVersion >= 4 ? DEFAULT_EDIFACT_DELIMITERS_V4 : DEFAULT_EDIFACT_DELIMITERS;
  const [component, element, decimalMark, release, repetition, segment] = [...serviceCharacters];
  const d: EdifactDelimiters = {
    component: component!,
    element: element!,
    decimalMark: decimalMark!,
    release: release === ' ' ? undefined : release,
    repetition: repetition === ' ' || syntaxVersion < 4 ? undefined : repetition,
    segment: segment!,
  };
  const used = [d.component, d.element, d.release, d.repetition, d.segment].filter((c) => c !== undefined);
  if (new Set(used).size !== used.length || used.some((c) => /[A-Za-z0-9 ]/.test(c!)))
    throw new EdifactGenerationError(
      'ENVELOPE_INVALID',
      `service characters "${serviceCharacters}" are not usable`,
    );
  if (d.decimalMark !== '.' && d.decimalMark !== ',')
    throw new EdifactGenerationError(
      'ENVELOPE_INVALID',
      `decimal mark "${d.decimalMark}" is neither "." nor ","`,
    );
  return d;
}

/** The character set UNB S001 names, or ENVELOPE_INVALID for one we cannot write. */
function charsetOf(syntax: string): EdifactCharset {
  const charset = EDIFACT_CHARSETS.get(syntax);
  if (!charset)
    throw new EdifactGenerationError(
      'ENVELOPE_INVALID',
      `UNB S001 "${syntax}" is not a character set the gateway writes (${[...EDIFACT_CHARSETS.keys()].join(', ')})`,
    );
  return charset;
}

/**
 * Refuses a value with a character the declared set cannot carry (ISO 9735-1 §4: UNOA has no lower
 * case, UNOC is ISO 8859-1 …) rather than sending bytes the partner would read as something else.
 */
function checkCharacters(
  tag: string,
  values: readonly string[],
  charset: EdifactCharset,
  code: 'VALUE_INVALID' | 'ENVELOPE_INVALID',
): void {
  for (const value of values) {
    const bad = unencodableCharacter(value, charset);
    if (bad === undefined) continue;
    const point = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new EdifactGenerationError(
      code,
      `${tag} "${value}": ${point} is not in the ${charset.id} character set`,
    );
  }
}

function reference(value: string, what: string): string {
  if (!/^[A-Za-z0-9]{1,14}$/.test(value))
    throw new EdifactGenerationError('ENVELOPE_INVALID', `${what} "${value}" is not 1-14 letters or digits`);
  return value;
}

/**
 * Writes one interchange: the partner's UNA (when asked for or when its characters differ from the
 * defaults), UNB with S004 in the syntax version's date form, each message UNH … UNT with its segment
 * count, UNZ. Every value goes through the segment writer, which puts the release character in front
 * of each service character (ISO 9735-1 §7.5); without a release character a service character in a
 * value is `DELIMITER_IN_VALUE`, never corrupt output.
 */
export function writeEdifactInterchange(
  messages: readonly EdifactOutboundMessage[],
  options: EdifactEnvelopeOptions,
): EdifactInterchange {
  const version = options.syntaxVersion ?? 3;
  const syntax = options.syntax ?? 'UNOC';
  const delimiters = delimitersFor(options.serviceCharacters, version);
  const charset = charsetOf(syntax);
  for (const p of [options.sender, options.recipient])
    checkCharacters('UNB', [p.id, p.qualifier ?? ''], charset, 'ENVELOPE_INVALID');
  for (const message of messages)
    for (const row of message.rows)
      for (const value of row.slice(1))
        checkCharacters(row[0]!, value.split(COMPONENT_MARK), charset, 'VALUE_INVALID');
  if (messages.length !== options.references.messages.length)
    throw new EdifactGenerationError('ENVELOPE_INVALID', 'one message reference per message');
  const w = new EdifactSegmentWriter(delimiters, options.lineBreak ?? '');
  const defaults = version >= 4 ? DEFAULT_EDIFACT_DELIMITERS_V4 : DEFAULT_EDIFACT_DELIMITERS;
  const custom = (['component', 'element', 'decimalMark', 'release', 'repetition', 'segment'] as const).some(
    (k) => delimiters[k] !== defaults[k],
  );
  if (options.una || custom) w.una();
  const iso = options.now.toISOString();
  const date = version >= 4 ? iso.slice(0, 10).replaceAll('-', '') : iso.slice(2, 10).replaceAll('-', '');
  const time = iso.slice(11, 16).replace(':', '');
  const icRef = reference(options.references.interchange, 'UNB 0020');
  const party = (p: EdifactParty): EdifactValue => [p.id, p.qualifier];
  w.write(
    'UNB',
    [syntax, String(version)],
    party(options.sender),
    party(options.recipient),
    [date, time],
    icRef,
    undefined,
    undefined,
    undefined,
    options.ackRequested ? '1' : undefined,
    undefined,
    options.test ? '1' : undefined,
  );
  messages.forEach((message, i) => {
    const ref = reference(options.references.messages[i]!, 'UNH 0062');
    const start = w.segmentCount;
    w.write('UNH', ref, [
      message.type,
      message.version,
      message.release,
      message.agency,
      message.association,
    ]);
    for (const row of message.rows) {
      const values = row
        .slice(1)
        .map((v): EdifactValue => (v.includes(COMPONENT_MARK) ? v.split(COMPONENT_MARK) : v));
      w.write(row[0]!, ...values);
    }
    w.write('UNT', String(w.segmentCount - start + 1), ref);
  });
  w.write('UNZ', String(messages.length), icRef);
  if (w.conflict !== undefined)
    throw new EdifactGenerationError(
      'DELIMITER_IN_VALUE',
      `"${w.conflict}" holds a service character and the interchange has no release character`,
    );
  const text = w.text();
  let bytes: Buffer;
  try {
    bytes = encodeEdifact(text, charset);
  } catch (error) {
    // Values were checked above: only a service character (UNA) can be left without a byte.
    throw new EdifactGenerationError('ENVELOPE_INVALID', `service characters: ${(error as Error).message}`);
  }
  return {
    text,
    bytes,
    charset: edifactMimeCharset(charset),
    interchangeReference: icRef,
    messageReferences: options.references.messages,
    delimiters,
  };
}
