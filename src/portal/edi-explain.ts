/**
 * A received EDI document as a person reads it in the portal: one row per segment, and next to the
 * segment that caused it, each error of the acknowledgment the gateway sent back (997/999 AK3/AK4 or
 * IK3/IK4, TA1, CONTRL UCS/UCD), in plain language instead of code numbers. Pure: no I/O.
 */

export interface ExplainedSegment {
  /** 1-based position in the file. */
  readonly n: number;
  readonly text: string;
  readonly errors: readonly string[];
}

export interface ExplainedDocument {
  readonly format: 'x12' | 'edifact' | 'json' | 'text';
  readonly segments: readonly ExplainedSegment[];
  /** Problems of the whole interchange, group or set (no one segment to point at). */
  readonly general: readonly string[];
  /** The acknowledgment the errors come from, as sent. */
  readonly acknowledgment: { readonly kind: string; readonly text: string } | null;
}

// X12.6 code lists (997/999; ACK-CODES.md), worded for a supplier's clerk rather than a translator.
const SEGMENT_ERRORS: Record<string, string> = {
  '1': 'this segment name is not known in this document type',
  '2': 'this segment is not expected at this point of the document',
  '3': 'a required segment is missing here',
  '4': 'this group of segments repeats more often than allowed',
  '5': 'this segment repeats more often than allowed',
  '6': 'this segment does not belong in this document type',
  '7': 'this segment is in the wrong order',
  '8': 'one or more fields of this segment are wrong (see below)',
  I4: 'this segment must not be sent under the implementation guide',
  I6: 'a segment required by the implementation guide is missing',
  I7: 'a group of segments appears fewer times than the implementation guide requires',
  I8: 'this segment appears fewer times than the implementation guide requires',
  I9: 'this segment must not be sent in this situation',
};
const ELEMENT_ERRORS: Record<string, string> = {
  '1': 'a required field is empty',
  '2': 'a field that is required together with another one is empty',
  '3': 'the segment has more fields than allowed',
  '4': 'the value is too short',
  '5': 'the value is too long',
  '6': 'the value contains characters that are not allowed',
  '7': 'the value is not one of the allowed codes',
  '8': 'the date is not a valid date',
  '9': 'the time is not a valid time',
  '10': 'this field must be empty when another field is filled',
  '12': 'the field repeats too often',
  '13': 'the field has too many parts',
  I6: 'the code is not used by the implementation guide',
  I9: 'a field required by the implementation guide is empty',
  I10: 'this field must not be sent under the implementation guide',
  I11: 'the field repeats too few times',
  I12: 'the value does not have the required format',
  I13: 'this field must not be sent in this situation',
};
const SET_ERRORS: Record<string, string> = {
  '1': 'this document type is not supported',
  '2': 'the document has no end (SE) segment',
  '3': 'the control number in ST and SE differ',
  '4': 'the segment count in SE is wrong',
  '5': 'one or more segments are in error',
  '6': 'the document type identifier is missing or wrong',
  '7': 'the document control number is missing or wrong',
  '18': 'the document is not inside a functional group',
  '23': 'the document control number is used twice in the group',
  I5: 'one or more segments are in error under the implementation guide',
  I6: 'the implementation guide named is not supported',
};
const INTERCHANGE_ERRORS: Record<string, string> = {
  '001': 'the control numbers in ISA and IEA differ',
  '005': 'the sender id qualifier in ISA05 is not valid',
  '006': 'the sender id in ISA06 is not valid',
  '007': 'the receiver id qualifier in ISA07 is not valid',
  '008': 'the receiver id in ISA08 is not valid',
  '009': 'the receiver id in ISA08 is not ours',
  '014': 'the date in ISA09 is not valid',
  '015': 'the time in ISA10 is not valid',
  '017': 'the version in ISA12 is not supported',
  '018': 'the interchange control number in ISA13 is not valid',
  '021': 'the number of groups in IEA01 is wrong',
  '022': 'the envelope structure is broken',
  '023': 'the file ends before the interchange does',
  '024': 'the interchange content is not valid',
  '025': 'this interchange control number was received already (a duplicate)',
};
const EDIFACT_ERRORS: Record<string, string> = {
  '2': 'the syntax version is not supported',
  '7': 'we are not the recipient named',
  '12': 'the value is not valid',
  '13': 'a required value is missing',
  '14': 'the value is not supported here',
  '15': 'this is not supported here',
  '16': 'there are too many parts',
  '18': 'an unspecified error',
  '19': 'the decimal mark is wrong',
  '21': 'the value contains characters that are not allowed',
  '22': 'a service character is misused, e.g. the release character (?) before a character it cannot release',
  '23': 'the sender is not known',
  '26': 'this was received already (a duplicate)',
  '28': 'the references in header and trailer differ',
  '29': 'the segment count does not match',
  '35': 'a field or segment repeats too often',
  '36': 'a segment group repeats too often',
  '37': 'the characters are of the wrong type',
  '39': 'the value is too long',
  '40': 'the value is too short',
  '43': 'the recipient is not known',
  '45': 'there is a separator too many at the end',
};

