/**
 * X12 generator: canonical event (as plain data) → X12 interchange, through an outbound map
 * (`edi-maps/x12/<version>/<set>.outbound.yaml`) and the partner's delimiters. See docs/edi-x12.md,
 * "Maps and translation".
 */
import { expectedFunctionalId } from '../functional-groups.js';
import type { X12OutboundMap } from '../maps/map.types.js';
import { writeBody, type X12OutboundConverters } from './body-writer.js';
import { ackGrammar } from '../ack-check.js';
import { checkAgainstGrammar, refuseInvalidSegments } from './element-values.js';
import { writeInterchange, type X12EnvelopeOptions, type X12Interchange } from './envelope-writer.js';
import { functionalAckRows, type X12FunctionalAckContent } from './functional-ack-writer.js';
import { X12GenerationError } from './generation-error.js';

export { writeBody, type X12OutboundConverters } from './body-writer.js';
export { checkAgainstGrammar, refuseInvalidSegment, refuseInvalidSegments } from './element-values.js';
export {
  writeInterchange,
  type X12EnvelopeOptions,
  type X12Interchange,
  type X12OutboundSet,
  type X12Party,
} from './envelope-writer.js';
export { functionalAckRows, type X12FunctionalAckContent } from './functional-ack-writer.js';
export { X12GenerationError, type X12GenerationErrorCode } from './generation-error.js';

/** One event as one interchange (one group, one set). Throws `X12GenerationError`, never writes half. */
export function generateX12(
  event: unknown,
  map: X12OutboundMap,
  converters: X12OutboundConverters,
  envelope: X12EnvelopeOptions,
): X12Interchange {
  // Checked against the grammar here, before the envelope (and with it any control number) is written.
  const rows = checkAgainstGrammar(writeBody(map, event, converters), map.grammar, envelope.encoding);
  const functionalId = map.grammar.functionalId;
  return writeInterchange(functionalId, [{ setId: map.set, rows }], envelope);
}

/** A 997 for a canonical functional-acknowledgment payload. */
export function generateX12FunctionalAck(
  ack: X12FunctionalAckContent,
  envelope: X12EnvelopeOptions,
): X12Interchange {
  if (expectedFunctionalId('997') !== 'FA') throw new X12GenerationError('ENVELOPE_INVALID', 'no FA group');
  const rows = functionalAckRows(ack);
  // As for every other set: checked against the 997 grammar before any control number is written.
  refuseInvalidSegments(rows, ackGrammar('997', envelope.version));
  return writeInterchange('FA', [{ setId: '997', rows }], envelope);
}
