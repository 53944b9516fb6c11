import { expectedFunctionalId } from '../functional-groups.js';
import { X12GenerationError } from './generation-error.js';

/** The part of a canonical `functional-acknowledgment.*` payload a 997 is written from. */
export interface X12FunctionalAckContent {
  readonly acknowledged: { readonly groupControlNumber?: string | undefined };
  readonly status: 'accepted' | 'accepted-with-errors' | 'partially-accepted' | 'rejected';
  readonly transactionSets: readonly {
    readonly controlNumber: string;
    readonly type: string;
    readonly status: 'accepted' | 'accepted-with-errors' | 'rejected';
    readonly issues?:
      | readonly {
          readonly level: string;
          readonly code?: string | undefined;
          readonly segmentId?: string | undefined;
          readonly segmentPosition?: number | undefined;
          readonly elementPosition?: number | undefined;
        }[]
      | undefined;
  }[];
}

const SET_STATUS = { accepted: 'A', 'accepted-with-errors': 'E', rejected: 'R' } as const;
const GROUP_STATUS = {
  accepted: 'A',
  'accepted-with-errors': 'E',
  'partially-accepted': 'P',
  rejected: 'R',
} as const;

/**
 * The body of a 997 (X12.6 §5: AK1, AK2/AK3/AK4/AK5 per set, AK9) for the acknowledgment a canonical
 * event records. AK101 is the functional id of the acknowledged sets' group (from ST01).
 */
export function functionalAckRows(ack: X12FunctionalAckContent): string[][] {
  const group = ack.acknowledged.groupControlNumber;
  if (group === undefined)
    throw new X12GenerationError(
      'VALUE_INVALID',
      'a 997 answers a group: acknowledged.groupControlNumber is missing',
    );
  const first = ack.transactionSets[0];
  const functionalId = first ? expectedFunctionalId(first.type) : undefined;
  if (functionalId === undefined)
    throw new X12GenerationError(
      'VALUE_INVALID',
      'a 997 needs at least one acknowledged set of a known type',
    );
  const rows: string[][] = [['AK1', functionalId, group]];
  for (const set of ack.transactionSets) {
    rows.push(['AK2', set.type, set.controlNumber]);
    const issues = set.issues ?? [];
    const setCodes: string[] = [];
    for (const issue of issues) {
      if (issue.level === 'segment' && issue.segmentId && issue.segmentPosition)
        rows.push(['AK3', issue.segmentId, String(issue.segmentPosition), '', issue.code ?? '8']);
      else if (
        issue.level === 'element' &&
        issue.segmentId &&
        issue.segmentPosition &&
        issue.elementPosition
      ) {
        rows.push(['AK3', issue.segmentId, String(issue.segmentPosition), '', '8']);
        rows.push(['AK4', String(issue.elementPosition), '', issue.code ?? '1']);
      } else if (issue.level === 'set' && issue.code) setCodes.push(issue.code);
    }
    if (set.status !== 'accepted' && setCodes.length === 0 && issues.length > 0) setCodes.push('5');
    rows.push(['AK5', SET_STATUS[set.status], ...setCodes.slice(0, 5)]);
  }
  const n = ack.transactionSets.length;
  const accepted = ack.transactionSets.filter((s) => s.status !== 'rejected').length;
  rows.push(['AK9', GROUP_STATUS[ack.status], String(n), String(n), String(accepted)]);
  return rows;
}
