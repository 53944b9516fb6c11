import { X12_CODE_TABLES, type X12CodeTables } from '../code-tables.js';
import type { X12CodeVersion } from '../versions.js';
import type { X12CodeListSource } from './grammar.types.js';

/**
 * Code lists of the acknowledgment elements, taken from the engine's own code tables (code-tables.ts,
 * one per version, as ACK-CODES.md asks) so that the grammar and the builder can never disagree.
 *
 * The decisions (AK501, AK901, TA104) are always complete: an acknowledgment whose verdict is not a
 * code of its version says nothing we could act on. The codes that say *why* (AK304, AK403, AK502,
 * AK905, their 999 forms, TA105) are complete when `strict` — what we write is refused outbound with
 * a code its version does not define — and otherwise common: a partner's 997 that accepts our 850
 * with, say, a 005010 AK403 code in a 004010 group, or one of 004010's security codes these tables
 * leave out (716/718 8–27), is still its acknowledgment; the grammar notes the code as a warning
 * instead of rejecting the set and leaving our document unacknowledged.
 */
export function ackCodeLists(version: X12CodeVersion, strict: boolean): Record<string, X12CodeListSource> {
  const t = X12_CODE_TABLES[version];
  const list = (table: X12CodeTables['ak901'], complete: boolean): X12CodeListSource => ({
    scope: complete ? 'complete' : 'common',
    codes: [...table.codes.keys()],
  });
  const lists: Record<string, X12CodeListSource> = {
    '715': list(t.ak901, true),
    '716': list(t.ak905, strict),
    '717': list(t.ak501, true),
    '718': list(t.ak502, strict),
    '720': list(t.ak304, strict),
    '723': list(t.ak403, strict),
    I17: { scope: 'complete', codes: ['A', 'E', 'R'] },
    I18: list(t.ta105, strict),
  };
  if (version === '005010') {
    lists['618'] = list(t.ik502, strict);
    lists['620'] = list(t.ik304, strict);
    lists['621'] = list(t.ik403, strict);
  }
  return lists;
}