function explain(table: Record<string, string>, code: string | undefined, what: string): string {
  if (!code) return what;
  const text = table[code];
  return text ? `${text} (code ${code})` : `${what} (code ${code})`;
}

/** X12 segments of a file: the ISA fixes the separators (ISA is 106 characters, X12.5). */
export function x12Segments(raw: string): { segments: string[]; element: string } {
  const start = raw.indexOf('ISA');
  if (start < 0 || raw.length < start + 106)
    return { segments: raw.split(/\r?\n/).filter(Boolean), element: '*' };
  const element = raw[start + 3]!;
  const terminator = raw[start + 105]!;
  const segments = raw
    .slice(start)
    .split(terminator)
    .map((s) => s.replace(/^[\r\n]+|[\r\n]+$/g, ''))
    .filter((s) => s.length > 0);
  return { segments, element };
}

function edifactSegments(raw: string): { segments: string[]; element: string; component: string } {
  let component = ':';
  let element = '+';
  let release = '?';
  let terminator = "'";
  let text = raw.replace(/^\uFEFF/, '');
  if (text.startsWith('UNA') && text.length >= 9) {
    component = text[3]!;
    element = text[4]!;
    release = text[6]!;
    terminator = text[8]!;
    text = text.slice(9);
  }
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === release && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === terminator) {
      segments.push(current.replace(/^[\r\n]+/, ''));
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) segments.push(current.trim());
  return { segments: segments.filter((s) => s.length > 0), element, component };
}

interface AckSources {
  readonly x12?: readonly { text: string }[];
  readonly edifact?: readonly { text: string }[];
}

/** The acknowledgments the intake recorded in the archive row's answer (x12Intake / edifactIntake). */
export function acknowledgmentsOf(answer: Record<string, unknown>): AckSources {
  const x12 = (answer.x12Intake as { interchanges?: { ack?: { text: string } | null }[] } | undefined)
    ?.interchanges;
  const edifact = (
    answer.edifactIntake as { interchanges?: { contrl?: { text: string } | null }[] } | undefined
  )?.interchanges;
  return {
    x12: (x12 ?? []).flatMap((i) => (i.ack ? [i.ack] : [])),
    edifact: (edifact ?? []).flatMap((i) => (i.contrl ? [i.contrl] : [])),
  };
}

export function explainDocument(
  raw: string,
  answer: Record<string, unknown>,
  contentType: string | null,
): ExplainedDocument {
  const trimmed = raw.replace(/^\uFEFF/, '').trimStart();
  const acks = acknowledgmentsOf(answer);
  if (trimmed.startsWith('ISA')) return explainX12(raw, acks.x12 ?? []);
  if (trimmed.startsWith('UNA') || trimmed.startsWith('UNB')) return explainEdifact(raw, acks.edifact ?? []);
  const json = contentType?.includes('json') || trimmed.startsWith('{');
  let text = raw;
  if (json)
    try {
      text = JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      // Shown as received.
    }
  return {
    format: json ? 'json' : 'text',
    segments: text.split('\n').map((line, i) => ({ n: i + 1, text: line, errors: [] })),
    general: [],
    acknowledgment: null,
  };
}

