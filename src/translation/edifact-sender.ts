import type { EdifactInterchangeResult } from '../edi/edifact/index.js';
import type { EdifactSender } from './edifact-references.repository.js';

/** The UNB sender of an interchange, as the intake judges, records and names it. */
export function senderOf(ic: EdifactInterchangeResult): EdifactSender {
  // The registry compares UNB ids trimmed and upper-cased; the window must see the sender the same way.
  return {
    qualifier: ic.header.sender.qualifier.trim().toUpperCase(),
    id: ic.header.sender.id.trim().toUpperCase(),
  };
}

export function senderLabel(sender: EdifactSender): string {
  return sender.qualifier ? `${sender.id}:${sender.qualifier}` : sender.id;
}
