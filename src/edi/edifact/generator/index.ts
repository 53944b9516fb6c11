/**
 * EDIFACT generator: canonical event (as plain data) → EDIFACT interchange, through an outbound map
 * (`edi-maps/edifact/<directory>/<MESSAGE>.outbound.yaml`, written by the shared body writer) and the
 * partner's service characters. CONTRL from a canonical functional acknowledgment. See
 * docs/edi-edifact.md, "Generator".
 */
import { COMPONENT_MARK, writeBody, type X12OutboundConverters, type X12OutboundMap } from '../x12-shared.js';
import { defaultEdifactDirectories } from '../directories/directories.js';
import { contrlRows, type EdifactContrlContent } from './contrl-writer.js';
import { checkAgainstDirectory } from './directory-values.js';
import { EdifactGenerationError } from './generation-error.js';
import {
  delimitersFor,
  writeEdifactInterchange,
  type EdifactEnvelopeOptions,
  type EdifactInterchange,
} from './interchange-writer.js';

export { contrlRows, type EdifactContrlContent } from './contrl-writer.js';
export { EdifactGenerationError, type EdifactGenerationErrorCode } from './generation-error.js';
export {
  delimitersFor,
  writeEdifactInterchange,
  type EdifactEnvelopeOptions,
  type EdifactInterchange,
  type EdifactOutboundMessage,
  type EdifactParty,
} from './interchange-writer.js';

/**
 * Numbers are canonical (`12.5`); a partner whose UNA3 is "," gets `12,5` in every numeric element or
 * component of the message's directory (ISO 9735-1 §11.3): `n`, and the `an` ones that still carry a
 * number (D.01B 6060 quantity, 6314 measurement value); other values keep their ".".
 */
function withDecimalComma(rows: string[][], map: X12OutboundMap): string[][] {
  const structure = defaultEdifactDirectories().find(map.set, map.version);
  if (!structure) return rows;
  return rows.map((row) => {
    const def = structure.segments.get(row[0]!);
    if (!def) return row;
    return row.map((value, e) => {
      const element = e === 0 ? undefined : def.elements[e - 1];
      if (!element) return value;
      if (element.components === undefined) return element.format?.decimal ? value.replace('.', ',') : value;
      const parts = value.split(COMPONENT_MARK);
      return parts
        .map((part, k) => (element.components![k]?.format?.decimal ? part.replace('.', ',') : part))
        .join(COMPONENT_MARK);
    });
  });
}

/** One event as one interchange with one message. Throws `EdifactGenerationError`, never writes half. */
export function generateEdifact(
  event: unknown,
  map: X12OutboundMap,
  converters: X12OutboundConverters,
  envelope: EdifactEnvelopeOptions & { readonly association?: string | undefined },
): EdifactInterchange {
  let rows: string[][];
  try {
    rows = writeBody(map, event, converters);
  } catch (error) {
    throw new EdifactGenerationError('VALUE_INVALID', (error as Error).message);
  }
  const mark = delimitersFor(envelope.serviceCharacters, envelope.syntaxVersion ?? 3).decimalMark;
  if (mark === ',') rows = withDecimalComma(rows, map);
  const structure = defaultEdifactDirectories().find(map.set, map.version, envelope.association);
  if (structure) rows = checkAgainstDirectory(rows, structure, mark, map.name);
  const version = map.version.slice(0, 1);
  const release = map.version.slice(1);
  return writeEdifactInterchange(
    [{ type: map.set, version, release, agency: 'UN', association: envelope.association, rows }],
    envelope,
  );
}

/** A CONTRL (syntax 3, `CONTRL:D:3:UN`) for a canonical functional-acknowledgment payload. */
export function generateEdifactContrl(
  ack: EdifactContrlContent,
  envelope: EdifactEnvelopeOptions,
): EdifactInterchange {
  return writeEdifactInterchange(
    [{ type: 'CONTRL', version: 'D', release: '3', agency: 'UN', rows: contrlRows(ack) }],
    envelope,
  );
}