function explainX12(raw: string, acks: readonly { text: string }[]): ExplainedDocument {
  const { segments } = x12Segments(raw);
  const errors = new Map<number, string[]>();
  const general: string[] = [];
  const add = (index: number | undefined, message: string) => {
    if (index === undefined || index < 0 || index >= segments.length) general.push(message);
    else errors.set(index, [...(errors.get(index) ?? []), message]);
  };
  // Where each transaction set starts, by ST02 control number.
  const element = segments[0]?.[3] ?? '*';
  const setStart = new Map<string, number>();
  segments.forEach((s, i) => {
    const e = s.split(element);
    if (e[0] === 'ST' && e[2]) setStart.set(e[2], i);
  });
  for (const ack of acks) {
    const { segments: ackSegments, element: sep } = x12Segments(ack.text);
    let set: string | undefined;
    let lastSegment: number | undefined;
    for (const segment of ackSegments) {
      const e = segment.split(sep);
      switch (e[0]) {
        case 'TA1':
          if (e[4] === 'R' || e[4] === 'E')
            general.push(
              `The interchange ${e[1] ?? ''} was ${e[4] === 'R' ? 'rejected' : 'accepted with errors'}: ${explain(INTERCHANGE_ERRORS, e[5], 'an envelope error')}.`,
            );
          break;
        case 'AK2':
          set = e[2];
          lastSegment = undefined;
          break;
        case 'AK3':
        case 'IK3': {
          const start = set !== undefined ? setStart.get(set) : undefined;
          const position = Number(e[2]);
          lastSegment =
            start !== undefined && Number.isInteger(position) && position > 0
              ? start + position - 1
              : undefined;
          const id = e[1] ?? '';
          const found = lastSegment !== undefined ? segments[lastSegment]!.split(element)[0] : undefined;
          // A missing segment is reported where its absence was noticed: name it.
          const message =
            e[4] === '3' || e[4] === 'I6' || found !== id
              ? `${id}: ${explain(SEGMENT_ERRORS, e[4], 'a segment error')}`
              : explain(SEGMENT_ERRORS, e[4], 'this segment has an error');
          add(
            lastSegment,
            lastSegment === undefined
              ? `Segment ${id} at position ${e[2] ?? '?'}: ${message}`
              : capitalize(message),
          );
          break;
        }
        case 'AK4':
        case 'IK4': {
          const [position] = (e[1] ?? '').split(/[^0-9]/);
          const id = lastSegment !== undefined ? segments[lastSegment]!.split(element)[0] : '';
          const field = `${id}${(position ?? '').padStart(2, '0')}`;
          const bad = e[4] ? ` — we received “${e[4]}”` : '';
          add(
            lastSegment,
            `Field ${field}: ${explain(ELEMENT_ERRORS, e[3], 'the value is not valid')}${bad}.`,
          );
          break;
        }
        case 'AK5':
        case 'IK5':
          if (e[1] && e[1] !== 'A') {
            const codes = e.slice(2).filter(Boolean);
            const where = set !== undefined ? setStart.get(set) : undefined;
            const verdict = e[1] === 'E' ? 'accepted with errors' : 'rejected';
            const reasons = codes.map((c) => explain(SET_ERRORS, c, 'an error')).join('; ');
            add(
              where,
              `This document (control number ${set ?? '?'}) was ${verdict}${reasons ? `: ${reasons}` : ''}.`,
            );
          }
          break;
        case 'AK9':
          if (e[1] === 'R')
            general.push(
              'The whole functional group was rejected: nothing in it was processed. Correct the errors and send it again.',
            );
          break;
      }
    }
  }
  return {
    format: 'x12',
    segments: segments.map((text, i) => ({ n: i + 1, text, errors: errors.get(i) ?? [] })),
    general,
    acknowledgment:
      acks.length > 0
        ? { kind: 'X12 acknowledgment (TA1/997/999)', text: acks.map((a) => a.text).join('') }
        : null,
  };
}

function explainEdifact(raw: string, contrls: readonly { text: string }[]): ExplainedDocument {
  const { segments, element } = edifactSegments(raw);
  const errors = new Map<number, string[]>();
  const general: string[] = [];
  const add = (index: number | undefined, message: string) => {
    if (index === undefined || index < 0 || index >= segments.length) general.push(message);
    else errors.set(index, [...(errors.get(index) ?? []), message]);
  };
  const messageStart = new Map<string, number>();
  segments.forEach((s, i) => {
    const e = s.split(element);
    if (e[0] === 'UNH' && e[1]) messageStart.set(e[1], i);
  });
  for (const contrl of contrls) {
    const { segments: ackSegments, element: sep, component } = edifactSegments(contrl.text);
    let message: string | undefined;
    let lastSegment: number | undefined;
    for (const segment of ackSegments) {
      const e = segment.split(sep);
      switch (e[0]) {
        case 'UCI':
          if (e[4] === '4')
            general.push(
              `The interchange ${e[1] ?? ''} was rejected: ${explain(EDIFACT_ERRORS, e[5], 'an envelope error')}.`,
            );
          break;
        case 'UCM': {
          message = e[1];
          const parts = (e[3] ?? '').split(component);
          if (e[3] === '4' || parts[0] === '4' || e[4]) {
            const code = e[4];
            add(
              message !== undefined ? messageStart.get(message) : undefined,
              `This message (${message ?? '?'}) was rejected${code ? `: ${explain(EDIFACT_ERRORS, code, 'an error')}` : ''}.`,
            );
          }
          break;
        }
        case 'UCS': {
          const start = message !== undefined ? messageStart.get(message) : undefined;
          const position = Number(e[1]);
          lastSegment =
            start !== undefined && Number.isInteger(position) && position > 0
              ? start + position - 1
              : undefined;
          add(lastSegment, capitalize(`${explain(EDIFACT_ERRORS, e[2], 'this segment has an error')}.`));
          break;
        }
        case 'UCD': {
          const [position, comp] = (e[2] ?? '').split(component);
          const id = lastSegment !== undefined ? segments[lastSegment]!.split(element)[0] : '';
          add(
            lastSegment,
            `Field ${position ?? '?'}${comp ? `.${comp}` : ''} of ${id}: ${explain(EDIFACT_ERRORS, e[1], 'the value is not valid')}.`,
          );
          break;
        }
      }
    }
  }
  return {
    format: 'edifact',
    segments: segments.map((text, i) => ({ n: i + 1, text, errors: errors.get(i) ?? [] })),
    general,
    acknowledgment:
      contrls.length > 0 ? { kind: 'EDIFACT CONTRL', text: contrls.map((c) => c.text).join('') } : null,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
