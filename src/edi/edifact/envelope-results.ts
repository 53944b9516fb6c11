import type { EdiLevel } from '../core/issue.js';
import { AUTO_CHARSET, EDIFACT_CHARSETS } from './charsets.js';
import type { EdifactGroupResult, EdifactInterchangeResult, EdifactParty } from './result.js';
import type { EdifactSegmentView } from './segment.js';

/** The result node of a UNB as received (S002/S003 with their three components). */
export function interchangeFrom(view: EdifactSegmentView, una: boolean): EdifactInterchangeResult {
  const s = (n: number, c = 1): string => view.value(n, c);
  const party = (n: number): EdifactParty => ({ id: s(n, 1), qualifier: s(n, 2), internal: s(n, 3) });
  const syntaxId = s(1, 1);
  return {
    header: {
      syntaxId,
      syntaxVersion: s(1, 2),
      sender: party(2),
      recipient: party(3),
      date: s(4, 1),
      time: s(4, 2),
      reference: s(5),
      recipientReference: s(6),
      applicationReference: s(7),
      priority: s(8),
      ackRequest: s(9),
      agreementId: s(10),
      testIndicator: s(11),
    },
    delimiters: view.delimiters,
    charset: EDIFACT_CHARSETS.get(syntaxId) ?? AUTO_CHARSET,
    una,
    offset: view.offset,
    segmentIndex: view.segmentIndex,
    groups: [],
    messages: [],
    trailer: undefined,
    status: 'accepted',
    issues: [],
    contrlCount: 0,
  };
}

/** The result node of a UNG as received. */
export function groupFrom(view: EdifactSegmentView): EdifactGroupResult {
  const party = (n: number): EdifactParty => ({
    id: view.value(n, 1),
    qualifier: view.value(n, 2),
    internal: '',
  });
  return {
    groupId: view.value(1),
    sender: party(2),
    recipient: party(3),
    date: view.value(4, 1),
    time: view.value(4, 2),
    reference: view.value(5),
    agency: view.value(6),
    messageVersion: view.components(7).join(':'),
    offset: view.offset,
    segmentIndex: view.segmentIndex,
    messages: [],
    trailer: undefined,
    status: 'accepted',
    issues: [],
  };
}

/** Level at which findings on each service segment are reported (UCI, UCF, UCM). */
export const LEVEL_OF_TAG: Record<string, EdiLevel> = {
  UNB: 'interchange',
  UNZ: 'interchange',
  UNG: 'group',
  UNE: 'group',
  UNH: 'set',
  UNT: 'set',
};

/** True for the six envelope tags and UNA (three bytes, "UN" + one of A B Z G E H T). */
export function isServiceTag(view: EdifactSegmentView): boolean {
  return view.serviceTag() !== 0;
}

export function combine(
  statuses: readonly ('accepted' | 'partially-accepted' | 'rejected')[],
): EdifactInterchangeResult['status'] {
  if (statuses.length === 0) return 'accepted';
  if (statuses.every((s) => s === 'accepted')) return 'accepted';
  if (statuses.every((s) => s === 'rejected')) return 'rejected';
  return 'partially-accepted';
}
