import { X12_CODE_TABLES, type X12CodeTables } from '../code-tables.js';
import type { X12CodeVersion } from '../versions.js';
import type { X12CodeListSource } from './grammar.types.js';

/**
 * Code lists of the acknowledgment elements, taken from the engine's own code tables (code-tables.ts,
 * one per version, as ACK-CODES.md asks) so that the grammar and the builder can never disagree.
 * Complete: an acknowledgment with a code its version does not define is refused outbound and
 * AK403 7 inbound. Like those tables, they leave out the security codes (004010's 716/718 8–27).
 */
export function ackCodeLists(version: X12CodeVersion): Record<string, X12CodeListSource> {
  const t = X12_CODE_TABLES[version];
  const complete = (table: X12CodeTables['ak901']): X12CodeListSource => ({
    scope: 'complete',
    codes: [...table.codes.keys()],
  });
  const lists: Record<string, X12CodeListSource> = {
    '715': complete(t.ak901),
    '716': complete(t.ak905),
    '717': complete(t.ak501),
    '718': complete(t.ak502),
    '720': complete(t.ak304),
    '723': complete(t.ak403),
    I17: { scope: 'complete', codes: ['A', 'E', 'R'] },
    I18: complete(t.ta105),
  };
  if (version === '005010') {
    lists['618'] = complete(t.ik502);
    lists['620'] = complete(t.ik304);
    lists['621'] = complete(t.ik403);
  }
  return lists;
}
