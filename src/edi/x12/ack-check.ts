import { refuseInvalidSegment, refuseInvalidSegments } from './generator/element-values.js';
import { X12GenerationError } from './generator/generation-error.js';
import { strictAckGrammars } from './grammar/grammar-registry.js';
import type { X12SetGrammar } from './grammar/grammar.types.js';
import { groupVersionNumber, type X12CodeVersion } from './versions.js';

/**
 * The grammar a 997 / 999 in a group of version `gs08` is checked against: that version's, the nearest
 * one otherwise (004010 before 005010, as the code lists are chosen), and 005010's for a 999 in an
 * older group, the only 999 there is.
 */
export function ackGrammar(type: '997' | '999', gs08: string): X12SetGrammar {
  const grammars = strictAckGrammars();
  const v5 = (groupVersionNumber(gs08) ?? 5010) >= 5010;
  const grammar = grammars.find(type, v5 ? '005010' : '004010') ?? grammars.find(type, '005010');
  if (!grammar) throw new Error(`no built-in ${type} grammar`);
  return grammar;
}

/**
 * What a 997 / 999 copies from the group it answers (GS01, GS06, GS08; ST01, ST02, ST03): the partner
 * correlates by these, so they are written as received, even when invalid, which AK905 / AK502 then
 * say (X12.6 §5). AK404 / IK404 copies are cleaned by `sanitizeCopy` and checked like any value.
 */
const ECHOES: ReadonlySet<string> = new Set(['AK101', 'AK102', 'AK103', 'AK201', 'AK202', 'AK203']);

/** One 997 / 999 body (AK1 … AK9, composites joined by `COMPONENT_MARK`) and its group's GS08. */
export interface X12AckBody {
  readonly type: '997' | '999';
  readonly gs08: string;
  readonly rows: readonly (readonly string[])[];
}

/**
 * Checks an acknowledgment as the generator checks an 850 (`refuseInvalidSegments`: values, mandatory
 * elements, syntax notes), before a control number is taken for it: the TA1 against the TA1 segment of
 * its interchange version (X12.5 §3.4), each body against its 997 / 999 grammar. Returns why it cannot
 * be sent, or undefined when it can.
 */
export function ackProblem(
  bodies: readonly X12AckBody[],
  ta1: { readonly row: readonly string[]; readonly isaVersion: number } | undefined,
): string | undefined {
  try {
    if (ta1) {
      const version: X12CodeVersion = ta1.isaVersion >= 501 ? '005010' : '004010';
      const def = ackGrammar('997', version).dictionary.get('TA1')!;
      refuseInvalidSegment(ta1.row, def, version, 'TA1');
    }
    for (const body of bodies) refuseInvalidSegments(body.rows, ackGrammar(body.type, body.gs08), ECHOES);
  } catch (error) {
    if (error instanceof X12GenerationError) return `the acknowledgment breaks its grammar: ${error.message}`;
    throw error;
  }
  return undefined;
}
