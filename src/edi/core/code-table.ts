/**
 * A standard code list of one version (e.g. X12 DE 716 in 005010), kept as data so that an engine can
 * refuse to emit a code the receiver's version does not define.
 */
export interface CodeTable {
  /** Where the codes go, e.g. `AK905` or `TA105`. */
  readonly list: string;
  /** Version the table belongs to, e.g. `005010`. */
  readonly version: string;
  readonly codes: ReadonlyMap<string, string>;
}

export function defineCodeTable(list: string, version: string, entries: Record<string, string>): CodeTable {
  return Object.freeze({ list, version, codes: new Map(Object.entries(entries)) });
}

/** Extends a table for a later version or an implementation profile (999 I-codes) without copying by hand. */
export function extendCodeTable(
  base: CodeTable,
  version: string,
  added: Record<string, string>,
  removed: readonly string[] = [],
): CodeTable {
  const codes = new Map(base.codes);
  for (const code of removed) codes.delete(code);
  for (const [code, text] of Object.entries(added)) codes.set(code, text);
  return Object.freeze({ list: base.list, version, codes });
}

export function hasCode(table: CodeTable, code: string): boolean {
  return table.codes.has(code);
}

export function describeCode(table: CodeTable, code: string): string | undefined {
  return table.codes.get(code);
}
